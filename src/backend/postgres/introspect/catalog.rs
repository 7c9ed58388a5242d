//! The catalog queries behind a PostgreSQL snapshot: the server version, then one per kind
//! of object across every schema: twelve queries for ten tables or ten thousand.
//! Each binds `$1`, the schemas to read (`NULL`: every schema but the system ones), and
//! leaves out objects that belong to an extension (`pg_depend.deptype = 'e'`). Columns
//! only newer servers have are `{markers}` that `version_specific` fills in; so is
//! `{units TABLE AS ALIAS ON COLUMN}`, the first item of the `FROM` list, which reads every
//! row of TABLE, or only those whose COLUMN is one of the relations, functions or types
//! `$2` lists, for a snapshot that reads again what a migration touched.
//! The last columns of each query are oids: which relation, function or type a row
//! belongs to, and the oids of its parts, for `origins`.

/// Whether namespace `n` is read: every user schema, or exactly the named ones.
macro_rules! wanted {
    ($n:literal) => {
        concat!(
            "(($1::text[] IS NULL AND ",
            $n,
            ".nspname <> 'information_schema' AND ",
            $n,
            ".nspname NOT LIKE 'pg\\_%') OR ",
            $n,
            ".nspname = ANY($1::text[]))"
        )
    };
}

/// Whether the object `$oid`, of catalog `$catalog`, is not an extension's member.
macro_rules! own {
    ($catalog:literal, $oid:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = '",
            $catalog,
            "'::regclass AND d.objid = ",
            $oid,
            " AND d.deptype = 'e')"
        )
    };
}

/// Joins `pg_description` as `$alias` for the object `$oid` of catalog `$catalog`, part
/// `$sub` (0, or a column number). A join, not `obj_description()`: that function runs a
/// query of its own per row, which made comments the costliest part of a snapshot.
macro_rules! comment {
    ($alias:literal, $catalog:literal, $oid:literal, $sub:literal) => {
        concat!(
            " LEFT JOIN pg_description AS ",
            $alias,
            " ON ",
            $alias,
            ".classoid = '",
            $catalog,
            "'::regclass AND ",
            $alias,
            ".objoid = ",
            $oid,
            " AND ",
            $alias,
            ".objsubid = ",
            $sub,
            " "
        )
    };
}

/// Which objects a catalog query reads, and where its parameters come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scope {
    /// Every object of the schemas bound as `$1`.
    Every,
    /// The objects whose oids are bound as `$2`, of the schemas bound as `$1`.
    Listed,
    /// The objects the schema change log names, of the schemas to read: both from the
    /// session's [`SCOPE_TABLE`] (its column `units`), so the query takes no parameter
    /// and can be `EXECUTE`d in a message with others.
    Logged { units: &'static str },
}

/// The one-row temporary table a [`Scope::Logged`] query reads its scope from: the
/// schemas to read (`schemas`, NULL for every one) and, by kind, the oids of the units
/// the change log names (`relations`, `sequences`, `functions`, `enums`, `domains`).
pub(crate) const SCOPE_TABLE: &str = "pg_temp.migrate_read_scope";

/// What stands in for the `{…}` markers in the queries, by server version: columns that
/// only newer servers have. (`to_jsonb(row) ->> 'column'` would work on every version but
/// serializes the whole catalog row, which cost a quarter of a snapshot.)
pub(crate) fn version_specific(sql: &str, server_version: i32, scope: Scope) -> String {
    let nulls_not_distinct = if server_version >= 150_000 {
        "i.indnullsnotdistinct IS TRUE"
    } else {
        "false"
    };
    let not_a_clone = if server_version >= 130_000 {
        "t.tgparentid = 0"
    } else {
        "true"
    };
    let sql = sql
        .replace("{nulls_not_distinct}", nulls_not_distinct)
        .replace("{not_a_clone}", not_a_clone);
    let sql = match scope {
        Scope::Logged { .. } => sql.replace(
            "$1::text[]",
            &format!("(SELECT s.schemas FROM {SCOPE_TABLE} AS s)::text[]"),
        ),
        Scope::Every | Scope::Listed => sql,
    };
    scoped(&sql, scope)
}

/// Fills in the `{units TABLE AS ALIAS ON COLUMN}` marker: every row of TABLE, or the rows
/// whose COLUMN is one of the oids bound as `$2` or listed in the scope table. The listed
/// oids are joined as the first relation, not compared with `= ANY(…)`: a plan is made once
/// per connection, when the catalogs are small, and for `= ANY` the planner then walked a
/// whole catalog by its oid index (every constraint, every trigger of the database at
/// each step), which grew with the history. Joined first, each listed unit is looked up by
/// the index on COLUMN, however large the catalogs grow. The lists hold each oid once.
fn scoped(sql: &str, scope: Scope) -> String {
    let Some(start) = sql.find("{units ") else {
        return sql.to_owned();
    };
    let Some(length) = sql[start..].find('}') else {
        return sql.to_owned();
    };
    let marker = &sql[start + "{units ".len()..start + length];
    let Some((table, column)) = marker.split_once(" ON ") else {
        return sql.to_owned();
    };
    let units = match scope {
        Scope::Every => return format!("{}{table}{}", &sql[..start], &sql[start + length + 1..]),
        Scope::Listed => "$2::oid[]".to_owned(),
        // Cast: `unnest((SELECT …))` of the column as its array type.
        Scope::Logged { units } => format!("(SELECT s.{units} FROM {SCOPE_TABLE} AS s)::oid[]"),
    };
    format!(
        "{}unnest({units}) AS unit(oid) JOIN {table} ON {column} = unit.oid{}",
        &sql[..start],
        &sql[start + length + 1..]
    )
}

/// The server's version as a number, `150018` for 15.18.
pub(crate) const SERVER_VERSION: &str = "SELECT current_setting('server_version_num')::int4";

pub(crate) const NAMESPACES: &str = concat!(
    "SELECT n.nspname::text, ds.description FROM pg_namespace AS n",
    comment!("ds", "pg_namespace", "n.oid", "0"),
    "WHERE ",
    wanted!("n"),
    " AND ",
    own!("pg_namespace", "n.oid")
);

pub(crate) const EXTENSIONS: &str = concat!(
    "SELECT e.extname::text, n.nspname::text, e.extversion FROM pg_extension AS e \
     JOIN pg_namespace AS n ON n.oid = e.extnamespace WHERE ",
    wanted!("n")
);

/// Tables, views, materialized views and composite types (whose attributes come with the
/// columns). A partition names its parent and bound; a table that inherits (`INHERITS`)
/// its parents, in their order.
pub(crate) const RELATIONS: &str = concat!(
    "SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, \
     CASE WHEN c.relkind = 'c' THEN tds.description ELSE ds.description END, \
     CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END, \
     CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
     pn.nspname::text, pc.relname::text, pg_get_expr(c.relpartbound, c.oid, true), \
     c.reltype, i.inhparent, inh.schemas, inh.names \
     FROM {units pg_class AS c ON c.oid} JOIN pg_namespace AS n ON n.oid = c.relnamespace \
     LEFT JOIN pg_inherits AS i ON i.inhrelid = c.oid AND c.relispartition \
     LEFT JOIN pg_class AS pc ON pc.oid = i.inhparent \
     LEFT JOIN pg_namespace AS pn ON pn.oid = pc.relnamespace \
     LEFT JOIN LATERAL (SELECT array_agg(ipn.nspname::text ORDER BY ii.inhseqno) AS schemas, \
     array_agg(ipc.relname::text ORDER BY ii.inhseqno) AS names \
     FROM pg_inherits AS ii JOIN pg_class AS ipc ON ipc.oid = ii.inhparent \
     JOIN pg_namespace AS ipn ON ipn.oid = ipc.relnamespace \
     WHERE ii.inhrelid = c.oid AND NOT c.relispartition AND c.relkind = 'r') AS inh ON true",
    comment!("ds", "pg_class", "c.oid", "0"),
    comment!("tds", "pg_type", "c.reltype", "0"),
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c') AND ",
    wanted!("n"),
    " AND ",
    own!("pg_class", "c.oid"),
    " AND (c.relkind <> 'c' OR ",
    own!("pg_type", "c.reltype"),
    ")"
);

/// Columns of tables and attributes of composite types, in table order. The collation
/// shows only where it is not the type's own.
pub(crate) const COLUMNS: &str = concat!(
    "SELECT c.oid, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
     pg_get_expr(ad.adbin, ad.adrelid, true), a.attidentity::text, a.attgenerated::text, \
     CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END, \
     ds.description, ad.oid \
     FROM {units pg_attribute AS a ON a.attrelid} JOIN pg_class AS c ON c.oid = a.attrelid \
     JOIN pg_namespace AS n ON n.oid = c.relnamespace \
     JOIN pg_type AS t ON t.oid = a.atttypid \
     LEFT JOIN pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
     LEFT JOIN pg_collation AS co ON co.oid = a.attcollation",
    comment!("ds", "pg_class", "c.oid", "a.attnum"),
    "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'c') AND ",
    wanted!("n"),
    " ORDER BY c.oid, a.attnum"
);

/// Primary, unique, foreign-key, check and exclusion constraints of tables.
pub(crate) const CONSTRAINTS: &str = concat!(
    "SELECT co.conrelid, co.conname::text, co.contype::text, co.condeferrable, \
     co.condeferred, CASE WHEN co.contype = 'x' THEN pg_get_constraintdef(co.oid, true) END, \
     ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY AS k(num, ord) \
           JOIN pg_attribute AS a ON a.attrelid = co.conrelid AND a.attnum = k.num \
           ORDER BY k.ord), \
     fn.nspname::text, fc.relname::text, \
     ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY AS k(num, ord) \
           JOIN pg_attribute AS a ON a.attrelid = co.confrelid AND a.attnum = k.num \
           ORDER BY k.ord), \
     co.confupdtype::text, co.confdeltype::text, co.confmatchtype::text, \
     pg_get_expr(co.conbin, co.conrelid, true), \
     ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, ord) \
           JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.num \
           WHERE k.ord > i.indnkeyatts ORDER BY k.ord), \
     {nulls_not_distinct}, \
     ds.description, co.oid \
     FROM {units pg_constraint AS co ON co.conrelid} JOIN pg_class AS c ON c.oid = co.conrelid \
     JOIN pg_namespace AS n ON n.oid = c.relnamespace \
     LEFT JOIN pg_class AS fc ON fc.oid = co.confrelid \
     LEFT JOIN pg_namespace AS fn ON fn.oid = fc.relnamespace \
     LEFT JOIN pg_index AS i ON i.indexrelid = co.conindid AND co.contype IN ('p', 'u')",
    comment!("ds", "pg_constraint", "co.oid", "0"),
    "WHERE co.contype IN ('p', 'u', 'f', 'c', 'x') AND ",
    wanted!("n")
);

/// Indexes no constraint owns (a primary key's, unique or exclusion constraint's index
/// depends on it internally: found by index, where `pg_constraint.conindid` has none),
/// each key as its column (by name: deparsing every key with
/// `pg_get_indexdef` was most of a snapshot's time) or expression, with its collation
/// (where not the column's or the database's), operator class (where not the default)
/// and `indoption` bits (1 DESC, 2 NULLS FIRST). Collations and operator classes are
/// looked up one by one by oid: as joins, the planner scanned both catalogs per index.
pub(crate) const INDEXES: &str = concat!(
    "SELECT n.nspname::text, ic.relname::text, c.relname::text, i.indisunique, \
     am.amname::text, i.indnkeyatts::int4, \
     ARRAY(SELECT COALESCE(a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int4, true)) \
           FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, ord) \
           LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.num \
           ORDER BY k.ord), \
     i.indkey::int2[], i.indoption::int2[], \
     ARRAY(SELECT CASE WHEN k.coll <> 0 AND k.coll <> 100 \
                       AND k.coll IS DISTINCT FROM a.attcollation \
                  THEN (SELECT co.collname::text FROM pg_collation AS co WHERE co.oid = k.coll) END \
           FROM unnest(i.indcollation::oid[], i.indkey::int2[]) WITH ORDINALITY \
                AS k(coll, num, ord) \
           LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.num \
           ORDER BY k.ord), \
     ARRAY(SELECT (SELECT CASE WHEN NOT oc.opcdefault THEN oc.opcname::text END \
                   FROM pg_opclass AS oc WHERE oc.oid = k.cls) \
           FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(cls, ord) ORDER BY k.ord), \
     pg_get_expr(i.indpred, i.indrelid, true), \
     {nulls_not_distinct}, \
     ds.description, i.indrelid, i.indexrelid \
     FROM {units pg_index AS i ON i.indrelid} JOIN pg_class AS ic ON ic.oid = i.indexrelid \
     JOIN pg_class AS c ON c.oid = i.indrelid \
     JOIN pg_namespace AS n ON n.oid = c.relnamespace \
     JOIN pg_am AS am ON am.oid = ic.relam",
    comment!("ds", "pg_class", "i.indexrelid", "0"),
    "WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass \
                       AND d.objid = i.indexrelid AND d.refclassid = 'pg_constraint'::regclass \
                       AND d.deptype = 'i') AND ",
    wanted!("n"),
    " AND ",
    own!("pg_class", "c.oid")
);

/// Sequences not owned by an identity column, with the column a `serial` ties them to.
pub(crate) const SEQUENCES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart, \
     s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, \
     own.nspname::text, own.relname::text, own.attname::text, ds.description, c.oid \
     FROM {units pg_sequence AS s ON s.seqrelid} JOIN pg_class AS c ON c.oid = s.seqrelid \
     JOIN pg_namespace AS n ON n.oid = c.relnamespace \
     LEFT JOIN LATERAL (SELECT tn.nspname, tc.relname, a.attname FROM pg_depend AS d \
          JOIN pg_class AS tc ON tc.oid = d.refobjid \
          JOIN pg_namespace AS tn ON tn.oid = tc.relnamespace \
          JOIN pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
          AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a') AS own ON true",
    comment!("ds", "pg_class", "c.oid", "0"),
    "WHERE NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass \
                       AND d.objid = c.oid AND d.deptype = 'i') AND ",
    wanted!("n"),
    " AND ",
    own!("pg_class", "c.oid")
);

pub(crate) const ENUMS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text, \
     ARRAY(SELECT e.enumlabel::text FROM pg_enum AS e WHERE e.enumtypid = t.oid \
           ORDER BY e.enumsortorder), \
     ds.description, t.oid \
     FROM {units pg_type AS t ON t.oid} JOIN pg_namespace AS n ON n.oid = t.typnamespace",
    comment!("ds", "pg_type", "t.oid", "0"),
    "WHERE t.typtype = 'e' AND ",
    wanted!("n"),
    " AND ",
    own!("pg_type", "t.oid")
);

pub(crate) const DOMAINS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), \
     t.typnotnull, t.typdefault, \
     CASE WHEN t.typcollation <> b.typcollation THEN co.collname::text END, \
     ARRAY(SELECT c.conname::text FROM pg_constraint AS c \
           WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname), \
     ARRAY(SELECT pg_get_constraintdef(c.oid, true) FROM pg_constraint AS c \
           WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname), \
     ds.description, t.oid, \
     ARRAY(SELECT c.oid FROM pg_constraint AS c WHERE c.contypid = t.oid) \
     FROM {units pg_type AS t ON t.oid} JOIN pg_namespace AS n ON n.oid = t.typnamespace \
     JOIN pg_type AS b ON b.oid = t.typbasetype \
     LEFT JOIN pg_collation AS co ON co.oid = t.typcollation",
    comment!("ds", "pg_type", "t.oid", "0"),
    "WHERE t.typtype = 'd' AND ",
    wanted!("n"),
    " AND ",
    own!("pg_type", "t.oid")
);

/// Functions and procedures (not aggregates or window functions, which
/// `pg_get_functiondef` cannot show), named by their argument types alone so that
/// renaming an argument is a changed definition, not a different function.
pub(crate) const FUNCTIONS: &str = concat!(
    "SELECT n.nspname::text, \
     p.proname::text || '(' || oidvectortypes(p.proargtypes) || ')', \
     p.prokind::text, pg_get_functiondef(p.oid), ds.description, p.oid \
     FROM {units pg_proc AS p ON p.oid} JOIN pg_namespace AS n ON n.oid = p.pronamespace",
    comment!("ds", "pg_proc", "p.oid", "0"),
    "WHERE p.prokind IN ('f', 'p') AND ",
    wanted!("n"),
    " AND ",
    own!("pg_proc", "p.oid")
);

/// User triggers: not the internal ones behind foreign keys, nor the clones a
/// partitioned table's trigger makes on each partition.
pub(crate) const TRIGGERS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid, true), \
     ds.description, t.tgrelid, t.oid \
     FROM {units pg_trigger AS t ON t.tgrelid} JOIN pg_class AS c ON c.oid = t.tgrelid \
     JOIN pg_namespace AS n ON n.oid = c.relnamespace",
    comment!("ds", "pg_trigger", "t.oid", "0"),
    "WHERE NOT t.tgisinternal AND {not_a_clone} AND ",
    wanted!("n")
);
