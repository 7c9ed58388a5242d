//! Cleanup on Ctrl-C, SIGTERM (a CI job cancelled) and SIGHUP (a terminal closed) for what
//! provision makes outside this process's memory: scratch files and databases, a
//! PostgreSQL cluster or a container would otherwise outlive an interrupted run, since
//! exiting on a signal runs no destructors. ctrlc's `termination` feature sends all three
//! to one handler, which is not told which one came: the exit code is 130 for each.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError, RwLock, RwLockReadGuard};

/// The exit code after an interrupt: 128 + SIGINT, as shells report it.
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

type Cleanup = Box<dyn FnOnce() + Send>;

static PENDING: Mutex<BTreeMap<u64, Cleanup>> = Mutex::new(BTreeMap::new());
static NEXT_KEY: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Held (shared) while a scratch database or file is made and its cleanup registered, and
/// (alone) by the signal handler from the signal to the exit: an interrupt waits for every
/// half-made one to be registered (so it is cleaned up too), and nothing new is made
/// after it. Shared, so that the databases of several shards are made at once.
static MAKING: RwLock<()> = RwLock::new(());

/// Keeps an interrupt's cleanup from starting until it is dropped; see [`hold_interrupts`].
pub(crate) struct HoldInterrupts {
    _guard: RwLockReadGuard<'static, ()>,
}

/// Held around making something and registering its cleanup: an interrupt that comes in
/// between then cleans it up rather than leaving it behind. Once interrupted, this blocks
/// until the process exits, so nothing is made that no cleanup would remove.
pub(crate) fn hold_interrupts() -> HoldInterrupts {
    HoldInterrupts {
        _guard: MAKING.read().unwrap_or_else(PoisonError::into_inner),
    }
}

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
                     scratch databases behind"
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

/// Blocks for good once a signal's cleanup has begun (the handler then exits the process
/// with [`INTERRUPTED_EXIT_CODE`]); returns at once otherwise. For the end of `main`: the
/// cleanup closes connections the main thread may be using, and the error that follows
/// must neither be printed nor end the process before the cleanup is done.
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

fn on_signal() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let _ = writeln!(
        std::io::stderr(),
        "migrate: interrupted; removing scratch databases"
    );
    // Never released: the process exits holding it.
    let _making = MAKING.write().unwrap_or_else(PoisonError::into_inner);
    run_interrupt_cleanups();
    std::process::exit(INTERRUPTED_EXIT_CODE);
}

fn pending() -> MutexGuard<'static, BTreeMap<u64, Cleanup>> {
    // A cleanup that panicked leaves the map itself intact.
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}
