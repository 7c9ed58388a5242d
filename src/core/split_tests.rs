//! Tests of the statement splitter: worked examples and properties over generated scripts.

use super::*;
use proptest::prelude::*;

fn pieces(text: &str) -> Vec<&str> {
    split_statements(text)
        .into_iter()
        .map(|range| &text[range])
        .collect()
}

#[test]
fn splits_at_top_level_semicolons_only() {
    let text = "-- header; not a statement\n\
                CREATE INDEX CONCURRENTLY i ON t (a);\n\
                /* a; /* nested; */ still comment; */\n\
                INSERT INTO t VALUES ('a;b', E'it\\'s;', \"we;ird\");;\n\
                CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                SELECT $$;$$, price$usd FROM t -- trailing; comment\n";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE INDEX CONCURRENTLY i ON t (a);",
            "INSERT INTO t VALUES ('a;b', E'it\\'s;', \"we;ird\");",
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
            "SELECT $$;$$, price$usd FROM t -- trailing; comment\n",
        ]
    );
}

#[test]
fn standard_sql_routine_bodies_and_parentheses_hold_together() {
    let text = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\n\
                BEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT x;\nEND;\n\
                CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\n\
                CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);\n\
                CREATE TABLE begin_end (begin int); SELECT 1;";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\n\
             BEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT x;\nEND;",
            "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;",
            "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);",
            "CREATE TABLE begin_end (begin int);",
            "SELECT 1;",
        ]
    );
    // Outside a routine definition BEGIN is a statement of its own.
    assert_eq!(
        pieces("BEGIN; SELECT 1; END;"),
        vec!["BEGIN;", "SELECT 1;", "END;"]
    );
}

#[test]
fn sqlite_trigger_bodies_hold_together() {
    let text = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;\n  DELETE FROM c;\nEND;\n\
                CREATE TEMP TRIGGER u BEFORE DELETE ON a BEGIN SELECT 1; END; SELECT 2;\n\
                CREATE TEMPORARY TABLE begin_t (x int); SELECT 3;";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;\n  DELETE FROM c;\nEND;",
            "CREATE TEMP TRIGGER u BEFORE DELETE ON a BEGIN SELECT 1; END;",
            "SELECT 2;",
            "CREATE TEMPORARY TABLE begin_t (x int);",
            "SELECT 3;",
        ]
    );
    // A PostgreSQL trigger names a function: no body, split as before.
    assert_eq!(
        pieces("CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1;"),
        vec![
            "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();",
            "SELECT 1;",
        ]
    );
}

#[test]
fn a_goose_statement_block_is_one_statement() {
    let text = "-- +goose Up\n\
                -- +goose StatementBegin\n\
                CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN\n\
                  UPDATE t SET n = n + 1;\n\
                END;\n\
                -- +goose StatementEnd\n\
                -- +goose statementbegin\n\
                SELECT 1; SELECT 2;\n\
                -- +goose StatementEnd\n\
                SELECT 3;\n";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN\nUPDATE t SET n = n + 1;\nEND;",
            "SELECT 1; SELECT 2;",
            "SELECT 3;",
        ]
    );
}

#[test]
fn sqlite_trigger_bodies_with_vacuum_and_if_not_exists() {
    let text = "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN\n\
                  INSERT INTO audit VALUES (new.id, CASE WHEN new.a > 0 THEN 'up' ELSE 'down' END);\n\
                  UPDATE t SET seen = CASE WHEN new.a > 0 THEN 1 END WHERE id = new.id;\n\
                END;\n\
                CREATE TEMP TRIGGER IF NOT EXISTS t_tmp BEFORE DELETE ON t BEGIN SELECT 1; END;\n\
                VACUUM;\n\
                CREATE TRIGGER pg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\n\
                SELECT 2;";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN\n\
             INSERT INTO audit VALUES (new.id, CASE WHEN new.a > 0 THEN 'up' ELSE 'down' END);\n\
             UPDATE t SET seen = CASE WHEN new.a > 0 THEN 1 END WHERE id = new.id;\nEND;",
            "CREATE TEMP TRIGGER IF NOT EXISTS t_tmp BEFORE DELETE ON t BEGIN SELECT 1; END;",
            "VACUUM;",
            "CREATE TRIGGER pg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
            "SELECT 2;",
        ]
    );
}

#[test]
fn a_byte_order_mark_belongs_to_no_statement() {
    assert_eq!(
        pieces("\u{feff}SELECT 1; SELECT 2"),
        vec!["SELECT 1;", "SELECT 2"]
    );
    assert_eq!(sql_start("\u{feff}x"), 3);
    assert_eq!(sql_start("x\u{feff}"), 0);
}

#[test]
fn a_backslash_ends_nothing_in_a_standard_string() {
    // With standard_conforming_strings (the default since 9.1) `\` is an ordinary byte.
    assert_eq!(
        pieces(r"SELECT 'a\'; SELECT 2"),
        vec![r"SELECT 'a\';", "SELECT 2"]
    );
    assert_eq!(
        pieces(r"SELECT e'a\'; b'; SELECT 2"),
        vec![r"SELECT e'a\'; b';", "SELECT 2"]
    );
}

#[test]
fn dollar_signs_that_open_no_quote() {
    assert_eq!(
        pieces("PREPARE p AS SELECT $1; SELECT 2"),
        vec!["PREPARE p AS SELECT $1;", "SELECT 2"]
    );
    assert_eq!(
        pieces("SELECT $a$ x $b$ ; $a$; SELECT 2"),
        vec!["SELECT $a$ x $b$ ; $a$;", "SELECT 2"]
    );
}

#[test]
fn unterminated_pieces_run_to_the_end() {
    assert_eq!(
        pieces("SELECT 'open; SELECT 2"),
        vec!["SELECT 'open; SELECT 2"]
    );
    assert_eq!(pieces("SELECT 1 /* open; "), vec!["SELECT 1 /* open; "]);
    assert_eq!(pieces("SELECT $q$ open;"), vec!["SELECT $q$ open;"]);
    assert!(pieces("  -- only a comment;\n ;; ").is_empty());
}

/// A piece of SQL that may hold a `;` the splitter must not split at.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_$]{0,6}",
        "[0-9]{1,3}",
        "[,.=<>+*]",
        "[a-z ;]{0,6}".prop_map(|inner| format!("({inner})")),
        "'([^']|'')*'".prop_map(|s| s.replace('\0', "")),
        "[eE]'([^'\\\\]|''|\\\\.){0,6}'",
        "\"([^\"]|\"\"){1,6}\"",
        "[a-z;' ]{0,8}".prop_map(|body| format!("$$ {body} $$")),
        "[a-z;' ]{0,8}".prop_map(|body| format!("$fn$ {body} $fn$")),
        "[a-z;' ]{0,8}".prop_map(|body| format!("/* {body} /* {body} */ */")),
        "[a-z;' ]{0,8}".prop_map(|body| format!("-- {body}\n")),
    ]
}

/// A statement: a word first (so it starts with a token), then fragments.
fn statement() -> impl Strategy<Value = String> {
    ("[A-Z]{1,8}", proptest::collection::vec(fragment(), 0..8))
        .prop_map(|(head, rest)| format!("{head} {}", rest.join(" ")))
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics_and_ranges_are_sound(text in "\\PC{0,120}") {
        let ranges = split_statements(&text);
        let mut previous_end = 0;
        for range in ranges {
            prop_assert!(previous_end <= range.start && range.start < range.end);
            prop_assert!(text.get(range.clone()).is_some(), "{:?} cuts a character", range);
            previous_end = range.end;
        }
    }

    #[test]
    fn arbitrary_bytes_of_sql_symbols_never_panic(text in "[-/*'\"$;Ee\\\\ a1\n]{0,60}") {
        let _ = split_statements(&text);
    }

    #[test]
    fn joined_statements_split_back(statements in proptest::collection::vec(statement(), 1..6)) {
        let text = statements
            .iter()
            .map(|statement| format!("{statement};"))
            .collect::<Vec<_>>()
            .join("\n");
        let split = pieces(&text);
        let expected: Vec<String> = statements.iter().map(|s| format!("{s};")).collect();
        prop_assert_eq!(split, expected);
    }

    #[test]
    fn splitting_is_idempotent(text in "[-/*'\"$;Ee\\\\ a1()\n]{0,60}") {
        let first: Vec<String> = pieces(&text).into_iter().map(str::to_owned).collect();
        let joined = first.join("\n");
        let again: Vec<String> = pieces(&joined).into_iter().map(str::to_owned).collect();
        prop_assert_eq!(again, first);
    }
}

/// The statements of `text` found reading every token, none skipped in a plain run.
fn token_by_token(text: &str) -> Vec<Range<usize>> {
    PostgresStatements {
        text,
        at: sql_start(text),
        skims: false,
    }
    .collect()
}

/// A piece of a script where skipping plain runs could go wrong: a lone `E` before a
/// quote, `$` inside a word or opening a quote, comments, goose's markers, the words of a
/// routine's head and body.
fn tricky_piece() -> impl Strategy<Value = String> {
    let fixed = [
        "e",
        "E",
        "x",
        "a$b",
        "$",
        "$1",
        "$$",
        "$t$",
        "'",
        "''",
        "\"",
        "\\",
        ";",
        "(",
        ")",
        "--",
        "-",
        "/*",
        "*/",
        "/",
        "\n",
        " ",
        "create",
        "or",
        "replace",
        "function",
        "temp",
        "trigger",
        "begin",
        "case",
        "end",
        "select",
        "-- +goose StatementBegin\n",
        "-- +goose StatementEnd\n",
        "e'\\'",
        "x$$",
    ];
    prop_oneof![
        4 => prop::sample::select(fixed.to_vec()).prop_map(str::to_owned),
        1 => "[a-z0-9_]{1,3}",
    ]
}

proptest! {
    #[test]
    fn skipping_plain_runs_splits_as_reading_every_token(
        // Four words first settle a statement, so what follows is skimmed.
        head in prop::sample::select(vec!["", "insert into t values ", "create function f x "]),
        pieces in proptest::collection::vec(tricky_piece(), 0..60),
    ) {
        let text = format!("{head}{}", pieces.concat());
        let skimmed: Vec<Range<usize>> = postgres_statements(&text).collect();
        prop_assert_eq!(skimmed, token_by_token(&text), "{:?}", text);
    }
}
