//! Splits script text into statements at top-level semicolons, for scripts that must run
//! one statement at a time (`-- migrate:no-transaction`, on PostgreSQL and on SQLite), and
//! to find what each statement is (a transaction's own `COMMIT`). Pure: no I/O.
//!
//! The splitter knows the lexical pieces in which a `;` does not end a statement: string
//! literals (`'…'` with `''`, and `E'…'` with backslash escapes), quoted identifiers (`"…"`),
//! dollar quotes (`$$…$$`, `$tag$…$tag$`), `--` line comments and nested `/* */` comments;
//! and, as psql does, it splits neither inside parentheses nor inside the `BEGIN … END`
//! body of a `CREATE FUNCTION` or `CREATE PROCEDURE` written in standard SQL, nor (as
//! SQLite reads it) inside the `BEGIN … END` body of a `CREATE TRIGGER`. Between goose's
//! `-- +goose StatementBegin` and `-- +goose StatementEnd` lines everything is one
//! statement, as goose sends it.
//! SQLite's `[…]` and `` `…` `` quoted names are not known: a `;` or `'` inside one is
//! read as outside.

use std::ops::Range;

use super::split_tokens::{
    block_comment_end, identifier_end, is_string, is_word_start, line_comment_end, plain_run_end,
    quoted_end, token_end, trim_end,
};

/// The byte ranges of the statements of `text`, in order (see [`postgres_statements`]).
pub fn split_statements(text: &str) -> Vec<Range<usize>> {
    postgres_statements(text).collect()
}

/// The byte ranges of the statements of `text`, in order, found as the iterator advances,
/// so a long script is never held as a list of all its statements.
///
/// A range runs from the statement's first token through its terminating `;` (or to the
/// end of the text for a last statement without one). White space, comments and empty
/// statements between statements belong to no range, nor does a leading byte-order mark
/// (see [`sql_start`]), so every range holds SQL. An
/// unterminated string, identifier, dollar quote or comment runs to the end of the text.
pub fn postgres_statements(text: &str) -> PostgresStatements<'_> {
    PostgresStatements {
        text,
        at: sql_start(text),
        skims: true,
    }
}

/// The iterator [`postgres_statements`] returns.
#[derive(Debug, Clone)]
pub struct PostgresStatements<'a> {
    text: &'a str,
    at: usize,
    /// Whether runs of plain tokens are skipped at once (see `plain_run_end`); only
    /// tests read every token, to show that skipping splits the same.
    skims: bool,
}

impl Iterator for PostgresStatements<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        let mut start: Option<usize> = None;
        let mut state = Statement::default();
        // Where the last token of the statement ended, for a block goose's marker closes.
        let mut last_end = self.at;
        while let Some(&byte) = bytes.get(self.at) {
            let at = self.at;
            let next = bytes.get(at + 1).copied();
            match (byte, next) {
                (b'-', Some(b'-')) => {
                    self.at = line_comment_end(bytes, at);
                    match goose_marker(&self.text[at..self.at]) {
                        Some(GooseMarker::Begin) => state.explicit = true,
                        Some(GooseMarker::End) => {
                            if let Some(first) = start {
                                return Some(first..last_end);
                            }
                            state = Statement::default();
                        }
                        None => {}
                    }
                }
                (b'/', Some(b'*')) => self.at = block_comment_end(bytes, at),
                (b';', _) if state.ends_at_semicolon() => {
                    self.at = at + 1;
                    if let Some(first) = start {
                        return Some(first..self.at);
                    }
                    state = Statement::default();
                }
                _ if byte.is_ascii_whitespace() => self.at = at + 1,
                _ => {
                    start.get_or_insert(at);
                    if self.skims && state.settled() {
                        let skimmed = skim_settled(bytes, at, &mut state.parens);
                        if skimmed.stop > at {
                            self.at = skimmed.stop;
                            last_end = skimmed.last_end;
                            continue;
                        }
                    }
                    self.at = token_end(bytes, at);
                    state.saw(&bytes[at..self.at]);
                    last_end = self.at;
                }
            }
        }
        start.map(|first| first..bytes.len())
    }
}

/// How far [`skim_settled`] went.
struct Skimmed {
    /// The first byte the statement loop must read itself.
    stop: usize,
    /// Where the last token before `stop` ended.
    last_end: usize,
}

/// From `at` (a token's start) in a settled statement, past plain runs, parentheses
/// (counted in `parens`) and quoted strings and names, to the first byte the statement
/// loop must read itself: a `;`, a comment, a `$` that may open a dollar quote, a lone
/// `E` before a quote, or the end of the text.
///
/// The bytes a data migration's rows hold between their semicolons are nearly all of
/// these, so its statements are read here in one loop rather than a token at a time.
fn skim_settled(bytes: &[u8], at: usize, parens: &mut usize) -> Skimmed {
    let mut index = at;
    let mut last_end = at;
    loop {
        let run = plain_run_end(bytes, index);
        if run > index {
            last_end = trim_end(bytes, index, run);
        }
        index = match bytes.get(run) {
            Some(b'(') => {
                *parens += 1;
                run + 1
            }
            Some(b')') => {
                *parens = parens.saturating_sub(1);
                run + 1
            }
            Some(&quote @ (b'\'' | b'"')) => quoted_end(bytes, run, quote),
            _ => {
                return Skimmed {
                    stop: run,
                    last_end,
                };
            }
        };
        last_end = index;
    }
}

/// Where the SQL of `text` starts: after a leading byte-order mark, which editors on
/// Windows write and which PostgreSQL would read as part of the first word.
pub fn sql_start(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

/// What the splitter tracks within a statement to know whether a `;` ends it, as psql
/// does: open parentheses (a multi-action `CREATE RULE … DO ALSO (…; …)`), and the
/// `BEGIN … END` blocks of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE` with a SQL-standard
/// body (`BEGIN ATOMIC …; …; END`), where `CASE … END` nests too. SQLite's
/// `CREATE [TEMP] TRIGGER … BEGIN …; …; END` body is held together the same way (a
/// PostgreSQL trigger has no `BEGIN`: it names a function).
#[derive(Debug, Default)]
struct Statement {
    words: usize,
    /// The first four words, where each is one the head of a routine or trigger holds.
    head: [HeadWord; 4],
    parens: usize,
    blocks: usize,
    /// Inside goose's `StatementBegin` … `StatementEnd`: only the end marker ends it.
    explicit: bool,
}

/// A word of `CREATE [OR REPLACE] FUNCTION|PROCEDURE` or `CREATE [TEMP|TEMPORARY] TRIGGER`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum HeadWord {
    #[default]
    Other,
    Create,
    Or,
    Replace,
    Routine,
    Temp,
    Trigger,
}

impl HeadWord {
    fn of(word: &[u8]) -> Self {
        use HeadWord::{Create, Or, Other, Replace, Routine, Temp, Trigger};
        const SPELLINGS: [(&str, HeadWord); 8] = [
            ("create", Create),
            ("or", Or),
            ("replace", Replace),
            ("function", Routine),
            ("procedure", Routine),
            ("temp", Temp),
            ("temporary", Temp),
            ("trigger", Trigger),
        ];
        SPELLINGS
            .iter()
            .find(|(spelling, _)| word.eq_ignore_ascii_case(spelling.as_bytes()))
            .map_or(Other, |&(_, head)| head)
    }
}

impl Statement {
    fn ends_at_semicolon(&self) -> bool {
        self.parens == 0 && self.blocks == 0 && !self.explicit
    }

    /// Past its head, and the head defines no routine: only parentheses (and goose's
    /// markers) now decide where it ends, not its words.
    fn settled(&self) -> bool {
        self.words >= self.head.len() && !self.defines_routine()
    }

    /// Takes in one token of the statement.
    fn saw(&mut self, token: &[u8]) {
        match token {
            b"(" => self.parens += 1,
            b")" => self.parens = self.parens.saturating_sub(1),
            [first, ..] if is_word_start(*first) && !is_string(token) => self.word(token),
            _ => {}
        }
    }

    /// Compares without lowering a copy: this runs for every word of a statement's head,
    /// and lowering allocated once per word of every statement of a data migration.
    fn word(&mut self, word: &[u8]) {
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword.as_bytes());
        if let Some(slot) = self.head.get_mut(self.words) {
            *slot = HeadWord::of(word);
        }
        self.words = self.words.saturating_add(1);
        if !self.defines_routine() || self.parens > 0 {
            return;
        }
        if is("begin") || (is("case") && self.blocks > 0) {
            self.blocks += 1;
        } else if is("end") {
            self.blocks = self.blocks.saturating_sub(1);
        }
    }

    /// `CREATE FUNCTION`, `CREATE PROCEDURE` or the same with `OR REPLACE`; `CREATE
    /// TRIGGER`, `CREATE TEMP TRIGGER`.
    fn defines_routine(&self) -> bool {
        use HeadWord::{Create, Or, Replace, Routine, Temp, Trigger};
        matches!(
            self.head,
            [Create, Routine | Trigger, ..]
                | [Create, Or, Replace, Routine]
                | [Create, Temp, Trigger, _]
        )
    }
}

/// The byte ranges of the first `count` words of the statement starting at byte `start` of
/// `text` (a range's start from [`split_statements`]), skipping comments between them, up
/// to the first token that is not a word: `COMMIT /* now */ AND CHAIN` gives `COMMIT`,
/// `AND`, `CHAIN`.
pub(crate) fn leading_words(text: &str, start: usize, count: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(count);
    let mut at = start;
    while words.len() < count
        && let Some(&byte) = bytes.get(at)
    {
        match (byte, bytes.get(at + 1)) {
            (b'-', Some(b'-')) => at = line_comment_end(bytes, at),
            (b'/', Some(b'*')) => at = block_comment_end(bytes, at),
            _ if byte.is_ascii_whitespace() => at += 1,
            _ if is_word_start(byte) => {
                let end = identifier_end(bytes, at);
                words.push(at..end);
                at = end;
            }
            _ => break,
        }
    }
    words
}

/// goose's markers around a statement that holds semicolons of its own.
enum GooseMarker {
    Begin,
    End,
}

/// Which goose statement marker a `--` comment is, if any (goose matches the word after
/// `+goose` case-insensitively).
fn goose_marker(comment: &str) -> Option<GooseMarker> {
    let rest = comment.strip_prefix("--")?.trim_start();
    let word = rest.strip_prefix("+goose")?.trim();
    if word.eq_ignore_ascii_case("StatementBegin") {
        Some(GooseMarker::Begin)
    } else if word.eq_ignore_ascii_case("StatementEnd") {
        Some(GooseMarker::End)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
