//! The binary's thin layer: parse arguments, call the library, print, pick the exit code.
//! anyhow lives here and in main.rs only.

mod args;
mod commands;
mod config_error;
mod context;
mod directory_notes;
mod exit;
mod lint_output;
mod mirror_config;
mod mirror_output;
mod mirror_source;
mod noop_memory;
mod output_format;
mod report;
mod settings;
mod summary_cache;
mod verify_args;
mod verify_base;
mod verify_checksums;
mod verify_json;
mod verify_junit;
mod verify_merge;
mod verify_output;
mod verify_providers;
mod verify_result;
mod verify_snapshot;
mod verify_walks;

use clap::Parser as _;
use migrate::engine::{BackupTo, Command};

use args::{Cli, CommandArgs};
use commands::run::{RunMode, target};
use commands::status::Mode;
use context::Context;
use verify_args::MirrorCommand;

/// Runs the command line and returns the process's exit code.
pub fn main() -> u8 {
    let cli = Cli::parse();
    let result = dispatch(cli);
    // A signal's handler may be removing scratch databases under the command's feet: it
    // exits the process itself when done, and the error its cleanup caused is not news.
    migrate::provision::wait_if_interrupted();
    match result {
        Ok(code) => code,
        Err(error) => {
            eprint!("{}", report::render_error(&error));
            exit::code_for(&error)
        }
    }
}

/// `--backup PATH`, refusing a PATH that reads as a target and names no file: `upgrade
/// --backup +2` means the target, which clap gave the flag.
fn backup_path(path: std::path::PathBuf) -> anyhow::Result<BackupTo> {
    let text = path.to_string_lossy();
    // A target is `head`, `base`, or made of an id's characters and `+`/`-` steps; a
    // file name has a letter or a separator somewhere.
    let reads_as_target = matches!(text.as_ref(), "head" | "base")
        || text
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.".contains(c));
    if !path.exists() && reads_as_target {
        anyhow::bail!(
            "--backup took `{text}` as the backup's path, which reads as a target: write the target before --backup, or --backup=PATH"
        );
    }
    Ok(BackupTo::named(path))
}

fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    let context = Context::new(settings::Settings::resolve(&cli.global)?);
    match cli.command {
        CommandArgs::Init => commands::init::run(&context, &cli.global.config),
        CommandArgs::Create {
            message,
            autogenerate: true,
            mirror: true,
            desired,
        } => commands::autogenerate_mirror::create(&context, &message, &desired),
        CommandArgs::Create {
            message,
            autogenerate: true,
            desired,
            ..
        } => commands::autogenerate::create(&context, &message, &desired),
        CommandArgs::Create { message, .. } => commands::create::run(&context, &message),
        CommandArgs::Upgrade(args) => {
            let command = Command::Upgrade(target(&args.target)?);
            let mut mode = RunMode::from_args(&args.run, false);
            mode.options.backup = match args.backup {
                Some(Some(path)) => Some(backup_path(path)?),
                Some(None) => Some(BackupTo::Default),
                None => context.settings.backup.then_some(BackupTo::Default),
            };
            commands::run::run(&context, command, mode)
        }
        CommandArgs::Downgrade(args) => {
            let command = Command::Downgrade(target(&args.target)?);
            let mode = RunMode::from_args(&args.run, args.use_stored_down);
            commands::run::run(&context, command, mode)
        }
        CommandArgs::Stamp {
            target: text,
            dry_run,
        } => {
            let mode = RunMode {
                sql: false,
                dry_run,
                options: Default::default(),
            };
            commands::run::run(&context, Command::Stamp(target(&text)?), mode)
        }
        CommandArgs::Current(args) => commands::current::run(&context, args.format),
        CommandArgs::History(args) => commands::history::run(&context, args.format),
        CommandArgs::Heads => commands::heads::run(&context),
        CommandArgs::Adopt(args) => commands::adopt::run(&context, &args),
        CommandArgs::Status(args) => commands::status::run(&context, args.format, Mode::Status),
        CommandArgs::Check(args) => commands::status::run(&context, args.format, Mode::Check),
        CommandArgs::Hash => commands::hash::run(&context),
        CommandArgs::Lint(args) => commands::lint::run(&context, &args),
        CommandArgs::Verify(args) if args.mirror => commands::mirror::verify(&context, &args),
        CommandArgs::Verify(args) => commands::verify::run(&context, &args),
        CommandArgs::Mirror {
            command: MirrorCommand::Status { dirs, format },
        } => commands::mirror_status::run(&context, &dirs, format),
        CommandArgs::Snapshot { databases } => commands::verify::snapshot(&context, &databases),
        CommandArgs::Schema(args) => commands::schema::show(&context, args.format),
        CommandArgs::Diff {
            to: Some(to),
            desired,
            ..
        } => commands::autogenerate::diff_to(&context, &to, &desired),
        CommandArgs::Diff {
            expected: Some(expected),
            actual: Some(actual),
            format,
            ..
        } => commands::schema::diff(&context, &expected, &actual, format),
        CommandArgs::Diff { .. } => anyhow::bail!(
            "`migrate diff` compares two database URLs, or head with a schema file (--to FILE)"
        ),
        CommandArgs::Restore { path, lock_timeout } => {
            commands::restore::run(&context, &path, lock_timeout)
        }
        CommandArgs::Repair { revision, resume } => {
            commands::repair::run(&context, &revision, resume)
        }
        CommandArgs::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "migrate", &mut std::io::stdout());
            Ok(exit::SUCCESS)
        }
    }
}
