//! Backups written before a run, as data: where one goes when the caller names no file,
//! what was written and how it comes back. Each backend writes its own
//! ([`Backend::backup`](super::Backend::backup)); when, and under which name, is the
//! engine's to decide.

use std::path::PathBuf;

/// Where a backup goes when the caller names no file: a folder (empty for the working
/// directory), the start of the file's name and its extension. The engine adds the time and the revision the backup precedes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupName {
    pub folder: PathBuf,
    pub stem: String,
    pub extension: &'static str,
}

/// A backup that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub restore: RestoreWith,
}

/// How a backup is restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreWith {
    /// `migrate restore PATH` (SQLite): the database is overwritten with the backup's pages
    /// while the migration lock is held.
    Migrate,
    /// PostgreSQL's own tool: the `pg_restore` command line to run, which never holds a
    /// password.
    PgRestore { command: String },
}

/// `text` quoted for a POSIX shell, so a command line printed for a person runs as shown.
pub(crate) fn shell_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_keeps_plain_words_and_wraps_the_rest() {
        assert_eq!(shell_quote("backups/app.dump"), "backups/app.dump");
        assert_eq!(shell_quote("my backup.dump"), "'my backup.dump'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(
            shell_quote("postgres://u@h:5432/db?sslmode=require&x=1"),
            "'postgres://u@h:5432/db?sslmode=require&x=1'"
        );
    }
}
