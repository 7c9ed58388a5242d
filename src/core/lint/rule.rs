//! The lint rules: their names (as `-- migrate:allow <name>` spells them), what each
//! warns of and the safe pattern it suggests. Pure.

use std::fmt;

/// One kind of dangerous operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// `CREATE INDEX` without `CONCURRENTLY` on an existing table.
    ConcurrentIndex,
    /// `ADD FOREIGN KEY` or `ADD CHECK` without `NOT VALID`.
    NotValid,
    /// `ALTER COLUMN … SET NOT NULL` on an existing table.
    SetNotNull,
    /// `ALTER COLUMN … TYPE`.
    ColumnType,
    /// `ADD COLUMN … DEFAULT` with a volatile expression.
    VolatileDefault,
    /// Renaming a column or a table.
    Rename,
    /// Dropping a column or a table.
    Drop,
    /// `VACUUM FULL` or `CLUSTER`.
    VacuumFull,
    /// An exclusive lock taken with no `lock_timeout` set before it.
    LockTimeout,
}

impl Rule {
    /// Every rule, in the order they are documented.
    pub const ALL: [Rule; 9] = [
        Rule::ConcurrentIndex,
        Rule::NotValid,
        Rule::SetNotNull,
        Rule::ColumnType,
        Rule::VolatileDefault,
        Rule::Rename,
        Rule::Drop,
        Rule::VacuumFull,
        Rule::LockTimeout,
    ];

    /// The name a silencing comment uses.
    pub fn name(self) -> &'static str {
        match self {
            Rule::ConcurrentIndex => "concurrent-index",
            Rule::NotValid => "not-valid",
            Rule::SetNotNull => "set-not-null",
            Rule::ColumnType => "column-type",
            Rule::VolatileDefault => "volatile-default",
            Rule::Rename => "rename",
            Rule::Drop => "drop",
            Rule::VacuumFull => "vacuum-full",
            Rule::LockTimeout => "lock-timeout",
        }
    }

    /// The rule of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.name() == name)
    }

    /// What goes wrong, for a statement on `table`: with the lock mode `observed` by verify
    /// on a real database (`takes a ShareLock (observed)`), or the one the statement's
    /// kind takes.
    pub fn problem(self, table: &str, observed: Option<&str>) -> String {
        let lock = match observed {
            Some(mode) => format!("{} {mode} (observed)", article(mode)),
            None => match (self, self.lock_mode()) {
                (Rule::NotValid, _) => "a lock that blocks writes".to_owned(),
                (_, Some(mode)) => format!("{} {mode}", article(mode)),
                (_, None) => "an exclusive lock".to_owned(),
            },
        };
        match self {
            Rule::ConcurrentIndex => format!(
                "CREATE INDEX on existing table {table} takes {lock}: it blocks writes to {table} until the index is built"
            ),
            Rule::NotValid => format!(
                "adding a constraint to {table} without NOT VALID scans every row while holding {lock}"
            ),
            Rule::SetNotNull => format!(
                "SET NOT NULL on {table} scans every row under {lock}: it blocks reads and writes"
            ),
            Rule::ColumnType => format!(
                "changing a column's type on {table} may rewrite the table under {lock}: it blocks reads and writes"
            ),
            Rule::VolatileDefault => format!(
                "a column with a volatile default rewrites {table} under {lock}: it blocks reads and writes"
            ),
            Rule::Rename => format!(
                "renaming {table} or its column breaks the running release's queries that use the old name{}",
                observed.map_or_else(String::new, |_| format!(" (it takes {lock})"))
            ),
            Rule::Drop => format!(
                "dropping {table} or its column breaks the running release's queries that still use it{}",
                observed.map_or_else(String::new, |_| format!(" (it takes {lock})"))
            ),
            Rule::VacuumFull => format!(
                "VACUUM FULL / CLUSTER rewrites {table} under {lock}: it blocks reads and writes"
            ),
            Rule::LockTimeout => format!(
                "{lock} on {table} is taken with no lock_timeout: waiting for it queues every query on {table}"
            ),
        }
    }

    /// The table lock mode the statements this rule warns of take, as PostgreSQL's
    /// documentation gives it; `None` where it depends on the statement.
    fn lock_mode(self) -> Option<&'static str> {
        match self {
            Rule::ConcurrentIndex => Some("ShareLock"),
            // ADD FOREIGN KEY takes a ShareRowExclusiveLock, ADD CHECK an exclusive one.
            Rule::NotValid | Rule::LockTimeout => None,
            Rule::SetNotNull
            | Rule::ColumnType
            | Rule::VolatileDefault
            | Rule::Rename
            | Rule::Drop
            | Rule::VacuumFull => Some("AccessExclusiveLock"),
        }
    }

    /// The safe pattern, in one or two lines.
    pub fn safe_pattern(self) -> &'static str {
        match self {
            Rule::ConcurrentIndex => {
                "use CREATE INDEX CONCURRENTLY in a file marked `-- migrate:no-transaction`"
            }
            Rule::NotValid => {
                "add it with NOT VALID, then VALIDATE CONSTRAINT in a later statement (it only blocks DDL)"
            }
            Rule::SetNotNull => {
                "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan)"
            }
            Rule::ColumnType => {
                "add a new column, backfill it in batches, switch the application, then drop the old one"
            }
            Rule::VolatileDefault => {
                "add the column without a default (or a constant one), then backfill it in batches"
            }
            Rule::Rename => {
                "add the new name alongside (a new column or a view), deploy code using it, then remove the old one"
            }
            Rule::Drop => {
                "deploy code that no longer uses it first, then drop it in a later release"
            }
            Rule::VacuumFull => "use pg_repack or plain VACUUM, which take no exclusive lock",
            Rule::LockTimeout => {
                "run SET lock_timeout = '5s' first (or set db_lock_timeout in migrate.toml) and retry on timeout"
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `a` or `an`, for a lock mode's name.
fn article(mode: &str) -> &'static str {
    if mode.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
