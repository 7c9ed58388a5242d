//! `migrate adopt`: from what another tool's tracking table says was applied, the revisions
//! to record in ours, the checksums compared, and the plan (the `Record` steps `stamp`
//! runs). Pure: no I/O.

use std::collections::BTreeSet;

use super::adopt_checksum::{ChecksumCheck, ChecksumRule, Verdict, refinery_width};
use super::adopt_error::AdoptError;
use super::adopt_tool::{ForeignState, ForeignVersion, Recorded, Tool};
use super::adopt_version::{VersionIndex, at_or_below, version_key};
use super::applied::AppliedRevision;
use super::history::History;
use super::ignored_chars::IgnoredChars;
use super::plan::{Plan, plan_stamp};
use super::revision::Revision;
use super::revision_id::RevisionId;
use super::target::Target;

/// What adopt found and will record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AdoptReport {
    #[serde(rename = "from")]
    pub tool: Tool,
    pub table: &'static str,
    /// Our revisions the tool applied, oldest first.
    #[serde(serialize_with = "serialize_ids")]
    pub adopted: Vec<RevisionId>,
    /// Empty when the tool stores no checksums.
    pub checksums: Vec<ChecksumCheck>,
    /// Alembic's `version_num`, which `--to` stands for.
    pub alembic_version: Option<String>,
    /// Flyway's baseline version: the adopted revisions at or below it have no row (nor
    /// checksum) of their own.
    pub baseline: Option<String>,
    /// Our table already records exactly these revisions: nothing to do.
    pub already_adopted: bool,
}

/// The report, and the plan that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub report: AdoptReport,
    pub plan: Plan,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdoptOptions<'a> {
    /// Our revision alembic's current one corresponds to (`--to`).
    pub to: Option<&'a Target>,
    /// Record revisions whose files differ from the stored checksums.
    pub allow_changed: bool,
    /// sqlx's `ignored-chars`: left out of the text before its checksum is computed.
    pub ignored_chars: Option<&'a IgnoredChars>,
}

fn serialize_ids<S: serde::Serializer>(ids: &[RevisionId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ids.iter().map(RevisionId::as_str))
}

/// Matches what `tool` applied to `history`, checks it against our table's rows, and plans
/// the records.
pub fn plan_adopt(
    tool: Tool,
    history: &History,
    applied: &[AppliedRevision],
    state: &ForeignState,
    options: AdoptOptions<'_>,
) -> Result<Adoption, AdoptError> {
    if !state.dirty.is_empty() {
        return Err(AdoptError::Dirty {
            tool,
            versions: state.dirty.clone(),
        });
    }
    check_options(tool, &options)?;
    let revisions = history.revisions();
    let mut alembic_version = None;
    let mut stored: Vec<(&Revision, &ForeignVersion)> = Vec::new();
    let count = match &state.recorded {
        Recorded::Versions(versions) => {
            let matched = match_versions(tool, revisions, versions, state.baseline.as_deref())?;
            stored = matched
                .iter()
                .filter_map(|&(revision, version)| Some((revision, version?)))
                .collect();
            matched.len()
        }
        Recorded::UpTo(version) => {
            match VersionIndex::new(revisions, tool.drops_dashes()).find(version) {
                Some(index) => index + 1,
                None => return Err(not_in_directory(tool, [version.clone()])),
            }
        }
        Recorded::Alembic(revision) => {
            alembic_version = Some(revision.clone());
            let ids: Vec<RevisionId> = revisions.iter().map(|r| r.id.clone()).collect();
            options.to.map_or(Ok(0), |to| to.resolve(&ids, 0))?
        }
    };
    let adopted: Vec<RevisionId> = revisions[..count].iter().map(|r| r.id.clone()).collect();
    let rule = ChecksumRule {
        tool,
        ignored: options.ignored_chars.cloned().unwrap_or_default(),
        refinery: refinery_width(&stored),
    };
    let checksums: Vec<ChecksumCheck> = stored
        .iter()
        .filter_map(|(revision, version)| rule.check(revision, version))
        .collect();
    let differ: Vec<ChecksumCheck> = checksums
        .iter()
        .filter(|check| matches!(check.verdict, Verdict::Differs { .. }))
        .cloned()
        .collect();
    if !differ.is_empty() && !options.allow_changed {
        return Err(AdoptError::ChecksumsDiffer { tool, differ });
    }
    let ours: BTreeSet<&RevisionId> = applied.iter().map(|row| &row.id).collect();
    let already_adopted = !applied.is_empty() && ours == adopted.iter().collect();
    if !applied.is_empty() && !already_adopted {
        return Err(AdoptError::AlreadyTracked {
            tool,
            rows: applied.len(),
        });
    }
    let plan = match adopted.last() {
        Some(last) if !already_adopted => {
            plan_stamp(history, applied, &Target::Revision(last.to_string()))?
        }
        _ => Plan::default(),
    };
    let report = AdoptReport {
        tool,
        table: tool.table(),
        adopted,
        checksums,
        alembic_version,
        baseline: state.baseline.clone(),
        already_adopted,
    };
    Ok(Adoption { report, plan })
}

/// Whether the options fit the tool: `--to` is given exactly when it is needed (alembic's
/// ids are not ours, every other tool's versions match ours by number), and ignored
/// characters are sqlx's setting only. Checked before the database is read.
pub fn check_options(tool: Tool, options: &AdoptOptions<'_>) -> Result<(), AdoptError> {
    if tool != Tool::Sqlx && options.ignored_chars.is_some_and(|chars| !chars.is_empty()) {
        return Err(AdoptError::IgnoredCharsNotAllowed { tool });
    }
    match (tool, options.to) {
        (Tool::Alembic, None) => Err(AdoptError::MissingTo),
        (Tool::Alembic, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(AdoptError::ToNotAllowed { tool }),
    }
}

/// Pairs each version with our revision, and each revision at or below a baseline with no
/// version; refuses versions we lack, and a set that is not a prefix of the history.
fn match_versions<'a>(
    tool: Tool,
    revisions: &'a [Revision],
    versions: &'a [ForeignVersion],
    baseline: Option<&str>,
) -> Result<Vec<(&'a Revision, Option<&'a ForeignVersion>)>, AdoptError> {
    let mut found: Vec<(usize, Option<&ForeignVersion>)> = Vec::with_capacity(versions.len());
    let mut unknown = Vec::new();
    let index = VersionIndex::new(revisions, tool.drops_dashes());
    for version in versions {
        match index.find(&version.version) {
            Some(index) => found.push((index, Some(version))),
            None => unknown.push(version.version.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(not_in_directory(tool, unknown));
    }
    if let Some(baseline) = baseline {
        // After the versions, so that a version with a row of its own keeps its checksum
        // when the dedup below keeps the first of each index.
        let below = revisions
            .iter()
            .enumerate()
            .filter(|(_, revision)| at_or_below(revision.id.as_str(), baseline));
        found.extend(below.map(|(index, _)| (index, None)));
    }
    found.sort_by_key(|(index, _)| *index);
    found.dedup_by_key(|(index, _)| *index);
    if let Some(&(newest, _)) = found.last()
        && newest + 1 != found.len()
    {
        let held: BTreeSet<usize> = found.iter().map(|(index, _)| *index).collect();
        return Err(AdoptError::Gap {
            tool,
            missing: (0..newest)
                .filter(|index| !held.contains(index))
                .map(|index| revisions[index].id.clone())
                .collect(),
            newest: revisions[newest].id.clone(),
        });
    }
    Ok(found
        .into_iter()
        .map(|(index, version)| (&revisions[index], version))
        .collect())
}

fn not_in_directory(tool: Tool, versions: impl IntoIterator<Item = String>) -> AdoptError {
    let mut versions: Vec<String> = versions.into_iter().collect();
    versions.sort_by_key(|version| version_key(version));
    AdoptError::NotInDirectory { tool, versions }
}

#[cfg(test)]
#[path = "adopt_tests.rs"]
mod tests;
