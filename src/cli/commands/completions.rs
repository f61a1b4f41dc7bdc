//! `runway completions SHELL`: the shell completion script, on stdout.

use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::print::print_stdout;
use clap::CommandFactory;
use runway::error::Result;

/// Runs `runway completions`.
pub fn completions(args: CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "runway", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}
