//! What every introspection test shares: fixtures and snapshot settings. Whether the
//! PostgreSQL tests run, and their databases, come from `postgres::tests::support`, the one
//! guard for every PostgreSQL test.

/// The text of `fixtures/schema/<backend>/<name>.sql`.
pub(crate) fn fixture(backend: &str, name: &str) -> String {
    let path = format!(
        "{}/fixtures/schema/{backend}/{name}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

/// insta settings that store snapshots in `snapshots/schema/<backend>/`.
pub(crate) fn snapshot_settings(backend: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!(
        "{}/snapshots/schema/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ));
    settings.set_prepend_module_to_snapshot(false);
    settings
}
