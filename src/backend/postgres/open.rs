//! Opening a PostgreSQL backend: connecting to a URL (TLS as libpq's `sslmode` says, the
//! session's settings), or adopting an application's connection; either way, what the
//! target is called in messages and which advisory lock key guards its migrations.

use postgres::{Client, NoTls};

use super::backend::PostgresBackend;
use super::connect_url::{ConnectUrl, scrub};
use super::dump::DumpSource;
use super::error::{database, message};
use super::introspect::CatalogStatements;
use super::lock::lock_key;
use super::options::PostgresOptions;
use super::read_ahead::ReadAhead;
use super::setup::{DEFAULT_SCHEMA, Present, bind_presence, presence_columns, presence_parameters};
use super::staged::StagedRecords;
use super::tls_connect::make_connector;
use crate::backend::error::BackendError;
use crate::backend::version_table::VersionTable;

/// The `application_name` the session shows in `pg_stat_activity`, unless the URL sets one,
/// so a lock-timeout message elsewhere can say who holds the lock.
const APPLICATION_NAME: &str = "migrate";

impl PostgresBackend {
    /// Connects to a `postgres://` or `postgresql://` URL. Its query takes libpq's
    /// parameters as the driver reads them (`application_name`, `connect_timeout`,
    /// `options`, `hostaddr`, …) plus `sslmode` (`disable`, `allow`, `prefer` (the
    /// default), `require`, `verify-ca`, `verify-full`) and `sslrootcert`, as libpq reads
    /// them. The session's `application_name` is `migrate` unless the URL sets one.
    pub fn connect(url: &str, table: VersionTable) -> Result<Self, BackendError> {
        Self::connect_with(url, table, &PostgresOptions::default())
    }

    /// Connects to a URL and applies `options` to the session.
    pub fn connect_with(
        url: &str,
        table: VersionTable,
        options: &PostgresOptions,
    ) -> Result<Self, BackendError> {
        let Session {
            mut client,
            target,
            password,
        } = Session::open(url)?;
        options
            .apply(&mut client)
            .map_err(|error| BackendError::Connect {
                target: target.clone(),
                message: scrub(&message(&error), password.as_deref()),
            })?;
        let mut backend = Self::new(client, table, Some(target))?;
        backend.options = *options;
        backend.dump = DumpSource::new(url, password.as_deref());
        Ok(backend)
    }

    /// A session on a URL, connected as [`Self::connect`] connects (TLS, password,
    /// `application_name`) but with no question asked of the server: for work outside
    /// any database's migrations, such as making and dropping scratch databases, where
    /// the round trip that names the database and its lock would be wasted.
    pub fn connect_session(url: &str) -> Result<Client, BackendError> {
        Ok(Session::open(url)?.client)
    }

    /// Migrates through a connection the application already holds; its session settings
    /// are left as they are. A backup made through it reaches the server as the connection
    /// describes it (user, host, port, database), with the password from the environment
    /// or `~/.pgpass`, as `pg_dump` finds them.
    pub fn from_client(client: Client, table: VersionTable) -> Result<Self, BackendError> {
        Self::new(client, table, None)
    }

    fn new(
        mut client: Client,
        mut table: VersionTable,
        target: Option<String>,
    ) -> Result<Self, BackendError> {
        let schema = table
            .schema
            .get_or_insert_with(|| DEFAULT_SCHEMA.to_owned())
            .clone();
        // What exists of the bookkeeping comes in the same message: a no-op run asks
        // nothing else before its rows (see `read_ahead`).
        let parameters = presence_parameters(&table);
        let row = client
            .query_typed_one(
                &format!(
                    "SELECT current_database(), current_user, \
                            coalesce(host(inet_server_addr()), '<local socket>'), \
                            coalesce(inet_server_port(), 5432), {}",
                    presence_columns(1)
                ),
                &bind_presence(&parameters),
            )
            .map_err(|error| database(&error))?;
        let present = Present::from_row(&row, 4).map_err(|error| database(&error))?;
        let column = |index: usize| -> Result<String, BackendError> {
            row.try_get(index).map_err(|error| database(&error))
        };
        let database_name = column(0)?;
        let target = match target {
            Some(target) => target,
            None => {
                let port: i32 = row.try_get(3).map_err(|error| database(&error))?;
                format!(
                    "postgres://{}@{}:{port}/{database_name}",
                    column(1)?,
                    column(2)?
                )
            }
        };
        let lock_key = lock_key(&database_name, &schema, &table.name);
        Ok(Self {
            dump: DumpSource::new(&target, None),
            client,
            table,
            progress: None,
            target,
            lock_key,
            locked: false,
            tables_known: false,
            catalog: CatalogStatements::default(),
            watch: None,
            staged: StagedRecords::default(),
            held: None,
            ahead: ReadAhead::default(),
            present_at_open: Some(present),
            options: PostgresOptions::default(),
            database: database_name,
        })
    }
}

/// A connected session, with what messages and backups need of its URL.
struct Session {
    client: Client,
    target: String,
    password: Option<Vec<u8>>,
}

impl Session {
    fn open(url: &str) -> Result<Self, BackendError> {
        let ConnectUrl {
            mut config,
            target,
            tls,
        } = ConnectUrl::parse(url)?;
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        let password = config.get_password().map(<[u8]>::to_vec);
        let connect_error = |text: String| BackendError::Connect {
            target: target.clone(),
            message: scrub(&text, config.get_password()),
        };
        let connected = match make_connector(&tls).map_err(connect_error)? {
            None => config.connect(NoTls),
            Some(connector) => config.connect(connector),
        };
        let client = connected.map_err(|error| connect_error(message(&error)))?;
        Ok(Self {
            client,
            target,
            password,
        })
    }
}
