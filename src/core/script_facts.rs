//! What a script's text says of itself that takes a pass over all of it: its checksum and
//! its first statement that controls the transaction. A long text's pass runs on a thread
//! of its own from the moment the script is made, so a data migration of tens of
//! megabytes can start running while it is hashed and lexed, and the run asks for the
//! facts only when it needs them (see [`super::Script::facts_pending`]). Pure: no I/O.

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use super::checksum::Checksum;
use super::transaction_control::{TransactionControl, find_transaction_control};

/// From how long a text its pass goes on a thread of its own: below, hashing and lexing
/// take well under a millisecond, less than starting a thread.
pub(crate) const BESIDE_FROM: usize = 1 << 20;

/// The facts themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Known {
    pub(crate) checksum: Checksum,
    pub(crate) control: Option<TransactionControl>,
}

/// A script's facts: known, or coming from the thread computing them. Clones share them.
#[derive(Clone)]
pub(crate) struct Facts(Arc<Cell>);

struct Cell {
    known: OnceLock<Known>,
    coming: Mutex<Option<JoinHandle<Known>>>,
}

impl Facts {
    /// Facts already known.
    pub(crate) fn known(known: Known) -> Self {
        Self(Arc::new(Cell {
            known: OnceLock::from(known),
            coming: Mutex::new(None),
        }))
    }

    /// The facts of `text` (the file `origin`): computed here when the text is short, on
    /// a thread of their own when it is long.
    pub(crate) fn of(origin: &str, text: &Arc<str>) -> Self {
        if text.len() < BESIDE_FROM {
            return Self::known(Known {
                checksum: Checksum::of_text(text),
                control: find_transaction_control(origin, text),
            });
        }
        let (origin, text) = (origin.to_owned(), Arc::clone(text));
        let coming = std::thread::spawn(move || long_pass(&origin, &text));
        Self(Arc::new(Cell {
            known: OnceLock::new(),
            coming: Mutex::new(Some(coming)),
        }))
    }

    /// The facts, waiting for them if they are still coming.
    pub(crate) fn get(&self) -> &Known {
        self.0.known.get_or_init(|| {
            let coming = self
                .0
                .coming
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            match coming.map(JoinHandle::join) {
                Some(Ok(known)) => known,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => unreachable!("facts not known are coming, and taken once"),
            }
        })
    }

    /// Whether the facts are still being computed (asking does not wait).
    pub(crate) fn pending(&self) -> bool {
        self.0.known.get().is_none()
    }
}

/// The pass over a long text: the checksum and the lexing on two threads, so that both are
/// in soon after the run starts (or soon, for a caller who waits for them).
fn long_pass(origin: &str, text: &str) -> Known {
    std::thread::scope(|scope| {
        let checksum = scope.spawn(|| Checksum::of_text(text));
        let control = find_transaction_control(origin, text);
        let checksum = checksum
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Known { checksum, control }
    })
}

impl PartialEq for Facts {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.get() == other.get()
    }
}

impl Eq for Facts {}

impl std::fmt::Debug for Facts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.known.get() {
            Some(known) => known.fmt(f),
            None => f.write_str("Facts(coming)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_text(tail: &str) -> Arc<str> {
        let row = "INSERT INTO t (a, b) VALUES (1, 'a row of a data migration');\n";
        format!("{}{tail}", row.repeat(BESIDE_FROM / row.len() + 1)).into()
    }

    #[test]
    fn a_long_texts_facts_come_from_a_thread_and_are_those_of_the_text() {
        let text = long_text("COMMIT;\n");
        let facts = Facts::of("up.sql", &text);
        let known = facts.get();
        assert_eq!(known.checksum, Checksum::of_text(&text));
        let control = known.control.as_ref().expect("the COMMIT at the end");
        assert_eq!(control.statement, "COMMIT");
        assert_eq!(control.line, text.lines().count());
        assert!(!facts.pending());
    }

    #[test]
    fn a_short_texts_facts_are_known_at_once() {
        let text: Arc<str> = "CREATE TABLE t (a int);\n".into();
        let facts = Facts::of("up.sql", &text);
        assert!(!facts.pending());
        assert_eq!(facts.get().checksum, Checksum::of_text(&text));
        assert_eq!(facts.get().control, None);
    }

    #[test]
    fn clones_wait_for_the_same_facts_and_compare_by_them() {
        let text = long_text("");
        let facts = Facts::of("up.sql", &text);
        let clone = facts.clone();
        let other = Facts::of("up.sql", &text);
        assert_eq!(clone.get(), facts.get());
        assert_eq!(facts, other, "the same text read twice");
        let known = Facts::known(Known {
            checksum: Checksum::of_text("x"),
            control: None,
        });
        assert_ne!(facts, known);
    }
}
