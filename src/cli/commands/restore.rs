//! `migrate restore PATH`: put back the backup `upgrade --backup` wrote.

use std::path::Path;
use std::time::Duration;

use migrate::engine::{Restored, restore};

use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context, path: &Path, lock_timeout: Option<f64>) -> anyhow::Result<u8> {
    let timeout = lock_timeout
        .map(Duration::try_from_secs_f64)
        .transpose()
        .map_err(|_| anyhow::anyhow!("--lock-timeout takes a number of seconds"))?;
    let mut backend = context.backend()?;
    match restore(backend.as_mut(), path, timeout)? {
        Restored::Done { position } => {
            println!("restored {} from {}", backend.describe(), path.display());
            match position {
                Some(id) => println!("database at {id}"),
                None => println!("database at <base>"),
            }
        }
        Restored::RunThis { command } => {
            println!(
                "a PostgreSQL dump is restored with PostgreSQL's own pg_restore, which drops the \
                 database and makes it again from the dump; stop every session on it, then run:"
            );
            println!("  {command}");
        }
    }
    Ok(exit::SUCCESS)
}
