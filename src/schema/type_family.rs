//! A column type's family: what sort of value it holds, independent of how a dialect
//! spells it, so a SQLite set and a PostgreSQL set of one history can be compared
//! (`TEXT` ≡ `character varying(20)`). Pure: a name in, a family out.
//!
//! The mapping, by base name (lowercase, modifiers such as `(20)` and `(10, 2)` dropped):
//!
//! | family | names |
//! |---|---|
//! | integer | `integer`, `int`, `int2/4/8`, `smallint`, `bigint`, `tinyint`, `mediumint`, `serial`, `smallserial`, `bigserial` |
//! | float | `real`, `double precision`, `double`, `float`, `float4`, `float8` |
//! | numeric | `numeric`, `decimal`, `money` |
//! | text | `text`, `character varying`, `varchar`, `character`, `char`, `bpchar`, `"char"`, `name`, `citext`, `clob`, `nchar`, `nvarchar`, `string` |
//! | bytes | `bytea`, `blob` |
//! | boolean | `boolean`, `bool` |
//! | timestamp | `timestamp [with[out] time zone]`, `timestamptz`, `datetime` |
//! | date | `date` |
//! | time | `time [with[out] time zone]`, `timetz` |
//! | interval | `interval`, with or without its fields (`interval year to month`) |
//! | json | `json`, `jsonb` |
//! | uuid | `uuid` |
//! | array | any PostgreSQL type followed by `[]` |
//!
//! SQLite has one integer type: `INTEGER` stores 1 to 8 bytes as the value needs, so it
//! stands for every PostgreSQL integer (`smallint`, `integer`, `bigint`, `serial`), and
//! they form one family. A SQLite name not in the table follows SQLite's own affinity
//! rules (<https://www.sqlite.org/datatype3.html>, 3.1): containing `INT` is integer;
//! `CHAR`, `CLOB` or `TEXT` is text; `BLOB` is bytes; `REAL`, `FLOA` or `DOUB` is float;
//! anything else numeric. A SQLite column declared without a type is `untyped`. A
//! PostgreSQL name not in the table is a family of its own, named by the type (`inet`,
//! `tsvector`, an enum or a domain before the caller resolves it): it matches only the
//! same name on the other side.

use std::fmt;

/// What sort of value a column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeFamily {
    Integer,
    Float,
    Numeric,
    Text,
    Bytes,
    Boolean,
    Timestamp,
    Date,
    Time,
    Interval,
    Json,
    Uuid,
    /// A PostgreSQL array of any element type.
    Array,
    /// A SQLite column declared without a type: it holds any value.
    Untyped,
    /// A type of its own, by its lowercase name: `inet`, `tsvector`, a user's type.
    Other(String),
}

/// Base names with their family. Every name appears once; `of_name` looks names up here.
pub(crate) const NAMES: &[(&str, TypeFamily)] = &[
    ("smallint", TypeFamily::Integer),
    ("integer", TypeFamily::Integer),
    ("bigint", TypeFamily::Integer),
    ("int", TypeFamily::Integer),
    ("int2", TypeFamily::Integer),
    ("int4", TypeFamily::Integer),
    ("int8", TypeFamily::Integer),
    ("tinyint", TypeFamily::Integer),
    ("mediumint", TypeFamily::Integer),
    ("serial", TypeFamily::Integer),
    ("serial2", TypeFamily::Integer),
    ("serial4", TypeFamily::Integer),
    ("serial8", TypeFamily::Integer),
    ("smallserial", TypeFamily::Integer),
    ("bigserial", TypeFamily::Integer),
    ("real", TypeFamily::Float),
    ("double precision", TypeFamily::Float),
    ("double", TypeFamily::Float),
    ("float", TypeFamily::Float),
    ("float4", TypeFamily::Float),
    ("float8", TypeFamily::Float),
    ("numeric", TypeFamily::Numeric),
    ("decimal", TypeFamily::Numeric),
    ("money", TypeFamily::Numeric),
    ("text", TypeFamily::Text),
    ("character varying", TypeFamily::Text),
    ("varchar", TypeFamily::Text),
    ("character", TypeFamily::Text),
    ("char", TypeFamily::Text),
    ("bpchar", TypeFamily::Text),
    ("\"char\"", TypeFamily::Text),
    ("name", TypeFamily::Text),
    ("citext", TypeFamily::Text),
    ("clob", TypeFamily::Text),
    ("nchar", TypeFamily::Text),
    ("nvarchar", TypeFamily::Text),
    ("string", TypeFamily::Text),
    ("bytea", TypeFamily::Bytes),
    ("blob", TypeFamily::Bytes),
    ("boolean", TypeFamily::Boolean),
    ("bool", TypeFamily::Boolean),
    ("timestamp without time zone", TypeFamily::Timestamp),
    ("timestamp with time zone", TypeFamily::Timestamp),
    ("timestamp", TypeFamily::Timestamp),
    ("timestamptz", TypeFamily::Timestamp),
    ("datetime", TypeFamily::Timestamp),
    ("date", TypeFamily::Date),
    ("time without time zone", TypeFamily::Time),
    ("time with time zone", TypeFamily::Time),
    ("time", TypeFamily::Time),
    ("timetz", TypeFamily::Time),
    ("interval", TypeFamily::Interval),
    ("json", TypeFamily::Json),
    ("jsonb", TypeFamily::Json),
    ("uuid", TypeFamily::Uuid),
];

impl TypeFamily {
    /// The family of a SQLite column's declared type, as written (`VARCHAR(255)`).
    pub fn of_sqlite(declared: &str) -> Self {
        // SQLite reads type names without regard to case, quoted or not.
        let base = base_name(declared).to_lowercase();
        if base.is_empty() {
            return Self::Untyped;
        }
        if let Some(family) = of_name(&base) {
            return family;
        }
        // SQLite's affinity rules, in SQLite's order (`POINT` holds integers there too).
        let has = |part: &str| base.contains(part);
        if has("int") {
            Self::Integer
        } else if has("char") || has("clob") || has("text") {
            Self::Text
        } else if has("blob") {
            Self::Bytes
        } else if has("real") || has("floa") || has("doub") {
            Self::Float
        } else {
            Self::Numeric
        }
    }

    /// The family of a PostgreSQL column's type as `format_type` spells it
    /// (`character varying(20)`, `timestamp(3) with time zone`, `integer[]`,
    /// `app."Mood"`). Enums and domains come back as `Other(name)`: the caller knows them.
    pub fn of_postgres(formatted: &str) -> Self {
        let trimmed = formatted.trim();
        if trimmed.ends_with("[]") {
            return Self::Array;
        }
        let base = base_name(trimmed);
        let unqualified = base.strip_prefix("pg_catalog.").unwrap_or(&base);
        if let Some(family) = of_name(unqualified) {
            return family;
        }
        if unqualified.starts_with("interval ") {
            return Self::Interval; // `interval year to month`: fields after the name
        }
        Self::Other(base)
    }

    /// The family's name, as reports show it.
    pub fn name(&self) -> &str {
        match self {
            Self::Integer => "integer",
            Self::Float => "float",
            Self::Numeric => "numeric",
            Self::Text => "text",
            Self::Bytes => "bytes",
            Self::Boolean => "boolean",
            Self::Timestamp => "timestamp",
            Self::Date => "date",
            Self::Time => "time",
            Self::Interval => "interval",
            Self::Json => "json",
            Self::Uuid => "uuid",
            Self::Array => "array",
            Self::Untyped => "untyped",
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for TypeFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The family the table gives a base name.
fn of_name(base: &str) -> Option<TypeFamily> {
    NAMES
        .iter()
        .find(|(name, _)| *name == base)
        .map(|(_, family)| family.clone())
}

/// A type name without its modifiers, lowercase, single-spaced: `Timestamp(3)  WITH time
/// zone` is `timestamp with time zone`. A quoted name keeps its case and quotes, since
/// `"char"` is not `char` and `"Mood"` is not `mood`.
pub(crate) fn base_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            _ if quoted => out.push(c),
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim_end().replace(" .", ".").replace(". ", ".")
}

#[cfg(test)]
#[path = "type_family_tests.rs"]
mod tests;
