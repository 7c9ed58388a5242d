//! `migrate verify` and `migrate snapshot`: walk every revision on each backend, then check
//! the sum file and the committed schema snapshots.

use migrate::engine::{VerifyOptions, WalkReport, verify};
use migrate::source::{Directory, SourceError};

use crate::cli::args::{Format, VerifyArgs, VerifyDatabases};
use crate::cli::context::Context;
use crate::cli::exit;
use crate::cli::verify_output::{self, ChecksumCheck, Report};
use crate::cli::verify_providers::providers;
use crate::cli::verify_snapshot::{SnapshotCheck, check_snapshot};

pub fn run(context: &Context, args: &VerifyArgs) -> anyhow::Result<u8> {
    if args.mirror_dirs.sqlite_dir.is_some() || args.mirror_dirs.postgres_dir.is_some() {
        anyhow::bail!(
            "--sqlite-dir and --postgres-dir name a mirror's sets\nhelp: add --mirror to verify both sets and compare them"
        );
    }
    let (directory, checksums) = load(context)?;
    let options = VerifyOptions {
        from: args.from.as_deref().map(str::parse).transpose()?,
        strict_column_order: args.strict_column_order,
        introspect: context.settings.introspect.clone(),
        table: context.settings.table.clone(),
    };
    let human = args.format == Format::Human;
    let mut reports = Vec::new();
    let selection = providers(context, &args.databases)?;
    for mut provider in selection.providers {
        if human {
            println!(
                "verify on {}: {} revisions",
                provider.describe(),
                directory.history.len()
            );
        }
        let mut progress = verify_output::Progress::new(human);
        let walk = verify(
            provider.as_mut(),
            &directory.history,
            &options,
            &mut |event| {
                progress.show(&event);
            },
        )?;
        let snapshot = check_snapshot(context, &walk, args.update_snapshots)?;
        reports.push(Report { walk, snapshot });
    }
    let base = match &args.base {
        Some(reference) => Some(crate::cli::verify_base::check(
            context, &directory, reference,
        )?),
        None => None,
    };
    let failed =
        verify_output::finish(&reports, &checksums, base.as_ref(), &selection.notes, args)?;
    Ok(if failed { exit::DEFECT } else { exit::SUCCESS })
}

/// `migrate snapshot`: writes the schema at head of each backend.
pub fn snapshot(context: &Context, databases: &VerifyDatabases) -> anyhow::Result<u8> {
    let (directory, _) = load(context)?;
    let options = VerifyOptions {
        introspect: context.settings.introspect.clone(),
        table: context.settings.table.clone(),
        ..VerifyOptions::default()
    };
    let selection = providers(context, databases)?;
    for note in &selection.notes {
        println!("{note}");
    }
    for mut provider in selection.providers {
        let walk: WalkReport =
            verify(provider.as_mut(), &directory.history, &options, &mut |_| {})?;
        match check_snapshot(context, &walk, true)? {
            SnapshotCheck::Updated { path } => println!("wrote {}", path.display()),
            other => anyhow::bail!("no snapshot for {}: {}", walk.backend, other.summary()),
        }
    }
    Ok(exit::SUCCESS)
}

/// The directory, and what its sum file says; a sum file that disagrees is a finding of
/// verify, not a reason to stop.
fn load(context: &Context) -> anyhow::Result<(Directory, ChecksumCheck)> {
    let settings = &context.settings;
    match Directory::load_as(&settings.dir, settings.layout) {
        Ok(directory) => {
            let check = ChecksumCheck::from_state(directory.sum);
            Ok((directory, check))
        }
        Err(error @ (SourceError::SumMismatch { .. } | SourceError::SumFile { .. })) => {
            let check = ChecksumCheck::mismatch(&error);
            let directory = Directory::load_ignoring_sum(&settings.dir, settings.layout)?;
            Ok((directory, check))
        }
        Err(error) => Err(error.into()),
    }
}
