//! `migrate history`: the revisions, newest first, with the head and the current one marked.

use migrate::core::RevisionId;

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::exit;

pub fn run(context: &Context, format: Format) -> anyhow::Result<u8> {
    let directory = context.directory()?;
    // A database is read only when one is there, so `history` works on a fresh checkout.
    let current: Option<RevisionId> = if context.settings.database_expected() {
        let applied = context.backend()?.applied()?;
        directory
            .history
            .newest_applied(&applied)
            .map(|row| row.id.clone())
    } else {
        None
    };
    let revisions = directory.history.revisions();
    let head = revisions.last().map(|revision| &revision.id);
    let mut entries = Vec::with_capacity(revisions.len());
    for (index, revision) in revisions.iter().enumerate().rev() {
        let down_revision = index.checked_sub(1).map(|below| &revisions[below].id);
        entries.push((down_revision, revision));
    }
    if format == Format::Json {
        let value: Vec<_> = entries
            .iter()
            .map(|(down, revision)| {
                serde_json::json!({
                    "id": revision.id.to_string(),
                    "down_revision": down.map(ToString::to_string),
                    "slug": revision.slug,
                    "head": Some(&revision.id) == head,
                    "current": Some(&revision.id) == current.as_ref(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(exit::SUCCESS);
    }
    for (down, revision) in entries {
        let below = down.map_or_else(|| "<base>".to_owned(), ToString::to_string);
        let mut marks = String::new();
        if Some(&revision.id) == head {
            marks.push_str(" (head)");
        }
        if Some(&revision.id) == current.as_ref() {
            marks.push_str(" (current)");
        }
        println!("{below} -> {}{marks}, {}", revision.id, revision.message());
    }
    Ok(exit::SUCCESS)
}
