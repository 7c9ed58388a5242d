//! Whether two view definitions differ only by date/time constants folded when the view was
//! made. PostgreSQL evaluates `'now'::timestamp` or `'today'::date` in a view's text once,
//! at `CREATE VIEW`, and stores the result (`'2024-05-01 10:11:12.345'::timestamp without
//! time zone`); the same statement run later stores another value, though the view is the
//! same. Pure.

/// Whether `expected` and `actual` are equal once every quoted date/time literal in them
/// is set aside.
pub(crate) fn differ_only_by_folded_time(expected: &str, actual: &str) -> bool {
    expected != actual && masked(expected) == masked(actual)
}

/// The text with every single-quoted literal that starts like a date (`'YYYY-MM-DD…'`)
/// replaced by `'<time>'`.
fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let close = literal_end(after);
        let literal = &after[..close];
        out.push_str(if looks_like_date(literal) {
            "<time>"
        } else {
            literal
        });
        rest = &after[close..];
        if let Some(stripped) = rest.strip_prefix('\'') {
            out.push('\'');
            rest = stripped;
        }
    }
    out.push_str(rest);
    out
}

/// The length of a literal's body: up to its closing quote, past doubled quotes.
fn literal_end(body: &str) -> usize {
    let bytes = body.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\'' {
            if bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
                continue;
            }
            return at;
        }
        at += 1;
    }
    bytes.len()
}

fn looks_like_date(literal: &str) -> bool {
    let bytes = literal.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_folded_now_is_only_a_constant() {
        let first = "SELECT id FROM posts WHERE published > ('2022-07-07 18:26:50.123'::timestamp without time zone - '7 days'::interval)";
        let later = "SELECT id FROM posts WHERE published > ('2024-01-02 03:04:05.6'::timestamp without time zone - '7 days'::interval)";
        assert!(differ_only_by_folded_time(first, later));
        let today = "SELECT 1 WHERE d = '2022-07-07'::date";
        assert!(differ_only_by_folded_time(
            today,
            "SELECT 1 WHERE d = '2023-01-01'::date"
        ));
    }

    #[test]
    fn other_differences_still_count() {
        let first = "SELECT id FROM posts WHERE published > '2022-07-07 18:26:50'::timestamp";
        assert!(
            !differ_only_by_folded_time(first, first),
            "equal texts are no finding"
        );
        assert!(!differ_only_by_folded_time(
            first,
            "SELECT id, title FROM posts WHERE published > '2024-01-01 00:00:00'::timestamp"
        ));
        assert!(!differ_only_by_folded_time(
            "SELECT 'open' AS state",
            "SELECT 'closed' AS state"
        ));
        assert!(!differ_only_by_folded_time(
            "SELECT 'it''s 2022-07-07' AS note",
            "SELECT 'it''s 2023-01-01' AS note"
        ));
    }

    proptest! {
        /// Any two timestamps in the same place are set aside; a change elsewhere is not.
        #[test]
        fn only_the_timestamps_are_masked(
            a in "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}",
            b in "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}",
            column in "[a-z]{1,8}",
        ) {
            let view = |stamp: &str, col: &str| format!("SELECT {col} FROM t WHERE at > '{stamp}'::timestamp");
            prop_assert_eq!(differ_only_by_folded_time(&view(&a, &column), &view(&b, &column)), a != b);
            let other = format!("{column}x");
            prop_assert!(!differ_only_by_folded_time(&view(&a, &column), &view(&b, &other)));
        }
    }
}
