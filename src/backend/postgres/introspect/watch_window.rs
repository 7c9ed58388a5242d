//! The undo window of a watched database, for verify's quick check of a revision (see
//! `engine::verify_quick`): opened on the state before an up, closed by the down's
//! message, whose answer says whether the two steps left every object as it was (see
//! `migrate_close_undo_window` in `watch_sql::INSTALL`). The re-up's message opens the
//! next revision's window, so a run of quick checks costs no round trip of its own.
//! A window that reads the down instead has the down's message ask the log as a step
//! followed by a snapshot does, covering the up's changes too.

use postgres::types::Type;
use postgres::{Client, SimpleQueryMessage};

use super::watch_changes::call;
use crate::core::AlteredTable;

/// Sets aside what the log holds and notes the newest oid: the window opens here.
pub(super) const OPEN: &str = "SELECT pg_temp.migrate_open_undo_window()";

/// Notes the tables an up alters (`$1` the schema each is named in or null, `$2` its
/// name), with their print, in the open window (see `migrate_note_altered`).
const NOTE_ALTERED: &str = "SELECT pg_temp.migrate_note_altered($1, $2)";

/// Notes `altered` in the window just opened: one round trip, its types given so that it
/// needs no other to prepare it.
pub(super) fn note_altered(
    client: &mut Client,
    altered: &[AlteredTable],
) -> Result<(), postgres::Error> {
    let schemas: Vec<Option<&str>> = altered.iter().map(|t| t.schema.as_deref()).collect();
    let names: Vec<&str> = altered.iter().map(|t| t.name.as_str()).collect();
    client
        .execute_typed(
            NOTE_ALTERED,
            &[(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
        )
        .map(drop)
}

/// Whether the steps since [`OPEN`] left every object as it was, in one row.
const CLOSE: &str = "SELECT * FROM pg_temp.migrate_close_undo_window()";

/// The column [`CLOSE`]'s row answers in.
const UNDONE: &str = "migrate_undone";

/// Where the window stands, step by step.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Window {
    /// None: steps ask the log as usual.
    #[default]
    Shut,
    /// The last step's message opened one, committed with it: the next revision's
    /// window needs no round trip.
    Ready,
    /// Open: the up runs next, asking nothing.
    Open { read_down: bool },
    /// The up ran: the down's message closes the window, or asks the log when the
    /// snapshot after the down is to read what the two steps changed.
    UpRan { read_down: bool },
    /// The down's message carried [`CLOSE`]; its answer comes with the results.
    Closing,
    /// The answer.
    Closed { undone: bool },
    /// The steps cancelled out (or the down was read): the re-up runs next, and its
    /// message opens the next window.
    Undone,
    /// The re-up's message carried [`OPEN`].
    Opening,
}

impl Window {
    /// The statement a staged step's message carries at this point, and the state
    /// after it; `None` (and [`Window::Shut`]) when the step is no part of a window.
    pub(super) fn carry(&mut self) -> Option<Option<&'static str>> {
        let (next, carried) = match *self {
            Self::Open { read_down } => (Self::UpRan { read_down }, None),
            Self::UpRan { read_down: false } => (Self::Closing, Some(CLOSE)),
            // Its answer is the next snapshot's, as any step's (not taken here).
            Self::UpRan { read_down: true } => (Self::Undone, Some(call(false))),
            Self::Undone => (Self::Opening, Some(OPEN)),
            _ => {
                *self = Self::Shut;
                return None;
            }
        };
        *self = next;
        Some(carried)
    }

    /// Takes the results of a staged step's message, once it committed; `false` when
    /// the window was not waiting for them.
    pub(super) fn answered(&mut self, messages: &[SimpleQueryMessage]) -> bool {
        *self = match *self {
            Self::Closing => Self::Closed {
                undone: messages.iter().any(|message| match message {
                    SimpleQueryMessage::Row(row) => {
                        row.columns().first().map(|column| column.name()) == Some(UNDONE)
                            && row.get(0) == Some("t")
                    }
                    _ => false,
                }),
            },
            Self::Opening => Self::Ready,
            _ => return false,
        };
        true
    }

    /// Whether the closed window's steps cancelled out; the window is then ready for
    /// the re-up, and shut otherwise.
    pub(super) fn undone(&mut self) -> bool {
        let undone = *self == Self::Closed { undone: true };
        *self = if undone { Self::Undone } else { Self::Shut };
        undone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_opens_closes_and_opens_the_next_window() {
        let mut window = Window::Open { read_down: false };
        assert_eq!(window.carry(), Some(None), "the up asks nothing");
        assert!(!window.answered(&[]));
        assert_eq!(window.carry(), Some(Some(CLOSE)));
        assert!(window.answered(&[]));
        assert!(!window.undone(), "no answer is no proof");
        assert_eq!(window, Window::Shut);
        let mut window = Window::Undone;
        assert_eq!(window.carry(), Some(Some(OPEN)));
        assert!(window.answered(&[]));
        assert_eq!(window, Window::Ready);
    }

    #[test]
    fn a_window_that_reads_the_down_asks_the_log_there() {
        let mut window = Window::Open { read_down: true };
        assert_eq!(window.carry(), Some(None));
        assert_eq!(window.carry(), Some(Some(call(false))));
        assert!(!window.answered(&[]), "the answer is the snapshot's");
        assert_eq!(
            window.carry(),
            Some(Some(OPEN)),
            "the re-up opens the next window"
        );
    }

    #[test]
    fn a_step_out_of_turn_shuts_it() {
        for mut window in [
            Window::Ready,
            Window::Closing,
            Window::Opening,
            Window::Shut,
        ] {
            assert_eq!(window.carry(), None);
            assert_eq!(window, Window::Shut);
        }
        let mut window = Window::Closed { undone: true };
        assert_eq!(window.carry(), None, "a step instead of the re-up");
        assert!(!window.undone());
    }
}
