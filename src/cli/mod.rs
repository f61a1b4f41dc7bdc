//! The command line: arguments ([`args`]), their checks and the outputs
//! they name ([`config`]), one file per subcommand ([`commands`]), the
//! progress bar ([`progress`]), printing ([`print`]) and the messages of
//! errors ([`message`]).

mod args;
mod commands;
mod config;
mod engine_calls;
mod message;
mod print;
mod progress;
mod rare_args;
mod rare_config;
mod solve_config;
mod update_config;

pub use args::Cli;
pub use message::message;

use runway::error::{Error, Result};
use std::panic::AssertUnwindSafe;

/// Installs the handling of SIGINT, SIGTERM and SIGHUP once (see
/// [`runway::files::signals`]): the first signal stops the run cleanly at
/// its next block (no output file, exit code 128 + the signal number: 130,
/// 143, 129); a second one removes every temporary file and exits at once.
pub fn install_interrupt_handler() {
    runway::files::signals::install();
}

/// Runs one parsed command line. A panic is a bug of runway: it is
/// reported as an [`Error::Internal`] (exit code 1), after its temporary
/// files are removed.
pub fn run(cli: Cli) -> Result<()> {
    std::panic::catch_unwind(AssertUnwindSafe(|| commands::dispatch(cli)))
        .unwrap_or_else(|_| Err(Error::Internal("runway panicked".into())))
}
