//! The statement that writes one generated row into a user's table (`verify --data`), for
//! either dialect: values are always bound, names quoted through the dialect.

use super::dialect::Dialect;
use super::sql_value::SqlValue;
use crate::schema::QualifiedName;

/// The insert statement for `columns` of `table`, and the values to bind for `row`.
///
/// SQLite binds each value and converts it by the column's affinity. PostgreSQL would
/// refuse a text value for an integer column, so the row travels as one JSON object and
/// `json_populate_record` converts each field to its column's type, as an insert would.
pub fn insert_row<'a>(
    dialect: Dialect,
    table: &QualifiedName,
    columns: &[&str],
    row: &[SqlValue<'a>],
) -> (String, Vec<SqlValue<'a>>) {
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| dialect.quote_identifier(c))
        .collect();
    let list = quoted.join(", ");
    let table_name = dialect.quote_qualified(table);
    match dialect {
        Dialect::Sqlite => {
            let placeholders: Vec<String> = (1..=columns.len())
                .map(|n| dialect.placeholder(n))
                .collect();
            let sql = format!(
                "INSERT INTO {table_name} ({list}) VALUES ({})",
                placeholders.join(", ")
            );
            (sql, row.to_vec())
        }
        Dialect::Postgres => {
            let object: serde_json::Map<String, serde_json::Value> = columns
                .iter()
                .zip(row)
                .map(|(column, value)| {
                    let value = match value {
                        SqlValue::Text(text) => text
                            .clone()
                            .map_or(serde_json::Value::Null, |text| text.into_owned().into()),
                        SqlValue::Integer(number) => (*number).into(),
                    };
                    ((*column).to_owned(), value)
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table_name} ({list}) SELECT {list} FROM json_populate_record(NULL::{table_name}, $1::json)"
            );
            let json = serde_json::Value::Object(object).to_string();
            (sql, vec![SqlValue::Text(Some(json.into()))])
        }
    }
}
