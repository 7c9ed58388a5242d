use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::select;

use super::*;

#[test]
fn sqlite_declared_types_map_to_their_family() {
    let cases: &[(&str, TypeFamily)] = &[
        ("INTEGER", TypeFamily::Integer),
        ("INT", TypeFamily::Integer),
        ("BIGINT", TypeFamily::Integer),
        ("UNSIGNED BIG INT", TypeFamily::Integer),
        ("TEXT", TypeFamily::Text),
        ("VARCHAR(255)", TypeFamily::Text),
        ("CHAR", TypeFamily::Text),
        ("NATIVE CHARACTER(70)", TypeFamily::Text),
        ("CLOB", TypeFamily::Text),
        ("BLOB", TypeFamily::Bytes),
        ("REAL", TypeFamily::Float),
        ("DOUBLE", TypeFamily::Float),
        ("DOUBLE PRECISION", TypeFamily::Float),
        ("FLOAT", TypeFamily::Float),
        ("NUMERIC", TypeFamily::Numeric),
        ("DECIMAL(10,5)", TypeFamily::Numeric),
        ("NUMERIC (10, 2)", TypeFamily::Numeric),
        ("BOOLEAN", TypeFamily::Boolean),
        ("DATETIME", TypeFamily::Timestamp),
        ("TIMESTAMP", TypeFamily::Timestamp),
        ("TIMESTAMP WITH TIME ZONE", TypeFamily::Timestamp),
        ("DATE", TypeFamily::Date),
        ("JSON", TypeFamily::Json),
        ("UUID", TypeFamily::Uuid),
        ("", TypeFamily::Untyped),
    ];
    for (declared, family) in cases {
        assert_eq!(&TypeFamily::of_sqlite(declared), family, "{declared:?}");
    }
}

#[test]
fn unknown_sqlite_names_follow_sqlite_affinity_in_its_order() {
    // https://www.sqlite.org/datatype3.html 3.1: the first rule that matches wins.
    assert_eq!(TypeFamily::of_sqlite("FLOATING POINT"), TypeFamily::Integer);
    assert_eq!(TypeFamily::of_sqlite("CHARINT"), TypeFamily::Integer);
    assert_eq!(TypeFamily::of_sqlite("MYTEXT"), TypeFamily::Text);
    assert_eq!(TypeFamily::of_sqlite("BLOBBY"), TypeFamily::Bytes);
    assert_eq!(TypeFamily::of_sqlite("DOUB"), TypeFamily::Float);
    assert_eq!(TypeFamily::of_sqlite("STRINGS"), TypeFamily::Numeric);
}

#[test]
fn every_postgres_integer_is_sqlites_integer() {
    for name in ["smallint", "integer", "bigint", "serial", "bigserial"] {
        assert_eq!(
            TypeFamily::of_postgres(name),
            TypeFamily::of_sqlite("INTEGER"),
            "{name}"
        );
    }
}

#[test]
fn postgres_names_keep_what_makes_them_distinct() {
    assert_eq!(TypeFamily::of_postgres("text[]"), TypeFamily::Array);
    assert_eq!(TypeFamily::of_postgres("\"char\""), TypeFamily::Text);
    assert_eq!(
        TypeFamily::of_postgres("app.\"Mood\""),
        TypeFamily::Other("app.\"Mood\"".into())
    );
    assert_eq!(
        TypeFamily::of_postgres("pg_catalog.int4"),
        TypeFamily::Integer
    );
    assert_eq!(
        TypeFamily::of_postgres("inet"),
        TypeFamily::Other("inet".into())
    );
}

#[test]
fn the_table_names_each_type_once() {
    let mut seen = BTreeSet::new();
    for (name, _) in NAMES {
        assert!(seen.insert(*name), "{name} is in the table twice");
        assert_eq!(base_name(name), *name, "{name} is not a base name");
    }
}

/// A builtin type as `format_type` spells it, with the family it belongs to.
fn builtin() -> impl Strategy<Value = (String, TypeFamily)> {
    let precision = 0u8..7;
    let zone = select(&["with", "without"][..]);
    prop_oneof![
        select(&["smallint", "integer", "bigint"][..])
            .prop_map(|n| (n.into(), TypeFamily::Integer)),
        select(&["real", "double precision"][..]).prop_map(|n| (n.into(), TypeFamily::Float)),
        Just(("numeric".into(), TypeFamily::Numeric)),
        (1u8..40, 0u8..10).prop_map(|(p, s)| (format!("numeric({p},{s})"), TypeFamily::Numeric)),
        Just(("money".into(), TypeFamily::Numeric)),
        select(&["text", "name", "\"char\"", "character varying", "character"][..])
            .prop_map(|n| (n.into(), TypeFamily::Text)),
        (1u16..300).prop_map(|n| (format!("character varying({n})"), TypeFamily::Text)),
        (1u16..300).prop_map(|n| (format!("character({n})"), TypeFamily::Text)),
        Just(("bytea".into(), TypeFamily::Bytes)),
        Just(("boolean".into(), TypeFamily::Boolean)),
        (proptest::option::of(precision.clone()), zone.clone()).prop_map(|(p, zone)| {
            let p = p.map_or_else(String::new, |p| format!("({p})"));
            (
                format!("timestamp{p} {zone} time zone"),
                TypeFamily::Timestamp,
            )
        }),
        Just(("date".into(), TypeFamily::Date)),
        (proptest::option::of(precision.clone()), zone).prop_map(|(p, zone)| {
            let p = p.map_or_else(String::new, |p| format!("({p})"));
            (format!("time{p} {zone} time zone"), TypeFamily::Time)
        }),
        select(
            &[
                "interval",
                "interval(3)",
                "interval year to month",
                "interval day to second(2)"
            ][..]
        )
        .prop_map(|n| (n.into(), TypeFamily::Interval)),
        select(&["json", "jsonb"][..]).prop_map(|n| (n.into(), TypeFamily::Json)),
        Just(("uuid".into(), TypeFamily::Uuid)),
    ]
}

/// A type of its own: a builtin outside the table, or a user's enum, domain or composite,
/// unquoted, quoted or qualified, as `format_type` shows a type outside the search path.
fn own_type() -> impl Strategy<Value = String> {
    prop_oneof![
        select(
            &[
                "inet",
                "cidr",
                "tsvector",
                "xml",
                "point",
                "int4range",
                "macaddr"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z]{1,8}_t",
        "\"[A-Z][a-z]{0,6}\"",
        ("[a-z]{1,6}", "[a-z]{1,8}_t").prop_map(|(schema, name)| format!("{schema}.{name}")),
    ]
}

proptest! {
    /// Every builtin type the model can hold maps to exactly one family, the same whatever
    /// its modifiers, and exactly one row of the table decides it.
    #[test]
    fn each_builtin_postgres_type_has_exactly_one_family((name, family) in builtin()) {
        prop_assert_eq!(TypeFamily::of_postgres(&name), family);
        let base = base_name(&name);
        let rows = NAMES.iter().filter(|(n, _)| *n == base).count();
        let fields = base.starts_with("interval ");
        prop_assert_eq!(rows, usize::from(!fields));
    }

    /// An array of any type is an array, however many dimensions.
    #[test]
    fn arrays_are_one_family((name, _) in builtin(), dims in 1usize..3) {
        let array = format!("{name}{}", "[]".repeat(dims));
        prop_assert_eq!(TypeFamily::of_postgres(&array), TypeFamily::Array);
    }

    /// A type outside the table is a family of its own, named by the type, so it matches
    /// only the same type on the other side.
    #[test]
    fn other_types_are_families_of_their_own(name in own_type()) {
        let family = TypeFamily::of_postgres(&name);
        prop_assert_eq!(family.name(), name.as_str());
        prop_assert_eq!(family, TypeFamily::Other(name.clone()));
    }

    /// Case, spacing and modifiers never change a SQLite type's family.
    #[test]
    fn sqlite_families_ignore_case_and_modifiers(
        (name, _) in builtin(),
        upper in any::<bool>(),
        modifier in proptest::option::of(1u16..100),
    ) {
        let plain = TypeFamily::of_sqlite(&name);
        let mut spelled = if upper { name.to_uppercase() } else { name.clone() };
        if let Some(n) = modifier.filter(|_| !name.contains('(')) {
            spelled = format!("{spelled}({n})");
        }
        prop_assert_eq!(TypeFamily::of_sqlite(&spelled), plain);
    }
}
