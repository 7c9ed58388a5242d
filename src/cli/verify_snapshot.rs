//! The committed schema snapshot of each backend (`schema/sqlite.sql`): compared with the
//! schema at head, or written.

use std::path::PathBuf;

use anyhow::Context as _;
use migrate::backend::Dialect;
use migrate::engine::{Status, WalkReport};
use migrate::schema::render;
use serde::{Deserialize, Serialize};

use super::context::Context;

const HEADER: &str = "-- The schema at head, written by `migrate snapshot` (or `migrate verify --update-snapshots`).\n-- Do not edit: `migrate verify` fails when the migrations no longer produce exactly this.\n\n";

/// How the schema at head compares with the committed snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SnapshotCheck {
    Matches {
        path: PathBuf,
    },
    Differs {
        path: PathBuf,
        diff: String,
    },
    Missing {
        path: PathBuf,
    },
    Updated {
        path: PathBuf,
    },
    /// An up failed, so there is no schema at head to compare.
    NotChecked,
    /// A shard that does not reach head: the last shard checks the snapshot.
    NotAtHead,
}

impl SnapshotCheck {
    /// Whether this fails the run; a missing snapshot does under `--strict`.
    pub fn fails(&self, strict: bool) -> bool {
        match self {
            Self::Differs { .. } => true,
            Self::Missing { .. } => strict,
            _ => false,
        }
    }

    pub fn summary(&self) -> String {
        match self {
            Self::Matches { path } => format!("{} matches", path.display()),
            Self::Differs { path, .. } => {
                format!("{} differs from the schema at head", path.display())
            }
            Self::Missing { path } => format!(
                "{} does not exist: write it with `migrate snapshot` and commit it, so reviewers see schema changes",
                path.display()
            ),
            Self::Updated { path } => format!("{} written", path.display()),
            Self::NotChecked => "not checked: an up failed".into(),
            Self::NotAtHead => {
                "not checked here: the last shard, which reaches head, checks it".into()
            }
        }
    }
}

/// The committed snapshot of `dialect`'s schema at head.
fn snapshot_path(context: &Context, dialect: Dialect) -> PathBuf {
    let paths = &context.settings.snapshots;
    match dialect {
        Dialect::Sqlite => paths.sqlite.clone(),
        Dialect::Postgres => paths.postgres.clone(),
    }
}

/// Whether [`check_snapshot`] will need the schema at head of a walk on `dialect`: to
/// write the snapshot, or to compare it with the committed one. When not, the walk
/// leaves it unread (`VerifyOptions::skip_head`): a full read of the schema, some 20-40
/// ms on PostgreSQL for a hundred tables, that nothing would look at.
pub fn needs_head(context: &Context, dialect: Dialect, update: bool) -> bool {
    update || snapshot_path(context, dialect).exists()
}

pub fn check_snapshot(
    context: &Context,
    walk: &WalkReport,
    update: bool,
) -> anyhow::Result<SnapshotCheck> {
    let dialect = Dialect::from_name(&walk.backend).unwrap_or(Dialect::Postgres);
    let path = snapshot_path(context, dialect);
    let Some(head) = &walk.head else {
        // A shard after the one whose up failed has its slice skipped.
        let up_failed = walk
            .revisions
            .iter()
            .any(|verdict| matches!(verdict.status, Status::UpFailed | Status::Skipped));
        // Reached but left unread: there was no snapshot to compare it with (see
        // `needs_head`).
        return Ok(if up_failed {
            SnapshotCheck::NotChecked
        } else {
            SnapshotCheck::Missing { path }
        });
    };
    let text = format!("{HEADER}{}", render(head));
    if update {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(SnapshotCheck::Updated { path });
    }
    let committed = match std::fs::read_to_string(&path) {
        Ok(committed) => committed.replace("\r\n", "\n"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(SnapshotCheck::Missing { path });
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    if committed == text {
        return Ok(SnapshotCheck::Matches { path });
    }
    let diff = similar::TextDiff::from_lines(&committed, &text)
        .unified_diff()
        .context_radius(2)
        .header(&path.display().to_string(), "schema at head")
        .to_string();
    let diff = migrate::schema::show_whitespace_in_diff(&diff);
    Ok(SnapshotCheck::Differs { path, diff })
}
