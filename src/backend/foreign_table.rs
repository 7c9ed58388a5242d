//! Reading another tool's tracking table (`migrate adopt`): the SELECT, written once for
//! every backend. Every value comes back as text so the backends need no per-column types;
//! the only dialect difference, how bytes become hex, lives in [`Dialect::hex_of`].

use super::dialect::Dialect;

/// How a column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Cast to text: numbers, booleans (`1`/`0` on SQLite, `true`/`false` on PostgreSQL),
    /// timestamps and text.
    Text,
    /// A bytea or blob, as hex digits (the case differs between dialects).
    Bytes,
}

/// One column to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    pub name: &'a str,
    pub kind: ColumnKind,
}

impl<'a> Column<'a> {
    /// A column read with `CAST(… AS TEXT)`.
    pub const fn text(name: &'a str) -> Self {
        Self {
            name,
            kind: ColumnKind::Text,
        }
    }

    /// A bytea or blob column read as hex.
    pub const fn bytes(name: &'a str) -> Self {
        Self {
            name,
            kind: ColumnKind::Bytes,
        }
    }
}

/// A table's rows, each value as text (`None` for NULL), columns in the order asked.
pub type TextRows = Vec<Vec<Option<String>>>;

/// `SELECT CAST(a AS TEXT), hex(b) FROM table`; `table` is already qualified and quoted.
pub fn select_as_text(dialect: Dialect, table: &str, columns: &[Column<'_>]) -> String {
    let list: Vec<String> = columns
        .iter()
        .map(|column| {
            let quoted = dialect.quote_identifier(column.name);
            match column.kind {
                ColumnKind::Text => format!("CAST({quoted} AS TEXT)"),
                ColumnKind::Bytes => dialect.hex_of(&quoted),
            }
        })
        .collect();
    format!("SELECT {} FROM {table}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_text_and_hexes_bytes_per_dialect() {
        let columns = [Column::text("version"), Column::bytes("checksum")];
        assert_eq!(
            select_as_text(Dialect::Sqlite, "\"_sqlx_migrations\"", &columns),
            r#"SELECT CAST("version" AS TEXT), hex("checksum") FROM "_sqlx_migrations""#
        );
        assert_eq!(
            select_as_text(Dialect::Postgres, "\"public\".\"t\"", &columns),
            r#"SELECT CAST("version" AS TEXT), encode("checksum", 'hex') FROM "public"."t""#
        );
    }
}
