//! For each layout read in place: a folder of generated file names is read into a history
//! whose order is the tool's own ordering rule, with unique ids.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::Layout;
use crate::source::directory::history_of;
use crate::source::reading::FileDialect;
use crate::source::tree::{Tree, TreeFile};

fn tree(files: Vec<(String, String)>) -> Tree {
    let mut files: Vec<TreeFile> = files
        .into_iter()
        .map(|(path, text)| TreeFile {
            path,
            bytes: text.into_bytes().into(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Tree {
        root: "migrations".into(),
        files,
    }
}

/// The ids of the history read from `files` in `layout` (recognised, then checked to be
/// the one expected), oldest first.
fn ids(layout: Layout, files: Vec<(String, String)>, dialect: FileDialect) -> Vec<String> {
    let tree = tree(files);
    assert_eq!(Layout::detect(&tree).unwrap(), layout);
    let reading = layout.read(&tree, Some(dialect)).unwrap();
    let history = history_of(reading).unwrap();
    history
        .revisions()
        .iter()
        .map(|revision| revision.id.to_string())
        .collect()
}

/// Distinct numbers, each written with leading zeros of its own.
fn numbers() -> impl Strategy<Value = Vec<(u64, usize)>> {
    proptest::collection::btree_map(1u64..100_000, 0usize..8, 1..8)
        .prop_map(|map| map.into_iter().collect())
}

proptest! {
    /// goose runs versions in numeric order, whatever their padding or format.
    #[test]
    fn goose_runs_versions_by_number(numbers in numbers()) {
        let files = numbers
            .iter()
            .map(|(n, width)| {
                let name = format!("{n:0width$}_step.sql", width = width + 1);
                (name, "-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n".to_owned())
            })
            .collect();
        let read = ids(Layout::Goose, files, FileDialect::Sqlite);
        let numbers_read: Vec<u64> = read.iter().map(|id| id.parse().unwrap()).collect();
        let mut expected: Vec<u64> = numbers.iter().map(|(n, _)| *n).collect();
        expected.sort_unstable();
        prop_assert_eq!(numbers_read, expected);
    }

    /// popx runs versions in the order of their text; a version with no file for the
    /// dialect is still a step, so every version is in the history.
    #[test]
    fn popx_runs_versions_as_text(versions in proptest::collection::btree_set("[1-9][0-9]{0,19}", 1..8)) {
        let mut files = Vec::new();
        for (index, version) in versions.iter().enumerate() {
            let dialect = ["sqlite3.", "postgres.", "mysql.", ""][index % 4];
            files.push((format!("{version}_step.{dialect}up.sql"), "SELECT 1;\n".to_owned()));
            files.push((format!("{version}_step.{dialect}down.sql"), "SELECT 2;\n".to_owned()));
        }
        // One dialect file makes the folder popx's.
        files.push(("0_marker.sqlite3.up.sql".into(), String::new()));
        let read = ids(Layout::Popx, files, FileDialect::Postgres);
        let mut expected: Vec<String> = versions.into_iter().chain(["0".to_owned()]).collect();
        expected.sort();
        prop_assert_eq!(read, expected);
    }

    /// Dotted Flyway names run in numeric order.
    #[test]
    fn flyway_dotted_runs_versions_by_number(numbers in numbers()) {
        let files = numbers
            .iter()
            .flat_map(|(n, width)| {
                let width = width + 1;
                [
                    (format!("V{n:0width$}.Step.up.sql"), "SELECT 1;\n".to_owned()),
                    (format!("V{n:0width$}.Step.down.sql"), "SELECT 2;\n".to_owned()),
                ]
            })
            .collect();
        let read: Vec<u64> = ids(Layout::FlywayDotted, files, FileDialect::Sqlite)
            .iter()
            .map(|id| id.parse().unwrap())
            .collect();
        let mut expected: Vec<u64> = numbers.iter().map(|(n, _)| *n).collect();
        expected.sort_unstable();
        prop_assert_eq!(read, expected);
    }

    /// Files that share prefixes each make a revision, run in the order of the files'
    /// names, with unique ids; adding a revision under a new prefix changes no id.
    #[test]
    fn shared_prefixes_run_by_file_name(
        names in proptest::collection::btree_set((1u32..40, "[a-z]{1,6}"), 2..10),
    ) {
        let names: Vec<String> = names
            .into_iter()
            .map(|(prefix, name)| format!("{prefix:04}_{name}"))
            .collect();
        // The generated names must share a prefix for the folder to be this layout.
        let prefixes: BTreeSet<&str> = names.iter().map(|name| &name[..4]).collect();
        prop_assume!(prefixes.len() < names.len());
        let files = |names: &[String]| {
            names
                .iter()
                .map(|name| (format!("{name}.up.sql"), "SELECT 1;\n".to_owned()))
                .collect::<Vec<_>>()
        };
        let read = ids(Layout::SharedPrefix, files(&names), FileDialect::Sqlite);
        prop_assert_eq!(read.iter().collect::<BTreeSet<_>>().len(), names.len());
        // The ids in history order belong to the files in name order.
        let mut by_name = names.clone();
        by_name.sort_by_key(|name| format!("{name}.up.sql"));
        for (id, name) in read.iter().zip(&by_name) {
            prop_assert!(id.starts_with(&name[..4]), "{} for {}", id, name);
        }
        let mut grown = names.clone();
        grown.push("9999_added_later".into());
        let regrown = ids(Layout::SharedPrefix, files(&grown), FileDialect::Sqlite);
        prop_assert_eq!(&regrown[..read.len()], &read[..]);
    }
}

/// diesel's own folders, mixed formats: diesel's order is that of the versions' text
/// without dashes.
#[test]
fn diesel_runs_mixed_formats_in_diesels_order() {
    let folders = [
        "2025-11-19-091444-0000_z",
        "20260102090000_later",
        "2017-08-31-230457_y",
        "00000000000000_diesel_initial_setup",
        "20140924113530_x",
    ];
    let files = folders
        .iter()
        .map(|folder| {
            (
                format!("{folder}/up.sql"),
                "-- Your SQL goes here\n".to_owned(),
            )
        })
        .collect();
    assert_eq!(
        ids(Layout::Folders, files, FileDialect::Sqlite),
        [
            "00000000000000",
            "20140924113530",
            "2017-08-31-230457",
            "2025-11-19-091444-0000",
            "20260102090000",
        ]
    );
}
