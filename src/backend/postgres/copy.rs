//! The tracking row of a long script, written with `COPY … FROM STDIN` and its texts
//! streamed in pieces. Bound as a parameter, a 76 MB script's text was copied whole into
//! the message and again into the driver's buffer, which grew to twice that. COPY's data
//! travel apart from the statement, as bound values do: nothing is spliced into SQL.

use std::io::Write;

use postgres::GenericClient;

use super::batches::BATCH_BYTES;
use super::error::{message, tracking};
use crate::backend::SqlValue;
use crate::backend::dialect::Dialect;
use crate::backend::error::BackendError;
use crate::backend::version_table::{TRACKING_COLUMNS, VersionTable};
use crate::core::AppliedRevision;

/// The most of a text written to the driver at once; it sends what it holds every 4 KiB.
const PIECE: usize = 64 * 1024;

/// Whether a row goes apart from the staged records: its texts are long enough to be
/// streamed (those of a script sent in batches), or it leaves a text out (the table may
/// first need to allow NULL, see `tracking.rs`).
pub(crate) fn is_long(row: &AppliedRevision) -> bool {
    let length = |text: &Option<std::sync::Arc<str>>| text.as_deref().map_or(0, str::len);
    row.leaves_out_a_text() || length(&row.up_sql) + length(&row.down_sql) > BATCH_BYTES
}

/// Inserts one row of [`TRACKING_COLUMNS`] into `table`, in the caller's transaction.
pub(crate) fn copy_record(
    client: &mut impl GenericClient,
    table: &VersionTable,
    values: &[SqlValue<'_>],
) -> Result<(), BackendError> {
    let fail = |text: String| tracking(table, text);
    let statement = format!(
        "COPY {} ({}) FROM STDIN",
        table.qualified(Dialect::Postgres),
        TRACKING_COLUMNS.join(", ")
    );
    let mut writer = client
        .copy_in(&statement)
        .map_err(|error| fail(message(&error)))?;
    write_row(&mut writer, values).map_err(|error| {
        // The writer's errors are the driver's, wrapped.
        let driver = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<postgres::Error>());
        fail(driver.map_or_else(|| error.to_string(), message))
    })?;
    writer.finish().map_err(|error| fail(message(&error)))?;
    Ok(())
}

/// One row in COPY's text format: values apart by tabs, `\N` for NULL, a line break last.
fn write_row(out: &mut impl Write, values: &[SqlValue<'_>]) -> std::io::Result<()> {
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            out.write_all(b"\t")?;
        }
        match value {
            SqlValue::Text(None) => out.write_all(b"\\N")?,
            SqlValue::Text(Some(text)) => write_escaped(out, text.as_bytes())?,
            SqlValue::Integer(number) => out.write_all(number.to_string().as_bytes())?,
        }
    }
    out.write_all(b"\n")
}

/// `text` with the bytes COPY reads specially (backslash, tab, line feed, carriage return)
/// escaped, in pieces of at most [`PIECE`] bytes.
fn write_escaped(out: &mut impl Write, mut text: &[u8]) -> std::io::Result<()> {
    while !text.is_empty() {
        let plain = text
            .iter()
            .take(PIECE)
            .position(|byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r'))
            .unwrap_or_else(|| text.len().min(PIECE));
        out.write_all(&text[..plain])?;
        let Some(&special) = text.get(plain) else {
            break;
        };
        if plain < PIECE {
            out.write_all(match special {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                _ => b"\\r",
            })?;
            text = &text[plain + 1..];
        } else {
            text = &text[plain..];
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What COPY's text format reads back from an escaped value.
    fn unescape(text: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut bytes = text.iter();
        while let Some(&byte) = bytes.next() {
            if byte != b'\\' {
                out.push(byte);
                continue;
            }
            out.push(match bytes.next() {
                Some(b't') => b'\t',
                Some(b'n') => b'\n',
                Some(b'r') => b'\r',
                Some(&other) => other,
                None => byte,
            });
        }
        out
    }

    #[test]
    fn a_row_is_tab_separated_with_null_as_backslash_n() {
        let values = [
            SqlValue::Text(Some("a\tb\\c\r\nd".into())),
            SqlValue::Text(None),
            SqlValue::Integer(-7),
        ];
        let mut out = Vec::new();
        write_row(&mut out, &values).unwrap();
        assert_eq!(out, b"a\\tb\\\\c\\r\\nd\t\\N\t-7\n");
    }

    proptest! {
        #[test]
        fn escaping_round_trips_and_keeps_no_raw_separator(
            text in "[a-c\\\\\t\n\r]{0,200}",
            long in 0usize..3,
        ) {
            // Texts longer than a piece, with specials on both sides of its end.
            let text = format!("{}{text}", "x".repeat(long * (PIECE - 1)));
            let mut out = Vec::new();
            write_escaped(&mut out, text.as_bytes()).unwrap();
            prop_assert!(!out.iter().any(|byte| matches!(byte, b'\t' | b'\n' | b'\r')));
            let back = unescape(&out);
            prop_assert!(back == text.as_bytes(), "{} bytes back of {}", back.len(), text.len());
        }
    }
}
