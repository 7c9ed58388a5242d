//! `verify --data`: the rows to write into every user table before a revision's up, from a
//! seed. Pure policy: reads the schema model, returns plain rows or why a table is skipped.
//!
//! Every value is made from a number unique across the walk (seed, round, row), so unique
//! and primary keys hold by construction; every column gets a value, so NOT NULL holds; a
//! single-column foreign key takes the referenced value of a parent row, parents being
//! filled first. CHECK constraints are not read: the database judges them, and a table
//! whose rows it refuses is skipped with its message.

use std::collections::{BTreeMap, BTreeSet};

use crate::backend::SqlValue;
use crate::schema::{ConstraintKind, QualifiedName, Schema, Table, TableKind};

/// The rows for one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTable {
    /// Where the rows go, schema and all.
    pub name: QualifiedName,
    /// The name as reports show it (see `label`).
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue<'static>>>,
}

/// What to write, in order (parents first), and the tables left alone with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedPlan {
    pub tables: Vec<SeedTable>,
    pub skipped: Vec<(String, String)>,
}

/// Which rows to make: round `round` (one per revision) of a walk seeded with `seed`,
/// `rows` per table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedRound {
    pub seed: u64,
    pub round: u64,
    pub rows: usize,
}

/// The rows of `round` for every table of `schema`; or, given `only`, for the tables it
/// labels, a foreign key taking its value from the rows a parent has (`existing`) when the
/// parent is not filled this round.
pub fn plan_seed(
    schema: &Schema,
    round: SeedRound,
    only: Option<&BTreeSet<String>>,
    existing: &[SeedTable],
) -> SeedPlan {
    let SeedRound { seed, round, rows } = round;
    // Keyed by the label, which keeps the schema: `a.items` and `b.items` are two tables.
    let tables: BTreeMap<String, &Table> = schema
        .tables
        .values()
        .filter(|t| t.kind == TableKind::Ordinary && t.partition_of.is_none())
        .map(|t| (label(&t.name), t.as_ref()))
        .collect();
    let mut done: BTreeMap<String, SeedTable> = existing
        .iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| (t.table.clone(), t.clone()))
        .collect();
    let mut pending: BTreeSet<String> = tables
        .keys()
        .filter(|name| only.is_none_or(|only| only.contains(*name)))
        .cloned()
        .collect();
    for name in &pending {
        done.remove(name);
    }
    let mut plan = SeedPlan::default();
    // Parents first: each pass fills the tables whose parents are settled.
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|name| {
                parents(tables[*name])
                    .iter()
                    .all(|p| !pending.contains(p) || *p == **name)
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            for name in std::mem::take(&mut pending) {
                plan.skipped
                    .push((name, "its foreign keys form a cycle".into()));
            }
            break;
        }
        for name in ready {
            pending.remove(&name);
            let base = seed.wrapping_mul(1_000_003).wrapping_add(round * 1_000) % 1_000_000_000;
            match table_rows(tables[&name], &done, base, rows) {
                Ok(seeded) => {
                    done.insert(name, seeded.clone());
                    plan.tables.push(seeded);
                }
                Err(reason) => plan.skipped.push((name, reason)),
            }
        }
    }
    plan
}

fn parents(table: &Table) -> Vec<String> {
    table
        .constraints
        .values()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => Some(label(&fk.references)),
            _ => None,
        })
        .collect()
}

fn table_rows(
    table: &Table,
    done: &BTreeMap<String, SeedTable>,
    base: u64,
    rows: usize,
) -> Result<SeedTable, String> {
    let mut foreign: BTreeMap<&str, (&SeedTable, usize)> = BTreeMap::new();
    for constraint in table.constraints.values() {
        let ConstraintKind::ForeignKey(fk) = &constraint.kind else {
            continue;
        };
        let parent = label(&fk.references);
        let ([column], [referenced]) = (fk.columns.as_slice(), fk.referenced_columns.as_slice())
        else {
            return Err(format!("its foreign key to {parent} has several columns"));
        };
        if parent == label(&table.name) {
            return Err("it references itself".into());
        }
        let Some(seeded) = done.get(&parent) else {
            return Err(format!("its parent {parent} was skipped"));
        };
        let Some(at) = seeded.columns.iter().position(|c| c == referenced) else {
            return Err(format!("{parent}.{referenced} gets no generated value"));
        };
        foreign.insert(column.as_str(), (seeded, at));
    }
    for constraint in table.constraints.values() {
        if let ConstraintKind::Unique { columns, .. } | ConstraintKind::PrimaryKey { columns, .. } =
            &constraint.kind
        {
            let boolean = columns.iter().all(|name| {
                table
                    .columns
                    .iter()
                    .any(|c| &c.name == name && c.data_type.to_ascii_lowercase().contains("bool"))
            });
            if boolean
                && columns
                    .first()
                    .is_some_and(|c| !foreign.contains_key(c.as_str()))
            {
                return Err(format!(
                    "its unique boolean column {} holds at most two rows",
                    columns.join(", ")
                ));
            }
        }
    }
    let columns: Vec<_> = table
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && c.identity.is_none() && !c.hidden)
        .collect();
    let mut out = SeedTable {
        name: table.name.clone(),
        table: label(&table.name),
        columns: columns.iter().map(|c| c.name.clone()).collect(),
        rows: Vec::new(),
    };
    for row in 0..rows {
        let n = base + row as u64 + 1;
        let mut values = Vec::with_capacity(columns.len());
        for column in &columns {
            let value = match foreign.get(column.name.as_str()) {
                Some((parent, at)) => parent.rows[row % parent.rows.len().max(1)][*at].clone(),
                None => value_for(&column.data_type, n).ok_or_else(|| {
                    format!(
                        "column {} has type {}, which the generator does not know",
                        column.name, column.data_type
                    )
                })?,
            };
            values.push(value);
        }
        out.rows.push(values);
    }
    Ok(out)
}

/// A table's name as reports show it: bare in PostgreSQL's default schema (and on SQLite,
/// which has none), `schema.name` elsewhere.
pub fn label(name: &QualifiedName) -> String {
    match name.schema.as_deref() {
        Some(schema) if schema != "public" => format!("{schema}.{}", name.name),
        _ => name.name.to_string(),
    }
}

/// The value numbered `n` for a column of `data_type`, if the generator knows the type.
pub fn value_for(data_type: &str, n: u64) -> Option<SqlValue<'static>> {
    let ty = data_type.to_ascii_lowercase();
    let number = i64::try_from(n).ok()?;
    let has = |word: &str| ty.contains(word);
    Some(
        if has("int")
            || has("serial")
            || has("numeric")
            || has("decimal")
            || has("real")
            || has("double")
            || has("float")
        {
            SqlValue::Integer(number)
        } else if has("bool") {
            SqlValue::Integer(number % 2)
        } else if has("uuid") {
            SqlValue::Text(Some(format!("00000000-0000-4000-8000-{n:012x}").into()))
        } else if has("timestamp") || has("date") {
            let (year, day) = (2000 + n / 336 % 7000, n % 336);
            let date = format!("{year:04}-{:02}-{:02}", day / 28 + 1, day % 28 + 1);
            SqlValue::Text(Some(
                if has("timestamp") {
                    format!("{date} 12:00:00")
                } else {
                    date
                }
                .into(),
            ))
        } else if ty.is_empty() || has("char") || has("text") || has("clob") || has("string") {
            SqlValue::Text(Some(format!("v{n}").into()))
        } else {
            return None;
        },
    )
}
