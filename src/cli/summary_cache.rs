//! Where a no-op run finds the migrations directory as an earlier run read it: the user's
//! cache folder (`$XDG_CACHE_HOME/migrate`, `~/.cache/migrate`, `~/Library/Caches/migrate`),
//! or `MIGRATE_CACHE_DIR`; `MIGRATE_CACHE_DIR=off` (or empty) turns it off.

use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use etcetera::BaseStrategy as _;
use migrate::source::SummaryCache;

/// The environment variable naming the cache folder, or turning the cache off.
const CACHE_DIR_VARIABLE: &str = "MIGRATE_CACHE_DIR";

/// The cache this binary reads and writes, unless turned off or there is no place for it.
pub fn summary_cache() -> Option<SummaryCache> {
    let folder = match std::env::var_os(CACHE_DIR_VARIABLE) {
        Some(value) if value.is_empty() || value == "off" => return None,
        Some(value) => PathBuf::from(value),
        None => etcetera::choose_base_strategy()
            .ok()?
            .cache_dir()
            .join("migrate"),
    };
    Some(SummaryCache {
        folder,
        reader: reader()?,
    })
}

/// This binary, as exactly as a stat tells: a rebuild or another version may read the
/// same files differently, so it does not trust what this one remembered.
fn reader() -> Option<String> {
    let metadata = std::env::current_exe().ok()?.metadata().ok()?;
    let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!(
        "migrate {} {} {}",
        env!("CARGO_PKG_VERSION"),
        metadata.len(),
        modified.as_nanos()
    ))
}
