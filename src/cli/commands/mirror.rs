//! `migrate verify --mirror`: verify a SQLite set and its PostgreSQL mirror, each on its
//! own backend, and compare them.

use migrate::engine::{
    HistoryMark, MirrorEvent, MirrorRun, MirrorSet, VerifyOptions, verify_mirror,
};
use migrate::source::MirrorSet as LoadedSet;

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::mirror_output::{SetReport, finish};
use crate::cli::mirror_source::mirror_source;
use crate::cli::verify_args::VerifyArgs;
use crate::cli::verify_checksums::ChecksumCheck;
use crate::cli::verify_output::Progress;
use crate::cli::verify_providers::mirror_providers;
use crate::cli::verify_result::Report;
use crate::cli::verify_snapshot::check_snapshot;

pub fn verify(context: &Context, args: &VerifyArgs) -> anyhow::Result<u8> {
    let settings = &context.settings;
    // Everything that can be wrong with the input is found before anything runs.
    let source = mirror_source(settings, &args.mirror_dirs)?;
    let allow = settings.mirror.allow_entries()?;
    let [sqlite, postgres] = source.load(settings.layout)?;
    let options = VerifyOptions {
        from: args.from.as_deref().map(str::parse).transpose()?,
        to: None,
        strict_column_order: args.strict_column_order,
        introspect: settings.introspect.clone(),
        table: settings.table.clone(),
        data: super::verify::data_options(context, args),
        locks: args.locks,
        read_every_step: args.read_every_step,
        // Compared across the two backends.
        skip_head: false,
    };
    let mut providers = mirror_providers(context, &args.databases)?;
    let human = args.format == Format::Human;
    let mut progress = Progress::new(human);
    let sets = [&sqlite, &postgres];
    let run = MirrorRun {
        sqlite: MirrorSet {
            history: &sqlite.directory.history,
            provider: providers.sqlite.as_mut(),
        },
        postgres: MirrorSet {
            history: &postgres.directory.history,
            provider: match &mut providers.postgres {
                Ok(provider) => Ok(provider.as_mut()),
                Err(reason) => Err(reason.clone()),
            },
        },
        allow: &allow,
    };
    let report = verify_mirror(run, &options, &mut |event| match event {
        MirrorEvent::Walking {
            side,
            source,
            revisions,
        } if human => {
            let dir = sets[usize::from(side == migrate::schema::Side::Postgres)]
                .directory
                .path
                .display();
            println!("verify on {source}: {revisions} revisions in {dir}");
        }
        MirrorEvent::Walking { .. } => {}
        MirrorEvent::Walk(event) => progress.show(&event),
    })?;
    let mut reports = Vec::new();
    for (set, walk) in [(&sqlite, Some(report.sqlite)), (&postgres, report.postgres)] {
        let report = match walk {
            Some(walk) => Some(Report {
                snapshot: check_snapshot(context, &walk, args.update_snapshots)?,
                walk,
            }),
            None => None,
        };
        reports.push(SetReport {
            side: set.side,
            dir: set.directory.path.clone(),
            report,
            checksums: checksums(set),
            history: HistoryMark::of(&set.directory.history),
        });
    }
    finish(&reports, &report.outcome, args)
}

fn checksums(set: &LoadedSet) -> ChecksumCheck {
    match &set.sum_mismatch {
        Some(error) => ChecksumCheck::mismatch(error),
        None => ChecksumCheck::from_state(set.directory.sum),
    }
}
