//! An application that migrates its SQLite database at start-up, from migrations embedded
//! in its binary, then uses the tables.
//!
//!     cargo run --example app_start -- trips.db

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "trips.db".into());
    let migrations = migrate::embed_migrations!("$CARGO_MANIFEST_DIR/migrations")?;
    let conn = rusqlite::Connection::open(&path)?;
    let (conn, applied) = migrate::upgrade_sqlite(conn, &migrations)?;
    println!("applied {} revision(s)", applied.len());

    conn.execute(
        "INSERT INTO users (name, email) VALUES (?1, ?2) ON CONFLICT (email) DO NOTHING",
        ("Ada", "ada@example.com"),
    )?;
    let users: i64 = conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))?;
    println!("{users} user(s)");
    Ok(())
}
