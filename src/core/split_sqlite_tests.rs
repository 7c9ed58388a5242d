//! Tests of the SQLite statement splitter: worked examples and properties over generated
//! scripts. (That SQLite itself ends statements at the same places is tested beside the
//! SQLite backend, which can ask it.)

use super::*;
use proptest::prelude::*;

fn pieces(text: &str) -> Vec<&str> {
    sqlite_statements(text).map(|range| &text[range]).collect()
}

#[test]
fn splits_at_semicolons_outside_strings_identifiers_and_comments() {
    let text = "-- header; not a statement\n\
                CREATE TABLE \"we;ird\" (`a;` TEXT, [b;] TEXT);\n\
                /* a; /* not nested; */\n\
                INSERT INTO t VALUES ('a;b', 'it''s;', x'3b');;\n\
                SELECT $x, :y, @z FROM t -- trailing; comment\n";
    assert_eq!(
        pieces(text),
        vec![
            "CREATE TABLE \"we;ird\" (`a;` TEXT, [b;] TEXT);",
            "INSERT INTO t VALUES ('a;b', 'it''s;', x'3b');",
            "SELECT $x, :y, @z FROM t -- trailing; comment\n",
        ]
    );
}

#[test]
fn a_trigger_body_ends_at_end_after_a_semicolon() {
    let trigger = "CREATE TEMP TRIGGER IF NOT EXISTS log AFTER INSERT ON t\n\
                   BEGIN\n  INSERT INTO l VALUES (CASE WHEN new.a THEN 1 END);\n  \
                   UPDATE c SET n = n + 1; -- end; not yet\nEND;";
    let text = format!(
        "{trigger}\nSELECT 1;\nexplain create trigger x after delete on t begin select 1; end;"
    );
    assert_eq!(
        pieces(&text),
        vec![
            trigger,
            "SELECT 1;",
            "explain create trigger x after delete on t begin select 1; end;"
        ]
    );
    // Outside a trigger, BEGIN and END are statements of their own.
    assert_eq!(
        pieces("BEGIN; SELECT 1; END;"),
        vec!["BEGIN;", "SELECT 1;", "END;"]
    );
    // A table named trigger creates none.
    assert_eq!(
        pieces("CREATE TABLE trigger (a); SELECT 1;"),
        vec!["CREATE TABLE trigger (a);", "SELECT 1;"]
    );
}

#[test]
fn unterminated_pieces_run_to_the_end_and_a_bom_belongs_to_nothing() {
    assert_eq!(
        pieces("\u{feff}SELECT 1; SELECT 2"),
        vec!["SELECT 1;", "SELECT 2"]
    );
    assert_eq!(pieces("SELECT 'a; b"), vec!["SELECT 'a; b"]);
    assert_eq!(pieces("SELECT [a; b"), vec!["SELECT [a; b"]);
    assert_eq!(pieces("SELECT 1 /* a; b"), vec!["SELECT 1 /* a; b"]);
    assert!(pieces(" ;; -- only comments\n/* */ ").is_empty());
}

/// A statement without a top-level `;`, built from pieces that hold `;` where it ends
/// nothing.
fn statement() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z_][a-z0-9_$]{0,6}",
        "'([^']|''){0,6}'",
        "\"([^\"]|\"\"){0,6}\"",
        "`[^`]{0,6}`",
        "\\[[^\\]]{0,6}\\]",
        "-- [^\n]{0,8}\n",
        "/\\* [^*]{0,8}\\*/",
        "[ \t\n]{1,3}",
        "[(),.=+*0-9]",
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|pieces| format!("SELECT {}", pieces.join(" ")))
}

proptest! {
    /// Statements joined by `;` come back, each with its `;`.
    #[test]
    fn joined_statements_come_back(statements in proptest::collection::vec(statement(), 0..6), gap in "[ \n;]{0,3}") {
        let text: String = statements.iter().map(|s| format!("{s};{gap}")).collect();
        let found = pieces(&text);
        let expected: Vec<String> = statements.iter().map(|s| format!("{s};")).collect();
        prop_assert_eq!(found, expected);
    }

    /// Whatever the text, the ranges are in order, apart, on character boundaries, and
    /// each starts with a token.
    #[test]
    fn ranges_are_ordered_and_start_at_a_token(text in "\\PC{0,60}") {
        let mut end = 0;
        for range in sqlite_statements(&text) {
            prop_assert!(range.start >= end && range.start < range.end);
            prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            let first = text[range.clone()].chars().next().unwrap_or(' ');
            // SQLite's white space is ASCII only: U+00A0 is part of a name to it.
            prop_assert!(!first.is_ascii_whitespace() && first != ';');
            end = range.end;
        }
    }
}
