//! migrate.toml that cannot be used: where, and for a value of the wrong type, which key
//! and what it must be (`statement_timeout` must be a number), rather than serde's terse
//! `invalid type: string "ten", expected f64`.

use std::path::{Path, PathBuf};

use migrate::core::Location;

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {}", path.display(), at.map_or(String::new(), |at| format!(":{}:{}", at.line, at.column)), message.trim_end())]
pub struct ConfigError {
    pub path: PathBuf,
    /// Where in the file, when the message does not show it itself.
    pub at: Option<Location>,
    pub message: String,
}

impl ConfigError {
    /// The error of reading `text` (the file at `path`) as migrate.toml.
    pub fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> Self {
        let (at, message) = match type_error(error) {
            Some(message) => {
                let at = error
                    .span()
                    .map(|span| Location::of_offset(text, span.start));
                (at, message)
            }
            None => (None, error.to_string()),
        };
        Self {
            path: path.to_owned(),
            at,
            message,
        }
    }
}

/// `` `statement_timeout` must be a number, found string "ten" `` for a value of the
/// wrong type; `None` for every other error, which toml explains well enough.
fn type_error(error: &toml::de::Error) -> Option<String> {
    let message = error.message();
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.split_once(", expected ")?;
    let key = key_of(error)?;
    Some(format!(
        "`{key}` must be {}, found {found}",
        in_words(expected)
    ))
}

/// The dotted key the error is about. toml tracks it but shows it only when it has no
/// position to show, so it is read from that rendering.
fn key_of(error: &toml::de::Error) -> Option<String> {
    let mut bare = error.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let line = shown.lines().find_map(|line| line.strip_prefix("in `"))?;
    Some(line.strip_suffix('`')?.to_owned())
}

/// serde's name for a type as a user would say it.
fn in_words(expected: &str) -> &str {
    match expected {
        "f32" | "f64" => "a number",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number",
        "path string" => "a string (a path)",
        "a sequence" => "an array",
        "a character" => "a string of one character",
        "a boolean" => "true or false",
        other if other.starts_with("struct ") => "a table",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only read to make errors")]
    struct File {
        timeout: Option<f64>,
        names: Option<Vec<String>>,
        nested: Option<Nested>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only read to make errors")]
    struct Nested {
        path: Option<PathBuf>,
    }

    fn message(text: &str) -> String {
        let error = toml::from_str::<File>(text).unwrap_err();
        ConfigError::from_toml(Path::new("migrate.toml"), text, &error).to_string()
    }

    #[test]
    fn a_wrong_type_names_the_key_and_what_it_must_be() {
        assert_eq!(
            message("timeout = \"ten\"\n"),
            "migrate.toml:1:11: `timeout` must be a number, found string \"ten\""
        );
        assert_eq!(
            message("\nnames = \"a\"\n"),
            "migrate.toml:2:9: `names` must be an array, found string \"a\""
        );
        assert_eq!(
            message("[nested]\npath = 3\n"),
            "migrate.toml:2:8: `nested.path` must be a string (a path), found integer `3`"
        );
    }

    #[test]
    fn other_errors_keep_toml_s_explanation() {
        let text = "timeout = \n";
        let shown = message(text);
        assert!(
            shown.starts_with("migrate.toml: TOML parse error at line 1"),
            "{shown}"
        );
    }
}
