//! For each kind of SQLite object, two databases that differ in one detail of it, and the
//! exact diff line; plus random DDL, whose snapshot must be stable and must survive being
//! rendered and run again.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use rusqlite::Connection;

use crate::backend::sqlite_introspect::introspect;
use crate::schema::{IntrospectOptions, Schema, diff, render};

fn snapshot(sql: &str) -> Schema {
    let conn = Connection::open_in_memory().expect("in-memory database");
    conn.execute_batch(sql).expect("DDL runs");
    introspect(&conn, &IntrospectOptions::new("migrate_history")).expect("introspects")
}

/// (expected DDL, actual DDL, the diff's sentences)
const PAIRS: &[(&str, &str, &[&str])] = &[
    ("CREATE TABLE t (a INT)", "", &["table t missing"]),
    (
        "CREATE TABLE trips (id INTEGER, notes TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE trips (id INTEGER, notes TEXT)",
        &["column trips.notes: default '' and NOT NULL missing"],
    ),
    (
        "CREATE TABLE t (a INT, b TEXT)",
        "CREATE TABLE t (b TEXT, a INT)",
        &["table t: columns in order (b, a) instead of (a, b)"],
    ),
    (
        "CREATE TABLE t (a INT, b AS (a * 3))",
        "CREATE TABLE t (a INT, b AS (a * 2))",
        &["column t.b: generated (a * 2) VIRTUAL instead of (a * 3) VIRTUAL"],
    ),
    (
        "CREATE TABLE t (a TEXT)",
        "CREATE TABLE t (a TEXT COLLATE NOCASE)",
        &["column t.a: collation \"NOCASE\" unexpected"],
    ),
    (
        "CREATE TABLE t (a INT PRIMARY KEY)",
        "CREATE TABLE t (a INT PRIMARY KEY) WITHOUT ROWID",
        // SQLite makes a WITHOUT ROWID table's key NOT NULL, and says so.
        &[
            "table t: WITHOUT ROWID unexpected",
            "column t.a: NOT NULL unexpected",
        ],
    ),
    (
        "CREATE TABLE t (a INT)",
        "CREATE TABLE t (a INT) STRICT",
        &["table t: STRICT unexpected"],
    ),
    (
        "CREATE TABLE users (email TEXT)",
        "CREATE TABLE users (email TEXT); CREATE UNIQUE INDEX users_email_key ON users (email)",
        &["index users_email_key still exists"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (a)",
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (a DESC)",
        &["index i: keys (a DESC) instead of (a)"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (a) WHERE a > 1",
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (a) WHERE a > 2",
        &["index i: WHERE a > 2 instead of a > 1"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (lower(a))",
        "CREATE TABLE t (a INT); CREATE INDEX i ON t (upper(a))",
        &["index i: keys ((upper(a))) instead of ((lower(a)))"],
    ),
    (
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
        &["constraint t_pkey on t: definition PRIMARY KEY (id) \
           instead of PRIMARY KEY (id AUTOINCREMENT)"],
    ),
    (
        "CREATE TABLE t (a INT UNIQUE)",
        "CREATE TABLE t (a INT)",
        &["constraint t_a_key on t missing"],
    ),
    (
        "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id INT REFERENCES p)",
        "CREATE TABLE p (id INTEGER PRIMARY KEY); \
         CREATE TABLE c (p_id INT REFERENCES p ON DELETE CASCADE)",
        &["constraint c_p_id_fkey on c: ON DELETE CASCADE instead of NO ACTION"],
    ),
    (
        "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id INT REFERENCES p (id))",
        "CREATE TABLE p (id INTEGER PRIMARY KEY); \
         CREATE TABLE c (p_id INT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)",
        &[
            "constraint c_p_id_fkey on c: deferrability DEFERRABLE INITIALLY DEFERRED \
           instead of NOT DEFERRABLE",
        ],
    ),
    (
        "CREATE TABLE t (a INT CHECK (a > 0))",
        "CREATE TABLE t (a INT CHECK (a > 1))",
        &["constraint t_a_check on t: definition CHECK (a > 1) instead of CHECK (a > 0)"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t",
        "CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t WHERE a > 1",
        &["view v: definition SELECT a FROM t WHERE a > 1 instead of SELECT a FROM t"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
        "CREATE TABLE t (a INT)",
        &["trigger tr on t missing"],
    ),
    (
        "CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t WHERE a = 'x'",
        "CREATE TABLE \"t\" (`a` int); create view [v] as\n  select \"a\"\nfrom T where A='x';",
        &[],
    ),
];

#[test]
fn each_difference_gets_its_sentence() {
    for (expected, actual, sentences) in PAIRS {
        let findings = diff(&snapshot(expected), &snapshot(actual));
        let messages: Vec<String> = findings.iter().map(|f| f.message.clone()).collect();
        assert_eq!(&messages, sentences, "{expected}\n---\n{actual}");
    }
}

/// A random table: its columns (name, type, NOT NULL, default, UNIQUE, CHECK), an index
/// on its first column (DESC or not) and whether a view selects from it.
type ColumnSpec = (
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    bool,
    bool,
);
type TableSpec = (&'static str, Vec<ColumnSpec>, Option<bool>, bool);

fn column_spec(name: &'static str) -> impl Strategy<Value = ColumnSpec> {
    (
        select(&["INTEGER", "TEXT", "REAL", "varchar(20)", ""][..]),
        any::<bool>(),
        proptest::option::of(select(
            &["0", "'x'", "(1 + 2)", "-1", "CURRENT_TIMESTAMP"][..],
        )),
        any::<[bool; 2]>(),
    )
        .prop_map(move |(data_type, not_null, default, [unique, check])| {
            (name, data_type, not_null, default, unique, check)
        })
}

fn table_spec(name: &'static str) -> impl Strategy<Value = TableSpec> {
    subsequence(&["id", "name", "score", "Note"][..], 1..=4)
        .prop_flat_map(|names| names.into_iter().map(column_spec).collect::<Vec<_>>())
        .prop_flat_map(move |columns| {
            let index = proptest::option::of(any::<bool>());
            (Just(name), Just(columns), index, any::<bool>())
        })
}

/// The DDL of `tables`; `fancy` writes it with other case, quoting and spacing.
fn ddl(tables: &[TableSpec], fancy: bool) -> String {
    let name = |name: &str| {
        if fancy {
            format!("\"{name}\"")
        } else {
            name.to_owned()
        }
    };
    let word = |word: &str| {
        if fancy {
            word.to_lowercase()
        } else {
            word.to_owned()
        }
    };
    let gap = if fancy { "\n\t " } else { " " };
    let mut out = String::new();
    for (table, columns, index, view) in tables {
        let definitions: Vec<String> = columns
            .iter()
            .map(|(column, data_type, not_null, default, unique, check)| {
                let mut text = format!("{}{gap}{data_type}", name(column));
                if *not_null {
                    text.push_str(&format!(" {}", word("NOT NULL")));
                }
                if let Some(default) = default {
                    text.push_str(&format!(" {}{gap}{default}", word("DEFAULT")));
                }
                if *unique {
                    text.push_str(&format!(" {}", word("UNIQUE")));
                }
                if *check {
                    let condition = format!("{} IS NOT NULL", name(column));
                    text.push_str(&format!(" {} ({})", word("CHECK"), word(&condition)));
                }
                text
            })
            .collect();
        out.push_str(&format!(
            "{} {} ({});\n",
            word("CREATE TABLE"),
            name(table),
            definitions.join(",")
        ));
        let first = columns[0].0;
        if let Some(descending) = index {
            let order = if *descending { " DESC" } else { "" };
            out.push_str(&format!(
                "{} {table}_idx ON {} ({}{});\n",
                word("CREATE INDEX"),
                name(table),
                name(first),
                word(order)
            ));
        }
        if *view {
            out.push_str(&format!(
                "{} {table}_view AS {} {}{gap}{} {} {} {} > 0;\n",
                word("CREATE VIEW"),
                word("SELECT"),
                name(first),
                word("FROM"),
                name(table),
                word("WHERE"),
                name(first),
            ));
        }
    }
    out
}

fn schema_specs() -> impl Strategy<Value = Vec<TableSpec>> {
    (
        table_spec("alpha"),
        proptest::option::of(table_spec("beta")),
    )
        .prop_map(|(alpha, beta)| std::iter::once(alpha).chain(beta).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_ddl_snapshots_are_stable_and_survive_a_round_trip(tables in schema_specs()) {
        let plain = snapshot(&ddl(&tables, false));
        let rendered = render(&plain);
        prop_assert_eq!(&render(&snapshot(&ddl(&tables, false))), &rendered);
        let cosmetic = diff(&plain, &snapshot(&ddl(&tables, true)));
        prop_assert!(cosmetic.is_empty(), "{:#?}", cosmetic);
        prop_assert_eq!(render(&snapshot(&rendered)), rendered);
    }
}
