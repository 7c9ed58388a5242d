//! `migrate lint`: warnings about statements that are dangerous on a busy production
//! database (long exclusive locks, table rewrites, breaking the running release), each
//! with the safe pattern, and the `-- migrate:allow <rule>: reason` comments that silence
//! them. Pure: reads scripts as plain data.

mod check;
mod rule;
mod silence;
mod statement;
pub(crate) mod words;

#[cfg(test)]
mod tests;

pub use check::{
    Flavor, LintOptions, LintReport, LintWarning, ObservedLock, StaleSilence, lint_revisions,
    lint_script,
};
pub use rule::Rule;
pub use silence::Silence;
