//! `migrate lint`: warns of operations dangerous on a busy production database, reading
//! the up scripts only (no database). Exit 0 with warnings; 1 with `--strict`.

use migrate::backend::DatabaseUrl;
use migrate::core::lint::{Flavor, LintOptions, LintReport, lint_revisions};

use crate::cli::args::{Format, LintArgs, LintDialect};
use crate::cli::context::Context;
use crate::cli::exit;
use crate::cli::lint_output;

pub fn run(context: &Context, args: &LintArgs) -> anyhow::Result<u8> {
    let report = lint(context, args.dialect)?;
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&lint_output::json(&report))?
        ),
        Format::Human => print!("{}", lint_output::human(&report)),
    }
    let found = !report.warnings.is_empty() || !report.stale.is_empty();
    Ok(if args.strict && found {
        exit::DEFECT
    } else {
        exit::SUCCESS
    })
}

/// Lints the directory's up scripts for `dialect`, else the database URL's dialect.
pub fn lint(context: &Context, dialect: Option<LintDialect>) -> anyhow::Result<LintReport> {
    let directory = context.directory()?;
    let flavor = match dialect {
        Some(LintDialect::Postgres) => Flavor::Postgres,
        Some(LintDialect::Sqlite) => Flavor::Sqlite,
        None => flavor_of(&context.settings.url),
    };
    Ok(lint_revisions(
        directory.history.revisions(),
        options(context, flavor),
    ))
}

/// The options for scripts run with this configuration.
pub fn options(context: &Context, flavor: Flavor) -> LintOptions {
    LintOptions {
        flavor,
        lock_timeout_configured: context
            .settings
            .postgres
            .lock_timeout
            .is_some_and(|timeout| !timeout.is_zero()),
    }
}

pub fn flavor_of(url: &DatabaseUrl) -> Flavor {
    match url {
        DatabaseUrl::Postgres(_) => Flavor::Postgres,
        DatabaseUrl::SqliteFile(_) | DatabaseUrl::SqliteMemory => Flavor::Sqlite,
    }
}
