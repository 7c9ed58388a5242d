//! A long script sent ahead in batches of whole statements, so that neither a message nor
//! the driver's buffer for it holds the whole script (a data migration of 76 MB was copied
//! into one message, and that message into the driver's buffer). The caller sends the
//! last batch itself, with what must travel in its message (the record, `COMMIT`).

use std::ops::Range;

use postgres::Client;

use super::error::script_failure;
use crate::backend::error::BackendError;
use crate::core::{batches, postgres_statements, sql_start};

/// Scripts up to this size go in one message, as they always did; longer ones in batches
/// of about this size: a round trip per megabyte costs nothing beside sending it.
pub(crate) const BATCH_BYTES: usize = 1 << 20;

/// What is left of a script for the caller to send: the range of its last batch, and what
/// goes before it in the message (`prefix`, unless a batch went ahead with it).
#[derive(Debug)]
pub(crate) struct Rest {
    pub range: Range<usize>,
    pub prefix: &'static str,
}

/// Sends all but the last batch of `text` (from its SQL start), the first after `prefix`
/// (`BEGIN`): in the transaction that began, nothing is committed until the caller's last
/// message. A failure is the script's, placed in `text`.
pub(crate) fn send_ahead(
    client: &mut Client,
    text: &str,
    prefix: &'static str,
) -> Result<Rest, BackendError> {
    let start = sql_start(text);
    let mut rest = Rest {
        range: start..text.len(),
        prefix,
    };
    if text.len() - start <= BATCH_BYTES {
        return Ok(rest);
    }
    let mut batches = batches(text, start, postgres_statements(text), BATCH_BYTES).peekable();
    while let Some(batch) = batches.next() {
        if batches.peek().is_none() {
            rest.range = batch;
            break;
        }
        let sent = format!("{}{}", rest.prefix, &text[batch.clone()]);
        client
            .batch_execute(&sent)
            .map_err(|error| script_failure(&error, text, batch.start, rest.prefix))?;
        rest.prefix = "";
    }
    Ok(rest)
}
