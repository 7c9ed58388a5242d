//! The floor `ci/bench.py` measures a no-op `upgrade` and `check` against: what such a
//! run cannot do without, in plain Rust and nothing more. It lists the migrations
//! directory, reads each revision folder's `up.sql` and `down.sql` by name (on two
//! threads, as migrate does) and, on a third, connects and reads the tracking rows. No
//! parsing, no checksums, no comparison; the folders themselves are not listed.
//!
//!     cargo build --release --example noop_floor
//!     target/release/examples/noop_floor migrations sqlite://app.db
//!     target/release/examples/noop_floor migrations postgres://user@localhost/app

use std::error::Error;
use std::path::{Path, PathBuf};
use std::thread;

const ROWS: &str = "SELECT revision, up_checksum, down_checksum FROM migrate_history";

fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(url)) = (args.next(), args.next()) else {
        return Err("usage: noop_floor MIGRATIONS_DIR DATABASE_URL".into());
    };
    let rows = thread::spawn(move || read_rows(&url));
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            folders.push(entry.path());
        }
    }
    folders.sort();
    let (first, second) = folders.split_at(folders.len() / 2);
    let bytes = thread::scope(|scope| {
        let other = scope.spawn(|| read_scripts(second));
        let mine = read_scripts(first)?;
        let theirs = other.join().expect("the reader thread panicked")?;
        Ok::<_, std::io::Error>(mine + theirs)
    })?;
    let rows = rows.join().expect("the database thread panicked")?;
    println!("{bytes} bytes, {rows} rows");
    Ok(())
}

/// Reads `up.sql` and `down.sql` of every folder; returns how many bytes they hold.
fn read_scripts(folders: &[PathBuf]) -> std::io::Result<usize> {
    let mut scripts = Vec::with_capacity(folders.len() * 2);
    for folder in folders {
        scripts.push(std::fs::read(folder.join("up.sql"))?);
        if let Some(down) = read_if_present(&folder.join("down.sql"))? {
            scripts.push(down);
        }
    }
    Ok(scripts.iter().map(Vec::len).sum())
}

fn read_if_present(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads every tracking row; returns how many there are.
fn read_rows(url: &str) -> Result<usize, Box<dyn Error + Send + Sync>> {
    type Row = (String, String, Option<String>);
    if let Some(path) = url.strip_prefix("sqlite://") {
        let conn = rusqlite::Connection::open(path)?;
        let mut statement = conn.prepare(ROWS)?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<Vec<Row>, _>>()?;
        return Ok(rows.len());
    }
    let mut client = postgres::Client::connect(url, postgres::NoTls)?;
    let rows: Vec<Row> = client
        .query(ROWS, &[])?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    Ok(rows.len())
}
