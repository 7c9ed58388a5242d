//! The migration planner: from the schema a database has (head) and the schema wanted
//! (desired), the ordered DDL that turns one into the other, and back. PURE: models in,
//! statements out; proving the statements on real databases is the engine's job.

mod alter_postgres;
mod alter_sqlite;
mod error;
mod flavor;
mod objects;
mod order;
mod plan;
mod rename;
mod renames;
mod steps;
#[cfg(test)]
mod tests;
mod type_changes;
mod unmanaged_sql;

pub use error::MigrationPlanError;
pub use flavor::Flavor;
pub use plan::{MigrationPlan, managed, plan_migration};
pub use rename::{Rename, RenameCandidate, Renames};
pub use renames::{rename_candidates, settles};
pub use steps::{Script, Step};
pub use unmanaged_sql::unmanaged_statement;
