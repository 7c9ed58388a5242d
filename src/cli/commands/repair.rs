//! `migrate repair ID [--resume]`: get past a no-transaction script that stopped partway.

use migrate::core::RevisionId;
use migrate::engine::{Migrator, MigratorOptions};

use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context, revision: &str, resume: bool) -> anyhow::Result<u8> {
    let directory = context.directory()?;
    let id: RevisionId = revision.parse()?;
    let mut backend = context.backend()?;
    let mut migrator = Migrator::new(
        backend.as_mut(),
        &directory.history,
        MigratorOptions::default(),
    );
    let mark = migrator.repair(&id, resume)?;
    if resume {
        println!(
            "resumed {id} after statement {} of {}: recorded as {}",
            mark.statements_done,
            mark.statement_count,
            match mark.direction {
                migrate::core::Direction::Up => "applied",
                migrate::core::Direction::Down => "reverted",
            }
        );
    } else {
        println!(
            "cleared the dirty mark of {id}; the next run starts its script from the first statement"
        );
    }
    Ok(exit::SUCCESS)
}
