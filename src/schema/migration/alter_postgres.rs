//! PostgreSQL: a table that exists on both sides changed in place with `ALTER TABLE`:
//! constraints dropped first, then columns dropped, added and altered, then constraints
//! added, then comments. Pure.

use super::error::MigrationPlanError;
use super::steps::{Script, Step};
use crate::schema::name::{quote_ident, quote_literal};
use crate::schema::render_table::{column_definition, constraint_definition};
use crate::schema::table::{Column, Table};

/// The statements that turn `head` into `desired`, two tables of one name.
pub(crate) fn alter_table(head: &Table, desired: &Table) -> Result<Script, MigrationPlanError> {
    let unsupported = |what: String| Err(MigrationPlanError::Unsupported { what });
    if head.kind != desired.kind
        || head.partition_of != desired.partition_of
        || head.inherits != desired.inherits
    {
        return unsupported(format!(
            "the kind, partition or parents (INHERITS) of table {}",
            head.name
        ));
    }
    check_column_order(head, desired)?;
    let name = &head.name;
    let mut out = Script::default();
    for (key, constraint) in &head.constraints {
        if desired.constraints.get(key) != Some(constraint) {
            out.add(format!(
                "ALTER TABLE {name} DROP CONSTRAINT {};",
                quote_ident(key)
            ));
        }
    }
    for column in &head.columns {
        if !has_column(desired, &column.name) {
            out.push(Step::destructive(format!(
                "ALTER TABLE {name} DROP COLUMN {};",
                quote_ident(&column.name)
            )));
        }
    }
    for column in &desired.columns {
        match head.columns.iter().find(|c| c.name == column.name) {
            None => out.add(format!(
                "ALTER TABLE {name} ADD COLUMN {};",
                column_definition(column)
            )),
            Some(old) => out.extend(alter_column(head, old, column)?),
        }
    }
    for (key, constraint) in &desired.constraints {
        if head.constraints.get(key) != Some(constraint) {
            out.add(format!(
                "ALTER TABLE {name} ADD {};",
                constraint_definition(constraint)
            ));
        }
    }
    out.extend(comments(head, desired));
    Ok(out)
}

fn has_column(table: &Table, name: &str) -> bool {
    table.columns.iter().any(|c| c.name == name)
}

/// PostgreSQL only appends columns: the kept ones must stay in order, new ones at the end.
fn check_column_order(head: &Table, desired: &Table) -> Result<(), MigrationPlanError> {
    let kept = head.columns.iter().filter(|c| has_column(desired, &c.name));
    let added = desired
        .columns
        .iter()
        .filter(|c| !has_column(head, &c.name));
    let reachable: Vec<&str> = kept.chain(added).map(|c| c.name.as_str()).collect();
    let wanted: Vec<&str> = desired.columns.iter().map(|c| c.name.as_str()).collect();
    if reachable == wanted {
        Ok(())
    } else {
        Err(MigrationPlanError::Unsupported {
            what: format!(
                "reordering the columns of {} (PostgreSQL adds columns at the end; put new columns last in schema.sql)",
                head.name
            ),
        })
    }
}

fn alter_column(table: &Table, old: &Column, new: &Column) -> Result<Script, MigrationPlanError> {
    if old.generated != new.generated
        || old.identity != new.identity
        || old.collation != new.collation
    {
        return Err(MigrationPlanError::Unsupported {
            what: format!(
                "changing the generation, identity or collation of {}.{}",
                table.name,
                quote_ident(&new.name)
            ),
        });
    }
    let head = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        table.name,
        quote_ident(&new.name)
    );
    let mut out = Script::default();
    if old.data_type != new.data_type {
        // A default of the old type may not cast: it goes first and comes back after.
        if old.default.is_some() {
            out.add(format!("{head} DROP DEFAULT;"));
        }
        out.push(Step::destructive(format!(
            "{head} TYPE {ty} USING {}::{ty};",
            quote_ident(&new.name),
            ty = new.data_type
        )));
    }
    if old.default != new.default || (old.data_type != new.data_type && new.default.is_some()) {
        match &new.default {
            Some(default) => out.add(format!("{head} SET DEFAULT {default};")),
            None if old.data_type == new.data_type => out.add(format!("{head} DROP DEFAULT;")),
            None => {}
        }
    }
    if old.not_null != new.not_null {
        let verb = if new.not_null { "SET" } else { "DROP" };
        out.add(format!("{head} {verb} NOT NULL;"));
    }
    Ok(out)
}

fn comment_value(comment: Option<&String>) -> String {
    comment.map_or_else(|| "NULL".to_owned(), |text| quote_literal(text))
}

fn comments(head: &Table, desired: &Table) -> Script {
    let mut out = Script::default();
    if head.comment != desired.comment {
        out.add(format!(
            "COMMENT ON TABLE {} IS {};",
            desired.name,
            comment_value(desired.comment.as_ref())
        ));
    }
    for column in &desired.columns {
        let old = head.columns.iter().find(|c| c.name == column.name);
        if old.map_or(column.comment.is_some(), |old| {
            old.comment != column.comment
        }) {
            out.add(format!(
                "COMMENT ON COLUMN {}.{} IS {};",
                desired.name,
                quote_ident(&column.name),
                comment_value(column.comment.as_ref())
            ));
        }
    }
    out
}
