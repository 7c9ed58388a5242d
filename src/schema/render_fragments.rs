//! SQL fragments that the renderer, its table part and the diff spell alike. Pure.

use std::fmt::Write;

use super::name::quote_literal;

/// `COMMENT ON … IS '…';` on its own line, when there is a comment.
pub(crate) fn comment_line(out: &mut String, on: &str, comment: Option<&String>) {
    if let Some(comment) = comment {
        let _ = write!(out, "\nCOMMENT ON {on} IS {};", quote_literal(comment));
    }
}

/// `('a', 'b')`: enum labels in order.
pub(crate) fn enum_labels(labels: &[String]) -> String {
    let quoted: Vec<String> = labels.iter().map(|label| quote_literal(label)).collect();
    format!("({})", quoted.join(", "))
}
