//! Reading a PostgreSQL connection URL, and describing it without its password.
//!
//! Every text this module returns is safe to print: the password of a URL never leaves it
//! except inside the driver's `Config`, whose own `Debug` redacts it.

use postgres::Config;
use postgres::config::Host;

use super::tls::TlsSettings;
use crate::backend::error::BackendError;
use crate::backend::url::redact;

/// The port libpq and the driver use when the URL names none.
const DEFAULT_PORT: u16 = 5432;

/// What replaces a password wherever one could otherwise show.
const REDACTED: &str = "***";

/// A parsed connection URL and a description of it for messages.
pub(crate) struct ConnectUrl {
    pub config: Config,
    /// `sslmode` and `sslrootcert`, which the driver does not read itself.
    pub tls: TlsSettings,
    /// `postgres://user@host:port/database`, never with the password.
    pub target: String,
}

impl ConnectUrl {
    /// Parses a `postgres://` or `postgresql://` URL with libpq-style parameters.
    pub fn parse(url: &str) -> Result<Self, BackendError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            // Not echoed when it is no URL at all: a `key=value` string's password is not
            // where `redact` looks.
            let target = if url.contains("://") {
                redact(url)
            } else {
                "<connection string>".into()
            };
            return Err(BackendError::Connect {
                target,
                message: "a PostgreSQL URL starts with postgres:// or postgresql://".into(),
            });
        }
        let (rest, tls) =
            TlsSettings::split_from(url).map_err(|message| BackendError::Connect {
                target: redact(url),
                message,
            })?;
        let mut config: Config = rest.parse().map_err(|error: postgres::Error| {
            // The driver's parse errors name the option at fault, never its value.
            BackendError::Connect {
                target: redact(url),
                message: error.to_string(),
            }
        })?;
        config.ssl_mode(tls.driver_mode());
        Ok(Self {
            target: describe(&config),
            config,
            tls,
        })
    }
}

/// `postgres://user@host:port/database`: what a connection goes to, without any password.
pub(crate) fn describe(config: &Config) -> String {
    let user = config.get_user().unwrap_or("<current OS user>");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "<no host>".to_owned()
    } else {
        hosts.join(",")
    };
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let ports = if ports.is_empty() {
        DEFAULT_PORT.to_string()
    } else {
        ports.join(",")
    };
    let database = config.get_dbname().unwrap_or(user);
    format!("postgres://{user}@{hosts}:{ports}/{database}")
}

/// `message` with every occurrence of `password` replaced; a defence in depth should a
/// driver message ever echo the URL.
pub(crate) fn scrub(message: &str, password: Option<&[u8]>) -> String {
    match password.map(String::from_utf8_lossy) {
        Some(password) if !password.is_empty() => message.replace(password.as_ref(), REDACTED),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn describes_without_the_password() {
        let url = ConnectUrl::parse("postgresql://alice:s3cret@db.example:6543/app").unwrap();
        assert_eq!(url.target, "postgres://alice@db.example:6543/app");
        let scrubbed = scrub("bad s3cret here", url.config.get_password());
        assert_eq!(scrubbed, "bad *** here");
        let url = ConnectUrl::parse("postgres://bob@localhost/bob").unwrap();
        assert_eq!(url.target, "postgres://bob@localhost:5432/bob");
    }

    #[test]
    fn rejects_other_schemes_without_echoing_the_password() {
        let Err(error) = ConnectUrl::parse("mysql://u:hunter22@h/db") else {
            panic!("a mysql URL was accepted");
        };
        let text = format!("{error} {error:?}");
        assert!(!text.contains("hunter22"), "{text}");
        assert!(text.contains("mysql://u:***@h/db"), "{text}");
    }

    #[test]
    fn a_key_value_string_is_refused_unseen() {
        let Err(error) = ConnectUrl::parse("host=h password=hunter22") else {
            panic!("a key=value string was accepted");
        };
        assert!(!format!("{error} {error:?}").contains("hunter22"));
    }

    #[test]
    fn a_bad_port_names_the_option_not_the_password() {
        let Err(error) = ConnectUrl::parse("postgres://u:hunter22@h:notaport/db") else {
            panic!("a bad port was accepted");
        };
        let text = format!("{error} {error:?}");
        assert!(!text.contains("hunter22"), "{text}");
        assert!(text.contains("port"), "{text}");
    }

    proptest! {
        #[test]
        fn a_redacted_url_never_holds_the_password(
            user in "[a-z]{1,8}",
            password in "[0-9]{6,12}",
            host in "[a-z]{1,8}",
        ) {
            let url = format!("postgres://{user}:{password}@{host}/db?password={password}");
            let redacted = redact(&url);
            prop_assert!(!redacted.contains(&password), "{}", redacted);
        }
    }
}
