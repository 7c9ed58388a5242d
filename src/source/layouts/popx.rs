//! popx (ory's kratos, keto, hydra): one folder of
//! `<version>_<name>[.<dialect>][.autocommit].up.sql` / `.down.sql`, a file per dialect
//! (`sqlite3`, `postgres`, `cockroach`, `mysql`) or one for all. For each version and
//! direction popx runs the file of the database's dialect, else the one for all; a version
//! with neither runs nothing on that database. `.autocommit` runs outside a transaction.
//! Versions sort as text.

use std::collections::BTreeMap;
use std::fmt;

use super::folders::read_script;
use super::paired_files::top_level_sql;
use super::{Input, Layout};
use crate::core::{Checksum, Directives, IdOrder, Revision, RevisionId, Script};
use crate::source::error::SourceError;
use crate::source::reading::{FileDialect, Reading};
use crate::source::tree::{Tree, TreeFile};

/// A popx file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub version: String,
    pub name: String,
    /// The dialect as written, `None` for a file that serves every dialect.
    pub dialect: Option<String>,
    pub autocommit: bool,
    pub up: bool,
}

impl Name {
    /// Parses a name as popx's pattern does:
    /// `^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.sql$`.
    pub fn parse(file_name: &str) -> Option<Self> {
        let stem = file_name.strip_suffix(".sql")?;
        let (rest, up) = match (stem.strip_suffix(".up"), stem.strip_suffix(".down")) {
            (Some(rest), _) => (rest, true),
            (_, Some(rest)) => (rest, false),
            _ => return None,
        };
        let (rest, autocommit) = match rest.strip_suffix(".autocommit") {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let (base, dialect) = match rest.split_once('.') {
            Some((base, dialect)) => (base, Some(dialect)),
            None => (rest, None),
        };
        let word = |text: &str| {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        if dialect.is_some_and(|dialect| !word(dialect) || dialect == "autocommit") {
            return None;
        }
        let (version, name) = base.split_once('_')?;
        let digits = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
        (digits && !name.is_empty()).then(|| Self {
            version: version.to_owned(),
            name: name.to_owned(),
            dialect: dialect.map(str::to_owned),
            autocommit,
            up,
        })
    }

    /// Whether the name is popx's alone: a dialect popx knows, or `.autocommit`.
    pub fn is_specific(&self) -> bool {
        self.autocommit
            || self
                .dialect
                .as_deref()
                .is_some_and(|d| canonical(d).is_some())
    }

    /// Which of our dialects the file serves: `Some(None)` for all of them.
    fn serves(&self) -> Option<Option<FileDialect>> {
        match self.dialect.as_deref() {
            None => Some(None),
            Some(dialect) => match canonical(dialect)? {
                "sqlite3" => Some(Some(FileDialect::Sqlite)),
                "postgres" => Some(Some(FileDialect::Postgres)),
                _ => None,
            },
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.version, self.name)?;
        if let Some(dialect) = &self.dialect {
            write!(f, ".{dialect}")?;
        }
        if self.autocommit {
            f.write_str(".autocommit")?;
        }
        f.write_str(if self.up { ".up.sql" } else { ".down.sql" })
    }
}

/// pop's canonical name of a dialect it supports; files for others popx skips.
fn canonical(dialect: &str) -> Option<&'static str> {
    Some(match dialect {
        "postgres" | "postgresql" | "pg" => "postgres",
        "cockroach" | "cockroachdb" | "crdb" => "cockroach",
        "mysql" => "mysql",
        "mariadb" => "mariadb",
        "sqlite" | "sqlite3" => "sqlite3",
        _ => return None,
    })
}

/// The files of one version for our dialect: the most specific of each direction.
#[derive(Default)]
struct Version<'t> {
    name: String,
    up: Option<(&'t TreeFile, Name)>,
    down: Option<(&'t TreeFile, Name)>,
}

/// Reads a popx folder for the database's dialect.
pub fn read(input: &Input<'_>) -> Result<Reading, SourceError> {
    let tree = input.tree;
    let files = top_level_sql(input)?;
    let Some(dialect) = input.dialect else {
        let path = files
            .first()
            .map_or_else(|| tree.root.clone(), |f| tree.display(f));
        return Err(SourceError::NeedsDialect { path, tool: "popx" });
    };
    let mut versions: BTreeMap<&str, Version<'_>> = BTreeMap::new();
    for file in files {
        let name = Name::parse(&file.path).ok_or_else(|| SourceError::BadName {
            path: tree.display(file),
            reason: "popx names a migration <version>_<name>[.<dialect>][.autocommit].up.sql or .down.sql".into(),
        })?;
        let version = versions
            .entry(&file.path[..name.version.len()])
            .or_default();
        if version.name.is_empty() || name.up {
            version.name = name.name.clone();
        }
        let Some(serves) = name.serves().filter(|d| d.is_none_or(|d| d == dialect)) else {
            continue;
        };
        let slot = if name.up {
            &mut version.up
        } else {
            &mut version.down
        };
        match slot {
            Some((other, held)) if held.dialect.is_some() == serves.is_some() => {
                return Err(SourceError::DuplicateId {
                    id: name.version.parse().map_err(|_| bad_version(tree, file))?,
                    first: tree.display(other),
                    second: tree.display(file),
                });
            }
            // The dialect's own file wins over the one for all.
            Some((_, held)) if held.dialect.is_some() => {}
            _ => *slot = Some((file, name)),
        }
    }
    let mut reading = Reading {
        order: IdOrder::Text,
        ..Reading::natural(Vec::new())
    };
    for (version, files) in versions {
        let id: RevisionId = version.parse().map_err(|_| SourceError::BadName {
            path: tree.root.join(version),
            reason: "not a version".into(),
        })?;
        let Some((up_file, up_name)) = &files.up else {
            reading.no_ops.push(id.clone());
            reading.revisions.push(no_op(tree, id, files.name, dialect));
            continue;
        };
        let up = script(tree, up_file, up_name)?;
        let down = files
            .down
            .as_ref()
            .map(|(file, name)| script(tree, file, name))
            .transpose()?;
        reading.revisions.push(Revision {
            id,
            slug: files.name,
            up,
            down,
        });
    }
    Ok(reading)
}

fn bad_version(tree: &Tree, file: &TreeFile) -> SourceError {
    SourceError::BadName {
        path: tree.display(file),
        reason: "not a version".into(),
    }
}

/// One file as a script. popx expands every file as a Go template first; a file that
/// uses one (`{{ … }}`) would run differently here, so it is refused.
fn script(tree: &Tree, file: &TreeFile, name: &Name) -> Result<Script, SourceError> {
    let mut script = read_script(tree, file, Layout::Popx)?;
    if let Some(line) = script.text.lines().position(|line| line.contains("{{")) {
        return Err(SourceError::Unsupported {
            path: tree.display(file),
            reason: format!(
                "line {}: popx expands its files as Go templates, and this one uses `{{{{`, which migrate cannot expand",
                line + 1
            ),
        });
    }
    script.directives.no_transaction |= name.autocommit;
    Ok(script)
}

/// A version without a file for this dialect: a step that runs nothing either way, so the
/// history (and the tracking table) is the same on every database.
fn no_op(tree: &Tree, id: RevisionId, slug: String, dialect: FileDialect) -> Revision {
    let origin = format!(
        "{} (popx: no {} file for version {id})",
        tree.root.display(),
        dialect.name()
    );
    let empty =
        || Script::without_text(origin.clone(), Checksum::of_text(""), Directives::default());
    Revision {
        id,
        slug,
        up: empty(),
        down: Some(empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_names_as_popx_does() {
        let name =
            Name::parse("20210410175418000000_identities.postgres.autocommit.up.sql").unwrap();
        assert_eq!(name.dialect.as_deref(), Some("postgres"));
        assert!(name.autocommit && name.up && name.is_specific());
        let all = Name::parse("1_a.autocommit.down.sql").unwrap();
        assert_eq!((all.dialect, all.autocommit, all.up), (None, true, false));
        assert!(!Name::parse("1_a.up.sql").unwrap().is_specific());
        assert!(!Name::parse("1_users.v2.up.sql").unwrap().is_specific());
        for bad in [
            "a_b.up.sql",
            "1_.up.sql",
            "1_a.b.c.up.sql",
            "1_a.Postgres.up.sql",
            "1_a.sql",
        ] {
            assert_eq!(Name::parse(bad), None, "{bad}");
        }
    }

    fn names() -> impl Strategy<Value = Name> {
        (
            "[0-9]{1,20}",
            "[a-z0-9_]{1,12}",
            proptest::option::of(prop_oneof![
                Just("sqlite3".to_owned()),
                Just("postgres".to_owned()),
                Just("cockroach".to_owned()),
                Just("mysql".to_owned()),
                "[a-z0-9]{1,8}".prop_filter("not the autocommit flag", |d| d != "autocommit"),
            ]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(version, name, dialect, autocommit, up)| Name {
                version,
                name,
                dialect,
                autocommit,
                up,
            })
    }

    proptest! {
        #[test]
        fn names_round_trip(name in names()) {
            prop_assert_eq!(Name::parse(&name.to_string()), Some(name));
        }
    }
}
