//! PostgreSQL in a Docker container: started from a local image (pulled only when it is
//! not here), reached on a loopback port, removed on drop and on Ctrl-C or SIGTERM.
//!
//! Through the testcontainers crate where it can talk to the engine (its wait strategy,
//! its clean-up), else through the `docker` command, which negotiates its API version
//! with any engine (`docker_cli`). `MIGRATE_DOCKER_CLIENT=testcontainers|cli` forces one.

use std::thread::sleep;
use std::time::{Duration, Instant};

use super::docker_cli::{CliContainer, engine_api_version, ensure_image};
use super::docker_crate::CrateContainer;
use super::error::ProvisionError;
use super::postgres_server::PostgresServer;
use super::scratch::{Provider, Scratch};
use crate::backend::{Dialect, PostgresBackend, VersionTable};

/// How long a container may take to accept connections (the official image runs initdb
/// first; a cold start here takes about 3 s).
pub(super) const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// The environment variable that picks the Docker client.
pub const CLIENT_VARIABLE: &str = "MIGRATE_DOCKER_CLIENT";

/// Which Docker client starts the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DockerClient {
    /// The testcontainers crate, else the `docker` command when the crate cannot start one.
    #[default]
    Auto,
    /// The testcontainers crate only.
    Testcontainers,
    /// The `docker` command only.
    Cli,
}

impl DockerClient {
    /// The client [`CLIENT_VARIABLE`] names (`auto` when unset).
    pub fn from_env() -> Result<Self, ProvisionError> {
        match std::env::var(CLIENT_VARIABLE).as_deref() {
            Err(_) | Ok("" | "auto") => Ok(Self::Auto),
            Ok("testcontainers") => Ok(Self::Testcontainers),
            Ok("cli") => Ok(Self::Cli),
            Ok(other) => Err(ProvisionError::docker_unavailable(format!(
                "{CLIENT_VARIABLE}={other:?} is not one of auto, testcontainers, cli"
            ))),
        }
    }
}

/// The running container, by the client that started it.
enum Container {
    Crate(Box<CrateContainer>),
    Cli(CliContainer),
}

/// A PostgreSQL container of its own; removed when this is dropped.
pub struct DockerPostgres {
    server: PostgresServer,
    image: String,
    container: Container,
    /// How the container was started, as `describe` says it.
    via: String,
}

impl DockerPostgres {
    /// Starts a container of `image` (`name[:tag]`, the tag defaulting to `latest` as
    /// in Docker) with the client [`CLIENT_VARIABLE`] picks, and waits until it accepts
    /// connections.
    pub fn start(image: &str) -> Result<Self, ProvisionError> {
        Self::start_with(image, DockerClient::from_env()?)
    }

    /// [`DockerPostgres::start`] through the given client.
    pub fn start_with(image: &str, client: DockerClient) -> Result<Self, ProvisionError> {
        let image = image_reference(image)?;
        let (container, url, via) = match client {
            DockerClient::Cli => start_cli(&image, None)?,
            DockerClient::Testcontainers => start_crate(&image)?,
            DockerClient::Auto => match start_crate(&image) {
                Ok(started) => started,
                Err(error) => start_cli(&image, Some(error.to_string()))?,
            },
        };
        let mut server = PostgresServer::new(&url, "docker");
        server.check()?;
        Ok(Self {
            server,
            image,
            container,
            via,
        })
    }

    /// The container's id, for `docker` commands.
    pub fn container_id(&self) -> &str {
        match &self.container {
            Container::Crate(container) => container.id(),
            Container::Cli(container) => &container.id,
        }
    }
}

fn start_crate(image: &str) -> Result<(Container, String, String), ProvisionError> {
    let container = CrateContainer::run(image)?;
    let url = wait_for_server(
        container.port(),
        || container.is_running(),
        || container.logs(),
    )?;
    Ok((
        Container::Crate(Box::new(container)),
        url,
        "testcontainers".into(),
    ))
}

/// The `docker` command; `crate_error` is why the crate did not start it, if it was tried.
fn start_cli(
    image: &str,
    crate_error: Option<String>,
) -> Result<(Container, String, String), ProvisionError> {
    ensure_image(image)?;
    let container = CliContainer::run(image)?;
    let url = wait_for_server(
        container.port()?,
        || container.is_running(),
        || container.logs(),
    )?;
    let api = engine_api_version().unwrap_or_else(|| "unknown".into());
    let via = match crate_error {
        None => format!("docker CLI, engine API {api}"),
        Some(error) => format!("docker CLI, engine API {api}; testcontainers failed: {error}"),
    };
    Ok((Container::Cli(container), url, via))
}

/// Polls until the server on `port` accepts a connection, and returns its URL: the official
/// image runs a server on a socket only while it initializes, so a TCP connection means
/// the real one is up.
fn wait_for_server(
    port: u16,
    is_running: impl Fn() -> bool,
    logs: impl Fn() -> String,
) -> Result<String, ProvisionError> {
    let url = format!("postgres://postgres:migrate@127.0.0.1:{port}/postgres?sslmode=disable");
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if PostgresBackend::connect(&url, VersionTable::default()).is_ok() {
            return Ok(url);
        }
        let stopped = !is_running();
        if stopped || Instant::now() > deadline {
            let why = if stopped { "exited" } else { "timed out" };
            return Err(ProvisionError::docker_failed(format!(
                "the container {why}:\n{}",
                logs()
            )));
        }
        sleep(Duration::from_millis(200));
    }
}

impl Provider for DockerPostgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn describe(&self) -> String {
        format!("postgres (docker {}, via {})", self.image, self.via)
    }

    fn create(&mut self, table: &VersionTable) -> Result<Scratch, ProvisionError> {
        self.server.create(table)
    }

    fn copy(
        &mut self,
        source: &mut Scratch,
        table: &VersionTable,
    ) -> Result<Scratch, ProvisionError> {
        self.server.copy(source, table)
    }

    fn database_cost(&self) -> Duration {
        self.server.database_cost()
    }
}

/// `name:tag` (`latest` when no tag is given, as Docker does), refusing what `docker`
/// would read as an option or split into two arguments.
pub fn image_reference(image: &str) -> Result<String, ProvisionError> {
    if image.is_empty() || image.starts_with('-') || image.contains(char::is_whitespace) {
        return Err(ProvisionError::docker_unavailable(format!(
            "{image:?} is not an image name"
        )));
    }
    // A colon after the last slash is the tag's; one before it is a registry's port.
    let name_start = image.rfind('/').map_or(0, |slash| slash + 1);
    let has_tag = image[name_start..].contains(':') || image.contains('@');
    Ok(if has_tag {
        image.to_owned()
    } else {
        format!("{image}:latest")
    })
}
