//! Mistakes in where the migrations are and in migrate.toml: each message names the path
//! or key and says what is wrong, not the errno or serde's type name.

use crate::backends::Kind;
use crate::harness::Test;

fn test(name: &str) -> Test {
    Test::new(Kind::Sqlite, name).expect("SQLite is always here")
}

/// `error: …` then `help: …`, exit 2: nothing could be read.
fn refused(test: &Test, args: &[&str]) -> String {
    let output = test.fails(args, 2);
    assert!(output.stderr.contains("\nhelp: "), "{}", output.stderr);
    output.stderr
}

#[test]
fn dir_naming_a_file_says_it_is_not_a_directory() {
    let test = test("dir_is_a_file");
    test.write("notes.txt", "not migrations");
    let stderr = refused(&test, &["--dir", "notes.txt", "status"]);
    assert!(
        stderr.starts_with("error: migrations directory notes.txt is not a directory\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("does not exist"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_name_the_link() {
    use std::os::unix::fs::symlink;
    let test = test("symlink_loops");
    // A link back to the folder that holds it.
    let folder = "migrations/20240101090000_create_users";
    symlink("..", test.path().join(folder).join("parent")).unwrap();
    let stderr = refused(&test, &["status"]);
    assert!(
        stderr.starts_with(&format!(
            "error: {folder}/parent is a symbolic link to .., a folder that holds it: a loop\n"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("Is a directory"), "{stderr}");
    test.remove(&format!("{folder}/parent"));
    // Links that lead to each other, and --dir naming one.
    symlink("b", test.path().join("a")).unwrap();
    symlink("a", test.path().join("b")).unwrap();
    let stderr = refused(&test, &["--dir", "a", "status"]);
    assert!(
        stderr.starts_with("error: a is a symbolic link that leads back to itself: a loop\n"),
        "{stderr}"
    );
    symlink("../a", test.path().join("migrations/loop.sql")).unwrap();
    let stderr = refused(&test, &["status"]);
    assert!(
        stderr.starts_with(
            "error: migrations/loop.sql is a symbolic link that leads back to itself: a loop\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_wrong_type_in_migrate_toml_names_the_key_and_the_type() {
    let test = test("config_types");
    for (config, expected) in [
        (
            "statement_timeout = \"ten\"\n",
            "error: migrate.toml:1:21: `statement_timeout` must be a number, found string \"ten\"\n",
        ),
        (
            "# the tracking table\ntable = 5\n",
            "error: migrate.toml:2:9: `table` must be a string, found integer `5`\n",
        ),
        (
            "[snapshots]\nsqlite = true\n",
            "error: migrate.toml:2:10: `snapshots.sqlite` must be a string (a path), found boolean `true`\n",
        ),
        (
            "exclude_tables = \"audit\"\n",
            "error: migrate.toml:1:18: `exclude_tables` must be an array, found string \"audit\"\n",
        ),
    ] {
        test.write("migrate.toml", config);
        let output = test.fails(&["status"], 2);
        assert_eq!(output.stderr, expected, "{config}");
    }
}
