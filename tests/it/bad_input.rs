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
    empty_up,
    not_utf8,
    unknown_file,
    stray_sql,
    unknown_directive,
    sum_conflict,
);
