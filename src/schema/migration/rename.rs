//! A rename as `--rename` names it, a candidate the planner offers, and what the caller
//! decided. Pure.

use crate::schema::name::QualifiedName;

/// One rename, named as the model it applies to has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    Table {
        from: QualifiedName,
        to: QualifiedName,
    },
    Column {
        table: QualifiedName,
        from: String,
        to: String,
    },
}

/// A dropped and an added object that may be one renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameCandidate {
    pub rename: Rename,
}

impl RenameCandidate {
    /// The `--rename` argument that accepts this candidate.
    pub fn flag(&self) -> String {
        self.rename.spec()
    }
}

/// What the caller decided about renames.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    pub chosen: Vec<Rename>,
    /// `--no-rename`: every candidate is a drop and an add.
    pub none: bool,
}

impl Rename {
    /// `old=new` or `table.old=table.new`, as `--rename` takes it.
    pub fn spec(&self) -> String {
        match self {
            Self::Table { from, to } => format!("{}={}", bare(from), bare(to)),
            Self::Column { table, from, to } => {
                format!("{t}.{from}={t}.{to}", t = bare(table))
            }
        }
    }
}

fn bare(name: &QualifiedName) -> &str {
    &name.name
}
