//! `verify --merge-reports`: the JSON reports of every shard put back into the report of
//! one run, through the same merge as `--jobs`.

use std::path::PathBuf;

use migrate::engine::{MergeError, MergedWalk, ShardPart, WalkReport, merge_shards};

use super::verify_json::{self, BackendDocument};
use super::verify_result::{Report, Verification};
use super::verify_snapshot::SnapshotCheck;

/// The shard reports in `paths` put back together: per backend the shards' verdicts in
/// order, the snapshot check of the last shard, the sum file and base checks of the first.
pub fn merge_files(paths: &[PathBuf]) -> anyhow::Result<Verification> {
    let mut documents: Vec<(String, BackendDocument)> = Vec::new();
    for path in paths {
        let origin = path.display().to_string();
        for document in verify_json::read(path)? {
            documents.push((origin.clone(), document));
        }
    }
    let parts = documents
        .iter()
        .map(|(origin, document)| {
            let shard = document
                .shard
                .clone()
                .ok_or_else(|| MergeError::NotAShard {
                    origin: origin.clone(),
                    backend: document.backend.clone(),
                    detail: "it is the report of a whole run".into(),
                })?;
            Ok(ShardPart {
                origin: origin.clone(),
                backend: document.backend.clone(),
                shard,
                history: document.history.clone(),
                revisions: document.revisions.clone(),
            })
        })
        .collect::<Result<Vec<_>, MergeError>>()?;
    let merged = merge_shards(&parts)?;
    let shards_of = |walk: &MergedWalk| -> Vec<&BackendDocument> {
        walk.parts.iter().map(|&at| &documents[at].1).collect()
    };
    let first = merged
        .first()
        .and_then(|walk| shards_of(walk).first().copied())
        .ok_or(MergeError::NoReports)?;
    let reports = merged
        .iter()
        .map(|walk| {
            let shards = shards_of(walk);
            Report {
                walk: WalkReport {
                    backend: walk.backend.clone(),
                    source: shards
                        .first()
                        .map_or_else(String::new, |shard| shard.source.clone()),
                    revisions: walk.revisions.clone(),
                    head: None,
                    duration_ms: shards.iter().map(|shard| shard.duration_ms).sum(),
                },
                snapshot: shards
                    .last()
                    .map_or(SnapshotCheck::NotChecked, |last| last.snapshot.clone()),
            }
        })
        .collect();
    Ok(Verification {
        reports,
        checksums: first.checksums.clone(),
        base: first.base.clone(),
        notes: Vec::new(),
        history: first.history.clone(),
        shard: None,
        lint: Vec::new(),
        merged_lint: merged
            .iter()
            .filter_map(|walk| {
                let first = shards_of(walk).first().copied()?;
                Some((walk.backend.clone(), first.lint.clone()?))
            })
            .collect(),
    })
}
