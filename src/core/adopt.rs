//! `migrate adopt`: from what another tool's tracking table says was applied, the revisions
//! to record in ours, the checksums compared, and the plan (the `Record` steps `stamp`
//! runs). Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use super::adopt_error::AdoptError;
use super::adopt_tool::{ForeignState, ForeignVersion, Recorded, Tool};
use super::applied::AppliedRevision;
use super::foreign_checksum::{flyway_checksum, refinery_checksum, sqlx_checksum};
use super::history::History;
use super::plan::{Plan, plan_stamp};
use super::revision::Revision;
use super::revision_id::RevisionId;
use super::target::Target;

/// How a stored checksum compares with the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Same,
    Differs {
        stored: String,
        computed: String,
    },
    /// The tool stored one, but we do not compute it exactly (or cannot read it).
    NotCompared {
        reason: String,
    },
}

/// One adopted revision's stored checksum against its up file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecksumCheck {
    #[serde(serialize_with = "serialize_display")]
    pub id: RevisionId,
    /// The up file, as users name it.
    #[serde(rename = "file")]
    pub origin: String,
    #[serde(flatten)]
    pub verdict: Verdict,
}

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
}

fn serialize_display<S: serde::Serializer>(id: &RevisionId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
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
    check_to(tool, options.to)?;
    let revisions = history.revisions();
    let mut alembic_version = None;
    let mut stored: Vec<(&Revision, &ForeignVersion)> = Vec::new();
    let count = match &state.recorded {
        Recorded::Versions(versions) => {
            stored = match_versions(tool, revisions, versions)?;
            stored.len()
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
    let checksums: Vec<ChecksumCheck> = stored
        .iter()
        .filter_map(|(revision, version)| check(tool, revision, version))
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
        already_adopted,
    };
    Ok(Adoption { report, plan })
}

/// Whether `--to` is given exactly when it is needed: alembic's ids are not ours, every
/// other tool's versions match ours by number. Checked before the database is read.
pub fn check_to(tool: Tool, to: Option<&Target>) -> Result<(), AdoptError> {
    match (tool, to) {
        (Tool::Alembic, None) => Err(AdoptError::MissingTo),
        (Tool::Alembic, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(AdoptError::ToNotAllowed { tool }),
    }
}

/// Pairs each version with our revision; refuses versions we lack, and a set that is not
/// a prefix of the history.
fn match_versions<'a>(
    tool: Tool,
    revisions: &'a [Revision],
    versions: &'a [ForeignVersion],
) -> Result<Vec<(&'a Revision, &'a ForeignVersion)>, AdoptError> {
    let mut found: Vec<(usize, &ForeignVersion)> = Vec::with_capacity(versions.len());
    let mut unknown = Vec::new();
    let index = VersionIndex::new(revisions, tool.drops_dashes());
    for version in versions {
        match index.find(&version.version) {
            Some(index) => found.push((index, version)),
            None => unknown.push(version.version.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(not_in_directory(tool, unknown));
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

/// Our revisions by their ids as numbers (`1` is `000001`; `1.1` is `1.01`), the ids'
/// dashes dropped first for diesel; built once, so matching a long history stays linear.
pub struct VersionIndex {
    by_key: BTreeMap<Vec<String>, usize>,
}

impl VersionIndex {
    /// Indexes `revisions` (oldest first); `drop_dashes` for diesel's versions.
    pub fn new(revisions: &[Revision], drop_dashes: bool) -> Self {
        let mut by_key = BTreeMap::new();
        for (index, revision) in revisions.iter().enumerate().rev() {
            let id = revision.id.as_str();
            let key = if drop_dashes {
                version_key(&id.replace('-', ""))
            } else {
                version_key(id)
            };
            // Iterating backwards leaves the oldest revision for a key that repeats.
            by_key.insert(key, index);
        }
        Self { by_key }
    }

    /// The index of the revision whose id is `version` as a number.
    pub fn find(&self, version: &str) -> Option<usize> {
        let key = version_key(version);
        if key.is_empty() {
            return None;
        }
        self.by_key.get(&key).copied()
    }
}

/// The runs of digits of a version, leading zeros dropped, so equal numbers compare equal.
fn version_key(version: &str) -> Vec<String> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(|run| match run.trim_start_matches('0') {
            "" => "0".to_owned(),
            digits => digits.to_owned(),
        })
        .collect()
}

/// The stored checksum against the file, when the tool stored one.
fn check(tool: Tool, revision: &Revision, version: &ForeignVersion) -> Option<ChecksumCheck> {
    let stored = version.checksum.clone()?;
    let text = &revision.up.text;
    let computed = match tool {
        Tool::Sqlx => Ok(sqlx_checksum(text)),
        Tool::Flyway => Ok(flyway_checksum(text).to_string()),
        Tool::Refinery => match version.version.parse::<i32>() {
            Ok(number) => Ok(refinery_checksum(
                refinery_name(&revision.slug),
                number,
                text,
            )),
            Err(_) => Err("the version is not a 32-bit integer (refinery's int8-versions)".into()),
        },
        _ => Err(format!("{tool} checksums are not computed")),
    };
    let verdict = match computed {
        Ok(computed) if computed.eq_ignore_ascii_case(&stored) => Verdict::Same,
        Ok(computed) => Verdict::Differs { stored, computed },
        Err(reason) => Verdict::NotCompared { reason },
    };
    Some(ChecksumCheck {
        id: revision.id.clone(),
        origin: revision.up.origin.clone(),
        verdict,
    })
}

/// The name refinery hashes: its file-name pattern takes the run of word characters after
/// `__`, so `V1__add-users.sql` is named `add`.
fn refinery_name(slug: &str) -> &str {
    slug.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or(slug)
}

#[cfg(test)]
#[path = "adopt_tests.rs"]
mod tests;
