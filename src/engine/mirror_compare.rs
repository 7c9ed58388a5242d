//! The two sets of a mirror compared along their histories: revisions matched by id, the
//! schemas each walk read after a revision compared wherever both sets have it, then the
//! heads; each difference dated by the revision it starts at, and the allow list applied
//! to those dates. Plain data in, data out: the walks happened before.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use super::mirror_report::{
    AllowEntry, JudgedFinding, MirrorComparison, MirrorRevision, MirrorStatus,
};
use crate::core::{History, Revision, RevisionId};
use crate::schema::{MirrorCache, MirrorFinding, Schema, Side};

/// What one set's walk left to compare.
pub struct SetSnapshots<'a> {
    pub history: &'a History,
    /// The schema after each revision whose up ran.
    pub applied: &'a BTreeMap<RevisionId, Schema>,
    /// The schema at head; `None` when an up failed.
    pub head: Option<&'a Schema>,
}

/// The label `head` takes in reports and allow entries.
pub const HEAD: &str = "head";

/// Compares the sets at each revision both have and at head.
pub fn compare_sets(
    sqlite: &SetSnapshots<'_>,
    postgres: &SetSnapshots<'_>,
    allow: &[AllowEntry],
) -> MirrorComparison {
    let started = Instant::now();
    let mut dates = Dates::default();
    // Kept along the history: a revision's comparison reduces only what it changed.
    let mut cache = MirrorCache::default();
    let mut revisions = Vec::new();
    for (revision, sets) in mirror_revisions(sqlite.history, postgres.history) {
        let mut entry = MirrorRevision {
            revision: revision.id.to_string(),
            slug: revision.slug.clone(),
            sets: sets.clone(),
            status: MirrorStatus::Same,
            findings: Vec::new(),
            detail: None,
        };
        if let [side] = sets[..] {
            entry.status = MirrorStatus::OneSide;
            let object = format!("revision {}", entry.label());
            let finding = MirrorFinding::only_on(side, object, None);
            entry
                .findings
                .push(dates.judge(&finding, &entry.revision, allow));
        } else {
            match (
                sqlite.applied.get(&revision.id),
                postgres.applied.get(&revision.id),
            ) {
                (Some(a), Some(b)) => {
                    let findings = cache.diff(a, b).findings;
                    let started = dates.advance(&findings, &entry.revision);
                    entry.findings = judge_all(&mut dates, &started, allow);
                    if !findings.is_empty() {
                        entry.status = MirrorStatus::Differs;
                    }
                }
                (a, _) => {
                    let missing = if a.is_none() {
                        Side::Sqlite
                    } else {
                        Side::Postgres
                    };
                    entry.status = MirrorStatus::NotCompared;
                    entry.detail = Some(format!(
                        "not compared: no schema on {missing} (this up or an earlier one failed, or it was not checked)"
                    ));
                }
            }
        }
        revisions.push(entry);
    }
    let mut head = MirrorRevision {
        revision: HEAD.into(),
        slug: String::new(),
        sets: Side::BOTH.to_vec(),
        status: MirrorStatus::Same,
        findings: Vec::new(),
        detail: None,
    };
    let mut dialect_only = Vec::new();
    match (sqlite.head, postgres.head) {
        (Some(a), Some(b)) => {
            let diff = cache.diff(a, b);
            dates.advance(&diff.findings, HEAD);
            head.findings = judge_all(&mut dates, &diff.findings, allow);
            if !diff.findings.is_empty() {
                head.status = MirrorStatus::Differs;
            }
            dialect_only = diff.dialect_only;
        }
        (a, _) => {
            let missing = if a.is_none() {
                Side::Sqlite
            } else {
                Side::Postgres
            };
            head.status = MirrorStatus::NotCompared;
            head.detail = Some(format!("not compared: an up failed on {missing}"));
        }
    }
    revisions.push(head);
    let stale = allow
        .iter()
        .enumerate()
        .filter(|(at, _)| !dates.used.contains(at))
        .map(|(_, entry)| entry.clone())
        .collect();
    MirrorComparison {
        revisions,
        dialect_only,
        stale,
        duration_ms: started.elapsed().as_millis(),
    }
}

/// Both histories' revisions in id order, each with the sets that have it (the SQLite
/// set's revision where both do).
pub fn mirror_revisions<'a>(
    sqlite: &'a History,
    postgres: &'a History,
) -> Vec<(&'a Revision, Vec<Side>)> {
    let mut out = Vec::with_capacity(sqlite.len().max(postgres.len()));
    let (mut left, mut right) = (
        sqlite.revisions().iter().peekable(),
        postgres.revisions().iter().peekable(),
    );
    loop {
        let next = match (left.peek(), right.peek()) {
            (Some(a), Some(b)) if a.id == b.id => {
                right.next();
                left.next().map(|a| (a, Side::BOTH.to_vec()))
            }
            (Some(a), Some(b)) if a.id < b.id => left.next().map(|a| (a, vec![Side::Sqlite])),
            (Some(_), Some(_)) | (None, Some(_)) => right.next().map(|b| (b, vec![Side::Postgres])),
            (Some(_), None) => left.next().map(|a| (a, vec![Side::Sqlite])),
            (None, None) => None,
        };
        match next {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}

/// When each object's difference started, and which allow entries matched something.
#[derive(Default)]
struct Dates {
    /// Object → the revision (or `head`) from which it has differed without a break.
    since: BTreeMap<String, String>,
    /// The differences at the last comparison, to tell which ones are new.
    previous: BTreeSet<MirrorFinding>,
    used: BTreeSet<usize>,
}

impl Dates {
    /// Moves to a comparison at `revision`: objects that differ no more lose their date,
    /// new ones take this one. Returns the findings that are new here.
    fn advance(&mut self, findings: &[MirrorFinding], revision: &str) -> Vec<MirrorFinding> {
        let objects: BTreeSet<&str> = findings.iter().map(|f| f.object.as_str()).collect();
        self.since
            .retain(|object, _| objects.contains(object.as_str()));
        for object in objects {
            self.since
                .entry(object.to_owned())
                .or_insert_with(|| revision.to_owned());
        }
        let new = findings
            .iter()
            .filter(|f| !self.previous.contains(*f))
            .cloned()
            .collect();
        self.previous = findings.iter().cloned().collect();
        new
    }

    /// The finding with the reason of the allow entry that accepts it: one naming its
    /// object and the revision its difference started at.
    fn judge(&mut self, finding: &MirrorFinding, at: &str, allow: &[AllowEntry]) -> JudgedFinding {
        let since = self.since.get(&finding.object).map_or(at, String::as_str);
        let matched = allow.iter().position(|entry| {
            entry.object.trim() == finding.object && names_revision(entry.revision.trim(), since)
        });
        if let Some(at) = matched {
            self.used.insert(at);
        }
        JudgedFinding {
            object: finding.object.clone(),
            message: finding.message.clone(),
            allowed: matched.map(|at| allow[at].reason.clone()),
        }
    }
}

fn judge_all(
    dates: &mut Dates,
    findings: &[MirrorFinding],
    allow: &[AllowEntry],
) -> Vec<JudgedFinding> {
    findings
        .iter()
        .map(|finding| dates.judge(finding, HEAD, allow))
        .collect()
}

/// An allow entry's revision names a revision by its id or by its folder name
/// (`20240102000000` or `20240102000000_add_api_key`).
fn names_revision(written: &str, revision: &str) -> bool {
    written == revision
        || written
            .split_once('_')
            .is_some_and(|(id, _)| id == revision)
}

#[cfg(test)]
#[path = "mirror_compare_tests.rs"]
mod tests;
