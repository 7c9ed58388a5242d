//! Atlas's versioned migrations: `<version>[_<name>].sql` at the top of the folder, up
//! only, run in the order of their names, checked against `atlas.sum` as Atlas checks
//! them. File directives: `-- atlas:txmode none` runs the file outside a transaction;
//! `sum`, `nolint` and `txmode file|all` change nothing here; `delimiter` and `checkpoint`
//! change what runs, so a file with them is refused.

use super::atlas_sum;
use super::folders::read_script;
use super::name_order::{self, Named};
use super::paired_files::top_level_sql;
use super::{Input, Layout};
use crate::core::{IdOrder, Revision, RevisionId, Script};
use crate::source::error::SourceError;
use crate::source::reading::Reading;
use crate::source::tree::{Tree, TreeFile};

/// Reads an Atlas folder.
pub fn read(input: &Input<'_>) -> Result<Reading, SourceError> {
    let tree = input.tree;
    let files = top_level_sql(input)?;
    atlas_sum::check(tree, &files)?;
    let mut revisions = Vec::with_capacity(files.len());
    let mut named = Vec::with_capacity(files.len());
    for file in files {
        let stem = file.path.trim_end_matches(".sql");
        let (version, name) = stem.split_once('_').unwrap_or((stem, "migration"));
        let id: RevisionId = version.parse().map_err(|error| SourceError::BadName {
            path: tree.display(file),
            reason: format!("the version {version:?} is not one migrate can order: {error}"),
        })?;
        let mut up = read_script(tree, file, Layout::Atlas)?;
        apply_directives(tree, file, &mut up)?;
        named.push(Named {
            id: id.clone(),
            name: file.path.clone(),
            path: tree.display(file),
        });
        revisions.push(Revision {
            id,
            slug: name.to_owned(),
            up,
            down: None,
        });
    }
    name_order::check(named, IdOrder::Text, "Atlas")?;
    Ok(Reading {
        order: IdOrder::Text,
        ..Reading::natural(revisions)
    })
}

/// Reads the `atlas:` directives of the file's leading comment lines.
fn apply_directives(tree: &Tree, file: &TreeFile, script: &mut Script) -> Result<(), SourceError> {
    let header = script
        .text
        .lines()
        .take_while(|line| line.starts_with("--") || line.starts_with('#'));
    for (index, line) in header.enumerate() {
        let Some((_, directive)) = line.split_once("atlas:") else {
            continue;
        };
        let mut words = directive.split_whitespace();
        let refuse = |what: &str| SourceError::Unsupported {
            path: tree.display(file),
            reason: format!("line {}: {what}", index + 1),
        };
        match (words.next(), words.next()) {
            (Some("txmode"), Some("none")) => script.directives.no_transaction = true,
            (Some("txmode"), Some("file" | "all")) | (Some("sum" | "nolint"), _) => {}
            (Some("delimiter"), _) => {
                return Err(refuse(
                    "`atlas:delimiter` splits the file where migrate would not",
                ));
            }
            (Some("checkpoint"), _) => {
                return Err(refuse(
                    "`atlas:checkpoint` files replace the history before them on a new database, which migrate does not do",
                ));
            }
            _ => return Err(refuse("an Atlas directive migrate does not know")),
        }
    }
    Ok(())
}
