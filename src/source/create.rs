//! `migrate create`: a new revision folder with a timestamp id and empty scripts.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::SourceError;
use crate::core::History;

/// Makes the slug of a message: `Add e-mail to users!` becomes `add_e_mail_to_users`.
pub fn slugify(message: &str) -> String {
    let mut slug = String::with_capacity(message.len());
    for c in message.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.trim_matches('_').to_owned()
}

/// Picks the id for a revision created at `timestamp` (`YYYYMMDDHHMMSS`, UTC): that
/// timestamp, or one above the newest revision if the clock is behind it or two revisions
/// are created within a second, so the new one is always the head.
pub fn next_id(history: &History, timestamp: u64) -> u64 {
    let newest = history
        .head()
        .and_then(|head| head.id.as_str().parse::<u64>().ok());
    match newest {
        Some(newest) if newest >= timestamp => newest + 1,
        _ => timestamp,
    }
}

/// Writes `<dir>/<id>_<slug>/up.sql` and `down.sql` and returns the folder.
pub fn create_revision(dir: &Path, id: u64, message: &str) -> Result<PathBuf, SourceError> {
    let down = "-- Undo everything up.sql does. If it cannot be undone, make the first line:\n-- migrate:irreversible\n";
    create_revision_with(dir, id, message, &format!("-- {message}\n"), down)
}

/// Writes a revision folder with the given scripts (autogenerate's) and returns it.
pub fn create_revision_with(
    dir: &Path,
    id: u64,
    message: &str,
    up_text: &str,
    down_text: &str,
) -> Result<PathBuf, SourceError> {
    let slug = slugify(message);
    let slug = if slug.is_empty() {
        "revision".into()
    } else {
        slug
    };
    let folder = dir.join(format!("{id}_{slug}"));
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SourceError::Io { path, source }
    };
    fs::create_dir_all(&folder).map_err(io(&folder))?;
    let up = folder.join("up.sql");
    let down = folder.join("down.sql");
    fs::write(&up, up_text).map_err(io(&up))?;
    fs::write(&down, down_text).map_err(io(&down))?;
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_are_lowercase_words() {
        assert_eq!(slugify("  Add e-mail to Users! "), "add_e_mail_to_users");
        assert_eq!(slugify("!!!"), "");
    }

    proptest! {
        #[test]
        fn slugs_fit_the_folder_pattern(message in "\\PC{0,40}") {
            let slug = slugify(&message);
            prop_assert!(!slug.starts_with('_') && !slug.ends_with('_'));
            prop_assert!(!slug.contains("__"));
            prop_assert!(slug.chars().all(|c| c.is_alphanumeric() || c == '_'));
        }
    }
}
