//! Every malformed migrations directory in fixtures/bad is refused before any SQL runs,
//! with the path at fault and the fix.

use crate::backend_test;
use crate::snapshot;

/// Runs the commands that read the directory and checks each refuses with the same error,
/// and that the database was left untouched.
fn refused(test: &crate::harness::Test, case: &str) {
    let upgrade = test.fails(&["upgrade"], 1);
    assert!(upgrade.stdout.is_empty(), "nothing ran: {upgrade:#?}");
    assert!(upgrade.stderr.contains("help: "), "{}", upgrade.stderr);
    for command in [
        &["status"][..],
        &["check"],
        &["history"],
        &["downgrade", "base"],
    ] {
        let output = test.fails(command, 1);
        assert_eq!(output.stderr, upgrade.stderr, "{command:?}");
    }
    assert_eq!(
        test.db.tracked_revisions(),
        None,
        "no tracking table was created"
    );
    let hash = test.run(&["hash"]);
    if case == "sum_conflict" {
        assert_eq!(
            hash.code, 0,
            "hash resolves a conflicted sum file: {hash:#?}"
        );
        test.ok(&["upgrade"]);
    } else {
        assert_eq!((hash.code, &hash.stderr), (1, &upgrade.stderr));
    }
    snapshot::assert("cli", &format!("bad_input_{case}"), &upgrade.stderr);
}

macro_rules! bad_input_cases {
    ($($case:ident),* $(,)?) => {
        $(
            backend_test!($case, fixture = concat!("bad/", stringify!($case)), |test| {
                refused(&test, stringify!($case));
            });
        )*
    };
}

bad_input_cases!(
    folder_without_id,
    id_not_a_version,
    duplicate_id,
    missing_up,
    not_utf8,
    unknown_file,
    stray_sql,
    unknown_directive,
    sum_conflict,
);

/// The database is opened while the directory is read: a broken directory is still what
/// is reported, whatever state the database is in, and a SQLite file that does not exist
/// yet is not created for it.
#[test]
fn a_broken_directory_is_reported_whatever_the_database() {
    use crate::backends::Kind;
    let test = crate::harness::Test::fixture(Kind::Sqlite, "broken_first", "bad/missing_up")
        .expect("SQLite is always here");
    let expected = test.fails(&["upgrade"], 1).stderr;
    assert!(expected.contains("up.sql"), "{expected}");
    assert!(
        !test.path().join("app.db").exists(),
        "a broken directory created the database file"
    );
    test.write(
        "garbage.db",
        "this is not a SQLite database, and it is long enough to tell",
    );
    for url in [
        "postgres://postgres@127.0.0.1:1/unreachable",
        "sqlite://garbage.db",
        "sqlite://app.db",
    ] {
        for command in [&["upgrade"][..], &["check"], &["status"], &["current"]] {
            let output = test.run_with(command, &[("DATABASE_URL", url)]);
            assert_eq!(
                (output.code, output.stderr.as_str()),
                (1, expected.as_str()),
                "{url} {command:?}"
            );
        }
    }
    assert!(!test.path().join("app.db").exists());
}

/// A database URL that names some other kind of file: the file is named, with the fix,
/// and is left exactly as it was (no tracking table written into it, no lock file).
#[test]
fn a_file_that_is_not_a_database_is_named_and_left_alone() {
    use crate::backends::Kind;
    let test =
        crate::harness::Test::fixture(Kind::Sqlite, "not_a_database", "layouts/diesel/migrations")
            .expect("SQLite is always here");
    let text = "id,name\n1,this is a CSV file that a URL names by mistake\n";
    test.write("export.csv", text);
    for command in [&["upgrade"][..], &["check"], &["status"], &["current"]] {
        let output = test.run_with(command, &[("DATABASE_URL", "sqlite://export.csv")]);
        assert_eq!(output.code, 2, "{command:?} {output:#?}");
        assert!(
            output.stderr.starts_with("error: ")
                && output
                    .stderr
                    .contains("export.csv is not an SQLite database"),
            "{}",
            output.stderr
        );
        assert!(output.stderr.contains("\nhelp: "), "{}", output.stderr);
    }
    let bytes = std::fs::read(test.path().join("export.csv")).expect("still there");
    assert_eq!(bytes, text.as_bytes());
    assert!(!test.path().join("export.csv.migrate-lock").exists());
}

/// A server that does not answer is named, with what to check, whichever command met it:
/// upgrade's own connection or verify's scratch database.
#[test]
fn an_unreachable_server_says_what_to_check() {
    use crate::backends::Kind;
    let test = crate::harness::Test::new(Kind::Sqlite, "unreachable_server")
        .expect("SQLite is always here");
    // Port 1 on loopback: nothing listens there, so the refusal is immediate.
    let url = "postgres://nobody@127.0.0.1:1/app";
    let upgrade = test.run_with(&["upgrade"], &[("DATABASE_URL", url)]);
    let verify = test.run(&["verify", "--backend", "postgres", "--postgres-url", url]);
    for output in [upgrade, verify] {
        assert_eq!(output.code, 2, "{output:#?}");
        assert!(
            output
                .stderr
                .starts_with("error: cannot open postgres://nobody@127.0.0.1:1/app")
                && output.stderr.contains("\nhelp: check that the server runs"),
            "{output:#?}"
        );
    }
}
