//! `runway man [SUBCOMMAND]`: the manual page in roff, on stdout.

use crate::cli::args::{Cli, ManArgs};
use crate::cli::print::print_stdout;
use clap::CommandFactory;
use runway::error::{Error, Result};

/// Runs `runway man`: runway's page (its subcommands listed), or the page
/// of one subcommand (`runway-run(1)`).
pub fn man(args: ManArgs) -> Result<()> {
    let cli = Cli::command();
    let page = match &args.subcommand {
        None => cli,
        Some(name) => cli
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("no subcommand {name}")))?
            .name(format!("runway-{name}"))
            .bin_name(format!("runway {name}"))
            .version(env!("CARGO_PKG_VERSION")),
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(|e| Error::Internal(format!("cannot render the manual page: {e}")))?;
    print_stdout(&String::from_utf8_lossy(&roff))
}
