//! Each PostgreSQL source makes a scratch database, runs a step through the Backend trait,
//! introspects it and cleans up after itself; select falls through in order.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use super::*;
use crate::backend::test_rows::script_row;
use crate::backend::{Record, StepWork, VersionTable};
use crate::core::Script;
use crate::schema::IntrospectOptions;

/// Set to `1` (as CI does) to make an unavailable PostgreSQL source fail the tests instead
/// of skipping them.
const REQUIRE_VARIABLE: &str = "MIGRATE_REQUIRE_POSTGRES";

/// The one guard for sources this machine may lack: the provider, or `None` after a loud
/// notice on stderr.
///
/// # Panics
/// When the source is unavailable and [`REQUIRE_VARIABLE`] is `1`.
pub(super) fn available<T>(test: &str, provider: Result<T, ProvisionError>) -> Option<T> {
    match provider {
        Ok(provider) => Some(provider),
        Err(error) if std::env::var(REQUIRE_VARIABLE).as_deref() == Ok("1") => {
            panic!("{test}: {REQUIRE_VARIABLE}=1 but: {error}")
        }
        Err(error) => {
            // Straight to stderr, not eprintln!, which the harness captures: a skip nobody
            // sees is a pass nobody earned.
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {error}");
            None
        }
    }
}

/// Creates a scratch database, applies one revision through the Backend trait, checks
/// that introspection sees it, and drops the database.
fn round_trip(provider: &mut dyn Provider) {
    let table = VersionTable::default();
    let mut scratch = provider.create(&table).expect("a scratch database");
    let backend = scratch.backend();
    backend.ensure_version_table().unwrap();
    let script = Script::new(
        "migrations/1_trips/up.sql",
        "CREATE TABLE trips (id int PRIMARY KEY);",
    )
    .unwrap();
    let row = script_row("1", &script);
    backend
        .run_step(StepWork {
            script: Some(&script),
            record: Record::Insert(&row),
        })
        .unwrap();
    assert_eq!(backend.applied().unwrap().len(), 1);
    let schema = backend.introspect(&IntrospectOptions::default()).unwrap();
    let names: Vec<&str> = schema.tables.keys().map(|key| &*key.name).collect();
    assert_eq!(names, ["trips"], "{}", provider_name(provider));
}

fn provider_name(provider: &dyn Provider) -> String {
    provider.describe()
}

#[test]
fn a_server_url_gives_scratch_databases_on_it() {
    let url = std::env::var("MIGRATE_TEST_POSTGRES_URL")
        .map_err(|_| ProvisionError::Unavailable {
            what: "a server URL".into(),
            reason: "MIGRATE_TEST_POSTGRES_URL is not set".into(),
        })
        .and_then(|url| {
            let sources = PostgresSources {
                url: Some(url),
                ..PostgresSources::default()
            };
            postgres_provider(&sources)
        });
    let Some(mut provider) = available("server URL", url) else {
        return;
    };
    assert!(
        provider.describe().starts_with("postgres (URL "),
        "{}",
        provider.describe()
    );
    // Measured when the provider made its first database, not the guess for a server
    // not asked yet (what `verify --jobs auto` weighs a split against).
    let cost = provider.database_cost();
    assert!(
        cost > Duration::ZERO && cost != super::postgres_server::UNMEASURED_DATABASE_COST,
        "{cost:?}"
    );
    round_trip(provider.as_mut());
}

/// How many of the databases `names` exist on the server at `url`.
fn existing(url: &str, names: &[String]) -> i64 {
    let mut client = crate::backend::PostgresBackend::connect_session(url).unwrap();
    client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = ANY($1)",
            &[&names],
        )
        .unwrap()
        .get(0)
}

#[test]
fn databases_made_beside_the_first_serve_the_next_creates_and_the_rest_are_dropped() {
    let url = std::env::var("MIGRATE_TEST_POSTGRES_URL").map_err(|_| ProvisionError::Unavailable {
        what: "a server URL".into(),
        reason: "MIGRATE_TEST_POSTGRES_URL is not set".into(),
    });
    let Some(url) = available("spare databases", url) else {
        return;
    };
    let mut server = PostgresServer::new(&url, "URL");
    server.check_making_spares(|| 2).unwrap();
    let names: Vec<String> = server.spares.iter().map(|made| made.name.clone()).collect();
    assert_eq!(names.len(), 3, "the first database and two spares");
    assert_eq!(existing(&url, &names), 3);
    let taken = server.create(&VersionTable::default()).unwrap();
    assert!(
        names.iter().any(|name| name == taken.location()),
        "{}",
        taken.location()
    );
    // The split took one shard: the other two are let go, the kept one stays spare.
    server.release_spares(1);
    assert_eq!(server.spares.len(), 1);
    drop(server);
    assert_eq!(
        existing(&url, &names),
        1,
        "only the database in use is left"
    );
    drop(taken);
    assert_eq!(existing(&url, &names), 0);
}

/// Starts a container through `client`, checks it serves, and that dropping it removes it.
fn container_round_trip(test: &str, client: DockerClient, described_as: &str) {
    let started = DockerPostgres::start_with(&default_image(), client);
    let Some(mut provider) = available(test, started) else {
        return;
    };
    let description = provider.describe();
    assert!(
        description.starts_with("postgres (docker "),
        "{description}"
    );
    assert!(description.contains(described_as), "{description}");
    round_trip(&mut provider);
    let id = provider.container_id().to_owned();
    // The cluster is in memory: a tmpfs (named by `--tmpfs`, or a mount of the crate's)
    // holding PGDATA.
    let configured = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{json .HostConfig.Tmpfs}} {{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}{{json .Config.Env}}",
            &id,
        ])
        .output()
        .unwrap();
    let configured = String::from_utf8_lossy(&configured.stdout);
    let memory = super::postgres_server::SCRATCH_MEMORY;
    assert!(
        configured.contains(&format!("\"{memory}\""))
            || configured.contains(&format!("tmpfs:{memory} ")),
        "{configured}"
    );
    let pgdata = format!("PGDATA={}", super::postgres_server::SCRATCH_PGDATA);
    assert!(configured.contains(&pgdata), "{configured}");
    drop(provider);
    let inspect = Command::new("docker")
        .args(["inspect", &id])
        .output()
        .unwrap();
    assert!(!inspect.status.success(), "container {id} is still there");
}

#[test]
fn the_testcontainers_crate_runs_a_container_and_removes_it() {
    container_round_trip(
        "the testcontainers crate",
        DockerClient::Testcontainers,
        "via testcontainers",
    );
}

#[test]
fn the_docker_command_runs_a_container_and_removes_it() {
    container_round_trip(
        "the docker command",
        DockerClient::Cli,
        "via docker CLI, engine API ",
    );
}

#[test]
fn auto_picks_a_client_that_works() {
    container_round_trip("docker (auto)", DockerClient::Auto, "via ");
}

#[test]
fn local_binaries_run_a_cluster_and_remove_its_dir() {
    let Some(mut provider) = available("local binaries", LocalPostgres::start(None)) else {
        return;
    };
    assert!(
        provider
            .describe()
            .starts_with("postgres (local binaries /")
    );
    round_trip(&mut provider);
    let dir = provider.dir().to_path_buf();
    assert!(dir.join("data").is_dir());
    if let Some(memory) = super::memory_dir::cluster_parent() {
        assert!(
            dir.starts_with(&memory),
            "{} is not in {}",
            dir.display(),
            memory.display()
        );
    }
    drop(provider);
    assert!(!dir.exists(), "{} is still there", dir.display());
}

#[test]
fn an_interrupt_stops_the_local_cluster_and_removes_its_dir() {
    let Some(provider) = available("local binaries", LocalPostgres::start(None)) else {
        return;
    };
    let dir = provider.dir().to_path_buf();
    // What the Ctrl-C handler runs, without exiting the test process.
    provider.interrupt().run_now();
    assert!(!dir.exists(), "{} is still there", dir.display());
}

/// A source made unavailable by configuration, not by what this machine lacks.
fn missing_image() -> String {
    "migrate-no-such-image:none".to_owned()
}

#[test]
fn select_falls_through_to_the_local_binaries() {
    let sources = PostgresSources {
        image: missing_image(),
        ..PostgresSources::default()
    };
    let Some(mut provider) = available("local binaries", postgres_provider(&sources)) else {
        return;
    };
    assert!(
        provider.describe().starts_with("postgres (local binaries "),
        "{}",
        provider.describe()
    );
    round_trip(provider.as_mut());
}

#[test]
fn with_no_source_the_error_lists_what_was_tried() {
    let sources = PostgresSources {
        image: missing_image(),
        bindir: Some(PathBuf::from("/nonexistent/postgresql/bin")),
        ..PostgresSources::default()
    };
    let Err(error) = postgres_provider(&sources) else {
        panic!("a provider without any source");
    };
    let text = error.to_string();
    assert!(matches!(error, ProvisionError::NoPostgres { .. }), "{text}");
    for expected in [
        "--postgres-url: not given",
        "docker migrate-no-such-image:none: ",
        "local binaries: no initdb and pg_ctl in /nonexistent/postgresql/bin",
        "help: ",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn a_named_url_that_fails_is_an_error_not_a_fallback() {
    let sources = PostgresSources {
        url: Some("postgres://nobody@127.0.0.1:1/postgres?connect_timeout=2".into()),
        ..PostgresSources::default()
    };
    let result = postgres_provider(&sources);
    assert!(
        matches!(result, Err(ProvisionError::Backend(_))),
        "{:?}",
        result.err()
    );
}

#[test]
fn image_references_get_a_tag_and_refuse_options() {
    assert_eq!(image_reference("postgres").unwrap(), "postgres:latest");
    assert_eq!(
        image_reference("postgres:16-alpine").unwrap(),
        "postgres:16-alpine"
    );
    assert_eq!(
        image_reference("localhost:5000/pg").unwrap(),
        "localhost:5000/pg:latest"
    );
    assert!(image_reference("--privileged").is_err());
    assert!(image_reference("").is_err());
}
