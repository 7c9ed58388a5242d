//! `migrate current`: the revision the database is at.

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context, format: Format) -> anyhow::Result<u8> {
    let (directory, mut backend) = context.directory_and_backend()?;
    let applied = backend.applied()?;
    let current = directory.history.newest_applied(&applied);
    let head = directory.history.head();
    let at_head = match (current, head) {
        (Some(row), Some(head)) => row.id == head.id,
        (None, None) => true,
        _ => false,
    };
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "current": current.map(|row| row.id.to_string()),
                "slug": current.map(|row| row.slug.clone()),
                "head": at_head,
            });
            println!("{value}");
        }
        Format::Human => match current {
            None => println!("<base>{}", if at_head { " (head)" } else { "" }),
            Some(row) => println!(
                "{} {}{}",
                row.id,
                row.slug.replace('_', " "),
                if at_head { " (head)" } else { "" }
            ),
        },
    }
    Ok(exit::SUCCESS)
}
