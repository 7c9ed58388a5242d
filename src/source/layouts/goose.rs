//! goose: one file per version, `<version>_<name>.sql`, holding a `-- +goose Up` section
//! and perhaps a `-- +goose Down` section; `-- +goose StatementBegin` … `StatementEnd`
//! around a statement with semicolons of its own, `-- +goose NO TRANSACTION` for a file
//! that runs outside a transaction. Versions are numbers above zero, run in numeric order.
//!
//! A file is checked as goose's own parser checks it, so what goose refuses is refused
//! here too, and each section is run exactly as written.

use std::collections::BTreeMap;
use std::fmt;

use super::paired_files::top_level_sql;
use super::{Input, Layout, markers};
use crate::core::{Revision, RevisionId, Script};
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// A goose file name: `<version>_<name>.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The version as written (`00001`, `20240101120000`).
    pub version: String,
    pub name: String,
}

impl Name {
    /// Parses a file name as goose does: the digits before the first `_`, a number from 1
    /// to `i64::MAX`.
    pub fn parse(file_name: &str) -> Option<Self> {
        let stem = file_name.strip_suffix(".sql")?;
        let (version, name) = stem.split_once('_')?;
        let digits = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
        (digits && version.parse::<i64>().is_ok_and(|n| n >= 1)).then(|| Self {
            version: version.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The version as goose stores it.
    pub fn number(&self) -> i64 {
        self.version.parse().unwrap_or_default()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}.sql", self.version, self.name)
    }
}

/// Reads a folder of goose files.
pub fn parse(input: &Input<'_>) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    refuse_go_migrations(tree)?;
    let mut by_number: BTreeMap<i64, &TreeFile> = BTreeMap::new();
    let mut revisions = Vec::new();
    for file in top_level_sql(input)? {
        let name = Name::parse(&file.path).ok_or_else(|| SourceError::BadName {
            path: tree.display(file),
            reason: "goose names a migration <version>_<name>.sql, the version a number above zero"
                .into(),
        })?;
        let id: RevisionId = name.version.parse().map_err(|_| SourceError::BadName {
            path: tree.display(file),
            reason: "the version is not a number".into(),
        })?;
        // goose keys versions by number: `1` and `001` are one version.
        if let Some(first) = by_number.insert(name.number(), file) {
            return Err(SourceError::DuplicateId {
                id,
                first: tree.display(first),
                second: tree.display(file),
            });
        }
        revisions.push(read(tree, file, id, name.name)?);
    }
    Ok(revisions)
}

/// goose also runs `<version>_<name>.go` files, compiled into the program: skipping them
/// would skip revisions, so a folder with one is refused.
fn refuse_go_migrations(tree: &Tree) -> Result<(), SourceError> {
    let go = tree.files.iter().find(|file| {
        !file.path.contains('/')
            && !file.path.ends_with("_test.go")
            && file
                .path
                .strip_suffix(".go")
                .is_some_and(|stem| Name::parse(&format!("{stem}.sql")).is_some())
    });
    match go {
        None => Ok(()),
        Some(file) => Err(SourceError::Unsupported {
            path: tree.display(file),
            reason: "a goose migration written in Go, which only goose (compiled into the program) can run".into(),
        }),
    }
}

fn read(
    tree: &Tree,
    file: &TreeFile,
    id: RevisionId,
    slug: String,
) -> Result<Revision, SourceError> {
    let path = tree.display(file);
    let text = tree.text(file)?;
    markers::refuse_foreign(tree, file, text, Layout::Goose)?;
    let sections =
        super::goose_sections::scan(text).map_err(|(line, reason)| SourceError::ToolRefuses {
            path: path.clone(),
            tool: "goose",
            reason: format!("line {line}: {reason}"),
        })?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let origin = path.display().to_string();
    let up_end = sections.down.unwrap_or(lines.len());
    let mut up = section(&origin, &lines, sections.up, up_end)?;
    let mut down = sections
        .down
        .map(|at| section(&origin, &lines, at, lines.len()))
        .transpose()?;
    if sections.no_transaction {
        up.directives.no_transaction = true;
        if let Some(down) = down.as_mut() {
            down.directives.no_transaction = true;
        }
    }
    Ok(Revision { id, slug, up, down })
}

/// The lines after the marker at `start`, up to `end`, preceded by as many empty lines as
/// came before them, so an error's line number is the file's line number.
fn section(origin: &str, lines: &[&str], start: usize, end: usize) -> Result<Script, SourceError> {
    let mut text = "\n".repeat(start + 1);
    text.extend(lines[start + 1..end].iter().copied());
    Script::new(origin, text).map_err(|cause| SourceError::Directive {
        path: origin.into(),
        cause,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_goose_refuses_are_none() {
        for name in [
            "0_zero.sql",
            "1.sql",
            "x1_a.sql",
            "1_a.go",
            "99999999999999999999_big.sql",
        ] {
            assert_eq!(Name::parse(name), None, "{name}");
        }
        assert_eq!(
            Name::parse("00001_create.users.sql").unwrap().name,
            "create.users"
        );
    }

    proptest! {
        #[test]
        fn names_round_trip(number in 1i64..=i64::MAX, width in 0usize..20, name in "[a-z0-9_]{1,12}") {
            let text = format!("{number:0width$}_{name}.sql");
            let parsed = Name::parse(&text).unwrap();
            prop_assert_eq!(parsed.number(), number);
            prop_assert_eq!(parsed.to_string(), text);
        }
    }
}
