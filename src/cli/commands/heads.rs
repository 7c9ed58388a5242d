//! `migrate heads`: the newest revision (the history is linear, so there is one).

use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context) -> anyhow::Result<u8> {
    let directory = context.directory()?;
    match directory.history.head() {
        Some(head) => println!("{} (head), {}", head.id, head.message()),
        None => println!("<base> (head): no revisions yet"),
    }
    Ok(exit::SUCCESS)
}
