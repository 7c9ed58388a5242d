//! Which backends `verify` runs on, and where their scratch databases come from.

use migrate::backend::DatabaseUrl;
use migrate::provision::{
    PostgresSources, Provider, ProvisionError, SqliteTemp, postgres_provider,
};

use super::args::{BackendChoice, VerifyDatabases};
use super::context::Context;

/// A provider per backend to run on, and notes on backends skipped because they are not
/// available (only when no backend was asked for by name).
#[derive(Default)]
pub struct Selection {
    pub providers: Vec<Box<dyn Provider + Send>>,
    pub notes: Vec<String>,
}

pub fn providers(context: &Context, databases: &VerifyDatabases) -> anyhow::Result<Selection> {
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
    match postgres_provider(&sources) {
        Ok(provider) => out.providers.push(provider),
        Err(ProvisionError::NoPostgres { tried }) if choice.is_none() => out.notes.push(format!(
            "postgres: skipped, none available ({tried}); pass --postgres-url to include it"
        )),
        Err(error) => return Err(error.into()),
    }
    Ok(out)
}
