//! Turns a byte offset in a file into the line and column a user looks for.
//! Pure: no I/O.

/// A 1-based line and column (in characters) within a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`; an offset past the end or inside a
    /// character is clamped to the nearest character boundary before it.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        Self {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// The text of this location's line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str) -> &'t str {
        text.lines()
            .nth(self.line - 1)
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_lines_and_characters() {
        let text = "select 1;\ncréate table;\n";
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        let at = text.find("table").unwrap();
        let location = Location::of_offset(text, at);
        assert_eq!(location, Location { line: 2, column: 8 });
        assert_eq!(location.line_text(text), "créate table;");
    }

    proptest! {
        #[test]
        fn any_offset_is_safe(text in "\\PC{0,40}", offset in 0usize..100) {
            let location = Location::of_offset(&text, offset);
            prop_assert!(location.line >= 1 && location.column >= 1);
            let _ = location.line_text(&text);
        }
    }
}
