//! Prisma Migrate: `<timestamp>_<name>/migration.sql`, up only, beside
//! `migration_lock.toml`; the folders run in the order of their names.

use super::folders::read_script;
use super::name_order::{self, Named};
use super::{Input, Layout};
use crate::core::{IdOrder, Revision, RevisionId};
use crate::source::error::SourceError;
use crate::source::reading::Reading;

/// Reads a Prisma migrations folder.
pub fn read(input: &Input<'_>) -> Result<Reading, SourceError> {
    let tree = input.tree;
    let mut revisions = Vec::new();
    let mut named = Vec::new();
    for &file in &input.files {
        match file.path.split('/').collect::<Vec<_>>().as_slice() {
            ["migration_lock.toml"] => {}
            [folder, "migration.sql"] => {
                let (version, name) = folder.split_once('_').unwrap_or((folder, "migration"));
                let id: RevisionId = version.parse().map_err(|error| SourceError::BadName {
                    path: tree.display(file),
                    reason: format!("a Prisma migration folder is `<timestamp>_<name>`: {error}"),
                })?;
                named.push(Named {
                    id: id.clone(),
                    name: (*folder).to_owned(),
                    path: tree.display(file),
                });
                revisions.push(Revision {
                    id,
                    slug: name.to_owned(),
                    up: read_script(tree, file, Layout::Prisma)?,
                    down: None,
                });
            }
            _ => {
                return Err(SourceError::UnknownFile {
                    path: tree.display(file),
                });
            }
        }
    }
    name_order::check(named, IdOrder::Text, "Prisma")?;
    Ok(Reading {
        order: IdOrder::Text,
        ..Reading::natural(revisions)
    })
}
