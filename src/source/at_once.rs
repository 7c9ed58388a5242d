//! Two pieces of work on two threads, for the halves of a long file (its read, its UTF-8
//! check), where one core would do both halves one after the other.

/// Runs `beside` on a thread of its own and `here` on this one; both results. A panic on
/// the other thread goes on here.
pub(super) fn at_once<H, B: Send>(
    here: impl FnOnce() -> H,
    beside: impl FnOnce() -> B + Send,
) -> (H, B) {
    std::thread::scope(|scope| {
        let beside = scope.spawn(beside);
        let here = here();
        let beside = beside
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (here, beside)
    })
}
