//! Cleanup on Ctrl-C (and SIGTERM) for what provision starts outside this process: a
//! PostgreSQL cluster or a container would otherwise outlive an interrupted run, since
//! exiting on a signal runs no destructors.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// The exit code after an interrupt: 128 + SIGINT, as shells report it.
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

type Cleanup = Box<dyn FnOnce() + Send>;

static PENDING: Mutex<BTreeMap<u64, Cleanup>> = Mutex::new(BTreeMap::new());
static NEXT_KEY: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();

/// A cleanup that runs if the process is interrupted while this is alive. Dropping it
/// forgets the cleanup: the owner's own `Drop` does the work on the normal path.
pub struct OnInterrupt {
    key: u64,
}

impl OnInterrupt {
    /// Registers `cleanup`, installing the signal handler on first use.
    ///
    /// A program that installs its own Ctrl-C handler first keeps it (a process has only
    /// one); that handler should call [`run_interrupt_cleanups`].
    pub fn register(cleanup: impl FnOnce() + Send + 'static) -> Self {
        INSTALL.call_once(|| {
            if let Err(error) = ctrlc::set_handler(on_signal) {
                let _ = writeln!(
                    std::io::stderr(),
                    "migrate: cannot handle Ctrl-C ({error}); an interrupted run may leave \
                     a scratch PostgreSQL behind"
                );
            }
        });
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        pending().insert(key, Box::new(cleanup));
        Self { key }
    }

    /// Runs this one cleanup now, as an interrupt would.
    #[cfg(test)]
    pub(crate) fn run_now(&self) {
        let cleanup = pending().remove(&self.key);
        if let Some(cleanup) = cleanup {
            cleanup();
        }
    }
}

impl Drop for OnInterrupt {
    fn drop(&mut self) {
        pending().remove(&self.key);
    }
}

/// Runs every registered cleanup (each once). For a program with a Ctrl-C handler of its
/// own; provision's handler calls it and exits with [`INTERRUPTED_EXIT_CODE`].
pub fn run_interrupt_cleanups() {
    // Taken out before running, so a cleanup that blocks never holds the lock.
    let cleanups = std::mem::take(&mut *pending());
    for cleanup in cleanups.into_values() {
        cleanup();
    }
}

fn on_signal() {
    let _ = writeln!(
        std::io::stderr(),
        "migrate: interrupted; removing scratch databases"
    );
    run_interrupt_cleanups();
    std::process::exit(INTERRUPTED_EXIT_CODE);
}

fn pending() -> MutexGuard<'static, BTreeMap<u64, Cleanup>> {
    // A cleanup that panicked leaves the map itself intact.
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}
