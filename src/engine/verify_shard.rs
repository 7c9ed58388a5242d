//! `verify --shard K/N` and `--jobs N`: a shard fast-applies the revisions before its slice,
//! unchecked, then checks its slice as the whole walk would. Its report carries marks of
//! the history and of the split, so that a merge can tell whether shards belong together.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::error::EngineError;
use super::verify::{Event, verify};
use super::verify_options::VerifyOptions;
use super::verify_report::WalkReport;
use crate::core::{History, Revision, Shard, ShardError, SumFile};
use crate::provision::{Provider, SharedProvider};

/// Which history a report is of: two reports with equal marks walked the same revisions,
/// with the same files, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryMark {
    /// How many revisions it has.
    pub revisions: usize,
    /// Its newest revision.
    pub head: Option<String>,
    /// The `total` line of its `migrate.sum`, computed from the files: it covers every
    /// revision's id, files and place.
    pub sum: String,
}

impl HistoryMark {
    pub fn of(history: &History) -> Self {
        Self {
            revisions: history.len(),
            head: history.head().map(|head| head.id.to_string()),
            sum: SumFile::compute(history).total.to_string(),
        }
    }
}

/// Which shard a report is of, with the bounds of every shard of the split, so that a
/// merge missing one can name its revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardMark {
    pub index: usize,
    pub count: usize,
    /// The first and last revision of each shard, in order; `None` for an empty one.
    pub slices: Vec<Option<(String, String)>>,
}

impl ShardMark {
    pub fn new(history: &History, shard: Shard) -> Self {
        let revisions = history.revisions();
        let bounds = |range: Range<usize>| {
            let ids = &revisions[range];
            let id = |revision: &Revision| revision.id.to_string();
            Some((id(ids.first()?), id(ids.last()?)))
        };
        Self {
            index: shard.index(),
            count: shard.count(),
            slices: Shard::all(shard.count())
                .map(|each| bounds(each.slice(revisions.len())))
                .collect(),
        }
    }

    /// The shard, when the mark names one.
    pub fn shard(&self) -> Result<Shard, ShardError> {
        Shard::new(self.index, self.count)
    }
}

/// Checks `shard`'s slice of `history`: the report holds that slice's verdicts only, and
/// the schema at head when the shard is the last one.
pub fn verify_shard(
    provider: &mut dyn Provider,
    history: &History,
    options: &VerifyOptions,
    shard: Shard,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<WalkReport, EngineError> {
    let revisions = history.revisions();
    let range = shard.slice(revisions.len());
    // The last slice is empty only when the history is, and then its walk still makes the
    // schema at head (an empty one) for the snapshot check.
    if range.is_empty() && !shard.is_last() {
        return Ok(WalkReport {
            backend: provider.dialect().name().into(),
            source: provider.describe(),
            revisions: Vec::new(),
            head: None,
            duration_ms: 0,
        });
    }
    let id = |at: usize| revisions.get(at).map(|revision| revision.id.clone());
    let options = VerifyOptions {
        from: id(range.start),
        to: if range.end < revisions.len() {
            id(range.end - 1)
        } else {
            None
        },
        ..options.clone()
    };
    let mut walk = verify(provider, history, &options, on_event)?;
    walk.revisions.drain(..range.start);
    Ok(walk)
}

/// Checks every shard of a split into `jobs` at once, each on a thread of its own with its
/// own scratch databases from `provider`; the reports come in shard order. The first
/// shard's events go to `first_events` as they come; each later shard's report goes to
/// `on_shard` once it and every shard before it are done, so that a caller printing them
/// prints the verdicts in the history's order, the first ones live.
pub fn verify_in_parallel(
    provider: &mut (dyn Provider + Send),
    history: &History,
    options: &VerifyOptions,
    jobs: usize,
    first_events: &mut (dyn FnMut(Event<'_>) + Send),
    on_shard: &mut dyn FnMut(Shard, &WalkReport),
) -> Result<Vec<WalkReport>, EngineError> {
    let shared = SharedProvider::new(provider);
    std::thread::scope(|scope| {
        let mut first_events = Some(first_events);
        let running: Vec<_> = Shard::all(jobs)
            .map(|shard| {
                let mut handle = shared.handle();
                let events = first_events.take();
                let thread = scope.spawn(move || {
                    let mut quiet = |_: Event<'_>| {};
                    let events: &mut dyn FnMut(Event<'_>) = match events {
                        Some(events) => events,
                        None => &mut quiet,
                    };
                    verify_shard(&mut handle, history, options, shard, events)
                });
                (shard, thread)
            })
            .collect();
        let mut reports = Vec::with_capacity(running.len());
        for (shard, thread) in running {
            let report = thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // After an error the other shards still run to their end (their scratch
            // databases are theirs to remove), unshown: the first error is the run's.
            let shown = reports.iter().all(Result::is_ok);
            if let (Ok(report), true) = (&report, shown && !shard.is_first()) {
                on_shard(shard, report);
            }
            reports.push(report);
        }
        reports.into_iter().collect()
    })
}
