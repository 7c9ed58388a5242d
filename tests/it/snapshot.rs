//! Snapshots live in the repo's `snapshots/` folder, named by the case alone.

use crate::harness::repo;

/// Asserts `text` against `snapshots/<folder>/<name>.snap`.
pub fn assert(folder: &str, name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo().join("snapshots").join(folder));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}
