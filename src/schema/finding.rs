//! What a structural diff reports: findings as data, each naming its object and saying in
//! one sentence what differs, plus the phrasing rules those sentences share. Pure.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::visible::{differ_in_whitespace_only, show_whitespace};

/// What sort of difference a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// In the expected schema, not in the actual one.
    Missing,
    /// In the actual schema, not in the expected one.
    Unexpected,
    /// In both, with different details.
    Changed,
    /// The same columns in another order. Kept apart so `verify` can make it a warning:
    /// some databases cannot restore a column's position without rebuilding the table.
    ColumnOrder,
    /// A view whose definition differs only by a date/time constant folded when it was
    /// made (`'now'::timestamp`): the same view, made at another time. `verify` warns.
    FoldedConstant,
}

/// One difference between an expected and an actual schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The object, as a reviewer names it: `column trips.notes`, `index users_email_key`.
    pub object: String,
    /// The whole sentence: `column trips.notes: default '' and NOT NULL missing`.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Finding {
    pub(crate) fn missing(object: String) -> Self {
        let message = format!("{object} missing");
        Self {
            kind: FindingKind::Missing,
            object,
            message,
        }
    }

    pub(crate) fn unexpected(object: String) -> Self {
        let message = format!("{object} still exists");
        Self {
            kind: FindingKind::Unexpected,
            object,
            message,
        }
    }

    pub(crate) fn with_detail(kind: FindingKind, object: String, detail: &str) -> Self {
        let message = format!("{object}: {detail}");
        Self {
            kind,
            object,
            message,
        }
    }
}

/// The details of an object that a diff compares, each a label and a rendered value (empty
/// for flags like `NOT NULL`). Labels are unique within one object.
pub(crate) type Details = Vec<(String, String)>;

/// Adds a detail when present.
pub(crate) fn detail(details: &mut Details, label: &str, value: Option<String>) {
    if let Some(value) = value {
        details.push((label.to_owned(), value));
    }
}

/// Adds a flag when set.
pub(crate) fn flag(details: &mut Details, label: &str, on: bool) {
    if on {
        details.push((label.to_owned(), String::new()));
    }
}

/// One sentence for what differs between two detail lists, or `None` when they agree:
/// `type bigint instead of integer; default '' and NOT NULL missing; UNIQUE unexpected`.
pub(crate) fn describe(expected: &Details, actual: &Details) -> Option<String> {
    let expected_map: BTreeMap<&str, &str> = expected
        .iter()
        .map(|(label, value)| (label.as_str(), value.as_str()))
        .collect();
    let actual_map: BTreeMap<&str, &str> = actual
        .iter()
        .map(|(label, value)| (label.as_str(), value.as_str()))
        .collect();
    let mut changed = Vec::new();
    let mut missing = Vec::new();
    let mut unexpected = Vec::new();
    for (label, value) in expected {
        match actual_map.get(label.as_str()) {
            None => missing.push(phrase(label, value)),
            Some(other) if *other != value => changed.push(change(label, value, other)),
            Some(_) => {}
        }
    }
    for (label, value) in actual {
        if !expected_map.contains_key(label.as_str()) {
            unexpected.push(phrase(label, value));
        }
    }
    let mut parts = changed;
    if !missing.is_empty() {
        parts.push(format!("{} missing", missing.join(" and ")));
    }
    if !unexpected.is_empty() {
        parts.push(format!("{} unexpected", unexpected.join(" and ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn phrase(label: &str, value: &str) -> String {
    if value.is_empty() {
        label.to_owned()
    } else if is_long(value) {
        format!("{label} {}", first_line(value))
    } else {
        format!("{label} {value}")
    }
}

fn is_long(value: &str) -> bool {
    value.contains('\n') || value.len() > 80
}

fn first_line(value: &str) -> String {
    let line = value.lines().next().unwrap_or_default();
    format!("`{}…`", line.trim())
}

/// `default 1 instead of 0`, or for long texts the first line that differs.
fn change(label: &str, expected: &str, actual: &str) -> String {
    if !is_long(expected) && !is_long(actual) {
        if differ_in_whitespace_only(expected, actual) {
            let (actual, expected) = (show_whitespace(actual), show_whitespace(expected));
            return format!("{label} `{actual}` instead of `{expected}`");
        }
        return format!("{label} {actual} instead of {expected}");
    }
    // Split at `\n` alone, so a carriage return stays in its line and can be shown.
    let mut expected_lines = expected.split('\n');
    let mut actual_lines = actual.split('\n');
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => number += 1,
            (e, a) => {
                // Lines that differ in white space alone are shown whole, white space
                // visible; otherwise trimmed, as indentation is rarely the news.
                let whitespace = differ_in_whitespace_only(e.unwrap_or(""), a.unwrap_or(""));
                let show = |line: Option<&str>| match line {
                    Some(line) if whitespace => format!("`{}`", show_whitespace(line)),
                    Some(line) => format!("`{}`", line.trim()),
                    None => "nothing".to_owned(),
                };
                return format!(
                    "{label} differs at line {number}: {} instead of {}",
                    show(a),
                    show(e)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(items: &[(&str, &str)]) -> Details {
        items
            .iter()
            .map(|(label, value)| ((*label).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn describes_changes_then_missing_then_unexpected() {
        let expected = details(&[("type", "integer"), ("default", "''"), ("NOT NULL", "")]);
        let actual = details(&[("type", "bigint"), ("HIDDEN", "")]);
        assert_eq!(
            describe(&expected, &actual).as_deref(),
            Some(
                "type bigint instead of integer; default '' and NOT NULL missing; HIDDEN unexpected"
            )
        );
        assert_eq!(describe(&expected, &expected), None);
    }

    #[test]
    fn whitespace_alone_is_shown() {
        let expected = details(&[("definition", "BEGIN\n  RETURN 1;\nEND")]);
        let actual = details(&[("definition", "BEGIN \n  RETURN 1;\nEND")]);
        assert_eq!(
            describe(&expected, &actual).as_deref(),
            Some("definition differs at line 1: `BEGIN·` instead of `BEGIN`")
        );
        let expected = details(&[("default", "'a'")]);
        let actual = details(&[("default", "'a'\t")]);
        assert_eq!(
            describe(&expected, &actual).as_deref(),
            Some("default `'a'→` instead of `'a'`")
        );
        let expected = details(&[("definition", "SELECT 1\nFROM t")]);
        let actual = details(&[("definition", "SELECT 1\r\nFROM t")]);
        assert_eq!(
            describe(&expected, &actual).as_deref(),
            Some("definition differs at line 1: `SELECT 1␍` instead of `SELECT 1`")
        );
    }

    #[test]
    fn long_texts_show_the_first_differing_line() {
        let expected = details(&[("definition", "SELECT a,\n  b\nFROM t")]);
        let actual = details(&[("definition", "SELECT a,\n  c\nFROM t")]);
        assert_eq!(
            describe(&expected, &actual).as_deref(),
            Some("definition differs at line 2: `c` instead of `b`")
        );
    }
}
