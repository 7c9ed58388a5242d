//! One migration script as data: statements, each maybe destructive, and how a script
//! renders to the text written into `up.sql` or `down.sql`. Pure.

/// One SQL statement (with its semicolon) and whether it can lose rows or values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub sql: String,
    /// Drops a table or a column, or changes a type: written under a warning comment.
    pub destructive: bool,
}

impl Step {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            destructive: false,
        }
    }

    pub(crate) fn destructive(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            destructive: true,
        }
    }
}

/// The statements of one direction, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub steps: Vec<Step>,
    /// SQLite: a rebuilt table other tables reference; the text carries the
    /// `-- migrate:foreign-keys-off` header so the runner switches them off around it.
    pub foreign_keys_off: bool,
}

impl Script {
    pub(crate) fn push(&mut self, step: Step) {
        self.steps.push(step);
    }

    pub(crate) fn add(&mut self, sql: impl Into<String>) {
        self.steps.push(Step::new(sql));
    }

    /// Adds the statement, if there is one.
    pub(crate) fn extend_sql(&mut self, sql: Option<String>) {
        self.steps.extend(sql.map(Step::new));
    }

    pub(crate) fn extend(&mut self, other: Script) {
        self.steps.extend(other.steps);
    }

    /// Whether there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The statements that can lose data, for the list printed on stderr.
    pub fn destructive(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|step| step.destructive)
    }

    /// The script's text: the header's directive if any, statements one per block,
    /// destructive ones under `-- WARNING: drops data`, ending in a newline.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.foreign_keys_off {
            out.push_str("-- migrate:foreign-keys-off\n");
        }
        for step in &self.steps {
            if step.destructive {
                out.push_str("-- WARNING: drops data\n");
            }
            out.push_str(&step.sql);
            out.push('\n');
        }
        out
    }
}
