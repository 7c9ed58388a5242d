//! Tests of `sslmode` against a real server that accepts TLS (`PG_TLS=1
//! ci/start-postgres.sh`); skipped loudly when the test server does not.

use crate::backend::postgres::tests::support::TestDb;
use crate::backend::{PostgresBackend, VersionTable};

/// The test server's CA and server certificate files, as it reports them.
struct TlsFiles {
    ca: String,
    server_cert: String,
}

fn tls_files(db: &TestDb, test: &str) -> Option<TlsFiles> {
    let row = db
        .client()
        .query_one(
            "SELECT current_setting('ssl'), current_setting('ssl_ca_file'), \
                    current_setting('ssl_cert_file')",
            &[],
        )
        .unwrap();
    let (ssl, ca, server_cert): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    if ssl != "on" || ca.is_empty() {
        eprintln!(
            "SKIPPED {test}: the test server does not accept TLS; start it with \
             PG_TLS=1 ci/start-postgres.sh"
        );
        return None;
    }
    Some(TlsFiles { ca, server_cert })
}

fn connect(url: &str) -> Result<PostgresBackend, String> {
    PostgresBackend::connect(url, VersionTable::default()).map_err(|error| error.to_string())
}

fn uses_tls(backend: &mut PostgresBackend) -> bool {
    let sql = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    backend.client_mut().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn each_sslmode_connects_as_libpq_would() {
    let test = "each_sslmode_connects_as_libpq_would";
    let Some(db) = TestDb::create(test) else {
        return;
    };
    let Some(files) = tls_files(&db, test) else {
        return;
    };
    let cases = [
        ("sslmode=disable".to_owned(), false),
        ("sslmode=allow".to_owned(), true),
        ("sslmode=prefer".to_owned(), true),
        ("sslmode=require".to_owned(), true),
        (format!("sslmode=verify-ca&sslrootcert={}", files.ca), true),
        (
            format!("sslmode=verify-full&sslrootcert={}", files.ca),
            true,
        ),
        // libpq: require with a root certificate verifies the chain.
        (format!("sslmode=require&sslrootcert={}", files.ca), true),
    ];
    for (params, encrypted) in cases {
        let mut backend = connect(&format!("{}?{params}", db.url)).unwrap();
        assert_eq!(uses_tls(&mut backend), encrypted, "{params}");
    }
    let mut default = connect(&db.url).unwrap();
    assert!(uses_tls(&mut default), "prefer is the default, as in libpq");
}

#[test]
fn verification_refuses_an_unknown_root_or_a_wrong_name() {
    let test = "verification_refuses_an_unknown_root_or_a_wrong_name";
    let Some(db) = TestDb::create(test) else {
        return;
    };
    let Some(files) = tls_files(&db, test) else {
        return;
    };
    // The server's own certificate is no CA: nothing chains to it.
    let wrong_root = format!(
        "{}?sslmode=verify-ca&sslrootcert={}",
        db.url, files.server_cert
    );
    let error = connect(&wrong_root).unwrap_err();
    assert!(error.contains("certificate"), "{error}");
    assert!(connect(&format!("{}?sslmode=require", db.url)).is_ok());

    // The name asked for is not the certificate's, though the address is right.
    let renamed = db.url.replacen("@127.0.0.1:", "@wrong.invalid:", 1);
    let params = format!("hostaddr=127.0.0.1&sslrootcert={}", files.ca);
    let error = connect(&format!("{renamed}?sslmode=verify-full&{params}")).unwrap_err();
    assert!(error.contains("not valid for name"), "{error}");
    assert!(connect(&format!("{renamed}?sslmode=verify-ca&{params}")).is_ok());
}

#[test]
fn verify_modes_need_a_root_certificate() {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    if home.is_some_and(|home| home.join(".postgresql/root.crt").exists()) {
        eprintln!("SKIPPED verify_modes_need_a_root_certificate: ~/.postgresql/root.crt exists");
        return;
    }
    // Refused before any connection is tried, so no server is needed.
    let error = connect("postgres://u:pw1234@127.0.0.1:1/db?sslmode=verify-full").unwrap_err();
    assert!(error.contains("sslrootcert"), "{error}");
    assert!(!error.contains("pw1234"), "{error}");
    let error =
        connect("postgres://u@127.0.0.1:1/db?sslmode=verify-ca&sslrootcert=/nonexistent.pem")
            .unwrap_err();
    assert!(error.contains("/nonexistent.pem"), "{error}");
}

#[test]
fn system_roots_load_and_do_not_trust_a_private_ca() {
    let test = "system_roots_load_and_do_not_trust_a_private_ca";
    let Some(db) = TestDb::create(test) else {
        return;
    };
    if tls_files(&db, test).is_none() {
        return;
    }
    // The test CA is in no system store, so the chain check must fail (and not the
    // loading of the roots).
    let error = connect(&format!("{}?sslrootcert=system", db.url)).unwrap_err();
    assert!(error.contains("certificate"), "{error}");
    assert!(!error.contains("no trusted root certificates"), "{error}");
}

#[test]
fn a_client_certificate_logs_in_where_the_server_asks_for_one() {
    let test = "a_client_certificate_logs_in_where_the_server_asks_for_one";
    let Some(db) = TestDb::create(test) else {
        return;
    };
    let Some(files) = tls_files(&db, test) else {
        return;
    };
    // ci/start-postgres.sh puts client.crt/client.key for role migrate_cert beside the CA,
    // and lets that role in by certificate only.
    let dir = std::path::Path::new(&files.ca).parent().unwrap();
    let (cert, key) = (dir.join("client.crt"), dir.join("client.key"));
    if !cert.exists() {
        panic!(
            "{test}: {} is missing; start the test server with PG_TLS=1 ci/start-postgres.sh",
            cert.display()
        );
    }
    db.client()
        .batch_execute(
            "DO $$ BEGIN CREATE ROLE migrate_cert LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        )
        .unwrap();
    let as_cert_user = db
        .url
        .replacen("postgres://postgres@", "postgres://migrate_cert@", 1);
    let verified = format!(
        "{as_cert_user}?sslmode=verify-full&sslrootcert={}",
        files.ca
    );
    let with_cert = format!(
        "{verified}&sslcert={}&sslkey={}",
        cert.display(),
        key.display()
    );
    let mut backend = connect(&with_cert).unwrap();
    let user: String = backend
        .client_mut()
        .query_one("SELECT current_user", &[])
        .unwrap()
        .get(0);
    assert_eq!(user, "migrate_cert");
    assert!(uses_tls(&mut backend));

    let error = connect(&verified).unwrap_err();
    assert!(
        error.contains("certificate"),
        "without one, the server refuses: {error}"
    );
    let error = connect(&format!(
        "{verified}&sslcert={}&sslkey={}",
        cert.display(),
        files.ca
    ))
    .unwrap_err();
    assert!(
        error.contains(&files.ca),
        "a key file holding no key is named: {error}"
    );
}
