//! `migrate hash`: rewrite migrate.sum from the files.

use anyhow::Context as _;
use migrate::core::{SUM_FILE_NAME, SumFile};
use migrate::source::Directory;

use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context) -> anyhow::Result<u8> {
    let dir = &context.settings.dir;
    let history = Directory::load_ignoring_sum(dir, context.read_options())?.history;
    let path = dir.join(SUM_FILE_NAME);
    std::fs::write(&path, SumFile::compute(&history).render())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let count = history.len();
    let noun = if count == 1 { "revision" } else { "revisions" };
    println!("wrote {} ({count} {noun})", path.display());
    Ok(exit::SUCCESS)
}
