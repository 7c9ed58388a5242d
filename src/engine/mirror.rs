//! `verify --mirror`: one history kept twice, a SQLite set and a PostgreSQL set. Each set
//! gets the whole verify walk on its own backend; the schemas those walks read after each
//! up are kept (no snapshot of its own) and the sets compared at each revision both have
//! and at head. Without PostgreSQL, the SQLite walk still runs and the comparison is
//! skipped, with the reason.

use std::collections::BTreeMap;

use super::error::EngineError;
use super::mirror_compare::{SetSnapshots, compare_sets};
use super::mirror_report::{AllowEntry, MirrorOutcome, MirrorReport};
use super::verify::{Event, verify};
use super::verify_options::VerifyOptions;
use super::verify_report::WalkReport;
use crate::core::{History, RevisionId};
use crate::provision::Provider;
use crate::schema::{Schema, Side};

/// One set: its history and where its scratch databases come from.
pub struct MirrorSet<'a, P> {
    pub history: &'a History,
    pub provider: P,
}

/// What `verify --mirror` runs on.
pub struct MirrorRun<'a> {
    pub sqlite: MirrorSet<'a, &'a mut dyn Provider>,
    /// The PostgreSQL provider, or why there is none.
    pub postgres: MirrorSet<'a, Result<&'a mut dyn Provider, String>>,
    /// `[[mirror.allow]]`: accepted differences.
    pub allow: &'a [AllowEntry],
}

/// What the mirror run tells its caller as it goes.
pub enum MirrorEvent<'a> {
    /// A set's walk starts on `source` (as its provider describes itself).
    Walking {
        side: Side,
        source: String,
        revisions: usize,
    },
    /// An event of that walk.
    Walk(Event<'a>),
}

/// Walks both sets, then compares them.
pub fn verify_mirror(
    run: MirrorRun<'_>,
    options: &VerifyOptions,
    on_event: &mut dyn FnMut(MirrorEvent<'_>),
) -> Result<MirrorReport, EngineError> {
    if let Some(id) = &options.from {
        // Checked before either walk, so a typo costs nothing.
        for history in [run.sqlite.history, run.postgres.history] {
            if history.find(id).is_none() {
                return Err(EngineError::UnknownRevision { id: id.clone() });
            }
        }
    }
    let histories = (run.sqlite.history, run.postgres.history);
    let (sqlite, sqlite_applied) = walk(Side::Sqlite, run.sqlite, options, on_event)?;
    let provider = match run.postgres.provider {
        Ok(provider) => provider,
        Err(reason) => {
            return Ok(MirrorReport {
                sqlite,
                postgres: None,
                outcome: MirrorOutcome::Skipped { reason },
            });
        }
    };
    let set = MirrorSet {
        history: histories.1,
        provider,
    };
    let (postgres, postgres_applied) = walk(Side::Postgres, set, options, on_event)?;
    let comparison = compare_sets(
        &SetSnapshots {
            history: histories.0,
            applied: &sqlite_applied,
            head: sqlite.head.as_ref(),
        },
        &SetSnapshots {
            history: histories.1,
            applied: &postgres_applied,
            head: postgres.head.as_ref(),
        },
        run.allow,
    );
    Ok(MirrorReport {
        sqlite,
        postgres: Some(postgres),
        outcome: MirrorOutcome::Compared(comparison),
    })
}

/// One set's verify walk, keeping the schema it read after each revision's up.
fn walk(
    side: Side,
    set: MirrorSet<'_, &mut dyn Provider>,
    options: &VerifyOptions,
    on_event: &mut dyn FnMut(MirrorEvent<'_>),
) -> Result<(WalkReport, BTreeMap<RevisionId, Schema>), EngineError> {
    let provider = set.provider;
    on_event(MirrorEvent::Walking {
        side,
        source: provider.describe(),
        revisions: set.history.len(),
    });
    let mut applied = BTreeMap::new();
    // Each revision's schema, read after its up: no quick checks.
    let options = VerifyOptions {
        read_every_step: true,
        ..options.clone()
    };
    let report = verify(provider, set.history, &options, &mut |event| {
        if let Event::Applied { revision, schema } = &event {
            // A clone shares the walk's objects: it costs the map's root, not the schema.
            applied.insert(revision.id.clone(), (*schema).clone());
        }
        on_event(MirrorEvent::Walk(event));
    })?;
    Ok((report, applied))
}
