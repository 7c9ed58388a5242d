//! A long script sent ahead in batches of whole statements, so that neither a message nor
//! the driver's buffer for it holds the whole script (a data migration of 76 MB was copied
//! into one message, and that message into the driver's buffer). The caller sends the
//! last batch itself, with what must travel in its message (the record, `COMMIT`).

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::mpsc::sync_channel;

use postgres::Client;

use super::error::script_failure;
use crate::backend::error::BackendError;
use crate::core::{
    Script, batches, control_at, postgres_statements, sql_start, transaction_control,
};

/// Scripts up to this size go in one message, as they always did; longer ones in batches.
pub(crate) const BATCH_BYTES: usize = 1 << 20;

/// The size of the batches a longer script goes in: a round trip per quarter megabyte
/// costs nothing beside sending it, and each batch is held three times at once (the
/// message, the driver's buffer, TLS's records).
const BATCH_PIECE: usize = 256 << 10;

/// What is left of a script for the caller to send: the range of its last batch, and what
/// goes before it in the message (`prefix`, unless a batch went ahead with it).
#[derive(Debug)]
pub(crate) struct Rest {
    pub range: Range<usize>,
    pub prefix: &'static str,
}

/// Sends all but the last batch of `script`'s text (from its SQL start), the first after
/// `prefix` (`BEGIN`): in the transaction that began, nothing is committed until the
/// caller's last message. A failure is the script's, placed in its text.
///
/// The splitter finds the batches on a thread of its own, ahead of the batch being sent:
/// its walk over the script then takes place while the server runs the batch before,
/// rather than between batches. A script that may have started before its own lexing for
/// transaction control was in (see [`crate::core::Script::lexed_beside`]) has each
/// statement's first words looked at too: a batch holding one that ends or opens the transaction is not
/// sent, and the script fails with [`BackendError::TransactionControl`].
pub(crate) fn send_ahead(
    client: &mut Client,
    script: &Script,
    prefix: &'static str,
) -> Result<Rest, BackendError> {
    let (origin, text) = (script.origin.as_str(), &*script.text);
    let start = sql_start(text);
    let mut rest = Rest {
        range: start..text.len(),
        prefix,
    };
    // A script that may have started before its lexing was in (see
    // `Script::lexed_beside`); the planner refused any transaction control in the others.
    let guarded = script.lexed_beside();
    let refused = || {
        let found = if guarded {
            transaction_control(script)
        } else {
            None
        };
        found.map(|found| BackendError::TransactionControl { found })
    };
    if text.len() - start <= BATCH_BYTES {
        return refused().map_or(Ok(rest), Err);
    }
    std::thread::scope(|scope| {
        let (to_sender, from_splitter) = sync_channel(1);
        scope.spawn(move || {
            let first_control = OnceCell::new();
            let statements = postgres_statements(text).inspect(|range| {
                if guarded
                    && first_control.get().is_none()
                    && let Some(found) = control_at(origin, text, range.clone())
                {
                    let _ = first_control.set((range.start, found));
                }
            });
            for batch in batches(text, start, statements, BATCH_PIECE) {
                let batch = match first_control.get() {
                    Some((at, found)) if *at < batch.end => Err(found.clone()),
                    _ => Ok(batch),
                };
                let refused = batch.is_err();
                // The receiver is gone once a batch failed: nothing more to find.
                if to_sender.send(batch).is_err() || refused {
                    break;
                }
            }
        });
        let mut batches = from_splitter.into_iter().peekable();
        while let Some(batch) = batches.next() {
            let batch = batch.map_err(|found| BackendError::TransactionControl { found })?;
            if batches.peek().is_none() {
                rest.range = batch;
                break;
            }
            // As the planner would have, had it waited: the transaction control further
            // on, not the statement that failed before it.
            send(client, text, batch, rest.prefix).map_err(|failed| refused().unwrap_or(failed))?;
            rest.prefix = "";
        }
        Ok(rest)
    })
}

/// Sends `text[batch]` after `prefix` as one message.
fn send(
    client: &mut Client,
    text: &str,
    batch: Range<usize>,
    prefix: &str,
) -> Result<(), BackendError> {
    let result = if prefix.is_empty() {
        client.batch_execute(&text[batch.clone()])
    } else {
        client.batch_execute(&format!("{prefix}{}", &text[batch.clone()]))
    };
    result.map_err(|error| script_failure(&error, text, batch.start, prefix))
}
