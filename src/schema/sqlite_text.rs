//! Reads what no SQLite pragma reports from the `CREATE` text SQLite keeps: check
//! constraints, column collations and generated expressions, index expressions and
//! predicates, and a view's column list and query. Pure; text that does not parse yields
//! less information, never a panic.

use super::normalize::render_tokens;
use super::table::Deferrable;
use super::tokens::{Token, closing, split_top_level, tokenize};

/// What a `CREATE TABLE` text says beyond the pragmas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableText {
    pub columns: Vec<ColumnText>,
    pub checks: Vec<CheckText>,
    pub foreign_keys: Vec<ForeignKeyText>,
    /// `AUTOINCREMENT`, which SQLite allows only on the one `INTEGER PRIMARY KEY`.
    pub autoincrement: bool,
    /// The table options after the closing parenthesis: `WITHOUT ROWID`, `STRICT`.
    pub without_rowid: bool,
    pub strict: bool,
}

/// A foreign key's deferrability, which `pragma foreign_key_list` does not report, with
/// the columns and parent that identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyText {
    pub columns: Vec<String>,
    pub parent: String,
    pub deferrable: Deferrable,
}

/// A column's collation and generated expression, as declared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnText {
    pub name: String,
    pub collation: Option<String>,
    pub generated: Option<String>,
}

/// A check constraint: its name if it has one, its column if declared on one, and its
/// normalized expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckText {
    pub name: Option<String>,
    pub column: Option<String>,
    pub expression: String,
}

/// Words that open a table constraint rather than a column definition.
const TABLE_CONSTRAINT_WORDS: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// Words that end the name a `CONSTRAINT name` clause gave.
const CLAUSE_WORDS: &[&str] = &[
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "FOREIGN",
    "AS",
];

/// Parses a `CREATE TABLE` statement.
pub fn parse_table(sql: &str) -> TableText {
    let tokens = tokenize(sql);
    let Some(open) = tokens.iter().position(|token| token.is_op("(")) else {
        return TableText::default();
    };
    let close = closing(&tokens, open).min(tokens.len());
    let body = &tokens[open + 1..close];
    let options = tokens.get(close + 1..).unwrap_or_default();
    let mut text = TableText {
        autoincrement: body.iter().any(|t| t.is_word("AUTOINCREMENT")),
        without_rowid: options
            .windows(2)
            .any(|pair| pair[0].is_word("WITHOUT") && pair[1].is_word("ROWID")),
        strict: options.iter().any(|t| t.is_word("STRICT")),
        ..TableText::default()
    };
    for item in split_top_level(body) {
        let Some(first) = item.first() else { continue };
        let is_constraint = TABLE_CONSTRAINT_WORDS.iter().any(|w| first.is_word(w));
        let column = if is_constraint {
            None
        } else {
            first.as_name().map(str::to_owned)
        };
        let start = usize::from(column.is_some());
        let found = read_clauses(&item[start..], column.as_deref(), &mut text);
        if let Some(name) = column {
            text.columns.push(ColumnText { name, ..found });
        }
    }
    text
}

/// Reads one column definition's or table constraint's clauses.
fn read_clauses(item: &[Token], column: Option<&str>, text: &mut TableText) -> ColumnText {
    let mut found = ColumnText::default();
    let mut pending_name: Option<String> = None;
    let mut key_columns: Vec<String> = column.map(str::to_owned).into_iter().collect();
    let mut at = 0;
    while at < item.len() {
        let token = &item[at];
        let next = item.get(at + 1);
        if token.is_word("FOREIGN") && item.get(at + 2).is_some_and(|t| t.is_op("(")) {
            let end = closing(item, at + 2);
            key_columns = names(item.get(at + 3..end).unwrap_or_default());
            at = end + 1;
            continue;
        }
        if token.is_word("REFERENCES")
            && let Some(parent) = next.and_then(Token::as_name)
        {
            text.foreign_keys.push(ForeignKeyText {
                columns: key_columns.clone(),
                parent: parent.to_owned(),
                deferrable: deferrability(&item[at..]),
            });
        }
        if token.is_word("CONSTRAINT") {
            pending_name = next.and_then(Token::as_name).map(str::to_owned);
            at += 2;
            continue;
        }
        if token.is_word("COLLATE") {
            found.collation = next.and_then(Token::as_name).map(str::to_owned);
        }
        let opens_group = next.is_some_and(|n| n.is_op("("));
        if opens_group && (token.is_word("CHECK") || token.is_word("AS")) {
            let end = closing(item, at + 1);
            let inner = render_tokens(unwrap_parens(&item[at + 2..end.min(item.len())]));
            if token.is_word("CHECK") {
                text.checks.push(CheckText {
                    name: pending_name.take(),
                    column: column.map(str::to_owned),
                    expression: inner,
                });
            } else {
                found.generated = Some(inner);
            }
            at = end + 1;
            continue;
        }
        if CLAUSE_WORDS.iter().any(|word| token.is_word(word)) {
            pending_name = None;
        }
        at = if token.is_op("(") {
            closing(item, at) + 1
        } else {
            at + 1
        };
    }
    found
}

/// The names in a comma-separated list of names.
fn names(list: &[Token]) -> Vec<String> {
    split_top_level(list)
        .into_iter()
        .filter_map(|part| part.first().and_then(Token::as_name))
        .map(str::to_owned)
        .collect()
}

/// Reads `[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]` after a `REFERENCES`.
fn deferrability(clause: &[Token]) -> Deferrable {
    let Some(at) = clause.iter().position(|t| t.is_word("DEFERRABLE")) else {
        return Deferrable::NotDeferrable;
    };
    if at > 0 && clause[at - 1].is_word("NOT") {
        return Deferrable::NotDeferrable;
    }
    let initially = clause.get(at + 1).is_some_and(|t| t.is_word("INITIALLY"));
    if initially && clause.get(at + 2).is_some_and(|t| t.is_word("DEFERRED")) {
        Deferrable::InitiallyDeferred
    } else {
        Deferrable::InitiallyImmediate
    }
}

/// A column default as SQLite accepts it back. `pragma table_xinfo` drops the parentheses
/// an expression needs (`DEFAULT (datetime('now'))` reads `datetime('now')`), so they are
/// put back unless the default is one literal, name or signed number.
pub fn default_expression(text: &str) -> String {
    let tokens = tokenize(text);
    let unsigned = match tokens.split_first() {
        Some((sign, rest)) if sign.is_op("-") || sign.is_op("+") => rest,
        _ => &tokens[..],
    };
    let normalized = render_tokens(&tokens);
    if unsigned.len() == 1 && !unsigned[0].is_op("(") {
        normalized
    } else {
        format!("({normalized})")
    }
}

/// What a `CREATE INDEX` text says beyond the pragmas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexText {
    /// Each key's normalized expression, without its `COLLATE` and `ASC`/`DESC`.
    pub keys: Vec<String>,
    pub predicate: Option<String>,
}

/// Parses a `CREATE INDEX` statement.
pub fn parse_index(sql: &str) -> IndexText {
    let tokens = tokenize(sql);
    let Some(on) = tokens.iter().position(|token| token.is_word("ON")) else {
        return IndexText::default();
    };
    let Some(open) = tokens[on..]
        .iter()
        .position(|t| t.is_op("("))
        .map(|at| at + on)
    else {
        return IndexText::default();
    };
    let end = closing(&tokens, open);
    let keys = split_top_level(&tokens[open + 1..end.min(tokens.len())])
        .into_iter()
        .map(|key| render_tokens(unwrap_parens(strip_key_suffix(key))))
        .collect();
    let rest = tokens.get(end + 1..).unwrap_or_default();
    let predicate = match rest.split_first() {
        Some((first, predicate)) if first.is_word("WHERE") => Some(render_tokens(predicate)),
        _ => None,
    };
    IndexText { keys, predicate }
}

/// Drops parentheses around a whole expression: `((a > 0))` means `a > 0`, and the
/// rendering adds one pair back, so without this each round trip would add another.
fn unwrap_parens(mut tokens: &[Token]) -> &[Token] {
    while tokens.len() >= 2 && tokens[0].is_op("(") && closing(tokens, 0) == tokens.len() - 1 {
        tokens = &tokens[1..tokens.len() - 1];
    }
    tokens
}

/// Drops a key's trailing `ASC`/`DESC` and `COLLATE name`, which the pragmas report.
fn strip_key_suffix(mut key: &[Token]) -> &[Token] {
    if key
        .last()
        .is_some_and(|t| t.is_word("ASC") || t.is_word("DESC"))
    {
        key = &key[..key.len() - 1];
    }
    if key.len() >= 2 && key[key.len() - 2].is_word("COLLATE") {
        key = &key[..key.len() - 2];
    }
    key
}

/// A `CREATE TRIGGER` statement normalized, with each statement of its body on a line
/// of its own, so that a changed statement shows as one changed line.
pub fn format_trigger(sql: &str) -> String {
    let tokens = tokenize(sql);
    let Some(begin) = tokens.iter().position(|t| t.is_word("BEGIN")) else {
        return render_tokens(&tokens);
    };
    let end = tokens
        .iter()
        .rposition(|t| t.is_word("END"))
        .unwrap_or(tokens.len());
    let body = tokens
        .get(begin + 1..end.max(begin + 1))
        .unwrap_or_default();
    let mut out = render_tokens(&tokens[..=begin]);
    for statement in body.split(|t| t.is_op(";")).filter(|s| !s.is_empty()) {
        out.push_str("\n    ");
        out.push_str(&render_tokens(statement));
        out.push(';');
    }
    out.push_str("\nEND");
    out
}

/// A view's explicit column list and normalized query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewText {
    pub columns: Vec<String>,
    pub query: String,
}

/// Parses a `CREATE VIEW` statement.
pub fn parse_view(sql: &str) -> ViewText {
    let tokens = tokenize(sql);
    let Some(view) = tokens.iter().position(|token| token.is_word("VIEW")) else {
        return ViewText::default();
    };
    let mut at = view + 1;
    if tokens.get(at).is_some_and(|t| t.is_word("IF")) {
        at += 3; // IF NOT EXISTS
    }
    at += 1; // the name
    if tokens.get(at).is_some_and(|t| t.is_op(".")) {
        at += 2; // schema.name
    }
    let mut columns = Vec::new();
    if tokens.get(at).is_some_and(|t| t.is_op("(")) {
        let end = closing(&tokens, at);
        let list = tokens.get(at + 1..end).unwrap_or_default();
        columns = names(list);
        at = end + 1;
    }
    if tokens.get(at).is_some_and(|t| t.is_word("AS")) {
        at += 1;
    }
    ViewText {
        columns,
        query: render_tokens(tokens.get(at..).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_options_are_read_after_the_columns_only() {
        let options = |sql| {
            let text = parse_table(sql);
            (text.without_rowid, text.strict)
        };
        assert_eq!(options("CREATE TABLE t (a INT)"), (false, false));
        assert_eq!(
            options("CREATE TABLE t (a TEXT PRIMARY KEY) without rowid"),
            (true, false)
        );
        assert_eq!(
            options("CREATE TABLE t (a INT) STRICT, WITHOUT ROWID"),
            (true, true)
        );
        assert_eq!(
            options("CREATE TABLE t (strict INT, \"without\" TEXT, rowid INT) /* STRICT */"),
            (false, false)
        );
        assert_eq!(
            options("CREATE TABLE t (a INT CHECK (a IN (1, 2))) -- WITHOUT ROWID\n STRICT"),
            (false, true)
        );
    }

    #[test]
    fn table_checks_collations_and_generated_columns() {
        let text = parse_table(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE CHECK (length(name) > 0),\
             price NUMERIC(10, 2) CONSTRAINT positive CHECK(price>=0), total AS (price * 2) STORED,\
             CONSTRAINT named_pair CHECK (id <> price), CHECK (id > 0))",
        );
        assert_eq!(text.columns.len(), 4);
        assert_eq!(text.columns[1].collation.as_deref(), Some("NOCASE"));
        assert_eq!(text.columns[3].generated.as_deref(), Some("price * 2"));
        let checks: Vec<(Option<&str>, Option<&str>, &str)> = text
            .checks
            .iter()
            .map(|c| {
                (
                    c.name.as_deref(),
                    c.column.as_deref(),
                    c.expression.as_str(),
                )
            })
            .collect();
        assert_eq!(
            checks,
            vec![
                (None, Some("name"), "length(name) > 0"),
                (Some("positive"), Some("price"), "price >= 0"),
                (Some("named_pair"), None, "id <> price"),
                (None, None, "id > 0"),
            ]
        );
    }

    #[test]
    fn foreign_key_deferrability() {
        let text = parse_table(
            "CREATE TABLE t (a INT REFERENCES p DEFERRABLE INITIALLY DEFERRED, b INT, c INT,\
             FOREIGN KEY (b, c) REFERENCES q (x, y) ON DELETE CASCADE DEFERRABLE,\
             FOREIGN KEY (c) REFERENCES r NOT DEFERRABLE INITIALLY DEFERRED)",
        );
        let keys: Vec<(Vec<String>, &str, Deferrable)> = text
            .foreign_keys
            .iter()
            .map(|k| (k.columns.clone(), k.parent.as_str(), k.deferrable))
            .collect();
        assert_eq!(
            keys,
            vec![
                (vec!["a".to_owned()], "p", Deferrable::InitiallyDeferred),
                (
                    vec!["b".to_owned(), "c".to_owned()],
                    "q",
                    Deferrable::InitiallyImmediate
                ),
                (vec!["c".to_owned()], "r", Deferrable::NotDeferrable),
            ]
        );
    }

    #[test]
    fn defaults_get_back_the_parentheses_expressions_need() {
        assert_eq!(default_expression("'it''s'"), "'it''s'");
        assert_eq!(default_expression("-1"), "-1");
        assert_eq!(default_expression("current_timestamp"), "CURRENT_TIMESTAMP");
        assert_eq!(default_expression("datetime('now')"), "(datetime('now'))");
        assert_eq!(default_expression("1 + 2"), "(1 + 2)");
    }

    #[test]
    fn index_keys_and_predicate() {
        let text = parse_index(
            "CREATE UNIQUE INDEX i ON t (((lower(email))) COLLATE NOCASE DESC, (a) + (b)) WHERE deleted_at IS NULL",
        );
        assert_eq!(text.keys, vec!["lower(email)", "(a) + (b)"]);
        assert_eq!(text.predicate.as_deref(), Some("deleted_at IS NULL"));
    }

    #[test]
    fn trigger_bodies_get_a_line_per_statement() {
        let sql = "create trigger t after insert on a begin\n insert into b values (';'); \
                   update c set x = case when 1 then 2 end; end";
        assert_eq!(
            format_trigger(sql),
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n    INSERT INTO b VALUES (';');\n    \
             UPDATE c SET x = CASE WHEN 1 THEN 2 END;\nEND"
        );
    }

    #[test]
    fn view_columns_and_query() {
        let text = parse_view("CREATE VIEW \"v\" (a, \"B\") AS select x, y from t");
        assert_eq!(text.columns, vec!["a", "B"]);
        assert_eq!(text.query, "SELECT x, y FROM t");
    }
}
