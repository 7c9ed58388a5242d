//! What reading the directory found besides its revisions, as lines for people: the files
//! that are not migrations, and the revisions that run nothing on this database.

use migrate::source::Directory;

/// `ignored: README.md, seed_data.sql`, when some files are not migrations.
pub fn ignored(directory: &Directory) -> Option<String> {
    (!directory.ignored.is_empty()).then(|| format!("ignored: {}", directory.ignored.join(", ")))
}

/// The revisions with no file for this database's dialect, which run nothing on it.
pub fn no_ops(directory: &Directory) -> Option<String> {
    (!directory.no_ops.is_empty()).then(|| {
        let ids: Vec<String> = directory.no_ops.iter().map(ToString::to_string).collect();
        format!(
            "no-op on this database ({} has no file for its dialect): {}",
            directory.layout,
            ids.join(", ")
        )
    })
}
