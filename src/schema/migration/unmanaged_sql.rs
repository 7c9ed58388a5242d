//! Statements of the desired schema file that create nothing the schema model holds
//! (a policy, a rule, a publication, a grant, rows): autogenerate names them as not
//! managed, and since introspection never sees them, no plan ever drops them. Read from
//! the statement's leading words. Pure.

/// The kinds after `CREATE` (and `CREATE OR REPLACE`, `CREATE UNIQUE`, `CREATE TEMP`) whose
/// objects the model reads, so a difference in them is planned or reported.
const MODELED: &[&str] = &[
    "table",
    "index",
    "view",
    "materialized",
    "recursive",
    "type",
    "sequence",
    "trigger",
    "function",
    "procedure",
    "domain",
    "schema",
    "extension",
    "virtual",
    "constraint",
];

/// Words between `CREATE` and the kind.
const CREATE_MODIFIERS: &[&str] = &[
    "or",
    "replace",
    "unique",
    "temp",
    "temporary",
    "unlogged",
    "global",
    "local",
];

/// Statements that change a modeled object, unless they say one of [`UNMODELED_CLAUSES`].
const MODELED_VERBS: &[&str] = &["alter", "comment", "drop"];

/// Clauses of an `ALTER` whose effect the model does not hold.
const UNMODELED_CLAUSES: &[&[&str]] = &[
    &["row", "level", "security"],
    &["owner", "to"],
    &["replica", "identity"],
    &["set", "schema"],
    &["default", "privileges"],
];

/// How the user sees a statement the model does not manage, e.g.
/// `CREATE POLICY owner_only ON docs`; `None` for a statement it manages.
pub fn unmanaged_statement(sql: &str) -> Option<String> {
    let words = words(sql);
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or_default();
    let modeled = match word(0) {
        "create" => {
            let mut at = 1;
            while CREATE_MODIFIERS.contains(&word(at)) {
                at += 1;
            }
            MODELED.contains(&word(at))
        }
        verb if MODELED_VERBS.contains(&verb) => !UNMODELED_CLAUSES
            .iter()
            .any(|clause| words.windows(clause.len()).any(|w| w == *clause)),
        _ => false,
    };
    (!modeled).then(|| label(sql))
}

/// The statement's words in lower case, for matching keywords (names may match too: a
/// table called `security` only makes a statement look unmanaged, which it still lists).
fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = sql;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            // Punctuation ends the words a keyword test can use: `(`, `'`, `;`...
            if !rest.starts_with(['.', '"']) {
                break;
            }
            rest = &rest[1..];
            continue;
        }
        out.push(rest[..end].to_ascii_lowercase());
        rest = &rest[end..];
    }
    out
}

/// The statement on one line, up to its first parenthesis and at most 80 characters.
fn label(sql: &str) -> String {
    let code: Vec<&str> = sql
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect();
    let flat = code.join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    let head = flat.split('(').next().unwrap_or_default();
    let head = head.trim().trim_end_matches(';').trim_end();
    if head.chars().count() > 80 {
        format!("{}…", head.chars().take(79).collect::<String>())
    } else {
        head.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::unmanaged_statement;

    #[test]
    fn names_what_the_model_does_not_hold() {
        let cases = [
            (
                "CREATE POLICY owner_only ON docs USING (owner = current_user);",
                "CREATE POLICY owner_only ON docs USING",
            ),
            (
                "grant select on docs to public;",
                "grant select on docs to public",
            ),
            (
                "ALTER TABLE docs ENABLE ROW LEVEL SECURITY;",
                "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
            ),
            (
                "CREATE PUBLICATION everything FOR ALL TABLES;",
                "CREATE PUBLICATION everything FOR ALL TABLES",
            ),
            (
                "CREATE RULE r AS ON INSERT TO t DO NOTHING;",
                "CREATE RULE r AS ON INSERT TO t DO NOTHING",
            ),
            (
                "-- seed\nINSERT INTO kinds VALUES (1);",
                "INSERT INTO kinds VALUES",
            ),
        ];
        for (sql, label) in cases {
            assert_eq!(unmanaged_statement(sql).as_deref(), Some(label), "{sql}");
        }
    }

    #[test]
    fn leaves_what_the_model_holds() {
        for sql in [
            "CREATE TABLE t (id int);",
            "create unique index i on t (id);",
            "CREATE OR REPLACE VIEW v AS SELECT 1;",
            "CREATE MATERIALIZED VIEW m AS SELECT 1;",
            "CREATE TYPE mood AS ENUM ('a');",
            "CREATE TEMP TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;",
            "ALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);",
            "COMMENT ON TABLE t IS 'x';",
            "CREATE VIRTUAL TABLE f USING fts5(body);",
            "CREATE UNLOGGED TABLE cache (k text);",
            "CREATE CONSTRAINT TRIGGER c AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
        ] {
            assert_eq!(unmanaged_statement(sql), None, "{sql}");
        }
    }
}
