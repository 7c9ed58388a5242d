//! How `verify` walks the history on one backend: whole, one shard of it (`--shard K/N`),
//! or every shard at once (`--jobs N`), merged the way `--merge-reports` merges shard
//! files, so that both say what one walk would.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use migrate::core::{History, Shard};
use migrate::engine::{
    Event, HistoryMark, MergedWalk, ShardMark, ShardPart, VerifyOptions, WalkReport, merge_shards,
    verify, verify_in_parallel, verify_shard,
};
use migrate::provision::Provider;

use super::args::Format;
use super::context::Context;
use super::verify_args::VerifyArgs;
use super::verify_output::Progress;
use super::verify_result::Report;
use super::verify_snapshot::{SnapshotCheck, check_snapshot};

/// One walk over the whole history, its verdicts printed as they come.
pub fn whole(
    context: &Context,
    provider: &mut dyn Provider,
    (history, options): (&History, &VerifyOptions),
    args: &VerifyArgs,
) -> anyhow::Result<Report> {
    let human = args.format == Format::Human;
    if human {
        print_header(provider, history);
    }
    let mut progress = Progress::new(human);
    let walk = verify(provider, history, options, &mut |event| {
        progress.show(&event);
    })?;
    let snapshot = check_snapshot(context, &walk, args.update_snapshots)?;
    Ok(Report { walk, snapshot })
}

/// One shard's walk on one backend; the last shard checks the snapshot.
pub fn one_shard(
    context: &Context,
    provider: &mut dyn Provider,
    (history, options): (&History, &VerifyOptions),
    shard: Shard,
    args: &VerifyArgs,
) -> anyhow::Result<Report> {
    let human = args.format == Format::Human;
    if human {
        let slice = shard.slice(history.len());
        let what = match slice.len() {
            0 => "no revisions".to_owned(),
            _ => format!("revisions {} to {}", slice.start + 1, slice.end),
        };
        let (source, len) = (provider.describe(), history.len());
        println!("verify on {source}: shard {shard}, {what} of {len}");
    }
    let mut progress = Progress::new(human);
    let walk = verify_shard(provider, history, options, shard, &mut |event| {
        progress.show(&event);
    })?;
    let snapshot = if shard.is_last() {
        check_snapshot(context, &walk, args.update_snapshots)?
    } else {
        SnapshotCheck::NotAtHead
    };
    Ok(Report { walk, snapshot })
}

/// Every shard of a split into `jobs` at once on one backend, merged. Printed as one walk
/// prints: the first shard's verdicts as they come, each later shard's once it and the
/// shards before it are done.
pub fn in_parallel(
    context: &Context,
    provider: &mut (dyn Provider + Send),
    (history, options): (&History, &VerifyOptions),
    jobs: usize,
    args: &VerifyArgs,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let human = args.format == Format::Human;
    if human {
        print_header(provider, history);
    }
    let progress = Mutex::new(Progress::new(human));
    let show = |event: &Event<'_>| {
        progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .show(event);
    };
    let walks = verify_in_parallel(
        provider,
        history,
        options,
        jobs,
        &mut |event| show(&event),
        &mut |_, walk| {
            walk.revisions
                .iter()
                .for_each(|verdict| show(&Event::Judged(verdict)));
        },
    )?;
    let snapshot = match walks.last() {
        Some(last) => check_snapshot(context, last, args.update_snapshots)?,
        None => SnapshotCheck::NotChecked,
    };
    let mark = HistoryMark::of(history);
    let parts: Vec<ShardPart> = walks
        .iter()
        .zip(Shard::all(jobs))
        .map(|(walk, shard)| ShardPart {
            origin: format!("job {shard}"),
            backend: walk.backend.clone(),
            shard: ShardMark::new(history, shard),
            history: mark.clone(),
            revisions: walk.revisions.clone(),
        })
        .collect();
    let merged = merge_shards(&parts)?;
    let [MergedWalk { revisions, .. }] = <[MergedWalk; 1]>::try_from(merged)
        .map_err(|_| anyhow::anyhow!("the jobs' shards are of more than one backend"))?;
    let walk = WalkReport {
        backend: provider.dialect().name().into(),
        source: provider.describe(),
        revisions,
        head: None,
        duration_ms: started.elapsed().as_millis(),
    };
    Ok(Report { walk, snapshot })
}

/// The line a walk's human output opens with.
fn print_header(provider: &dyn Provider, history: &History) {
    println!(
        "verify on {}: {} revisions",
        provider.describe(),
        history.len()
    );
}
