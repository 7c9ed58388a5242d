//! The databases of a split verify's later shards, made while the first one is.
//!
//! A server named by URL makes its first database while the directory is read; each later
//! shard then made its own as it started (17-25 ms on a server in memory), and the last
//! shard to start is the one a 100-revision run waits for. Made beside the first, on
//! sessions of their own, they are ready when the shards start. How many is known only
//! once the directory is read, and what a database costs only once the first is made: a
//! spare the split then does not take is dropped beside the walk.

use super::error::ProvisionError;
use super::postgres_server::{PostgresServer, make_database};
use super::scratch::Provider;

impl PostgresServer {
    /// [`Self::check`], and meanwhile as many more databases as `wanted` says once it
    /// returns (it may wait for the directory to be read), each on a session of its own.
    /// A spare that fails to be made is left out: the shard that would have taken it makes
    /// its own when it starts, and reports the failure then.
    pub fn check_making_spares(
        &mut self,
        wanted: impl FnOnce() -> usize + Send,
    ) -> Result<(), ProvisionError> {
        let (url, provider) = (self.url.clone(), self.describe());
        let (checked, spares) = std::thread::scope(|scope| {
            let spares = scope.spawn(|| {
                let making: Vec<_> = (0..wanted())
                    .map(|_| scope.spawn(|| make_database(&url, &provider, None)))
                    .collect();
                making
                    .into_iter()
                    .filter_map(|made| made.join().ok()?.ok())
                    .collect::<Vec<_>>()
            });
            let checked = self.check();
            (checked, spares.join().unwrap_or_default())
        });
        checked?;
        self.spares.extend(spares);
        Ok(())
    }

    /// Drops, on a thread of their own, the spares beyond the first `keep`.
    pub(super) fn release_beyond(&mut self, keep: usize) {
        if self.spares.len() > keep {
            let released = self.spares.split_off(keep);
            self.releasing
                .push(std::thread::spawn(move || drop(released)));
        }
    }
}
