//! The tracking table's SQL, written once for every backend. Values are always bound as
//! parameters; only the table's (quoted) name is spliced in.

use std::borrow::Cow;

use super::dialect::Dialect;
use super::sql_value::SqlValue;
use crate::core::{AppliedRevision, Checksum, RevisionId};
use crate::schema::IntrospectOptions;

/// Where the tracking table lives: an optional schema (PostgreSQL) and a table name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTable {
    pub schema: Option<String>,
    pub name: String,
}

/// The default name of the tracking table.
pub const DEFAULT_TABLE: &str = "migrate_history";

impl Default for VersionTable {
    fn default() -> Self {
        Self {
            schema: None,
            name: DEFAULT_TABLE.to_owned(),
        }
    }
}

/// How both backends write `applied_at`: UTC, to the microsecond, RFC 3339 with a `Z`
/// (`2026-12-05T15:56:21.123456Z`). Microseconds because that is PostgreSQL's clock, which
/// stamps staged steps itself (see [`APPLIED_AT_TO_CHAR`]); fixed width, so rows written by
/// either path, on either backend, sort and compare as text.
const APPLIED_AT_FORMAT: &[time::format_description::BorrowedFormatItem<'_>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// The same format as PostgreSQL's `to_char` spells it, for a time in UTC.
pub const APPLIED_AT_TO_CHAR: &str = r#"YYYY-MM-DD"T"HH24:MI:SS.US"Z""#;

/// `at` as the tracking table stores it (see [`APPLIED_AT_TO_CHAR`] for the server's side).
pub fn applied_at_text(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(APPLIED_AT_FORMAT)
        .unwrap_or_default()
}

/// The columns in the order [`VersionTable::insert`] binds them and [`VersionTable::select`]
/// returns them.
pub const TRACKING_COLUMNS: [&str; 9] = [
    "revision",
    "slug",
    "up_checksum",
    "down_checksum",
    "checksum_algorithm",
    "up_sql",
    "down_sql",
    "applied_at",
    "duration_ms",
];

/// [`TRACKING_COLUMNS`] in the same order with the texts left out (read as NULL), for [`super::Backend::applied_without_texts`]: the texts are most of a
/// tracking table's bytes, and comparing ids and checksums needs none of them.
pub const TRACKING_COLUMNS_WITHOUT_TEXTS: [&str; 9] = [
    "revision",
    "slug",
    "up_checksum",
    "down_checksum",
    "checksum_algorithm",
    "NULL AS up_sql",
    "NULL AS down_sql",
    "applied_at",
    "duration_ms",
];

/// Which columns of the tracking table to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Columns {
    /// [`TRACKING_COLUMNS`].
    All,
    /// [`TRACKING_COLUMNS_WITHOUT_TEXTS`].
    WithoutTexts,
}

impl VersionTable {
    /// Reads every row, `columns` in [`TRACKING_COLUMNS`] order.
    pub(crate) fn select_of(&self, dialect: Dialect, columns: Columns) -> String {
        match columns {
            Columns::All => self.select(dialect),
            Columns::WithoutTexts => self.select_columns(dialect, &TRACKING_COLUMNS_WITHOUT_TEXTS),
        }
    }

    /// The table's name, schema-qualified and quoted.
    pub fn qualified(&self, dialect: Dialect) -> String {
        let table = dialect.quote_identifier(&self.name);
        match &self.schema {
            Some(schema) => format!("{}.{table}", dialect.quote_identifier(schema)),
            None => table,
        }
    }

    /// Introspection options that also leave out this table and its progress table.
    pub fn excluded_from(&self, options: &IntrospectOptions) -> IntrospectOptions {
        let mut options = options.clone();
        for name in [self.name.clone(), format!("{}_progress", self.name)] {
            options.exclude_tables.push(match &self.schema {
                Some(schema) => format!("{schema}.{name}"),
                None => name,
            });
        }
        options
    }

    /// Creates the table when it is missing. The texts may be NULL: a text over
    /// [`crate::core::MAX_STORED_TEXT`] is not kept. (Tables made before that held
    /// `up_sql TEXT NOT NULL`; each backend lifts it the first time it stores a NULL.)
    pub fn create(&self, dialect: Dialect) -> String {
        let duration_type = match dialect {
            Dialect::Sqlite => "INTEGER",
            Dialect::Postgres => "BIGINT",
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n\
             \x20   revision TEXT PRIMARY KEY,\n\
             \x20   slug TEXT NOT NULL,\n\
             \x20   up_checksum TEXT NOT NULL,\n\
             \x20   down_checksum TEXT,\n\
             \x20   checksum_algorithm TEXT NOT NULL,\n\
             \x20   up_sql TEXT,\n\
             \x20   down_sql TEXT,\n\
             \x20   applied_at TEXT NOT NULL,\n\
             \x20   duration_ms {duration_type} NOT NULL\n\
             )",
            self.qualified(dialect)
        )
    }

    /// Lets a table made before texts could be left out (`up_sql TEXT NOT NULL`) hold
    /// NULL, in the caller's transaction. PostgreSQL drops the NOT NULL in place (a no-op
    /// on a column that allows NULL already); SQLite cannot, so the table is rebuilt under
    /// its name with the columns [`Self::create`] declares now (a copy, on a table that
    /// needed none).
    pub fn allow_null_texts(&self, dialect: Dialect) -> String {
        match dialect {
            Dialect::Postgres => format!(
                "ALTER TABLE {} ALTER COLUMN up_sql DROP NOT NULL",
                self.qualified(dialect)
            ),
            Dialect::Sqlite => {
                let rebuilt = VersionTable {
                    schema: self.schema.clone(),
                    name: format!("{}_rebuilt", self.name),
                };
                let columns = TRACKING_COLUMNS.join(", ");
                format!(
                    "{create};\n\
                     INSERT INTO {new} ({columns}) SELECT {columns} FROM {old};\n\
                     DROP TABLE {old};\n\
                     ALTER TABLE {new} RENAME TO {name}",
                    create = rebuilt.create(dialect),
                    new = rebuilt.qualified(dialect),
                    old = self.qualified(dialect),
                    name = dialect.quote_identifier(&self.name),
                )
            }
        }
    }

    /// Records an applied revision; binds the values of [`TRACKING_COLUMNS`] in order.
    pub fn insert(&self, dialect: Dialect) -> String {
        let placeholders: Vec<String> = (1..=TRACKING_COLUMNS.len())
            .map(|n| dialect.placeholder(n))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.qualified(dialect),
            TRACKING_COLUMNS.join(", "),
            placeholders.join(", ")
        )
    }

    /// Forgets an applied revision; binds the revision id.
    pub fn delete(&self, dialect: Dialect) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {}",
            self.qualified(dialect),
            dialect.placeholder(1)
        )
    }

    /// Reads every row, [`TRACKING_COLUMNS`] in order.
    pub fn select(&self, dialect: Dialect) -> String {
        self.select_columns(dialect, &TRACKING_COLUMNS)
    }

    /// Reads `columns` of every row of this table (or of a table laid out beside it).
    pub fn select_columns(&self, dialect: Dialect, columns: &[&str]) -> String {
        format!(
            "SELECT {} FROM {}",
            columns.join(", "),
            self.qualified(dialect)
        )
    }
}

/// The values [`VersionTable::insert`] binds, in [`TRACKING_COLUMNS`] order.
pub fn insert_values(row: &AppliedRevision, duration_ms: i64) -> [SqlValue<'_>; 9] {
    fn text(value: &str) -> SqlValue<'_> {
        SqlValue::Text(Some(Cow::Borrowed(value)))
    }
    [
        text(row.id.as_str()),
        text(&row.slug),
        SqlValue::Text(Some(row.up_checksum.to_string().into())),
        SqlValue::Text(row.down_checksum.map(|sum| sum.to_string().into())),
        text(&row.checksum_algorithm),
        SqlValue::Text(row.up_sql.as_deref().map(Cow::Borrowed)),
        SqlValue::Text(row.down_sql.as_deref().map(Cow::Borrowed)),
        text(&row.applied_at),
        SqlValue::Integer(duration_ms),
    ]
}

/// A row as read from the database, before its values are checked.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    pub revision: String,
    pub slug: String,
    pub up_checksum: String,
    pub down_checksum: Option<String>,
    pub checksum_algorithm: String,
    pub up_sql: Option<String>,
    pub down_sql: Option<String>,
    pub applied_at: String,
    pub duration_ms: i64,
}

impl RawRow {
    /// Checks the row's values; the error names the revision and the column at fault.
    pub fn into_applied(self) -> Result<AppliedRevision, String> {
        let id: RevisionId = self
            .revision
            .parse()
            .map_err(|error| format!("row {:?}: {error}", self.revision))?;
        let checksum = |column: &str, text: &str| {
            text.parse::<Checksum>()
                .map_err(|error| format!("row {id}, column {column}: {error}"))
        };
        let up_checksum = checksum("up_checksum", &self.up_checksum)?;
        let down_checksum = match &self.down_checksum {
            Some(text) => Some(checksum("down_checksum", text)?),
            None => None,
        };
        Ok(AppliedRevision {
            id,
            slug: self.slug,
            up_checksum,
            down_checksum,
            checksum_algorithm: self.checksum_algorithm,
            up_sql: self.up_sql.map(Into::into),
            down_sql: self.down_sql.map(Into::into),
            applied_at: self.applied_at,
            duration_ms: self.duration_ms,
        })
    }
}

/// The rows as [`super::Backend::applied`] returns them: each checked, sorted by revision
/// id. The error names the row and the column at fault.
pub(crate) fn sorted_applied(rows: Vec<RawRow>) -> Result<Vec<AppliedRevision>, String> {
    let mut applied = rows
        .into_iter()
        .map(RawRow::into_applied)
        .collect::<Result<Vec<_>, _>>()?;
    applied.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applied_at_is_utc_microseconds_at_a_fixed_width() {
        let at = time::macros::datetime!(2026-12-05 16:56:21.123456789 +01:00);
        assert_eq!(applied_at_text(at), "2026-12-05T15:56:21.123456Z");
        let whole = time::macros::datetime!(2026-12-05 15:56:21 UTC);
        assert_eq!(applied_at_text(whole), "2026-12-05T15:56:21.000000Z");
    }

    #[test]
    fn names_are_quoted_and_values_are_placeholders() {
        let table = VersionTable {
            schema: Some("app".into()),
            name: "hist\"ory".into(),
        };
        assert_eq!(
            table.delete(Dialect::Postgres),
            r#"DELETE FROM "app"."hist""ory" WHERE revision = $1"#
        );
        assert!(
            table
                .insert(Dialect::Sqlite)
                .ends_with("VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        );
    }
}
