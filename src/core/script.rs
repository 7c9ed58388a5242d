//! One migration file as plain data: where it came from, its text, checksum and directives.
//! Pure: no I/O.

use std::sync::Arc;

use super::checksum::Checksum;
use super::directives::{DirectiveError, Directives};
use super::transaction_control::{TransactionControl, find_transaction_control};

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
    /// [`Checksum::of_text`] of `text`.
    pub checksum: Checksum,
    /// What the header asks for.
    pub directives: Directives,
    /// The first top-level statement that controls the transaction, if any, whatever the
    /// directives say (see [`super::transaction_control`]); `None` for a script without
    /// its text.
    pub(crate) control: Option<TransactionControl>,
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
        let (checksum, control) = checksum_and_control(&origin, &text);
        Ok(Self {
            origin,
            checksum,
            text,
            directives,
            control,
        })
    }

    /// A script whose text is not at hand (a remembered directory, a version with no
    /// file): its checksum comes from elsewhere, and it is never run.
    pub fn without_text(origin: String, checksum: Checksum, directives: Directives) -> Self {
        Self {
            origin,
            text: "".into(),
            checksum,
            directives,
            control: None,
        }
    }

    /// Whether the text holds anything besides white space and comments.
    pub fn has_sql(&self) -> bool {
        self.text
            .lines()
            .map(str::trim)
            .any(|line| !line.is_empty() && !line.starts_with("--"))
    }
}

/// From how long a text its checksum and its lexing for transaction control go on two
/// threads: a data migration of tens of megabytes takes each some tens of milliseconds
/// before anything runs.
const BOTH_AT_ONCE_FROM: usize = 1 << 20;

fn checksum_and_control(origin: &str, text: &str) -> (Checksum, Option<TransactionControl>) {
    if text.len() < BOTH_AT_ONCE_FROM {
        return (
            Checksum::of_text(text),
            find_transaction_control(origin, text),
        );
    }
    std::thread::scope(|scope| {
        let checksum = scope.spawn(|| Checksum::of_text(text));
        let control = find_transaction_control(origin, text);
        let checksum = checksum
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (checksum, control)
    })
}
