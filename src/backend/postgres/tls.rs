//! TLS for PostgreSQL connections: libpq's `sslmode`, `sslrootcert`, `sslcert` and `sslkey`
//! URL parameters, read here because the driver knows neither `verify-ca`/`verify-full`,
//! root certificates nor client certificates.

use std::path::PathBuf;
use std::str::FromStr;

use postgres::config::SslMode as DriverMode;

/// How hard a connection insists on TLS, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// Plain TCP only.
    Disable,
    /// TLS when the server offers it, unverified; plain otherwise. libpq's default. (libpq's
    /// `allow`, plain first and TLS when the server insists, is read as this.)
    #[default]
    Prefer,
    /// TLS or nothing, unverified unless a root certificate is given (then as `VerifyCa`).
    Require,
    /// TLS with a certificate chain to a trusted root, whatever name it is for.
    VerifyCa,
    /// TLS with a trusted chain for the host connected to.
    VerifyFull,
}

impl FromStr for SslMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "disable" => Ok(Self::Disable),
            "allow" | "prefer" => Ok(Self::Prefer),
            "require" => Ok(Self::Require),
            "verify-ca" => Ok(Self::VerifyCa),
            "verify-full" => Ok(Self::VerifyFull),
            _ => Err(format!(
                "sslmode {text:?} is not one of disable, allow, prefer, require, verify-ca, verify-full"
            )),
        }
    }
}

/// Where the trusted root certificates come from (`sslrootcert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// A PEM file of one or more certificates.
    File(PathBuf),
    /// `sslrootcert=system`: the operating system's trusted roots, for servers with a
    /// certificate from a public CA (as many managed databases have).
    System,
}

/// A client certificate and its private key, both PEM files, for a server that
/// authenticates clients by certificate (`cert` in `pg_hba.conf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    /// `sslcert`: the certificate (and any intermediates), for the role logging in.
    pub cert: PathBuf,
    /// `sslkey`: its private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// The URL's TLS parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// `sslrootcert`. libpq's default is `~/.postgresql/root.crt`, used when it exists.
    pub root_cert: Option<RootCerts>,
    /// `sslcert`; libpq's default is `~/.postgresql/postgresql.crt`, used when it exists.
    pub client_cert: Option<PathBuf>,
    /// `sslkey`; libpq's default is `~/.postgresql/postgresql.key`.
    pub client_key: Option<PathBuf>,
}

impl TlsSettings {
    /// Takes `sslmode`, `sslrootcert`, `sslcert` and `sslkey` out of a URL's query, leaving the rest (for the
    /// driver, which would refuse them).
    pub fn split_from(url: &str) -> Result<(String, Self), String> {
        let mut settings = Self::default();
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_owned(), settings));
        };
        let mut kept = Vec::new();
        let mut mode = None;
        for param in query.split('&') {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            let value = percent_decode(value);
            match key {
                "sslmode" => mode = Some(value.parse()?),
                "sslrootcert" if value == "system" => settings.root_cert = Some(RootCerts::System),
                "sslrootcert" => settings.root_cert = Some(RootCerts::File(value.into())),
                "sslcert" => settings.client_cert = Some(value.into()),
                "sslkey" => settings.client_key = Some(value.into()),
                _ => kept.push(param),
            }
        }
        settings.mode = match (mode, &settings.root_cert) {
            // As libpq: trusting every public CA is only safe when the name is checked too.
            (None, Some(RootCerts::System)) => SslMode::VerifyFull,
            (Some(weaker), Some(RootCerts::System)) if weaker != SslMode::VerifyFull => {
                return Err(format!(
                    "sslrootcert=system needs sslmode=verify-full, not {weaker:?}"
                ));
            }
            (mode, _) => mode.unwrap_or_default(),
        };
        let rest = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok((rest, settings))
    }

    /// The driver's own setting: whether to ask for TLS, and whether to give up without.
    pub fn driver_mode(&self) -> DriverMode {
        match self.mode {
            SslMode::Disable => DriverMode::Disable,
            SslMode::Prefer => DriverMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => DriverMode::Require,
        }
    }

    /// The roots to trust: those given, else libpq's default file when it exists (`home`
    /// is the user's home directory).
    pub fn roots(&self, home: Option<PathBuf>) -> Option<RootCerts> {
        self.root_cert.clone().or_else(|| {
            home.map(|home| home.join(".postgresql").join("root.crt"))
                .filter(|path| path.is_file())
                .map(RootCerts::File)
        })
    }

    /// The client certificate to present, as libpq finds it: `sslcert` (its key `sslkey`,
    /// else `~/.postgresql/postgresql.key`), else `~/.postgresql/postgresql.crt` when it
    /// exists; none otherwise. A certificate whose key is missing is an error that names
    /// both, rather than a login that fails later for want of a certificate.
    pub fn client_identity(&self, home: Option<PathBuf>) -> Result<Option<ClientCert>, String> {
        let default = |name: &str| {
            home.as_ref()
                .map(|home| home.join(".postgresql").join(name))
        };
        let cert = match &self.client_cert {
            Some(cert) => cert.clone(),
            None => match default("postgresql.crt").filter(|path| path.is_file()) {
                Some(found) => found,
                None if self.client_key.is_some() => {
                    return Err("sslkey is given without sslcert: give both".into());
                }
                None => return Ok(None),
            },
        };
        let key = self
            .client_key
            .clone()
            .or_else(|| default("postgresql.key"))
            .filter(|key| self.client_key.is_some() || key.is_file())
            .ok_or_else(|| {
                format!(
                    "client certificate {} has no key: give sslkey=PATH (or put it in \
                     ~/.postgresql/postgresql.key)",
                    cert.display()
                )
            })?;
        Ok(Some(ClientCert { cert, key }))
    }
}

/// `%2F` as `/`; a malformed escape stays as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_out_only_the_tls_parameters() {
        let (rest, settings) = TlsSettings::split_from(
            "postgres://u@h/db?application_name=x&sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt",
        )
        .unwrap();
        assert_eq!(rest, "postgres://u@h/db?application_name=x");
        assert_eq!(settings.mode, SslMode::VerifyFull);
        let file = RootCerts::File(PathBuf::from("/tmp/ca.crt"));
        assert_eq!(settings.root_cert, Some(file));
        let (rest, settings) =
            TlsSettings::split_from("postgres://u@h/db?sslmode=disable").unwrap();
        assert_eq!(
            (rest.as_str(), settings.mode),
            ("postgres://u@h/db", SslMode::Disable)
        );
        let (_, settings) = TlsSettings::split_from("postgres://u@h/db").unwrap();
        assert_eq!(settings, TlsSettings::default());
    }

    #[test]
    fn system_roots_mean_verify_full() {
        let (_, settings) = TlsSettings::split_from("postgres://h/db?sslrootcert=system").unwrap();
        assert_eq!(settings.mode, SslMode::VerifyFull);
        assert_eq!(settings.root_cert, Some(RootCerts::System));
        let weak = "postgres://h/db?sslrootcert=system&sslmode=require";
        assert!(
            TlsSettings::split_from(weak)
                .unwrap_err()
                .contains("verify-full")
        );
    }

    #[test]
    fn an_unknown_mode_lists_the_known_ones() {
        let error = TlsSettings::split_from("postgres://h/db?sslmode=strict").unwrap_err();
        assert!(error.contains("verify-full"), "{error}");
    }

    #[test]
    fn a_client_certificate_comes_from_the_url_or_libpqs_default_files() {
        let (_, settings) =
            TlsSettings::split_from("postgres://h/db?sslcert=%2Fc%2Fme.crt&sslkey=%2Fc%2Fme.key")
                .unwrap();
        let identity = settings.client_identity(None).unwrap().unwrap();
        assert_eq!(identity.cert, PathBuf::from("/c/me.crt"));
        assert_eq!(identity.key, PathBuf::from("/c/me.key"));

        let home = tempfile::tempdir().unwrap();
        let none = TlsSettings::default();
        assert_eq!(
            none.client_identity(Some(home.path().into())).unwrap(),
            None
        );
        let dot = home.path().join(".postgresql");
        std::fs::create_dir(&dot).unwrap();
        std::fs::write(dot.join("postgresql.crt"), "").unwrap();
        let error = none.client_identity(Some(home.path().into())).unwrap_err();
        assert!(
            error.contains("sslkey"),
            "a certificate without its key: {error}"
        );
        std::fs::write(dot.join("postgresql.key"), "").unwrap();
        let found = none
            .client_identity(Some(home.path().into()))
            .unwrap()
            .unwrap();
        assert_eq!(found.key, dot.join("postgresql.key"));

        let (_, key_only) = TlsSettings::split_from("postgres://h/db?sslkey=k.pem").unwrap();
        assert!(
            key_only
                .client_identity(None)
                .unwrap_err()
                .contains("sslcert")
        );
    }

    #[test]
    fn decodes_escapes_and_keeps_broken_ones() {
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%+1"), "%+1");
    }
}
