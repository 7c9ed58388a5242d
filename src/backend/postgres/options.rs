//! Session settings a PostgreSQL migration run may ask for: bounds on how long a migration
//! waits for a table lock and how long one statement may run.

use std::time::Duration;

use postgres::Client;
use postgres::types::Type;

/// Settings applied to the migration session when it starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostgresOptions {
    /// PostgreSQL's `lock_timeout`: a statement that waits longer than this for a lock on a
    /// table fails instead of queueing every later query on that table behind it. Zero
    /// means no limit. `None` keeps the server's setting.
    pub lock_timeout: Option<Duration>,
    /// PostgreSQL's `statement_timeout`: a statement that runs longer than this is
    /// cancelled. Zero means no limit. `None` keeps the server's setting.
    pub statement_timeout: Option<Duration>,
}

impl PostgresOptions {
    /// The settings to apply, as (name, value) pairs in PostgreSQL's units.
    fn settings(&self) -> Vec<(&'static str, String)> {
        let milliseconds = |duration: Duration| format!("{}ms", duration.as_millis());
        let mut settings = Vec::new();
        if let Some(timeout) = self.lock_timeout {
            settings.push(("lock_timeout", milliseconds(timeout)));
        }
        if let Some(timeout) = self.statement_timeout {
            settings.push(("statement_timeout", milliseconds(timeout)));
        }
        settings
    }

    /// Applies the settings to the whole session (not one transaction), values bound.
    pub(crate) fn apply(&self, client: &mut Client) -> Result<(), postgres::Error> {
        for (name, value) in self.settings() {
            client.query_typed_one(
                "SELECT pg_catalog.set_config($1, $2, false)",
                &[(&name, Type::TEXT), (&value, Type::TEXT)],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_asked_for_settings_in_milliseconds() {
        assert!(PostgresOptions::default().settings().is_empty());
        let options = PostgresOptions {
            lock_timeout: Some(Duration::from_secs(2)),
            statement_timeout: None,
        };
        assert_eq!(options.settings(), vec![("lock_timeout", "2000ms".into())]);
    }
}
