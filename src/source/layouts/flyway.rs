//! Flyway (`V<version>__<description>.sql`, `U<version>__…` undo) and refinery
//! (`V<n>__<name>.sql`): versioned files, prefix, version, two underscores, description.

use std::collections::BTreeMap;

use super::folders::read_script;
use super::paired_files::top_level_sql;
use super::{Input, Layout};
use crate::core::{Revision, RevisionId};
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// Which tool's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Flyway,
    Refinery,
}

/// A file name split into its prefix letter, version and description.
struct Name<'a> {
    prefix: char,
    version: &'a str,
    description: &'a str,
}

fn split(name: &str) -> Option<Name<'_>> {
    let prefix = name
        .chars()
        .next()
        .filter(|c| matches!(c, 'V' | 'U' | 'R' | 'B'))?;
    let (version, description) = name[1..].split_once("__")?;
    let versioned = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_');
    ((prefix == 'R' && version.is_empty()) || (prefix != 'R' && versioned)).then_some(Name {
        prefix,
        version,
        description,
    })
}

/// Whether a file name (without `.sql`) is a Flyway or refinery migration.
pub fn is_flyway_name(name: &str) -> bool {
    split(name).is_some()
}

/// Reads a folder of versioned files.
pub fn parse(input: &Input<'_>, flavor: Flavor) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    let layout = match flavor {
        Flavor::Flyway => Layout::Flyway,
        Flavor::Refinery => Layout::Refinery,
    };
    let mut ups: BTreeMap<RevisionId, (&TreeFile, String)> = BTreeMap::new();
    let mut downs: BTreeMap<RevisionId, &TreeFile> = BTreeMap::new();
    for file in top_level_sql(input)? {
        let path = tree.display(file);
        let stem = file.path.trim_end_matches(".sql");
        let name = split(stem).ok_or_else(|| SourceError::BadName {
            path: path.clone(),
            reason: "expected V<version>__<description>.sql".into(),
        })?;
        let unsupported = |reason: &str| SourceError::Unsupported {
            path: path.clone(),
            reason: reason.into(),
        };
        match (name.prefix, flavor) {
            ('V', _) | ('U', Flavor::Flyway) => {}
            ('U', Flavor::Refinery) => {
                return Err(unsupported(
                    "refinery's unversioned migrations (U…) have no place in a linear history",
                ));
            }
            ('R', _) => {
                return Err(unsupported(
                    "repeatable migrations (R__) re-run whenever they change; migrate's history is linear and runs each revision once",
                ));
            }
            _ => return Err(unsupported("baseline migrations (B…) are not supported")),
        }
        // Flyway writes 1_1 for version 1.1.
        let id: RevisionId = name
            .version
            .replace('_', ".")
            .parse()
            .map_err(|_| unsupported("bad version"))?;
        let slot = match name.prefix {
            'V' => {
                let previous = ups.insert(id.clone(), (file, name.description.to_owned()));
                previous.map(|(file, _)| file)
            }
            _ => downs.insert(id.clone(), file),
        };
        if let Some(previous) = slot {
            return Err(SourceError::DuplicateId {
                id,
                first: tree.display(previous),
                second: path,
            });
        }
    }
    if let Some((_, file)) = downs.iter().find(|(id, _)| !ups.contains_key(*id)) {
        return Err(SourceError::DownWithoutUp {
            path: tree.display(file),
        });
    }
    ups.into_iter()
        .map(|(id, (file, description))| {
            let mut up = read_script(tree, file, layout)?;
            up.directives.no_transaction |= conf_says_no_transaction(tree, file);
            let down = downs
                .get(&id)
                .map(|file| read_script(tree, file, layout))
                .transpose()?;
            Ok(Revision {
                id,
                slug: description,
                up,
                down,
            })
        })
        .collect()
}

/// Flyway's per-script configuration, `V1__x.sql.conf`, can say `executeInTransaction=false`.
fn conf_says_no_transaction(tree: &Tree, file: &TreeFile) -> bool {
    tree.get(&format!("{}.conf", file.path))
        .is_some_and(|conf| {
            String::from_utf8_lossy(&conf.bytes)
                .lines()
                .any(|line| line.replace(' ', "") == "executeInTransaction=false")
        })
}
