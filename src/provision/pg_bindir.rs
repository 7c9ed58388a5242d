//! Finds the machine's own PostgreSQL server binaries (initdb, pg_ctl, postgres), the way
//! ci/start-postgres.sh does.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Names the directory of the server binaries, overriding the search.
pub const BINDIR_VARIABLE: &str = "PG_BINDIR";

/// Where Debian and Ubuntu install each major version's server binaries.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The directory holding `initdb` and `pg_ctl`: `explicit` when given, else `$PG_BINDIR`,
/// else the newest `/usr/lib/postgresql/*/bin`, else `pg_config --bindir`. The error says
/// what was looked at.
pub fn find_bindir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return checked(dir.to_path_buf(), "the configured directory");
    }
    if let Some(dir) = std::env::var_os(BINDIR_VARIABLE).filter(|value| !value.is_empty()) {
        return checked(PathBuf::from(dir), BINDIR_VARIABLE);
    }
    if let Some(dir) = newest_debian_bindir() {
        return Ok(dir);
    }
    if let Some(dir) = pg_config_bindir().filter(|dir| has_server(dir)) {
        return Ok(dir);
    }
    Err(format!(
        "no initdb in ${BINDIR_VARIABLE}, {DEBIAN_ROOT}/*/bin or `pg_config --bindir`; \
         install PostgreSQL's server package (Debian: postgresql)"
    ))
}

fn checked(dir: PathBuf, origin: &str) -> Result<PathBuf, String> {
    if has_server(&dir) {
        Ok(dir)
    } else {
        Err(format!(
            "no initdb and pg_ctl in {} ({origin})",
            dir.display()
        ))
    }
}

fn has_server(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// The highest version under [`DEBIAN_ROOT`] that has the server, comparing versions as
/// numbers (`9.6` < `10` < `16`), not as text.
fn newest_debian_bindir() -> Option<PathBuf> {
    let entries = std::fs::read_dir(DEBIAN_ROOT).ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = version_key(&entry.file_name().to_string_lossy())?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

fn version_key(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    output.status.success().then(|| PathBuf::from(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert!(version_key("9.6") < version_key("10"));
        assert!(version_key("10") < version_key("16"));
        assert_eq!(version_key("main"), None);
    }

    #[test]
    fn a_configured_directory_without_initdb_says_so() {
        let error = find_bindir(Some(Path::new("/nonexistent/bin"))).unwrap_err();
        assert!(error.contains("/nonexistent/bin"), "{error}");
    }
}
