//! `migrate adopt`: under the migration lock, read the other tool's tracking table and ours,
//! plan in the core, and record the adopted revisions through the migrator's `Record` steps.
//! The other tool's table is only read.

use super::error::EngineError;
use super::migrator::{Migrator, MigratorOptions, StepReport};
use crate::backend::{Backend, BackendError, Column};
use crate::core::{
    AdoptError, AdoptOptions, Adoption, ForeignState, History, Plan, Tool, check_options,
    plan_adopt,
};

/// What the user asked `adopt` to do.
#[derive(Debug, Clone)]
pub struct AdoptRequest<'a> {
    pub tool: Tool,
    pub options: AdoptOptions<'a>,
    /// Plan only: nothing is written, not even our (empty) tracking table.
    pub dry_run: bool,
    pub migrator: MigratorOptions,
}

/// Adopts the tool's tracking table into ours. Returns the report and the plan; unless
/// `dry_run`, every step of the plan has run when this returns `Ok`.
pub fn adopt(
    backend: &mut dyn Backend,
    history: &History,
    request: &AdoptRequest<'_>,
) -> Result<Adoption, EngineError> {
    check_options(request.tool, &request.options)?;
    if request.dry_run {
        let state = read_state(backend, request.tool)?;
        let applied = backend.applied()?;
        return Ok(plan_adopt(
            request.tool,
            history,
            &applied,
            &state,
            request.options,
        )?);
    }
    // Read both tables and plan under the lock, as every run does, so two adopts (or an
    // adopt and an upgrade) never record the same revision twice.
    backend.lock(request.migrator.lock_timeout)?;
    let result = adopt_locked(backend, history, request);
    let unlocked = backend.unlock();
    let adoption = result?;
    unlocked?;
    Ok(adoption)
}

fn adopt_locked(
    backend: &mut dyn Backend,
    history: &History,
    request: &AdoptRequest<'_>,
) -> Result<Adoption, EngineError> {
    let state = read_state(backend, request.tool)?;
    backend.ensure_version_table()?;
    let applied = backend.applied()?;
    let adoption = plan_adopt(request.tool, history, &applied, &state, request.options)?;
    let plan: Plan = adoption.plan.clone();
    let mut migrator = Migrator::new(backend, history, request.migrator.clone());
    let _: Vec<StepReport> = migrator.execute(plan, &mut |_| {})?;
    Ok(adoption)
}

/// The other tool's table as plain data; an error when the table is not there.
fn read_state(backend: &mut dyn Backend, tool: Tool) -> Result<ForeignState, EngineError> {
    let columns: Vec<Column<'_>> = tool
        .columns()
        .iter()
        .map(|&name| match tool.binary_column() {
            Some(binary) if binary == name => Column::bytes(name),
            _ => Column::text(name),
        })
        .collect();
    let table = tool.table();
    // A table of that name with other columns is most likely another tool's.
    let rows = match backend.read_table(table, &columns) {
        Ok(Some(rows)) => rows,
        Ok(None) => return Err(AdoptError::NoTable { tool, table }.into()),
        Err(BackendError::Tracking { message, .. }) => {
            return Err(AdoptError::Unreadable {
                tool,
                table,
                message,
            }
            .into());
        }
        Err(other) => return Err(other.into()),
    };
    Ok(tool.parse(&rows)?)
}
