//! Running a `-- migrate:no-transaction` script on PostgreSQL: one statement per round trip
//! outside any transaction, and a check for the INVALID index a failed concurrent build
//! leaves behind.

use std::ops::Range;

use postgres::Client;

use super::error::{database, message, statement_failure};
use super::progress::write_progress;
use crate::backend::backend::Record;
use crate::backend::dialect::Dialect;
use crate::backend::error::{BackendError, SqlFailure};
use crate::backend::progress_table::ProgressTable;
use crate::core::{DirtyRevision, Script, split_statements};

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

/// Where a running script's progress goes, and the mark written there.
pub(crate) struct Progress<'a> {
    pub table: &'a ProgressTable,
    /// The revision and direction; the counts and failure are filled in as the run goes.
    pub mark: DirtyRevision,
}

impl<'a> Progress<'a> {
    /// The progress of the step that writes `record`, whose first `done` statements ran
    /// already (zero but for a resumed step).
    pub fn new(table: &'a ProgressTable, record: Record<'_>, done: usize) -> Self {
        let mark = DirtyRevision {
            id: record.id().clone(),
            direction: record.direction(),
            statements_done: done,
            statement_count: 0,
            failed_statement: None,
            error: None,
        };
        Self { table, mark }
    }

    fn save(&self, client: &mut Client) -> Result<(), BackendError> {
        write_progress(client, self.table, &self.mark).map_err(|error| BackendError::Tracking {
            table: self.table.qualified(Dialect::Postgres),
            message: message(&error),
        })
    }
}

/// Runs each statement of `script` as its own simple query, recording progress after each,
/// so that a failure (or a crash) leaves a mark saying what ran. Statements the progress
/// counts as done already are skipped. Several statements in one
/// query string would form an implicit transaction, in which `CREATE INDEX CONCURRENTLY`
/// and `VACUUM` refuse to run.
pub(crate) fn run_statements(
    client: &mut Client,
    script: &Script,
    mut progress: Progress<'_>,
) -> Result<(), BackendError> {
    let text = &script.text;
    let statements = split_statements(text);
    let done = progress.mark.statements_done;
    if done > statements.len() {
        return Err(BackendError::Database {
            message: format!(
                "cannot resume after statement {done}: the script has {} statements",
                statements.len()
            ),
        });
    }
    progress.mark.statement_count = statements.len();
    progress.save(client)?;
    for (index, range) in statements.into_iter().enumerate().skip(done) {
        if let Err(error) = run_statement(client, text, range.clone()) {
            progress.mark.failed_statement = Some(text[range].to_owned());
            progress.mark.error = Some(stored_error(&error));
            // The statement's failure is the news; should the mark fail too (a dropped
            // connection), the mark written before this statement still says where it was.
            let _ = progress.save(client);
            return Err(error);
        }
        progress.mark.statements_done = index + 1;
        progress.save(client)?;
    }
    Ok(())
}

/// What the progress table keeps of a failure.
fn stored_error(error: &BackendError) -> String {
    match error {
        BackendError::Script { failure } => match &failure.code {
            Some(code) => format!("{} (SQLSTATE {code})", failure.message),
            None => failure.message.clone(),
        },
        other => other.to_string(),
    }
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
