//! The mirror comparison: one history kept twice, once per dialect (a SQLite set and a
//! PostgreSQL set), compared at the level both dialects share. Pure.

mod compare;
mod compare_objects;
mod default_value;
mod finding;
mod logical;
#[cfg(test)]
mod tests;

pub use compare::mirror_diff;
pub use finding::{DialectOnly, MirrorDiff, MirrorFinding, Side};
