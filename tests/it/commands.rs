//! Every command on the example migrations, on every backend.

use crate::backend_test;
use crate::snapshot;

const HEAD: &str = "20240108090000";
const ALL: [&str; 8] = [
    "20240101090000",
    "20240102090000",
    "20240103090000",
    "20240104090000",
    "20240105090000",
    "20240106090000",
    "20240107090000",
    "20240108090000",
];

fn ids(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|id| id.to_string()).collect())
}

backend_test!(upgrade_applies_every_revision_once, |test| {
    let output = test.ok(&["upgrade"]);
    snapshot::assert("cli", "upgrade_head", &output);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL));
    assert!(test.db.tables().contains(&"packing_items".to_string()));
    assert_eq!(
        test.ok(&["upgrade"]),
        format!("nothing to do\ndatabase at {HEAD} (head)\n")
    );
    assert_eq!(test.db.tracked_revisions(), ids(&ALL));
});

backend_test!(downgrade_reverts_one_by_default_and_to_any_target, |test| {
    test.ok(&["upgrade"]);
    test.ok(&["downgrade"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..7]));
    test.ok(&["down", "-2"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..5]));
    test.ok(&["downgrade", "20240102"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..2]));
    test.ok(&["downgrade", "base"]);
    assert_eq!(test.db.tracked_revisions(), Some(vec![]));
    assert_eq!(
        test.db.tables(),
        vec!["migrate_history".to_string()],
        "every down ran"
    );
});

backend_test!(upgrade_takes_prefixes_and_relative_targets, |test| {
    test.ok(&["upgrade", "202401030"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..3]));
    test.ok(&["up", "+2"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..5]));
    test.ok(&["upgrade", "20240101090000+6"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..7]));
    let ambiguous = test.fails(&["upgrade", "2024"], 2);
    assert!(
        ambiguous
            .stderr
            .contains("\"2024\" is ambiguous: revisions 20240101090000, 20240102090000"),
        "{}",
        ambiguous.stderr
    );
    let out_of_range = test.fails(&["upgrade", "+5"], 2);
    assert!(
        out_of_range.stderr.contains("out of range"),
        "{}",
        out_of_range.stderr
    );
    let backwards = test.fails(&["upgrade", "base"], 1);
    assert!(
        backwards
            .stderr
            .contains("help: use `migrate downgrade base`"),
        "{}",
        backwards.stderr
    );
    assert_eq!(
        test.db.tracked_revisions(),
        ids(&ALL[..7]),
        "failed commands changed nothing"
    );
});

backend_test!(history_marks_head_and_current, |test| {
    test.ok(&["upgrade", "+3"]);
    snapshot::assert("cli", "history", &test.ok(&["history"]));
    let json: serde_json::Value =
        serde_json::from_str(&test.ok(&["history", "--format", "json"])).unwrap();
    assert_eq!(json[0]["id"], HEAD);
    assert_eq!(json[0]["head"], true);
    assert_eq!(json[5]["current"], true);
    assert_eq!(json[7]["down_revision"], serde_json::Value::Null);
});

backend_test!(status_and_check_report_pending_revisions, |test| {
    test.ok(&["upgrade", "+6"]);
    snapshot::assert("cli", "status_partial", &test.ok(&["status"]));
    let check = test.fails(&["check"], 1);
    snapshot::assert("cli", "check_pending", &check.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&test.fails(&["check", "--format", "json"], 1).stdout).unwrap();
    assert_eq!(json["clean"], false);
    assert_eq!(json["revisions"][6]["state"], "pending");
    assert_eq!(json["revisions"][0]["state"], "applied");
    test.ok(&["upgrade"]);
    assert_eq!(test.ok(&["check"]), "8 applied\n");
});

backend_test!(current_and_heads, |test| {
    assert_eq!(test.ok(&["current"]), "<base>\n");
    test.ok(&["upgrade", "+1"]);
    assert_eq!(test.ok(&["current"]), "20240101090000 create users\n");
    let json: serde_json::Value =
        serde_json::from_str(&test.ok(&["current", "--format", "json"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"current": "20240101090000", "slug": "create_users", "head": false})
    );
    test.ok(&["upgrade"]);
    assert_eq!(
        test.ok(&["current"]),
        format!("{HEAD} index packing items by list (head)\n")
    );
    assert_eq!(
        test.ok(&["heads"]),
        format!("{HEAD} (head), index packing items by list\n")
    );
});

backend_test!(stamp_moves_the_tracking_table_only, |test| {
    test.ok(&["stamp", "20240103"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..3]));
    assert_eq!(
        test.db.tables(),
        vec!["migrate_history".to_string()],
        "stamp ran no SQL"
    );
    test.ok(&["stamp", "base"]);
    assert_eq!(test.db.tracked_revisions(), Some(vec![]));
    test.ok(&["upgrade"]);
    assert_eq!(test.db.tracked_revisions(), ids(&ALL));
});

backend_test!(sql_and_dry_run_print_without_running, |test| {
    test.ok(&["upgrade", "+1"]);
    let sql = test.ok(&["upgrade", "+1", "--sql"]);
    assert!(sql.contains("CREATE TABLE trips ("), "{sql}");
    assert!(
        sql.contains("INSERT INTO \"migrate_history\" (revision, slug,"),
        "{sql}"
    );
    assert!(sql.contains("BEGIN;") && sql.contains("COMMIT;"), "{sql}");
    let dry = test.ok(&["downgrade", "base", "--dry-run"]);
    assert_eq!(dry, "would downgrade 20240101090000 create users\n");
    assert_eq!(test.db.tracked_revisions(), ids(&ALL[..1]), "nothing ran");
});

backend_test!(create_makes_a_timestamped_revision, |test| {
    let output = test.ok(&["create", "Add trip notes!"]);
    let folder = output
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("created ")
        .to_owned();
    let name = folder.trim_start_matches("migrations/");
    let (id, slug) = name.split_once('_').unwrap();
    assert_eq!(slug, "add_trip_notes");
    assert_eq!(id.len(), 14, "YYYYMMDDHHMMSS: {id}");
    assert!(id > HEAD, "the new revision is the head");
    // Its up.sql holds only a comment, which would run as a no-op (as diesel runs one);
    // the sum file is what catches a revision created and forgotten.
    let refused = test.fails(&["upgrade"], 1);
    assert!(
        refused
            .stderr
            .contains(&format!("revision {id} is not in the sum file")),
        "{}",
        refused.stderr
    );
    test.write(
        &format!("{folder}/up.sql"),
        "ALTER TABLE trips ADD COLUMN notes TEXT;\n",
    );
    test.write(
        &format!("{folder}/down.sql"),
        "ALTER TABLE trips DROP COLUMN notes;\n",
    );
    let unhashed = test.fails(&["upgrade"], 1);
    assert!(
        unhashed
            .stderr
            .contains(&format!("revision {id} is not in the sum file")),
        "{}",
        unhashed.stderr
    );
    test.ok(&["hash"]);
    test.ok(&["upgrade"]);
    assert_eq!(test.db.tracked_revisions().unwrap().last().unwrap(), id);
});

backend_test!(init_creates_a_working_project, |test| {
    test.remove("migrations");
    let output = test.ok(&["init"]);
    assert!(output.contains("created migrate.toml"), "{output}");
    assert!(output.contains("created migrations"), "{output}");
    assert!(test.read("migrate.toml").contains("# database_url = "));
    assert!(test.read("migrations/migrate.sum").contains("total "));
    assert_eq!(test.ok(&["status"]), "no revisions\n");
    let again = test.ok(&["init"]);
    assert!(
        again.contains("kept migrate.toml"),
        "init twice keeps the config"
    );
    assert!(
        again.contains("kept migrations"),
        "and says the folder was there: {again}"
    );
});

backend_test!(schema_prints_the_database_and_diff_compares_two, |test| {
    test.ok(&["upgrade"]);
    let schema = test.ok(&["schema"]);
    assert!(
        schema.contains("CREATE TABLE") && schema.contains("packing_items_list_packed"),
        "{schema}"
    );
    assert!(
        !schema.contains("migrate_history"),
        "the tracking table is left out: {schema}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&test.ok(&["schema", "--format", "json"])).unwrap();
    assert_eq!(json["tables"].as_array().unwrap().len(), 6);
    let url = test.db.absolute_url();
    assert_eq!(test.ok(&["diff", &url, &url]), "no differences\n");
    if test.db.kind == crate::backends::Kind::Postgres {
        return; // the harness gives a case one PostgreSQL database; two SQLite files do here
    }
    test.ok(&["downgrade"]);
    let head = test.path().join("head.db");
    let head_url = format!("sqlite://{}", head.display());
    test.ok(&["--database-url", &head_url, "upgrade"]);
    let output = test.fails(&["diff", &head_url, &url], 1);
    assert_eq!(output.stdout, "index packing_items_list_packed missing\n");
});
