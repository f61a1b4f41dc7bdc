//! The `runway` binary: parse the command line, run, map errors to exit codes.

// Parameter checks are written `!(x > 0.0)` on purpose, as in the library:
// unlike `x <= 0.0`, the negated form also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use clap::Parser;

mod cli;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    cli::install_interrupt_handler();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: after SIGHUP stderr may be gone, and a failed
            // write must not turn the exit code into a panic's.
            let _ = writeln!(std::io::stderr(), "error: {}", cli::message(&e));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
