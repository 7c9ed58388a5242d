//! Whether a script may leave state behind in its database session (temporary objects,
//! session settings, a role), which a later script in the same session would see but a new
//! run of the tool, days later, would not. Pure: no I/O.
//!
//! Conservative by design: a statement that only might leave state counts (it costs verify
//! one reset of the session), while one that leaves state and is missed would make verify
//! judge a down in a session no real rollback has.

use super::split::postgres_statements;

/// Whether any statement of `text` may change the session beyond its own transaction.
pub fn may_leave_session_state(text: &str) -> bool {
    postgres_statements(text).any(|range| statement_may_leave_state(&text[range]))
}

fn statement_may_leave_state(statement: &str) -> bool {
    let lower = statement.to_ascii_lowercase();
    let first_word = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|word| !word.is_empty())
        .unwrap_or("");
    // SET/RESET/DISCARD change settings or the role; DO may run either; `temp` covers
    // TEMP, TEMPORARY and pg_temp; set_config is SET as a function.
    matches!(first_word, "set" | "reset" | "discard" | "do")
        || lower.contains("temp")
        || lower.contains("set_config")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn temporary_objects_and_session_settings_count() {
        for text in [
            "CREATE TEMP TABLE t (a int);",
            "CREATE TEMPORARY TABLE comment_temp AS SELECT 1;",
            "create global temporary table x (a int)",
            "SET search_path = app, public;",
            "SET ROLE migrator;",
            "SELECT set_config('search_path', 'app', false);",
            "RESET ALL;",
            "DO $$ BEGIN EXECUTE 'SET search_path = x'; END $$;",
            "CREATE TABLE a (id int); SET statement_timeout = 0;",
        ] {
            assert!(may_leave_session_state(text), "{text}");
        }
    }

    #[test]
    fn ordinary_ddl_and_dml_do_not() {
        for text in [
            "CREATE TABLE users (id int PRIMARY KEY, name text);",
            "ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
            "UPDATE users SET name = 'x' WHERE id = 1;",
            "-- SET search_path = x;\nCREATE INDEX users_name ON users (name);",
            "DROP TABLE users;",
        ] {
            assert!(!may_leave_session_state(text), "{text}");
        }
    }

    proptest! {
        /// Whatever comes before it, a statement that sets a session setting is seen.
        #[test]
        fn a_set_anywhere_is_seen(prefix in proptest::collection::vec("(CREATE TABLE t[0-9] \\(a int\\)|INSERT INTO t VALUES \\(1\\)|UPDATE t SET a = 2)", 0..5)) {
            let mut text = prefix.join(";\n");
            text.push_str(";\nSET search_path = app;\n");
            prop_assert!(may_leave_session_state(&text));
            prop_assert!(!may_leave_session_state(&prefix.join(";\n")));
        }
    }
}
