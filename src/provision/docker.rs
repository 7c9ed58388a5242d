//! PostgreSQL in a Docker container: started from a local image (pulled only when it is
//! not here), reached on a loopback port, removed on drop and on Ctrl-C.
//!
//! Through the `docker` command rather than the testcontainers crate: testcontainers-rs
//! talks to the engine through bollard at a fixed API version (1.53 in 0.28, 1.44 and up
//! since 0.16) without negotiating, and an engine older than that (Debian 12's 20.10
//! speaks 1.41) refuses every request; the command negotiates with any engine.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::error::ProvisionError;
use super::interrupt::OnInterrupt;
use super::postgres_server::PostgresServer;
use super::scratch::{Provider, Scratch};
use crate::backend::{Dialect, PostgresBackend, VersionTable};

/// How long a container may take to accept connections (the official image runs initdb
/// first; a cold start here takes about 3 s).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// A PostgreSQL container of its own; removed when this is dropped.
pub struct DockerPostgres {
    server: PostgresServer,
    image: String,
    container: Container,
}

impl DockerPostgres {
    /// Starts a container of `image` (`name[:tag]`, the tag defaulting to `latest` as
    /// in Docker) and waits until it accepts connections.
    pub fn start(image: &str) -> Result<Self, ProvisionError> {
        let image = image_reference(image)?;
        let image = image.as_str();
        ensure_image(image)?;
        let container = Container::run(image)?;
        let url = container.wait_until_ready()?;
        let mut server = PostgresServer::new(&url, "docker");
        server.check()?;
        Ok(Self {
            server,
            image: image.to_owned(),
            container,
        })
    }

    /// The container's id, for `docker` commands.
    pub fn container_id(&self) -> &str {
        &self.container.id
    }
}

impl Provider for DockerPostgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn describe(&self) -> String {
        format!("postgres (docker {})", self.image)
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
}

/// `name:tag` (`latest` when no tag is given, as Docker does), refusing what `docker`
/// would read as an option or split into two arguments.
pub fn image_reference(image: &str) -> Result<String, ProvisionError> {
    if image.is_empty() || image.starts_with('-') || image.contains(char::is_whitespace) {
        return Err(unavailable(format!("{image:?} is not an image name")));
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

/// Makes sure `image` is here, pulling it only when it is not: nothing goes to the
/// network for an image that is present.
fn ensure_image(image: &str) -> Result<(), ProvisionError> {
    let inspect = docker(&["image", "inspect", "--format", "{{.Id}}", image]);
    match inspect {
        Ok(_) => Ok(()),
        Err(text) if text.contains("No such image") => docker(&["pull", "--quiet", image])
            .map(drop)
            .map_err(|text| {
                unavailable(format!(
                    "image {image} is not here and cannot be pulled ({}): build one from this \
                     machine's PostgreSQL with ci/build-postgres-image.sh and name it with \
                     --postgres-image or MIGRATE_POSTGRES_IMAGE",
                    first_line(&text)
                ))
            }),
        Err(text) => Err(unavailable(format!(
            "the engine does not answer: {}",
            first_line(&text)
        ))),
    }
}

/// A running container, force-removed (with its volumes) on drop.
struct Container {
    id: String,
    _interrupt: OnInterrupt,
}

impl Container {
    fn run(image: &str) -> Result<Self, ProvisionError> {
        let id = docker(&[
            "run",
            "--detach",
            "--pull=never",
            "--label=org.migrate.scratch=true",
            // Published on loopback only, on a port Docker picks.
            "--publish=127.0.0.1::5432",
            // What the official image needs to start without a password of our choosing.
            "--env=POSTGRES_PASSWORD=migrate",
            "--env=POSTGRES_HOST_AUTH_METHOD=trust",
            image,
            "postgres",
            // Speed over durability: the server is thrown away.
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200",
        ])
        .map_err(|text| failed(format!("docker run {image}: {}", first_line(&text))))?;
        let id = id.trim().to_owned();
        let removed = id.clone();
        let interrupt = OnInterrupt::register(move || remove(&removed));
        Ok(Self {
            id,
            _interrupt: interrupt,
        })
    }

    /// Polls until the server accepts a connection: the official image runs a server on
    /// a socket only while it initializes, so a TCP connection means the real one is up.
    fn wait_until_ready(&self) -> Result<String, ProvisionError> {
        let mapping = docker(&["port", &self.id, "5432/tcp"])
            .map_err(|text| failed(format!("docker port: {}", first_line(&text))))?;
        let port = mapping
            .lines()
            .find_map(|line| line.rsplit_once(':')?.1.trim().parse::<u16>().ok())
            .ok_or_else(|| failed(format!("docker port printed no port: {mapping}")))?;
        let url = format!("postgres://postgres:migrate@127.0.0.1:{port}/postgres?sslmode=disable");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if PostgresBackend::connect(&url, VersionTable::default()).is_ok() {
                return Ok(url);
            }
            let running = docker(&["inspect", "--format", "{{.State.Running}}", &self.id]);
            let stopped = running.is_ok_and(|state| state.trim() != "true");
            if stopped || Instant::now() > deadline {
                let why = if stopped { "exited" } else { "timed out" };
                return Err(failed(format!("the container {why}:\n{}", self.logs())));
            }
            sleep(Duration::from_millis(200));
        }
    }

    fn logs(&self) -> String {
        let output = Command::new("docker")
            .args(["logs", "--tail", "15", &self.id])
            .output();
        output.map_or_else(
            |error| error.to_string(),
            |output| {
                // The server logs to stderr, initdb to stdout.
                let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
                text.push_str(&String::from_utf8_lossy(&output.stderr));
                text
            },
        )
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        remove(&self.id);
    }
}

fn remove(id: &str) {
    let _ = docker(&["rm", "--force", "--volumes", id]);
}

/// Runs `docker ARGS`: its stdout, or what went wrong (stderr, or why it did not run).
fn docker(args: &[&str]) -> Result<String, String> {
    let output = Command::new("docker")
        .args(args)
        .output()
        .map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                "no `docker` command on PATH".to_owned()
            } else {
                format!("cannot run docker: {error}")
            }
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn first_line(text: &str) -> &str {
    let text = text.trim();
    text.lines()
        .next()
        .unwrap_or(text)
        .trim_start_matches("Error: ")
}

fn unavailable(reason: String) -> ProvisionError {
    ProvisionError::Unavailable {
        what: "docker".into(),
        reason,
    }
}

fn failed(message: String) -> ProvisionError {
    ProvisionError::Create {
        provider: "postgres (docker)".into(),
        message,
    }
}
