//! SIGINT, SIGTERM and SIGHUP: stop cleanly, leave no file behind.
//!
//! [`install`] starts a thread that waits for the three signals (through
//! `signal-hook`, so it is an ordinary thread, not a signal handler). The
//! first signal is recorded ([`received`]); running simulations (which
//! hold a [`Watching`] guard) see it at their next block and return
//! [`Error::Interrupted`], whose exit code is 128 + the signal number (130
//! SIGINT, 143 SIGTERM, 129 SIGHUP), and every temporary file is removed as
//! the error unwinds. When no simulation is watching (loading a model,
//! merging partials, writing files), and on a second signal, the thread does
//! not wait: it removes every registered temporary
//! ([`crate::files::temp::remove_all`], which first lets a commit under way
//! finish or roll back) and exits at once with the code of the first signal.

use crate::error::Error;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

/// SIGHUP's number.
pub const SIGHUP: i32 = 1;
/// SIGINT's number.
pub const SIGINT: i32 = 2;
/// SIGTERM's number.
pub const SIGTERM: i32 = 15;

/// The first signal received, 0 while none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// How many [`Watching`] guards live now.
static WATCHING: AtomicUsize = AtomicUsize::new(0);

/// While one lives, a first signal only asks the work to stop (at its next
/// block) instead of exiting the process at once: hold it around work that
/// polls [`received`] often.
#[derive(Debug)]
pub struct Watching(());

impl Watching {
    /// Starts watching.
    pub fn start() -> Watching {
        WATCHING.fetch_add(1, Ordering::SeqCst);
        Watching(())
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        WATCHING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The first stop signal received so far, if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Records `signal` as received (the first one wins); returns whether one
/// had been received before. Used by the signal thread, and by library
/// users and tests that want to stop a run as a signal would.
pub fn request_stop(signal: i32) -> bool {
    RECEIVED
        .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
}

/// The error of a run stopped by the signal received (SIGINT if the stop
/// came from elsewhere).
pub fn interrupted() -> Error {
    Error::Interrupted {
        signal: received().unwrap_or(SIGINT),
    }
}

/// Installs the handling of SIGINT, SIGTERM and SIGHUP (once, at start-up).
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGHUP as HUP, SIGINT as INT, SIGTERM as TERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([INT, TERM, HUP]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("runway-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let again = request_stop(signal);
                if again || WATCHING.load(Ordering::SeqCst) == 0 {
                    exit_now(again);
                }
            }
        });
    drop(spawned);
}

/// Installs the handling of Ctrl-C (once, at start-up).
#[cfg(not(unix))]
pub fn install() {
    use signal_hook::consts::SIGINT as INT;
    // Without an iterator thread a second Ctrl-C is handled like the first.
    // SAFETY: the handler only does an atomic compare-exchange, which is
    // async-signal-safe.
    let _ = unsafe {
        signal_hook::low_level::register(INT, || {
            RECEIVED
                .compare_exchange(0, SIGINT, Ordering::SeqCst, Ordering::SeqCst)
                .ok();
        })
    };
}

/// Removes every temporary and exits with 128 + the first signal's number.
#[cfg(unix)]
fn exit_now(again: bool) -> ! {
    use std::io::Write;
    let _cleared = crate::files::temp::remove_all();
    let first = received().unwrap_or(SIGINT);
    let how = if again {
        "a second signal stopped the run at once"
    } else {
        "stopped"
    };
    let _ = writeln!(
        std::io::stderr(),
        "error: interrupted by {}: {how}; its temporary files were removed, no file is left half-written",
        crate::error::signal_name(first)
    );
    std::process::exit(128 + first)
}
