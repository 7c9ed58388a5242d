//! Walking two maps of objects in step, as every part of the diff does: what only one side
//! has, and what both have but differently. Pure.

use std::borrow::Borrow;
use std::cmp::Ordering;

use super::finding::{Details, Finding, FindingKind, describe, detail};
use super::name::quote_literal;

/// Walks two maps in key order: what only `expected` has is missing, what only `actual`
/// has is unexpected, and `changed` reports on what both have but differently. Values are
/// objects or shared objects (`Arc`, whose comparison with itself is a pointer's).
pub(crate) fn compare_with<'a, K: Ord + 'a, V: PartialEq + Borrow<T> + 'a, T>(
    out: &mut Vec<Finding>,
    (expected, actual): (
        impl IntoIterator<Item = (&'a K, &'a V)>,
        impl IntoIterator<Item = (&'a K, &'a V)>,
    ),
    object: impl Fn(&T) -> String,
    changed: impl Fn(&T, &T, &mut Vec<Finding>),
) {
    // One pass over both, in step: verify compares snapshots of thousands of objects
    // thousands of times, and looking every key up in both maps was most of its time.
    let mut expected = expected.into_iter().peekable();
    let mut actual = actual.into_iter().peekable();
    loop {
        let order = match (expected.peek(), actual.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((e, _)), Some((a, _))) => e.cmp(a),
        };
        match order {
            Ordering::Less => {
                let (_, e) = expected.next().expect("peeked");
                out.push(Finding::missing(object(e.borrow())));
            }
            Ordering::Greater => {
                let (_, a) = actual.next().expect("peeked");
                out.push(Finding::unexpected(object(a.borrow())));
            }
            Ordering::Equal => {
                let ((_, e), (_, a)) = (
                    expected.next().expect("peeked"),
                    actual.next().expect("peeked"),
                );
                if e != a {
                    changed(e.borrow(), a.borrow(), out);
                }
            }
        }
    }
}

/// [`compare_with`] for objects whose changes are a list of details.
pub(crate) fn compare<'a, K: Ord + 'a, V: PartialEq + Borrow<T> + 'a, T>(
    out: &mut Vec<Finding>,
    maps: (
        impl IntoIterator<Item = (&'a K, &'a V)>,
        impl IntoIterator<Item = (&'a K, &'a V)>,
    ),
    object: impl Fn(&T) -> String,
    details: impl Fn(&T) -> Details,
) {
    compare_with(out, maps, &object, |e: &T, a: &T, out| {
        if let Some(text) = describe(&details(e), &details(a)) {
            out.push(Finding::with_detail(FindingKind::Changed, object(a), &text));
        }
    });
}

/// A comment's detail line, quoted as SQL spells it.
pub(crate) fn comment(details: &mut Details, comment: Option<&String>) {
    detail(details, "comment", comment.map(|text| quote_literal(text)));
}
