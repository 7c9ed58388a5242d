//! Where a mirror's sets are: the command line's `--sqlite-dir`/`--postgres-dir`, then an
//! explicit `--dir` (one folder holding both dialects), then `[mirror]` in migrate.toml,
//! then the migrations directory as one folder.

use migrate::source::MirrorSource;

use super::settings::Settings;
use super::verify_args::MirrorDirs;

/// Where the sets are, from the flags over the settings.
pub fn mirror_source(settings: &Settings, dirs: &MirrorDirs) -> anyhow::Result<MirrorSource> {
    let config = &settings.mirror;
    let flagged = dirs.sqlite_dir.is_some() || dirs.postgres_dir.is_some();
    if !flagged && settings.dir_flag {
        return Ok(MirrorSource::Shared(settings.dir.clone()));
    }
    let sqlite = dirs.sqlite_dir.clone().or_else(|| config.sqlite.clone());
    let postgres = dirs
        .postgres_dir
        .clone()
        .or_else(|| config.postgres.clone());
    match (sqlite, postgres) {
        (Some(sqlite), Some(postgres)) => Ok(MirrorSource::Folders { sqlite, postgres }),
        (None, None) => Ok(MirrorSource::Shared(settings.dir.clone())),
        (sqlite, _) => {
            let missing = if sqlite.is_none() {
                "sqlite"
            } else {
                "postgres"
            };
            anyhow::bail!(
                "the mirror's {missing} set has no folder\nhelp: pass --{missing}-dir DIR, or set `{missing}` under [mirror] in migrate.toml"
            )
        }
    }
}
