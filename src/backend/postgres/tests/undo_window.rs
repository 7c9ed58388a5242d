//! An undo window's proof (verify's quick check) is sound: whenever the database says an
//! up and its down left every object as it was, a full read of the schema after the down
//! equals one before the up. The ups alter older tables (which the window prints before
//! the up and again after the down); their downs undo them exactly, miss a step, or
//! change one thing more, on tables with a view, a foreign key, an owned sequence, a
//! trigger and an inheritance child.

use std::cell::{Cell, RefCell};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

use super::watch::{SETUP, Watched};
use crate::backend::Backend;
use crate::backend::postgres::tests::support::TestDb;
use crate::core::{UndoCheck, undo_check};
use crate::schema::{IntrospectOptions, Schema, diff, render};

/// A child that inherits `ta`'s columns: an `ALTER TABLE ta` reaches it unnamed.
const CHILD: &str = "CREATE TABLE tkid (extra int) INHERITS (ta)";

/// Alters of an older table `{t}` (`{n}` numbers what they make) and the down that undoes
/// each, if it does: setting NOT NULL or a default on a column that had one already is
/// not undone by dropping it, and `ONLY` leaves the child's copy of a column.
const ALTERS: &[(&str, &str)] = &[
    (
        "ALTER TABLE {t} ADD COLUMN x{n} int",
        "ALTER TABLE {t} DROP COLUMN x{n}",
    ),
    (
        "ALTER TABLE {t} ADD COLUMN x{n} text NOT NULL DEFAULT 'a'",
        "ALTER TABLE {t} DROP COLUMN x{n}",
    ),
    (
        "ALTER TABLE {t} ADD COLUMN x{n} int",
        "ALTER TABLE ONLY {t} DROP COLUMN x{n}",
    ),
    (
        "ALTER TABLE {t} RENAME COLUMN ca TO x{n}",
        "ALTER TABLE {t} RENAME COLUMN x{n} TO ca",
    ),
    (
        "ALTER TABLE {t} ALTER COLUMN cb SET NOT NULL",
        "ALTER TABLE {t} ALTER COLUMN cb DROP NOT NULL",
    ),
    (
        "ALTER TABLE {t} ALTER COLUMN ca SET DEFAULT 'z'",
        "ALTER TABLE {t} ALTER COLUMN ca DROP DEFAULT",
    ),
    (
        "ALTER TABLE {t} ADD CONSTRAINT k{n} CHECK (id > 0)",
        "ALTER TABLE {t} DROP CONSTRAINT k{n}",
    ),
    (
        "ALTER TABLE {t} RENAME TO r{n}",
        "ALTER TABLE r{n} RENAME TO {t}",
    ),
    ("CREATE INDEX i{n} ON {t} (cb)", "DROP INDEX i{n}"),
];

/// One more change a down may make to an older object.
const MORE: &[&str] = &[
    "ALTER TABLE {t} RENAME COLUMN cb TO cc",
    "ALTER TABLE {t} ALTER COLUMN ca SET DEFAULT 'q'",
    "COMMENT ON COLUMN {t}.ca IS 'note'",
    "ALTER TABLE {t} ALTER COLUMN ca SET STATISTICS 5",
    "ALTER TABLE {t} ADD COLUMN y int",
    "ALTER SEQUENCE sa RESTART WITH 5",
    "ALTER TABLE tkid NO INHERIT ta",
];

/// An up of one to three alters and a down: their exact undoing in reverse order, or that with
/// one step left out (`miss`), or with one more change (`more`).
#[derive(Debug, Clone)]
struct Case {
    alters: Vec<(usize, &'static str)>,
    miss: Option<usize>,
    more: Option<(&'static str, &'static str)>,
}

impl Case {
    fn up(&self) -> String {
        self.scripts(|(up, _)| *up).join(";\n")
    }

    fn down(&self) -> String {
        let mut downs = self.scripts(|(_, down)| *down);
        downs.reverse();
        if let Some(miss) = self.miss {
            downs.remove(miss % downs.len());
        }
        if let Some((more, table)) = self.more {
            downs.push(more.replace("{t}", table));
        }
        downs.join(";\n")
    }

    /// The up (`pick` the first) or down of each alter, for its table and number.
    fn scripts(&self, pick: impl Fn(&(&'static str, &'static str)) -> &'static str) -> Vec<String> {
        self.alters
            .iter()
            .enumerate()
            .map(|(n, (alter, table))| {
                pick(&ALTERS[*alter])
                    .replace("{t}", table)
                    .replace("{n}", &n.to_string())
            })
            .collect()
    }
}

fn case() -> impl Strategy<Value = Case> {
    let tables = || select(&["ta", "tb", "tkid"][..]);
    (
        proptest::collection::vec((0..ALTERS.len(), tables()), 1..4),
        proptest::option::of(0..4usize),
        proptest::option::of((select(MORE), tables())),
    )
        .prop_map(|(alters, miss, more)| Case { alters, miss, more })
}

/// Ups and downs the window must prove undone (`true`) or refuse.
const SCRIPTED: &[(&str, &str, bool)] = &[
    (
        "ALTER TABLE ta ADD COLUMN x int",
        "ALTER TABLE ta DROP COLUMN x",
        true,
    ),
    // The child's copy of the column stays; only `ta` is logged.
    (
        "ALTER TABLE ta ADD COLUMN x int",
        "ALTER TABLE ONLY ta DROP COLUMN x",
        false,
    ),
    // The first wide column of a table makes a TOAST table that outlives it.
    (
        "ALTER TABLE tkid ADD COLUMN body text",
        "ALTER TABLE tkid DROP COLUMN body",
        true,
    ),
    (
        "ALTER TABLE IF EXISTS public.tb ADD CONSTRAINT kc CHECK (cb > 0); \
         CREATE INDEX tb_cb ON tb (cb)",
        "DROP INDEX tb_cb; ALTER TABLE tb DROP CONSTRAINT kc",
        true,
    ),
    (
        "ALTER TABLE tb RENAME COLUMN ca TO cz",
        "ALTER TABLE tb RENAME COLUMN cz TO ca; COMMENT ON COLUMN tb.ca IS 'new'",
        false,
    ),
    // A column's statistics target is no part of the schema read, but the print has it.
    (
        "ALTER TABLE tb ADD COLUMN x int",
        "ALTER TABLE tb DROP COLUMN x; ALTER TABLE tb ALTER COLUMN ca SET STATISTICS 5",
        false,
    ),
];

/// Runs `up` and `down` in an undo window from the setup: whether the window proved them
/// undone, and the full reads before the up and after the down; `None` when a step failed.
fn windowed(pair: &mut Watched, up: &str, down: &str) -> Option<(bool, Schema, Schema)> {
    let options = IntrospectOptions::default();
    pair.client()
        .batch_execute(&format!("{SETUP}; {CHILD}"))
        .unwrap();
    pair.watched.ensure_version_table().unwrap();
    // The first staged step makes the staging table: a new object, as verify's first
    // step makes it before any window opens.
    pair.run("SELECT 1").unwrap();
    let check = undo_check(up);
    assert!(matches!(check, UndoCheck::Prove { .. }), "{up}");
    let before = pair.plain.introspect(&options).unwrap();
    assert!(pair.watched.open_undo_window(&check).unwrap());
    pair.run(up).ok()?;
    pair.run(down).ok()?;
    let undone = pair.watched.undo_window_undone();
    let after = pair.plain.introspect(&options).unwrap();
    Some((undone, before, after))
}

#[test]
fn an_undo_window_proves_what_is_undone_and_refuses_the_rest() {
    let Some(db) = TestDb::create("an_undo_window_proves_what_is_undone") else {
        return;
    };
    let mut pair = Watched::stepping(&db);
    for (up, down, proved) in SCRIPTED {
        let (undone, before, after) =
            windowed(&mut pair, up, down).unwrap_or_else(|| panic!("a step failed:\n{up}\n{down}"));
        assert_eq!(undone, *proved, "up:\n{up}\ndown:\n{down}");
        assert_eq!(before == after, *proved || down.contains("STATISTICS"));
    }
}

#[test]
fn an_undo_window_says_undone_only_when_the_schema_is_back() {
    let Some(db) = TestDb::create("an_undo_window_says_undone_only_when_back") else {
        return;
    };
    let pair = RefCell::new(Watched::stepping(&db));
    let (proved, refused) = (Cell::new(0), Cell::new(0));
    let config = ProptestConfig {
        cases: 96,
        // Failures are reported by the test; there is no source file to persist them by.
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    TestRunner::new(config)
        .run(&case(), |case| {
            let pair = &mut *pair.borrow_mut();
            let (up, down) = (case.up(), case.down());
            // An up or down that fails (a column renamed away, say) proves nothing.
            let Some((undone, before, after)) = windowed(pair, &up, &down) else {
                return Ok(());
            };
            let findings = diff(&before, &after);
            prop_assert!(
                !undone || (findings.is_empty() && before == after),
                "proved undone, but\nup:\n{up}\ndown:\n{down}\n{findings:#?}\nbefore:\n{}\nafter:\n{}",
                render(&before),
                render(&after)
            );
            let count = if undone { &proved } else { &refused };
            count.set(count.get() + 1);
            Ok(())
        })
        .expect("a window proves only what a full read confirms");
    assert!(
        proved.get() > 0 && refused.get() > 0,
        "both answers met: {} proved, {} refused",
        proved.get(),
        refused.get()
    );
}
