//! The migration lock on PostgreSQL: a session advisory lock keyed on database, schema and
//! tracking table, so runs against different tracking tables never wait for each other.

use std::time::{Duration, Instant};

use postgres::Client;
use postgres::types::Type;

use super::error::message;
use crate::core::Checksum;

/// How often a waiting process asks for the lock again. Waiters poll rather than block in
/// `pg_advisory_lock` so that the wait can be bounded without `lock_timeout` games, and they
/// never sit inside an open transaction, which would hold back vacuum on a busy database.
const POLL: Duration = Duration::from_millis(50);

/// The longest stretch of the holder's query quoted in a message.
const QUERY_QUOTE: usize = 200;

/// The advisory lock key of a tracking table.
///
/// SHA-256 rather than `std`'s hasher, whose output may change between Rust releases: two
/// versions of `migrate` racing on one database must agree on the key. The top bit is
/// cleared so the key reads the same in `pg_locks` however it is reassembled.
pub(crate) fn lock_key(database: &str, schema: &str, table: &str) -> i64 {
    let digest = Checksum::of_parts(&[
        b"migrate lock".as_slice(),
        database.as_bytes(),
        schema.as_bytes(),
        table.as_bytes(),
    ]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    i64::from_be_bytes(first) & i64::MAX
}

/// Takes the session lock `key`, polling until it is free or `timeout` has passed. The
/// error text names the session that holds it.
pub(crate) fn acquire(
    client: &mut Client,
    key: i64,
    timeout: Option<Duration>,
) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let taken: bool = client
            .query_typed_one("SELECT pg_try_advisory_lock($1)", &[(&key, Type::INT8)])
            .and_then(|row| row.try_get(0))
            .map_err(|error| message(&error))?;
        if taken {
            return Ok(());
        }
        if timeout.is_some_and(|limit| started.elapsed() >= limit) {
            let holder = holder(client, key)
                .unwrap_or_else(|error| format!("another session (could not read which: {error})"));
            return Err(format!(
                "{holder} still holds it after waiting {:.1}s",
                started.elapsed().as_secs_f64()
            ));
        }
        std::thread::sleep(POLL);
    }
}

/// Releases the session lock `key`.
pub(crate) fn release(client: &mut Client, key: i64) -> Result<(), String> {
    let released: bool = client
        .query_typed_one("SELECT pg_advisory_unlock($1)", &[(&key, Type::INT8)])
        .and_then(|row| row.try_get(0))
        .map_err(|error| message(&error))?;
    if released {
        Ok(())
    } else {
        Err("this session did not hold it (was the connection reset?)".into())
    }
}

/// Who holds the lock: pid, application name, since when, and what it is running.
fn holder(client: &mut Client, key: i64) -> Result<String, String> {
    // A bigint advisory key shows in pg_locks split into classid (high half) and objid
    // (low half), with objsubid 1.
    let rows = client
        .query_typed(
            "SELECT a.pid, a.application_name, a.state, a.query, \
                    to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                    to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
             FROM pg_catalog.pg_locks l \
             JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
               AND l.database = (SELECT oid FROM pg_catalog.pg_database \
                                 WHERE datname = current_database()) \
               AND (l.classid::bigint << 32 | l.objid::bigint) = $1",
            &[(&key, Type::INT8)],
        )
        .map_err(|error| message(&error))?;
    let Some(row) = rows.first() else {
        return Ok("another session, which has just let go,".into());
    };
    let text = |index: usize| -> String {
        row.try_get::<_, Option<String>>(index)
            .ok()
            .flatten()
            .unwrap_or_else(|| "unknown".into())
    };
    let pid: i32 = row.try_get(0).map_err(|error| error.to_string())?;
    let query: String = text(3).chars().take(QUERY_QUOTE).collect();
    Ok(format!(
        "pid {pid} (application_name {:?}, connected since {}, {} since {}, current or last query {:?})",
        text(1),
        text(4),
        text(2),
        text(5),
        query.trim(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PINNED_KEY: i64 = 789_290_440_869_634_096;

    #[test]
    fn the_key_is_stable_and_depends_on_every_name() {
        let key = lock_key("app", "public", "migrate_history");
        assert!(key >= 0);
        assert_eq!(key, lock_key("app", "public", "migrate_history"));
        assert_ne!(key, lock_key("app2", "public", "migrate_history"));
        assert_ne!(key, lock_key("app", "other", "migrate_history"));
        assert_ne!(key, lock_key("app", "public", "history"));
        // Pinned: a change would let an old and a new migrate run at once on one database.
        assert_eq!(key, PINNED_KEY);
        // Length prefixes keep moved boundaries apart.
        assert_ne!(lock_key("ab", "c", "t"), lock_key("a", "bc", "t"));
    }
}
