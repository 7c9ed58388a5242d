//! What verify says of a revision: the verdict of each way a step can end, and whether a
//! down restored the schema (or left exactly the difference it declares).

use std::collections::BTreeSet;

use super::verify_report::{RevisionVerdict, Status};
use crate::backend::BackendError;
use crate::core::{Location, Revision, Script, TransactionControl};
use crate::schema::{Finding, Schema};

/// What checking one revision left.
pub(super) struct Outcome {
    pub(super) verdict: RevisionVerdict,
    /// The schema with this revision applied, when known.
    pub(super) after: Option<Schema>,
    /// The database is not at "this revision applied" and must be rebuilt.
    pub(super) needs_rebuild: bool,
}

/// The verdict on a down that ran: `None` when it restored the schema (or left exactly the
/// difference its `-- migrate:allow-diff` lines declare).
pub(super) fn judge_down(
    revision: &Revision,
    down: &Script,
    failures: Vec<Finding>,
) -> Option<RevisionVerdict> {
    let declared = &down.directives.allow_diff;
    let actual = objects(failures.iter().map(|f| f.object.as_str()));
    let expected = objects(declared.iter().map(String::as_str));
    if actual == expected {
        return None;
    }
    let mut verdict = verdict(revision, Status::DownMismatch);
    verdict.file = Some(down.origin.clone());
    verdict.detail = Some(if declared.is_empty() {
        "the down did not restore the schema from before the up".into()
    } else {
        let stale: Vec<&str> = expected.difference(&actual).map(String::as_str).collect();
        let undeclared: Vec<&str> = actual.difference(&expected).map(String::as_str).collect();
        format!(
            "the difference the down leaves is not the one it declares (declared but not found: {}; found but not declared: {})",
            list(&stale),
            list(&undeclared)
        )
    });
    verdict.diff = failures;
    Some(verdict)
}

/// Objects by name without PostgreSQL's default schema, so `column users.legacy_id` in a
/// declaration names `column public.users.legacy_id` of a finding on either backend.
pub(super) fn objects<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    names
        .map(|name| name.replacen(" public.", " ", 1))
        .collect()
}

pub(super) fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

pub(super) fn skipped(revision: &Revision) -> RevisionVerdict {
    let mut skipped = verdict(revision, Status::Skipped);
    skipped.detail = Some("not checked: an earlier revision's up failed".into());
    skipped
}

pub(super) fn verdict(revision: &Revision, status: Status) -> RevisionVerdict {
    RevisionVerdict {
        id: revision.id.to_string(),
        slug: revision.slug.clone(),
        status,
        detail: None,
        diff: Vec::new(),
        warnings: Vec::new(),
        file: None,
        line: None,
        data_skipped: Vec::new(),
        data_warnings: Vec::new(),
        locks: Vec::new(),
        quick: None,
    }
}

pub(super) fn failed(
    revision: &Revision,
    status: Status,
    script: &Script,
    error: BackendError,
    rebuild: bool,
) -> Outcome {
    let mut verdict = verdict(revision, status);
    verdict.file = Some(script.origin.clone());
    if let BackendError::Script { failure } = &error {
        verdict.line = failure
            .offset
            .map(|offset| Location::of_offset(&script.text, offset).line);
        let code = failure
            .code
            .as_deref()
            .map_or_else(String::new, |code| format!(" [{code}]"));
        verdict.detail = Some(format!("{}{code}", failure.message));
    } else {
        verdict.detail = Some(error.to_string());
    }
    Outcome {
        verdict,
        after: None,
        needs_rebuild: rebuild,
    }
}

/// A script refused for controlling the transaction it runs in; it did not run.
pub(super) fn refused(
    revision: &Revision,
    status: Status,
    control: TransactionControl,
    after: Option<Schema>,
) -> Outcome {
    let mut verdict = verdict(revision, status);
    verdict.detail = Some(format!(
        "`{}` ends or opens a transaction inside the one migrate runs the file in; remove it, or put `-- migrate:no-transaction` at the top of the file",
        control.statement
    ));
    verdict.file = Some(control.origin);
    verdict.line = Some(control.line);
    Outcome {
        verdict,
        after,
        needs_rebuild: false,
    }
}
