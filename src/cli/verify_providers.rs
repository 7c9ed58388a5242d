//! Which backends `verify` runs on, and where their scratch databases come from.

use migrate::backend::DatabaseUrl;
use migrate::provision::{
    PostgresSources, Provider, ProvisionError, SqliteTemp, postgres_provider,
    postgres_provider_making_spares,
};

use super::context::Context;
use super::verify_args::{BackendChoice, VerifyDatabases};

/// A provider per backend to run on, and notes on backends skipped because they are not
/// available (only when no backend was asked for by name).
#[derive(Default)]
pub struct Selection {
    pub providers: Vec<Box<dyn Provider + Send>>,
    pub notes: Vec<String>,
}

pub fn providers(context: &Context, databases: &VerifyDatabases) -> anyhow::Result<Selection> {
    providers_making_spares(context, databases, || 0)
}

/// [`providers`], with PostgreSQL's databases for the shards to come made beside its first
/// where it is a server named by URL: as many as `wanted` says once the directory is read
/// (see `postgres_provider_making_spares`).
pub fn providers_making_spares(
    context: &Context,
    databases: &VerifyDatabases,
    wanted: impl FnOnce() -> usize + Send,
) -> anyhow::Result<Selection> {
    let choice = databases.backend;
    let mut out = Selection::default();
    if matches!(
        choice,
        None | Some(BackendChoice::Sqlite | BackendChoice::All)
    ) {
        out.providers.push(Box::new(SqliteTemp::new()?));
    }
    if matches!(choice, Some(BackendChoice::Sqlite)) {
        return Ok(out);
    }
    match postgres_provider_making_spares(&postgres_sources(context, databases), wanted) {
        Ok(provider) => out.providers.push(provider),
        Err(ProvisionError::NoPostgres { tried }) if choice.is_none() => out.notes.push(format!(
            "postgres: skipped, none available ({tried}); pass --postgres-url to include it"
        )),
        Err(error) => return Err(error.into()),
    }
    Ok(out)
}

/// Whether the providers are cheap enough to make while the directory is read: on a
/// server named by URL, one `CREATE DATABASE`, which the reading then hides. A container,
/// or a cluster of the machine's own binaries, takes seconds to start and as long to
/// stop: a directory that fails to read would make the user wait for both.
pub fn cheap_to_make(context: &Context, databases: &VerifyDatabases) -> bool {
    matches!(databases.backend, Some(BackendChoice::Sqlite))
        || postgres_sources(context, databases).url.is_some()
}

/// Where PostgreSQL may come from: `--postgres-url`, else a PostgreSQL `--database-url`,
/// else Docker or the machine's own binaries.
fn postgres_sources(context: &Context, databases: &VerifyDatabases) -> PostgresSources {
    let url = databases
        .postgres_url
        .clone()
        .or_else(|| match &context.settings.url {
            DatabaseUrl::Postgres(url) => Some(url.clone()),
            _ => None,
        });
    let mut sources = PostgresSources {
        url,
        ..PostgresSources::default()
    };
    if let Some(image) = &databases.postgres_image {
        sources.image = image.clone();
    }
    sources
}

/// The providers of `verify --mirror`.
pub struct MirrorProviders {
    pub sqlite: Box<dyn Provider>,
    /// PostgreSQL, or why there is none.
    pub postgres: Result<Box<dyn Provider>, String>,
}

/// `verify --mirror`: SQLite always, and PostgreSQL from the first source that works, or
/// why none did. A named URL that fails is a reason too: the SQLite half still runs.
pub fn mirror_providers(
    context: &Context,
    databases: &VerifyDatabases,
) -> anyhow::Result<MirrorProviders> {
    Ok(MirrorProviders {
        sqlite: Box::new(SqliteTemp::new()?),
        postgres: postgres_provider(&postgres_sources(context, databases))
            .map(|provider| provider as Box<dyn Provider>)
            .map_err(|error| format!("{error:#}")),
    })
}
