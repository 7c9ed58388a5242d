//! A transactional script that controls the transaction itself: a top-level `BEGIN`,
//! `COMMIT`, `ROLLBACK`, `END`, `START TRANSACTION`… would end the transaction migrate runs
//! the file in, so the statements after it, and the tracking row, would commit on their
//! own: half the file applied if a later statement fails. Found before anything runs.
//! Pure: no I/O.

use std::ops::Range;

use super::location::Location;
use super::split::{leading_words, postgres_statements};

/// A statement that ends or opens a transaction, in a file that runs inside one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionControl {
    /// The file, as users name it.
    pub origin: String,
    /// 1-based line of the statement's first word.
    pub line: usize,
    /// The statement's leading words as written (`COMMIT`, `start transaction`).
    pub statement: String,
}

impl std::fmt::Display for TransactionControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: `{}`", self.origin, self.line, self.statement)
    }
}

/// The first top-level statement of `text` (of the file `origin`) that controls the
/// transaction, whatever the file's directives say (see [`super::transaction_control`]).
///
/// Only top-level statements count: a `BEGIN` in a dollar-quoted function body, the
/// `BEGIN … END` of a SQLite trigger or of a SQL-standard routine body, or a word in a
/// string or comment is not one. `ROLLBACK TO SAVEPOINT` (which keeps the transaction) and
/// `COMMIT PREPARED` (which ends another one) are allowed.
pub(crate) fn find_transaction_control(origin: &str, text: &str) -> Option<TransactionControl> {
    postgres_statements(text).find_map(|range| control_at(origin, text, range))
}

/// The top-level statement at `range` of `text` (as [`postgres_statements`] finds it), if
/// it controls the transaction: for a check made statement by statement as a long script
/// is sent, which must find what [`find_transaction_control`] finds.
pub fn control_at(origin: &str, text: &str, range: Range<usize>) -> Option<TransactionControl> {
    let taken = control_words(text, &range)?;
    Some(TransactionControl {
        origin: origin.to_owned(),
        line: Location::of_offset(text, range.start).line,
        statement: taken.join(" "),
    })
}

/// Whether `text` has a top-level statement that opens or ends a transaction, whatever
/// its file's directives say: `verify --locks` runs each statement of a no-transaction file
/// in a transaction of its own, which such a statement would cut across.
pub fn has_transaction_control(text: &str) -> bool {
    postgres_statements(text).any(|range| control_words(text, &range).is_some())
}

/// The leading words that make the statement at `range` transaction control, as written.
fn control_words<'a>(text: &'a str, range: &Range<usize>) -> Option<Vec<&'a str>> {
    if !opens_with_control_word(&text[range.clone()]) {
        return None;
    }
    let words = leading_words(text, range.start, 4);
    let mut texts: Vec<&str> = words.iter().map(|word| &text[word.clone()]).collect();
    texts.truncate(controls(&texts)?);
    Some(texts)
}

/// Whether `statement` (from its first token) starts with a word [`controls`] can take:
/// answered without collecting its words, since nearly every statement of a long script
/// is something else.
fn opens_with_control_word(statement: &str) -> bool {
    const FIRST_WORDS: [&str; 7] = [
        "abort", "begin", "commit", "end", "prepare", "rollback", "start",
    ];
    let length = statement
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    let word = &statement.as_bytes()[..length];
    FIRST_WORDS
        .iter()
        .any(|first| word.eq_ignore_ascii_case(first.as_bytes()))
}

/// How many of a statement's leading words make it transaction control; `None` when it is
/// not. Both dialects' spellings: PostgreSQL's `ABORT`, `START TRANSACTION` and
/// `PREPARE TRANSACTION`; SQLite's `BEGIN IMMEDIATE`, `END TRANSACTION`.
fn controls(words: &[&str]) -> Option<usize> {
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        ["start" | "prepare", "transaction", ..] => Some(2),
        ["commit" | "rollback", "prepared", ..] => None,
        ["rollback" | "abort", "to", ..] => None,
        ["rollback" | "abort", "work" | "transaction", "to", ..] => None,
        ["begin" | "commit" | "rollback" | "abort" | "end", ..] => Some(1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> Option<(usize, String)> {
        find_transaction_control("up.sql", text).map(|found| (found.line, found.statement))
    }

    #[test]
    fn top_level_transaction_statements_are_found_with_their_line() {
        let cases = [
            ("CREATE TABLE t (a int);\nCOMMIT;\n", 2, "COMMIT"),
            ("BEGIN;\nCREATE TABLE t (a int);\n", 1, "BEGIN"),
            ("select 1;\n\n  rollback;", 3, "rollback"),
            ("START\n  TRANSACTION;", 1, "START TRANSACTION"),
            ("COMMIT AND CHAIN;", 1, "COMMIT"),
            ("CREATE TABLE t (a int); END;", 1, "END"),
            ("BEGIN IMMEDIATE TRANSACTION; SELECT 1;", 1, "BEGIN"),
            ("ABORT;", 1, "ABORT"),
            ("PREPARE TRANSACTION 'x';", 1, "PREPARE TRANSACTION"),
            ("-- a comment\n/* a; */ Commit /* now */;", 2, "Commit"),
        ];
        for (text, line, statement) in cases {
            assert_eq!(found(text), Some((line, statement.to_owned())), "{text}");
        }
    }

    #[test]
    fn bodies_strings_and_savepoints_are_not_flagged() {
        let texts = [
            // A PL/pgSQL body is one dollar-quoted token.
            "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;",
            "DO $body$ BEGIN COMMIT; END $body$;",
            // SQLite's trigger body, with a CASE inside.
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  SELECT CASE WHEN 1 THEN 2 END;\nEND;\nSELECT 1;",
            "CREATE TEMP TRIGGER IF NOT EXISTS t AFTER INSERT ON a BEGIN DELETE FROM b; END;",
            // A SQL-standard routine body.
            "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;",
            "SAVEPOINT s; ROLLBACK TO SAVEPOINT s; ROLLBACK TRANSACTION TO s; RELEASE s;",
            "COMMIT PREPARED 'x';",
            "INSERT INTO t VALUES ('COMMIT;'); -- COMMIT;\n/* BEGIN; */",
            "CREATE TABLE begin_end (begin int, commit int);",
        ];
        for text in texts {
            assert_eq!(found(text), None, "{text}");
        }
    }

    proptest! {
        /// A statement put inside a dollar-quoted body, a trigger body or a string is never
        /// flagged; the same statement at top level always is, on its own line.
        #[test]
        fn only_top_level_statements_count(
            keyword in prop::sample::select(vec!["BEGIN", "COMMIT", "ROLLBACK", "END", "START TRANSACTION", "commit and chain"]),
            before in proptest::collection::vec("(CREATE TABLE t[0-9] \\(a int\\)|SELECT 1|INSERT INTO t VALUES \\('x;y'\\))", 0..4),
        ) {
            let mut text: String = before.iter().map(|s| format!("{s};\n")).collect();
            let hidden = format!(
                "{text}CREATE FUNCTION f() RETURNS void AS $$ {keyword}; $$ LANGUAGE sql;\n\
                 CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT '{keyword};'; END;\n"
            );
            prop_assert_eq!(found(&hidden), None);
            text.push_str(&format!("{keyword};\n"));
            let expected = keyword.split_whitespace().take(if keyword.starts_with("START") { 2 } else { 1 })
                .collect::<Vec<_>>().join(" ");
            prop_assert_eq!(found(&text), Some((before.len() + 1, expected)));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
            let _ = find_transaction_control("up.sql", &text);
        }

    }
}
