//! One test per kind of object: two hand-built models that differ in one detail, and the
//! exact sentence the diff must say about it.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;

/// Changes every object of `map` in place (`OrdMap` lends no `values_mut`).
fn each_mut<K: Ord + Clone, V: Clone>(
    map: &mut imbl::OrdMap<K, Arc<V>>,
    mut change: impl FnMut(&mut V),
) {
    let keys: Vec<K> = map.keys().cloned().collect();
    for key in keys {
        change(Arc::make_mut(map.get_mut(&key).expect("a listed key")));
    }
}

fn name(text: &str) -> QualifiedName {
    QualifiedName::bare(text)
}

fn column(name: &str, data_type: &str) -> Column {
    Column {
        name: name.to_owned(),
        data_type: data_type.to_owned(),
        not_null: false,
        default: None,
        generated: None,
        identity: None,
        collation: None,
        hidden: false,
        comment: None,
    }
}

fn table(table: &str, columns: Vec<Column>) -> Table {
    Table {
        name: name(table),
        kind: TableKind::Ordinary,
        without_rowid: false,
        strict: false,
        partition_of: None,
        inherits: Vec::new(),
        columns,
        constraints: BTreeMap::new(),
        comment: None,
    }
}

fn trips() -> Table {
    let mut notes = column("notes", "text");
    notes.not_null = true;
    notes.default = Some("''".to_owned());
    let mut trips = table(
        "trips",
        vec![column("id", "integer"), column("user_id", "integer"), notes],
    );
    let key = ForeignKey {
        columns: vec!["user_id".to_owned()],
        references: name("users"),
        referenced_columns: vec!["id".to_owned()],
        on_update: FkAction::NoAction,
        on_delete: FkAction::Cascade,
        match_full: false,
    };
    add(
        &mut trips,
        "trips_user_id_fkey",
        ConstraintKind::ForeignKey(key),
    );
    let check = ConstraintKind::Check {
        expression: "id > 0".to_owned(),
    };
    add(&mut trips, "trips_id_check", check);
    trips
}

fn add(table: &mut Table, name: &str, kind: ConstraintKind) {
    let constraint = Constraint {
        name: name.to_owned(),
        kind,
        deferrable: Deferrable::NotDeferrable,
        comment: None,
    };
    table.constraints.insert(name.to_owned(), constraint);
}

fn index(index: &str, table: &str, keys: &[&str]) -> Index {
    Index {
        name: name(index),
        table: name(table),
        unique: false,
        method: None,
        keys: keys
            .iter()
            .map(|key| IndexKey {
                part: KeyPart::Column((*key).to_owned()),
                collation: None,
                opclass: None,
                descending: false,
                nulls: NullsOrder::Default,
            })
            .collect(),
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
    }
}

fn with_table(table: Table) -> Schema {
    let mut schema = Schema::default();
    schema.tables.insert(table.name.clone(), table.into());
    schema
}

/// The one finding between `expected` and `actual`, as its sentence.
fn only_finding(expected: &Schema, actual: &Schema) -> (FindingKind, String) {
    let findings = diff(expected, actual);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_ne!(render(expected), render(actual));
    (findings[0].kind, findings[0].message.clone())
}

fn sentence(expected: &Schema, actual: &Schema) -> String {
    only_finding(expected, actual).1
}

#[test]
fn a_table_missing_or_left_behind() {
    let empty = Schema::default();
    let with = with_table(trips());
    assert_eq!(sentence(&with, &empty), "table trips missing");
    assert_eq!(sentence(&empty, &with), "table trips still exists");
}

#[test]
fn a_table_option() {
    let expected = with_table(table("settings", vec![column("key", "TEXT")]));
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.strict = true;
    });
    assert_eq!(
        sentence(&expected, &actual),
        "table settings: STRICT unexpected"
    );
}

#[test]
fn a_column_lost_its_default_and_not_null() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.columns[2].not_null = false;
        table.columns[2].default = None;
    });
    assert_eq!(
        sentence(&expected, &actual),
        "column trips.notes: default '' and NOT NULL missing"
    );
}

#[test]
fn a_column_changed_type() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.columns[1].data_type = "bigint".to_owned();
    });
    assert_eq!(
        sentence(&expected, &actual),
        "column trips.user_id: type bigint instead of integer"
    );
}

#[test]
fn a_column_missing() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.columns.remove(1);
    });
    assert_eq!(sentence(&expected, &actual), "column trips.user_id missing");
}

#[test]
fn a_column_moved_is_its_own_kind_of_finding() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.columns.swap(1, 2);
    });
    assert_eq!(
        only_finding(&expected, &actual),
        (
            FindingKind::ColumnOrder,
            "table trips: columns in order (id, notes, user_id) instead of (id, user_id, notes)"
                .to_owned()
        )
    );
}

#[test]
fn a_column_generated_identity_collation_and_comment() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        let id = &mut table.columns[0];
        id.identity = Some(Identity::Always);
        id.collation = Some("C".to_owned());
        id.comment = Some("the key".to_owned());
        id.generated = Some(Generated {
            expression: "1".to_owned(),
            stored: true,
        });
    });
    assert_eq!(
        sentence(&expected, &actual),
        "column trips.id: collation \"C\" and generated (1) STORED and identity ALWAYS \
         and comment 'the key' unexpected"
    );
}

#[test]
fn a_foreign_key_action() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        for constraint in table.constraints.values_mut() {
            if let ConstraintKind::ForeignKey(key) = &mut constraint.kind {
                key.on_delete = FkAction::NoAction;
            }
        }
    });
    assert_eq!(
        sentence(&expected, &actual),
        "constraint trips_user_id_fkey on trips: ON DELETE NO ACTION instead of CASCADE"
    );
}

#[test]
fn a_foreign_key_deferrability() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        if let Some(constraint) = table.constraints.get_mut("trips_user_id_fkey") {
            constraint.deferrable = Deferrable::InitiallyDeferred;
        }
    });
    assert_eq!(
        sentence(&expected, &actual),
        "constraint trips_user_id_fkey on trips: deferrability DEFERRABLE INITIALLY DEFERRED \
         instead of NOT DEFERRABLE"
    );
}

#[test]
fn a_check_constraint_expression() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        if let Some(constraint) = table.constraints.get_mut("trips_id_check") {
            constraint.kind = ConstraintKind::Check {
                expression: "id >= 0".to_owned(),
            };
        }
    });
    assert_eq!(
        sentence(&expected, &actual),
        "constraint trips_id_check on trips: definition CHECK (id >= 0) instead of CHECK (id > 0)"
    );
}

#[test]
fn a_unique_constraint_left_behind() {
    let expected = with_table(trips());
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        let kind = ConstraintKind::Unique {
            columns: vec!["notes".to_owned()],
            include: Vec::new(),
            nulls_not_distinct: false,
        };
        add(table, "trips_notes_key", kind);
    });
    assert_eq!(
        sentence(&expected, &actual),
        "constraint trips_notes_key on trips still exists"
    );
}

#[test]
fn an_index_left_behind() {
    let expected = with_table(table("users", vec![column("email", "text")]));
    let mut actual = expected.clone();
    let key = index("users_email_key", "users", &["email"]);
    actual.indexes.insert(key.name.clone(), key.into());
    assert_eq!(
        sentence(&expected, &actual),
        "index users_email_key still exists"
    );
}

#[test]
fn an_index_sort_order_and_predicate() {
    let mut expected = with_table(trips());
    let mut by_user = index("trips_user_idx", "trips", &["user_id", "id"]);
    by_user.keys[1].descending = true;
    by_user.predicate = Some("notes <> ''".to_owned());
    expected
        .indexes
        .insert(by_user.name.clone(), by_user.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.indexes, |index| {
        index.keys[1].descending = false;
        index.predicate = None;
    });
    assert_eq!(
        sentence(&expected, &actual),
        "index trips_user_idx: keys (user_id, id) instead of (user_id, id DESC); \
         WHERE notes <> '' missing"
    );
}

fn view(text: &str, definition: &str) -> View {
    View {
        name: name(text),
        materialized: false,
        columns: Vec::new(),
        definition: definition.to_owned(),
        comment: None,
    }
}

#[test]
fn a_view_definition() {
    let mut expected = Schema::default();
    let long = view("long_trips", "SELECT id FROM trips WHERE km > 100");
    expected.views.insert(long.name.clone(), long.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.views, |view| {
        view.definition = "SELECT id FROM trips WHERE km > 10".to_owned();
    });
    assert_eq!(
        sentence(&expected, &actual),
        "view long_trips: definition SELECT id FROM trips WHERE km > 10 \
         instead of SELECT id FROM trips WHERE km > 100"
    );
}

#[test]
fn a_view_that_folded_now_at_another_time_is_its_own_kind_of_finding() {
    let at = |stamp: &str| {
        format!("SELECT id FROM posts WHERE at > '{stamp}'::timestamp without time zone")
    };
    let mut expected = Schema::default();
    let recent = view("recent_posts", &at("2022-07-07 18:26:50.1"));
    expected.views.insert(recent.name.clone(), recent.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.views, |view| {
        view.definition = at("2024-01-01 00:00:00")
    });
    assert_eq!(
        only_finding(&expected, &actual).0,
        FindingKind::FoldedConstant
    );
    each_mut(&mut actual.views, |view| {
        view.definition = at("2024-01-01 00:00:00").replace("id", "id, title");
    });
    assert_eq!(
        only_finding(&expected, &actual).0,
        FindingKind::Changed,
        "another change beside the constant is a change"
    );
}

#[test]
fn a_materialized_view_missing() {
    let mut expected = Schema::default();
    let mut counts = view("trip_counts", "SELECT count(*) FROM trips");
    counts.materialized = true;
    expected.views.insert(counts.name.clone(), counts.into());
    assert_eq!(
        sentence(&expected, &Schema::default()),
        "materialized view trip_counts missing"
    );
}

fn pg(text: &str) -> QualifiedName {
    QualifiedName::new("app", text)
}

#[test]
fn a_sequence_option_and_owner() {
    let mut expected = Schema::default();
    let sequence = Sequence {
        name: pg("invoice_numbers"),
        data_type: "integer".to_owned(),
        start: 1000,
        increment: 10,
        min_value: 1,
        max_value: 99999,
        cache: 1,
        cycle: false,
        owned_by: Some((pg("invoices"), "number".to_owned())),
        comment: None,
    };
    expected
        .sequences
        .insert(sequence.name.clone(), sequence.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.sequences, |sequence| {
        sequence.increment = 1;
        sequence.owned_by = None;
    });
    assert_eq!(
        sentence(&expected, &actual),
        "sequence app.invoice_numbers: INCREMENT 1 instead of 10; \
         OWNED BY app.invoices.number missing"
    );
}

fn mood(labels: &[&str]) -> Schema {
    let mut schema = Schema::default();
    let item = Enum {
        name: name("mood"),
        labels: labels.iter().map(|label| (*label).to_owned()).collect(),
        comment: None,
    };
    schema.enums.insert(item.name.clone(), item.into());
    schema
}

#[test]
fn an_enum_label_missing() {
    assert_eq!(
        sentence(&mood(&["sad", "meh", "happy"]), &mood(&["sad", "happy"])),
        "enum mood: label 'meh' missing"
    );
}

#[test]
fn an_enum_label_order() {
    assert_eq!(
        sentence(&mood(&["sad", "happy"]), &mood(&["happy", "sad"])),
        "enum mood: labels in order ('happy', 'sad') instead of ('sad', 'happy')"
    );
}

#[test]
fn a_domain_constraint() {
    let mut expected = Schema::default();
    let domain = Domain {
        name: pg("positive_km"),
        data_type: "numeric(10,2)".to_owned(),
        not_null: true,
        default: None,
        collation: None,
        checks: BTreeMap::from([(
            "positive_km_check".to_owned(),
            "CHECK (VALUE >= 0)".to_owned(),
        )]),
        comment: None,
    };
    expected.domains.insert(domain.name.clone(), domain.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.domains, |domain| {
        domain.checks.clear();
    });
    assert_eq!(
        sentence(&expected, &actual),
        "domain app.positive_km: constraint positive_km_check CHECK (VALUE >= 0) missing"
    );
}

#[test]
fn a_composite_attribute_type() {
    let mut expected = Schema::default();
    let attribute = |name: &str, data_type: &str| Attribute {
        name: name.to_owned(),
        data_type: data_type.to_owned(),
        collation: None,
    };
    let address = Composite {
        name: pg("address"),
        attributes: vec![attribute("street", "text"), attribute("zip", "varchar(10)")],
        comment: None,
    };
    expected
        .composites
        .insert(address.name.clone(), address.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.composites, |composite| {
        composite.attributes[1].data_type = "text".to_owned();
    });
    assert_eq!(
        sentence(&expected, &actual),
        "type app.address: attribute zip text instead of varchar(10)"
    );
}

#[test]
fn a_function_body() {
    let mut expected = Schema::default();
    let function = Function {
        name: QualifiedName::new("public", "add(integer, integer)"),
        kind: FunctionKind::Function,
        definition: "CREATE OR REPLACE FUNCTION public.add(a integer, b integer)\n \
                     RETURNS integer\n LANGUAGE sql\nRETURN (a + b)"
            .to_owned(),
        comment: None,
    };
    expected
        .functions
        .insert(function.name.clone(), function.into());
    let mut actual = expected.clone();
    each_mut(&mut actual.functions, |function| {
        function.definition = function.definition.replace("a + b", "a - b");
    });
    assert_eq!(
        sentence(&expected, &actual),
        "function public.add(integer, integer): definition differs at line 4: \
         `RETURN (a - b)` instead of `RETURN (a + b)`"
    );
}

#[test]
fn a_trigger_missing() {
    let mut expected = with_table(trips());
    let name = TriggerName {
        table: name("trips"),
        name: "trips_touch".to_owned(),
    };
    let trigger = Trigger {
        name: name.clone(),
        definition: "CREATE TRIGGER trips_touch AFTER UPDATE ON trips BEGIN SELECT 1; END"
            .to_owned(),
        comment: None,
    };
    expected.triggers.insert(name, trigger.into());
    assert_eq!(
        sentence(&expected, &with_table(trips())),
        "trigger trips_touch on trips missing"
    );
}

#[test]
fn a_schema_comment_and_an_extension() {
    let mut expected = Schema::default();
    let app = Namespace {
        name: "app".to_owned(),
        comment: Some("Application".to_owned()),
    };
    expected.namespaces.insert("app".to_owned(), app);
    let mut actual = expected.clone();
    for namespace in actual.namespaces.values_mut() {
        namespace.comment = None;
    }
    assert_eq!(
        sentence(&expected, &actual),
        "schema app: comment 'Application' missing"
    );
    let citext = Extension {
        name: "citext".to_owned(),
        schema: "public".to_owned(),
        version: "1.6".to_owned(),
    };
    actual.namespaces = expected.namespaces.clone();
    actual.extensions.insert("citext".to_owned(), citext);
    assert_eq!(sentence(&actual, &expected), "extension citext missing");
}

#[test]
fn an_extension_version_is_neither_rendered_nor_compared() {
    let citext = |version: &str| Extension {
        name: "citext".to_owned(),
        schema: "public".to_owned(),
        version: version.to_owned(),
    };
    let (mut old, mut new) = (Schema::default(), Schema::default());
    old.extensions.insert("citext".to_owned(), citext("1.5"));
    new.extensions.insert("citext".to_owned(), citext("1.6"));
    assert!(diff(&old, &new).is_empty());
    assert_eq!(render(&old), render(&new));
}

#[test]
fn a_partition_bound() {
    let mut expected = with_table(table("m_2024", vec![column("at", "date")]));
    each_mut(&mut expected.tables, |table| {
        table.partition_of = Some(PartitionOf {
            parent: name("m"),
            bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".to_owned(),
        });
    });
    let mut actual = expected.clone();
    each_mut(&mut actual.tables, |table| {
        table.partition_of = None;
    });
    assert_eq!(
        sentence(&expected, &actual),
        "table m_2024: partition of m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') missing"
    );
}

#[test]
fn an_inheritance_left_behind() {
    let child = with_table(table("child", vec![column("at", "date")]));
    let mut inheriting = child.clone();
    each_mut(&mut inheriting.tables, |table| {
        table.inherits = vec![name("parent"), name("other")];
    });
    assert_eq!(
        sentence(&child, &inheriting),
        "table child: INHERITS parent, other unexpected"
    );
    assert!(
        render(&inheriting).contains(") INHERITS (parent, other);"),
        "{}",
        render(&inheriting)
    );
    let json = serde_json::to_value(&child).expect("serializes");
    assert!(
        json["tables"][0].get("inherits").is_none(),
        "a table that inherits nothing is serialized as before: {json}"
    );
}

#[test]
fn the_model_serializes_as_arrays_of_named_objects() {
    let mut schema = with_table(table("t", vec![column("a", "INT")]));
    let key = index("t_a", "t", &["a"]);
    schema.indexes.insert(key.name.clone(), key.into());
    let json = serde_json::to_value(&schema).expect("serializes");
    let table = &json["tables"][0];
    assert_eq!(
        table["name"],
        serde_json::json!({"schema": null, "name": "t"})
    );
    assert_eq!(table["kind"], serde_json::json!({"kind": "ordinary"}));
    assert_eq!(table["columns"][0]["data_type"], "INT");
    let key = &json["indexes"][0]["keys"][0]["part"];
    assert_eq!(key, &serde_json::json!({"column": "a"}));
    assert_eq!(json["views"], serde_json::json!([]));
}
