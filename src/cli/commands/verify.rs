//! `migrate verify` and `migrate snapshot`: walk every revision on each backend, then check
//! the sum file and the committed schema snapshots.

use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::time::Duration;

use migrate::backend::Dialect;
use migrate::core::lint::{Flavor, LintReport, ObservedLock, lint_revisions};
use migrate::core::{History, Shard};
use migrate::engine::{
    DataOptions, HistoryMark, ShardMark, VerifyOptions, WalkReport, auto_jobs, verify,
};
use migrate::source::{Directory, ReadOptions, SourceError};

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::directory_notes;
use crate::cli::exit;
use crate::cli::verify_args::{Jobs, VerifyArgs, VerifyDatabases};
use crate::cli::verify_checksums::ChecksumCheck;
use crate::cli::verify_output;
use crate::cli::verify_providers::{Selection, cheap_to_make, providers, providers_making_spares};
use crate::cli::verify_result::Verification;
use crate::cli::verify_snapshot::{SnapshotCheck, check_snapshot, needs_head};
use crate::cli::{verify_merge, verify_walks};

pub fn run(context: &Context, args: &VerifyArgs) -> anyhow::Result<u8> {
    if args.mirror_dirs.sqlite_dir.is_some() || args.mirror_dirs.postgres_dir.is_some() {
        anyhow::bail!(
            "--sqlite-dir and --postgres-dir name a mirror's sets\nhelp: add --mirror to verify both sets and compare them"
        );
    }
    let verification = if args.merge_reports.is_empty() {
        walk(context, args)?
    } else {
        let mut merged = verify_merge::merge_files(&args.merge_reports)?;
        merged.lint = lint_merged(context, &merged);
        if args.format == Format::Human {
            verify_output::print_walks(&merged.reports);
        }
        merged
    };
    let failed = verify_output::finish(&verification, args)?;
    Ok(if failed { exit::DEFECT } else { exit::SUCCESS })
}

/// Walks the history (or the shard of it asked for) on each backend; the checks made once
/// per run (sum file, base) are a shard's only when it is the first.
fn walk(context: &Context, args: &VerifyArgs) -> anyhow::Result<Verification> {
    let options = VerifyOptions {
        from: args.from.as_deref().map(str::parse).transpose()?,
        to: None,
        strict_column_order: args.strict_column_order,
        introspect: context.settings.introspect.clone(),
        table: context.settings.table.clone(),
        data: data_options(context, args),
        locks: args.locks,
        read_every_step: args.read_every_step,
        // Set for each backend below.
        skip_head: false,
    };
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    // How many shards walk `revisions` revisions here, where a database costs `cost`.
    let shards = |revisions: usize, cost: Duration| match (args.shard, args.jobs) {
        (Some(_), _) => 1,
        (None, Some(Jobs::Count(jobs))) => jobs.get(),
        (None, _) => auto_jobs(revisions, &options, cores, cost),
    };
    // Before the first database is made, its cost is not known: the spares are made as
    // for a server in memory, and those the split then does not take are let go.
    let expected = |revisions: usize| shards(revisions, Duration::ZERO);
    let ((directory, checksums), selection) = load_and_provide(context, &args.databases, expected)?;
    let history = &directory.history;
    let mut reports = Vec::new();
    let mut lint = Vec::new();
    for mut provider in selection.providers {
        let dialect = provider.dialect();
        let history = history_for(context, &directory, dialect)?;
        lint.push(lint_for(context, &history, dialect));
        let options = VerifyOptions {
            skip_head: !needs_head(context, dialect, args.update_snapshots),
            ..options.clone()
        };
        let run = (&*history, &options);
        let jobs = shards(history.len(), provider.database_cost());
        provider.release_spares(jobs);
        reports.push(match (args.shard, jobs) {
            (Some(shard), _) => {
                verify_walks::one_shard(context, provider.as_mut(), run, shard, args)?
            }
            (None, 2..) => verify_walks::in_parallel(context, provider.as_mut(), run, jobs, args)?,
            (None, _) => verify_walks::whole(context, provider.as_mut(), run, args)?,
        });
    }
    for (report, (_, lint)) in reports.iter().zip(&mut lint) {
        lint.observe(&observed_locks(&report.walk));
    }
    let first = args.shard.is_none_or(Shard::is_first);
    let mut notes = selection.notes;
    notes.extend(directory_notes::ignored(&directory));
    if let Some(data) = options.data {
        notes.push(format!(
            "data: every table topped up to {} generated rows before each up, seed {} (reproduce with --data --seed {})",
            data.rows, data.seed, data.seed
        ));
    }
    let base = match &args.base {
        Some(reference) if first => Some(crate::cli::verify_base::check(
            context, &directory, reference,
        )?),
        _ => None,
    };
    Ok(Verification {
        reports,
        checksums: if first {
            checksums
        } else {
            ChecksumCheck::in_first_shard()
        },
        base,
        notes,
        lint,
        merged_lint: Vec::new(),
        history: HistoryMark::of(history),
        shard: args.shard.map(|shard| ShardMark::new(history, shard)),
    })
}

/// `migrate snapshot`: writes the schema at head of each backend.
pub fn snapshot(context: &Context, databases: &VerifyDatabases) -> anyhow::Result<u8> {
    let ((directory, _), selection) = load_and_provide(context, databases, |_| 1)?;
    let options = VerifyOptions {
        introspect: context.settings.introspect.clone(),
        table: context.settings.table.clone(),
        ..VerifyOptions::default()
    };
    for note in &selection.notes {
        println!("{note}");
    }
    for mut provider in selection.providers {
        let history = history_for(context, &directory, provider.dialect())?;
        let walk: WalkReport = verify(provider.as_mut(), &history, &options, &mut |_| {})?;
        match check_snapshot(context, &walk, true)? {
            SnapshotCheck::Updated { path } => println!("wrote {}", path.display()),
            other => anyhow::bail!("no snapshot for {}: {}", walk.backend, other.summary()),
        }
    }
    Ok(exit::SUCCESS)
}

/// The history to verify on a database of `dialect`: the directory's, unless its layout
/// keeps a file per dialect (popx), when it is read again for that dialect.
fn history_for<'a>(
    context: &Context,
    directory: &'a Directory,
    dialect: Dialect,
) -> anyhow::Result<Cow<'a, History>> {
    if !directory.layout.reads_per_dialect() {
        return Ok(Cow::Borrowed(&directory.history));
    }
    let options = ReadOptions {
        layout: Some(directory.layout),
        ..context.read_options_for(dialect)
    };
    let again = Directory::load_ignoring_sum(&context.settings.dir, options)?;
    Ok(Cow::Owned(again.history))
}

/// The directory (see [`load`]) and the scratch databases' providers, made while the
/// directory is read where that is cheap (see [`cheap_to_make`]): a server's first
/// `CREATE DATABASE` then costs no time of its own, and the databases of the
/// `shards(revisions)` shards expected are made beside it. A directory that fails to read
/// is the error reported, whatever the providers did.
fn load_and_provide(
    context: &Context,
    databases: &VerifyDatabases,
    shards: impl Fn(usize) -> usize,
) -> anyhow::Result<((Directory, ChecksumCheck), Selection)> {
    if !cheap_to_make(context, databases) {
        let loaded = load(context)?;
        return Ok((loaded, providers(context, databases)?));
    }
    std::thread::scope(|scope| {
        let (tell, told) = std::sync::mpsc::channel();
        let spares = move || told.recv().unwrap_or(0);
        let making = scope.spawn(|| providers_making_spares(context, databases, spares));
        let loaded = load(context);
        let revisions = loaded
            .as_ref()
            .map_or(0, |(directory, _)| directory.history.len());
        // A directory that failed to read wants none; the receiver is gone when no
        // PostgreSQL was asked for.
        let _ = tell.send(shards(revisions).saturating_sub(1));
        let made = making
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((loaded?, made?))
    })
}

/// The directory, and what its sum file says; a sum file that disagrees is a finding of
/// verify, not a reason to stop.
fn load(context: &Context) -> anyhow::Result<(Directory, ChecksumCheck)> {
    let settings = &context.settings;
    match Directory::load_with(&settings.dir, context.read_options()) {
        Ok(directory) => {
            let check = ChecksumCheck::from_state(directory.sum);
            Ok((directory, check))
        }
        Err(error @ (SourceError::SumMismatch { .. } | SourceError::SumFile { .. })) => {
            let check = ChecksumCheck::mismatch(&error);
            let directory = Directory::load_ignoring_sum(&settings.dir, context.read_options())?;
            Ok((directory, check))
        }
        Err(error) => Err(error.into()),
    }
}

/// `migrate lint` of the history walked on a backend, as verify shows it.
fn lint_for(context: &Context, history: &History, dialect: Dialect) -> (String, LintReport) {
    let flavor = match dialect {
        Dialect::Sqlite => Flavor::Sqlite,
        Dialect::Postgres => Flavor::Postgres,
    };
    let options = super::lint::options(context, flavor);
    (
        dialect.name().to_owned(),
        lint_revisions(history.revisions(), options),
    )
}

/// `--data` or `data = true`: how many rows, from which seed.
pub fn data_options(context: &Context, args: &VerifyArgs) -> Option<DataOptions> {
    (args.data || context.settings.data).then_some(DataOptions {
        seed: args.seed,
        rows: 3,
    })
}

/// Lints again, for reports put together from shards, what each backend walked: the same
/// lines a whole run prints. Where the directory cannot be read here, the shards' JSON
/// `lint` objects still travel (see `merged_lint`).
fn lint_merged(context: &Context, merged: &Verification) -> Vec<(String, LintReport)> {
    let Ok(directory) = context.directory() else {
        return Vec::new();
    };
    let mut lint = Vec::new();
    for report in &merged.reports {
        let Some(dialect) = Dialect::from_name(&report.walk.backend) else {
            continue;
        };
        if let Ok(history) = history_for(context, &directory, dialect) {
            lint.push(lint_for(context, &history, dialect));
        }
    }
    lint
}

/// The locks `verify --locks` saw each statement take, for lint to quote.
fn observed_locks(walk: &WalkReport) -> Vec<ObservedLock> {
    walk.revisions
        .iter()
        .flat_map(|verdict| &verdict.locks)
        .filter(|lock| !lock.relation.is_empty())
        .filter_map(|lock| {
            Some(ObservedLock {
                origin: lock.file.clone(),
                line: lock.line?,
                table: lock.relation.clone(),
                mode: lock.mode.clone(),
            })
        })
        .collect()
}
