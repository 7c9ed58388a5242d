//! `migrate init`: a migrations directory, its sum file and a commented migrate.toml.

use std::fs;

use anyhow::Context as _;
use migrate::core::{History, SUM_FILE_NAME, SumFile};

use crate::cli::context::Context;
use crate::cli::exit;

const CONFIG_TEMPLATE: &str = r#"# migrate.toml: settings for `migrate`. Flags and $DATABASE_URL take precedence.

# The database: sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DB
# database_url = "sqlite://migrate.db"

# The migrations directory.
# dir = "migrations"

# The table that records applied revisions.
# table = "migrate_history"
"#;

pub fn run(context: &Context, config_path: &std::path::Path) -> anyhow::Result<u8> {
    let dir = &context.settings.dir;
    let existed = dir.is_dir();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let sum_path = dir.join(SUM_FILE_NAME);
    if !sum_path.exists() {
        let empty = SumFile::compute(&History::default());
        fs::write(&sum_path, empty.render())
            .with_context(|| format!("cannot write {}", sum_path.display()))?;
    }
    if config_path.exists() {
        println!("kept {}", config_path.display());
    } else {
        fs::write(config_path, CONFIG_TEMPLATE)
            .with_context(|| format!("cannot write {}", config_path.display()))?;
        println!("created {}", config_path.display());
    }
    println!(
        "{} {}",
        if existed { "kept" } else { "created" },
        dir.display()
    );
    println!("next: migrate create \"create users\"");
    Ok(exit::SUCCESS)
}
