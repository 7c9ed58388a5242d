//! Why `migrate adopt` refuses, each with the fix. Pure: no I/O.

use super::adopt_checksum::ChecksumCheck;
use super::adopt_tool::Tool;
use super::plan_error::PlanError;
use super::revision_id::RevisionId;
use super::target::TargetError;

/// Why the other tool's table cannot be adopted. Nothing was written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdoptError {
    #[error("there is no table {table} in this database: nothing of {tool}'s to adopt")]
    NoTable { tool: Tool, table: &'static str },
    #[error("cannot read {table} as {tool}'s table: {message}")]
    Unreadable {
        tool: Tool,
        table: &'static str,
        message: String,
    },
    #[error("{table}, row {row}: {message}")]
    BadRow {
        table: &'static str,
        row: usize,
        message: String,
    },
    #[error("{table} holds {rows} rows where the tool keeps one")]
    SeveralRows { table: &'static str, rows: usize },
    #[error("{tool} marks version(s) {} as failed or dirty", versions.join(", "))]
    Dirty { tool: Tool, versions: Vec<String> },
    #[error("{tool} applied version(s) the migrations directory does not hold: {}", versions.join(", "))]
    NotInDirectory { tool: Tool, versions: Vec<String> },
    #[error(
        "{tool} skipped revision(s) {} below its newest applied one, {newest}",
        ids(missing)
    )]
    Gap {
        tool: Tool,
        missing: Vec<RevisionId>,
        newest: RevisionId,
    },
    #[error("the tracking table already records {rows} revision(s), not the ones {tool} applied")]
    AlreadyTracked { tool: Tool, rows: usize },
    #[error("alembic's revision ids are not ours: --from alembic needs --to ID")]
    MissingTo,
    #[error("--to is only for --from alembic: {tool}'s versions are matched to ours by number")]
    ToNotAllowed { tool: Tool },
    #[error("--ignored-chars is only for --from sqlx: {tool} has no such setting")]
    IgnoredCharsNotAllowed { tool: Tool },
    #[error("--to: {0}")]
    Target(#[from] TargetError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("{} file(s) differ from what {tool} applied: {}", differ.len(), differ.iter().map(|c| c.origin.as_str()).collect::<Vec<_>>().join(", "))]
    ChecksumsDiffer {
        tool: Tool,
        differ: Vec<ChecksumCheck>,
    },
}

fn ids(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl AdoptError {
    /// Whether the command was called wrongly, rather than the database or files being off.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::MissingTo
                | Self::ToNotAllowed { .. }
                | Self::IgnoredCharsNotAllowed { .. }
                | Self::Target(_)
        )
    }

    /// The fix, for the `help:` line.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            Self::NoTable { .. } => "check --database-url, and that --from names the tool that migrated this database".into(),
            Self::Unreadable { table: "schema_migrations", .. } => "golang-migrate and dbmate both name their table schema_migrations (golang-migrate's has a `dirty` column): check --from".into(),
            Self::Unreadable { .. } => "check that --from names the tool that made this table".into(),
            Self::BadRow { .. } | Self::SeveralRows { .. } => "the table is not as the tool leaves it; repair it with the tool first".into(),
            Self::Dirty { tool: Tool::GolangMigrate, versions } => format!(
                "a migration stopped partway: repair the database by hand, then `migrate force {}` (golang-migrate) clears the flag; adopt again after",
                versions.join(", ")
            ),
            Self::Dirty { tool: Tool::Flyway, .. } => "a migration failed: repair the database, then `flyway repair`; adopt again after".into(),
            Self::Dirty { .. } => "a migration failed partway: repair the database by hand and the row with the tool, then adopt again".into(),
            Self::NotInDirectory { .. } => "point --dir at the migrations that tool ran (check out the branch that holds them)".into(),
            Self::Gap { tool, .. } => format!("apply the skipped revisions with {tool} first, so the applied ones form a prefix of the history"),
            Self::AlreadyTracked { .. } => "adopt fills an empty tracking table: if its rows are wrong, clear them with `migrate stamp base` (runs no SQL), then adopt again".into(),
            Self::MissingTo => "name our revision that alembic's current revision corresponds to: `migrate adopt --from alembic --to <id>`".into(),
            Self::ToNotAllowed { .. } => "drop --to".into(),
            Self::IgnoredCharsNotAllowed { .. } => "drop --ignored-chars".into(),
            Self::Target(_) => "`migrate history` lists the revision ids".into(),
            Self::Plan(error) => return error.help(),
            Self::ChecksumsDiffer { tool: Tool::Sqlx, .. } => "restore the files as sqlx applied them; if sqlx.toml sets `ignored-chars`, pass the same characters to --ignored-chars (or `sqlx_ignored_chars` under [adopt] in migrate.toml); or pass --allow-changed if the database already matches the files as they are".into(),
            Self::ChecksumsDiffer { tool, .. } => format!(
                "restore the files as {tool} applied them, or pass --allow-changed if the database already matches the files as they are"
            ),
        })
    }
}
