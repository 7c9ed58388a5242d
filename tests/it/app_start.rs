//! Migrations at application start: the library call, embedded migrations, the example app.

use std::process::Command;

use migrate::source::Directory;

use crate::backend_test;
use crate::harness::repo;

fn embedded() -> Directory {
    migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations").unwrap()
}

backend_test!(an_app_applies_pending_revisions_once_at_start, |test| {
    let migrations = embedded();
    let url = test.db.absolute_url();
    let applied = migrate::upgrade_url(&url, &migrations).unwrap();
    assert_eq!(applied.len(), 8);
    assert!(
        migrate::upgrade_url(&url, &migrations).unwrap().is_empty(),
        "a restart applies nothing"
    );
    assert_eq!(test.db.tracked_revisions().unwrap().len(), 8);
});

backend_test!(
    replicas_starting_together_apply_each_revision_once,
    |test| {
        let url = test.db.absolute_url();
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || {
                    migrate::upgrade_url(&url, &embedded()).map(|steps| steps.len())
                })
            })
            .collect();
        let total: usize = handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .sum();
        assert_eq!(total, 8, "every revision ran in exactly one replica");
    }
);

backend_test!(
    an_app_refuses_to_start_on_an_edited_applied_revision,
    |test| {
        let url = test.db.absolute_url();
        test.ok(&["upgrade"]);
        test.write(
            "migrations/20240101090000_create_users/up.sql",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
        );
        test.ok(&["hash"]);
        let edited = Directory::load(&test.path().join("migrations")).unwrap();
        let error = migrate::upgrade_url(&url, &edited).unwrap_err();
        let cli = test.fails(&["upgrade"], 1);
        let headline = cli
            .stderr
            .lines()
            .next()
            .unwrap()
            .trim_start_matches("error: ")
            .to_owned();
        assert_eq!(error.to_string(), headline, "the same message as the CLI");
    }
);

#[test]
fn embedded_and_on_disk_migrations_are_the_same_data() {
    let disk = Directory::load(&repo().join("migrations")).unwrap();
    let embedded = embedded();
    assert_eq!(embedded.sum, disk.sum);
    let strip = |directory: &Directory| -> Vec<_> {
        directory
            .history
            .revisions()
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.slug.clone(),
                    r.up.text.clone(),
                    r.up.checksum(),
                    r.down.as_ref().map(|d| d.checksum()),
                )
            })
            .collect()
    };
    assert_eq!(strip(&embedded), strip(&disk));
    let plans: Vec<_> = [&embedded, &disk]
        .iter()
        .map(|directory| {
            let mut db =
                migrate::backend::SqliteBackend::open_in_memory(Default::default()).unwrap();
            let steps = migrate::upgrade_to_head(&mut db, &directory.history).unwrap();
            let schema: Vec<String> = db
                .connection()
                .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (
                steps.into_iter().map(|s| s.step.id).collect::<Vec<_>>(),
                schema,
            )
        })
        .collect();
    assert_eq!(plans[0], plans[1], "they plan and apply identically");
}

#[test]
fn the_example_app_migrates_at_start_then_uses_its_tables() {
    // Cargo builds examples beside the test binaries: target/<profile>/examples/.
    let example = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples").join("app_start"))
        .unwrap();
    assert!(
        example.exists(),
        "build it with `cargo test` (builds examples): {}",
        example.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let output = Command::new(&example)
            .arg("trips.db")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(run(), "applied 8 revision(s)\n1 user(s)\n");
    assert_eq!(
        run(),
        "applied 0 revision(s)\n1 user(s)\n",
        "the second start applies nothing"
    );
}
