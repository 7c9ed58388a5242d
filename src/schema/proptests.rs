//! Properties of rendering, diff and normalization over random models: rendering is
//! deterministic, `diff(a, a)` is empty, and `diff(a, b)` is empty exactly when the
//! renderings are equal; cosmetic rewrites of SQL normalize to the same text.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::*;

const TABLES: &[&str] = &["a", "b", "Odd Name"];
const COLUMNS: &[&str] = &["id", "x", "y", "order"];
const TYPES: &[&str] = &["integer", "text", "bigint"];
const ACTIONS: &[FkAction] = &[FkAction::NoAction, FkAction::Cascade, FkAction::SetNull];
const DEFERRABLE: &[Deferrable] = &[
    Deferrable::NotDeferrable,
    Deferrable::InitiallyImmediate,
    Deferrable::InitiallyDeferred,
];

fn column() -> impl Strategy<Value = (String, bool, Option<&'static str>)> {
    (
        select(TYPES).prop_map(str::to_owned),
        any::<bool>(),
        proptest::option::of(select(&["0", "''"][..])),
    )
}

fn table() -> impl Strategy<Value = Table> {
    let columns = subsequence(COLUMNS, 1..=4).prop_shuffle();
    (select(TABLES), columns, any::<[bool; 3]>())
        .prop_flat_map(|(name, names, flags)| {
            let details = proptest::collection::vec(column(), names.len());
            let constraint_columns = subsequence(names.clone(), 1..=names.len());
            (
                Just((name, names, flags)),
                details,
                constraint_columns,
                select(TABLES),
                select(ACTIONS),
                select(DEFERRABLE),
                proptest::option::of(select(&["x > 0", "y <> ''"][..])),
            )
        })
        .prop_map(
            |((name, names, flags), details, key, target, action, deferrable, check)| {
                let columns = names
                    .iter()
                    .zip(details)
                    .map(|(column, (data_type, not_null, default))| Column {
                        name: (*column).to_owned(),
                        data_type,
                        not_null,
                        default: default.map(str::to_owned),
                        generated: None,
                        identity: None,
                        collation: None,
                        hidden: false,
                        comment: None,
                    })
                    .collect();
                let key: Vec<String> = key.iter().map(|c| (*c).to_owned()).collect();
                let mut table = Table {
                    name: QualifiedName::bare(name),
                    kind: TableKind::Ordinary,
                    without_rowid: flags[0],
                    strict: flags[1],
                    partition_of: None,
                    inherits: Vec::new(),
                    columns,
                    constraints: BTreeMap::new(),
                    comment: None,
                };
                let mut add = |name: String, kind: ConstraintKind, deferrable: Deferrable| {
                    let constraint = Constraint {
                        name: name.clone(),
                        kind,
                        deferrable,
                        comment: None,
                    };
                    table.constraints.insert(name, constraint);
                };
                if flags[2] {
                    let include = Vec::new();
                    add(
                        format!("{name}_pkey"),
                        ConstraintKind::PrimaryKey {
                            columns: key.clone(),
                            include,
                            autoincrement: false,
                        },
                        Deferrable::NotDeferrable,
                    );
                } else {
                    let unique = ConstraintKind::Unique {
                        columns: key.clone(),
                        include: Vec::new(),
                        nulls_not_distinct: false,
                    };
                    add(format!("{name}_key"), unique, Deferrable::NotDeferrable);
                }
                let foreign = ForeignKey {
                    columns: key.clone(),
                    references: QualifiedName::bare(target),
                    referenced_columns: key,
                    on_update: FkAction::NoAction,
                    on_delete: action,
                    match_full: false,
                };
                add(
                    format!("{name}_fkey"),
                    ConstraintKind::ForeignKey(foreign),
                    deferrable,
                );
                if let Some(check) = check {
                    let check = ConstraintKind::Check {
                        expression: check.to_owned(),
                    };
                    add(format!("{name}_check"), check, Deferrable::NotDeferrable);
                }
                table
            },
        )
}

fn index() -> impl Strategy<Value = Index> {
    (
        select(&["i1", "i2"][..]),
        select(TABLES),
        any::<bool>(),
        subsequence(COLUMNS, 1..=2),
        any::<[bool; 2]>(),
        proptest::option::of(select(&["x IS NOT NULL", "y > 1"][..])),
    )
        .prop_map(|(name, table, unique, keys, descending, predicate)| Index {
            name: QualifiedName::bare(name),
            table: QualifiedName::bare(table),
            unique,
            method: None,
            keys: keys
                .iter()
                .zip(descending)
                .map(|(key, descending)| IndexKey {
                    part: KeyPart::Column((*key).to_owned()),
                    collation: None,
                    opclass: None,
                    descending,
                    nulls: NullsOrder::Default,
                })
                .collect(),
            include: Vec::new(),
            predicate: predicate.map(str::to_owned),
            nulls_not_distinct: false,
            comment: None,
        })
}

/// A schema and the order its parts were built in, to show that order does not matter.
fn schema() -> impl Strategy<Value = (Vec<Table>, Vec<Index>)> {
    (
        proptest::collection::vec(table(), 0..3),
        proptest::collection::vec(index(), 0..3),
    )
}

fn build(tables: &[Table], indexes: &[Index]) -> Schema {
    let mut schema = Schema::default();
    for table in tables {
        schema
            .tables
            .insert(table.name.clone(), table.clone().into());
    }
    for index in indexes {
        schema
            .indexes
            .insert(index.name.clone(), index.clone().into());
    }
    schema
}

/// Applies one small change picked by `choice`, or none.
fn mutate(mut schema: Schema, choice: u8) -> Schema {
    let first = schema.tables.keys().next().cloned();
    let table = first
        .and_then(|name| schema.tables.get_mut(&name))
        .map(Arc::make_mut);
    match (choice % 6, table) {
        (0, Some(table)) => table.columns[0].not_null ^= true,
        (1, Some(table)) => table.columns.reverse(),
        (2, Some(table)) => table.strict ^= true,
        (3, Some(table)) => table.columns[0].default = Some("1".to_owned()),
        (4, _) => {
            let first = schema.indexes.keys().next().cloned();
            if let Some(index) = first
                .and_then(|name| schema.indexes.get_mut(&name))
                .map(Arc::make_mut)
            {
                index.keys[0].descending ^= true;
            }
        }
        _ => {}
    }
    schema
}

proptest! {
    #[test]
    fn rendering_does_not_depend_on_construction_order((tables, indexes) in schema()) {
        let forward = build(&tables, &indexes);
        let mut reversed_tables = tables.clone();
        reversed_tables.reverse();
        let mut reversed_indexes = indexes.clone();
        reversed_indexes.reverse();
        // Later duplicates win in `build`; keep the same winners in both orders.
        let unique = |items: &mut Vec<Table>| {
            let mut seen = std::collections::BTreeSet::new();
            items.retain(|t| seen.insert(t.name.clone()));
        };
        let mut last_first = tables.clone();
        last_first.reverse();
        unique(&mut last_first);
        let backward = build(&last_first, &indexes);
        prop_assert_eq!(render(&forward), render(&backward));
        prop_assert_eq!(render(&forward), render(&forward.clone()));
        let json = serde_json::to_string(&forward).expect("serializes");
        prop_assert_eq!(json, serde_json::to_string(&backward).expect("serializes"));
    }

    #[test]
    fn a_schema_does_not_differ_from_itself((tables, indexes) in schema()) {
        let schema = build(&tables, &indexes);
        prop_assert!(diff(&schema, &schema).is_empty());
    }

    #[test]
    fn diff_is_empty_exactly_when_renderings_are_equal(
        (tables, indexes) in schema(),
        (other_tables, other_indexes) in schema(),
        choice in any::<u8>(),
        independent in any::<bool>(),
    ) {
        let a = build(&tables, &indexes);
        let b = if independent {
            build(&other_tables, &other_indexes)
        } else {
            mutate(a.clone(), choice)
        };
        let same_text = render(&a) == render(&b);
        prop_assert_eq!(diff(&a, &b).is_empty(), same_text, "{}\n---\n{}", render(&a), render(&b));
        prop_assert_eq!(diff(&b, &a).is_empty(), same_text);
    }
}

const IDENTIFIERS: &[&str] = &["users", "email", "Name2", "t"];
const KEYWORDS: &[&str] = &["select", "from", "where", "and", "as", "join", "on"];
const OTHERS: &[&str] = &[
    "'A b'", "'it''s'", "1", "2.5", "(", ")", ",", "=", "||", ".", "*", "-", "+",
];

/// A token of a view definition: an identifier, a keyword or something else.
#[derive(Debug, Clone)]
enum Piece {
    Identifier(&'static str),
    Keyword(&'static str),
    Other(&'static str),
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    let piece = prop_oneof![
        select(IDENTIFIERS).prop_map(Piece::Identifier),
        select(KEYWORDS).prop_map(Piece::Keyword),
        select(OTHERS).prop_map(Piece::Other),
    ];
    proptest::collection::vec(piece, 1..20)
}

/// Writes the pieces with the cosmetic choices `style` picks: quoting, case, spacing.
fn write(pieces: &[Piece], style: &[u8]) -> String {
    let mut out = String::from("create view v as");
    for (at, piece) in pieces.iter().enumerate() {
        let choice = style.get(at).copied().unwrap_or(0);
        out.push_str([" ", "\n  ", "\t", "  /* c */ "][usize::from(choice % 4)]);
        let text = match piece {
            Piece::Identifier(name) => match choice / 4 % 5 {
                0 => (*name).to_owned(),
                1 => format!("\"{name}\""),
                2 => format!("[{name}]"),
                3 => format!("`{}`", name.to_uppercase()),
                _ => name.to_lowercase(),
            },
            Piece::Keyword(word) if choice % 2 == 0 => word.to_uppercase(),
            Piece::Keyword(word) | Piece::Other(word) => (*word).to_owned(),
        };
        out.push_str(&text);
    }
    out
}

proptest! {
    #[test]
    fn cosmetic_rewrites_normalize_equal(
        pieces in pieces(),
        one in proptest::collection::vec(any::<u8>(), 20),
        two in proptest::collection::vec(any::<u8>(), 20),
    ) {
        prop_assert_eq!(normalize_sql(&write(&pieces, &one)), normalize_sql(&write(&pieces, &two)));
        let view = parse_view(&write(&pieces, &one));
        prop_assert_eq!(view.query, parse_view(&write(&pieces, &two)).query);
    }

    #[test]
    fn a_changed_literal_does_not_normalize_away(
        pieces in pieces(),
        style in proptest::collection::vec(any::<u8>(), 20),
    ) {
        let mut pieces = pieces;
        pieces.push(Piece::Other("'A b'"));
        let text = write(&pieces, &style);
        let changed = text.replacen("'A b'", "'a b'", 1);
        prop_assert_ne!(normalize_sql(&text), normalize_sql(&changed));
    }

    #[test]
    fn normalizing_is_idempotent(pieces in pieces(), style in proptest::collection::vec(any::<u8>(), 20)) {
        let once = normalize_sql(&write(&pieces, &style));
        prop_assert_eq!(normalize_sql(&once), once.clone());
    }
}

proptest! {
    /// SQLite's stored text comes from outside: no input may make a reader panic.
    #[test]
    fn readers_of_stored_text_never_panic(text in "[a-zA-Z_ ()'\"`\\[\\],;.*=<>|+-/0-9\n]{0,60}") {
        let _ = normalize_sql(&text);
        let _ = parse_table(&text);
        let _ = parse_index(&text);
        let _ = parse_view(&text);
        let _ = format_trigger(&text);
        let _ = default_expression(&text);
        for prefix in ["CREATE TABLE t (", "CREATE INDEX i ON t (", "CREATE VIEW v (", "CREATE TRIGGER x BEGIN "] {
            let text = format!("{prefix}{text}");
            let _ = (parse_table(&text), parse_index(&text), parse_view(&text), format_trigger(&text));
        }
    }
}
