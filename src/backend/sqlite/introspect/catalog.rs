//! How the rows of the SQLite catalog queries become model objects: the pragmas give the
//! structure, the stored `CREATE` text what the pragmas leave out.

use std::collections::BTreeMap;

use super::rows::{ColumnRow, ForeignKeyRow, IndexColumnRow, IndexRow, TableRow};
use crate::backend::dialect::Dialect;
use crate::backend::introspect_error::IntrospectError;
use crate::schema::{
    Column, Constraint, ConstraintKind, Deferrable, FkAction, ForeignKey, Generated, Index,
    IndexKey, KeyPart, NullsOrder, QualifiedName, Schema, Table, TableKind, TableText,
    default_expression, normalize_sql, parse_index, parse_table,
};

/// Everything the pragma queries returned.
pub(crate) struct Catalog {
    pub(crate) tables: Vec<TableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) indexes: Vec<IndexRow>,
    pub(crate) index_columns: Vec<IndexColumnRow>,
    pub(crate) foreign_keys: Vec<ForeignKeyRow>,
}

fn group<T>(rows: &[T], key: impl Fn(&T) -> &str) -> BTreeMap<&str, Vec<&T>> {
    let mut groups: BTreeMap<&str, Vec<&T>> = BTreeMap::new();
    for row in rows {
        groups.entry(key(row)).or_default().push(row);
    }
    groups
}

/// `base`, or `base1`, `base2`… if a constraint of that name exists already.
fn free_name(constraints: &BTreeMap<String, Constraint>, base: String) -> String {
    if !constraints.contains_key(&base) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !constraints.contains_key(name))
        .unwrap_or(base)
}

impl Catalog {
    /// Adds the tables and indexes to `schema`; `sql_of` maps object names to their text.
    pub(crate) fn build(
        self,
        schema: &mut Schema,
        sql_of: &BTreeMap<&str, &str>,
        excluded: &dyn Fn(&str) -> bool,
    ) -> Result<(), IntrospectError> {
        let columns = group(&self.columns, |row| &row.table);
        let keys = group(&self.index_columns, |row| &row.index);
        let foreign_keys = group(&self.foreign_keys, |row| &row.table);
        let indexes = group(&self.indexes, |row| &row.table);
        for row in &self.tables {
            if !matches!(row.kind.as_str(), "table" | "virtual") || excluded(&row.name) {
                continue;
            }
            let sql = sql_of.get(row.name.as_str()).copied().unwrap_or_default();
            // Parsed once: checks, collations, generated columns and FK deferrability.
            let text = parse_table(sql);
            let mut table = table(row, sql, &text, columns.get(row.name.as_str()));
            add_checks(&mut table, &text);
            for key in group_by_id(foreign_keys.get(row.name.as_str())) {
                add_foreign_key(&mut table, &key, &text)?;
            }
            for index in indexes.get(row.name.as_str()).into_iter().flatten() {
                let index_keys = keys.get(index.name.as_str()).map(Vec::as_slice);
                match index.origin.as_str() {
                    "u" => add_unique(&mut table, index_keys.unwrap_or_default()),
                    "c" => {
                        let sql = sql_of.get(index.name.as_str()).copied();
                        let built = build_index(index, sql.unwrap_or_default(), index_keys);
                        schema.indexes.insert(built.name.clone(), built.into());
                    }
                    _ => {} // the primary key's own index: the table shows the key
                }
            }
            schema.tables.insert(table.name.clone(), table.into());
        }
        Ok(())
    }
}

fn table(row: &TableRow, sql: &str, text: &TableText, columns: Option<&Vec<&ColumnRow>>) -> Table {
    let kind = if row.kind == "virtual" {
        let text = normalize_sql(sql);
        let using = text
            .find(" USING ")
            .map_or(text.as_str(), |at| &text[at + 1..]);
        TableKind::Virtual {
            using: using.to_owned(),
        }
    } else {
        TableKind::Ordinary
    };
    let columns: Vec<&ColumnRow> = columns.cloned().unwrap_or_default();
    let mut table = Table {
        name: QualifiedName::bare(&row.name),
        kind,
        without_rowid: text.without_rowid,
        strict: text.strict,
        partition_of: None,
        inherits: Vec::new(),
        columns: columns
            .iter()
            .map(|column| build_column(column, text))
            .collect(),
        constraints: BTreeMap::new(),
        comment: None,
    };
    let mut primary: Vec<&&ColumnRow> = columns.iter().filter(|c| c.pk > 0).collect();
    primary.sort_by_key(|c| c.pk);
    if !primary.is_empty() {
        let name = format!("{}_pkey", row.name);
        let kind = ConstraintKind::PrimaryKey {
            columns: primary.iter().map(|c| c.name.clone()).collect(),
            include: Vec::new(),
            autoincrement: text.autoincrement,
        };
        table
            .constraints
            .insert(name.clone(), constraint(name, kind));
    }
    table
}

/// A column from its pragma row, with what only its declaration says: its collation
/// and generated expression.
fn build_column(column: &ColumnRow, text: &TableText) -> Column {
    let declared = text
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&column.name));
    Column {
        name: column.name.clone(),
        data_type: normalize_sql(&column.data_type).to_ascii_uppercase(),
        not_null: column.not_null,
        default: column.default.as_deref().map(default_expression),
        generated: matches!(column.hidden, 2 | 3).then(|| Generated {
            expression: declared
                .and_then(|c| c.generated.clone())
                .unwrap_or_default(),
            stored: column.hidden == 3,
        }),
        identity: None,
        collation: declared.and_then(|c| c.collation.clone()),
        hidden: column.hidden == 1,
        comment: None,
    }
}

fn constraint(name: String, kind: ConstraintKind) -> Constraint {
    Constraint {
        name,
        kind,
        deferrable: Deferrable::NotDeferrable,
        comment: None,
    }
}

/// Check constraints keep their declared name, or get PostgreSQL's: `t_col_check`.
fn add_checks(table: &mut Table, text: &TableText) {
    for check in &text.checks {
        let base = match (&check.name, &check.column) {
            (Some(name), _) => name.clone(),
            (None, Some(column)) => format!("{}_{column}_check", table.name.name),
            (None, None) => format!("{}_check", table.name.name),
        };
        let name = free_name(&table.constraints, base);
        let kind = ConstraintKind::Check {
            expression: check.expression.clone(),
        };
        table
            .constraints
            .insert(name.clone(), constraint(name, kind));
    }
}

fn add_unique(table: &mut Table, keys: &[&IndexColumnRow]) {
    let columns: Vec<String> = keys.iter().filter_map(|k| k.name.clone()).collect();
    let base = format!("{}_{}_key", table.name.name, columns.join("_"));
    let name = free_name(&table.constraints, base);
    let kind = ConstraintKind::Unique {
        columns,
        include: Vec::new(),
        nulls_not_distinct: false,
    };
    table
        .constraints
        .insert(name.clone(), constraint(name, kind));
}

/// The rows of each foreign key, by id; `seq` order is kept from the query.
fn group_by_id<'a>(rows: Option<&Vec<&'a ForeignKeyRow>>) -> Vec<Vec<&'a ForeignKeyRow>> {
    let mut keys: BTreeMap<i64, Vec<&ForeignKeyRow>> = BTreeMap::new();
    for row in rows.into_iter().flatten() {
        keys.entry(row.id).or_default().push(row);
    }
    keys.into_values().collect()
}

fn action(text: &str) -> Result<FkAction, IntrospectError> {
    Ok(match text {
        "NO ACTION" | "NONE" => FkAction::NoAction,
        "RESTRICT" => FkAction::Restrict,
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        other => {
            return Err(IntrospectError::Unexpected {
                dialect: Dialect::Sqlite,
                what: "foreign key action",
                value: other.to_owned(),
            });
        }
    })
}

fn add_foreign_key(
    table: &mut Table,
    rows: &[&ForeignKeyRow],
    text: &TableText,
) -> Result<(), IntrospectError> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let columns: Vec<String> = rows.iter().map(|row| row.from.clone()).collect();
    // Without a column list the key references the parent's primary key.
    let referenced_columns: Vec<String> = rows.iter().filter_map(|row| row.to.clone()).collect();
    let same = |a: &[String], b: &[String]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
    };
    let deferrable = text
        .foreign_keys
        .iter()
        .find(|key| key.parent.eq_ignore_ascii_case(&first.parent) && same(&key.columns, &columns))
        .map_or(Deferrable::NotDeferrable, |key| key.deferrable);
    let base = format!("{}_{}_fkey", table.name.name, columns.join("_"));
    let name = free_name(&table.constraints, base);
    let key = ForeignKey {
        columns,
        references: QualifiedName::bare(&first.parent),
        referenced_columns,
        on_update: action(&first.on_update)?,
        on_delete: action(&first.on_delete)?,
        match_full: first.matching.eq_ignore_ascii_case("FULL"),
    };
    let constraint = Constraint {
        name: name.clone(),
        kind: ConstraintKind::ForeignKey(key),
        deferrable,
        comment: None,
    };
    table.constraints.insert(name, constraint);
    Ok(())
}

fn build_index(row: &IndexRow, sql: &str, keys: Option<&[&IndexColumnRow]>) -> Index {
    let text = parse_index(sql);
    let keys = keys.unwrap_or_default();
    Index {
        name: QualifiedName::bare(&row.name),
        table: QualifiedName::bare(&row.table),
        unique: row.unique,
        method: None,
        keys: keys
            .iter()
            .enumerate()
            .map(|(at, key)| IndexKey {
                part: match (&key.name, key.cid) {
                    (Some(name), cid) if cid >= 0 => KeyPart::Column(name.clone()),
                    (_, -1) => KeyPart::Column("rowid".to_owned()),
                    _ => KeyPart::Expression(text.keys.get(at).cloned().unwrap_or_default()),
                },
                collation: key.collation.clone().filter(|c| c != "BINARY"),
                opclass: None,
                descending: key.descending,
                nulls: NullsOrder::Default,
            })
            .collect(),
        include: Vec::new(),
        predicate: text.predicate,
        nulls_not_distinct: false,
        comment: None,
    }
}
