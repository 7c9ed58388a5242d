//! `-- migrate:foreign-keys-off`: SQLite's table rebuild with foreign keys off, as
//! sqlite.org/lang_altertable.html prescribes: switched off before the transaction (the
//! pragma does nothing inside one), checked with `PRAGMA foreign_key_check` before the
//! commit when they were on, and switched back on after, whatever happened.

use rusqlite::Connection;

use crate::backend::error::BackendError;

/// Whether foreign keys were on, for [`restore`]; switches them off.
pub(super) fn switch_off(conn: &Connection) -> Result<bool, BackendError> {
    let on: bool = conn
        .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
        .map_err(database)?;
    if on {
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(database)?;
    }
    Ok(on)
}

/// Inside the script's transaction: refuses to commit a change that left rows pointing
/// at nothing, naming the first few (only when foreign keys were on: a database that runs
/// with them off may hold such rows already, and they are not this script's doing).
pub(super) fn check(conn: &Connection, were_on: bool) -> Result<(), BackendError> {
    if !were_on {
        return Ok(());
    }
    let mut statement = conn
        .prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 5")
        .map_err(database)?;
    let broken: Vec<String> = statement
        .query_map([], |row| {
            let table: String = row.get(0)?;
            let rowid: Option<i64> = row.get(1)?;
            let parent: String = row.get(2)?;
            Ok(format!(
                "{table} row {} points at no row of {parent}",
                rowid.map_or_else(|| "?".to_owned(), |id| id.to_string())
            ))
        })
        .and_then(Iterator::collect)
        .map_err(database)?;
    if broken.is_empty() {
        return Ok(());
    }
    Err(BackendError::Database {
        message: format!(
            "the script ran with foreign keys off (-- migrate:foreign-keys-off) and left rows whose foreign keys point at nothing: {}; rolled back",
            broken.join("; ")
        ),
    })
}

/// Switches foreign keys back on if they were on.
pub(super) fn restore(conn: &Connection, were_on: bool) -> Result<(), BackendError> {
    if were_on {
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(database)?;
    }
    Ok(())
}

fn database(error: rusqlite::Error) -> BackendError {
    BackendError::Database {
        message: error.to_string(),
    }
}
