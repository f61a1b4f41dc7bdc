//! `runway check`: validate a model and list its inputs.

use crate::cli::args::CheckArgs;
use crate::cli::print::print_result;
use runway::analysis::check::Check;
use runway::error::Result;

/// Runs `runway check`.
pub fn check(args: CheckArgs) -> Result<()> {
    let model = args.model.load()?;
    print_result(&Check::of(&model), args.format)
}
