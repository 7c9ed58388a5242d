//! What verify may learn of an up without reading the schema after each of its steps
//! (see `engine::verify_quick`): whether, run again on the schema it first ran on, it
//! makes the same schema, and whether the database can prove its down undid it (it only
//! makes new objects, or also alters tables it names). Pure; errs on the side of "no": a
//! script left out is checked the careful way, only slower.

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
    replays_alike_in(up, &tokens(up))
}

/// How the undo of `up` can be checked quickly, when it replays alike (see
/// [`replays_alike`] and [`undo_check`]); the text is lexed once for both.
pub fn quick_undo_check(up: &str) -> Option<UndoCheck> {
    let tokens = tokens(up);
    replays_alike_in(up, &tokens).then(|| undo_check_of(&tokens))
}

/// [`replays_alike`], of `up` lexed into `tokens`.
fn replays_alike_in(up: &str, tokens: &[Token]) -> bool {
    tokens.split(|token| token.is_punct(';')).all(|statement| {
        statement
            .first()
            .is_none_or(|first| starts_with(first, ROW_CHANGES) || starts_with(first, PLAIN_DDL))
    }) && !tokens.iter().any(|token| folds_time(up, token))
}

/// `ALTER TABLE` actions that change another relation than the one named, in place:
/// a proof that looks at the named table alone would miss it.
const ALTERS_OTHERS: &[&str] = &["ATTACH", "DETACH", "INHERIT"];

/// A table an up alters, as its `ALTER TABLE` names it: PostgreSQL's folding applied
/// (a bare name in lower case), the schema when the name is qualified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlteredTable {
    pub schema: Option<String>,
    pub name: String,
}

/// How verify's quick check learns that a down undid its up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoCheck {
    /// The database proves it: every object the up made is gone, and each of these
    /// older tables, which the up alters, is as it was before the up.
    Prove { altered: Vec<AlteredTable> },
    /// The schema after the down is read and compared.
    Read,
}

/// How the undo of `up` can be checked: proved when every statement only makes new
/// objects (a plain `CREATE` of a table, index, view, sequence, type, domain, function,
/// procedure or trigger), changes only rows, or alters a table it names (`ALTER TABLE`,
/// but not attaching, detaching or inheriting, which change another table in place);
/// read otherwise.
pub fn undo_check(up: &str) -> UndoCheck {
    undo_check_of(&tokens(up))
}

/// [`undo_check`], of a script lexed into `tokens`.
fn undo_check_of(tokens: &[Token]) -> UndoCheck {
    let mut altered: Vec<AlteredTable> = Vec::new();
    for statement in tokens.split(|token| token.is_punct(';')) {
        if makes_only_new_objects(statement) {
            continue;
        }
        match altered_table(statement) {
            Some(table) if !altered.contains(&table) => altered.push(table),
            Some(_) => {}
            None => return UndoCheck::Read,
        }
    }
    UndoCheck::Prove { altered }
}

/// The table an `ALTER TABLE [IF EXISTS] [ONLY] [schema.]name …` statement alters, when
/// it alters no other in place.
fn altered_table(statement: &[Token]) -> Option<AlteredTable> {
    let [alter, table, rest @ ..] = statement else {
        return None;
    };
    if !alter.is("ALTER") || !table.is("TABLE") {
        return None;
    }
    // `ALTER TABLE ALL IN TABLESPACE …` moves every table (ALL is reserved: a table so
    // named is quoted).
    if rest
        .iter()
        .any(|token| starts_with(token, ALTERS_OTHERS) || token.is("ALL"))
    {
        return None;
    }
    let rest = match rest {
        [if_, exists, rest @ ..] if if_.is("IF") && exists.is("EXISTS") => rest,
        _ => rest,
    };
    let rest = match rest {
        [only, rest @ ..] if only.is("ONLY") => rest,
        _ => rest,
    };
    match rest {
        [schema, dot, name, after, ..] if dot.is_punct('.') && !after.is_punct('.') => {
            Some(AlteredTable {
                schema: Some(schema.name()?),
                name: name.name()?,
            })
        }
        [name, after, ..] if !after.is_punct('.') => Some(AlteredTable {
            schema: None,
            name: name.name()?,
        }),
        _ => None,
    }
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

    fn proved(altered: &[(Option<&str>, &str)]) -> UndoCheck {
        let altered = altered
            .iter()
            .map(|(schema, name)| AlteredTable {
                schema: schema.map(str::to_string),
                name: name.to_string(),
            })
            .collect();
        UndoCheck::Prove { altered }
    }

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
            assert_eq!(undo_check(up), proved(&[]), "{up}");
            assert!(replays_alike(up), "{up}");
        }
    }

    #[test]
    fn an_altered_table_is_named_once_as_postgres_folds_it() {
        assert_eq!(
            undo_check("ALTER TABLE t00180 ADD COLUMN x30 TEXT NOT NULL DEFAULT 'none';"),
            proved(&[(None, "t00180")])
        );
        let up = "CREATE TABLE u (id int);\n\
                  ALTER TABLE IF EXISTS ONLY App.\"Users\" ADD c int, ADD CHECK (c > 0);\n\
                  alter table Orders drop column note;\n\
                  ALTER TABLE app.\"Users\" RENAME c TO e;\n\
                  ALTER TABLE \"Orders\" * OWNER TO app";
        assert_eq!(
            undo_check(up),
            proved(&[(Some("app"), "Users"), (None, "orders"), (None, "Orders")])
        );
    }

    #[test]
    fn plain_ddl_on_older_objects_replays_but_is_read() {
        for up in [
            "CREATE TABLE u (id int); DROP TABLE t;",
            "CREATE OR REPLACE VIEW v AS SELECT 1;",
            "CREATE SCHEMA app; CREATE EXTENSION hstore;",
            "COMMENT ON TABLE t IS 'old'; GRANT SELECT ON t TO reader;",
            "CREATE POLICY p ON t USING (true);",
            "ALTER INDEX i RENAME TO j;",
            // These change another table in place.
            "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1);",
            "ALTER TABLE p DETACH PARTITION c;",
            "ALTER TABLE c NO INHERIT p;",
            "ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b;",
            // Not a name this reads.
            "ALTER TABLE db.app.t ADD c int;",
            "ALTER TABLE;",
        ] {
            assert_eq!(undo_check(up), UndoCheck::Read, "{up}");
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
        /// One statement that is not a plain create, a row change or a table's alter,
        /// wherever it stands among ones that are, is enough to have the down read; one
        /// that runs code, to say it may not replay alike.
        #[test]
        fn one_other_statement_anywhere_says_no(
            before in proptest::collection::vec("(CREATE TABLE t[0-9] \\(a int\\)|INSERT INTO t VALUES \\(1\\)|CREATE INDEX i[0-9] ON t \\(a\\))", 0..4),
            after in proptest::collection::vec("(CREATE VIEW v[0-9] AS SELECT 1|DELETE FROM t)", 0..4),
            table in "[a-z][a-z0-9_]{0,8}",
            older in "(DROP VIEW v|CREATE OR REPLACE VIEW v AS SELECT 1|ALTER TABLE p ATTACH PARTITION c DEFAULT)",
            code in "(SELECT f\\(\\)|DO \\$\\$ BEGIN END \\$\\$|CALL p\\(\\))",
        ) {
            prop_assume!(!["all", "if", "only", "attach", "detach", "inherit"].contains(&table.as_str()));
            let plain = [before.clone(), after.clone()].concat().join(";\n");
            prop_assert_eq!(undo_check(&plain), proved(&[]));
            prop_assert!(replays_alike(&plain));
            let alter = format!("ALTER TABLE {table} ADD c int");
            let with_alter = [before.clone(), vec![alter], after.clone()].concat().join(";\n");
            prop_assert_eq!(undo_check(&with_alter), proved(&[(None, &table)]));
            let with_older = [before.clone(), vec![older], after.clone()].concat().join(";\n");
            prop_assert_eq!(undo_check(&with_older), UndoCheck::Read);
            prop_assert!(replays_alike(&with_older));
            let with_code = [before, vec![code], after].concat().join(";\n");
            prop_assert_eq!(undo_check(&with_code), UndoCheck::Read);
            prop_assert!(!replays_alike(&with_code));
            for up in [&plain, &with_alter, &with_older, &with_code] {
                let both = replays_alike(up).then(|| undo_check(up));
                prop_assert_eq!(quick_undo_check(up), both);
            }
        }
    }
}
