//! The planner on small inline models: the statements and their order.

use std::sync::Arc;

use super::*;
use crate::schema::model::Schema;
use crate::schema::name::QualifiedName;
use crate::schema::table::{
    Column, Constraint, ConstraintKind, Deferrable, FkAction, ForeignKey, Table, TableKind,
};

fn column(name: &str, data_type: &str, not_null: bool) -> Column {
    Column {
        name: name.into(),
        data_type: data_type.into(),
        not_null,
        default: None,
        generated: None,
        identity: None,
        collation: None,
        hidden: false,
        comment: None,
    }
}

fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut constraints = std::collections::BTreeMap::new();
    constraints.insert(
        format!("{name}_pkey"),
        Constraint {
            name: format!("{name}_pkey"),
            kind: ConstraintKind::PrimaryKey {
                columns: vec![columns[0].name.clone()],
                include: vec![],
                autoincrement: false,
            },
            deferrable: Deferrable::NotDeferrable,
            comment: None,
        },
    );
    Table {
        name: QualifiedName::bare(name),
        kind: TableKind::Ordinary,
        without_rowid: false,
        strict: false,
        partition_of: None,
        inherits: Vec::new(),
        columns,
        constraints,
        comment: None,
    }
}

fn with_fk(mut child: Table, column: &str, parent: &str) -> Table {
    let name = format!("{}_{column}_fkey", child.name.name);
    child.constraints.insert(
        name.clone(),
        Constraint {
            name,
            kind: ConstraintKind::ForeignKey(ForeignKey {
                columns: vec![column.into()],
                references: QualifiedName::bare(parent),
                referenced_columns: vec!["id".into()],
                on_update: FkAction::NoAction,
                on_delete: FkAction::NoAction,
                match_full: false,
            }),
            deferrable: Deferrable::NotDeferrable,
            comment: None,
        },
    );
    child
}

fn schema(tables: Vec<Table>) -> Schema {
    let mut out = Schema::default();
    for t in tables {
        out.tables.insert(t.name.clone(), Arc::new(t));
    }
    out
}

fn users() -> Table {
    table(
        "users",
        vec![column("id", "INTEGER", false), column("name", "TEXT", true)],
    )
}

fn trips() -> Table {
    with_fk(
        table(
            "trips",
            vec![
                column("id", "INTEGER", false),
                column("user_id", "INTEGER", false),
            ],
        ),
        "user_id",
        "users",
    )
}

#[test]
fn referenced_tables_are_created_first_and_dropped_last() {
    let plan = plan_migration(
        &Schema::default(),
        &schema(vec![trips(), users()]),
        Flavor::Sqlite,
        &Renames::default(),
    )
    .unwrap();
    let up = plan.up.text();
    assert!(
        up.find("CREATE TABLE users").unwrap() < up.find("CREATE TABLE trips").unwrap(),
        "{up}"
    );
    let down = plan.down.text();
    assert!(
        down.find("DROP TABLE trips").unwrap() < down.find("DROP TABLE users").unwrap(),
        "{down}"
    );
    assert!(
        down.contains("-- WARNING: drops data\nDROP TABLE trips;"),
        "{down}"
    );
}

#[test]
fn equal_models_plan_nothing() {
    let model = schema(vec![users(), trips()]);
    assert!(
        plan_migration(&model, &model, Flavor::Postgres, &Renames::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn sqlite_appends_a_nullable_column_and_rebuilds_to_drop_it() {
    let head = schema(vec![users()]);
    let mut wider = users();
    wider.columns.push(column("email", "TEXT", false));
    let plan = plan_migration(
        &head,
        &schema(vec![wider]),
        Flavor::Sqlite,
        &Renames::default(),
    )
    .unwrap();
    assert_eq!(plan.up.text(), "ALTER TABLE users ADD COLUMN email TEXT;\n");
    let down = plan.down.text();
    assert!(down.contains("CREATE TABLE _migrate_new_users"), "{down}");
    assert!(
        down.contains("INSERT INTO _migrate_new_users (id, name)\n    SELECT id, name FROM users;"),
        "{down}"
    );
    assert!(
        down.contains("-- WARNING: drops data\nDROP TABLE users;"),
        "{down}"
    );
    assert!(
        down.contains("ALTER TABLE _migrate_new_users RENAME TO users;"),
        "{down}"
    );
    assert!(!plan.down.foreign_keys_off, "nothing references users");
}

#[test]
fn postgres_alters_a_column_in_place() {
    let head = schema(vec![users()]);
    let mut changed = users();
    changed.columns[1].data_type = "VARCHAR(20)".into();
    changed.columns[1].not_null = false;
    let plan = plan_migration(
        &head,
        &schema(vec![changed]),
        Flavor::Postgres,
        &Renames::default(),
    )
    .unwrap();
    assert_eq!(
        plan.up.text(),
        "-- WARNING: drops data\nALTER TABLE users ALTER COLUMN name TYPE VARCHAR(20) USING name::VARCHAR(20);\nALTER TABLE users ALTER COLUMN name DROP NOT NULL;\n"
    );
}

#[test]
fn a_same_shaped_drop_and_add_is_a_candidate_until_resolved() {
    let head = schema(vec![users()]);
    let mut renamed = users();
    renamed.columns[1].name = "full_name".into();
    let desired = schema(vec![renamed]);
    let error = plan_migration(&head, &desired, Flavor::Sqlite, &Renames::default()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("users.name=users.full_name") && text.contains("--no-rename"),
        "{text}"
    );
    let rename = Rename::parse("users.name=users.full_name", &head, &desired).unwrap();
    let renames = Renames {
        chosen: vec![rename],
        none: false,
    };
    let plan = plan_migration(&head, &desired, Flavor::Sqlite, &renames).unwrap();
    assert_eq!(
        plan.up.text(),
        "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
    );
    assert_eq!(
        plan.down.text(),
        "ALTER TABLE users RENAME COLUMN full_name TO name;\n"
    );
    let none = Renames {
        chosen: vec![],
        none: true,
    };
    let plan = plan_migration(&head, &desired, Flavor::Sqlite, &none).unwrap();
    assert!(plan.up.text().contains("DROP TABLE users"));
}

#[test]
fn a_rename_naming_nothing_is_refused() {
    let head = schema(vec![users()]);
    assert!(Rename::parse("users.nope=users.other", &head, &head).is_err());
    assert!(Rename::parse("nothing", &head, &head).is_err());
}
