//! `migrate mirror status`: which revisions each set has, side by side, and how each set
//! is read, running nothing; or the same as JSON. Exit 1 when a set lacks a revision.

use migrate::core::Revision;
use migrate::engine::mirror_revisions;
use migrate::schema::Side;
use migrate::source::MirrorSet;
use serde_json::json;

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::exit;
use crate::cli::mirror_source::mirror_source;
use crate::cli::verify_args::MirrorDirs;

pub fn run(context: &Context, dirs: &MirrorDirs, format: Format) -> anyhow::Result<u8> {
    let source = mirror_source(&context.settings, dirs)?;
    let [sqlite, postgres] = source.load(context.settings.layout)?;
    let rows = mirror_revisions(&sqlite.directory.history, &postgres.directory.history);
    print(&[&sqlite, &postgres], &rows, format)?;
    let one_sided = rows.iter().any(|(_, sets)| sets.len() == 1);
    Ok(if one_sided {
        exit::DEFECT
    } else {
        exit::SUCCESS
    })
}

/// Prints the sets and their revisions.
fn print(
    sets: &[&MirrorSet; 2],
    rows: &[(&Revision, Vec<Side>)],
    format: Format,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let describe = |set: &MirrorSet| {
            json!({
                "dir": set.directory.path.display().to_string(),
                "layout": set.directory.layout.name(),
                "revisions": set.directory.history.len(),
            })
        };
        let revisions: Vec<serde_json::Value> = rows
            .iter()
            .map(|(revision, sides)| {
                json!({"id": revision.id.to_string(), "slug": revision.slug, "sets": sides})
            })
            .collect();
        let value = json!({
            "sqlite": describe(sets[0]),
            "postgres": describe(sets[1]),
            "revisions": revisions,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let labels: Vec<String> = rows
        .iter()
        .map(|(revision, _)| format!("{} {}", revision.id, revision.slug.replace('_', " ")))
        .collect();
    let width = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    println!("{:width$}  sqlite  postgres", "revision");
    for ((_, sides), label) in rows.iter().zip(&labels) {
        let mark = |side| if sides.contains(&side) { "✓" } else { "-" };
        println!(
            "{label:width$}  {:6}  {}",
            mark(Side::Sqlite),
            mark(Side::Postgres)
        );
    }
    for set in sets {
        println!(
            "{}: {} ({} layout, {} revisions)",
            set.side,
            set.directory.path.display(),
            set.directory.layout.name(),
            set.directory.history.len()
        );
    }
    for side in Side::BOTH {
        let only = rows.iter().filter(|(_, sides)| sides[..] == [side]).count();
        match only {
            0 => {}
            1 => println!("1 revision on {side} only"),
            n => println!("{n} revisions on {side} only"),
        }
    }
    Ok(())
}
