//! Tests of running scripts on SQLite: the splitter ends statements where SQLite does, and
//! a failure deep in a long script is placed exactly.

use proptest::prelude::*;
use rusqlite::{Batch, Connection, fallible_iterator::FallibleIterator};

use crate::backend::error::SqlFailure;
use crate::backend::sqlite::script::{run_each, run_in_windows, run_script, run_slice};
use crate::core::{Location, sqlite_statements};

/// An expression, perhaps named, with `;` in places where it ends nothing.
fn item() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[0-9]{1,3}",
        "'([^'\u{0}]|''){0,6}'",
        "x'3b'",
        Just("CASE WHEN 1 THEN 2 END".to_owned()),
    ];
    let alias = prop_oneof![
        Just(String::new()),
        "[a-z][a-z0-9_]{0,4}".prop_map(|name| format!(" AS w_{name}")),
        "([^\"\u{0}]|\"\"){1,6}".prop_map(|name| format!(" AS \"{name}\"")),
        "[^`\u{0}]{1,6}".prop_map(|name| format!(" AS `{name}`")),
        "[^\\]\u{0}]{1,6}".prop_map(|name| format!(" AS [{name}]")),
    ];
    let gap = prop_oneof![
        Just(" ".to_owned()),
        "-- [^\n\u{0}]{0,8}\n",
        "/\\* [^*\u{0}]{0,8}\\*/",
    ];
    (value, alias, gap).prop_map(|(value, alias, gap)| format!("{value}{alias}{gap}"))
}

fn select() -> impl Strategy<Value = String> {
    proptest::collection::vec(item(), 1..4)
        .prop_map(|items| format!("SELECT {};", items.join(", ")))
}

/// A statement: a SELECT, or a trigger whose body holds several.
fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(),
        1 => proptest::collection::vec(select(), 1..4).prop_map(|body| {
            format!("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN\n{}\nEND;", body.join("\n"))
        }),
    ]
}

proptest! {
    /// SQLite, preparing the whole script statement after statement, ends each statement
    /// where the splitter does.
    #[test]
    fn the_splitter_ends_statements_where_sqlite_does(
        statements in proptest::collection::vec(statement(), 1..6),
        gap in "[ \n;]{0,3}",
    ) {
        let text = statements.join(&format!("\n{gap}"));
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a)").unwrap();
        let mut batch = Batch::new(&conn, &text);
        let mut prepared = Vec::new();
        while let Some(statement) = batch.next().unwrap() {
            prepared.push(statement.expanded_sql().unwrap());
        }
        let ranges: Vec<_> = sqlite_statements(&text).collect();
        prop_assert_eq!(ranges.len(), prepared.len(), "{:?} in {}", prepared, text);
        for (range, sql) in ranges.into_iter().zip(&prepared) {
            // SQLite keeps what came before the statement's first token with its text.
            prop_assert!(sql.ends_with(&text[range.clone()]), "{:?} vs {:?}", sql, &text[range]);
        }
    }
}

/// A statement whose effect shows in the tables `t` and `u`: an insert, a trigger whose body
/// holds several, or one that fails.
fn effect() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => item().prop_map(|item| format!("INSERT INTO t SELECT {item};")),
        1 => proptest::collection::vec(item(), 1..3).prop_map(|items| {
            let body: Vec<String> = items.iter().map(|i| format!("INSERT INTO u SELECT {i};")).collect();
            format!("CREATE TEMP TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN\n{}\nEND;", body.join("\n"))
        }),
        1 => prop_oneof![
            Just("INSERT INTO t SELECT 1 +;".to_owned()),
            Just("INSERT INTO missing VALUES (1);".to_owned()),
            Just("INSERT INTO t SELECT 1;INSERT INTO t SELECT 2 ;".to_owned()),
        ],
    ]
}

/// A failure's place, message and statement.
type Placed = (Option<usize>, String, Option<String>);

/// What running `text` did: its failure, if any, and what `t` and `u` then hold.
fn outcome(
    text: &str,
    run: impl Fn(&Connection, &str) -> Result<(), Box<SqlFailure>>,
) -> (Option<Placed>, String) {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (a); CREATE TABLE u (a);")
        .unwrap();
    let failure = run(&conn, text)
        .err()
        .map(|failure| (failure.offset, failure.message, failure.statement));
    let rows = conn
        .query_row(
            "SELECT (SELECT group_concat(quote(a), ',') FROM t) || ' / ' || (SELECT group_concat(quote(a), ',') FROM u)",
            [],
            |row| row.get::<_, Option<String>>(0),
        )
        .unwrap()
        .unwrap_or_default();
    (failure, rows)
}

proptest! {
    /// Windows of any size, cutting statements, strings, comments and trigger bodies
    /// anywhere, run what preparing each statement from its own slice runs, and fail
    /// where it fails with the same message.
    #[test]
    fn windows_cut_anywhere_run_what_slices_run(
        statements in proptest::collection::vec(effect(), 1..8),
        gap in "[ \n;]{0,3}",
        window in 1usize..64,
    ) {
        let text = statements.join(&format!("\n{gap}"));
        let by_slices = outcome(&text, |conn, text| {
            sqlite_statements(text).try_for_each(|range| run_slice(conn, text, range))
        });
        let by_windows = outcome(&text, |conn, text| run_in_windows(conn, text, window));
        prop_assert_eq!(by_windows, by_slices, "{}", text);
    }
}

#[test]
fn a_statement_longer_than_a_window_grows_it() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (s TEXT)").unwrap();
    let long = "x;".repeat(300_000);
    let text =
        format!("INSERT INTO t VALUES ('{long}');\n/* {long} */\nINSERT INTO t VALUES ('short');");
    run_script(&conn, &text).unwrap();
    let lengths: Vec<i64> = conn
        .prepare("SELECT length(s) FROM t ORDER BY rowid")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(lengths, [600_000, 5]);
}

#[test]
fn a_failure_deep_in_a_long_script_names_its_statement() {
    let conn = Connection::open_in_memory().unwrap();
    let mut text = String::from("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT);\n");
    for n in 1..=30_000 {
        text.push_str(&format!("INSERT INTO t VALUES ({n}, 'a;b');\n"));
    }
    text.push_str("INSERT INTO t VALUES (30000, 'again');\nINSERT INTO t VALUES (1, ;\n");
    let failure = run_script(&conn, &text).unwrap_err();
    let at = Location::of_offset(&text, failure.offset.unwrap());
    assert_eq!((at.line, at.column), (30_002, 1), "{failure:?}");
    assert!(failure.message.contains("UNIQUE"), "{failure:?}");
    // A syntax error is placed at its token.
    let text = text.replace("INSERT INTO t VALUES (30000, 'again');\n", "");
    let conn = Connection::open_in_memory().unwrap();
    let failure = run_script(&conn, &text).unwrap_err();
    let at = Location::of_offset(&text, failure.offset.unwrap());
    assert_eq!((at.line, at.column), (30_002, 26), "{failure:?}");
}

#[test]
fn statements_sqlite_reads_in_one_slice_still_run_and_are_placed() {
    let conn = Connection::open_in_memory().unwrap();
    let text = "CREATE TABLE t (n INTEGER PRIMARY KEY);\nINSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (1);";
    let failure = run_each(&conn, text, 0..text.len()).unwrap_err();
    let at = Location::of_offset(text, failure.offset.unwrap());
    assert_eq!((at.line, at.column), (3, 3), "{failure:?}");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 1);
}
