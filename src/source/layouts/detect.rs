//! Recognising a folder's layout from its files' names (and, for goose and dbmate, their
//! markers), and telling migrations from the files beside them that are not.

use super::markers::{self, Marker};
use super::{Layout, flyway_dotted, popx};
use crate::core::SUM_FILE_NAME;
use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// What one file says about the folder's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Vote {
    /// Only this layout names files so.
    Is(Layout),
    /// `<version>….up.sql` or `.down.sql`: sqlx's and golang-migrate's, popx's files for
    /// every dialect, or a folder whose versions share prefixes.
    Paired,
    /// `<version>_<name>.sql` without markers: sqlx's up-only files, or Atlas's.
    Plain,
    /// A `.sql` file below the top that is no layout's: the layout reading the folder
    /// names it, since a migration put there by mistake must not go unnoticed.
    Nested,
    /// A file of a tool migrate cannot read.
    Unreadable(Marker),
}

/// What a file is, or `None` when it is no migration of any layout (a README, a seed
/// file): such files are ignored.
pub(super) fn vote(file: &TreeFile) -> Option<Vote> {
    let mut parts = file.path.split('/');
    let first = parts.next().unwrap_or_default();
    let is_sql = file.path.ends_with(".sql");
    if let Some(second) = parts.next() {
        // By name alone: a revision's files are searched for markers as they are read.
        let deeper = parts.next().is_some();
        return match second {
            "up.sql" | "down.sql" if !deeper => Some(Vote::Is(Layout::Folders)),
            "migration.sql" if !deeper => Some(Vote::Is(Layout::Prisma)),
            _ if is_sql => Some(match markers::unreadable_tool(file) {
                Some(marker) => Vote::Unreadable(marker),
                None => Vote::Nested,
            }),
            _ => None,
        };
    }
    if is_sql && let Some(marker) = markers::unreadable_tool(file) {
        return Some(Vote::Unreadable(marker));
    }
    match first {
        "atlas.sum" => return Some(Vote::Is(Layout::Atlas)),
        "migration_lock.toml" => return Some(Vote::Is(Layout::Prisma)),
        "sqitch.plan" | "sqitch.conf" => return Some(Vote::Unreadable(Marker::Sqitch)),
        _ => {}
    }
    let stem = first.strip_suffix(".sql")?;
    if super::flyway::is_flyway_name(stem) {
        return Some(Vote::Is(Layout::Flyway));
    }
    if flyway_dotted::Name::parse(first).is_some() {
        return Some(Vote::Is(Layout::FlywayDotted));
    }
    let digit_first = stem.starts_with(|c: char| c.is_ascii_digit());
    if stem.ends_with(".up") || stem.ends_with(".down") {
        let popx = digit_first && popx::Name::parse(first).is_some_and(|name| name.is_specific());
        return Some(if popx {
            Vote::Is(Layout::Popx)
        } else {
            Vote::Paired
        });
    }
    if !digit_first {
        return None;
    }
    let head = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(4096)]);
    Some(match markers::find(&head) {
        Some((Marker::Goose, _)) => Vote::Is(Layout::Goose),
        Some((Marker::Dbmate, _)) => Vote::Is(Layout::Dbmate),
        _ => Vote::Plain,
    })
}

/// Recognises the layout of a tree. A folder with no migrations is ours; one that mixes
/// layouts is an error naming each with one of its files; a file of a tool migrate
/// cannot read is an error naming the tool.
pub(super) fn detect(tree: &Tree) -> Result<Layout, SourceError> {
    let mut found: Vec<(Layout, &TreeFile)> = Vec::new();
    let (mut paired, mut plain) = (Vec::new(), Vec::new());
    for file in &tree.files {
        match vote(file) {
            Some(Vote::Is(layout)) => add(layout, file, &mut found),
            Some(Vote::Paired) => paired.push(file),
            Some(Vote::Plain) => plain.push(file),
            Some(Vote::Unreadable(marker)) => {
                return Err(SourceError::UnreadableTool {
                    path: tree.display(file),
                    tool: marker.tool(),
                });
            }
            Some(Vote::Nested) | None => {}
        }
    }
    let has = |found: &[(Layout, &TreeFile)], layout| found.iter().any(|(l, _)| *l == layout);
    if let Some(&file) = plain.first() {
        // goose and dbmate files without their markers are theirs, and their reader says
        // what is missing; an Atlas folder's files are all plain.
        let layout = [Layout::Atlas, Layout::Goose, Layout::Dbmate]
            .into_iter()
            .find(|&layout| has(&found, layout))
            .unwrap_or(Layout::Sqlx);
        add(layout, file, &mut found);
    }
    if let Some(&file) = paired.first() {
        let layout = if has(&found, Layout::Popx) {
            Layout::Popx
        } else if super::shared_prefix::shares_a_prefix(&paired) {
            Layout::SharedPrefix
        } else {
            Layout::Sqlx
        };
        add(layout, file, &mut found);
    }
    found.sort_by_key(|(_, file)| &file.path);
    match found.as_slice() {
        [] => Ok(Layout::Folders),
        [(layout, _)] => Ok(*layout),
        _ => Err(SourceError::MixedLayouts {
            path: tree.root.clone(),
            found: found
                .iter()
                .map(|(layout, file)| {
                    format!("{} ({})", layout.name(), tree.display(file).display())
                })
                .collect(),
        }),
    }
}

/// Adds `layout`, with `file` as its example, unless it is there already.
fn add<'t>(layout: Layout, file: &'t TreeFile, found: &mut Vec<(Layout, &'t TreeFile)>) {
    if !found.iter().any(|(seen, _)| *seen == layout) {
        found.push((layout, file));
    }
}

/// Whether `layout` reads `file`, which no layout names as a migration: its own metadata.
fn reads_metadata(layout: Layout, file: &TreeFile) -> bool {
    let path = file.path.as_str();
    path == SUM_FILE_NAME
        || match layout {
            Layout::Folders => path
                .split_once('/')
                .is_some_and(|(_, name)| name == "metadata.toml"),
            Layout::Flyway | Layout::Refinery => !path.contains('/') && path.ends_with(".sql.conf"),
            _ => false,
        }
}

/// The tree's files split into those `layout` reads and those it ignores (by path
/// relative to the folder). A file of a tool migrate cannot read is an error here too, so
/// naming a layout cannot make one silently ignored.
pub(super) fn split_ignored(
    tree: &Tree,
    layout: Layout,
) -> Result<(Vec<&TreeFile>, Vec<String>), SourceError> {
    let mut read = Vec::with_capacity(tree.files.len());
    let mut ignored = Vec::new();
    for file in &tree.files {
        let vote = vote(file);
        if let Some(Vote::Unreadable(marker)) = vote {
            return Err(SourceError::UnreadableTool {
                path: tree.display(file),
                tool: marker.tool(),
            });
        }
        let ignore = match layout {
            // Atlas runs every `.sql` file at the top of its folder.
            Layout::Atlas => {
                !file.path.ends_with(".sql")
                    && file.path != "atlas.sum"
                    && file.path != SUM_FILE_NAME
            }
            _ => vote.is_none() && !reads_metadata(layout, file),
        };
        if ignore {
            ignored.push(file.path.clone());
        } else {
            read.push(file);
        }
    }
    Ok((read, ignored))
}
