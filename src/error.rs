//! The library's top-level error: one variant per layer.

use crate::backend::{BackendError, UrlError};
use crate::engine::EngineError;
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
