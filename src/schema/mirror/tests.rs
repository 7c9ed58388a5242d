use std::collections::BTreeMap;
use std::sync::Arc;

use super::super::model::{Domain, Enum, Function, FunctionKind, Schema, Trigger};
use super::super::name::{QualifiedName, TriggerName};
use super::super::table::{
    Column, Constraint, ConstraintKind, Deferrable, FkAction, ForeignKey, Index, IndexKey, KeyPart,
    NullsOrder, Table, TableKind,
};
use super::*;

/// A column: name, type, NOT NULL, default.
type Spec<'a> = (&'a str, &'a str, bool, Option<&'a str>);

fn name(side: Side, name: &str) -> QualifiedName {
    match side {
        Side::Sqlite => QualifiedName::bare(name),
        Side::Postgres => QualifiedName::new("public", name),
    }
}

fn add_table(schema: &mut Schema, side: Side, table: &str, columns: &[Spec<'_>], key: &[&str]) {
    let mut constraints = BTreeMap::new();
    if !key.is_empty() {
        add(
            &mut constraints,
            format!("{table}_pkey"),
            ConstraintKind::PrimaryKey {
                columns: key.iter().map(|c| (*c).to_owned()).collect(),
                include: Vec::new(),
                autoincrement: false,
            },
        );
    }
    let columns = columns
        .iter()
        .map(|(name, data_type, not_null, default)| Column {
            name: (*name).to_owned(),
            data_type: (*data_type).to_owned(),
            not_null: *not_null,
            default: default.map(str::to_owned),
            generated: None,
            identity: None,
            collation: None,
            hidden: false,
            comment: None,
        })
        .collect();
    let qualified = name(side, table);
    let table = Table {
        name: qualified.clone(),
        kind: TableKind::Ordinary,
        without_rowid: false,
        strict: false,
        partition_of: None,
        inherits: Vec::new(),
        columns,
        constraints,
        comment: None,
    };
    schema.tables.insert(qualified, Arc::new(table));
}

fn add(constraints: &mut BTreeMap<String, Constraint>, name: String, kind: ConstraintKind) {
    let constraint = Constraint {
        name: name.clone(),
        kind,
        deferrable: Deferrable::NotDeferrable,
        comment: None,
    };
    constraints.insert(name, constraint);
}

fn constrain(schema: &mut Schema, side: Side, table: &str, constraint: &str, kind: ConstraintKind) {
    let table = schema.tables.get_mut(&name(side, table)).expect("table");
    add(
        &mut Arc::make_mut(table).constraints,
        constraint.to_owned(),
        kind,
    );
}

fn add_index(
    schema: &mut Schema,
    side: Side,
    index: &str,
    table: &str,
    columns: &[&str],
    unique: bool,
) {
    let keys = columns
        .iter()
        .map(|column| IndexKey {
            part: KeyPart::Column((*column).to_owned()),
            collation: None,
            opclass: None,
            descending: false,
            nulls: NullsOrder::Default,
        })
        .collect();
    let index = Index {
        name: name(side, index),
        table: name(side, table),
        unique,
        method: (side == Side::Postgres).then(|| "btree".to_owned()),
        keys,
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
    };
    schema.indexes.insert(index.name.clone(), Arc::new(index));
}

fn add_trigger(schema: &mut Schema, side: Side, trigger: &str, table: &str) {
    let key = TriggerName {
        table: name(side, table),
        name: trigger.to_owned(),
    };
    let trigger = Trigger {
        name: key.clone(),
        definition: format!("CREATE TRIGGER {trigger} …"),
        comment: None,
    };
    schema.triggers.insert(key, Arc::new(trigger));
}

/// The users table of a clean pair: what each dialect writes for the same thing.
fn users(side: Side) -> Schema {
    let mut schema = Schema::default();
    let columns: &[Spec<'_>] = match side {
        Side::Sqlite => &[
            ("id", "INTEGER", false, None),
            ("email", "VARCHAR(255)", true, None),
            ("active", "BOOLEAN", true, Some("1")),
            ("created_at", "DATETIME", true, Some("CURRENT_TIMESTAMP")),
            ("mood", "TEXT", false, Some("'ok'")),
        ],
        Side::Postgres => &[
            (
                "id",
                "integer",
                true,
                Some("nextval('users_id_seq'::regclass)"),
            ),
            ("email", "character varying(255)", true, None),
            ("active", "boolean", true, Some("true")),
            (
                "created_at",
                "timestamp with time zone",
                true,
                Some("now()"),
            ),
            ("mood", "mood", false, Some("'ok'::mood")),
        ],
    };
    add_table(&mut schema, side, "users", columns, &["id"]);
    let unique = ConstraintKind::Unique {
        columns: vec!["email".into()],
        include: Vec::new(),
        nulls_not_distinct: false,
    };
    match side {
        Side::Sqlite => constrain(&mut schema, side, "users", "users_email_key", unique),
        Side::Postgres => add_index(
            &mut schema,
            side,
            "users_email_unique",
            "users",
            &["email"],
            true,
        ),
    }
    if side == Side::Postgres {
        let mood = Enum {
            name: name(side, "mood"),
            labels: vec!["ok".into(), "sad".into()],
            comment: None,
        };
        schema.enums.insert(mood.name.clone(), Arc::new(mood));
        let function = Function {
            name: name(side, "touch()"),
            kind: FunctionKind::Function,
            definition: "CREATE FUNCTION …".into(),
            comment: None,
        };
        schema
            .functions
            .insert(function.name.clone(), Arc::new(function));
        add_trigger(&mut schema, side, "users_touch", "users");
    }
    schema
}

fn messages(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    mirror_diff(sqlite, postgres)
        .findings
        .into_iter()
        .map(|finding| finding.message)
        .collect()
}

#[test]
fn the_same_story_in_two_dialects_has_no_findings() {
    let diff = mirror_diff(&users(Side::Sqlite), &users(Side::Postgres));
    assert_eq!(diff.findings, Vec::new());
    let only: Vec<String> = diff
        .dialect_only
        .iter()
        .map(|o| format!("{}: {}", o.side, o.object))
        .collect();
    assert_eq!(
        only,
        [
            "postgres: enum mood",
            "postgres: function public.touch()",
            "postgres: trigger users_touch on users"
        ]
    );
}

#[test]
fn a_column_on_one_side_only_is_named_with_its_family_and_nullability() {
    let sqlite = users(Side::Sqlite);
    let mut postgres = users(Side::Postgres);
    let table = postgres
        .tables
        .get_mut(&name(Side::Postgres, "users"))
        .unwrap();
    Arc::make_mut(table).columns.push(Column {
        name: "api_key".into(),
        data_type: "text".into(),
        not_null: false,
        default: None,
        generated: None,
        identity: None,
        collation: None,
        hidden: false,
        comment: None,
    });
    let diff = mirror_diff(&sqlite, &postgres);
    assert_eq!(diff.findings.len(), 1);
    assert_eq!(diff.findings[0].object, "column users.api_key");
    assert_eq!(
        diff.findings[0].message,
        "column users.api_key exists on postgres (text, nullable) but not on sqlite"
    );
}

#[test]
fn type_family_nullability_and_default_differences_are_one_sentence() {
    let mut sqlite = Schema::default();
    add_table(
        &mut sqlite,
        Side::Sqlite,
        "trips",
        &[
            ("code", "TEXT", false, Some("'x'")),
            ("n", "INT", false, Some("1")),
        ],
        &[],
    );
    let mut postgres = Schema::default();
    add_table(
        &mut postgres,
        Side::Postgres,
        "trips",
        &[
            ("code", "bigint", true, Some("0")),
            ("n", "integer", false, Some("2")),
        ],
        &[],
    );
    assert_eq!(
        messages(&sqlite, &postgres),
        [
            // Across families a default says nothing, so it is not compared.
            "column trips.code: type text on sqlite but integer (bigint) on postgres; nullable on sqlite but not null on postgres",
            "column trips.n: default 1 on sqlite but 2 on postgres",
        ]
    );
}

#[test]
fn an_index_on_one_side_only_is_named() {
    let sqlite = users(Side::Sqlite);
    let mut postgres = users(Side::Postgres);
    add_index(
        &mut postgres,
        Side::Postgres,
        "users_created",
        "users",
        &["created_at"],
        false,
    );
    assert_eq!(
        messages(&sqlite, &postgres),
        ["index users_created exists on postgres (on users (created_at)) but not on sqlite"]
    );
    // Same name, other columns: one finding that says how they differ.
    let mut sqlite = sqlite;
    add_index(
        &mut sqlite,
        Side::Sqlite,
        "users_created",
        "users",
        &["email"],
        false,
    );
    assert_eq!(
        messages(&sqlite, &postgres),
        ["index users_created: on users (email) on sqlite but on users (created_at) on postgres"]
    );
}

#[test]
fn tables_views_and_keys_on_one_side_are_found() {
    let mut sqlite = Schema::default();
    add_table(
        &mut sqlite,
        Side::Sqlite,
        "a",
        &[("id", "INTEGER", false, None)],
        &["id"],
    );
    add_table(
        &mut sqlite,
        Side::Sqlite,
        "b",
        &[("a_id", "INTEGER", false, None)],
        &[],
    );
    constrain(
        &mut sqlite,
        Side::Sqlite,
        "b",
        "b_a_id_fkey",
        foreign(&[], FkAction::Cascade),
    );
    let mut postgres = Schema::default();
    add_table(
        &mut postgres,
        Side::Postgres,
        "a",
        &[("id", "integer", true, None)],
        &[],
    );
    add_table(
        &mut postgres,
        Side::Postgres,
        "b",
        &[("a_id", "integer", false, None)],
        &[],
    );
    constrain(
        &mut postgres,
        Side::Postgres,
        "b",
        "b_a_id_fkey",
        foreign(&["id"], FkAction::NoAction),
    );
    add_table(&mut postgres, Side::Postgres, "c", &[], &[]);
    assert_eq!(
        messages(&sqlite, &postgres),
        [
            "foreign key b(a_id): on delete cascade on sqlite but no action on postgres",
            "primary key of a exists on sqlite (id) but not on postgres",
            "table c exists on postgres but not on sqlite",
        ]
    );
}

fn foreign(referenced: &[&str], on_delete: FkAction) -> ConstraintKind {
    ConstraintKind::ForeignKey(ForeignKey {
        columns: vec!["a_id".into()],
        references: QualifiedName::bare("a"),
        referenced_columns: referenced.iter().map(|c| (*c).to_owned()).collect(),
        on_update: FkAction::NoAction,
        on_delete,
        match_full: false,
    })
}

#[test]
fn triggers_are_compared_once_both_sides_have_some() {
    let mut sqlite = users(Side::Sqlite);
    add_trigger(&mut sqlite, Side::Sqlite, "users_audit", "users");
    let postgres = users(Side::Postgres);
    let diff = mirror_diff(&sqlite, &postgres);
    let objects: Vec<&str> = diff.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        objects,
        [
            "trigger users_audit on users exists on sqlite but not on postgres",
            "trigger users_touch on users exists on postgres but not on sqlite",
        ]
    );
}

#[test]
fn a_domain_has_its_base_types_family() {
    let mut sqlite = Schema::default();
    add_table(
        &mut sqlite,
        Side::Sqlite,
        "t",
        &[("email", "TEXT", false, None)],
        &[],
    );
    let mut postgres = Schema::default();
    add_table(
        &mut postgres,
        Side::Postgres,
        "t",
        &[("email", "email", false, None)],
        &[],
    );
    let domain = Domain {
        name: name(Side::Postgres, "email"),
        data_type: "citext".into(),
        not_null: false,
        default: None,
        collation: None,
        checks: BTreeMap::new(),
        comment: None,
    };
    postgres
        .domains
        .insert(domain.name.clone(), Arc::new(domain));
    assert_eq!(messages(&sqlite, &postgres), Vec::<String>::new());
}

#[test]
fn the_cache_along_a_history_says_what_a_fresh_comparison_says() {
    let mut cache = MirrorCache::default();
    let sqlite = users(Side::Sqlite);
    let mut postgres = users(Side::Postgres);
    assert_eq!(
        cache.diff(&sqlite, &postgres),
        mirror_diff(&sqlite, &postgres)
    );
    // A revision changes one table: the snapshot keeps the others' objects, and the
    // changed one is a new object (copied on write, as introspection does).
    let before = postgres.clone();
    let table = postgres
        .tables
        .get_mut(&name(Side::Postgres, "users"))
        .unwrap();
    Arc::make_mut(table)
        .columns
        .retain(|column| column.name != "mood");
    let cached = cache.diff(&sqlite, &postgres);
    assert_eq!(cached, mirror_diff(&sqlite, &postgres));
    assert_eq!(cached.findings.len(), 1, "{cached:?}");
    // And back: the first snapshot's objects, reduced again since they were swept.
    assert_eq!(cache.diff(&sqlite, &before), mirror_diff(&sqlite, &before));
    assert!(cache.diff(&sqlite, &before).findings.is_empty());
}
