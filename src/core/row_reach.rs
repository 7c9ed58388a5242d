//! Which tables a script can change the rows of, as far as its words tell: `verify --data`
//! reads again only those (and what cascades from them) after a step, not every table.
//! Pure; errs on the side of "anything": a table missed here would be a data loss missed.

use std::collections::BTreeSet;

use super::lint::words::{Token, Word, tokens};

/// What a script can change rows of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowReach {
    /// Something in it can change rows of tables it does not name (a trigger, a function,
    /// a `DO` block, a rule, an extension, dynamic SQL): every table is to be read again.
    Anything {
        /// The word that shows it.
        why: String,
    },
    /// Only tables it names, or that cascade from those.
    Named(NamedReach),
}

/// The names a script mentions, lower case, by what its statements may do to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamedReach {
    /// Every name in a statement that may write rows (anything but a `CREATE` of a table,
    /// index, view, sequence or type): a delete or update there may cascade through
    /// foreign keys to tables it does not name.
    pub cascading: BTreeSet<String>,
    /// Every name in a `CREATE` statement: the new object, and what it refers to.
    pub created: BTreeSet<String>,
}

/// Words that let a statement change rows beyond what it names, wherever they stand.
const ANYTHING: &[&str] = &[
    "trigger",
    "function",
    "procedure",
    "rule",
    "extension",
    "execute",
    "prepare",
    "inherits",
    "attach",
    "load",
    "load_extension",
    "writable_schema",
    "call",
];

/// `CREATE` of these writes no rows of an existing table.
const CREATES_NO_ROWS: &[&str] = &["table", "index", "view", "sequence", "type", "schema"];

/// What `script` can change rows of.
pub fn row_reach(script: &str) -> RowReach {
    let tokens = tokens(script);
    let mut reach = NamedReach::default();
    for statement in tokens.split(|t| t.is_punct(';')) {
        if let Some(why) = reaches_anything(script, statement) {
            return RowReach::Anything { why };
        }
        let names = statement.iter().filter_map(Token::name);
        if creates_no_rows(statement) {
            reach.created.extend(names.map(|n| n.to_lowercase()));
        } else {
            reach.cascading.extend(names.map(|n| n.to_lowercase()));
        }
    }
    RowReach::Named(reach)
}

/// Whether `script` makes or changes a rule (PostgreSQL's `CREATE RULE`): a rule outlives
/// the step that made it, and from then on a write to one table can write others that
/// no later script names. Rules are not in the schema model, so the history is read
/// for them instead.
pub fn makes_rules(script: &str) -> bool {
    tokens(script)
        .iter()
        .any(|token| matches!(&token.word, Word::Bare(word) if word.eq_ignore_ascii_case("rule")))
}

/// The word that lets `statement` (of `script`) reach tables it does not name, if any.
fn reaches_anything(script: &str, statement: &[Token]) -> Option<String> {
    let first = statement.first()?;
    if first.is("DO") {
        return Some("do".into());
    }
    for (index, token) in statement.iter().enumerate() {
        let Word::Bare(word) = &token.word else {
            continue;
        };
        let word = word.to_ascii_lowercase();
        if ANYTHING.contains(&word.as_str()) {
            return Some(word);
        }
        // `DROP … CASCADE` drops what depends on it; a foreign key's `ON DELETE CASCADE`
        // is the cascade the caller follows.
        let action = index
            .checked_sub(1)
            .and_then(|i| statement.get(i))
            .is_some_and(|t| t.is("DELETE") || t.is("UPDATE"));
        if word == "cascade" && !action {
            return Some(word);
        }
        // `E'…'` takes backslash escapes the word reader does not know: a `\'` would end
        // the literal early for it and hide the names after it.
        if word == "e" && script.as_bytes().get(token.at + 1) == Some(&b'\'') {
            return Some("an E'' string".into());
        }
    }
    None
}

/// Whether `statement` creates a table, index, view, sequence or type: it writes rows of
/// no table that exists (`CREATE TABLE … AS` fills only the new one).
fn creates_no_rows(statement: &[Token]) -> bool {
    if !statement.first().is_some_and(|t| t.is("CREATE")) {
        return false;
    }
    // `CREATE [OR REPLACE] [UNIQUE] [TEMP] [MATERIALIZED] VIEW …`: the object's kind is
    // the first word of the list below; any other word first (a trigger, a rule) is not.
    let modifiers = [
        "or",
        "replace",
        "unique",
        "temp",
        "temporary",
        "unlogged",
        "materialized",
        "virtual",
        "global",
        "local",
        "recursive",
    ];
    statement[1..]
        .iter()
        .filter_map(|t| match &t.word {
            Word::Bare(word) => Some(word.to_ascii_lowercase()),
            _ => None,
        })
        .find(|word| !modifiers.contains(&word.as_str()))
        .is_some_and(|kind| CREATES_NO_ROWS.contains(&kind.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(script: &str) -> NamedReach {
        match row_reach(script) {
            RowReach::Named(reach) => reach,
            RowReach::Anything { why } => panic!("{script:?} reaches anything ({why})"),
        }
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn a_write_cascades_from_the_names_it_mentions() {
        let reach = named("DELETE FROM Orders WHERE id IN (SELECT id FROM \"Old\");");
        assert!(reach.cascading.is_superset(&set(&["orders", "old"])));
        assert!(reach.created.is_empty());
    }

    #[test]
    fn a_create_does_not_cascade_but_later_statements_do() {
        let reach = named(
            "CREATE TABLE child (id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n\
             CREATE UNIQUE INDEX i ON child (id);\n\
             INSERT INTO child SELECT id FROM other;",
        );
        assert!(reach.created.is_superset(&set(&["child", "parent", "i"])));
        assert!(reach.cascading.is_superset(&set(&["child", "other"])));
        assert!(!reach.cascading.contains("parent"));
    }

    #[test]
    fn names_in_literals_and_comments_are_not_names() {
        let reach = named("-- orders\nUPDATE t SET note = 'orders' /* orders */;");
        assert!(!reach.cascading.contains("orders"));
        assert!(reach.cascading.contains("t"));
    }

    #[test]
    fn what_can_reach_unnamed_tables_reaches_anything() {
        for script in [
            "CREATE TRIGGER tr AFTER INSERT ON a BEGIN DELETE FROM b; END;",
            "DO $$ BEGIN DELETE FROM b; END $$;",
            "SELECT purge();\nCREATE FUNCTION purge() RETURNS void AS $$ DELETE FROM b $$ LANGUAGE sql;",
            "CREATE RULE r AS ON DELETE TO a DO ALSO DELETE FROM b;",
            "CREATE EXTENSION hstore;",
            "DROP TABLE a CASCADE;",
            "TRUNCATE a CASCADE;",
            "CALL purge();",
            "CREATE TABLE c () INHERITS (a);",
            "UPDATE a SET x = E'it\\'s'; DELETE FROM b;",
            "PRAGMA writable_schema = ON;",
        ] {
            assert!(
                matches!(row_reach(script), RowReach::Anything { .. }),
                "{script:?}"
            );
        }
    }

    #[test]
    fn a_foreign_key_action_is_not_a_drop_cascade() {
        let reach = named("ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p (id) ON UPDATE CASCADE;");
        assert!(reach.cascading.contains("c"));
    }

    #[test]
    fn a_rule_is_seen_wherever_it_is_made_but_not_in_text() {
        assert!(makes_rules(
            "CREATE OR REPLACE RULE keep AS ON DELETE TO a DO ALSO DELETE FROM b;"
        ));
        assert!(!makes_rules(
            "INSERT INTO a VALUES ('rule'); -- rule\nSELECT 1;"
        ));
    }
}
