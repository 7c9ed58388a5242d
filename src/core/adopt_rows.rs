//! Reading another tool's tracking rows (values as text, in [`Tool::columns`] order) into
//! what it applied: its versions, dirty ones, and a baseline. Pure: no I/O.

use super::adopt_error::AdoptError;
use super::adopt_tool::{ForeignState, ForeignVersion, Recorded, Tool};

impl Tool {
    /// Reads the table's rows (values as text, [`Tool::columns`] in order).
    pub fn parse(self, rows: &[Vec<Option<String>>]) -> Result<ForeignState, AdoptError> {
        let cell = |row: usize, column: usize| cell(self, rows, row, column);
        let mut versions = Vec::new();
        let mut dirty = Vec::new();
        match self {
            Self::Alembic | Self::GolangMigrate if rows.len() > 1 => {
                return Err(AdoptError::SeveralRows {
                    table: self.table(),
                    rows: rows.len(),
                });
            }
            Self::Alembic => {
                if rows.is_empty() {
                    return Ok(ForeignState::nothing());
                }
                let revision = cell(0, 0)?.to_owned();
                return Ok(ForeignState {
                    recorded: Recorded::Alembic(revision),
                    dirty,
                    baseline: None,
                });
            }
            Self::GolangMigrate => {
                if rows.is_empty() {
                    return Ok(ForeignState::nothing());
                }
                let version = cell(0, 0)?.to_owned();
                if truthy(cell(0, 1)?) {
                    dirty.push(version.clone());
                }
                return Ok(ForeignState {
                    recorded: Recorded::UpTo(version),
                    dirty,
                    baseline: None,
                });
            }
            Self::Flyway => return flyway(rows),
            _ => {}
        }
        for (row, values) in rows.iter().enumerate() {
            let version = cell(row, 0)?.to_owned();
            let checksum = match self {
                Self::Sqlx => {
                    if !truthy(cell(row, 1)?) {
                        dirty.push(version.clone());
                    }
                    Some(cell(row, 2)?.to_ascii_lowercase())
                }
                Self::Refinery => values.get(1).cloned().flatten(),
                _ => None,
            };
            versions.push(ForeignVersion { version, checksum });
        }
        Ok(ForeignState {
            recorded: Recorded::Versions(versions),
            dirty,
            baseline: None,
        })
    }
}

/// Flyway's history in `installed_rank` order: a successful `SQL` row applies its version,
/// a later `UNDO_SQL` row takes it back; a failed row leaves the version dirty. A
/// `BASELINE` row (`flyway baseline`, or `baselineOnMigrate`) stands for every version at
/// or below its own, which Flyway then never runs. Other rows (schema creation, Java
/// migrations, deletes) say nothing about SQL files.
fn flyway(rows: &[Vec<Option<String>>]) -> Result<ForeignState, AdoptError> {
    let cell = |row: usize, column: usize| cell(Tool::Flyway, rows, row, column);
    let mut ordered: Vec<(i64, usize)> = Vec::with_capacity(rows.len());
    for row in 0..rows.len() {
        let rank = cell(row, 0)?.parse().map_err(|_| AdoptError::BadRow {
            table: Tool::Flyway.table(),
            row: row + 1,
            message: "installed_rank is not a number".into(),
        })?;
        ordered.push((rank, row));
    }
    ordered.sort_unstable();
    let mut versions: Vec<ForeignVersion> = Vec::new();
    let mut dirty = Vec::new();
    let mut baseline = None;
    for (_, row) in ordered {
        let kind = cell(row, 2)?;
        let Some(Some(version)) = rows[row].get(1).cloned() else {
            continue;
        };
        if !truthy(cell(row, 3)?) {
            dirty.push(version);
            continue;
        }
        versions.retain(|seen| seen.version != version);
        match kind {
            "SQL" => {
                let checksum = rows[row].get(4).cloned().flatten();
                versions.push(ForeignVersion { version, checksum });
            }
            // Flyway refuses a second baseline; were there one, the newest would stand.
            "BASELINE" => baseline = Some(version),
            _ => {}
        }
    }
    Ok(ForeignState {
        recorded: Recorded::Versions(versions),
        dirty,
        baseline,
    })
}

/// A value that must not be NULL.
fn cell(
    tool: Tool,
    rows: &[Vec<Option<String>>],
    row: usize,
    column: usize,
) -> Result<&str, AdoptError> {
    rows[row]
        .get(column)
        .and_then(Option::as_deref)
        .ok_or_else(|| AdoptError::BadRow {
            table: tool.table(),
            row: row + 1,
            message: format!("{} is NULL", tool.columns()[column]),
        })
}

impl ForeignState {
    fn nothing() -> Self {
        Self {
            recorded: Recorded::Versions(Vec::new()),
            dirty: Vec::new(),
            baseline: None,
        }
    }
}

/// A boolean as either dialect casts it to text.
fn truthy(text: &str) -> bool {
    matches!(text, "1" | "t" | "true" | "TRUE")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(list: &[&[Option<&str>]]) -> Vec<Vec<Option<String>>> {
        list.iter()
            .map(|row| row.iter().map(|v| v.map(str::to_owned)).collect())
            .collect()
    }

    #[test]
    fn golang_migrate_is_one_row_up_to_a_version() {
        let state = Tool::GolangMigrate
            .parse(&rows(&[&[Some("5"), Some("false")]]))
            .unwrap();
        assert_eq!(state.recorded, Recorded::UpTo("5".into()));
        assert!(state.dirty.is_empty());
        let dirty = Tool::GolangMigrate
            .parse(&rows(&[&[Some("5"), Some("1")]]))
            .unwrap();
        assert_eq!(dirty.dirty, ["5"]);
    }

    #[test]
    fn flyway_keeps_successful_sql_rows_not_undone() {
        let state = Tool::Flyway
            .parse(&rows(&[
                &[Some("3"), Some("2"), Some("UNDO_SQL"), Some("true"), None],
                &[Some("1"), Some("1"), Some("SQL"), Some("true"), Some("-5")],
                &[Some("2"), Some("2"), Some("SQL"), Some("true"), Some("7")],
                &[Some("0"), None, Some("SCHEMA"), Some("true"), None],
            ]))
            .unwrap();
        let Recorded::Versions(versions) = state.recorded else {
            panic!("versions expected");
        };
        assert_eq!(
            versions,
            [ForeignVersion {
                version: "1".into(),
                checksum: Some("-5".into())
            }]
        );
    }

    #[test]
    fn a_flyway_baseline_is_kept_beside_the_versions_after_it() {
        let state = Tool::Flyway
            .parse(&rows(&[
                &[Some("2"), Some("4"), Some("SQL"), Some("true"), Some("9")],
                &[Some("1"), Some("3"), Some("BASELINE"), Some("true"), None],
            ]))
            .unwrap();
        assert_eq!(state.baseline.as_deref(), Some("3"));
        let Recorded::Versions(versions) = state.recorded else {
            panic!("versions expected");
        };
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].version, "4");
    }

    #[test]
    fn a_failed_sqlx_row_is_dirty_and_null_is_named() {
        let state = Tool::Sqlx
            .parse(&rows(&[&[Some("1"), Some("0"), Some("AB")]]))
            .unwrap();
        assert_eq!(state.dirty, ["1"]);
        let error = Tool::Diesel.parse(&rows(&[&[None]])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "__diesel_schema_migrations, row 1: version is NULL"
        );
    }

    #[test]
    fn names_round_trip() {
        for tool in Tool::ALL {
            assert_eq!(tool.name().parse::<Tool>(), Ok(tool));
        }
        assert!("liquibase".parse::<Tool>().is_err());
    }
}
