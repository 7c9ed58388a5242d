//! A watched snapshot must equal a full one after any DDL: scripted cases for each way a
//! change reaches objects it does not name (renames seen through views, foreign keys,
//! defaults, triggers and column types; drops of parts; cascades), and random sequences
//! of DDL on a real server.

use postgres::Client;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

use crate::backend::postgres::tests::support::{TestDb, row};
use crate::backend::{Backend, PostgresBackend, Record, StepWork, VersionTable};
use crate::core::Script;
use crate::schema::{IntrospectOptions, diff, render};

/// A watched connection and an unwatched one to the same database.
pub(super) struct Watched {
    pub(super) watched: PostgresBackend,
    pub(super) plain: PostgresBackend,
    /// `Some` when changes run as staged steps, as verify runs them (whose message then
    /// asks the change log too): the number of steps run so far.
    steps: Option<u64>,
}

impl Watched {
    /// Changes run as plain statements.
    fn new(db: &TestDb) -> Self {
        let mut watched = PostgresBackend::connect(&db.url, VersionTable::default()).unwrap();
        assert!(
            watched.watch_schema_changes().unwrap(),
            "the test server's role can create event triggers"
        );
        let plain = PostgresBackend::connect(&db.url, VersionTable::default()).unwrap();
        Self {
            watched,
            plain,
            steps: None,
        }
    }

    /// Changes run as staged steps, each recorded in the tracking table.
    pub(super) fn stepping(db: &TestDb) -> Self {
        let mut pair = Self::new(db);
        pair.watched.ensure_version_table().unwrap();
        pair.steps = Some(0);
        pair
    }

    /// [`Self::stepping`] or [`Self::new`].
    fn either(db: &TestDb, stepping: bool) -> Self {
        if stepping {
            Self::stepping(db)
        } else {
            Self::new(db)
        }
    }

    /// Runs `sql` on the watched connection; whether it succeeded.
    pub(super) fn run(&mut self, sql: &str) -> Result<(), String> {
        let Some(done) = &mut self.steps else {
            return self
                .client()
                .batch_execute(sql)
                .map_err(|e| format!("{e:?}"));
        };
        *done += 1;
        let id = (20_240_101_000_000 + *done).to_string();
        let script = Script::new(format!("migrations/{id}_step/up.sql"), sql).unwrap();
        let row = row(&id, &script);
        let work = StepWork {
            script: Some(&script),
            record: Record::Insert(&row),
        };
        self.watched.stage_steps(&[work]).unwrap();
        self.watched.run_step(work).map_err(|e| e.to_string())
    }

    pub(super) fn client(&mut self) -> &mut Client {
        self.watched.client_mut()
    }

    /// How many of the watched snapshots were taken as undone steps, unread.
    fn undone(&self) -> usize {
        self.watched
            .watch
            .as_ref()
            .map_or(0, |watch| watch.undone())
    }

    /// Runs `sql` on the watched connection, then checks both snapshots agree.
    fn step(&mut self, sql: &str) {
        self.run(sql)
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
        self.agree(sql);
    }

    /// Asserts the watched snapshot is the full one; `after` names the last change.
    fn agree(&mut self, after: &str) {
        let options = IntrospectOptions::default();
        let watched = self.watched.introspect(&options).unwrap();
        let full = self.plain.introspect(&options).unwrap();
        let findings = diff(&full, &watched);
        assert!(
            findings.is_empty() && watched == full,
            "after {after}:\n{findings:#?}\nwatched:\n{}\nfull:\n{}",
            render(&watched),
            render(&full)
        );
    }
}

/// Each case: steps run one after another on one database, each followed by a check.
const CASES: &[(&str, &[&str])] = &[
    (
        "renames reach foreign keys, views, indexes and defaults",
        &[
            "CREATE TABLE a (id int PRIMARY KEY, x text DEFAULT 'd', y int CHECK (y > 0));
             CREATE INDEX a_x ON a (x);
             CREATE TABLE b (id int REFERENCES a (id), z int UNIQUE)",
            "CREATE VIEW v AS SELECT id, x FROM a;
             CREATE MATERIALIZED VIEW mv AS SELECT * FROM v",
            "ALTER TABLE a RENAME TO a2",
            "ALTER TABLE a2 RENAME COLUMN x TO xx",
            "ALTER TABLE a2 RENAME COLUMN y TO yy",
            "ALTER INDEX a_x RENAME TO a_xx",
            "DROP INDEX a_xx",
            "ALTER TABLE b DROP CONSTRAINT b_z_key",
            "DROP TABLE a2 CASCADE",
        ],
    ),
    (
        "sequences and the columns whose default names them",
        &[
            "CREATE TABLE c (id serial PRIMARY KEY, n int)",
            "ALTER SEQUENCE c_id_seq RENAME TO c_seq",
            "CREATE SEQUENCE loose START 5; ALTER TABLE c ALTER n SET DEFAULT nextval('loose')",
            "DROP SEQUENCE loose CASCADE",
            "ALTER TABLE c RENAME TO c2",
            "ALTER TABLE c2 DROP COLUMN id",
        ],
    ),
    (
        "enums, domains and composite types seen through columns",
        &[
            "CREATE TYPE mood AS ENUM ('a', 'b');
             CREATE TABLE d (m mood, ms mood[])",
            "ALTER TYPE mood ADD VALUE 'c'",
            "ALTER TYPE mood RENAME TO feeling",
            "CREATE DOMAIN pos AS int CHECK (VALUE > 0); CREATE TABLE e (p pos)",
            "ALTER DOMAIN pos ADD CONSTRAINT small CHECK (VALUE < 100)",
            "ALTER DOMAIN pos DROP CONSTRAINT small",
            "ALTER DOMAIN pos RENAME TO positive",
            "CREATE TYPE pair AS (x int, y text); CREATE TABLE f (p pair)",
            "ALTER TYPE pair ADD ATTRIBUTE z int",
            "ALTER TYPE pair RENAME TO couple",
            "DROP TYPE feeling CASCADE",
            "DROP DOMAIN positive CASCADE",
        ],
    ),
    (
        "functions seen through triggers and checks",
        &[
            "CREATE TABLE g (n int);
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
             CREATE TRIGGER g_touch BEFORE INSERT ON g FOR EACH ROW EXECUTE FUNCTION touch()",
            "CREATE FUNCTION small(int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 < 10';
             ALTER TABLE g ADD CONSTRAINT g_small CHECK (small(n))",
            "ALTER FUNCTION touch() RENAME TO touched",
            "ALTER FUNCTION small(int) RENAME TO tiny",
            "ALTER TRIGGER g_touch ON g RENAME TO g_touched",
            "DROP TRIGGER g_touched ON g",
            "DROP FUNCTION tiny(int) CASCADE",
            "DROP FUNCTION touched()",
        ],
    ),
    (
        "comments on every kind of object",
        &[
            "CREATE TABLE h (id int PRIMARY KEY, n int CONSTRAINT h_n CHECK (n > 0));
             CREATE INDEX h_n_idx ON h (n);
             CREATE VIEW hv AS SELECT id FROM h;
             CREATE FUNCTION hf() RETURNS int LANGUAGE sql AS 'SELECT 1';
             CREATE SEQUENCE hs",
            "COMMENT ON TABLE h IS 't'; COMMENT ON COLUMN h.n IS 'c';
             COMMENT ON CONSTRAINT h_n ON h IS 'k'; COMMENT ON INDEX h_n_idx IS 'i';
             COMMENT ON VIEW hv IS 'v'; COMMENT ON FUNCTION hf() IS 'f';
             COMMENT ON SEQUENCE hs IS 's'",
            "COMMENT ON COLUMN h.n IS NULL; COMMENT ON INDEX h_n_idx IS NULL",
        ],
    ),
    (
        "partitions follow their parent",
        &[
            "CREATE TABLE p (id int, k int) PARTITION BY RANGE (k);
             CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)",
            "CREATE INDEX p_k ON p (k)",
            "ALTER TABLE p ADD COLUMN extra text",
            "ALTER TABLE p RENAME TO pp",
            "ALTER TABLE pp DETACH PARTITION p1",
        ],
    ),
    (
        "columns change in place",
        &[
            "CREATE TABLE k (id int, s text, n numeric)",
            "ALTER TABLE k ALTER s SET NOT NULL, ALTER n TYPE numeric(10, 2)",
            "ALTER TABLE k ADD COLUMN twice int GENERATED ALWAYS AS (id * 2) STORED",
            "ALTER TABLE k ALTER id SET NOT NULL, ALTER id ADD GENERATED ALWAYS AS IDENTITY",
            "ALTER TABLE k ALTER s SET DEFAULT 'x', ALTER s DROP NOT NULL",
            "ALTER TABLE k DROP COLUMN n",
        ],
    ),
    (
        // Verify's up, down, up: a down that drops exactly what its up made returns to the
        // snapshot before the up unread; anything else must be read.
        "downs that undo their up, and downs that only look as if they do",
        &[
            "CREATE TABLE old (id int PRIMARY KEY, n int);
             CREATE VIEW old_v AS SELECT id FROM old;
             CREATE FUNCTION old_f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "CREATE TABLE fresh (id serial PRIMARY KEY, n int DEFAULT 0 CHECK (n >= 0),
                 o int REFERENCES old (id), UNIQUE (n, id));
             CREATE INDEX fresh_n ON fresh (n)",
            "DROP TABLE fresh",
            "CREATE INDEX old_n ON old (n); CREATE TRIGGER old_t BEFORE UPDATE ON old
                 FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
            "DROP TRIGGER old_t ON old; DROP INDEX old_n",
            // Replaced, not made: the down leaves the view and the function missing.
            "CREATE OR REPLACE VIEW old_v AS SELECT id, n FROM old;
             CREATE OR REPLACE FUNCTION old_f() RETURNS int LANGUAGE sql AS 'SELECT 2'",
            "DROP VIEW old_v; DROP FUNCTION old_f()",
            // Made, with an older table changed beside it: the down leaves the column.
            "CREATE TABLE beside (x int); ALTER TABLE old ADD COLUMN extra int",
            "DROP TABLE beside",
            // Drops one of the two tables its up made.
            "CREATE TABLE one (x int); CREATE TABLE two (x int)",
            "DROP TABLE one",
            // Drops what its up made and makes it again otherwise.
            "CREATE TABLE again (x int)",
            "DROP TABLE again; CREATE TABLE again (y text)",
            // Drops what its up made and an older object.
            "CREATE TABLE newer (x int)",
            "DROP TABLE newer; DROP TABLE two",
            // Two undone steps in a row, then one that drops nothing.
            "CREATE TYPE fresh_mood AS ENUM ('a'); CREATE TABLE moody (m fresh_mood)",
            "DROP TABLE moody; DROP TYPE fresh_mood",
            "CREATE DOMAIN fresh_pos AS int CHECK (VALUE > 0)",
            "DROP DOMAIN fresh_pos",
            "INSERT INTO old (id) VALUES (1)",
        ],
    ),
    (
        "schemas and extensions are read in full",
        &[
            "CREATE SCHEMA app; CREATE TABLE app.t (x int)",
            "ALTER SCHEMA app RENAME TO app2",
            "CREATE EXTENSION citext; CREATE TABLE ci (name citext)",
            "DROP EXTENSION citext CASCADE",
            "DROP SCHEMA app2 CASCADE",
        ],
    ),
];

#[test]
fn watched_snapshots_equal_full_ones_after_each_kind_of_change() {
    for (case, steps) in CASES {
        for stepping in [false, true] {
            let Some(db) = TestDb::create("watched_snapshots_equal_full_ones") else {
                return;
            };
            let mut pair = Watched::either(&db, stepping);
            pair.agree(&format!("{case}: nothing"));
            for step in *steps {
                pair.step(step);
            }
        }
    }
}

#[test]
fn steps_run_without_a_snapshot_between_them_are_all_seen() {
    let Some(db) = TestDb::create("steps_without_a_snapshot_between") else {
        return;
    };
    let mut pair = Watched::stepping(&db);
    pair.step("CREATE TABLE kept (id int PRIMARY KEY)");
    // The first step's message took the log's answer; the second ran before any snapshot
    // asked for it (as steps applied unchecked do).
    pair.run("CREATE TABLE first (id int)").unwrap();
    pair.run("ALTER TABLE kept ADD COLUMN second int").unwrap();
    pair.agree("two steps without a snapshot");
    pair.step("DROP TABLE first");
    pair.run("ALTER TABLE kept ADD COLUMN nope int REFERENCES missing")
        .unwrap_err();
    pair.agree("a step that failed after one that succeeded");
}

#[test]
fn a_down_that_drops_exactly_what_its_up_made_is_not_read() {
    for stepping in [false, true] {
        let Some(db) = TestDb::create("a_down_that_undoes_its_up") else {
            return;
        };
        let pair = Watched::either(&db, stepping);
        undone_downs_are_not_read(pair);
    }
}

fn undone_downs_are_not_read(mut pair: Watched) {
    pair.step("CREATE TABLE old (id int PRIMARY KEY)");
    let up = "CREATE TABLE fresh (id serial PRIMARY KEY, o int REFERENCES old (id));
              CREATE INDEX fresh_o ON fresh (o); CREATE VIEW fresh_v AS SELECT * FROM fresh";
    pair.step(up);
    pair.step("DROP TABLE fresh CASCADE");
    assert_eq!(pair.undone(), 1, "the down undid its up");
    pair.step(up);
    pair.step("DROP VIEW fresh_v");
    assert_eq!(
        pair.undone(),
        1,
        "a down that leaves part of what its up made is read"
    );
    pair.step("DROP TABLE fresh");
    assert_eq!(pair.undone(), 1, "nor is a step that follows a down");
    pair.step("CREATE INDEX old_id ON old (id)");
    pair.step("DROP INDEX old_id");
    assert_eq!(pair.undone(), 2, "an index on an older table, dropped");
    pair.step("CREATE TABLE two (x int); ALTER TABLE old ADD COLUMN n int");
    pair.step("DROP TABLE two");
    assert_eq!(
        pair.undone(),
        2,
        "an up that changed an older table is read"
    );
}

#[test]
fn what_could_hide_a_change_from_a_step_makes_the_next_snapshot_a_full_one() {
    let Some(db) = TestDb::create("what_could_hide_a_change_from_a_step") else {
        return;
    };
    let mut pair = Watched::stepping(&db);
    pair.step("CREATE TABLE kept (x int)");
    // The step's own message asks the log, after the trigger is gone.
    pair.step("DROP EVENT TRIGGER migrate_watch_ddl; CREATE TABLE unseen (x int)");
    pair.step("ALTER TABLE unseen RENAME TO seen");
    pair.step("ALTER EVENT TRIGGER migrate_watch_drop DISABLE; DROP TABLE seen");
    pair.step("DROP TABLE kept");
    // Statements the step's message relies on, deallocated by its script.
    pair.step("DEALLOCATE ALL; CREATE TABLE after_deallocate (x int)");
    pair.step("ALTER TABLE after_deallocate ADD COLUMN y int");
}

#[test]
fn what_could_hide_a_change_makes_the_next_snapshot_a_full_one() {
    let Some(db) = TestDb::create("what_could_hide_a_change") else {
        return;
    };
    let mut pair = Watched::new(&db);
    pair.agree("nothing");
    // A failed transaction leaves nothing, in the catalogs or in the log.
    let failed = pair
        .client()
        .batch_execute("BEGIN; CREATE TABLE gone (x int); SELECT 1 / 0; COMMIT");
    assert!(failed.is_err());
    pair.client().batch_execute("ROLLBACK").unwrap();
    pair.agree("a failed transaction");
    // Statements that commit one by one before one fails, as a no-transaction file does.
    pair.client()
        .batch_execute("CREATE TABLE kept (x int)")
        .unwrap();
    assert!(
        pair.client()
            .batch_execute("CREATE TABLE kept (x int)")
            .is_err()
    );
    pair.agree("a failing statement after a committed one");
    // DISCARD ALL drops the log with every temporary object: the watch must notice.
    pair.step("DISCARD ALL");
    pair.step("CREATE TABLE after_discard (x int)");
    pair.step("ALTER TABLE after_discard RENAME TO after_discard2");
    // Without the statements a snapshot in one message executes, it reads the old way,
    // then prepares them again.
    pair.step("DEALLOCATE ALL; CREATE TABLE after_deallocate (x int)");
    pair.step("ALTER TABLE after_deallocate ADD COLUMN y int");
    pair.step("CREATE INDEX after_deallocate_y ON after_deallocate (y)");
    // Replica mode silences ordinary triggers, not these.
    pair.step(
        "SET session_replication_role = replica; CREATE TABLE silent (x int);
         RESET session_replication_role",
    );
    // A migration's own settings change how constants read; a snapshot's do not.
    pair.step(
        "SET datestyle = 'SQL, DMY'; SET intervalstyle = 'sql_standard';
         CREATE VIEW dated AS SELECT date '2024-01-31' AS d, interval '1 day' AS i",
    );
    pair.step("RESET datestyle; RESET intervalstyle; ALTER VIEW dated RENAME TO dated2");
    // A migration that creates objects as another role (roles are the server's: the name
    // is this process's own).
    let role = format!("migrate_watch_owner_{}", std::process::id());
    pair.step(&format!(
        "CREATE ROLE {role}; GRANT CREATE ON SCHEMA public TO {role};
         SET ROLE {role}; CREATE TABLE owned (x int); RESET ROLE"
    ));
    pair.step(&format!(
        "DROP TABLE owned; DROP OWNED BY {role}; DROP ROLE {role}"
    ));
    // Someone drops the triggers: the next snapshot cannot trust the log.
    pair.client()
        .batch_execute("DROP EVENT TRIGGER migrate_watch_ddl; CREATE TABLE unseen (x int)")
        .unwrap();
    pair.agree("the watch's trigger dropped");
    pair.step("ALTER TABLE unseen RENAME TO seen");
}

/// What each random case starts from: one object of every kind, tied together.
pub(super) const SETUP: &str = "DROP SCHEMA public CASCADE; CREATE SCHEMA public;
    CREATE TABLE ta (id int PRIMARY KEY, ca text, cb int);
    CREATE TABLE tb (id int PRIMARY KEY, ca text, cb int);
    CREATE VIEW va AS SELECT * FROM ta;
    CREATE INDEX ia ON tb (ca);
    CREATE TYPE ea AS ENUM ('a');
    CREATE FUNCTION pa() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE SEQUENCE sa OWNED BY ta.id;
    ALTER TABLE tb ADD CONSTRAINT ka FOREIGN KEY (cb) REFERENCES ta (id);
    CREATE TRIGGER ga BEFORE UPDATE ON ta FOR EACH ROW EXECUTE FUNCTION pa()";

/// DDL over names drawn in pairs: `{t}`/`{u}` tables, `{c}`/`{d}` columns, `{v}`/`{w}`
/// views, `{i}`/`{j}` indexes, `{e}`/`{f}` enums, `{p}`/`{q}` functions, `{s}`/`{r}`
/// sequences, `{k}`/`{l}` constraints, `{g}`/`{h}` triggers: few, so that commands meet
/// each other's objects.
const TEMPLATES: &[&str] = &[
    "CREATE TABLE {t} (id int PRIMARY KEY, {c} text)",
    "ALTER TABLE {t} ADD COLUMN {c} int DEFAULT 1",
    "ALTER TABLE {t} RENAME TO {u}",
    "ALTER TABLE {t} RENAME COLUMN {c} TO {d}",
    "ALTER TABLE {t} DROP COLUMN {c} CASCADE",
    "ALTER TABLE {t} ALTER {c} TYPE varchar(20)",
    "CREATE INDEX {i} ON {t} ({c})",
    "DROP INDEX {i}",
    "ALTER INDEX {i} RENAME TO {j}",
    "CREATE VIEW {v} AS SELECT * FROM {t}",
    "CREATE OR REPLACE VIEW {v} AS SELECT * FROM {t}",
    "ALTER VIEW {v} RENAME TO {w}",
    "DROP VIEW {v} CASCADE",
    "DROP TABLE {t} CASCADE",
    "ALTER TABLE {t} ADD CONSTRAINT {k} FOREIGN KEY ({c}) REFERENCES {u} (id)",
    "ALTER TABLE {t} RENAME CONSTRAINT {k} TO {l}",
    "ALTER TABLE {t} DROP CONSTRAINT {k}",
    "CREATE TYPE {e} AS ENUM ('a')",
    "ALTER TYPE {e} ADD VALUE 'b'",
    "ALTER TYPE {e} RENAME TO {f}",
    "ALTER TABLE {t} ADD COLUMN {c} {e}",
    "DROP TYPE {e} CASCADE",
    "CREATE FUNCTION {p}() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
    "CREATE TRIGGER {g} BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {p}()",
    "ALTER TRIGGER {g} ON {t} RENAME TO {h}",
    "DROP TRIGGER {g} ON {t}",
    "ALTER FUNCTION {p}() RENAME TO {q}",
    "DROP FUNCTION {p}() CASCADE",
    "COMMENT ON TABLE {t} IS 'note'",
    "COMMENT ON COLUMN {t}.{c} IS 'note'",
    "COMMENT ON INDEX {i} IS 'note'",
    "CREATE SEQUENCE {s} OWNED BY {t}.id",
    "ALTER SEQUENCE {s} RENAME TO {r}",
    "DROP SEQUENCE {s} CASCADE",
    "ALTER TABLE {t} ALTER {c} SET DEFAULT nextval('{s}')",
];

fn command() -> impl Strategy<Value = String> {
    let pair = |names: &'static [&'static str]| (select(names), select(names));
    (
        select(TEMPLATES),
        pair(&["ta", "tb", "tc"]),
        pair(&["ca", "cb"]),
        pair(&["va", "vb"]),
        pair(&["ia", "ib"]),
        pair(&["ea", "eb"]),
        pair(&["pa", "pb"]),
        pair(&["sa", "sb"]),
        (pair(&["ka", "kb"]), pair(&["ga", "gb"])),
    )
        .prop_map(|(template, t, c, v, i, e, p, s, (k, g))| {
            let names = [
                ("{t}", t.0),
                ("{u}", t.1),
                ("{c}", c.0),
                ("{d}", c.1),
                ("{v}", v.0),
                ("{w}", v.1),
                ("{i}", i.0),
                ("{j}", i.1),
                ("{e}", e.0),
                ("{f}", e.1),
                ("{p}", p.0),
                ("{q}", p.1),
                ("{s}", s.0),
                ("{r}", s.1),
                ("{k}", k.0),
                ("{l}", k.1),
                ("{g}", g.0),
                ("{h}", g.1),
            ];
            names
                .iter()
                .fold(template.to_owned(), |sql, (marker, name)| {
                    sql.replace(marker, name)
                })
        })
}

#[test]
fn watched_snapshots_equal_full_ones_after_random_ddl() {
    let Some(db) = TestDb::create("watched_snapshots_equal_full_ones_after_random_ddl") else {
        return;
    };
    // The runner takes an `Fn`; the connections are reused across cases, hence the cell.
    let pair = std::cell::RefCell::new(Watched::stepping(&db));
    let config = ProptestConfig {
        cases: 32,
        // Failures are reported by the test; there is no source file to persist them by.
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    // Half the cases run their commands as staged steps, as verify does.
    let case = std::cell::Cell::new(0);
    runner
        .run(&proptest::collection::vec(command(), 1..32), |commands| {
            let pair = &mut *pair.borrow_mut();
            case.set(case.get() + 1);
            pair.steps = (case.get() % 2 == 0).then_some(pair.steps.unwrap_or(0));
            pair.client().batch_execute(SETUP).unwrap();
            pair.agree("the setup");
            let mut done = Vec::new();
            for command in commands {
                // Some commands fail (no such table, say): that changes nothing.
                let _ = pair.run(&command);
                done.push(command);
                pair.agree(&done.join(";\n"));
            }
            Ok(())
        })
        .expect("watched and full snapshots agree");
}
