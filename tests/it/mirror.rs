//! `migrate verify --mirror` and `migrate mirror status` on `fixtures/mirror`: each pair's
//! SQLite set verified on SQLite and its PostgreSQL set on the PostgreSQL server named by
//! MIGRATE_TEST_POSTGRES_URL, then compared; each pair's known differences found.

use crate::backends::{Kind, postgres_server};
use crate::harness::{Output, Test, repo};
use crate::snapshot;

/// A test dir holding `fixtures/mirror/<pair>` as `sqlite/` and `postgresql/`, with the
/// PostgreSQL server; `None` after announcing the skip (a failure under
/// MIGRATE_REQUIRE_POSTGRES).
fn pair(name: &str, pair: &str) -> Option<(Test, String)> {
    let server = postgres_server()?;
    let test = Test::empty(Kind::Sqlite, name)?;
    let fixture = repo().join("fixtures/mirror").join(pair);
    test.copy_tree(&fixture.join("sqlite"), "sqlite");
    test.copy_tree(&fixture.join("postgresql"), "postgresql");
    Some((test, server))
}

/// `migrate verify --mirror` over the pair's two folders, then `extra`.
fn verify(test: &Test, server: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify",
        "--mirror",
        "--sqlite-dir",
        "sqlite",
        "--postgres-dir",
        "postgresql",
        "--postgres-url",
        server,
    ];
    args.extend_from_slice(extra);
    test.run(&args)
}

/// The pair's known differences: (where it starts, what it says).
fn expected(pair: &str) -> Vec<(String, String)> {
    let path = repo()
        .join("fixtures/mirror")
        .join(pair)
        .join("differences");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (revision, message) = line.split_once('\t').unwrap();
            (revision.to_owned(), message.to_owned())
        })
        .collect()
}

/// Verifies a pair in JSON: both walks pass, and the comparison finds exactly the pair's
/// known differences, each where it starts; exit 1 when there are any.
fn assert_pair(name: &str, fixture: &str) {
    let Some((test, server)) = pair(name, fixture) else {
        return;
    };
    let output = verify(&test, &server, &["--format", "json"]);
    let expected = expected(fixture);
    let code = if expected.is_empty() { 0 } else { 1 };
    assert_eq!(output.code, code, "{output:#?}");
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    for backend in ["sqlite", "postgres"] {
        let statuses: Vec<&str> = json[backend]["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["status"].as_str().unwrap())
            .collect();
        assert!(
            !statuses.is_empty() && statuses.iter().all(|s| *s == "ok"),
            "{backend}: {statuses:?}"
        );
    }
    let found: Vec<(String, String)> = json["mirror"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|revision| {
            let id = revision["revision"].as_str().unwrap().to_owned();
            let findings = revision["findings"].as_array().cloned().unwrap_or_default();
            findings
                .into_iter()
                .map(move |f| (id.clone(), f["message"].as_str().unwrap().to_owned()))
        })
        .collect();
    assert_eq!(found, expected);
    let status = json["mirror_result"]["status"].as_str().unwrap();
    assert_eq!(status, if code == 0 { "agree" } else { "drift" });
    let human = verify(&test, &server, &[]);
    assert_eq!(human.code, code, "{human:#?}");
    snapshot::assert("mirror", fixture, &stable(&human.stdout));
}

/// The human report without what changes from run to run: the server, the timings.
fn stable(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = match line.strip_prefix("verify on postgres (") {
                Some(rest) => format!(
                    "verify on postgres ([server]{}",
                    &rest[rest.find(')').unwrap_or(0)..]
                ),
                None => line.to_owned(),
            };
            match line.rsplit_once(" in ") {
                Some((head, tail)) if tail.ends_with(" s") => format!("{head} in [duration]"),
                _ => line,
            }
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn a_clean_pair_agrees_and_lists_the_postgres_only_trigger() {
    assert_pair("mirror_clean", "clean");
}

#[test]
fn a_column_on_one_side_is_drift() {
    assert_pair("mirror_column", "column_one_side");
}

#[test]
fn a_type_family_mismatch_is_drift() {
    assert_pair("mirror_type", "type_mismatch");
}

#[test]
fn a_missing_index_is_drift() {
    assert_pair("mirror_index", "missing_index");
}

#[test]
fn a_revision_in_one_set_only_is_drift() {
    assert_pair("mirror_revision", "revision_one_side");
}

#[test]
fn an_allow_entry_accepts_a_difference_and_a_stale_one_fails() {
    let Some((test, server)) = pair("mirror_allow", "column_one_side") else {
        return;
    };
    test.write(
        "migrate.toml",
        r#"[mirror]
sqlite = "sqlite"
postgres = "postgresql"

[[mirror.allow]]
revision = "20240102000000_create_trips"
object = "column trips.notes"
reason = "notes are kept on the server only"
"#,
    );
    let accepted = test.run(&["verify", "--mirror", "--postgres-url", &server]);
    assert_eq!(accepted.code, 0, "{accepted:#?}");
    assert!(
        accepted
            .stdout
            .contains("(allowed: notes are kept on the server only)"),
        "{}",
        accepted.stdout
    );
    let config = test.read("migrate.toml");
    test.write(
        "migrate.toml",
        format!(
            "{config}\n[[mirror.allow]]\nrevision = \"20240101000000\"\nobject = \"column users.nickname\"\nreason = \"gone\"\n"
        ),
    );
    let stale = test.run(&["verify", "--mirror", "--postgres-url", &server]);
    assert_eq!(stale.code, 1, "{stale:#?}");
    assert!(
        stale.stdout.contains(
            "✗ stale allow entry: revision \"20240101000000\", object \"column users.nickname\" matches no difference"
        ),
        "{}",
        stale.stdout
    );
}

#[test]
fn without_postgres_the_sqlite_half_runs_and_the_comparison_is_skipped() {
    let test = Test::empty(Kind::Sqlite, "mirror_no_postgres").unwrap();
    let fixture = repo().join("fixtures/mirror/clean");
    test.copy_tree(&fixture.join("sqlite"), "sqlite");
    test.copy_tree(&fixture.join("postgresql"), "postgresql");
    // Nothing listens on port 1: the URL the user named does not answer.
    let closed = "postgres://postgres@127.0.0.1:1/postgres";
    let output = verify(&test, closed, &[]);
    assert_eq!(output.code, 2, "{output:#?}");
    assert!(
        output.stdout.contains("✓ 20240104000000 create tags: ok"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .contains("mirror: not compared, postgres is not available: cannot open postgres://postgres@127.0.0.1:1/postgres"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stdout
            .ends_with("verify: INCOMPLETE (the mirror comparison was skipped)\n")
    );
    let json = verify(&test, closed, &["--format", "json"]);
    assert_eq!(json.code, 2);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["mirror_result"]["status"], "skipped");
    assert_eq!(json["sqlite"]["revisions"].as_array().unwrap().len(), 4);
}

#[test]
fn a_missing_or_empty_set_is_named_before_anything_runs() {
    let test = Test::empty(Kind::Sqlite, "mirror_missing").unwrap();
    test.copy_tree(&repo().join("fixtures/mirror/clean/sqlite"), "sqlite");
    let args = [
        "verify",
        "--mirror",
        "--sqlite-dir",
        "sqlite",
        "--postgres-dir",
        "postgresql",
    ];
    let missing = test.fails(&args, 2);
    assert_eq!(missing.stdout, "", "nothing ran");
    assert_eq!(
        missing.stderr,
        "error: the postgres set's folder postgresql does not exist\nhelp: point `postgres` under [mirror] in migrate.toml (or --postgres-dir) at the postgres set's migrations\n"
    );
    std::fs::create_dir(test.path().join("postgresql")).unwrap();
    let empty = test.fails(&args, 2);
    assert_eq!(empty.stdout, "");
    assert!(
        empty
            .stderr
            .starts_with("error: the postgres set's folder postgresql holds no migrations\n"),
        "{}",
        empty.stderr
    );
    let one = test.fails(&["verify", "--mirror", "--dir", "sqlite"], 2);
    assert!(
        one.stderr
            .starts_with("error: sqlite holds no per-dialect files"),
        "{}",
        one.stderr
    );
    let without = test.fails(&["verify", "--sqlite-dir", "sqlite"], 2);
    assert!(
        without.stderr.contains("add --mirror"),
        "{}",
        without.stderr
    );
}

#[test]
fn mirror_status_shows_the_sets_side_by_side_without_running_anything() {
    let test = Test::empty(Kind::Sqlite, "mirror_status").unwrap();
    let fixture = repo().join("fixtures/mirror/revision_one_side");
    test.copy_tree(&fixture.join("sqlite"), "sqlite");
    test.copy_tree(&fixture.join("postgresql"), "postgresql");
    let args = [
        "mirror",
        "status",
        "--sqlite-dir",
        "sqlite",
        "--postgres-dir",
        "postgresql",
    ];
    let output = test.fails(&args, 1);
    snapshot::assert("mirror", "status_revision_one_side", &output.stdout);
    assert!(!test.path().join("app.db").exists(), "no database touched");
    test.remove("postgresql/20240105000000_add_trip_notes.up.sql");
    test.remove("postgresql/20240105000000_add_trip_notes.down.sql");
    test.ok(&args);
}

#[test]
fn one_popx_folder_is_a_mirror_by_itself() {
    let Some(server) = postgres_server() else {
        return;
    };
    let Some(test) = Test::empty(Kind::Sqlite, "one_popx_folder_is_a_mirror_by_itself") else {
        return;
    };
    test.copy_tree(
        &repo().join("fixtures/layouts/popx/migrations"),
        "migrations",
    );
    let output = test.run(&[
        "verify",
        "--mirror",
        "--dir",
        "migrations",
        "--postgres-url",
        &server,
        "--format",
        "json",
    ]);
    // kratos-like files keep ids as TEXT on SQLite and UUID on PostgreSQL: real drift.
    assert_eq!(output.code, 1, "{output:#?}");
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let messages: Vec<String> = json["mirror"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|revision| revision["findings"].as_array().cloned().unwrap_or_default())
        .filter_map(|finding| finding["message"].as_str().map(str::to_owned))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("identities.id") && m.contains("uuid")),
        "{messages:?}\n{}",
        output.stdout
    );
}
