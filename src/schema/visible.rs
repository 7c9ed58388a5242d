//! White space made visible in messages that compare two texts, as git's
//! `--ws-error-highlight` marks it: `·` for a trailing space, `→` for a tab, `␍` for a
//! carriage return. Without it, `begin` instead of `begin ` reads as no difference at all.
//! Pure.

/// `line` with its tabs as `→`, carriage returns as `␍` and trailing spaces as `·`.
pub fn show_whitespace(line: &str) -> String {
    let content_end = line
        .char_indices()
        .rev()
        .find(|(_, c)| !matches!(c, ' ' | '\t' | '\r'))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let mut shown = String::with_capacity(line.len() + 8);
    for (at, c) in line.char_indices() {
        shown.push(match c {
            '\t' => '→',
            '\r' => '␍',
            ' ' if at >= content_end => '·',
            other => other,
        });
    }
    shown
}

/// Whether two texts differ in their white space alone.
pub fn differ_in_whitespace_only(a: &str, b: &str) -> bool {
    a != b && a.split_whitespace().eq(b.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trailing_spaces_tabs_and_carriage_returns_show() {
        assert_eq!(show_whitespace("begin  "), "begin··");
        assert_eq!(show_whitespace("\tSELECT 1;\r"), "→SELECT 1;␍");
        assert_eq!(show_whitespace("a b \t "), "a b·→·");
        assert_eq!(show_whitespace("  indented"), "  indented");
        assert_eq!(show_whitespace("   "), "···");
    }

    #[test]
    fn only_whitespace_differences_count() {
        assert!(differ_in_whitespace_only("begin", "begin "));
        assert!(!differ_in_whitespace_only("begin", "begin"));
        assert!(!differ_in_whitespace_only("begin", "end"));
    }

    proptest! {
        /// Nothing but white space changes, so the visible text still tells lines apart.
        #[test]
        fn only_whitespace_is_replaced(line in "[a-z \\t\\r]{0,20}") {
            let shown = show_whitespace(&line);
            prop_assert_eq!(shown.chars().count(), line.chars().count());
            let back: String = shown
                .chars()
                .map(|c| match c { '→' => '\t', '␍' => '\r', '·' => ' ', c => c })
                .collect();
            prop_assert_eq!(back, line);
        }
    }
}
