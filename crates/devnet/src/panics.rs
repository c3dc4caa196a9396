//! What a panic does in the devnet binary. A node that went on after one would answer with
//! a poisoned chain lock (every request dropped) while it still looked alive, so a panic
//! stops the process, except inside `contain`, where a damaged data directory's panics in
//! redb come back as errors.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Makes any panic outside `contain` print its message and end the process (exit code 101,
/// as a panic in `main` would).
pub fn exit_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if CONTAINED.get() {
            return;
        }
        report(info);
        std::process::exit(101);
    }));
}

/// Runs `f`; a panic inside it comes back as its message, without being printed.
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CONTAINED.replace(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.set(outer);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}
