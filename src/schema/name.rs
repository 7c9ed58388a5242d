//! Object names: an optional schema plus a name, and the one way identifiers are quoted
//! when a model is rendered. Pure.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// The name of an object, qualified by its schema where the database has schemas.
///
/// SQLite objects have no schema (`None`), so they render unqualified. Ordering is by
/// schema, then name, which is the order objects render in.
///
/// The parts are shared (`Arc<str>`): every snapshot verify takes holds a copy of every
/// name, and copying one is then two counts raised rather than two strings copied.
/// Comparing two copies of one name is comparing pointers.
#[derive(Debug, Clone, Serialize)]
pub struct QualifiedName {
    pub schema: Option<Arc<str>>,
    pub name: Arc<str>,
}

impl QualifiedName {
    /// Whether both are copies of one name: then they are equal without reading them.
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.name, &other.name)
            && match (&self.schema, &other.schema) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl PartialEq for QualifiedName {
    fn eq(&self, other: &Self) -> bool {
        self.same(other) || (self.schema == other.schema && self.name == other.name)
    }
}

impl Eq for QualifiedName {}

impl std::hash::Hash for QualifiedName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.schema, &self.name).hash(state);
    }
}

impl PartialOrd for QualifiedName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for QualifiedName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.same(other) {
            return std::cmp::Ordering::Equal;
        }
        (&self.schema, &self.name).cmp(&(&other.schema, &other.name))
    }
}

impl QualifiedName {
    /// A name in `schema`, from borrowed text or from the strings a catalog query returned.
    pub fn new(schema: impl Into<Arc<str>>, name: impl Into<Arc<str>>) -> Self {
        Self {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// A name in a database without schemas (SQLite).
    pub fn bare(name: &str) -> Self {
        Self {
            schema: None,
            name: name.into(),
        }
    }
}

/// Shows the name quoted where needed: `public.users`, `"Odd Name"`.
impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = &self.schema {
            write!(f, "{}.", quote_ident(schema))?;
        }
        f.write_str(&quote_ident(&self.name))
    }
}

/// A function's name as SQL spells it: functions are keyed by name and identity
/// arguments, `add(integer, integer)`, and only the name part is quoted.
pub fn function_label(name: &QualifiedName) -> String {
    let (bare, arguments) = name
        .name
        .split_at(name.name.find('(').unwrap_or(name.name.len()));
    let mut out = String::new();
    if let Some(schema) = &name.schema {
        out.push_str(&quote_ident(schema));
        out.push('.');
    }
    out.push_str(&quote_ident(bare));
    out.push_str(arguments);
    out
}

/// A trigger's name: triggers are named per table in PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TriggerName {
    pub table: QualifiedName,
    pub name: String,
}

impl fmt::Display for TriggerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", quote_ident(&self.name), self.table)
    }
}

/// Words that must be quoted to be used as a name, in either dialect. The list errs on the
/// side of quoting: an extra pair of quotes is harmless, a missing one is not.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "delete",
    "desc",
    "distinct",
    "do",
    "drop",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "in",
    "index",
    "initially",
    "inner",
    "insert",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "set",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "values",
    "variadic",
    "view",
    "when",
    "where",
    "window",
    "with",
];

/// Whether `word` is reserved and must be quoted to serve as a name.
pub fn is_reserved(word: &str) -> bool {
    RESERVED
        .binary_search(&word.to_ascii_lowercase().as_str())
        .is_ok()
}

/// Quotes an identifier unless it is a plain lowercase word that is not reserved.
pub fn quote_ident(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !is_reserved(name) {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Quotes a text as an SQL string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_words_are_sorted_for_binary_search() {
        assert!(RESERVED.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn only_plain_unreserved_names_go_unquoted() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("Users"), "\"Users\"");
        assert_eq!(quote_ident("order"), "\"order\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident(""), "\"\"");
        assert_eq!(
            QualifiedName::new("app", "user").to_string(),
            "app.\"user\""
        );
        assert_eq!(quote_literal("it's"), "'it''s'");
        let add = QualifiedName::new("public", "add(integer, integer)");
        assert_eq!(function_label(&add), "public.add(integer, integer)");
    }
}
