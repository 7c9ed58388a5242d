//! sqlx and golang-migrate: `<version>_<description>.up.sql` and `.down.sql` side by side,
//! and sqlx's up-only `<version>_<description>.sql`.

use std::collections::BTreeMap;

use super::folders::read_script;
use super::{Input, Layout};
use crate::core::{Revision, RevisionId, SUM_FILE_NAME, Script};
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// Which tool's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sqlx,
    GolangMigrate,
}

/// The files of one version.
#[derive(Default)]
struct Pair<'t> {
    description: String,
    up: Option<&'t TreeFile>,
    down: Option<&'t TreeFile>,
}

impl Flavor {
    fn layout(self) -> Layout {
        match self {
            Self::Sqlx => Layout::Sqlx,
            Self::GolangMigrate => Layout::GolangMigrate,
        }
    }
}

/// Reads a flat folder of version-prefixed files.
pub fn parse(input: &Input<'_>, flavor: Flavor) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    let mut pairs: BTreeMap<RevisionId, Pair<'_>> = BTreeMap::new();
    for file in top_level_sql(input)? {
        let name = &file.path;
        let stem = name.trim_end_matches(".sql");
        let (base, is_down) = match (stem.strip_suffix(".up"), stem.strip_suffix(".down")) {
            (Some(base), _) => (base, false),
            (_, Some(base)) => (base, true),
            _ if flavor == Flavor::Sqlx => (stem, false),
            _ => return Err(bad_name(tree, file, flavor)),
        };
        let (version, description) = base.split_once('_').unwrap_or((base, ""));
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_name(tree, file, flavor));
        }
        let id: RevisionId = version.parse().map_err(|_| bad_name(tree, file, flavor))?;
        let pair = pairs.entry(id.clone()).or_default();
        let slot = if is_down {
            &mut pair.down
        } else {
            &mut pair.up
        };
        if let Some(previous) = slot.replace(file) {
            return Err(SourceError::DuplicateId {
                id,
                first: tree.display(previous),
                second: tree.display(file),
            });
        }
        if !is_down || pair.description.is_empty() {
            pair.description = description.to_owned();
        }
    }
    pairs
        .into_iter()
        .map(|(id, pair)| revision(tree, id, pair, flavor))
        .collect()
}

/// The `.sql` files at the top of the tree; a `.sql` file deeper down is an error, since
/// these tools would not run it either.
pub(super) fn top_level_sql<'t>(input: &Input<'t>) -> Result<Vec<&'t TreeFile>, SourceError> {
    let tree = input.tree;
    let mut files = Vec::new();
    for &file in &input.files {
        let is_sql = file.path.ends_with(".sql");
        if file.path.contains('/') {
            if is_sql {
                return Err(SourceError::UnknownFile {
                    path: tree.display(file),
                });
            }
            continue;
        }
        if is_sql && file.path != SUM_FILE_NAME {
            files.push(file);
        }
    }
    Ok(files)
}

fn bad_name(tree: &Tree, file: &TreeFile, flavor: Flavor) -> SourceError {
    let expected = match flavor {
        Flavor::Sqlx => "<version>_<description>.up.sql, .down.sql, or <version>_<description>.sql",
        Flavor::GolangMigrate => "<version>_<title>.up.sql or .down.sql",
    };
    SourceError::BadName {
        path: tree.display(file),
        reason: format!("expected {expected}, with a numeric version"),
    }
}

fn revision(
    tree: &Tree,
    id: RevisionId,
    pair: Pair<'_>,
    flavor: Flavor,
) -> Result<Revision, SourceError> {
    let Some(up_file) = pair.up else {
        let down = pair.down.map(|file| tree.display(file)).unwrap_or_default();
        return Err(SourceError::DownWithoutUp { path: down });
    };
    let mut up = read_script(tree, up_file, flavor.layout())?;
    let mut down = pair
        .down
        .map(|file| read_script(tree, file, flavor.layout()))
        .transpose()?;
    if flavor == Flavor::Sqlx {
        mark_sqlx_no_transaction(&mut up);
        if let Some(down) = down.as_mut() {
            mark_sqlx_no_transaction(down);
        }
    }
    let slug = if pair.description.is_empty() {
        "migration".into()
    } else {
        pair.description
    };
    Ok(Revision { id, slug, up, down })
}

/// sqlx runs a file outside a transaction when its first line is `-- no-transaction`.
fn mark_sqlx_no_transaction(script: &mut Script) {
    if script
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .map(str::trim)
        == Some("-- no-transaction")
    {
        script.directives.no_transaction = true;
    }
}
