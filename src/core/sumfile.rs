//! `migrate.sum`: the committed, chained checksums of a migrations directory.
//! Pure: no I/O.
//!
//! ```text
//! # migrate.sum v1: written by `migrate hash`; do not edit. ...
//! total 5c1e…
//! 20240101000001 9a0b…
//! 20240102000000 77de…
//! ```
//!
//! Each revision's line covers its id and files and the line before it, so editing,
//! removing, reordering or inserting an older revision changes every later line and the
//! total. Two branches that each add a revision both change the total line and append
//! below the same line, so git reports a conflict there, which is the point.

use std::fmt::Write as _;

use super::checksum::Checksum;
use super::history::History;
use super::revision_id::RevisionId;

/// The file name, beside the migrations.
pub const SUM_FILE_NAME: &str = "migrate.sum";

const HEADER: &str = "# migrate.sum v1: written by `migrate hash`; do not edit. Each line chains the checksum of its revision's files with the line above.";

/// The parsed or computed content of a sum file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumFile {
    pub total: Checksum,
    pub lines: Vec<(RevisionId, Checksum)>,
}

/// A sum file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SumFileError {
    #[error("line {line}: git conflict markers")]
    ConflictMarkers { line: usize },
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
}

/// How a directory disagrees with its sum file; names the first revision that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SumMismatch {
    /// A revision in the directory has no line.
    Added(RevisionId),
    /// A line names a revision the directory does not hold.
    Removed(RevisionId),
    /// A revision's files (or its place) differ from when the sum file was written.
    Changed(RevisionId),
}

impl SumFile {
    /// The sum file a history should have.
    pub fn compute(history: &History) -> Self {
        let mut chain = Checksum::of_parts(&[]);
        let mut lines = Vec::with_capacity(history.len());
        for revision in history.revisions() {
            let down = revision.down.as_ref().map(|down| down.checksum());
            chain = Checksum::of_parts(&[
                chain.as_bytes(),
                revision.id.as_str().as_bytes(),
                revision.up.checksum().as_bytes(),
                down.as_ref().map_or(&[][..], |sum| &sum.as_bytes()[..]),
            ]);
            lines.push((revision.id.clone(), chain));
        }
        let count = (lines.len() as u64).to_le_bytes();
        let total = Checksum::of_parts(&[b"total", &count, chain.as_bytes()]);
        Self { total, lines }
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut text = format!("{HEADER}\ntotal {}\n", self.total);
        for (id, sum) in &self.lines {
            let _ = writeln!(text, "{id} {sum}");
        }
        text
    }

    /// Reads a sum file's text.
    pub fn parse(text: &str) -> Result<Self, SumFileError> {
        // A merge conflict is the expected way this file goes wrong: say so first.
        let markers = ["<<<<<<<", "=======", ">>>>>>>"];
        if let Some(index) = text
            .lines()
            .position(|line| markers.iter().any(|marker| line.starts_with(marker)))
        {
            return Err(SumFileError::ConflictMarkers { line: index + 1 });
        }
        let mut total = None;
        let mut lines = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = |message: String| SumFileError::Malformed {
                line: number,
                message,
            };
            let (key, value) = line
                .split_once(' ')
                .ok_or_else(|| malformed("expected `<revision> <checksum>`".into()))?;
            let sum: Checksum = value
                .trim()
                .parse()
                .map_err(|e| malformed(format!("{e}")))?;
            if key == "total" {
                total = Some(sum);
            } else {
                let id = key.parse().map_err(|e| malformed(format!("{e}")))?;
                lines.push((id, sum));
            }
        }
        let total = total.ok_or(SumFileError::Malformed {
            line: 1,
            message: "no `total` line".into(),
        })?;
        Ok(Self { total, lines })
    }

    /// How `actual` (computed from the directory) differs from this committed file.
    pub fn mismatch(&self, actual: &SumFile) -> Option<SumMismatch> {
        if self == actual {
            return None;
        }
        let committed: std::collections::BTreeSet<_> =
            self.lines.iter().map(|(id, _)| id).collect();
        let present: std::collections::BTreeSet<_> =
            actual.lines.iter().map(|(id, _)| id).collect();
        if let Some(id) = present.difference(&committed).next() {
            return Some(SumMismatch::Added((*id).clone()));
        }
        if let Some(id) = committed.difference(&present).next() {
            return Some(SumMismatch::Removed((*id).clone()));
        }
        let first_differing = self
            .lines
            .iter()
            .zip(&actual.lines)
            .find(|(committed, present)| committed != present)
            .map(|(_, (id, _))| id.clone());
        // Same lines but another total: only the total line was edited; blame the head.
        let blamed = first_differing.or_else(|| actual.lines.last().map(|(id, _)| id.clone()));
        blamed.map(SumMismatch::Changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Script;
    use crate::core::history::tests::revision;
    use proptest::prelude::*;

    fn history(ids: &[&str]) -> History {
        History::new(ids.iter().map(|id| revision(id)).collect()).unwrap()
    }

    #[test]
    fn an_edit_of_an_old_revision_names_it() {
        let committed = SumFile::compute(&history(&["1", "2", "3"]));
        let mut edited = history(&["1", "2", "3"]).revisions().to_vec();
        edited[1].up = Script::new("2/up.sql", "create table t2 (a, b);").unwrap();
        let actual = SumFile::compute(&History::new(edited).unwrap());
        assert_eq!(
            committed.mismatch(&actual),
            Some(SumMismatch::Changed("2".parse().unwrap()))
        );
        assert_ne!(
            committed.lines[2], actual.lines[2],
            "later lines change too"
        );
    }

    #[test]
    fn added_and_removed_revisions_are_named() {
        let committed = SumFile::compute(&history(&["1", "3"]));
        let inserted = SumFile::compute(&history(&["1", "2", "3"]));
        assert_eq!(
            committed.mismatch(&inserted),
            Some(SumMismatch::Added("2".parse().unwrap()))
        );
        assert_eq!(
            inserted.mismatch(&committed),
            Some(SumMismatch::Removed("2".parse().unwrap()))
        );
    }

    #[test]
    fn conflict_markers_are_reported() {
        let text = "total 00\n<<<<<<< HEAD\n";
        assert_eq!(
            SumFile::parse(text),
            Err(SumFileError::ConflictMarkers { line: 2 })
        );
    }

    proptest! {
        #[test]
        fn render_then_parse_round_trips(count in 0usize..12) {
            let ids: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let sum = SumFile::compute(&history(&ids));
            prop_assert_eq!(SumFile::parse(&sum.render()).unwrap(), sum);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = SumFile::parse(&text);
        }
    }
}
