//! PostgreSQL in a container through the testcontainers crate, whose client (bollard) talks
//! to the engine's API directly: the crate pulls what is missing, waits for the server's
//! "ready" line, and removes the container when it is dropped.

use testcontainers::core::{IntoContainerPort, Mount, WaitFor};
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, GenericImage, ImageExt};

use super::docker_cli::remove;
use super::error::ProvisionError;
use super::interrupt::OnInterrupt;
use super::postgres_server::{SCRATCH_MEMORY, SCRATCH_PGDATA, SCRATCH_SERVER_COMMAND};

/// A running container, removed by the crate on drop, and by the `docker` command on Ctrl-C
/// or SIGTERM (the signal handler cannot reach the crate's client).
pub(super) struct CrateContainer {
    container: Container<GenericImage>,
    port: u16,
    _interrupt: OnInterrupt,
}

impl CrateContainer {
    /// Starts `image` (`name:tag`) and waits until its server says it is ready.
    pub(super) fn run(image: &str) -> Result<Self, ProvisionError> {
        let (name, tag) = image
            .rsplit_once(':')
            .filter(|(_, tag)| !tag.contains('/'))
            .ok_or_else(|| {
                ProvisionError::docker_failed(format!("{image}: testcontainers needs name:tag"))
            })?;
        let container = GenericImage::new(name, tag)
            .with_exposed_port(5432.tcp())
            .with_wait_for(WaitFor::message_on_stderr("ready to accept connections"))
            .with_label("org.migrate.scratch", "true")
            .with_env_var("POSTGRES_PASSWORD", "migrate")
            .with_env_var("POSTGRES_HOST_AUTH_METHOD", "trust")
            .with_mount(Mount::tmpfs_mount(SCRATCH_MEMORY))
            .with_env_var("PGDATA", SCRATCH_PGDATA)
            .with_cmd(SCRATCH_SERVER_COMMAND)
            .start()
            .map_err(|error| ProvisionError::docker_failed(format!("testcontainers: {error}")))?;
        let removed = container.id().to_owned();
        let interrupt = OnInterrupt::register(move || remove(&removed));
        let port = container.get_host_port_ipv4(5432).map_err(|error| {
            ProvisionError::docker_failed(format!("testcontainers: no port for 5432: {error}"))
        })?;
        Ok(Self {
            container,
            port,
            _interrupt: interrupt,
        })
    }

    pub(super) fn id(&self) -> &str {
        self.container.id()
    }

    pub(super) fn port(&self) -> u16 {
        self.port
    }

    pub(super) fn is_running(&self) -> bool {
        self.container.is_running().unwrap_or(false)
    }

    /// The server's last lines, for a container that would not start.
    pub(super) fn logs(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.container.stdout_to_vec().unwrap_or_default())
            .into_owned();
        text.push_str(&String::from_utf8_lossy(
            &self.container.stderr_to_vec().unwrap_or_default(),
        ));
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}
