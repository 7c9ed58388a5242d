//! A no-op run answered from the directory an earlier run remembered (a `stat` per file
//! instead of reading them): the same answers as reading the files, and every edit seen.

use std::fs;
use std::path::Path;
use std::thread;
use std::time::{Duration, SystemTime};

use crate::backend_test;
use crate::backends::Kind;
use crate::harness::Test;

const USERS_UP: &str = "migrations/20240101090000_create_users/up.sql";
const AT_HEAD: &str = "nothing to do\ndatabase at 20240108090000 (head)\n";

/// Files written less than 3 s before a run are not remembered (a coarse file system clock
/// may not yet tell a later edit from them): the wait lets the next run remember them.
fn settle() {
    thread::sleep(Duration::from_millis(3200));
}

fn remembered_files(cache: &Path) -> usize {
    fs::read_dir(cache).map_or(0, |entries| entries.count())
}

/// Writes `text` to `path` and gives the file back the modification time it had.
fn write_keeping_mtime(path: &Path, text: &str) {
    let mtime = fs::metadata(path).unwrap().modified().unwrap();
    fs::write(path, text).unwrap();
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(mtime).unwrap();
}

backend_test!(a_remembered_directory_answers_as_the_files_do, |test| {
    test.ok(&["upgrade"]);
    settle();
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    assert_eq!(remembered_files(&test.cache_dir()), 1);
    let status = test.ok(&["status", "--format", "json"]);
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    assert_eq!(test.ok(&["check"]), "8 applied\n");
    assert_eq!(test.ok(&["status", "--format", "json"]), status);
    test.ok(&["downgrade", "-2"]);
    let pending = test.fails(&["check"], 1);
    assert!(pending.stdout.contains("pending"), "{pending:?}");
    assert!(test.ok(&["upgrade"]).contains("upgrade 20240108090000"));
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
});

backend_test!(a_remembered_directory_sees_every_edit, |test| {
    test.ok(&["upgrade"]);
    settle();
    test.ok(&["upgrade"]);
    assert_eq!(remembered_files(&test.cache_dir()), 1);
    let up = test.path().join(USERS_UP);
    let original = fs::read_to_string(&up).unwrap();

    // git's "racy" case: an edit of the same size that keeps the modification time.
    let edited = original.replacen("users", "uzers", 1);
    assert_eq!(edited.len(), original.len());
    write_keeping_mtime(&up, &edited);
    for command in ["upgrade", "check"] {
        let refused = test.fails(&[command], 1);
        assert!(
            refused.stderr.contains("differs from the sum file"),
            "{command}: {refused:?}"
        );
    }

    // Put back, then touched: the same bytes, so still nothing to do.
    write_keeping_mtime(&up, &original);
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    fs::File::options()
        .write(true)
        .open(&up)
        .unwrap()
        .set_modified(SystemTime::now())
        .unwrap();
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    assert_eq!(test.ok(&["check"]), "8 applied\n");

    // A file added beside a revision is seen as the files show it.
    test.write(
        "migrations/20240101090000_create_users/seed.sql",
        "INSERT INTO users VALUES (1);\n",
    );
    let stray = test.run(&["upgrade"]);
    assert_ne!(stray.stdout, AT_HEAD, "{stray:?}");
    test.remove("migrations/20240101090000_create_users/seed.sql");

    // A new revision runs.
    test.write(
        "migrations/20240109090000_add_notes/up.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY);\n",
    );
    test.write(
        "migrations/20240109090000_add_notes/down.sql",
        "DROP TABLE notes;\n",
    );
    test.ok(&["hash"]);
    assert!(
        test.ok(&["upgrade"])
            .contains("upgrade 20240109090000 add notes")
    );
});

/// The remembered no-op files in the cache folder (one per database and command).
fn remembered_noops(cache: &Path) -> Vec<std::path::PathBuf> {
    fs::read_dir(cache).map_or(Vec::new(), |entries| {
        entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("noop-"))
            })
            .collect()
    })
}

/// Changes what a remembered no-op says, keeping its length (the file stays readable):
/// a run that prints the change answered from the memory alone.
fn mark_remembered(cache: &Path, said: &str, marked: &str) {
    let [noop] = remembered_noops(cache).try_into().unwrap();
    let mut bytes = fs::read(&noop).unwrap();
    let at = bytes
        .windows(said.len())
        .position(|window| window == said.as_bytes())
        .expect("the output is in the file");
    bytes[at..at + said.len()].copy_from_slice(marked.as_bytes());
    fs::write(&noop, bytes).unwrap();
}

/// What `downgrade -1` does to the example, done by another program.
const TAKE_BACK_THE_LAST: &str = "DROP INDEX packing_items_list_packed;
    DELETE FROM migrate_history WHERE revision = '20240108090000';";

#[test]
fn a_remembered_noop_on_a_sqlite_file_is_said_again_until_the_file_is_written() {
    let Some(test) = Test::new(Kind::Sqlite, "a_remembered_noop_on_a_sqlite_file") else {
        return;
    };
    test.ok(&["upgrade"]);
    settle();
    test.ok(&["upgrade"]);
    assert_eq!(
        test.ok(&["upgrade"]),
        AT_HEAD,
        "planned from the remembered directory"
    );
    assert_eq!(remembered_noops(&test.cache_dir()).len(), 1);
    mark_remembered(&test.cache_dir(), "(head)", "(HEAD)");
    let from_memory = AT_HEAD.replace("(head)", "(HEAD)");
    assert_eq!(
        test.ok(&["upgrade"]),
        from_memory,
        "said again without opening the database"
    );

    // Another program takes the last revision back out of the tracking table: the very
    // next run, and one after the file settled, both see it.
    test.db.execute(TAKE_BACK_THE_LAST);
    let after_write = test.ok(&["upgrade"]);
    assert!(
        after_write.contains("upgrade 20240108090000"),
        "{after_write}"
    );
    settle();
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    mark_remembered(&test.cache_dir(), "(head)", "(HEAD)");
    settle();
    test.db.execute(TAKE_BACK_THE_LAST);
    settle();
    let settled_write = test.ok(&["upgrade"]);
    assert!(
        settled_write.contains("upgrade 20240108090000"),
        "{settled_write}"
    );

    // In WAL mode commits go to another file: nothing is said from memory.
    settle();
    test.ok(&["upgrade"]);
    test.db.execute("PRAGMA journal_mode = WAL;");
    settle();
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
    assert_eq!(test.ok(&["upgrade"]), AT_HEAD);
}

#[test]
fn a_check_that_passed_on_a_sqlite_file_is_remembered_the_same_way() {
    let Some(test) = Test::new(Kind::Sqlite, "a_check_that_passed_is_remembered") else {
        return;
    };
    test.ok(&["upgrade"]);
    settle();
    assert_eq!(test.ok(&["check"]), "8 applied\n");
    assert_eq!(test.ok(&["check"]), "8 applied\n");
    mark_remembered(&test.cache_dir(), "applied", "APPLIED");
    assert_eq!(test.ok(&["check"]), "8 APPLIED\n", "said from memory");
    test.db.execute(TAKE_BACK_THE_LAST);
    settle();
    let pending = test.fails(&["check"], 1);
    assert!(pending.stdout.contains("pending"), "{pending:?}");
}
