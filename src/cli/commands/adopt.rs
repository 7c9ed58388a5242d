//! `migrate adopt --from TOOL`: record as applied what another tool applied, running no SQL.

use std::time::Duration;

use clap::Args;
use migrate::core::{AdoptOptions, AdoptReport, History, Target, Tool, Verdict};
use migrate::engine::{AdoptRequest, MigratorOptions, adopt};

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::exit;

/// Arguments of `adopt`.
#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The tool whose tracking table to read: sqlx, diesel, golang-migrate, dbmate, flyway,
    /// refinery or alembic
    #[arg(long, value_name = "TOOL")]
    pub from: Tool,
    /// With --from alembic: our revision that alembic's current revision corresponds to
    #[arg(long, value_name = "ID")]
    pub to: Option<String>,
    /// List the revisions that would be recorded, and record nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Record revisions whose files differ from the checksums the tool stored
    #[arg(long)]
    pub allow_changed: bool,
    /// Give up waiting for another migrate process, or for another connection's lock on a
    /// SQLite database, after this many seconds [default: forever; 30 s for SQLite's lock]
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<f64>,
    /// human or json
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(context: &Context, args: &AdoptArgs) -> anyhow::Result<u8> {
    let directory = context.directory()?;
    let mut backend = context.backend()?;
    let to = args.to.as_deref().map(str::parse::<Target>).transpose()?;
    let request = AdoptRequest {
        tool: args.from,
        options: AdoptOptions {
            to: to.as_ref(),
            allow_changed: args.allow_changed,
        },
        dry_run: args.dry_run,
        migrator: MigratorOptions {
            lock_timeout: args.lock_timeout.map(Duration::from_secs_f64),
            ..MigratorOptions::default()
        },
    };
    let adoption = adopt(backend.as_mut(), &directory.history, &request)?;
    let report = &adoption.report;
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(report)?;
            value["dry_run"] = args.dry_run.into();
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Human => print_human(report, &directory.history, args.dry_run),
    }
    Ok(exit::SUCCESS)
}

fn print_human(report: &AdoptReport, history: &History, dry_run: bool) {
    let (tool, table) = (report.tool, report.table);
    if let Some(version) = &report.alembic_version {
        println!("alembic is at {version} ({table})");
    }
    if report.already_adopted {
        println!("nothing to do: the tracking table already records what {tool} applied");
    } else if report.adopted.is_empty() {
        println!("nothing to do: {table} records no applied migration");
    }
    let verb = if dry_run { "would adopt" } else { "adopted" };
    for id in report.adopted.iter().filter(|_| !report.already_adopted) {
        let message = history.find(id).map(|r| r.message()).unwrap_or_default();
        println!("{verb} {id} {message}");
    }
    for check in &report.checksums {
        match &check.verdict {
            Verdict::Same => {}
            Verdict::Differs { .. } => {
                println!("changed since {tool} applied it: {}", check.origin)
            }
            Verdict::NotCompared { reason } => {
                println!("not compared: {} ({reason})", check.origin)
            }
        }
    }
    let same = report
        .checksums
        .iter()
        .filter(|c| c.verdict == Verdict::Same)
        .count();
    match tool {
        Tool::Sqlx | Tool::Flyway | Tool::Refinery => {
            println!(
                "{same} of {} stored checksum(s) match the files",
                report.checksums.len()
            );
        }
        _ => println!("{tool} stores no checksums: none compared"),
    }
    let pending = history.len() - report.adopted.len();
    if !dry_run && pending > 0 {
        println!("{pending} revision(s) pending: `migrate upgrade` applies them");
    }
}
