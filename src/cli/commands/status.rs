//! `migrate status` and `migrate check`: every revision's state, and a gate on it.

use migrate::core::{RevisionState, StatusEntry};
use migrate::engine::{Migrator, MigratorOptions};
use migrate::source::{Directory, SumState};

use crate::cli::args::Format;
use crate::cli::context::{Context, Found};
use crate::cli::directory_notes;
use crate::cli::exit;
use crate::cli::noop_memory::NoopMemory;

/// Whether the command gates (exit 1 unless clean) or only shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Status,
    Check,
}

pub fn run(context: &Context, format: Format, mode: Mode) -> anyhow::Result<u8> {
    // A check that passed on a SQLite file not written since passes again (see
    // `NoopMemory`); stamped before anything reads the database.
    let memory = match (mode, format) {
        (Mode::Check, Format::Human) => NoopMemory::new(context, "check".to_owned()),
        _ => None,
    };
    if let Some(said) = memory.as_ref().and_then(NoopMemory::said) {
        print!("{said}");
        return Ok(exit::SUCCESS);
    }
    let (found, mut backend) = context.found_and_backend()?;
    let marks = backend.dirty()?;
    // A remembered directory tells every state (they come from ids and checksums); a dirty
    // mark names its last good statement from the files, so then they are read.
    let found = match found {
        Found::Remembered(_) if !marks.is_empty() => Found::Read(context.directory_remembered()?),
        found => found,
    };
    let directory = found.directory();
    // Every state comes from ids and checksums, none from the texts as applied.
    let applied = backend.applied_without_texts()?;
    let dirty: Vec<String> = if marks.is_empty() {
        Vec::new()
    } else {
        let options = MigratorOptions::default();
        let mut migrator = Migrator::new(backend.as_mut(), &directory.history, options);
        migrator.dirty()?.iter().map(ToString::to_string).collect()
    };
    let entries = migrate::core::status(&directory.history, &applied);
    let clean = dirty.is_empty() && entries.iter().all(|entry| entry.state.is_applied_cleanly());
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "database": backend.describe(),
                "clean": clean,
                "sum_file": sum_text(directory),
                "dirty": dirty,
                "ignored": directory.ignored,
                "no_ops": directory.no_ops.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "revisions": entries,
            });
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Human if mode == Mode::Status => print_table(&entries, directory),
        Format::Human => {
            let unclean: Vec<StatusEntry> = entries
                .iter()
                .filter(|entry| !entry.state.is_applied_cleanly())
                .cloned()
                .collect();
            print_rows(&unclean);
            let counted = summary_line(&entries);
            println!("{counted}");
            if let (true, Some(memory), Found::Remembered(summary)) = (clean, memory, &found) {
                memory.remember(summary, &format!("{counted}\n"));
            }
        }
    }
    if format == Format::Human {
        for mark in &dirty {
            println!("dirty: {mark}");
        }
    }
    if format == Format::Human && mode == Mode::Status {
        let notes = [
            directory_notes::ignored(directory),
            directory_notes::no_ops(directory),
        ];
        for note in notes.into_iter().flatten() {
            println!("{note}");
        }
    }
    Ok(if mode == Mode::Check && !clean {
        exit::DEFECT
    } else {
        exit::SUCCESS
    })
}

fn sum_text(directory: &Directory) -> &'static str {
    match directory.sum {
        SumState::Verified => "verified",
        SumState::Absent => "absent",
        SumState::Unchecked => "unchecked",
    }
}

fn print_rows(entries: &[StatusEntry]) {
    let width = entries
        .iter()
        .map(|e| e.id.as_str().len())
        .max()
        .unwrap_or(0);
    for entry in entries {
        let state = entry.state.to_string();
        let message = entry.slug.replace('_', " ");
        println!("{state:<12} {:<width$}  {message}", entry.id.as_str());
    }
}

fn print_table(entries: &[StatusEntry], directory: &Directory) {
    print_rows(entries);
    println!("{}", summary_line(entries));
    if directory.sum == SumState::Absent {
        println!(
            "note: {} has no migrate.sum, so edits to merged migrations go unnoticed; run `migrate hash` and commit it",
            directory.path.display()
        );
    }
}

/// How many revisions are in each state, in a line.
fn summary_line(entries: &[StatusEntry]) -> String {
    let states = [
        RevisionState::Applied,
        RevisionState::Pending,
        RevisionState::Changed,
        RevisionState::Missing,
        RevisionState::OutOfOrder,
    ];
    let counts: Vec<String> = states
        .iter()
        .filter_map(|state| {
            let count = entries.iter().filter(|e| e.state == *state).count();
            (count > 0).then(|| format!("{count} {state}"))
        })
        .collect();
    if counts.is_empty() {
        "no revisions".to_owned()
    } else {
        counts.join(", ")
    }
}
