//! Numeric prefixes shared by several revisions (harness: `0001_create_table_a_principals.up.sql`
//! and `0001_create_table_b_spaces.up.sql`): each up file is a revision of its own, with
//! the down file of the same name, and they run in the order of the files' names.
//!
//! A prefix held by one file is the revision's id, as sqlx would read it; the files of a
//! shared prefix are `<prefix>.1`, `<prefix>.2`, … in name order. Ids are a function of
//! the names alone, so they are the same on every run and every machine, and adding a
//! revision under a new prefix changes no other id.

use std::collections::BTreeMap;
use std::fmt;

use super::folders::read_script;
use super::name_order::{self, Named};
use super::paired_files::top_level_sql;
use super::{Input, Layout};
use crate::core::{IdOrder, Revision, RevisionId};
use crate::source::error::SourceError;
use crate::source::tree::TreeFile;

/// A file name: `<prefix>[_<name>].up.sql` or `.down.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The digits it starts with, as written.
    pub prefix: String,
    /// The words after `<prefix>_`, if any.
    pub name: Option<String>,
    pub up: bool,
}

impl Name {
    pub fn parse(file_name: &str) -> Option<Self> {
        let (stem, up) = match (
            file_name.strip_suffix(".up.sql"),
            file_name.strip_suffix(".down.sql"),
        ) {
            (Some(stem), _) => (stem, true),
            (_, Some(stem)) => (stem, false),
            _ => return None,
        };
        let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
        let (prefix, rest) = stem.split_at(digits);
        let name = match rest.strip_prefix('_') {
            Some(name) if !name.is_empty() && !name.contains(['.', '/']) => Some(name.to_owned()),
            None if rest.is_empty() => None,
            _ => return None,
        };
        (digits > 0).then(|| Self {
            prefix: prefix.to_owned(),
            name,
            up,
        })
    }

    /// The file name without its direction: what an up and its down share.
    pub fn stem(&self) -> String {
        match &self.name {
            Some(name) => format!("{}_{name}", self.prefix),
            None => self.prefix.clone(),
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let direction = if self.up { "up" } else { "down" };
        write!(f, "{}.{direction}.sql", self.stem())
    }
}

/// Whether two up files of the folder share a numeric prefix.
pub fn shares_a_prefix(files: &[&TreeFile]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    files
        .iter()
        .filter_map(|file| Name::parse(&file.path))
        .filter(|name| name.up)
        .any(|name| !seen.insert(name.prefix))
}

/// The files of one revision.
#[derive(Default)]
struct Files<'t> {
    up: Option<&'t TreeFile>,
    down: Option<&'t TreeFile>,
}

/// Reads a folder whose revisions may share prefixes.
pub fn parse(input: &Input<'_>) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    // By prefix, then by the up file's name: the order the tool runs them in.
    let mut groups: BTreeMap<String, BTreeMap<String, (Name, Files<'_>)>> = BTreeMap::new();
    for file in top_level_sql(input)? {
        let name = Name::parse(&file.path).ok_or_else(|| SourceError::BadName {
            path: tree.display(file),
            reason: "expected <number>_<name>.up.sql or .down.sql".into(),
        })?;
        let up_name = format!("{}.up.sql", name.stem());
        let group = groups.entry(name.prefix.clone()).or_default();
        let (_, files) = group
            .entry(up_name)
            .or_insert_with(|| (name.clone(), Files::default()));
        let slot = if name.up {
            &mut files.up
        } else {
            &mut files.down
        };
        // Two files of one name cannot be in one folder; this is a second `.up.sql` spelled
        // another way, which no reader could tell apart.
        if let Some(previous) = slot.replace(file) {
            return Err(SourceError::BadName {
                path: tree.display(file),
                reason: format!("same revision as {}", tree.display(previous).display()),
            });
        }
    }
    let mut revisions = Vec::new();
    let mut named = Vec::new();
    for (prefix, group) in groups {
        let shared = group.len() > 1;
        for (index, (up_name, (name, files))) in group.into_iter().enumerate() {
            let Some(up_file) = files.up else {
                let path = files
                    .down
                    .map(|file| tree.display(file))
                    .unwrap_or_default();
                return Err(SourceError::DownWithoutUp { path });
            };
            let id_text = if shared {
                format!("{prefix}.{}", index + 1)
            } else {
                prefix.clone()
            };
            let id: RevisionId = id_text.parse().map_err(|_| SourceError::BadName {
                path: tree.display(up_file),
                reason: "the prefix is not a number".into(),
            })?;
            named.push(Named {
                id: id.clone(),
                name: up_name,
                path: tree.display(up_file),
            });
            revisions.push(Revision {
                id,
                slug: name.name.unwrap_or_else(|| "migration".into()),
                up: read_script(tree, up_file, Layout::SharedPrefix)?,
                down: files
                    .down
                    .map(|file| read_script(tree, file, Layout::SharedPrefix))
                    .transpose()?,
            });
        }
    }
    name_order::check(named, IdOrder::Natural, "a shared-prefix folder's tool")?;
    Ok(revisions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_harness_names() {
        let name = Name::parse("0001_create_table_a_principals.up.sql").unwrap();
        assert_eq!(name.prefix, "0001");
        assert_eq!(name.stem(), "0001_create_table_a_principals");
        let bare = Name::parse("0157.down.sql").unwrap();
        assert_eq!((bare.name, bare.up), (None, false));
        for bad in ["x_a.up.sql", "0001-a.up.sql", "0001_.up.sql", "0001_a.sql"] {
            assert_eq!(Name::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn names_round_trip(
            prefix in "[0-9]{1,6}",
            name in proptest::option::of("[a-z0-9_]{1,16}"),
            up in any::<bool>(),
        ) {
            let name = Name { prefix, name, up };
            prop_assert_eq!(Name::parse(&name.to_string()), Some(name));
        }
    }
}
