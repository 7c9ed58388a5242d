//! `upgrade`, `downgrade` and `stamp`: plan, then print the plan or run it.

use std::io::IsTerminal as _;
use std::time::Duration;

use migrate::backend::{Backup, RestoreWith};
use migrate::core::{Action, PlanOptions, Step, Target};
use migrate::engine::{
    Command, Migrator, MigratorOptions, RunEvent, StepReport, now_rfc3339, offline_sql,
};

use crate::cli::args::RunArgs;
use crate::cli::context::{Context, Found};
use crate::cli::exit;
use crate::cli::noop_memory::NoopMemory;

/// How this invocation runs.
pub struct RunMode {
    pub sql: bool,
    pub dry_run: bool,
    pub options: MigratorOptions,
}

impl RunMode {
    pub fn from_args(args: &RunArgs, use_stored_down: bool) -> Self {
        Self {
            sql: args.sql,
            dry_run: args.dry_run,
            options: MigratorOptions {
                plan: PlanOptions {
                    allow_changed: args.allow_changed,
                    use_stored_down,
                    first_step_checked_by_run: false,
                },
                lock_timeout: args.lock_timeout.map(Duration::from_secs_f64),
                backup: None,
            },
        }
    }
}

pub fn run(context: &Context, command: Command, mode: RunMode) -> anyhow::Result<u8> {
    let (directory, mut backend) = if may_be_a_no_op(&command, &mode) {
        // Stamped before anything reads the database.
        let memory = NoopMemory::new(context, format!("{command:?} {:?}", mode.options.plan));
        if let Some(said) = memory.as_ref().and_then(NoopMemory::said) {
            print!("{said}");
            return Ok(exit::SUCCESS);
        }
        let (found, mut backend) = context.found_and_backend()?;
        let directory = match found {
            Found::Read(directory) => directory,
            Found::Remembered(summary) => {
                let history = &summary.directory().history;
                let mut migrator = Migrator::new(backend.as_mut(), history, mode.options.clone());
                if migrator.has_nothing_to_do(&command)? {
                    let said = format!("nothing to do\n{}\n", position(&mut migrator, history)?);
                    print!("{said}");
                    if let Some(memory) = memory {
                        memory.remember(&summary, &said);
                    }
                    return Ok(exit::SUCCESS);
                }
                context.directory_remembered()?
            }
        };
        (directory, backend)
    } else {
        context.directory_and_backend()?
    };
    let dialect = backend.dialect();
    let use_stored_down = mode.options.plan.use_stored_down;
    let mut migrator = Migrator::new(backend.as_mut(), &directory.history, mode.options);
    if mode.sql || mode.dry_run {
        let plan = migrator.plan(&command)?;
        if mode.sql {
            print!(
                "{}",
                offline_sql(&plan, &context.settings.table, dialect, &now_rfc3339())
            );
        } else if plan.steps.is_empty() {
            println!("nothing to do");
        } else {
            for step in &plan.steps {
                println!(
                    "would {} {} {}",
                    verb(step),
                    step.id,
                    step.slug.replace('_', " ")
                );
            }
        }
        return Ok(exit::SUCCESS);
    }
    if use_stored_down {
        announce_stored_downs(&migrator.plan(&command)?);
    }
    let reports = migrator.run_reporting(&command, &mut |event| match event {
        RunEvent::BackedUp(backup) => print_backup(backup),
        RunEvent::Step(report) => print_step(report),
    })?;
    if reports.is_empty() {
        println!("nothing to do");
    }
    print_position(&mut migrator, &directory.history)?;
    Ok(exit::SUCCESS)
}

/// Whether the run may find nothing to do, the most frequent case (every app start, every
/// deploy step), which a directory remembered from an earlier run answers without
/// reading the files: an upgrade run as such, not printed (a backup is only written
/// when there is something to run).
fn may_be_a_no_op(command: &Command, mode: &RunMode) -> bool {
    matches!(command, Command::Upgrade(_)) && !mode.sql && !mode.dry_run
}

/// Parses a target argument.
pub fn target(text: &str) -> anyhow::Result<Target> {
    Ok(text.parse::<Target>()?)
}

/// Says what will run for revisions whose folder is gone, before it runs: that SQL is not
/// in any file the user can read.
fn announce_stored_downs(plan: &migrate::core::Plan) {
    for step in &plan.steps {
        if let Action::Revert { down } = &step.action
            && down.origin.contains("stored in the tracking table")
        {
            println!(
                "{} is not in the migrations directory; running the down SQL stored when it was applied:",
                step.id
            );
            for line in down.text.trim_end().lines() {
                println!("    {line}");
            }
        }
    }
}

fn verb(step: &Step) -> &'static str {
    match step.action {
        Action::Apply { .. } => "upgrade",
        Action::Revert { .. } => "downgrade",
        Action::Record { .. } => "stamp",
        Action::Forget => "unstamp",
    }
}

/// Where the backup went and how it comes back, before any step runs: should the run
/// fail, this is what the user needs.
fn print_backup(backup: &Backup) {
    println!("backup written to {}", backup.path.display());
    match &backup.restore {
        RestoreWith::Migrate => {
            println!("restore it with: migrate restore {}", backup.path.display())
        }
        RestoreWith::PgRestore { command } => {
            println!("restore it (with every session on the database stopped) with: {command}");
        }
    }
}

/// A line per step as it completes; on a terminal, prefixed with its place in the run.
fn print_step(report: &StepReport) {
    if std::io::stdout().is_terminal() {
        print!("[{}/{}] ", report.position, report.total);
    }
    println!(
        "{} {} {} ({} ms)",
        verb(&report.step),
        report.step.id,
        report.step.slug.replace('_', " "),
        report.duration.as_millis()
    );
}

fn print_position(
    migrator: &mut Migrator<'_>,
    history: &migrate::core::History,
) -> anyhow::Result<()> {
    println!("{}", position(migrator, history)?);
    Ok(())
}

/// Where the database is, in a line.
fn position(
    migrator: &mut Migrator<'_>,
    history: &migrate::core::History,
) -> anyhow::Result<String> {
    Ok(match migrator.position()? {
        None => "database at <base>".to_owned(),
        Some(id) => {
            let head = history.head().is_some_and(|head| head.id == id);
            format!("database at {id}{}", if head { " (head)" } else { "" })
        }
    })
}
