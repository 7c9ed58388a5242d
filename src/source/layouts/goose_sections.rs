//! Where a goose file's sections are, checked the way goose's own parser checks a file:
//! annotations in their places, statements ended by a `;` at the end of a line, blocks
//! closed. A file goose would refuse is refused, naming the line.

/// The 0-based lines of a file's annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sections {
    /// The `-- +goose Up` line.
    pub up: usize,
    /// The `-- +goose Down` line, if the file has one.
    pub down: Option<usize>,
    /// `-- +goose NO TRANSACTION` anywhere: the whole file runs outside a transaction.
    pub no_transaction: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Annotation {
    Up,
    Down,
    StatementBegin,
    StatementEnd,
    NoTransaction,
    Envsub,
}

/// The annotation of a `--` line holding `+goose`, as goose reads it: all `--` dropped,
/// one `+goose` dropped, the rest one of goose's words in any case.
fn annotation(line: &str) -> Result<Annotation, String> {
    if line.starts_with([' ', '\t']) {
        return Err("a goose annotation may not be indented".into());
    }
    let command = line.replace("--", "").replacen("+goose", "", 1);
    if command.contains("+goose") {
        return Err("two goose annotations on one line".into());
    }
    let command = command.trim();
    let known = [
        ("Up", Annotation::Up),
        ("Down", Annotation::Down),
        ("StatementBegin", Annotation::StatementBegin),
        ("StatementEnd", Annotation::StatementEnd),
        ("NO TRANSACTION", Annotation::NoTransaction),
        ("ENVSUB ON", Annotation::Envsub),
        ("ENVSUB OFF", Annotation::Envsub),
    ];
    known
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(command))
        .map(|(_, annotation)| *annotation)
        .ok_or_else(|| format!("unknown goose annotation {command:?}"))
}

/// goose's test for the end of a statement: the last word before any `--` ends in `;`.
fn ends_statement(line: &str) -> bool {
    line.split_whitespace()
        .take_while(|word| !word.starts_with("--"))
        .last()
        .is_some_and(|word| word.ends_with(';'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Up,
    Down,
}

/// Finds and checks a goose file's sections; an error is the 1-based line and what is
/// wrong there.
pub fn scan(text: &str) -> Result<Sections, (usize, String)> {
    let has_up = text.lines().any(|line| {
        line.trim().starts_with("--")
            && line.contains("+goose")
            && annotation(line) == Ok(Annotation::Up)
    });
    if !has_up {
        return Err((1, "no `-- +goose Up` line".into()));
    }
    let mut state = State::Start;
    let mut sections = Sections {
        up: 0,
        down: None,
        no_transaction: false,
    };
    let mut in_block = false;
    // A statement has begun and not yet ended with a `;`.
    let mut open = false;
    let mut last = 0;
    for (index, line) in text.lines().enumerate() {
        last = index + 1;
        let at = |reason: &str| (index + 1, reason.to_owned());
        let trimmed = line.trim();
        let is_comment = trimmed.starts_with("--");
        if is_comment && line.contains("+goose") {
            match annotation(line).map_err(|reason| (index + 1, reason))? {
                Annotation::Up if state == State::Start => {
                    state = State::Up;
                    sections.up = index;
                }
                Annotation::Up => return Err(at("a second `-- +goose Up`")),
                Annotation::Down if state == State::Up && !in_block => {
                    if open {
                        return Err(at("the statement above does not end with `;`"));
                    }
                    state = State::Down;
                    sections.down = Some(index);
                }
                Annotation::Down => {
                    return Err(at(
                        "`-- +goose Down` must come after `-- +goose Up`, outside a statement block",
                    ));
                }
                Annotation::StatementBegin if state != State::Start && !in_block => in_block = true,
                Annotation::StatementBegin => {
                    return Err(at(
                        "`-- +goose StatementBegin` must be inside a section, outside a block",
                    ));
                }
                Annotation::StatementEnd if in_block => {
                    in_block = false;
                    open = false;
                }
                Annotation::StatementEnd => {
                    return Err(at("`-- +goose StatementEnd` without a `StatementBegin`"));
                }
                Annotation::NoTransaction => sections.no_transaction = true,
                Annotation::Envsub => {
                    return Err(at(
                        "goose's ENVSUB puts environment variables into the SQL; migrate runs files as written",
                    ));
                }
            }
            continue;
        }
        if state == State::Start {
            if is_comment || trimmed.is_empty() {
                continue;
            }
            return Err(at("SQL before `-- +goose Up`"));
        }
        if in_block || (!open && (is_comment || trimmed.is_empty())) {
            continue;
        }
        open = !ends_statement(line);
    }
    match state {
        _ if in_block => Err((last, "a `-- +goose StatementBegin` is never ended".into())),
        _ if open => Err((last, "the last statement does not end with `;`".into())),
        _ => Ok(sections),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sections_of_a_real_file() {
        let text = "-- +goose NO TRANSACTION\n\
                    -- +goose Up\n\
                    -- +goose StatementBegin\n\
                    CREATE FUNCTION f() RETURNS trigger AS $$\n\
                    BEGIN\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
                    -- +goose StatementEnd\n\
                    CREATE INDEX CONCURRENTLY i ON t (a); -- fast\n\
                    \n\
                    -- +goose Down\n\
                    DROP INDEX i;\n";
        assert_eq!(
            scan(text),
            Ok(Sections {
                up: 1,
                down: Some(11),
                no_transaction: true,
            })
        );
    }

    #[test]
    fn what_goose_refuses_is_refused_with_its_line() {
        let cases = [
            ("SELECT 1;\n-- +goose Up\n", 1, "SQL before"),
            (
                "-- +goose Up\nSELECT 1\n-- +goose Down\n",
                3,
                "does not end with `;`",
            ),
            ("-- +goose Up\nSELECT 1\n", 2, "last statement"),
            (
                "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n",
                3,
                "never ended",
            ),
            (
                "-- +goose Up\n-- +goose StatementEnd\n",
                2,
                "without a `StatementBegin`",
            ),
            ("-- +goose Down\n-- +goose Up\n", 1, "must come after"),
            ("-- +goose Up\n-- +goose Up\n", 2, "second"),
            ("-- +goose Up\n  -- +goose StatementBegin\n", 2, "indented"),
            (
                "-- +goose Up\n-- +goose Sideways\n",
                2,
                "unknown goose annotation",
            ),
            ("-- +goose ENVSUB ON\n-- +goose Up\n", 1, "environment"),
            ("CREATE TABLE t (a int);\n", 1, "no `-- +goose Up`"),
        ];
        for (text, line, reason) in cases {
            let (at, message) = scan(text).unwrap_err();
            assert_eq!(at, line, "{text:?}: {message}");
            assert!(message.contains(reason), "{text:?}: {message}");
        }
    }

    #[test]
    fn annotations_are_read_in_any_case() {
        let sections = scan("-- +goose up\n-- +goose no transaction\n-- +goose DOWN\n").unwrap();
        assert_eq!(sections.down, Some(2));
        assert!(sections.no_transaction);
    }
}
