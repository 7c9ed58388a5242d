//! Which PostgreSQL verify uses, in order: a server URL, Docker, the machine's own
//! PostgreSQL binaries. The provider's `describe()` says which.

use std::path::PathBuf;

use super::docker::DockerPostgres;
use super::error::ProvisionError;
use super::local_postgres::LocalPostgres;
use super::postgres_server::PostgresServer;
use super::scratch::Provider;

/// The image for the Docker path when neither the caller nor [`IMAGE_VARIABLE`] names one.
pub const DEFAULT_IMAGE: &str = "postgres:16-alpine";

/// Names the default image, for machines without a registry (CI builds one with
/// ci/build-postgres-image.sh).
pub const IMAGE_VARIABLE: &str = "MIGRATE_POSTGRES_IMAGE";

/// Where PostgreSQL may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresSources {
    /// A server verify may create and drop databases on. When given, it is the only source.
    pub url: Option<String>,
    /// The image for the Docker path, `name[:tag]`.
    pub image: String,
    /// Whether to try Docker when no URL is given.
    pub docker: bool,
    /// Whether to try the machine's own PostgreSQL binaries when Docker fails.
    pub local_binaries: bool,
    /// Where the local server binaries are; `None` searches `$PG_BINDIR`, the newest
    /// `/usr/lib/postgresql/*/bin`, then `pg_config --bindir`.
    pub bindir: Option<PathBuf>,
}

impl Default for PostgresSources {
    fn default() -> Self {
        Self {
            url: None,
            image: default_image(),
            docker: true,
            local_binaries: true,
            bindir: None,
        }
    }
}

/// `$MIGRATE_POSTGRES_IMAGE` when set and not empty, else [`DEFAULT_IMAGE`].
pub fn default_image() -> String {
    std::env::var(IMAGE_VARIABLE)
        .ok()
        .filter(|image| !image.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_IMAGE.to_owned())
}

/// The first source that works, or [`ProvisionError::NoPostgres`] listing each source
/// and why it failed. Each is `Send`, so that `verify --jobs` can share it between threads.
pub fn postgres_provider(
    sources: &PostgresSources,
) -> Result<Box<dyn Provider + Send>, ProvisionError> {
    postgres_provider_making_spares(sources, || 0)
}

/// [`postgres_provider`]; on a server named by URL, with as many databases made beside the
/// first as `wanted` says, for the shards to come (see `spares.rs`). A container or a
/// cluster of the machine's own binaries takes seconds to start: its shards make their own.
pub fn postgres_provider_making_spares(
    sources: &PostgresSources,
    wanted: impl FnOnce() -> usize + Send,
) -> Result<Box<dyn Provider + Send>, ProvisionError> {
    if let Some(url) = &sources.url {
        let mut server = PostgresServer::new(url, "URL");
        // A URL the user named that does not work is their error, not a reason to
        // quietly use something else.
        server.check_making_spares(wanted)?;
        return Ok(Box::new(server));
    }
    let mut tried = vec!["--postgres-url: not given".to_owned()];
    if sources.docker {
        match DockerPostgres::start(&sources.image) {
            Ok(provider) => return Ok(Box::new(provider)),
            Err(error) => tried.push(format!("docker {}: {}", sources.image, reason(&error))),
        }
    } else {
        tried.push("docker: turned off".to_owned());
    }
    if sources.local_binaries {
        match LocalPostgres::start(sources.bindir.as_deref()) {
            Ok(provider) => return Ok(Box::new(provider)),
            Err(error) => tried.push(format!("local binaries: {}", reason(&error))),
        }
    } else {
        tried.push("local binaries: turned off".to_owned());
    }
    Err(ProvisionError::NoPostgres {
        tried: tried.join("; "),
    })
}

/// Why a source failed, without repeating its name.
fn reason(error: &ProvisionError) -> String {
    match error {
        ProvisionError::Unavailable { reason, .. } => reason.clone(),
        ProvisionError::Create { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
