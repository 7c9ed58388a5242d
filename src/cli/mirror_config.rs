//! `[mirror]` in migrate.toml: where a mirror's two sets are, and the differences the team
//! accepts (`[[mirror.allow]]`).

use std::path::PathBuf;

use migrate::engine::AllowEntry;
use serde::Deserialize;

/// `[mirror]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorConfig {
    /// The SQLite set's folder.
    pub sqlite: Option<PathBuf>,
    /// The PostgreSQL set's folder.
    pub postgres: Option<PathBuf>,
    /// `create --autogenerate --mirror`: the SQLite set's desired schema.
    pub sqlite_schema_file: Option<PathBuf>,
    /// `create --autogenerate --mirror`: the PostgreSQL set's desired schema.
    pub postgres_schema_file: Option<PathBuf>,
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
