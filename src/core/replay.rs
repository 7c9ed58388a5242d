//! What verify may learn of an up without reading the schema after each of its steps
//! (see `engine::verify_quick`): whether, run again on the schema it first ran on, it
//! makes the same schema, and whether it only makes new objects, so that the database
//! can prove its down undid it. Pure; errs on the side of "no": a script left out is
//! checked the careful way, only slower.

use super::lint::words::{Token, Word, tokens};
use super::split_tokens::quoted_end;

/// What a `CREATE` of only new objects may make: none of them made by running code.
const NEW_KINDS: &[&str] = &[
    "table",
    "index",
    "view",
    "sequence",
    "type",
    "domain",
    "function",
    "procedure",
    "trigger",
];

/// Words between `CREATE` and the kind that change neither what is made nor when.
/// Not `OR REPLACE` (it changes an object that may be older), nor `TEMP` (session
/// state).
const KIND_MODIFIERS: &[&str] = &["unique", "unlogged", "materialized", "recursive"];

/// Statements that change only rows.
const ROW_CHANGES: &[&str] = &["INSERT", "UPDATE", "DELETE"];

/// Statements that change the schema by what they say, not by code they run.
const PLAIN_DDL: &[&str] = &["CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE"];

/// The date/time literals PostgreSQL folds into a constant when a definition is made
/// (`DEFAULT 'now'`, a view over `'today'::date`): the same script made later makes
/// another definition, which only the careful check reports.
const FOLDED_TIMES: &[&str] = &["now", "today", "tomorrow", "yesterday"];

/// Whether `up`, run again on the schema it first ran on, makes the same schema: every
/// statement changes the schema by what it says (`CREATE`, `ALTER`, `DROP`, `COMMENT`,
/// `GRANT`, `REVOKE`) or changes only rows (`INSERT`, `UPDATE`, `DELETE`), none runs
/// code to decide what to make (`DO`, `SELECT f()`, `CALL`), and no literal folds the
/// time it ran into a definition.
pub fn replays_alike(up: &str) -> bool {
    let tokens = tokens(up);
    tokens.split(|token| token.is_punct(';')).all(|statement| {
        statement
            .first()
            .is_none_or(|first| starts_with(first, ROW_CHANGES) || starts_with(first, PLAIN_DDL))
    }) && !tokens.iter().any(|token| folds_time(up, token))
}

/// Whether every statement of `up` only makes new objects (a plain `CREATE` of a table,
/// index, view, sequence, type, domain, function, procedure or trigger) or changes only
/// rows: then its down, if right, leaves no trace of it, which the database can prove.
pub fn makes_only_new(up: &str) -> bool {
    tokens(up)
        .split(|token| token.is_punct(';'))
        .all(makes_only_new_objects)
}

fn starts_with(first: &Token, words: &[&str]) -> bool {
    words.iter().any(|word| first.is(word))
}

fn makes_only_new_objects(statement: &[Token]) -> bool {
    let Some(first) = statement.first() else {
        return true;
    };
    if starts_with(first, ROW_CHANGES) {
        return true;
    }
    if !first.is("CREATE") {
        return false;
    }
    let kind = statement[1..]
        .iter()
        .find(|token| !starts_with(token, KIND_MODIFIERS));
    kind.is_some_and(|kind| starts_with(kind, NEW_KINDS))
}

/// Whether `token` is a string literal PostgreSQL reads as the current date or time.
fn folds_time(text: &str, token: &Token) -> bool {
    if token.word != Word::Other || text.as_bytes().get(token.at) != Some(&b'\'') {
        return false;
    }
    let end = quoted_end(text.as_bytes(), token.at, b'\'');
    let inner = text
        .get(token.at + 1..end.saturating_sub(1).max(token.at + 1))
        .unwrap_or("");
    let inner = inner.trim().to_ascii_lowercase();
    FOLDED_TIMES.contains(&inner.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_creates_and_row_changes_make_only_new_objects_and_replay() {
        for up in [
            "CREATE TABLE t (id int PRIMARY KEY, at timestamp DEFAULT now());",
            "CREATE UNIQUE INDEX i ON t (id); CREATE VIEW v AS SELECT id FROM t;",
            "CREATE MATERIALIZED VIEW m AS SELECT 1; CREATE SEQUENCE s;",
            "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN d AS int;",
            "CREATE FUNCTION f() RETURNS date AS $$ SELECT 'today'::date $$ LANGUAGE sql;",
            "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
            "INSERT INTO t VALUES (1, '2024-01-01'); UPDATE t SET id = 2; DELETE FROM t;",
            "-- DO in a comment\nCREATE TABLE u (note text DEFAULT 'now is');",
            "",
        ] {
            assert!(makes_only_new(up), "{up}");
            assert!(replays_alike(up), "{up}");
        }
    }

    #[test]
    fn plain_ddl_on_older_objects_replays_but_may_change_them() {
        for up in [
            "ALTER TABLE t ADD COLUMN c int;",
            "CREATE TABLE u (id int); DROP TABLE t;",
            "CREATE OR REPLACE VIEW v AS SELECT 1;",
            "CREATE SCHEMA app; CREATE EXTENSION hstore;",
            "COMMENT ON TABLE t IS 'old'; GRANT SELECT ON t TO reader;",
            "CREATE POLICY p ON t USING (true);",
        ] {
            assert!(!makes_only_new(up), "{up}");
            assert!(replays_alike(up), "{up}");
        }
    }

    #[test]
    fn code_that_decides_what_to_make_and_folded_times_do_not_replay() {
        for up in [
            "DO $$ BEGIN EXECUTE 'CREATE TABLE x (a int)'; END $$;",
            "SELECT create_tables();",
            "CALL make_tables();",
            "WITH n AS (SELECT 1) INSERT INTO t SELECT * FROM n;",
            "CREATE TABLE t (at timestamp DEFAULT 'now');",
            "CREATE VIEW v AS SELECT 'Today'::date AS d;",
            "ALTER TABLE t ALTER COLUMN at SET DEFAULT ' tomorrow ';",
        ] {
            assert!(!replays_alike(up), "{up}");
        }
    }

    proptest! {
        /// One statement that is not a plain create or a row change, wherever it stands
        /// among ones that are, is enough to say it may change older objects; one that
        /// runs code, that it may not replay alike.
        #[test]
        fn one_other_statement_anywhere_says_no(
            before in proptest::collection::vec("(CREATE TABLE t[0-9] \\(a int\\)|INSERT INTO t VALUES \\(1\\)|CREATE INDEX i[0-9] ON t \\(a\\))", 0..4),
            after in proptest::collection::vec("(CREATE VIEW v[0-9] AS SELECT 1|DELETE FROM t)", 0..4),
            older in "(ALTER TABLE t ADD c int|DROP VIEW v|CREATE OR REPLACE VIEW v AS SELECT 1)",
            code in "(SELECT f\\(\\)|DO \\$\\$ BEGIN END \\$\\$|CALL p\\(\\))",
        ) {
            let plain = [before.clone(), after.clone()].concat().join(";\n");
            prop_assert!(makes_only_new(&plain) && replays_alike(&plain));
            let with_older = [before.clone(), vec![older], after.clone()].concat().join(";\n");
            prop_assert!(!makes_only_new(&with_older) && replays_alike(&with_older));
            let with_code = [before, vec![code], after].concat().join(";\n");
            prop_assert!(!makes_only_new(&with_code) && !replays_alike(&with_code));
        }
    }
}
