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

/// A unified diff (with its two header lines) with the white space of its added and
/// removed lines shown, as git highlights it on changed lines only.
pub fn show_whitespace_in_diff(unified: &str) -> String {
    let mut shown = String::with_capacity(unified.len() + 16);
    for (index, line) in unified.split_inclusive('\n').enumerate() {
        let header = index < 2 && (line.starts_with("--- ") || line.starts_with("+++ "));
        let text = line.strip_suffix('\n');
        match (line.chars().next(), text) {
            (Some(sign @ ('+' | '-')), Some(text)) if !header => {
                shown.push(sign);
                shown.push_str(&show_whitespace(&text[1..]));
                shown.push('\n');
            }
            _ => shown.push_str(line),
        }
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

    #[test]
    fn a_diff_shows_whitespace_on_changed_lines_only() {
        let diff = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n keep \n-old\n+old \n--- comment\n";
        assert_eq!(
            show_whitespace_in_diff(diff),
            "--- a\n+++ b\n@@ -1,2 +1,2 @@\n keep \n-old\n+old·\n--- comment\n"
        );
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
