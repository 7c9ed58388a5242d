//! The rows the SQLite catalog queries return, one struct per query, read by column
//! position in the order `read`'s SQL selects them.

use rusqlite::Row;

/// A table to read: its name, and `table`, `virtual` or `shadow` (a virtual table's
/// storage, left out of snapshots).
pub(crate) struct TableRow {
    pub(crate) name: String,
    pub(crate) kind: String,
}

impl TableRow {
    /// A row of `pragma_table_list`.
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            name: row.get(0)?,
            kind: row.get(1)?,
        })
    }
}

/// A row of `pragma_table_xinfo`, with its table.
pub(crate) struct ColumnRow {
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) data_type: String,
    pub(crate) not_null: bool,
    pub(crate) default: Option<String>,
    pub(crate) pk: i64,
    /// 0 normal, 1 hidden (virtual tables), 2 generated virtual, 3 generated stored.
    pub(crate) hidden: i64,
}

impl ColumnRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            table: row.get(0)?,
            name: row.get(1)?,
            data_type: row.get(2)?,
            not_null: row.get(3)?,
            default: row.get(4)?,
            pk: row.get(5)?,
            hidden: row.get(6)?,
        })
    }
}

/// A row of `pragma_index_list`, with its table.
pub(crate) struct IndexRow {
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) unique: bool,
    /// `c` for `CREATE INDEX`, `u` for a `UNIQUE` constraint, `pk` for the primary key.
    pub(crate) origin: String,
}

impl IndexRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            table: row.get(0)?,
            name: row.get(1)?,
            unique: row.get(2)?,
            origin: row.get(3)?,
        })
    }
}

/// A key row of `pragma_index_xinfo`, with its index.
pub(crate) struct IndexColumnRow {
    pub(crate) index: String,
    /// -2 for an expression, -1 for the rowid.
    pub(crate) cid: i64,
    pub(crate) name: Option<String>,
    pub(crate) descending: bool,
    pub(crate) collation: Option<String>,
}

impl IndexColumnRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            index: row.get(0)?,
            cid: row.get(1)?,
            name: row.get(2)?,
            descending: row.get(3)?,
            collation: row.get(4)?,
        })
    }
}

/// A row of `pragma_foreign_key_list`, with its table.
pub(crate) struct ForeignKeyRow {
    pub(crate) table: String,
    pub(crate) id: i64,
    pub(crate) parent: String,
    pub(crate) from: String,
    pub(crate) to: Option<String>,
    pub(crate) on_update: String,
    pub(crate) on_delete: String,
    pub(crate) matching: String,
}

impl ForeignKeyRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            table: row.get(0)?,
            id: row.get(1)?,
            parent: row.get(2)?,
            from: row.get(3)?,
            to: row.get(4)?,
            on_update: row.get(5)?,
            on_delete: row.get(6)?,
            matching: row.get(7)?,
        })
    }
}
