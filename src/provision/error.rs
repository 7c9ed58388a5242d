//! Why no scratch database could be had.

use crate::backend::BackendError;

/// A failure to provide a scratch database.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("cannot make a scratch database with {provider}: {message}")]
    Create { provider: String, message: String },
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A source of PostgreSQL that is not there on this machine (no Docker, no image, no
    /// server binaries); [`postgres_provider`](super::postgres_provider) tries the next.
    #[error("{what} is not available: {reason}")]
    Unavailable { what: String, reason: String },
    /// Every source was tried; `tried` names each and why it failed, `; `-separated.
    #[error(
        "no PostgreSQL for verify; tried {tried}\nhelp: pass --postgres-url with a server \
         where this user may create databases, or build a local image with \
         ci/build-postgres-image.sh and pass --postgres-image (or set MIGRATE_POSTGRES_IMAGE), \
         or install PostgreSQL's server binaries"
    )]
    NoPostgres { tried: String },
}

impl ProvisionError {
    /// The fix, for the `help:` line, where there is one to give.
    pub fn help(&self) -> Option<String> {
        match self {
            Self::Backend(backend) => backend.help(),
            _ => None,
        }
    }

    /// Docker is not there, or cannot give the image.
    pub(crate) fn docker_unavailable(reason: String) -> Self {
        Self::Unavailable {
            what: "docker".into(),
            reason,
        }
    }

    /// A container that would not start or serve.
    pub(crate) fn docker_failed(message: String) -> Self {
        Self::Create {
            provider: "postgres (docker)".into(),
            message,
        }
    }
}
