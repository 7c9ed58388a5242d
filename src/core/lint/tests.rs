use proptest::prelude::*;

use super::*;
use crate::core::Script;

const PG: LintOptions = LintOptions {
    flavor: Flavor::Postgres,
    lock_timeout_configured: true,
};

fn lint(text: &str) -> LintReport {
    lint_script(&Script::new("up.sql", text).unwrap(), PG)
}

fn rules(text: &str) -> Vec<(Rule, usize)> {
    lint(text)
        .warnings
        .iter()
        .map(|w| (w.rule, w.line))
        .collect()
}

#[test]
fn an_observed_lock_is_quoted_on_the_statement_that_took_it() {
    // Two statements on orders; verify saw the second (starting on line 3) take its lock.
    let mut report =
        lint("CREATE INDEX a ON orders (a);\n-- then\nCREATE INDEX\n  b ON public.orders (b);\n");
    let lock = |line: usize, table: &str| ObservedLock {
        origin: "up.sql".into(),
        line,
        table: table.into(),
        mode: "ShareLock".into(),
    };
    report.observe(&[lock(3, "orders"), lock(1, "customers")]);
    let problems: Vec<(usize, String)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.problem()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                1,
                "CREATE INDEX on existing table orders takes a ShareLock: it blocks writes to orders until the index is built".to_owned()
            ),
            (
                3,
                "CREATE INDEX on existing table orders takes a ShareLock (observed): it blocks writes to orders until the index is built".to_owned()
            ),
        ]
    );
    // The strongest mode a statement took on the table is the one quoted.
    let mut report = lint("ALTER TABLE orders ALTER a TYPE bigint;\n");
    let mut strong = lock(1, "orders");
    strong.mode = "AccessExclusiveLock".into();
    report.observe(&[lock(1, "orders"), strong]);
    assert!(
        report.warnings[0]
            .problem()
            .contains("under an AccessExclusiveLock (observed)"),
        "{}",
        report.warnings[0].problem()
    );
}

#[test]
fn each_rule_fires_on_an_existing_table_with_its_line() {
    let text = "SELECT 1;\nCREATE INDEX i ON orders (a);\n\
        ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id);\n\
        ALTER TABLE orders ADD CHECK (a > 0);\n\
        ALTER TABLE orders ALTER COLUMN a SET NOT NULL;\n\
        ALTER TABLE public.orders ALTER a TYPE bigint;\n\
        ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\
        ALTER TABLE orders RENAME COLUMN a TO b;\n\
        ALTER TABLE orders DROP COLUMN b;\n\
        DROP TABLE IF EXISTS old_orders;\n\
        VACUUM FULL orders;\nCLUSTER orders USING i;\n";
    assert_eq!(
        rules(text),
        vec![
            (Rule::ConcurrentIndex, 2),
            (Rule::NotValid, 3),
            (Rule::NotValid, 4),
            (Rule::SetNotNull, 5),
            (Rule::ColumnType, 6),
            (Rule::VolatileDefault, 7),
            (Rule::Rename, 8),
            (Rule::Drop, 9),
            (Rule::Drop, 10),
            (Rule::VacuumFull, 11),
            (Rule::VacuumFull, 12),
        ]
    );
    assert_eq!(lint(text).warnings[0].table, "orders");
}

#[test]
fn safe_forms_do_not_warn() {
    let text = "CREATE INDEX CONCURRENTLY i ON orders (a);\n\
        ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\n\
        ALTER TABLE orders VALIDATE CONSTRAINT f;\n\
        ALTER TABLE orders ADD COLUMN note text DEFAULT 'random()';\n\
        ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT now();\n\
        ALTER TABLE orders ALTER COLUMN a DROP NOT NULL;\n\
        ALTER TABLE orders DROP CONSTRAINT f;\n\
        VACUUM orders;\n\
        INSERT INTO orders (a) VALUES ('DROP TABLE orders; CREATE INDEX x ON y (z)');\n\
        DO $$ BEGIN EXECUTE 'ALTER TABLE orders ALTER a TYPE int'; END $$;\n";
    assert_eq!(rules(text), vec![]);
}

#[test]
fn a_table_created_in_the_same_file_is_new() {
    let text = "CREATE TABLE orders (id int);\nCREATE INDEX i ON orders (id);\n\
        ALTER TABLE orders ALTER COLUMN id SET NOT NULL;\nCREATE INDEX j ON other (id);\n";
    assert_eq!(rules(text), vec![(Rule::ConcurrentIndex, 4)]);
}

#[test]
fn a_sqlite_style_rebuild_drops_no_table_the_application_loses() {
    let text = "CREATE TABLE notes_new (id int);\nINSERT INTO notes_new SELECT id FROM notes;\n\
        DROP TABLE notes;\nALTER TABLE notes_new RENAME TO notes;\nDROP TABLE other;\n";
    assert_eq!(rules(text), vec![(Rule::Drop, 5)]);
}

#[test]
fn lock_timeout_is_asked_for_once_unless_set_first() {
    let options = LintOptions {
        lock_timeout_configured: false,
        ..PG
    };
    let run = |text: &str| -> Vec<Rule> {
        let script = Script::new("up.sql", text).unwrap();
        lint_script(&script, options)
            .warnings
            .iter()
            .map(|w| w.rule)
            .collect()
    };
    let bare = "ALTER TABLE a ADD COLUMN b int;\nALTER TABLE a ADD COLUMN c int;\n";
    assert_eq!(run(bare), vec![Rule::LockTimeout]);
    let set = format!("SET lock_timeout = '2s';\n{bare}");
    assert_eq!(run(&set), vec![]);
}

#[test]
fn sqlite_only_warns_of_rename_and_drop() {
    let options = LintOptions {
        flavor: Flavor::Sqlite,
        lock_timeout_configured: false,
    };
    let script = Script::new(
        "up.sql",
        "CREATE INDEX i ON t (a);\nALTER TABLE t RENAME TO u;\n",
    )
    .unwrap();
    let warnings = lint_script(&script, options).warnings;
    assert_eq!(
        warnings.iter().map(|w| w.rule).collect::<Vec<_>>(),
        vec![Rule::Rename]
    );
}

#[test]
fn a_silence_moves_its_warning_aside_and_a_stale_one_is_reported() {
    let text = "-- migrate:allow concurrent-index: orders is tiny\nCREATE INDEX i ON orders (a);\n\
        -- migrate:allow drop: nothing to drop here\n-- migrate:allow no-such-rule: typo\n";
    let report = lint(text);
    assert!(report.warnings.is_empty());
    assert_eq!(report.silenced.len(), 1);
    assert_eq!(report.silenced[0].1.reason, "orders is tiny");
    let stale: Vec<_> = report
        .stale
        .iter()
        .map(|s| (s.silence.rule.as_str(), s.silence.line))
        .collect();
    assert_eq!(stale, vec![("drop", 3), ("no-such-rule", 4)]);
}

#[test]
fn the_allow_directive_is_known_in_the_header() {
    assert!(Script::new("up.sql", "-- migrate:allow drop: gone\nDROP TABLE t;").is_ok());
    assert!(Script::new("up.sql", "-- migrate:allow drop\nDROP TABLE t;").is_err());
}

fn rule() -> impl Strategy<Value = Rule> {
    proptest::sample::select(Rule::ALL.to_vec())
}

proptest! {
    #[test]
    fn rule_names_round_trip(rule in rule()) {
        prop_assert_eq!(Rule::from_name(rule.name()), Some(rule));
    }

    #[test]
    fn a_printed_silence_reads_back(rule in rule(), reason in "[a-z][a-z ]{0,20}[a-z]") {
        let silence = Silence { line: 1, rule: rule.name().into(), reason };
        prop_assert_eq!(Silence::find_all(&silence.to_string()), vec![silence]);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,120}") {
        if let Ok(script) = Script::new("up.sql", text) {
            let _ = lint_script(&script, PG);
        }
    }

    #[test]
    fn every_warning_points_at_a_line_of_the_file(
        statements in proptest::collection::vec(
            proptest::sample::select(vec![
                "CREATE INDEX i ON t (a);",
                "ALTER TABLE t DROP COLUMN a;",
                "CREATE TABLE t (a int);",
                "SELECT ';';",
                "ALTER TABLE t ALTER a TYPE text;",
            ]),
            0..8,
        )
    ) {
        let text = statements.join("\n");
        for warning in lint(&text).warnings {
            prop_assert!(warning.line <= statements.len());
            prop_assert_eq!(warning.statement.as_str(), statements[warning.line - 1]);
        }
    }
}
