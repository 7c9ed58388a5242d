//! Why no scratch database could be had.

use crate::backend::BackendError;

/// A failure to provide a scratch database.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("cannot make a scratch database with {provider}: {message}")]
    Create { provider: String, message: String },
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("no PostgreSQL for verify: {tried}")]
    NoPostgres { tried: String },
}
