//! PostgreSQL from the machine's own server binaries: a throwaway cluster in a temp dir
//! (in memory where the machine has room: see `memory_dir`),
//! on a free loopback port, stopped and removed on drop and on Ctrl-C.

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use super::error::ProvisionError;
use super::interrupt::OnInterrupt;
use super::memory_dir::cluster_parent;
use super::pg_bindir::find_bindir;
use super::postgres_server::PostgresServer;
use super::scratch::{Provider, Scratch};
use crate::backend::{Dialect, VersionTable};

/// The OS user that runs the server when migrate runs as root: initdb refuses root.
const SERVER_USER: &str = "postgres";

/// A cluster of its own, made from the local binaries; gone when this is dropped.
pub struct LocalPostgres {
    server: PostgresServer,
    cluster: Cluster,
    /// Held for its registration: dropping it forgets the Ctrl-C cleanup.
    _interrupt: OnInterrupt,
}

impl LocalPostgres {
    /// Starts a cluster with the binaries in `bindir`, or those
    /// [`find_bindir`](super::pg_bindir::find_bindir) finds.
    pub fn start(bindir: Option<&Path>) -> Result<Self, ProvisionError> {
        let bindir = find_bindir(bindir).map_err(unavailable)?;
        let cluster = Cluster::init(bindir)?;
        let stopper = cluster.clone();
        // Registered before the server starts, so an interrupt while it starts stops it too.
        let interrupt = OnInterrupt::register(move || stopper.stop());
        let started = cluster.start().and_then(|url| {
            let mut server = PostgresServer::new(&url, "local binaries");
            server.check().map(|()| server)
        });
        match started {
            Ok(server) => Ok(Self {
                server,
                cluster,
                _interrupt: interrupt,
            }),
            Err(error) => {
                // No `Self` to drop yet: a server that started but failed its check
                // would otherwise keep running.
                cluster.stop();
                Err(error)
            }
        }
    }

    /// The temp dir holding the cluster, its socket and its log.
    pub fn dir(&self) -> &Path {
        &self.cluster.dir
    }

    #[cfg(test)]
    pub(crate) fn interrupt(&self) -> &OnInterrupt {
        &self._interrupt
    }
}

impl Provider for LocalPostgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn describe(&self) -> String {
        format!(
            "postgres (local binaries {})",
            self.cluster.bindir.display()
        )
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

impl Drop for LocalPostgres {
    fn drop(&mut self) {
        self.cluster.stop();
    }
}

/// Where the cluster lives and who runs it: all that stopping it needs, cheap to hand to
/// the interrupt handler.
#[derive(Clone)]
struct Cluster {
    bindir: PathBuf,
    dir: PathBuf,
    /// The user to run the server as, when migrate runs as root.
    run_as: Option<&'static str>,
}

impl Cluster {
    /// Makes the temp dir, in memory where there is room (see `memory_dir`), and runs
    /// initdb in it.
    fn init(bindir: PathBuf) -> Result<Self, ProvisionError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("migrate-pg.");
        let made = match cluster_parent() {
            Some(parent) => builder.tempdir_in(parent).or_else(|_| builder.tempdir()),
            None => builder.tempdir(),
        };
        let dir = made
            .map_err(|error| failed(format!("cannot make a temp dir: {error}")))?
            .keep();
        let mut cluster = Self {
            bindir,
            dir,
            run_as: None,
        };
        if let Err(error) = cluster.initdb() {
            cluster.stop();
            return Err(error);
        }
        Ok(cluster)
    }

    fn initdb(&mut self) -> Result<(), ProvisionError> {
        let is_root = std::fs::metadata(&self.dir).is_ok_and(|meta| meta.uid() == 0);
        if is_root {
            self.run_as = Some(SERVER_USER);
            // The server's user must own its directory; chown(1) looks the user up.
            let chown = Command::new("chown")
                .arg(SERVER_USER)
                .arg(&self.dir)
                .output();
            if !chown.as_ref().is_ok_and(|output| output.status.success()) {
                return Err(unavailable(format!(
                    "running as root, and initdb refuses root, but there is no `{SERVER_USER}` \
                     user to run the server as: create one (useradd --system {SERVER_USER}) \
                     or run migrate as another user"
                )));
            }
        }
        let output = self
            .command("initdb")
            .arg("--pgdata")
            .arg(self.data())
            .args(["--username=postgres", "--auth=trust", "--encoding=UTF8"])
            // No locale files needed, and nothing synced: the cluster is thrown away.
            .args(["--no-locale", "--no-sync"])
            .output();
        checked(output, "initdb")
    }

    /// Starts the server on a free loopback port and returns its URL.
    fn start(&self) -> Result<String, ProvisionError> {
        let port = free_port()?;
        // Speed over durability: the cluster is thrown away.
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            self.dir.display()
        );
        let output = self
            .command("pg_ctl")
            .arg("--pgdata")
            .arg(self.data())
            .arg("--log")
            .arg(self.dir.join("server.log"))
            .args(["--wait", "--timeout=60", "--options", &options, "start"])
            .output();
        checked(output, "pg_ctl start").map_err(|error| {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            failed(format!("{error}\n{}", last_lines(&log, 10)))
        })?;
        Ok(format!(
            "postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
        ))
    }

    /// Stops the server at once (nothing in it is worth a clean shutdown) and removes the
    /// directory. Safe to call more than once.
    fn stop(&self) {
        if self.data().join("postmaster.pid").exists() {
            let _ = self
                .command("pg_ctl")
                .arg("--pgdata")
                .arg(self.data())
                .args(["--mode=immediate", "--wait", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        }
    }
}

/// A port nobody listens on now; the server binds it a moment later.
fn free_port() -> Result<u16, ProvisionError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|error| failed(format!("cannot find a free port: {error}")))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| failed(format!("cannot find a free port: {error}")))
}

fn checked(output: std::io::Result<Output>, what: &str) -> Result<(), ProvisionError> {
    match output {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stderr);
            Err(failed(format!(
                "{what} failed ({}): {}",
                output.status,
                last_lines(&text, 10)
            )))
        }
        Err(error) => Err(failed(format!("cannot run {what}: {error}"))),
    }
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

fn unavailable(reason: String) -> ProvisionError {
    ProvisionError::Unavailable {
        what: "local binaries".into(),
        reason,
    }
}

fn failed(message: String) -> ProvisionError {
    ProvisionError::Create {
        provider: "postgres (local binaries)".into(),
        message,
    }
}
