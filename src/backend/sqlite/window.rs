//! A NUL-terminated copy of part of a script, from which SQLite prepares statement after
//! statement in place (see `script.rs`), copied again further on when a statement runs
//! past its end.

use rusqlite::Connection;

use super::in_place::{InPlace, prepare_first};

/// What [`Window::read`] found at an offset of the script.
pub(super) enum Read<'conn> {
    /// A statement, prepared, and the offset just past it.
    Statement(InPlace<'conn>, usize),
    /// Nothing but white space and comments to the end of the script.
    Nothing,
    /// What SQLite refused or stopped short at (an error, a NUL byte): the statement is
    /// to be run alone, from its own slice, where its error is placed exactly.
    Alone,
}

/// A NUL-terminated copy of `text[start..end]`, read in place by SQLite.
pub(super) struct Window<'text> {
    text: &'text str,
    bytes: Vec<u8>,
    start: usize,
    end: usize,
    /// How many bytes the next copy takes.
    size: usize,
}

impl<'text> Window<'text> {
    /// A window on `text` that copies `size` bytes at first.
    pub(super) fn new(text: &'text str, size: usize) -> Self {
        Self {
            text,
            bytes: Vec::new(),
            start: 0,
            end: 0,
            size: size.max(1),
        }
    }

    /// Prepares the statement that starts at `at` (or after white space and comments).
    pub(super) fn read<'conn>(&mut self, conn: &'conn Connection, at: usize) -> Read<'conn> {
        loop {
            if !(self.start..self.end).contains(&at) {
                self.fill(at);
            }
            let Some(prepared) = prepare_first(conn, &self.bytes[at - self.start..]) else {
                return Read::Alone;
            };
            let tail = at + prepared.tail;
            let whole = self.end == self.text.len();
            match prepared.statement {
                // SQLite read up to the copy's end, which may have cut the statement (or a
                // comment) short: read it again from a copy that goes further.
                _ if tail >= self.end && !whole => {
                    if self.start == at {
                        self.size = self.size.saturating_mul(2);
                    }
                    self.fill(at);
                }
                Some(statement) if tail > at => return Read::Statement(statement, tail),
                None if tail >= self.end => return Read::Nothing,
                // Stopped short of the end with no statement: at a NUL in the text.
                _ => return Read::Alone,
            }
        }
    }

    /// Copies `self.size` bytes from `at` (ending after a `;` near there, so a statement
    /// is seldom cut), and the NUL.
    fn fill(&mut self, at: usize) {
        let bytes = self.text.as_bytes();
        let mut end = at.saturating_add(self.size).min(bytes.len());
        if end < bytes.len() {
            let near = end.saturating_sub(4096).max(at);
            if let Some(semicolon) = bytes[near..end].iter().rposition(|&b| b == b';') {
                end = near + semicolon + 1;
            }
        }
        self.bytes.clear();
        self.bytes.extend_from_slice(&bytes[at..end]);
        self.bytes.push(0);
        self.start = at;
        self.end = end;
    }
}
