//! Our layout, which is diesel's: `<id>_<slug>/up.sql` and `down.sql`, with diesel's
//! `metadata.toml` (`run_in_transaction = false`) beside them.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Input, Layout, markers};
use crate::core::{IdOrder, Revision, RevisionId, SUM_FILE_NAME, Script};
use crate::source::error::SourceError;
use crate::source::reading::Reading;
use crate::source::tree::{Tree, TreeFile};

/// Reads the revisions of a tree in our layout.
pub fn read(input: &Input<'_>) -> Result<Reading, SourceError> {
    let tree = input.tree;
    let mut folders: BTreeMap<&str, Vec<&TreeFile>> = BTreeMap::new();
    for &file in &input.files {
        let parts: Vec<&str> = file.path.split('/').collect();
        match parts.as_slice() {
            [name] if *name == SUM_FILE_NAME => {}
            [name] if name.ends_with(".sql") => {
                return Err(SourceError::StraySql {
                    path: tree.display(file),
                });
            }
            [folder, "up.sql" | "down.sql" | "metadata.toml"] => {
                folders.entry(folder).or_default().push(file)
            }
            _ => {
                return Err(SourceError::UnknownFile {
                    path: tree.display(file),
                });
            }
        }
    }
    let revisions = folders
        .into_iter()
        .map(|(folder, files)| read_revision(tree, folder, &files))
        .collect::<Result<Vec<_>, _>>()?;
    // diesel keeps a version as text without its dashes and sorts the texts; a folder
    // with a dashed id was made by diesel, so it runs in diesel's order. Ours, all
    // plain numbers, run as numbers.
    let order = if revisions.iter().any(|r| r.id.as_str().contains('-')) {
        IdOrder::Text
    } else {
        IdOrder::Natural
    };
    Ok(Reading {
        order,
        ..Reading::natural(revisions)
    })
}

/// Splits `20240101120000_create_users` into its id and slug.
pub fn parse_folder_name(path: &Path, name: &str) -> Result<(RevisionId, String), SourceError> {
    let bad = |reason: String| SourceError::BadName {
        path: path.to_owned(),
        reason,
    };
    let (id, slug) = name
        .split_once('_')
        .ok_or_else(|| bad("a revision folder is named `<id>_<slug>`".into()))?;
    let id: RevisionId = id
        .parse()
        .map_err(|error| bad(format!("{id:?} is not a revision id: {error}")))?;
    if slug.is_empty() {
        return Err(bad("the slug after the id is empty".into()));
    }
    Ok((id, slug.to_owned()))
}

fn read_revision(tree: &Tree, folder: &str, files: &[&TreeFile]) -> Result<Revision, SourceError> {
    let folder_path = tree.root.join(folder);
    let (id, slug) = parse_folder_name(&folder_path, folder)?;
    let find = |name: &str| {
        files
            .iter()
            .find(|file| file.path.rsplit('/').next() == Some(name))
            .copied()
    };
    let up_file = find("up.sql").ok_or_else(|| SourceError::MissingUp {
        path: folder_path.clone(),
    })?;
    // An up.sql of comments only (diesel's `-- Your SQL goes here`) is a step that runs
    // nothing, as diesel runs it.
    let mut up = read_script(tree, up_file, Layout::Folders)?;
    let mut down = find("down.sql")
        .map(|file| read_script(tree, file, Layout::Folders))
        .transpose()?;
    if let Some(metadata) = find("metadata.toml")
        && !runs_in_transaction(tree, metadata)?
    {
        up.directives.no_transaction = true;
        if let Some(down) = down.as_mut() {
            down.directives.no_transaction = true;
        }
    }
    Ok(Revision { id, slug, up, down })
}

/// diesel's per-migration settings: `run_in_transaction = false` runs both scripts
/// outside a transaction. diesel's field defaults to `false` when the file is there but
/// does not name it; a file diesel could not parse it would silently ignore, which we
/// refuse instead.
fn runs_in_transaction(tree: &Tree, file: &TreeFile) -> Result<bool, SourceError> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        #[serde(default)]
        run_in_transaction: bool,
    }
    let text = tree.text(file)?;
    toml::from_str::<Metadata>(text)
        .map(|metadata| metadata.run_in_transaction)
        .map_err(|error| SourceError::BadMetadata {
            path: tree.display(file),
            reason: format!("not diesel's metadata: {}", error.message()),
        })
}

/// A file of the tree as a script read in `layout`, its directives read; refused when it
/// carries another tool's markers.
pub fn read_script(tree: &Tree, file: &TreeFile, layout: Layout) -> Result<Script, SourceError> {
    let path = tree.display(file);
    let text = tree.shared_text(file)?;
    markers::refuse_foreign(tree, file, &text, layout)?;
    Script::new(path.display().to_string(), text)
        .map_err(|cause| SourceError::Directive { path, cause })
}
