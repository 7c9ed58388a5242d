//! The mirror comparison: one history kept twice, once per dialect (a SQLite set and a
//! PostgreSQL set), compared at the level both dialects share. Pure.

mod cache;
mod compare;
mod compare_objects;
mod default_value;
mod dialect_only;
mod finding;
mod logical;
mod pairs;
mod reduced;
#[cfg(test)]
mod tests;

pub use compare::{MirrorCache, mirror_diff};
pub use finding::{DialectOnly, MirrorDiff, MirrorFinding, Side};
