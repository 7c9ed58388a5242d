//! Flyway-style names with dots (authelia: `V0001.Initial_Schema.up.sql` and
//! `.down.sql`, a folder per dialect): `V`, a numeric version, a dot, a name, then the
//! direction. Versions run in numeric order.

use std::collections::BTreeMap;
use std::fmt;

use super::folders::read_script;
use super::paired_files::top_level_sql;
use super::{Input, Layout};
use crate::core::{Revision, RevisionId};
use crate::source::error::SourceError;
use crate::source::tree::TreeFile;

/// A file name: `V<version>.<name>.up.sql` or `.down.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The digits as written (`0001`).
    pub version: String,
    pub name: String,
    pub up: bool,
}

impl Name {
    pub fn parse(file_name: &str) -> Option<Self> {
        let rest = file_name.strip_prefix('V')?;
        let (rest, up) = match (rest.strip_suffix(".up.sql"), rest.strip_suffix(".down.sql")) {
            (Some(rest), _) => (rest, true),
            (_, Some(rest)) => (rest, false),
            _ => return None,
        };
        let (version, name) = rest.split_once('.')?;
        let digits = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
        (digits && !name.is_empty() && !name.contains(['.', '/'])).then(|| Self {
            version: version.to_owned(),
            name: name.to_owned(),
            up,
        })
    }

    /// The version's number, by which versions are told apart and ordered.
    fn number(&self) -> u128 {
        self.version.parse().unwrap_or(u128::MAX)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let direction = if self.up { "up" } else { "down" };
        write!(f, "V{}.{}.{direction}.sql", self.version, self.name)
    }
}

#[derive(Default)]
struct Pair<'t> {
    up: Option<(&'t TreeFile, Name)>,
    down: Option<&'t TreeFile>,
}

/// Reads a folder of dotted Flyway names.
pub fn parse(input: &Input<'_>) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    let mut pairs: BTreeMap<u128, Pair<'_>> = BTreeMap::new();
    for file in top_level_sql(input)? {
        let name = Name::parse(&file.path).ok_or_else(|| SourceError::BadName {
            path: tree.display(file),
            reason: "expected V<version>.<Name>.up.sql or .down.sql".into(),
        })?;
        let pair = pairs.entry(name.number()).or_default();
        let previous = if name.up {
            pair.up.replace((file, name.clone())).map(|(file, _)| file)
        } else {
            pair.down.replace(file)
        };
        if let Some(previous) = previous {
            return Err(SourceError::DuplicateId {
                id: id_of(tree, file, &name)?,
                first: tree.display(previous),
                second: tree.display(file),
            });
        }
    }
    pairs
        .into_values()
        .map(|pair| {
            let Some((up_file, name)) = pair.up else {
                let path = pair.down.map(|file| tree.display(file)).unwrap_or_default();
                return Err(SourceError::DownWithoutUp { path });
            };
            Ok(Revision {
                id: id_of(tree, up_file, &name)?,
                slug: name.name,
                up: read_script(tree, up_file, Layout::FlywayDotted)?,
                down: pair
                    .down
                    .map(|file| read_script(tree, file, Layout::FlywayDotted))
                    .transpose()?,
            })
        })
        .collect()
}

fn id_of(
    tree: &crate::source::Tree,
    file: &TreeFile,
    name: &Name,
) -> Result<RevisionId, SourceError> {
    name.version.parse().map_err(|_| SourceError::BadName {
        path: tree.display(file),
        reason: "the version is not a number".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_authelias_names() {
        let name = Name::parse("V0001.Initial_Schema.up.sql").unwrap();
        assert_eq!(
            (name.version.as_str(), name.name.as_str(), name.up),
            ("0001", "Initial_Schema", true)
        );
        for bad in [
            "V1__x.sql",
            "V.x.up.sql",
            "V1.x.sql",
            "V1.a.b.up.sql",
            "1.x.up.sql",
        ] {
            assert_eq!(Name::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn names_round_trip(version in "[0-9]{1,6}", name in "[A-Za-z0-9_]{1,16}", up in any::<bool>()) {
            let name = Name { version, name, up };
            prop_assert_eq!(Name::parse(&name.to_string()), Some(name));
        }
    }
}
