//! The error of the app-facing start-up calls: one variant per layer below, so an
//! application matches on what failed. Re-exported as `migrate::Error`.

use super::error::EngineError;
use crate::backend::{BackendError, UrlError};
use crate::source::SourceError;

/// Anything that can stop a migration run started from the app-facing API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}
