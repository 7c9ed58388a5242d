//! Database URLs: `sqlite://path`, `sqlite::memory:`, `postgres://…` and `postgresql://…`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where a database is, as a user writes it.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://relative/path.db` or `sqlite:///absolute/path.db`.
    SqliteFile(PathBuf),
    /// `sqlite::memory:`.
    SqliteMemory,
    /// A libpq-style URL, kept whole for the driver.
    Postgres(String),
}

/// A URL no backend understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported database URL {shown:?}: expected sqlite://PATH, sqlite::memory: or postgres://USER@HOST/DB"
)]
pub struct UrlError {
    /// The URL with any password hidden.
    pub shown: String,
}

impl FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(Self::SqliteMemory);
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if !path.is_empty() {
                return Ok(Self::SqliteFile(PathBuf::from(path)));
            }
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        Err(UrlError { shown: redact(url) })
    }
}

/// The URL with its password hidden, so it can be printed: the one between `user:` and `@`,
/// and any `password=` parameter (libpq takes both).
pub fn redact(url: &str) -> String {
    replace_password(url, Some("***"))
}

/// The URL with its password left out, for a program that takes the password elsewhere
/// (`PGPASSWORD`), so that it shows in no process list.
pub fn without_password(url: &str) -> String {
    replace_password(url, None)
}

/// The URL with its password, in the authority and in a `password=` parameter, replaced
/// by `shown`, or dropped when `shown` is `None`.
fn replace_password(url: &str, shown: Option<&str>) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |at| scheme_end + at);
    let authority = &url[scheme_end..authority_end];
    let authority = match authority.rfind('@') {
        Some(at) => match (authority[..at].split_once(':'), shown) {
            (Some((user, _password)), Some(shown)) => format!("{user}:{shown}{}", &authority[at..]),
            (Some((user, _password)), None) => format!("{user}{}", &authority[at..]),
            (None, _) => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let rest = &url[authority_end..];
    let rest = match rest.split_once('?') {
        Some((path, query)) => match replace_in_query(query, shown) {
            query if query.is_empty() => path.to_owned(),
            query => format!("{path}?{query}"),
        },
        None => rest.to_owned(),
    };
    format!("{}{authority}{rest}", &url[..scheme_end])
}

/// `a=1&password=x` as `a=1&password=***` (or `a=1`, when `shown` is `None`).
fn replace_in_query(query: &str, shown: Option<&str>) -> String {
    let params: Vec<String> = query
        .split('&')
        .filter_map(|param| match param.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                shown.map(|shown| format!("{key}={shown}"))
            }
            _ => Some(param.to_owned()),
        })
        .collect();
    params.join("&")
}

/// The same server URL naming another database: the path is replaced, user, host, port and
/// parameters (TLS among them) are kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |at| authority_start + at);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Shows the URL without its password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Shows the URL without its password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SqliteFile(path) => write!(f, "sqlite://{}", path.display()),
            Self::SqliteMemory => f.write_str("sqlite::memory:"),
            Self::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_each_form() {
        assert_eq!(
            "sqlite://data/app.db".parse(),
            Ok(DatabaseUrl::SqliteFile("data/app.db".into()))
        );
        assert_eq!(
            "sqlite:///tmp/app.db".parse(),
            Ok(DatabaseUrl::SqliteFile("/tmp/app.db".into()))
        );
        assert_eq!("sqlite::memory:".parse(), Ok(DatabaseUrl::SqliteMemory));
        assert!(matches!(
            "postgresql://u@h/db".parse(),
            Ok(DatabaseUrl::Postgres(_))
        ));
    }

    #[test]
    fn passwords_never_show() {
        let url: DatabaseUrl = "postgres://app:s3cret@db:5432/prod".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://app:***@db:5432/prod");
        assert_eq!(
            redact("postgres://u:p%40ss@h:1/db?sslmode=require&password=x"),
            "postgres://u:***@h:1/db?sslmode=require&password=***"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert!(!format!("{url:?}").contains("s3cret"));
        let error = "mysql://app:s3cret@db/prod"
            .parse::<DatabaseUrl>()
            .unwrap_err();
        assert!(!error.to_string().contains("s3cret"));
    }

    #[test]
    fn a_password_can_be_left_out() {
        assert_eq!(
            without_password("postgres://u:p%40ss@h:1/db?sslmode=require&password=x"),
            "postgres://u@h:1/db?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://u@h/db?password=x"),
            "postgres://u@h/db"
        );
    }

    #[test]
    fn another_database_on_the_same_server() {
        assert_eq!(
            with_database(
                "postgres://u:p@h:5433/postgres?sslmode=require",
                "scratch_1"
            ),
            "postgres://u:p@h:5433/scratch_1?sslmode=require"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    proptest! {
        #[test]
        fn redaction_hides_any_password(user in "[a-z]{1,8}", password in "[A-Za-z0-9!$%]{1,12}", host in "[a-z]{1,8}") {
            let url = format!("postgres://{user}:{password}@{host}/db");
            let shown = redact(&url);
            let hidden = format!(":{password}@");
            prop_assert!(!shown.contains(&hidden));
            prop_assert!(shown.contains(&user));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let _ = text.parse::<DatabaseUrl>();
            let _ = redact(&text);
        }
    }
}
