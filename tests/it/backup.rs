//! `upgrade --backup` and `migrate restore`: a backup is written before the first pending
//! revision runs (and only then), and restoring it undoes a failed upgrade exactly.

use std::path::{Path, PathBuf};

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

/// Everything a SQLite database holds, as text: its schema rows, every row of every table
/// in rowid order, and its header's user version.
fn sqlite_contents(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = vec![format!(
        "user_version {}",
        conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))
            .unwrap()
    )];
    let mut schema = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let objects: Vec<(String, String, String, Option<String>)> = schema
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (kind, name, table, sql) in &objects {
        out.push(format!("{kind} {name} on {table}: {sql:?}"));
        if kind != "table" {
            continue;
        }
        let mut rows = conn
            .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
            .unwrap();
        let width = rows.column_count();
        let values = rows
            .query_map([], |row| {
                (0..width)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for value in values {
            out.push(format!("  {name}: {:?}", value.unwrap()));
        }
    }
    out
}

/// The path after "backup written to " in `stdout`, under the test dir.
fn written(test: &Test, stdout: &str) -> PathBuf {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("backup written to "))
        .unwrap_or_else(|| panic!("no backup line in {stdout}"));
    let line = line.replace("[DB]", &test.db.name);
    let relative = line.strip_prefix("[TMP]/").unwrap_or(&line);
    test.path().join(relative)
}

/// A revision that fails halfway, outside a transaction, after changing the database: so
/// only a restore brings back what was there.
fn add_failing_revision(test: &Test) {
    test.write(
        "migrations/20240109090000_add_notes/up.sql",
        "-- migrate:no-transaction\n\
         CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n\
         INSERT INTO notes (body) VALUES ('half done');\n\
         UPDATE users SET name = 'changed';\n\
         INSERT INTO no_such_table VALUES (1);\n",
    );
    test.write(
        "migrations/20240109090000_add_notes/down.sql",
        "DROP TABLE notes;\n",
    );
    test.ok(&["hash"]);
}

#[test]
fn restoring_the_backup_of_a_failed_upgrade_gives_back_the_exact_database() {
    let Some(test) = Test::new(Kind::Sqlite, "restore_sqlite") else {
        return;
    };
    test.ok(&["upgrade", "+3"]);
    test.db.execute(
        "INSERT INTO users (id, name, email) VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com');
         INSERT INTO trips (id, owner_id, title, destination, starts_on, ends_on)
             VALUES (1, 1, 'Spring', 'Lisbon', '2024-04-01', '2024-04-08');
         PRAGMA user_version = 7;",
    );
    let database = test.path().join("app.db");
    let before = sqlite_contents(&database);
    add_failing_revision(&test);

    let failed = test.run(&["upgrade", "--backup=backups/"]);
    assert_eq!(failed.code, 1, "{failed:#?}");
    let lines: Vec<&str> = failed.stdout.lines().collect();
    assert!(
        lines[0].starts_with("backup written to backups/app-")
            && lines[0].ends_with("-before-20240104090000.db"),
        "the backup is announced before any step: {}",
        failed.stdout
    );
    assert_eq!(
        lines[1],
        format!(
            "restore it with: migrate restore {}",
            &lines[0]["backup written to ".len()..]
        )
    );
    assert!(
        lines[2].starts_with("upgrade 20240104090000 "),
        "{}",
        failed.stdout
    );
    let backup = written(&test, &failed.stdout);
    assert_eq!(
        sqlite_contents(&backup),
        before,
        "the backup is the database as it was"
    );
    assert_ne!(
        sqlite_contents(&database),
        before,
        "the failed upgrade changed it"
    );

    let restored = test.ok(&["restore", &backup.display().to_string()]);
    assert_eq!(
        restored,
        format!(
            "restored sqlite://[TMP]/[DB] from {}\ndatabase at 20240103090000\n",
            backup
                .display()
                .to_string()
                .replace(&test.path().display().to_string(), "[TMP]")
        )
    );
    assert_eq!(
        sqlite_contents(&database),
        before,
        "rows, schema and header are back"
    );
    assert!(
        test.ok(&["status"]).contains("3 applied, 6 pending"),
        "and no dirty mark"
    );
}

#[test]
fn a_backup_never_replaces_a_file_and_a_failed_backup_applies_nothing() {
    let Some(test) = Test::new(Kind::Sqlite, "backup_exists") else {
        return;
    };
    test.ok(&["upgrade", "+1"]);
    test.write("taken.db", "something else");
    let refused = test.fails(&["upgrade", "--backup", "taken.db"], 2);
    assert!(
        refused.stderr.starts_with(
            "error: cannot write the backup taken.db: a file is already there, and a backup never replaces one"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(test.read("taken.db"), "something else");
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 1);
    let target_as_path = test.fails(&["upgrade", "--backup", "+2"], 2);
    assert!(
        target_as_path
            .stderr
            .contains("--backup took `+2` as the backup's path, which reads as a target"),
        "{}",
        target_as_path.stderr
    );
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 1);
    test.ok(&["upgrade", "+1", "--backup"]);
    assert_eq!(
        test.db.tracked_revisions().unwrap().len(),
        2,
        "TARGET first works"
    );
    let not_a_backup = test.fails(&["restore", "taken.db"], 2);
    assert!(
        not_a_backup.stderr.contains("it is not a SQLite database"),
        "{}",
        not_a_backup.stderr
    );
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 2);
}

backend_test!(a_backup_is_written_only_when_something_is_pending, |test| {
    test.ok(&["upgrade"]);
    let output = test.ok(&["upgrade", "--backup=backups/"]);
    assert_eq!(output, "nothing to do\ndatabase at 20240108090000 (head)\n");
    assert!(!test.path().join("backups").exists());
    // `backup = true` in migrate.toml backs up every upgrade that runs something.
    test.write("migrate.toml", "backup = true\n");
    test.ok(&["downgrade"]);
    let output = test.ok(&["upgrade"]);
    let backup = written(&test, &output);
    assert!(backup.is_file(), "{output}");
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    let (database, extension) = match test.db.kind {
        Kind::Sqlite => ("app-".to_owned(), ".db"),
        Kind::Postgres => (format!("{}-", test.db.name), ".dump"),
    };
    assert!(
        name.ends_with(&format!("-before-20240108090000{extension}")),
        "{name}"
    );
    // The name is redacted in the output, not on disk.
    assert!(name.starts_with(&database), "{name}");
});

#[test]
fn a_postgres_backup_is_a_pg_dump_archive_whose_restore_gives_back_the_database() {
    let Some(test) = Test::new(Kind::Postgres, "backup_postgres") else {
        return;
    };
    test.ok(&["upgrade", "+3"]);
    test.db
        .execute("INSERT INTO users (id, name, email) VALUES (1, 'Ada', 'ada@example.com')");
    let contents = |test: &Test| {
        let sql = "SELECT concat_ws(' ', table_name, column_name, data_type) FROM information_schema.columns \
                   WHERE table_schema = 'public' ORDER BY 1";
        let mut all = test.db.query_strings("", sql).unwrap();
        all.extend(
            test.db
                .query_strings("", "SELECT revision FROM migrate_history ORDER BY 1")
                .unwrap(),
        );
        all.extend(
            test.db
                .query_strings(
                    "",
                    "SELECT concat_ws(' ', id, name, email) FROM users ORDER BY id",
                )
                .unwrap(),
        );
        all
    };
    let before = contents(&test);
    add_failing_revision(&test);
    let failed = test.fails(&["upgrade", "--backup", "before.dump"], 1);
    let backup = written(&test, &failed.stdout);
    assert_eq!(backup, test.path().join("before.dump"));
    let listed = std::process::Command::new("pg_restore")
        .arg("--list")
        .arg(&backup)
        .output()
        .expect("pg_restore is on PATH");
    let listing = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success(), "{listed:?}");
    assert!(
        listing.contains("TABLE public migrate_history"),
        "{listing}"
    );
    assert!(listing.contains("TABLE DATA public users"), "{listing}");
    assert!(!listing.contains("TABLE public notes"), "{listing}");
    let after_failure = contents(&test);
    assert_ne!(after_failure, before);

    let printed = test.ok(&["restore", "before.dump"]);
    let command = printed
        .lines()
        .find_map(|line| line.strip_prefix("  pg_restore "))
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(
        command.starts_with("--clean --create --exit-on-error --dbname "),
        "{command}"
    );
    assert_eq!(
        contents(&test),
        after_failure,
        "restore only printed the command"
    );
    // The command as printed restores the database exactly (the test's own name is
    // redacted in the output).
    let command =
        format!("pg_restore {command}").replace("[TMP]", &test.path().display().to_string());
    let ran = std::process::Command::new("sh")
        .current_dir(test.path())
        .args(["-c", &command])
        .output()
        .unwrap();
    assert!(ran.status.success(), "{command}: {ran:?}");
    assert_eq!(contents(&test), before);
}

#[test]
fn without_pg_dump_the_upgrade_stops_before_anything_runs() {
    let Some(test) = Test::new(Kind::Postgres, "backup_no_pg_dump") else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().display().to_string();
    let output = test.run_with(&["upgrade", "--backup"], &[("PATH", path.as_str())]);
    assert_eq!(output.code, 2, "{output:#?}");
    assert!(
        output.stderr.starts_with(
            "error: pg_dump is not on PATH, so the backup cannot be written; nothing was applied\nhelp: install PostgreSQL's client programs"
        ),
        "{}",
        output.stderr
    );
    assert_eq!(test.db.tracked_revisions(), Some(vec![]));
}
