//! Merging shard reports: tiny histories built inline, each shard's verdicts made up.

use super::verify_merge::{MergeError, ShardPart, merge_shards};
use super::verify_report::{RevisionVerdict, Status};
use super::verify_shard::{HistoryMark, ShardMark};
use crate::core::{History, Revision, Script, Shard};

fn history(len: usize, text: &str) -> History {
    let revisions = (1..=len)
        .map(|n| Revision {
            id: format!("{n:03}").parse().unwrap(),
            slug: format!("r{n}"),
            up: Script::new(format!("{n:03}/up.sql"), format!("-- {text} {n}\n")).unwrap(),
            down: None,
        })
        .collect();
    History::new(revisions).unwrap()
}

/// Shard `index`/`count` of `history` on `backend`: every third revision of the history
/// `down_mismatch`, the others `irreversible`.
fn part(history: &History, backend: &str, index: usize, count: usize) -> ShardPart {
    let shard = Shard::new(index, count).unwrap();
    let slice = shard.slice(history.len());
    let revisions = history.revisions()[slice.clone()]
        .iter()
        .zip(slice)
        .map(|(revision, at)| RevisionVerdict {
            id: revision.id.to_string(),
            slug: revision.slug.clone(),
            status: if at % 3 == 2 {
                Status::DownMismatch
            } else {
                Status::Irreversible
            },
            detail: None,
            diff: Vec::new(),
            warnings: Vec::new(),
            file: None,
            line: None,
            data_skipped: Vec::new(),
            data_warnings: Vec::new(),
            locks: Vec::new(),
            quick: None,
        })
        .collect();
    ShardPart {
        origin: format!("{backend}-{index}.json"),
        backend: backend.into(),
        shard: ShardMark::new(history, shard),
        history: HistoryMark::of(history),
        revisions,
    }
}

fn ids(verdicts: &[RevisionVerdict]) -> Vec<&str> {
    verdicts.iter().map(|verdict| verdict.id.as_str()).collect()
}

#[test]
fn shards_given_in_any_order_come_back_in_history_order() {
    let history = history(10, "a");
    let parts: Vec<ShardPart> = [3, 1, 4, 2]
        .into_iter()
        .map(|index| part(&history, "sqlite", index, 4))
        .collect();
    let merged = merge_shards(&parts).unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].parts, [1, 3, 0, 2]);
    let expected: Vec<String> = (1..=10).map(|n| format!("{n:03}")).collect();
    assert_eq!(ids(&merged[0].revisions), expected);
}

#[test]
fn each_backend_is_merged_on_its_own_sqlite_first() {
    let history = history(5, "a");
    let parts = vec![
        part(&history, "postgres", 1, 1),
        part(&history, "sqlite", 2, 2),
        part(&history, "sqlite", 1, 2),
    ];
    let merged = merge_shards(&parts).unwrap();
    let backends: Vec<&str> = merged.iter().map(|walk| walk.backend.as_str()).collect();
    assert_eq!(backends, ["sqlite", "postgres"]);
    assert_eq!(merged[0].revisions, merged[1].revisions);
}

#[test]
fn a_missing_shard_is_named_with_its_revisions() {
    let history = history(10, "a");
    let parts = vec![
        part(&history, "sqlite", 1, 4),
        part(&history, "sqlite", 4, 4),
    ];
    let error = merge_shards(&parts).unwrap_err();
    assert_eq!(
        error.to_string(),
        "no report for sqlite shard 2/4 (revisions 003 to 005), sqlite shard 3/4 (revisions 006 to 007)"
    );
    assert_eq!(
        error.help().unwrap(),
        "merge every shard's report for each backend; these hold sqlite 1/4, 4/4"
    );
}

#[test]
fn shards_of_different_backends_do_not_make_one_walk() {
    let history = history(4, "a");
    let parts = vec![
        part(&history, "sqlite", 1, 2),
        part(&history, "postgres", 2, 2),
    ];
    let error = merge_shards(&parts).unwrap_err();
    assert!(
        matches!(&error, MergeError::Missing { missing, .. } if missing == &[
            "sqlite shard 2/2 (revisions 003 to 004)".to_owned(),
            "postgres shard 1/2 (revisions 001 to 002)".to_owned(),
        ]),
        "{error}"
    );
}

#[test]
fn a_shard_given_twice_is_refused() {
    let history = history(10, "a");
    let mut twice = part(&history, "sqlite", 2, 4);
    twice.origin = "again.json".into();
    let parts = vec![part(&history, "sqlite", 2, 4), twice];
    assert_eq!(
        merge_shards(&parts).unwrap_err().to_string(),
        "sqlite: shard 2/4 is in both sqlite-2.json and again.json"
    );
}

#[test]
fn shards_of_two_splits_are_refused() {
    let history = history(10, "a");
    let parts = vec![
        part(&history, "sqlite", 1, 2),
        part(&history, "sqlite", 2, 3),
    ];
    assert!(matches!(
        merge_shards(&parts),
        Err(MergeError::SplitsDiffer { .. })
    ));
}

#[test]
fn shards_of_another_history_are_refused() {
    let (old, edited, longer) = (history(10, "a"), history(10, "b"), history(11, "a"));
    let parts = vec![part(&old, "sqlite", 1, 2), part(&edited, "sqlite", 2, 2)];
    let error = merge_shards(&parts).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "sqlite-1.json and sqlite-2.json are of different histories: 10 revisions up to 010, but their files differ"
        ),
        "{error}"
    );
    let parts = vec![part(&old, "sqlite", 1, 2), part(&longer, "sqlite", 2, 2)];
    assert_eq!(
        merge_shards(&parts).unwrap_err().to_string(),
        "sqlite-1.json and sqlite-2.json are of different histories: 10 revisions up to 010 against 11 revisions up to 011"
    );
}

#[test]
fn a_report_whose_verdicts_are_not_its_slice_is_refused() {
    let history = history(10, "a");
    let mut short = part(&history, "sqlite", 2, 2);
    short.revisions.pop();
    let parts = vec![part(&history, "sqlite", 1, 2), short];
    assert!(matches!(
        merge_shards(&parts),
        Err(MergeError::NotAShard { .. })
    ));
    assert_eq!(merge_shards(&[]), Err(MergeError::NoReports));
}
