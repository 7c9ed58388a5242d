//! `create --autogenerate --mirror`: one revision, one id, in both sets of `[mirror]`, each
//! from its own dialect's schema file; a set whose pair cannot be written stops both.

use crate::backends::Kind;
use crate::harness::Test;

/// The revision folders of a set, sorted.
fn folders(test: &Test, set: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(test.path().join(set))
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A mirror in `m/sqlite` and `m/postgres`, its first revision from the two schema files.
/// PostgreSQL is the test's server (the URL), for the PostgreSQL set's scratch databases.
fn mirror(name: &str) -> Option<Test> {
    let test = Test::empty(Kind::Postgres, name)?;
    test.write(
        "migrate.toml",
        "[mirror]\nsqlite = \"m/sqlite\"\npostgres = \"m/postgres\"\n",
    );
    test.ok(&["init", "--dir", "m/sqlite"]);
    test.ok(&["init", "--dir", "m/postgres"]);
    test.write(
        "schema.sqlite.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text);\n",
    );
    test.write(
        "schema.postgres.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n\
         CREATE TYPE mood AS ENUM ('sad', 'happy');\n",
    );
    test.ok(&["create", "--autogenerate", "--mirror", "create users"]);
    Some(test)
}

#[test]
fn both_sets_get_the_revision_under_one_id() {
    let Some(test) = mirror("both_sets_get_the_revision_under_one_id") else {
        return;
    };
    test.write(
        "schema.sqlite.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text, email text);\n",
    );
    test.write(
        "schema.postgres.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name text, email varchar(200));\n\
         CREATE TYPE mood AS ENUM ('sad', 'happy');\n",
    );
    let out = test.ok(&["create", "--autogenerate", "--mirror", "add email"]);
    assert_eq!(out.matches("proven").count(), 2, "{out}");
    let (sqlite, postgres) = (folders(&test, "m/sqlite"), folders(&test, "m/postgres"));
    assert_eq!(sqlite, postgres, "the same ids and names in both sets");
    assert_eq!(sqlite.len(), 2);
    let up = test.read(&format!("m/postgres/{}/up.sql", postgres[1]));
    assert!(
        up.contains("ADD COLUMN email character varying(200)"),
        "{up}"
    );
    test.ok(&["hash", "--dir", "m/sqlite"]);
    test.ok(&["hash", "--dir", "m/postgres"]);
    let verified = test.ok(&["verify", "--mirror"]);
    assert!(verified.contains("✓ head: the sets agree"), "{verified}");
}

#[test]
fn a_set_that_cannot_be_written_stops_both() {
    let Some(test) = mirror("a_set_that_cannot_be_written_stops_both") else {
        return;
    };
    test.write(
        "schema.sqlite.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text, email text);\n",
    );
    test.write(
        "schema.postgres.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);\n\
         CREATE TYPE mood AS ENUM ('happy');\n",
    );
    let out = test.fails(&["create", "--autogenerate", "--mirror", "add email"], 2);
    assert!(out.stderr.contains("enum public.mood"), "{}", out.stderr);
    assert_eq!(folders(&test, "m/sqlite").len(), 1, "nothing written");
    assert_eq!(folders(&test, "m/postgres").len(), 1, "nothing written");
}
