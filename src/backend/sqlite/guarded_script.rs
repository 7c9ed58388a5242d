//! Running a transactional script whose long text may still be being lexed for
//! transaction control (see [`Script::lexed_beside`]): SQLite's authorizer refuses every
//! statement that would end or open the transaction while it runs, and the lexing's
//! finding is asked for once it ran, before the record is written. So the step fails, with nothing
//! committed, exactly where the planner would have refused it had it waited for the
//! lexing; meanwhile a data migration of tens of megabytes was already running.

use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

use super::script::run_script;
use crate::backend::error::BackendError;
use crate::core::{Script, transaction_control};

/// Runs `script` in the transaction the caller opened.
pub(super) fn run_transactional(
    conn: &mut Connection,
    script: &Script,
) -> Result<(), BackendError> {
    let script_failed = |failure| BackendError::Script { failure };
    if !script.lexed_beside() {
        return run_script(conn, &script.text).map_err(script_failed);
    }
    let unguarded = |error: rusqlite::Error| BackendError::Database {
        message: format!("cannot guard the transaction of {}: {error}", script.origin),
    };
    conn.authorizer(Some(refuse_transaction_control))
        .map_err(unguarded)?;
    let ran = run_script(conn, &script.text);
    let removed = conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
    if let Some(found) = transaction_control(script) {
        return Err(BackendError::TransactionControl { found });
    }
    ran.map_err(script_failed)?;
    removed.map_err(unguarded)
}

/// Denies `BEGIN`, `COMMIT`, `END` and `ROLLBACK`; a savepoint keeps the transaction.
fn refuse_transaction_control(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Transaction { .. } => Authorization::Deny,
        _ => Authorization::Allow,
    }
}
