//! What an introspection leaves out: the tracking table, tables another tool owns, and
//! (PostgreSQL) which schemas to look at. Pure data.

/// What to leave out of a snapshot.
///
/// ```
/// use migrate::schema::IntrospectOptions;
/// let options = IntrospectOptions::new("migrate_history").exclude_table("spatial_ref_sys");
/// assert!(options.excludes("public", "spatial_ref_sys"));
/// assert!(options.excludes("app", "migrate_history"));
/// assert!(!options.excludes("public", "users"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Tables to leave out (with their columns, constraints, indexes and triggers). A
    /// plain name matches in every schema; `schema.table` matches in one.
    pub exclude_tables: Vec<String>,
    /// PostgreSQL: only these schemas; `None` means every schema but the system ones.
    /// SQLite ignores it.
    pub schemas: Option<Vec<String>>,
}

impl IntrospectOptions {
    /// Options that leave out only the tracking table `tracking_table`.
    pub fn new(tracking_table: &str) -> Self {
        Self {
            exclude_tables: vec![tracking_table.to_owned()],
            schemas: None,
        }
    }

    /// Also leaves out `table` (`name` or `schema.name`).
    pub fn exclude_table(mut self, table: &str) -> Self {
        self.exclude_tables.push(table.to_owned());
        self
    }

    /// Looks only at these schemas (PostgreSQL).
    pub fn only_schemas(mut self, schemas: &[&str]) -> Self {
        self.schemas = Some(schemas.iter().map(|s| (*s).to_owned()).collect());
        self
    }

    /// Whether the table `name` in `schema` is left out. SQLite passes `main`.
    pub fn excludes(&self, schema: &str, name: &str) -> bool {
        self.exclude_tables
            .iter()
            .any(|excluded| match excluded.split_once('.') {
                Some((s, n)) => s == schema && n == name,
                None => excluded == name,
            })
    }

    /// Whether objects of `schema` are looked at (PostgreSQL).
    pub fn includes_schema(&self, schema: &str) -> bool {
        self.schemas
            .as_ref()
            .is_none_or(|schemas| schemas.iter().any(|s| s == schema))
    }
}
