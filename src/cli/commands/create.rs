//! `migrate create MESSAGE`: a new revision folder.

use migrate::source::{Directory, Layout, create_revision, next_id};

use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context, message: &str) -> anyhow::Result<u8> {
    let dir = &context.settings.dir;
    let directory = Directory::load_ignoring_sum(dir, context.read_options())?;
    let layout = directory.layout;
    if layout != Layout::Folders {
        anyhow::bail!(
            "`migrate create` writes migrate's own layout, and {} is in {layout}'s; create the files as {layout} names them",
            dir.display()
        );
    }
    let folder = create_revision(dir, next_id(&directory.history, utc_timestamp()?), message)?;
    println!("created {}", folder.display());
    println!("next: write up.sql and down.sql, then run `migrate hash`");
    Ok(exit::SUCCESS)
}

/// The current UTC time as the number `YYYYMMDDHHMMSS`.
pub fn utc_timestamp() -> anyhow::Result<u64> {
    let format = time::macros::format_description!("[year][month][day][hour][minute][second]");
    Ok(time::OffsetDateTime::now_utc().format(&format)?.parse()?)
}
