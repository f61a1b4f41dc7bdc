//! `runway check`: validate a model and list its inputs.

use crate::cli::args::CheckArgs;
use crate::cli::print::{print_stdout, table_width};
use runway::analysis::check::Check;
use runway::error::Result;
use runway::output::render_check;

/// Runs `runway check`.
pub fn check(args: CheckArgs) -> Result<()> {
    let model = args.model.load()?;
    print_stdout(&render_check(&Check::of(&model), table_width()))
}
