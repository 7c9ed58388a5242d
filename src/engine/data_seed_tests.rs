//! The seeded rows on a real (in-memory SQLite) database: for tables of random columns and
//! constraints, every generated row is accepted, or its table is reported skipped.

use proptest::prelude::*;

use super::data_check::{DataOptions, Filled, Known, seed};
use super::data_reach::Reached;
use crate::backend::{Backend, SqliteBackend, VersionTable};
use crate::schema::IntrospectOptions;

/// One column: its type, NOT NULL, UNIQUE, and whether it references the previous table.
fn column() -> impl Strategy<Value = (&'static str, bool, bool, bool)> {
    (
        proptest::sample::select(vec![
            "integer",
            "text",
            "varchar(20)",
            "real",
            "boolean",
            "date",
            "timestamp",
            "blob",
            "geometry",
        ]),
        any::<bool>(),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
}

fn ddl(tables: &[Vec<(&str, bool, bool, bool)>]) -> String {
    let mut sql = String::new();
    for (t, columns) in tables.iter().enumerate() {
        let mut parts = vec!["id integer PRIMARY KEY".to_owned()];
        for (c, (ty, not_null, unique, fk)) in columns.iter().enumerate() {
            let mut part = format!("c{c} {ty}");
            if *not_null {
                part.push_str(" NOT NULL");
            }
            if *unique {
                part.push_str(" UNIQUE");
            }
            if *fk && t > 0 {
                part = format!("c{c} integer REFERENCES t{} (id)", t - 1);
            }
            parts.push(part);
        }
        sql.push_str(&format!("CREATE TABLE t{t} ({});\n", parts.join(", ")));
    }
    sql
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn generated_rows_satisfy_the_constraints_or_the_table_is_skipped(
        tables in proptest::collection::vec(proptest::collection::vec(column(), 0..5), 1..4),
        seed_value in 0u64..1000,
        rounds in 1u64..3,
    ) {
        let mut db = SqliteBackend::open_in_memory(VersionTable::default()).unwrap();
        db.connection().execute_batch("PRAGMA foreign_keys = ON").unwrap();
        db.connection().execute_batch(&ddl(&tables)).unwrap();
        let schema = db.introspect(&IntrospectOptions::default()).unwrap();
        let options = DataOptions { seed: seed_value, rows: 3 };
        let mut filled = Filled::new();
        let mut last = Vec::new();
        for round in 1..=rounds {
            let known = Known { tables: std::mem::take(&mut last), since: Reached::All };
            let seeded = seed(&mut db, &schema, options, round, (&mut filled, known)).unwrap();
            last = seeded.tables.clone();
            for (t, columns) in tables.iter().enumerate() {
                let name = format!("t{t}");
                let skipped = |n: &str| seeded.skipped.iter().find(|(table, _)| table == n).map(|(_, r)| r.clone());
                let unknown = columns.iter().any(|(ty, _, unique, fk)| {
                    !(*fk && t > 0) && (matches!(*ty, "blob" | "geometry") || (*unique && *ty == "boolean"))
                });
                let parent_skipped = t > 0
                    && columns.iter().any(|c| c.3)
                    && skipped(&format!("t{}", t - 1)).is_some();
                match skipped(&name) {
                    Some(reason) => {
                        prop_assert!(unknown || parent_skipped, "{name} skipped for no good reason: {reason}");
                    }
                    None => {
                        prop_assert!(!unknown, "{name} has a type the generator does not know");
                        let rows = &seeded.tables.iter().find(|t| t.table == name).unwrap().rows;
                        // Filled once, then kept: a table with its rows is not filled again.
                        prop_assert_eq!(rows.len(), 3, "every generated row was accepted");
                    }
                }
            }
        }
    }
}

mod compare {
    use crate::engine::data_compare::{TableRows, compare, compare_as, example_row, narrowed};

    fn rows(values: &[(&str, &str)]) -> Vec<Vec<Option<String>>> {
        values
            .iter()
            .map(|(a, b)| vec![Some((*a).into()), Some((*b).into())])
            .collect()
    }

    fn table(key: Vec<usize>) -> TableRows {
        TableRows {
            name: crate::schema::QualifiedName::bare("t"),
            table: "t".into(),
            columns: vec!["id".into(), "v".into()],
            key,
            rows: rows(&[("1", "a"), ("2", "b")]),
            digest: None,
        }
    }

    #[test]
    fn the_same_rows_in_another_order_survive() {
        assert_eq!(
            compare(
                &table(vec![0]),
                &rows(&[("2", "b"), ("1", "a"), ("3", "new")])
            ),
            None
        );
    }

    #[test]
    fn a_missing_row_is_lost_and_shown() {
        let loss = compare(&table(vec![0]), &rows(&[("2", "b")])).unwrap();
        assert_eq!(loss, "lost 1 rows of t; e.g. (id=\"1\", v=\"a\")");
    }

    #[test]
    fn a_changed_value_is_named_with_or_without_a_key() {
        for key in [vec![0], vec![]] {
            let change = compare(&table(key), &rows(&[("1", "a"), ("2", "z")])).unwrap();
            assert!(
                change.starts_with(
                    "changed column v of 1 rows of t; e.g. (id=\"2\", v=\"b\") became"
                ),
                "{change}"
            );
        }
    }

    #[test]
    fn an_up_that_deletes_rows_says_deleted() {
        let loss = compare_as(&table(vec![0]), &rows(&[("2", "b")]), "deleted").unwrap();
        assert_eq!(loss, "deleted 1 rows of t; e.g. (id=\"1\", v=\"a\")");
    }

    #[test]
    fn narrowing_to_the_kept_columns_keeps_the_key_while_it_is_there() {
        let kept = narrowed(&table(vec![0]), &["id"]).unwrap();
        assert_eq!(
            (kept.columns.clone(), kept.key.clone()),
            (vec!["id".into()], vec![0])
        );
        assert_eq!(
            kept.rows,
            vec![vec![Some("1".into())], vec![Some("2".into())]]
        );
        // The key column gone: rows are matched whole.
        let kept = narrowed(&table(vec![0]), &["v"]).unwrap();
        assert!(kept.key.is_empty());
        assert!(narrowed(&table(vec![0]), &["other"]).is_none());
    }

    #[test]
    fn the_example_of_a_failed_up_comes_from_a_table_it_names() {
        let tables = [table(vec![0])];
        assert_eq!(
            example_row(&tables, "CREATE UNIQUE INDEX t_v ON t ((length(v)))").as_deref(),
            Some("t: (id=\"1\", v=\"a\")")
        );
        // A name inside another word is not the table.
        assert_eq!(example_row(&tables, "CREATE INDEX t_v ON other (v)"), None);
    }
}
