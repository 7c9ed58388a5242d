//! Directives in a migration file's leading comment lines, such as `-- migrate:no-transaction`.
//! Pure: no I/O.

use std::fmt;

use super::lint::Silence;

/// What a file's header asks of the runner.
///
/// Directives are read from the leading lines of a file that are blank or `--` comments;
/// the first line of SQL ends the header. A `-- migrate:` comment with an unknown name is
/// an error rather than being ignored, so a typo cannot silently run a file in a transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Directives {
    /// Run the file outside a transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
    pub no_transaction: bool,
    /// The down file cannot undo its revision; a downgrade across it is refused.
    pub irreversible: bool,
    /// Differences a lossy down declares it leaves behind, checked by `verify`.
    pub allow_diff: Vec<String>,
    /// SQLite: run the file with foreign keys off (`PRAGMA foreign_keys` cannot change
    /// inside a transaction, so the runner switches it around the file's), as SQLite's
    /// table rebuild needs when other tables reference the rebuilt one: with them on,
    /// dropping the old table deletes or refuses the rows that point at it.
    pub foreign_keys_off: bool,
}

/// A `-- migrate:` line that is not a directive we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: unknown directive `migrate:{name}`")]
pub struct DirectiveError {
    /// 1-based line of the directive.
    pub line: usize,
    /// The name after `migrate:`.
    pub name: String,
}

impl DirectiveError {
    /// The fix, for the `help:` line.
    pub fn help(&self) -> &'static str {
        "known directives are `-- migrate:no-transaction`, `-- migrate:irreversible`, `-- migrate:foreign-keys-off` (SQLite), `-- migrate:allow-diff <object>` and `-- migrate:allow <lint rule>: <reason>`"
    }
}

const PREFIX: &str = "migrate:";

impl Directives {
    /// Reads the directives from the header of a file's text.
    pub fn parse(text: &str) -> Result<Self, DirectiveError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut directives = Self::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some(comment) = line.strip_prefix("--") else {
                break;
            };
            let Some(directive) = comment.trim_start().strip_prefix(PREFIX) else {
                continue;
            };
            let (name, argument) = directive
                .split_once(char::is_whitespace)
                .map_or((directive, ""), |(name, rest)| (name, rest.trim()));
            match name {
                "no-transaction" => directives.no_transaction = true,
                "irreversible" => directives.irreversible = true,
                "foreign-keys-off" => directives.foreign_keys_off = true,
                "allow-diff" if !argument.is_empty() => {
                    directives.allow_diff.push(argument.to_owned())
                }
                // Read by `migrate lint` from anywhere in the file (see core::lint);
                // checked here so a malformed one in the header is an error too.
                "allow" if Silence::parse_argument(argument).is_some() => {}
                _ => {
                    return Err(DirectiveError {
                        line: index + 1,
                        name: name.to_owned(),
                    });
                }
            }
        }
        Ok(directives)
    }
}

/// Prints the directives as the header lines that [`Directives::parse`] reads back.
impl fmt::Display for Directives {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.no_transaction {
            writeln!(f, "-- {PREFIX}no-transaction")?;
        }
        if self.irreversible {
            writeln!(f, "-- {PREFIX}irreversible")?;
        }
        if self.foreign_keys_off {
            writeln!(f, "-- {PREFIX}foreign-keys-off")?;
        }
        for object in &self.allow_diff {
            writeln!(f, "-- {PREFIX}allow-diff {object}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_directives_from_the_header_only() {
        let text = "-- adds an index\n-- migrate:no-transaction\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:irreversible\n";
        let directives = Directives::parse(text).unwrap();
        assert!(directives.no_transaction);
        assert!(!directives.irreversible, "directives after SQL are ignored");
    }

    #[test]
    fn an_unknown_directive_names_its_line() {
        let error = Directives::parse("\n--  migrate:no-transactoin\nselect 1;").unwrap_err();
        assert_eq!(
            error,
            DirectiveError {
                line: 2,
                name: "no-transactoin".into()
            }
        );
    }

    #[test]
    fn allow_diff_needs_an_object() {
        assert!(Directives::parse("-- migrate:allow-diff\n").is_err());
        let parsed = Directives::parse("-- migrate:allow-diff column users.legacy_id\n").unwrap();
        assert_eq!(parsed.allow_diff, vec!["column users.legacy_id"]);
    }

    fn directives() -> impl Strategy<Value = Directives> {
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec("[a-z][a-z_. ]{0,15}[a-z]", 0..3),
            any::<bool>(),
        )
            .prop_map(
                |(no_transaction, irreversible, allow_diff, foreign_keys_off)| Directives {
                    no_transaction,
                    irreversible,
                    allow_diff,
                    foreign_keys_off,
                },
            )
    }

    proptest! {
        #[test]
        fn printing_then_parsing_round_trips(original in directives(), body in "[a-z ;]{0,20}") {
            let text = format!("{original}{body}");
            prop_assert_eq!(Directives::parse(&text).unwrap(), original);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = Directives::parse(&text);
        }
    }
}
