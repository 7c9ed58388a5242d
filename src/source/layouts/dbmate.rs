//! dbmate: one file per version, `<version>_<name>.sql`, holding a `-- migrate:up` section
//! and a `-- migrate:down` section, each optionally `transaction:false`.

use super::paired_files::top_level_sql;
use super::{Input, Layout, markers};
use crate::core::{Revision, RevisionId, Script};
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

const UP: &str = "-- migrate:up";
const DOWN: &str = "-- migrate:down";

/// Reads a folder of dbmate files.
pub fn parse(input: &Input<'_>) -> Result<Vec<Revision>, SourceError> {
    let tree = input.tree;
    let mut revisions = Vec::new();
    for file in top_level_sql(input)? {
        revisions.push(read(tree, file)?);
    }
    Ok(revisions)
}

fn read(tree: &Tree, file: &TreeFile) -> Result<Revision, SourceError> {
    let path = tree.display(file);
    let name = &file.path;
    let stem = name.trim_end_matches(".sql");
    let (version, slug) = stem.split_once('_').unwrap_or((stem, "migration"));
    let id: RevisionId = version
        .parse()
        .ok()
        .filter(|_| version.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| SourceError::BadName {
            path: path.clone(),
            reason: "expected <version>_<name>.sql with a numeric version".into(),
        })?;
    let text = tree.text(file)?;
    markers::refuse_foreign(tree, file, text, Layout::Dbmate)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let marker = |prefix: &str| {
        lines
            .iter()
            .position(|line| line.trim_start().starts_with(prefix))
    };
    let Some(up_at) = marker(UP) else {
        return Err(SourceError::BadName {
            path,
            reason: "a dbmate migration needs a `-- migrate:up` line".into(),
        });
    };
    let down_at = marker(DOWN).filter(|&at| at > up_at);
    let origin = path.display().to_string();
    let up = section(&origin, &lines, up_at, down_at.unwrap_or(lines.len()))?;
    let down = match down_at {
        Some(at) => Some(section(&origin, &lines, at, lines.len())?).filter(Script::has_sql),
        None => None,
    };
    Ok(Revision {
        id,
        slug: slug.to_owned(),
        up,
        down,
    })
}

/// The lines after the marker at `start`, up to `end`. The section is preceded by as many
/// empty lines as came before it, so an error's line number is the file's line number.
fn section(origin: &str, lines: &[&str], start: usize, end: usize) -> Result<Script, SourceError> {
    let mut text = "\n".repeat(start + 1);
    text.extend(lines[start + 1..end].iter().copied());
    let mut script = Script::new(origin, text).map_err(|cause| SourceError::Directive {
        path: origin.into(),
        cause,
    })?;
    if lines[start].contains("transaction:false") {
        script.directives.no_transaction = true;
    }
    Ok(script)
}
