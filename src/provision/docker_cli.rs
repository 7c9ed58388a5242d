//! PostgreSQL in a container through the `docker` command line: the fallback for engines
//! the testcontainers crate cannot talk to, since the command negotiates its API version
//! with any engine.

use super::error::ProvisionError;
use super::interrupt::OnInterrupt;
use super::postgres_server::{SCRATCH_MEMORY, SCRATCH_PGDATA, SCRATCH_SERVER_COMMAND};
use std::process::Command;

/// Makes sure `image` is here, pulling it only when it is not: nothing goes to the
/// network for an image that is present.
pub(super) fn ensure_image(image: &str) -> Result<(), ProvisionError> {
    let inspect = docker(&["image", "inspect", "--format", "{{.Id}}", image]);
    match inspect {
        Ok(_) => Ok(()),
        Err(text) if text.contains("No such image") => docker(&["pull", "--quiet", image])
            .map(drop)
            .map_err(|text| {
                ProvisionError::docker_unavailable(format!(
                    "image {image} is not here and cannot be pulled ({}): build one from this \
                     machine's PostgreSQL with ci/build-postgres-image.sh and name it with \
                     --postgres-image or MIGRATE_POSTGRES_IMAGE",
                    first_line(&text)
                ))
            }),
        Err(text) => Err(ProvisionError::docker_unavailable(format!(
            "the engine does not answer: {}",
            first_line(&text)
        ))),
    }
}

/// A running container, force-removed (with its volumes) on drop.
pub(super) struct CliContainer {
    pub(super) id: String,
    _interrupt: OnInterrupt,
}

impl CliContainer {
    pub(super) fn run(image: &str) -> Result<Self, ProvisionError> {
        let memory = format!("--tmpfs={SCRATCH_MEMORY}");
        let pgdata = format!("--env=PGDATA={SCRATCH_PGDATA}");
        let mut args = vec![
            "run",
            "--detach",
            "--pull=never",
            "--label=org.migrate.scratch=true",
            // Published on loopback only, on a port Docker picks.
            "--publish=127.0.0.1::5432",
            // What the official image needs to start without a password of our choosing.
            "--env=POSTGRES_PASSWORD=migrate",
            "--env=POSTGRES_HOST_AUTH_METHOD=trust",
            &memory,
            &pgdata,
            image,
        ];
        args.extend(SCRATCH_SERVER_COMMAND);
        let id = docker(&args).map_err(|text| {
            ProvisionError::docker_failed(format!("docker run {image}: {}", first_line(&text)))
        })?;
        let id = id.trim().to_owned();
        let removed = id.clone();
        let interrupt = OnInterrupt::register(move || remove(&removed));
        Ok(Self {
            id,
            _interrupt: interrupt,
        })
    }

    /// The host port Docker published the server's 5432 on.
    pub(super) fn port(&self) -> Result<u16, ProvisionError> {
        let mapping = docker(&["port", &self.id, "5432/tcp"]).map_err(|text| {
            ProvisionError::docker_failed(format!("docker port: {}", first_line(&text)))
        })?;
        mapping
            .lines()
            .find_map(|line| line.rsplit_once(':')?.1.trim().parse::<u16>().ok())
            .ok_or_else(|| {
                ProvisionError::docker_failed(format!("docker port printed no port: {mapping}"))
            })
    }

    pub(super) fn is_running(&self) -> bool {
        let running = docker(&["inspect", "--format", "{{.State.Running}}", &self.id]);
        !running.is_ok_and(|state| state.trim() != "true")
    }

    pub(super) fn logs(&self) -> String {
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

impl Drop for CliContainer {
    fn drop(&mut self) {
        remove(&self.id);
    }
}

/// The engine's API version, as `docker version` reports it.
pub(super) fn engine_api_version() -> Option<String> {
    docker(&["version", "--format", "{{.Server.APIVersion}}"])
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

pub(super) fn remove(id: &str) {
    let _ = docker(&["rm", "--force", "--volumes", id]);
}

/// Runs `docker ARGS`: its stdout, or what went wrong (stderr, or why it did not run).
pub(super) fn docker(args: &[&str]) -> Result<String, String> {
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
