//! What one statement does, as far as the lint rules care: the table it creates, whether
//! it sets a lock_timeout, the table it locks exclusively, and the dangerous operations in
//! it. Careful token analysis of the statement forms the rules name; anything else is
//! read as harmless. Pure.

use super::rule::Rule;
use super::words::{Token, tokens};

/// A dangerous operation found in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finding {
    pub rule: Rule,
    pub table: String,
    /// Byte offset within the statement of the token that shows it.
    pub at: usize,
}

/// The facts of one statement.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Facts {
    pub creates_table: Option<String>,
    pub sets_lock_timeout: bool,
    /// A table this statement locks so that reads or writes wait (ALTER, DROP, index).
    pub locks_table: Option<String>,
    /// `ALTER TABLE a RENAME TO b`: (a, b).
    pub renames: Option<(String, String)>,
    pub findings: Vec<Finding>,
}

/// Functions whose value differs per row, so a default using them is evaluated per row.
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v4",
    "uuid_generate_v1",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
];

/// Reads one statement.
pub(super) fn analyse(sql: &str) -> Facts {
    let tokens = tokens(sql);
    let mut facts = Facts::default();
    if tokens
        .iter()
        .any(|t| t.name().as_deref() == Some("lock_timeout"))
    {
        facts.sets_lock_timeout = true;
    }
    let first = |i: usize, kw: &str| tokens.get(i).is_some_and(|t| t.is(kw));
    if first(0, "CREATE") {
        create(&tokens, &mut facts);
    } else if first(0, "ALTER") && first(1, "TABLE") {
        alter_table(&tokens, &mut facts);
    } else if first(0, "DROP") && first(1, "TABLE") {
        let mut at = 2;
        skip(&tokens, &mut at, &["IF", "EXISTS"]);
        while let Some((table, next)) = qualified_name(&tokens, at) {
            facts.findings.push(Finding {
                rule: Rule::Drop,
                table: table.clone(),
                at: tokens[at].at,
            });
            facts.locks_table.get_or_insert(table);
            at = next;
            if !tokens.get(at).is_some_and(|t| t.is_punct(',')) {
                break;
            }
            at += 1;
        }
    } else if first(0, "VACUUM") || first(0, "CLUSTER") {
        let full = first(0, "CLUSTER") || tokens.iter().any(|t| t.is("FULL"));
        let table = tokens
            .iter()
            .rev()
            .find_map(|t| t.name().filter(|n| !is_keyword(n)));
        if full {
            let table = table.unwrap_or_else(|| "every table".into());
            facts.findings.push(Finding {
                rule: Rule::VacuumFull,
                table: table.clone(),
                at: 0,
            });
            facts.locks_table = Some(table);
        }
    }
    facts
}

fn is_keyword(name: &str) -> bool {
    ["vacuum", "full", "cluster", "verbose", "analyze", "freeze"].contains(&name)
}

/// Steps past `words` if they come next, all of them.
fn skip(tokens: &[Token], at: &mut usize, words: &[&str]) -> bool {
    let matches = words
        .iter()
        .enumerate()
        .all(|(i, w)| tokens.get(*at + i).is_some_and(|t| t.is(w)));
    if matches {
        *at += words.len();
    }
    matches
}

/// A possibly schema-qualified name at `at`: its last part, and the index after it.
fn qualified_name(tokens: &[Token], mut at: usize) -> Option<(String, usize)> {
    let mut name = tokens.get(at)?.name()?;
    at += 1;
    while tokens.get(at).is_some_and(|t| t.is_punct('.')) {
        name = tokens.get(at + 1)?.name()?;
        at += 2;
    }
    Some((name, at))
}

fn create(tokens: &[Token], facts: &mut Facts) {
    let mut at = 1;
    skip(tokens, &mut at, &["OR", "REPLACE"]);
    let _ = skip(tokens, &mut at, &["UNIQUE"]);
    if skip(tokens, &mut at, &["INDEX"]) {
        let concurrently = skip(tokens, &mut at, &["CONCURRENTLY"]);
        let Some(on) = tokens[at..].iter().position(|t| t.is("ON")) else {
            return;
        };
        let mut at = at + on + 1;
        skip(tokens, &mut at, &["ONLY"]);
        if let Some((table, _)) = qualified_name(tokens, at).filter(|_| !concurrently) {
            facts.findings.push(Finding {
                rule: Rule::ConcurrentIndex,
                table: table.clone(),
                at: tokens[0].at,
            });
            facts.locks_table = Some(table);
        }
        return;
    }
    for word in ["GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED"] {
        skip(tokens, &mut at, &[word]);
    }
    if skip(tokens, &mut at, &["TABLE"]) {
        skip(tokens, &mut at, &["IF", "NOT", "EXISTS"]);
        facts.creates_table = qualified_name(tokens, at).map(|(name, _)| name);
    }
}

fn alter_table(tokens: &[Token], facts: &mut Facts) {
    let mut at = 2;
    skip(tokens, &mut at, &["IF", "EXISTS"]);
    skip(tokens, &mut at, &["ONLY"]);
    let Some((table, mut at)) = qualified_name(tokens, at) else {
        return;
    };
    facts.locks_table = Some(table.clone());
    let renames_table = tokens.get(at).is_some_and(|t| t.is("RENAME"))
        && tokens.get(at + 1).is_some_and(|t| t.is("TO"));
    if let Some((to, _)) = qualified_name(tokens, at + 2).filter(|_| renames_table) {
        facts.renames = Some((table.clone(), to));
    }
    // The actions, split at top-level commas.
    let mut depth = 0usize;
    let mut start = at;
    while at <= tokens.len() {
        let token = tokens.get(at);
        match token {
            Some(t) if t.is_punct('(') => depth += 1,
            Some(t) if t.is_punct(')') => depth = depth.saturating_sub(1),
            Some(t) if !(depth == 0 && (t.is_punct(',') || t.is_punct(';'))) => {}
            _ => {
                action(&tokens[start..at], &table, facts);
                start = at + 1;
            }
        }
        at += 1;
    }
}

/// One action of an `ALTER TABLE`.
fn action(tokens: &[Token], table: &str, facts: &mut Facts) {
    let Some(head) = tokens.first() else {
        return;
    };
    let has = |kw: &str| tokens.iter().any(|t| t.is(kw));
    let mut found = |rule: Rule| {
        facts.findings.push(Finding {
            rule,
            table: table.to_owned(),
            at: head.at,
        });
    };
    if head.is("ADD") {
        let constraint = tokens.get(1).is_some_and(|t| t.is("CONSTRAINT"));
        let kind = if constraint {
            tokens.get(3)
        } else {
            tokens.get(1)
        };
        let is_constraint = kind.is_some_and(|t| t.is("FOREIGN") || t.is("CHECK"));
        if is_constraint {
            if !(has("NOT") && has("VALID")) {
                found(Rule::NotValid);
            }
        } else if !kind.is_some_and(|t| t.is("PRIMARY") || t.is("UNIQUE") || t.is("EXCLUDE")) {
            add_column(tokens, &mut found);
        }
    } else if head.is("ALTER") {
        if has("TYPE") {
            found(Rule::ColumnType);
        } else if has("SET") && has("NOT") && has("NULL") {
            found(Rule::SetNotNull);
        }
    } else if head.is("RENAME") && !tokens.get(1).is_some_and(|t| t.is("CONSTRAINT")) {
        found(Rule::Rename);
    } else if head.is("DROP")
        && !tokens
            .get(1)
            .is_some_and(|t| t.is("CONSTRAINT") || t.is("DEFAULT"))
    {
        found(Rule::Drop);
    }
}

/// `ADD [COLUMN] name type … DEFAULT expr`: a volatile function in the default.
fn add_column(tokens: &[Token], found: &mut impl FnMut(Rule)) {
    let Some(default) = tokens.iter().position(|t| t.is("DEFAULT")) else {
        return;
    };
    let volatile = tokens[default + 1..].windows(2).any(|pair| {
        pair[1].is_punct('(')
            && pair[0]
                .name()
                .is_some_and(|n| VOLATILE.contains(&n.as_str()))
    });
    if volatile {
        found(Rule::VolatileDefault);
    }
}
