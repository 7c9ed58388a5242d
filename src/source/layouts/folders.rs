//! Our layout, which is diesel's: `<id>_<slug>/up.sql` and `down.sql`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::core::{Revision, RevisionId, SUM_FILE_NAME, Script};
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// Reads the revisions of a tree in our layout.
pub fn parse(tree: &Tree) -> Result<Vec<Revision>, SourceError> {
    let mut folders: BTreeMap<&str, Vec<&TreeFile>> = BTreeMap::new();
    for file in &tree.files {
        let parts: Vec<&str> = file.path.split('/').collect();
        match parts.as_slice() {
            [name] if *name == SUM_FILE_NAME => {}
            [name] if name.ends_with(".sql") => {
                return Err(SourceError::StraySql {
                    path: tree.display(file),
                });
            }
            [_] => {} // READMEs and the like beside the revisions are fine
            [folder, "up.sql" | "down.sql"] => folders.entry(folder).or_default().push(file),
            _ => {
                return Err(SourceError::UnknownFile {
                    path: tree.display(file),
                });
            }
        }
    }
    folders
        .into_iter()
        .map(|(folder, files)| read_revision(tree, folder, &files))
        .collect()
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
    let up = read_script(tree, up_file)?;
    if !up.has_sql() {
        return Err(SourceError::EmptyUp {
            path: tree.display(up_file),
        });
    }
    let down = find("down.sql")
        .map(|file| read_script(tree, file))
        .transpose()?;
    Ok(Revision { id, slug, up, down })
}

/// A file of the tree as a script, its directives read.
pub fn read_script(tree: &Tree, file: &TreeFile) -> Result<Script, SourceError> {
    let path = tree.display(file);
    let text = tree.text(file)?;
    Script::new(path.display().to_string(), text)
        .map_err(|cause| SourceError::Directive { path, cause })
}
