//! `-- migrate:allow <rule>: reason` comments, anywhere in a file, which silence one rule
//! for that file. Pure.

use super::rule::Rule;

/// One silencing comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// 1-based line of the comment.
    pub line: usize,
    /// The rule name as written (an unknown one is reported, never ignored).
    pub rule: String,
    /// Why the danger is accepted.
    pub reason: String,
}

impl Silence {
    /// The rule this silence names, if it names one.
    pub fn known_rule(&self) -> Option<Rule> {
        Rule::from_name(&self.rule)
    }

    /// Reads the argument of a `migrate:allow` directive: `<rule>: reason` (the reason may
    /// be empty, but the colon keeps `allow` distinct from other words).
    pub fn parse_argument(argument: &str) -> Option<(String, String)> {
        let (rule, reason) = argument.split_once(':')?;
        let rule = rule.trim();
        if rule.is_empty() || rule.contains(char::is_whitespace) {
            return None;
        }
        Some((rule.to_owned(), reason.trim().to_owned()))
    }

    /// Every `-- migrate:allow` comment of `text`, on lines of their own.
    pub fn find_all(text: &str) -> Vec<Silence> {
        text.lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let comment = line.trim().strip_prefix("--")?.trim_start();
                let argument = comment.strip_prefix("migrate:allow")?;
                if !argument.starts_with(char::is_whitespace) {
                    return None;
                }
                let (rule, reason) = Self::parse_argument(argument.trim())
                    .unwrap_or_else(|| (argument.trim().to_owned(), String::new()));
                Some(Silence {
                    line: index + 1,
                    rule,
                    reason,
                })
            })
            .collect()
    }
}

impl std::fmt::Display for Silence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "-- migrate:allow {}: {}", self.rule, self.reason)
    }
}
