//! A long script sent ahead in batches of whole statements, so that neither a message nor
//! the driver's buffer for it holds the whole script (a data migration of 76 MB was copied
//! into one message, and that message into the driver's buffer). The caller sends the
//! last batch itself, with what must travel in its message (the record, `COMMIT`).

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use postgres::Client;

use super::error::script_failure;
use crate::backend::error::BackendError;
use crate::core::{
    Script, batches, control_at, postgres_statements, sql_start, transaction_control,
};

/// Scripts up to this size go in one message, as they always did; longer ones in batches.
pub(crate) const BATCH_BYTES: usize = 1 << 20;

/// The sizes of the batches a longer script goes in, by the server's distance (see
/// [`batch_piece`]). Small batches run faster on the server, which parses each message
/// whole before its first statement runs: likely because a small one's parse trees stay
/// in the CPU's cache. On a server on loopback (a round trip of 30-45 us, with TLS) the 76 MB file of
/// the bench took 4.4-4.5 s in 32 KiB batches against 4.8-5.0 s in 256 KiB ones (farm-bench,
/// by turns: 0.91x and 0.93x), 0.97x in 64 KiB ones, and 1.08x in 16 KiB ones, whose
/// count outweighs the gain. Each batch is held three times at once (the message, the
/// driver's buffer, TLS's records): small, whatever the size.
const SMALLEST_PIECE: usize = 32 << 10;
const LARGEST_PIECE: usize = 256 << 10;

/// How long the server takes over a byte of a script of plain statements (the bench's
/// INSERTs: 76 MB in 4.4 s), to weigh a round trip against.
const SERVER_NANOS_PER_BYTE: u128 = 58;

/// A batch is sized so that its round trip costs about this share of the server's time
/// on it (3%): far from the server, larger batches make fewer round trips.
const ROUND_TRIPS_PER_BATCH_TIME: u128 = 32;

/// The batch size for a server `round_trip` away: one whose server time is 32 round
/// trips, between 32 and 256 KiB.
fn batch_piece(round_trip: Duration) -> usize {
    let bytes = round_trip.as_nanos() * ROUND_TRIPS_PER_BATCH_TIME / SERVER_NANOS_PER_BYTE;
    usize::try_from(bytes).map_or(LARGEST_PIECE, |bytes| {
        bytes.clamp(SMALLEST_PIECE, LARGEST_PIECE)
    })
}

/// The shortest of five round trips to the server (an empty query each, 30-70 us on
/// loopback): one may pay for waking the connection up or for a busy machine. A failure
/// reads as far: the batches then meet it.
fn round_trip(client: &mut Client) -> Duration {
    (0..5)
        .map(|_| {
            let sent = Instant::now();
            match client.simple_query("") {
                Ok(_) => sent.elapsed(),
                Err(_) => Duration::MAX,
            }
        })
        .min()
        .unwrap_or(Duration::MAX)
}

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
    let piece = batch_piece(round_trip(client));
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
            for batch in batches(text, start, statements, piece) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_grow_with_the_servers_distance_between_their_bounds() {
        let piece = |micros| batch_piece(Duration::from_micros(micros));
        assert_eq!(piece(0), SMALLEST_PIECE);
        assert_eq!(piece(25), SMALLEST_PIECE, "loopback");
        assert_eq!(piece(50), SMALLEST_PIECE, "loopback on a busy machine");
        // A server on the local network: 200 us is 6.4 ms of its time, 32 round trips.
        assert_eq!(piece(200), 110_344);
        assert_eq!(piece(1_000), LARGEST_PIECE, "another data centre");
        assert_eq!(
            batch_piece(Duration::MAX),
            LARGEST_PIECE,
            "a failed round trip"
        );
        let sizes: Vec<usize> = (0..1_000).step_by(7).map(piece).collect();
        assert!(sizes.is_sorted(), "never smaller for a farther server");
    }
}
