//! `verify --format json` (and `--report FILE`): one document per backend, or an object of
//! them keyed by backend. A shard's document also says which shard it is; `--merge-reports`
//! reads the documents back.

use std::path::Path;

use anyhow::Context as _;
use migrate::core::lint::LintReport;
use migrate::engine::{HistoryMark, RevisionVerdict, ShardMark};
use serde::{Deserialize, Serialize};

use super::verify_base::BaseCheck;
use super::verify_checksums::ChecksumCheck;
use super::verify_result::{Report, Verification};
use super::verify_snapshot::SnapshotCheck;

/// One backend's report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackendDocument {
    pub backend: String,
    pub source: String,
    /// Which shard of the history this is, on a shard's run only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardMark>,
    pub history: HistoryMark,
    pub revisions: Vec<RevisionVerdict>,
    pub snapshot: SnapshotCheck,
    pub checksums: ChecksumCheck,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseCheck>,
    pub duration_ms: u128,
    /// `migrate lint`'s findings for this backend's dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint: Option<serde_json::Value>,
}

impl BackendDocument {
    fn of(report: &Report, verification: &Verification) -> Self {
        Self {
            backend: report.walk.backend.clone(),
            source: report.walk.source.clone(),
            shard: verification.shard.clone(),
            history: verification.history.clone(),
            revisions: report.walk.revisions.clone(),
            snapshot: report.snapshot.clone(),
            checksums: verification.checksums.clone(),
            base: verification.base.clone(),
            duration_ms: report.walk.duration_ms,
            lint: verification
                .lint
                .iter()
                .find(|(backend, _)| *backend == report.walk.backend)
                .filter(|(_, lint)| *lint != LintReport::default())
                .map(|(_, lint)| super::lint_output::json(lint))
                .or_else(|| {
                    let merged = verification.merged_lint.iter();
                    merged
                        .filter(|(backend, _)| *backend == report.walk.backend)
                        .map(|(_, lint)| lint.clone())
                        .next()
                }),
        }
    }
}

/// One backend's report as JSON outside a whole run's document: a mirror's set, which
/// `--merge-reports` never reads.
pub fn backend_json(
    report: &Report,
    checksums: &ChecksumCheck,
    history: HistoryMark,
) -> serde_json::Value {
    serde_json::to_value(BackendDocument {
        backend: report.walk.backend.clone(),
        source: report.walk.source.clone(),
        shard: None,
        history,
        revisions: report.walk.revisions.clone(),
        snapshot: report.snapshot.clone(),
        checksums: checksums.clone(),
        base: None,
        duration_ms: report.walk.duration_ms,
        lint: None,
    })
    .unwrap_or_default()
}

/// The document: a backend's report alone, or the reports keyed by backend.
pub fn document(verification: &Verification) -> anyhow::Result<String> {
    let each = |report| serde_json::to_value(BackendDocument::of(report, verification));
    let value = match verification.reports.as_slice() {
        [only] => each(only)?,
        many => serde_json::Value::Object(
            many.iter()
                .map(|report| Ok((report.walk.backend.clone(), each(report)?)))
                .collect::<Result<_, serde_json::Error>>()?,
        ),
    };
    Ok(serde_json::to_string_pretty(&value)?)
}

/// The backends' reports in a document `verify` wrote.
pub fn read(path: &Path) -> anyhow::Result<Vec<BackendDocument>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let not_a_report = || {
        format!(
            "{} is not a report of `migrate verify --format json`",
            path.display()
        )
    };
    let value: serde_json::Value = serde_json::from_str(&text).with_context(not_a_report)?;
    let documents = if value.get("backend").is_some() {
        vec![serde_json::from_value(value).with_context(not_a_report)?]
    } else {
        let serde_json::Value::Object(map) = value else {
            anyhow::bail!(not_a_report());
        };
        map.into_iter()
            .map(|(_, each)| serde_json::from_value(each))
            .collect::<Result<_, _>>()
            .with_context(not_a_report)?
    };
    Ok(documents)
}
