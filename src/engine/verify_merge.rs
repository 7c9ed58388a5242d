//! `verify --merge-reports`: the shards of one history, put back into the walk one job
//! would have made. Every revision is judged by exactly one shard; reports of another
//! history, a shard given twice or a shard missing are refused, naming what is wrong.

use super::verify_report::RevisionVerdict;
use super::verify_shard::{HistoryMark, ShardMark};
use crate::core::Shard;

/// One shard's report, as read back.
#[derive(Debug, Clone)]
pub struct ShardPart {
    /// Where it came from (a file), for errors.
    pub origin: String,
    pub backend: String,
    pub shard: ShardMark,
    pub history: HistoryMark,
    /// The verdicts on the shard's slice, in order.
    pub revisions: Vec<RevisionVerdict>,
}

/// One backend's walk, put back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedWalk {
    pub backend: String,
    /// The parts it is made of, as indexes into the merged slice, in shard order.
    pub parts: Vec<usize>,
    pub revisions: Vec<RevisionVerdict>,
}

/// Shards that do not make one walk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("no reports to merge")]
    NoReports,
    #[error("{origin} and {other} are of different histories: {detail}")]
    HistoriesDiffer {
        origin: String,
        other: String,
        detail: String,
    },
    #[error("{origin} ({backend}) is not a shard report: {detail}")]
    NotAShard {
        origin: String,
        backend: String,
        detail: String,
    },
    #[error("{backend}: {origin} is shard {shard} but {other} is shard {other_shard}")]
    SplitsDiffer {
        backend: String,
        origin: String,
        shard: Shard,
        other: String,
        other_shard: Shard,
    },
    #[error("{backend}: shard {shard} is in both {origin} and {other}")]
    Overlap {
        backend: String,
        shard: Shard,
        origin: String,
        other: String,
    },
    #[error("no report for {}", missing.join(", "))]
    Missing {
        /// Each missing shard with the revisions it holds.
        missing: Vec<String>,
        /// The shards the reports do hold, per backend.
        held: Vec<String>,
    },
}

impl MergeError {
    /// The fix, for the line after the error.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::HistoriesDiffer { .. } => {
                Some("merge the reports of one run: every shard must verify the same commit".into())
            }
            Self::NotAShard { .. } => {
                Some("write shard reports with `migrate verify --shard K/N --report FILE`".into())
            }
            Self::SplitsDiffer { .. } | Self::Overlap { .. } => {
                Some("merge one report per shard of one split".into())
            }
            Self::Missing { held, .. } => Some(format!(
                "merge every shard's report for each backend; these hold {}",
                held.join("; ")
            )),
            Self::NoReports => None,
        }
    }
}

/// Puts the shards of each backend back into one walk, in the order verify runs the
/// backends (SQLite first).
pub fn merge_shards(parts: &[ShardPart]) -> Result<Vec<MergedWalk>, MergeError> {
    let first = parts.first().ok_or(MergeError::NoReports)?;
    if let Some(other) = parts.iter().find(|part| part.history != first.history) {
        return Err(MergeError::HistoriesDiffer {
            origin: first.origin.clone(),
            other: other.origin.clone(),
            detail: history_difference(&first.history, &other.history),
        });
    }
    let mut backends: Vec<&str> = Vec::new();
    for part in parts {
        if !backends.contains(&part.backend.as_str()) {
            backends.push(&part.backend);
        }
    }
    backends.sort_by_key(|backend| (*backend != "sqlite", *backend != "postgres"));
    let mut merged = Vec::new();
    let (mut missing, mut held) = (Vec::new(), Vec::new());
    for backend in backends {
        let slots = place(parts, backend)?;
        let count = slots.len();
        let present: Vec<String> = slots
            .iter()
            .flatten()
            .map(|&at| format!("{}/{count}", parts[at].shard.index))
            .collect();
        held.push(format!("{backend} {}", present.join(", ")));
        for (index, slot) in slots.iter().enumerate() {
            if slot.is_none() {
                let some = slots.iter().flatten().next().map(|&at| &parts[at].shard);
                missing.push(gap(backend, index + 1, count, some));
            }
        }
        let order: Vec<usize> = slots.into_iter().flatten().collect();
        merged.push(MergedWalk {
            backend: backend.to_owned(),
            revisions: order
                .iter()
                .flat_map(|&at| parts[at].revisions.iter().cloned())
                .collect(),
            parts: order,
        });
    }
    if missing.is_empty() {
        Ok(merged)
    } else {
        Err(MergeError::Missing { missing, held })
    }
}

/// The parts of `backend` by shard: slot K-1 holds the index of shard K's part.
fn place(parts: &[ShardPart], backend: &str) -> Result<Vec<Option<usize>>, MergeError> {
    let mut slots: Vec<Option<usize>> = Vec::new();
    let mut split: Option<(Shard, &str)> = None;
    for (at, part) in parts.iter().enumerate() {
        if part.backend != backend {
            continue;
        }
        let shard = checked_shard(part)?;
        match split {
            None => {
                split = Some((shard, &part.origin));
                slots = vec![None; shard.count()];
            }
            Some((other_shard, other)) if other_shard.count() != shard.count() => {
                return Err(MergeError::SplitsDiffer {
                    backend: backend.to_owned(),
                    origin: part.origin.clone(),
                    shard,
                    other: other.to_owned(),
                    other_shard,
                });
            }
            Some(_) => {}
        }
        let slot = &mut slots[shard.index() - 1];
        if let Some(earlier) = *slot {
            return Err(MergeError::Overlap {
                backend: backend.to_owned(),
                shard,
                origin: parts[earlier].origin.clone(),
                other: part.origin.clone(),
            });
        }
        *slot = Some(at);
    }
    Ok(slots)
}

/// The part's shard, once its verdicts are seen to be exactly that shard's slice.
fn checked_shard(part: &ShardPart) -> Result<Shard, MergeError> {
    let refuse = |detail: String| MergeError::NotAShard {
        origin: part.origin.clone(),
        backend: part.backend.clone(),
        detail,
    };
    let shard = part
        .shard
        .shard()
        .map_err(|error| refuse(error.to_string()))?;
    let expected = shard.slice(part.history.revisions).len();
    let bounds = part
        .shard
        .slices
        .get(shard.index() - 1)
        .ok_or_else(|| refuse(format!("it lists {} slices", part.shard.slices.len())))?;
    let actual = match (part.revisions.first(), part.revisions.last()) {
        (Some(first), Some(last)) => Some((first.id.clone(), last.id.clone())),
        _ => None,
    };
    if part.revisions.len() != expected {
        return Err(refuse(format!(
            "shard {shard} of {} revisions holds {expected}, it has {}",
            part.history.revisions,
            part.revisions.len()
        )));
    }
    if &actual != bounds {
        return Err(refuse(format!(
            "its revisions are not those of shard {shard} of its history"
        )));
    }
    Ok(shard)
}

/// `sqlite shard 2/4 (revisions 2024… to 2024…)`, from the bounds any shard carries.
fn gap(backend: &str, index: usize, count: usize, mark: Option<&ShardMark>) -> String {
    let bounds = mark.and_then(|mark| mark.slices.get(index - 1)).cloned();
    let what = match bounds {
        Some(Some((first, last))) if first == last => format!("revision {first}"),
        Some(Some((first, last))) => format!("revisions {first} to {last}"),
        _ => "no revisions".into(),
    };
    format!("{backend} shard {index}/{count} ({what})")
}

fn history_difference(one: &HistoryMark, other: &HistoryMark) -> String {
    let describe = |mark: &HistoryMark| match &mark.head {
        Some(head) => format!("{} revisions up to {head}", mark.revisions),
        None => "no revisions".into(),
    };
    if (one.revisions, &one.head) == (other.revisions, &other.head) {
        format!(
            "{}, but their files differ (sum {} against {})",
            describe(one),
            short(&one.sum),
            short(&other.sum)
        )
    } else {
        format!("{} against {}", describe(one), describe(other))
    }
}

fn short(sum: &str) -> &str {
    sum.get(..12).unwrap_or(sum)
}
