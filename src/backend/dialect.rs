//! Which SQL dialect a backend speaks, and the few spelling differences that follow.

use std::fmt;

use super::sql_value::SqlValue;

/// A database family with its own SQL spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The placeholder for the `n`th (1-based) bound parameter.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Self::Sqlite => format!("?{n}"),
            Self::Postgres => format!("${n}"),
        }
    }

    /// Quotes an identifier (a table or schema name) so any text is safe in its place.
    /// Both dialects double an embedded `"`.
    pub fn quote_identifier(self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// `schema.name`, each part quoted; the bare name where there is no schema.
    pub fn quote_qualified(self, name: &crate::schema::QualifiedName) -> String {
        let table = self.quote_identifier(&name.name);
        match &name.schema {
            Some(schema) => format!("{}.{table}", self.quote_identifier(schema)),
            None => table,
        }
    }

    /// An expression giving the bytes of a bytea or blob `expr` as hex digits, to read
    /// another tool's binary checksum as text.
    pub fn hex_of(self, expr: &str) -> String {
        match self {
            Self::Sqlite => format!("hex({expr})"),
            Self::Postgres => format!("encode({expr}, 'hex')"),
        }
    }

    /// A value written out as a literal. Only for SQL that is printed for a person to read
    /// or run (`--sql`); SQL this program runs always binds its values.
    pub fn literal(self, value: &SqlValue) -> String {
        match value {
            SqlValue::Text(None) => "NULL".into(),
            SqlValue::Text(Some(text)) => format!("'{}'", text.replace('\'', "''")),
            SqlValue::Integer(number) => number.to_string(),
        }
    }

    /// A database's error code as its users know it: PostgreSQL's SQLSTATE, SQLite's
    /// result code (already named, with its number).
    pub fn error_code(self, code: &str) -> String {
        match self {
            Self::Sqlite => code.to_owned(),
            Self::Postgres => format!("SQLSTATE {code}"),
        }
    }

    /// The name users know the backend by, as in `--backend sqlite`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// The dialect [`Self::name`] names, as reports carry it.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Sqlite, Self::Postgres]
            .into_iter()
            .find(|dialect| dialect.name() == name)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_embedded_quotes() {
        assert_eq!(
            Dialect::Sqlite.quote_identifier(r#"a"b"#),
            r#""a""b""#.to_owned()
        );
        assert_eq!(Dialect::Postgres.placeholder(3), "$3");
        assert_eq!(Dialect::Sqlite.placeholder(3), "?3");
    }
}
