//! A revision left half-applied by a `-- migrate:no-transaction` script, as plain data.
//! Pure: no I/O.

use std::fmt;
use std::str::FromStr;

use super::revision_id::RevisionId;
use super::split::postgres_statements;

/// Which script of a revision was running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    /// `up` or `down`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored direction that is neither `up` nor `down`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a direction is `up` or `down`, not {text:?}")]
pub struct DirectionError {
    pub text: String,
}

impl FromStr for Direction {
    type Err = DirectionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "up" => Ok(Self::Up),
            "down" => Ok(Self::Down),
            _ => Err(DirectionError {
                text: text.to_owned(),
            }),
        }
    }
}

/// How far a script run statement by statement got before it stopped.
///
/// While such a script runs, its progress is on record; it is cleared when the revision's
/// row is written. A revision found dirty was therefore interrupted: a statement failed
/// (`failed_statement` says which), or the process or connection died (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtyRevision {
    pub id: RevisionId,
    pub direction: Direction,
    /// The statements that completed, counted from the first.
    pub statements_done: usize,
    /// How many statements the script has.
    pub statement_count: usize,
    /// The text of the statement that failed, when one did.
    pub failed_statement: Option<String>,
    /// What the database said about it.
    pub error: Option<String>,
    /// The text of the last statement that completed, as the script reads now (see
    /// [`DirtyRevision::name_last_done`]); not stored, so `None` as read from a database.
    pub last_done: Option<String>,
}

impl DirtyRevision {
    /// Names the last statement that completed, statement `statements_done` of `script`
    /// as it reads now: the one a resumed run goes on after. Nothing is named when none
    /// completed, or the script has fewer statements now.
    pub fn name_last_done(&mut self, script: &str) {
        self.last_done = self
            .statements_done
            .checked_sub(1)
            .and_then(|index| postgres_statements(script).nth(index))
            .map(|range| script[range].to_owned());
    }
}

/// `revision 2024… (up) stopped after 2 of 4 statements (the last: …): statement 3 failed: …`,
/// the words for a refusal to run.
impl fmt::Display for DirtyRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "revision {} ({}) stopped after {} of {} statements",
            self.id, self.direction, self.statements_done, self.statement_count
        )?;
        if let Some(last) = &self.last_done {
            write!(f, " (the last: {})", last.trim())?;
        }
        let next = self.statements_done + 1;
        match (&self.failed_statement, &self.error) {
            (Some(statement), Some(error)) => {
                write!(
                    f,
                    ": statement {next} failed: {error}: {}",
                    statement.trim()
                )
            }
            (Some(statement), None) => write!(f, ": statement {next} failed: {}", statement.trim()),
            _ => write!(
                f,
                "; the run was interrupted before statement {next} finished"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirty(failed: Option<&str>) -> DirtyRevision {
        DirtyRevision {
            id: "20240101".parse().unwrap(),
            direction: Direction::Up,
            statements_done: 1,
            statement_count: 3,
            failed_statement: failed.map(str::to_owned),
            error: failed.map(|_| "duplicate key".to_owned()),
            last_done: None,
        }
    }

    #[test]
    fn names_the_last_statement_that_completed() {
        let mut mark = dirty(Some("CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);"));
        mark.name_last_done("-- migrate:no-transaction\nCREATE TABLE t (a int);\nCREATE UNIQUE INDEX CONCURRENTLY u ON t (a);\n");
        assert_eq!(
            mark.to_string(),
            "revision 20240101 (up) stopped after 1 of 3 statements (the last: CREATE TABLE t (a int);): \
             statement 2 failed: duplicate key: CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);"
        );
        mark.statements_done = 0;
        mark.name_last_done("CREATE TABLE t (a int);");
        assert_eq!(mark.last_done, None);
        mark.statements_done = 4;
        mark.name_last_done("CREATE TABLE t (a int);");
        assert_eq!(mark.last_done, None, "the script is shorter now");
    }

    #[test]
    fn says_what_ran_and_what_did_not() {
        assert_eq!(
            dirty(Some("CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);")).to_string(),
            "revision 20240101 (up) stopped after 1 of 3 statements: statement 2 failed: \
             duplicate key: CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);"
        );
        assert_eq!(
            dirty(None).to_string(),
            "revision 20240101 (up) stopped after 1 of 3 statements; \
             the run was interrupted before statement 2 finished"
        );
    }

    #[test]
    fn directions_round_trip() {
        for direction in [Direction::Up, Direction::Down] {
            assert_eq!(direction.as_str().parse(), Ok(direction));
        }
        assert!("sideways".parse::<Direction>().is_err());
    }
}
