//! `verify --data` on PostgreSQL: the rows of many user tables, each value as text, in two
//! round trips (which tables exist, then one `UNION ALL` of them) rather than two per
//! table: verify reads every table three times per revision.

use postgres::Client;
use postgres::types::Type;

use crate::backend::RowsDigest;
use crate::backend::dialect::Dialect;
use crate::backend::foreign_table::TextRows;
use crate::schema::QualifiedName;

/// The rows of each of `tables` (by its columns, in order); `None` for a table that does
/// not exist.
pub(crate) fn read_many(
    client: &mut Client,
    tables: &[(&QualifiedName, &[String])],
) -> Result<Vec<Option<TextRows>>, postgres::Error> {
    let dialect = Dialect::Postgres;
    let (names, exists) = quoted_and_existing(client, tables)?;
    let selects: Vec<String> = tables
        .iter()
        .zip(&names)
        .enumerate()
        .filter(|(index, ((_, columns), _))| exists[*index] && !columns.is_empty())
        .map(|(index, ((_, columns), name))| {
            let values: Vec<String> = columns
                .iter()
                .map(|c| format!("CAST({} AS TEXT)", dialect.quote_identifier(c)))
                .collect();
            format!(
                "SELECT {index}::int4, ARRAY[{}]::text[] FROM {name}",
                values.join(", ")
            )
        })
        .collect();
    let mut out: Vec<Option<TextRows>> = exists.iter().map(|&there| there.then(Vec::new)).collect();
    if selects.is_empty() {
        return Ok(out);
    }
    for row in client.query_typed(&selects.join(" UNION ALL "), &[])? {
        let index: i32 = row.try_get(0)?;
        let values: Vec<Option<String>> = row.try_get(1)?;
        if let Some(Some(rows)) = usize::try_from(index).ok().and_then(|i| out.get_mut(i)) {
            rows.push(values);
        }
    }
    Ok(out)
}

/// A digest of each table's whole rows, made by the server (a sum of one 64-bit hash of
/// each row's text, and the count), so no row crosses the wire; `None` for a table that
/// does not exist.
pub(crate) fn digests(
    client: &mut Client,
    tables: &[(&QualifiedName, &[String])],
) -> Result<Vec<Option<RowsDigest>>, postgres::Error> {
    let (names, exists) = quoted_and_existing(client, tables)?;
    let selects: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(index, _)| exists[*index])
        .map(|(index, name)| {
            format!(
                "SELECT {index}::int4, count(*)::int8, \
                 coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text FROM {name} AS t"
            )
        })
        .collect();
    let mut out: Vec<Option<RowsDigest>> = vec![None; tables.len()];
    if selects.is_empty() {
        return Ok(out);
    }
    for row in client.query_typed(&selects.join(" UNION ALL "), &[])? {
        let index: i32 = row.try_get(0)?;
        let count: i64 = row.try_get(1)?;
        let sum: &str = row.try_get(2)?;
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| out.get_mut(i)) {
            *slot = Some(RowsDigest::from_parts(sum, count.unsigned_abs()));
        }
    }
    Ok(out)
}

/// Each table's quoted, qualified name, and whether it exists.
fn quoted_and_existing(
    client: &mut Client,
    tables: &[(&QualifiedName, &[String])],
) -> Result<(Vec<String>, Vec<bool>), postgres::Error> {
    let names: Vec<String> = tables
        .iter()
        .map(|(name, _)| Dialect::Postgres.quote_qualified(name))
        .collect();
    let exists = existing(client, &names)?;
    Ok((names, exists))
}

/// Which of the quoted names name a table.
fn existing(client: &mut Client, names: &[String]) -> Result<Vec<bool>, postgres::Error> {
    client
        .query_typed(
            "SELECT to_regclass(n) IS NOT NULL FROM unnest($1::text[]) WITH ORDINALITY AS x(n, i) ORDER BY i",
            &[(&names, Type::TEXT_ARRAY)],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect()
}
