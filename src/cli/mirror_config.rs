//! `[mirror]` in migrate.toml and where a mirror's sets are: the command line's
//! `--sqlite-dir`/`--postgres-dir`, then an explicit `--dir` (one folder holding both
//! dialects), then `[mirror]`, then the migrations directory as one folder.

use std::path::PathBuf;

use migrate::engine::AllowEntry;
use migrate::source::MirrorSource;
use serde::Deserialize;

use super::args::MirrorDirs;
use super::settings::Settings;

/// `[mirror]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorConfig {
    /// The SQLite set's folder.
    pub sqlite: Option<PathBuf>,
    /// The PostgreSQL set's folder.
    pub postgres: Option<PathBuf>,
    /// `[[mirror.allow]]`: differences the team accepts.
    #[serde(default)]
    pub allow: Vec<AllowConfig>,
}

/// One `[[mirror.allow]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    /// The revision the difference starts at (id or folder name), or `head`.
    pub revision: String,
    /// The object as reports name it: `column users.api_key`.
    pub object: String,
    /// Why the difference is accepted; required, so the next reader knows.
    pub reason: String,
}

impl MirrorConfig {
    /// The allow list; an entry without a reason is refused.
    pub fn allow_entries(&self) -> anyhow::Result<Vec<AllowEntry>> {
        self.allow
            .iter()
            .map(|entry| {
                if entry.reason.trim().is_empty() {
                    anyhow::bail!(
                        "[[mirror.allow]] for {} at {}: the reason is empty\nhelp: say why the difference is accepted, so the next reader knows",
                        entry.object,
                        entry.revision
                    );
                }
                Ok(AllowEntry {
                    revision: entry.revision.clone(),
                    object: entry.object.clone(),
                    reason: entry.reason.clone(),
                })
            })
            .collect()
    }
}

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
