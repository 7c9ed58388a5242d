//! Backups of a PostgreSQL database with PostgreSQL's own tools: `pg_dump --format=custom`
//! from PATH writes one (an online, consistent snapshot: one repeatable-read transaction),
//! and the `pg_restore` command that restores it is printed, never run (it drops the
//! database, which only its owner should decide to do).
//!
//! The URL goes to `pg_dump` without its password, which travels in `PGPASSWORD`, so it
//! shows in no process list and no message.

use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

use crate::backend::backup::shell_quote;
use crate::backend::error::BackendError;
use crate::backend::url::{with_database, without_password};

/// What `pg_dump` needs to reach the database a backend connected to.
#[derive(Clone)]
pub(crate) struct DumpSource {
    /// The connection URL with libpq's parameters, without a password.
    url: String,
    password: Option<String>,
}

impl DumpSource {
    /// The source for a backend that connected to `url`, whose password (if any) the
    /// driver read as `password`.
    pub fn new(url: &str, password: Option<&[u8]>) -> Self {
        Self {
            url: without_password(url),
            password: password.map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    /// Writes the whole database to `to` in `pg_dump`'s custom format.
    pub fn dump(&self, to: &Path) -> Result<(), BackendError> {
        let mut command = Command::new("pg_dump");
        command
            .arg("--format=custom")
            .arg("--file")
            .arg(to)
            .arg("--dbname")
            .arg(&self.url)
            // A server that wants a password it was not given fails rather than prompts.
            .arg("--no-password");
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        let output = match command.output() {
            Ok(output) => output,
            Err(error) if error.kind() == ErrorKind::NotFound => {
                return Err(BackendError::NoPgDump);
            }
            Err(error) => return Err(self.failed(to, error.to_string())),
        };
        if output.status.success() {
            return Ok(());
        }
        // A half-written dump must not pass for a backup.
        let _ = std::fs::remove_file(to);
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(self.failed(to, format!("pg_dump {}: {}", output.status, stderr.trim())))
    }

    /// The command that restores the dump at `path` as the database `database` was: it
    /// is dropped and made again from the dump (`--clean --create`), through another
    /// database of the server, so nothing made since the dump survives. Restoring in place
    /// instead (`--clean` alone) fails as soon as a table made since holds a foreign key
    /// into one of the dump's.
    pub fn restore_command(&self, database: &str, path: &Path) -> String {
        let maintenance = if database == "postgres" {
            "template1"
        } else {
            "postgres"
        };
        format!(
            "pg_restore --clean --create --exit-on-error --dbname {} {}",
            shell_quote(&with_database(&self.url, maintenance)),
            shell_quote(&path.display().to_string())
        )
    }

    fn failed(&self, to: &Path, message: String) -> BackendError {
        let message = match &self.password {
            Some(password) if !password.is_empty() => message.replace(password.as_str(), "***"),
            _ => message,
        };
        BackendError::Backup {
            path: to.display().to_string(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_command_holds_no_password() {
        let source = DumpSource::new(
            "postgres://app:s3cret@db:5432/shop?sslmode=require",
            Some(b"s3cret"),
        );
        assert_eq!(
            source.restore_command("shop", Path::new("backups/shop.dump")),
            "pg_restore --clean --create --exit-on-error \
             --dbname 'postgres://app@db:5432/postgres?sslmode=require' backups/shop.dump"
        );
    }
}
