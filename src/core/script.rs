//! One migration file as plain data: where it came from, its text, checksum and directives.
//! Pure: no I/O.

use std::sync::Arc;

use super::checksum::Checksum;
use super::directives::{DirectiveError, Directives};
use super::script_facts::{BESIDE_FROM, Facts, Known};
use super::transaction_control::TransactionControl;

/// The SQL of one direction of one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Where the text came from, as shown to users (`migrations/2024…_users/up.sql`), or
    /// a description such as `tracking table (stored down of 2024…)`.
    pub origin: String,
    /// The text exactly as read, shared rather than copied: the plan, the tracking row
    /// and the backend all hold the same one, which for a data migration is most of the
    /// memory a run takes.
    pub text: Arc<str>,
    /// What the header asks for.
    pub directives: Directives,
    /// The checksum of `text` and its first top-level statement that controls the
    /// transaction, whatever the directives say (see [`super::transaction_control`]);
    /// none for a script without its text.
    facts: Facts,
}

impl Script {
    /// Builds a script from its text, reading its directives and computing its checksum.
    pub fn new(
        origin: impl Into<String>,
        text: impl Into<Arc<str>>,
    ) -> Result<Self, DirectiveError> {
        let text = text.into();
        let origin = origin.into();
        let directives = Directives::parse(&text)?;
        let facts = Facts::of(&origin, &text);
        Ok(Self {
            origin,
            text,
            directives,
            facts,
        })
    }

    /// A script whose text is not at hand (a remembered directory, a version with no
    /// file): its checksum comes from elsewhere, and it is never run.
    pub fn without_text(origin: String, checksum: Checksum, directives: Directives) -> Self {
        Self {
            origin,
            text: "".into(),
            directives,
            facts: Facts::known(Known {
                checksum,
                control: None,
            }),
        }
    }

    /// [`Checksum::of_text`] of `text`; for a long text, waits for the thread computing it
    /// (see [`Script::facts_pending`]).
    pub fn checksum(&self) -> Checksum {
        self.facts.get().checksum
    }

    /// Whether the checksum and the lexing for transaction control of a long text are
    /// still being computed beside whatever runs meanwhile; asking does not wait. A run
    /// that starts such a script first asks for them before its record is written, and
    /// meanwhile lets no statement of it end the transaction (see [`transaction_control`]).
    pub fn facts_pending(&self) -> bool {
        self.facts.pending()
    }

    /// Whether the checksum and the lexing of this text go on threads of their own (a
    /// text over 1 MiB), so that a run may start it before they are in. A backend guards
    /// every such transactional script against transaction control (see
    /// `Backend::checks_pending_scripts`), whether or not they are in by then: another
    /// thread may have asked for them between the plan and the run.
    pub fn lexed_beside(&self) -> bool {
        self.text.len() >= BESIDE_FROM
    }

    /// Whether the text holds anything besides white space and comments.
    pub fn has_sql(&self) -> bool {
        self.text
            .lines()
            .map(str::trim)
            .any(|line| !line.is_empty() && !line.starts_with("--"))
    }
}

/// The first statement of `script` that controls the transaction, unless the file runs
/// outside one (`-- migrate:no-transaction`), where such statements are the user's to make.
///
/// Only top-level statements count: a `BEGIN` in a dollar-quoted function body, the
/// `BEGIN … END` of a SQLite trigger or of a SQL-standard routine body, or a word in a
/// string or comment is not one. `ROLLBACK TO SAVEPOINT` (which keeps the transaction) and
/// `COMMIT PREPARED` (which ends another one) are allowed.
///
/// Found from when the script was made ([`Script::new`]), not here: a data migration's
/// text is lexed once, beside its checksum; a long one's lexing may still be going on,
/// and is waited for.
pub fn transaction_control(script: &Script) -> Option<TransactionControl> {
    if script.directives.no_transaction {
        return None;
    }
    script.facts.get().control.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(usize, String)> {
        let script = Script::new("up.sql", text).unwrap();
        transaction_control(&script).map(|found| (found.line, found.statement))
    }

    #[test]
    fn a_file_that_runs_outside_a_transaction_may_control_its_own() {
        let text = "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\n";
        assert_eq!(found(text), None);
        let mut script = Script::new("up.sql", text).unwrap();
        script.directives.no_transaction = false;
        assert_eq!(
            transaction_control(&script).map(|found| found.line),
            Some(2),
            "found whatever the directives say: layouts set them after the script is made"
        );
    }

    #[test]
    fn a_long_script_is_lexed_beside_its_checksum_as_a_short_one_is() {
        let row = "INSERT INTO t (a, b) VALUES (1, 'a row of a data migration');\n";
        let long = format!("{}COMMIT;\n{}", row.repeat(20_000), row.repeat(20_000));
        assert!(
            long.len() > 2 << 20,
            "past the length that takes two threads"
        );
        let script = Script::new("up.sql", long.as_str()).unwrap();
        assert_eq!(script.checksum(), Checksum::of_text(&long));
        assert_eq!(found(&long), Some((20_001, "COMMIT".to_owned())));
        let short = format!("{}COMMIT;\n", row.repeat(3));
        assert_eq!(found(&short), Some((4, "COMMIT".to_owned())));
    }
}
