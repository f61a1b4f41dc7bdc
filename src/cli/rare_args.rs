//! The `--rare` flag of `run` (and of the commands that refuse it, so that
//! they can say why).

use clap::{Args, ValueEnum};
use runway::analysis::rare::{Choice, Method};

/// `--rare [METHOD]`.
#[derive(Debug, Args, Clone)]
pub struct RareArgs {
    /// Estimate small insolvency probabilities (1e-4 to 1e-8) by sampling
    /// aimed at ruin, each with its 95 % interval and effective paths:
    /// auto (default), tilt (importance sampling), split (splitting on the
    /// distance to the floor) or plain (plain Monte Carlo on scores, the
    /// reference). Write it after the model, or as --rare=METHOD.
    #[arg(long, value_name = "METHOD", value_enum, num_args = 0..=1, default_missing_value = "auto")]
    pub rare: Option<RareMethod>,
}

/// The methods `--rare` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RareMethod {
    /// Splitting for a model with triggers, repeating shocks, debt or
    /// discrete inputs; importance sampling otherwise.
    Auto,
    /// Importance sampling: a mean shift of the scores toward ruin.
    Tilt,
    /// Generalised splitting on the distance to the floor.
    Split,
    /// Plain Monte Carlo on scores (the reference; no use for rare events).
    Plain,
}

impl RareMethod {
    /// The library's choice.
    pub fn choice(self) -> Choice {
        match self {
            RareMethod::Auto => Choice::Auto,
            RareMethod::Tilt => Choice::Use(Method::Tilt),
            RareMethod::Split => Choice::Use(Method::Split),
            RareMethod::Plain => Choice::Use(Method::Plain),
        }
    }
}
