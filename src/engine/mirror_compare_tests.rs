use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::core::Script;
use crate::schema::{Column, QualifiedName, Table, TableKind};

fn revision(id: &str) -> Revision {
    Revision {
        id: id.parse().unwrap(),
        slug: format!("step_{id}"),
        up: Script::new(format!("{id}/up.sql"), "SELECT 1;".to_owned()).unwrap(),
        down: None,
    }
}

/// A schema with one table `t` holding `columns` (name, type), spelt as `side` would.
fn schema(side: Side, columns: &[(&str, &str)]) -> Schema {
    let name = match side {
        Side::Sqlite => QualifiedName::bare("t"),
        Side::Postgres => QualifiedName::new("public", "t"),
    };
    let columns = columns
        .iter()
        .map(|(name, data_type)| Column {
            name: (*name).into(),
            data_type: (*data_type).into(),
            not_null: false,
            default: None,
            generated: None,
            identity: None,
            collation: None,
            hidden: false,
            comment: None,
        })
        .collect();
    let table = Table {
        name: name.clone(),
        kind: TableKind::Ordinary,
        without_rowid: false,
        strict: false,
        partition_of: None,
        inherits: Vec::new(),
        columns,
        constraints: BTreeMap::new(),
        comment: None,
    };
    let mut schema = Schema::default();
    schema.tables.insert(name, Arc::new(table));
    schema
}

/// A set whose revisions `ids` each leave the schema listed beside them.
struct Set {
    history: History,
    applied: BTreeMap<RevisionId, Schema>,
}

impl Set {
    fn new(side: Side, steps: &[(&str, &[(&str, &str)])]) -> Self {
        let history = History::new(steps.iter().map(|(id, _)| revision(id)).collect()).unwrap();
        let applied = steps
            .iter()
            .map(|(id, columns)| (id.parse().unwrap(), schema(side, columns)))
            .collect();
        Self { history, applied }
    }

    fn snapshots(&self) -> SetSnapshots<'_> {
        SetSnapshots {
            history: &self.history,
            applied: &self.applied,
            head: self.applied.values().last(),
        }
    }
}

fn allow(revision: &str, object: &str) -> AllowEntry {
    AllowEntry {
        revision: revision.into(),
        object: object.into(),
        reason: "accepted".into(),
    }
}

fn statuses(comparison: &MirrorComparison) -> Vec<(String, MirrorStatus, usize)> {
    comparison
        .revisions
        .iter()
        .map(|r| (r.revision.clone(), r.status, r.findings.len()))
        .collect()
}

#[test]
fn a_difference_is_told_where_it_starts_and_again_at_head() {
    let sqlite = Set::new(
        Side::Sqlite,
        &[("1", &[("id", "INTEGER")]), ("2", &[("id", "INTEGER")])],
    );
    let postgres = Set::new(
        Side::Postgres,
        &[
            ("1", &[("id", "integer")]),
            ("2", &[("id", "integer"), ("key", "text")]),
        ],
    );
    let comparison = compare_sets(&sqlite.snapshots(), &postgres.snapshots(), &[]);
    assert_eq!(
        statuses(&comparison),
        [
            ("1".into(), MirrorStatus::Same, 0),
            ("2".into(), MirrorStatus::Differs, 1),
            ("head".into(), MirrorStatus::Differs, 1),
        ]
    );
    assert_eq!(
        comparison.revisions[1].findings[0].message,
        "column t.key exists on postgres (text, nullable) but not on sqlite"
    );
    assert!(comparison.fails());
}

#[test]
fn a_difference_carried_forward_is_not_repeated() {
    let columns: &[(&str, &str)] = &[("id", "TEXT")];
    let sqlite = Set::new(
        Side::Sqlite,
        &[("1", columns), ("2", columns), ("3", columns)],
    );
    let columns: &[(&str, &str)] = &[("id", "integer")];
    let postgres = Set::new(
        Side::Postgres,
        &[("1", columns), ("2", columns), ("3", columns)],
    );
    let comparison = compare_sets(&sqlite.snapshots(), &postgres.snapshots(), &[]);
    let counts: Vec<usize> = comparison
        .revisions
        .iter()
        .map(|r| r.findings.len())
        .collect();
    assert_eq!(counts, [1, 0, 0, 1]);
    assert_eq!(comparison.revisions[1].status, MirrorStatus::Differs);
}

#[test]
fn a_revision_of_one_set_only_is_a_difference() {
    let sqlite = Set::new(Side::Sqlite, &[("1", &[]), ("3", &[])]);
    let postgres = Set::new(Side::Postgres, &[("1", &[]), ("2", &[]), ("3", &[])]);
    let comparison = compare_sets(&sqlite.snapshots(), &postgres.snapshots(), &[]);
    assert_eq!(
        statuses(&comparison),
        [
            ("1".into(), MirrorStatus::Same, 0),
            ("2".into(), MirrorStatus::OneSide, 1),
            ("3".into(), MirrorStatus::Same, 0),
            ("head".into(), MirrorStatus::Same, 0),
        ]
    );
    assert_eq!(
        comparison.revisions[1].findings[0].message,
        "revision 2_step_2 exists on postgres but not on sqlite"
    );
    assert_eq!(comparison.revisions[1].sets, [Side::Postgres]);
}

#[test]
fn an_allow_entry_accepts_a_difference_from_where_it_starts_and_a_stale_one_fails() {
    let sqlite = Set::new(Side::Sqlite, &[("1", &[]), ("2", &[])]);
    let postgres = Set::new(Side::Postgres, &[("1", &[]), ("2", &[("key", "text")])]);
    let entries = [allow("2_step_2", "column t.key")];
    let comparison = compare_sets(&sqlite.snapshots(), &postgres.snapshots(), &entries);
    assert!(!comparison.fails(), "{comparison:#?}");
    assert_eq!(
        comparison.revisions[2].findings[0].allowed.as_deref(),
        Some("accepted")
    );
    // The entry dates the difference: at another revision it accepts nothing.
    let entries = [allow("1", "column t.key"), allow("2", "column t.other")];
    let comparison = compare_sets(&sqlite.snapshots(), &postgres.snapshots(), &entries);
    assert!(comparison.fails());
    assert_eq!(comparison.stale, entries);
}

#[test]
fn a_missing_schema_is_not_compared_and_says_why() {
    let sqlite = Set::new(Side::Sqlite, &[("1", &[])]);
    let mut postgres = Set::new(Side::Postgres, &[("1", &[])]);
    postgres.applied.clear();
    let snapshots = SetSnapshots {
        head: None,
        ..postgres.snapshots()
    };
    let comparison = compare_sets(&sqlite.snapshots(), &snapshots, &[]);
    assert_eq!(comparison.revisions[0].status, MirrorStatus::NotCompared);
    assert_eq!(
        comparison.revisions[1].detail.as_deref(),
        Some("not compared: an up failed on postgres")
    );
    assert!(!comparison.fails(), "the walk's own failure fails the run");
}
