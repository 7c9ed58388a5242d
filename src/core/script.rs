//! One migration file as plain data: where it came from, its text, checksum and directives.
//! Pure: no I/O.

use std::sync::Arc;

use super::checksum::Checksum;
use super::directives::{DirectiveError, Directives};

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
}

impl Script {
    /// Builds a script from its text, reading its directives and computing its checksum.
    pub fn new(
        origin: impl Into<String>,
        text: impl Into<Arc<str>>,
    ) -> Result<Self, DirectiveError> {
        let text = text.into();
        let directives = Directives::parse(&text)?;
        Ok(Self {
            origin: origin.into(),
            checksum: Checksum::of_text(&text),
            text,
            directives,
        })
    }

    /// Whether the text holds anything besides white space and comments.
    pub fn has_sql(&self) -> bool {
        self.text
            .lines()
            .map(str::trim)
            .any(|line| !line.is_empty() && !line.starts_with("--"))
    }
}
