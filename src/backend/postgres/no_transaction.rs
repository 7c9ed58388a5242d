//! Running a `-- migrate:no-transaction` script on PostgreSQL: one statement per round trip
//! outside any transaction, and a check for the INVALID index a failed concurrent build
//! leaves behind. The order of things and the progress it records live once, in
//! `backend/no_transaction.rs`.

use std::ops::Range;

use std::time::Instant;

use postgres::Client;
use postgres::error::SqlState;

use super::error::tracking;
use super::error::{database, message, statement_failure};
use super::observed_locks::Observed;
use super::progress::write_progress;
use super::setup::create_progress_table;
use super::tracking::Books;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::error::{BackendError, SqlFailure};
use crate::backend::held_lock::{HeldLock, NOT_OBSERVED};
use crate::backend::no_transaction::OutsideTransaction;
use crate::backend::progress_table::ProgressTable;
use crate::backend::version_table::VersionTable;
use crate::core::{DirtyRevision, Location};

/// An index by schema and name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    schema: String,
    name: String,
}

impl Index {
    fn qualified(&self) -> String {
        let dialect = Dialect::Postgres;
        format!(
            "{}.{}",
            dialect.quote_identifier(&self.schema),
            dialect.quote_identifier(&self.name)
        )
    }
}

/// The PostgreSQL side of a script run outside a transaction (see
/// [`OutsideTransaction`]): each statement is its own simple query. Several statements in
/// one query string would form an implicit transaction, in which `CREATE INDEX
/// CONCURRENTLY` and `VACUUM` refuse to run.
pub(crate) struct Outside<'a> {
    pub client: &'a mut Client,
    pub tracking: &'a VersionTable,
    /// The backend's progress table, set once it is known to exist.
    pub progress: &'a mut Option<ProgressTable>,
    /// `verify --locks`: where the locks each statement took go.
    pub held: Option<&'a mut Vec<HeldLock>>,
}

impl Outside<'_> {
    fn progress_table(&self) -> ProgressTable {
        ProgressTable::beside(self.tracking)
    }
}

impl OutsideTransaction for Outside<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn ensure_progress_table(&mut self) -> Result<(), BackendError> {
        let table = create_progress_table(self.client, self.tracking)
            .map_err(|error| tracking(self.tracking, message(&error)))?;
        *self.progress = Some(table);
        Ok(())
    }

    fn save_mark(&mut self, mark: &DirtyRevision) -> Result<(), BackendError> {
        let table = self.progress_table();
        write_progress(self.client, &table, mark).map_err(|error| BackendError::Tracking {
            table: table.qualified(Dialect::Postgres),
            message: message(&error),
        })
    }

    fn run_statement(&mut self, text: &str, range: Range<usize>) -> Result<(), BackendError> {
        match self.held.as_deref_mut() {
            None => run_statement(self.client, text, range),
            Some(held) => observe_statement(self.client, &self.tracking.name, held, text, range),
        }
    }

    fn finish(&mut self, record: Record<'_>, duration_ms: i64) -> Result<(), BackendError> {
        let progress = self.progress_table();
        let mut transaction = self.client.transaction().map_err(|e| database(&e))?;
        let books = Books {
            table: self.tracking,
            progress: Some(&progress),
        };
        books.finish(&mut transaction, record, duration_ms)?;
        transaction.commit().map_err(|error| database(&error))
    }
}

/// `verify --locks`: runs the statement at `range` of `text` in a transaction of its own,
/// reading its locks before the commit. One PostgreSQL refuses in a transaction (`VACUUM`,
/// `CREATE INDEX CONCURRENTLY`) runs alone, as always, its locks noted as not observed.
fn observe_statement(
    client: &mut Client,
    tracking: &str,
    held: &mut Vec<HeldLock>,
    text: &str,
    range: Range<usize>,
) -> Result<(), BackendError> {
    let started = Instant::now();
    let statement = &text[range.clone()];
    if !builds_index_concurrently(statement) {
        client.batch_execute("BEGIN").map_err(|e| database(&e))?;
        match client.batch_execute(statement) {
            Ok(()) => {
                let mut observed = Observed::default();
                let noted = observed.note(client, tracking, (text, range.start), started);
                let end = if noted.is_ok() { "COMMIT" } else { "ROLLBACK" };
                client.batch_execute(end).map_err(|e| database(&e))?;
                noted?;
                held.extend(observed.ended());
                return Ok(());
            }
            Err(error) => {
                client.batch_execute("ROLLBACK").map_err(|e| database(&e))?;
                if error.code() != Some(&SqlState::ACTIVE_SQL_TRANSACTION) {
                    return Err(statement_failure(&error, text, range));
                }
            }
        }
    }
    run_statement(client, text, range.clone())?;
    held.push(HeldLock {
        relation: String::new(),
        mode: NOT_OBSERVED.into(),
        line: Some(Location::of_offset(text, range.start).line),
        held_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    Ok(())
}

/// Runs the statement at `range` of `text`, and checks a concurrent index build left no
/// INVALID index behind.
fn run_statement(client: &mut Client, text: &str, range: Range<usize>) -> Result<(), BackendError> {
    let statement = &text[range.clone()];
    if !builds_index_concurrently(statement) {
        return client
            .batch_execute(statement)
            .map_err(|error| statement_failure(&error, text, range));
    }
    let before = invalid_indexes(client)?;
    let result = client.batch_execute(statement);
    // Either a new INVALID index (the build failed) or one this statement names (an
    // `IF NOT EXISTS` that found the leftover of an earlier failed build).
    let left: Vec<Index> = invalid_indexes(client)?
        .into_iter()
        .filter(|index| !before.contains(index) || mentions(statement, &index.name))
        .collect();
    let Err(error) = result else {
        if left.is_empty() {
            return Ok(());
        }
        return Err(BackendError::Script {
            failure: Box::new(SqlFailure {
                offset: Some(range.start),
                statement: Some(statement.to_owned()),
                message: format!("{} is left INVALID by this statement", names(&left)),
                code: None,
                detail: None,
                hint: Some(drop_hint(&left)),
            }),
        });
    };
    let mut failure = statement_failure(&error, text, range);
    if let BackendError::Script { failure } = &mut failure
        && !left.is_empty()
    {
        let hint = drop_hint(&left);
        failure.hint = Some(match failure.hint.take() {
            Some(own) => format!("{own}\n{hint}"),
            None => hint,
        });
    }
    Err(failure)
}

/// Whether a statement may build an index concurrently (`CREATE INDEX CONCURRENTLY`,
/// `REINDEX … CONCURRENTLY`); a false positive costs one catalog query.
fn builds_index_concurrently(statement: &str) -> bool {
    let upper = statement.to_ascii_uppercase();
    upper.contains("INDEX") && upper.contains("CONCURRENTLY")
}

fn mentions(statement: &str, name: &str) -> bool {
    statement
        .to_ascii_lowercase()
        .contains(&name.to_ascii_lowercase())
}

fn names(indexes: &[Index]) -> String {
    let names: Vec<String> = indexes.iter().map(Index::qualified).collect();
    format!("index {}", names.join(", "))
}

fn drop_hint(indexes: &[Index]) -> String {
    let drops: Vec<String> = indexes
        .iter()
        .map(|index| format!("DROP INDEX CONCURRENTLY {};", index.qualified()))
        .collect();
    format!(
        "an INVALID index is not used by queries but still slows every write; drop it with `{}` and run the migration again",
        drops.join(" ")
    )
}

/// Every index whose build has not (yet) succeeded.
fn invalid_indexes(client: &mut Client) -> Result<Vec<Index>, BackendError> {
    let rows = client
        .query_typed(
            "SELECT n.nspname, c.relname FROM pg_catalog.pg_index i \
             JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE NOT i.indisvalid",
            &[],
        )
        .map_err(|error| database(&error))?;
    rows.iter()
        .map(|row| {
            Ok(Index {
                schema: row.try_get(0)?,
                name: row.try_get(1)?,
            })
        })
        .collect::<Result<_, postgres::Error>>()
        .map_err(|error| database(&error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_says_how_to_drop() {
        let index = Index {
            schema: "app".into(),
            name: "trips_rider".into(),
        };
        assert_eq!(
            names(std::slice::from_ref(&index)),
            r#"index "app"."trips_rider""#
        );
        assert!(drop_hint(&[index]).contains(r#"DROP INDEX CONCURRENTLY "app"."trips_rider";"#));
        assert!(builds_index_concurrently(
            "create unique index concurrently i on t (a)"
        ));
        assert!(!builds_index_concurrently("create index i on t (a)"));
    }
}
