//! The rename question on a terminal: for each candidate a dropped and an added object
//! of the same shape, "rename?" (y/n), instead of failing for `--rename`/`--no-rename`.
//! Generic over its input and output, so tests feed it answers.

use std::io::{self, BufRead, Write};

use migrate::schema::{Rename, RenameCandidate, settles};

/// What the user answered: the renames to make (as `--rename` takes them); every other
/// candidate is a drop and an add.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub renames: Vec<String>,
}

/// Asks about each candidate in turn. A candidate that shares its dropped or its added
/// object with one already accepted is not asked: it can no longer be a rename. An
/// answer other than y or n asks again; the end of the input is an error (nothing
/// decided, nothing written).
pub fn ask(
    candidates: &[RenameCandidate],
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> io::Result<Answers> {
    let mut accepted: Vec<&Rename> = Vec::new();
    let mut answers = Answers::default();
    for candidate in candidates {
        if accepted.iter().any(|r| settles(r, &candidate.rename)) {
            continue;
        }
        if question(&candidate.rename, input, output)? {
            accepted.push(&candidate.rename);
            answers.renames.push(candidate.flag());
        }
    }
    Ok(answers)
}

fn question(
    rename: &Rename,
    input: &mut impl BufRead,
    output: &mut impl Write,
) -> io::Result<bool> {
    let (kind, from, to) = match rename {
        Rename::Table { from, to } => ("table", from.to_string(), to.to_string()),
        Rename::Column { table, from, to } => {
            ("column", format!("{table}.{from}"), format!("{table}.{to}"))
        }
    };
    loop {
        write!(
            output,
            "{kind} {from} is gone and {to} is new: is it renamed? [y/n] "
        )?;
        output.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "no answer to the rename question; nothing written",
            ));
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => writeln!(output, "please answer y or n")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate::schema::QualifiedName;

    fn table(from: &str, to: &str) -> RenameCandidate {
        RenameCandidate {
            rename: Rename::Table {
                from: QualifiedName::bare(from),
                to: QualifiedName::bare(to),
            },
        }
    }

    fn column(from: &str, to: &str) -> RenameCandidate {
        RenameCandidate {
            rename: Rename::Column {
                table: QualifiedName::bare("users"),
                from: from.into(),
                to: to.into(),
            },
        }
    }

    fn run(candidates: &[RenameCandidate], typed: &str) -> (io::Result<Answers>, String) {
        let mut output = Vec::new();
        let answers = ask(candidates, &mut typed.as_bytes(), &mut output);
        (answers, String::from_utf8(output).unwrap())
    }

    #[test]
    fn yes_renames_and_no_drops_and_adds() {
        let (answers, shown) = run(
            &[column("fullname", "name"), table("trips", "journeys")],
            "y\nn\n",
        );
        assert_eq!(answers.unwrap().renames, vec!["users.fullname=users.name"]);
        assert!(
            shown.starts_with(
                "column users.fullname is gone and users.name is new: is it renamed? [y/n] "
            ),
            "{shown}"
        );
        assert!(
            shown.contains("table trips is gone and journeys is new"),
            "{shown}"
        );
    }

    #[test]
    fn an_accepted_rename_settles_the_candidates_it_overlaps() {
        // Two added tables of the same shape as the dropped one: once one is the rename,
        // the other cannot be.
        let (answers, shown) = run(&[table("a", "b"), table("a", "c")], "yes\n");
        assert_eq!(answers.unwrap().renames, vec!["a=b"]);
        assert_eq!(shown.matches("[y/n]").count(), 1, "{shown}");
    }

    #[test]
    fn another_answer_asks_again() {
        let (answers, shown) = run(&[column("a", "b")], "maybe\nY\n");
        assert_eq!(answers.unwrap().renames, vec!["users.a=users.b"]);
        assert!(shown.contains("please answer y or n"), "{shown}");
    }

    #[test]
    fn the_end_of_input_decides_nothing() {
        let (answers, _) = run(&[column("a", "b")], "");
        assert_eq!(answers.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
