//! Which function runs each method, what each is called, and how `--rare
//! auto` picks one.

use super::{Method, MethodRun, RareSpec};
use crate::engine::{Plan, Progress};
use crate::error::Result;
use crate::model::{Model, Timing};

/// A method's estimator: the estimation stage's tally and the diagnostics,
/// from a plan made with [`Plan::driven_by_scores`].
pub type Estimator = fn(&Plan, &RareSpec, &Progress) -> Result<MethodRun>;

/// The estimator of `method`.
pub fn estimator(method: Method) -> Estimator {
    match method {
        Method::Tilt => super::importance::estimate,
        Method::Split => super::splitting::estimate,
        Method::Plain => super::plain::estimate,
    }
}

impl Method {
    /// The name the command line and the reports use: `tilt`, `split`,
    /// `plain`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Tilt => "tilt",
            Method::Split => "split",
            Method::Plain => "plain",
        }
    }

    /// The method of [`Method::name`]; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Method> {
        [Method::Tilt, Method::Split, Method::Plain]
            .into_iter()
            .find(|m| m.name() == name)
    }

    /// The effective number of units a month's estimate needs before its
    /// interval is trusted: 200 insolvent paths under importance sampling
    /// (below that, on the Gaussian walk, months came out many standard
    /// errors low with too narrow intervals), 30 replicates under splitting
    /// (the central limit theorem over replicates), 30 insolvent paths for
    /// plain Monte Carlo.
    pub fn min_effective_events(self) -> f64 {
        match self {
            Method::Tilt => 200.0,
            Method::Split | Method::Plain => 30.0,
        }
    }

    /// What the method is, in a few words (the reports' method line).
    pub fn describe(self) -> &'static str {
        match self {
            Method::Tilt => "importance sampling: a mean shift of the scores toward ruin, tuned by a cross-entropy pilot",
            Method::Split => "generalised splitting on the distance to the floor",
            Method::Plain => "plain Monte Carlo on scores, every path of weight 1: the reference",
        }
    }
}

/// The method `--rare` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Let runway pick (see [`auto_method`]).
    Auto,
    /// This method.
    Use(Method),
}

/// What `--rare auto` runs, and why: splitting for a model importance
/// sampling handles badly (a funding round triggered by the company's
/// position, a shock that can strike again, debt or covenants, a discrete
/// per-path input: each makes the path a discontinuous function of its
/// scores, so a mean shift of the scores aims poorly and the weights
/// degenerate); importance sampling otherwise, where it is the more
/// efficient. The rule reads the model only, so every shard of a run picks
/// the same method.
pub fn auto_method(model: &Model, plan: &Plan) -> (Method, String) {
    let trigger = model
        .inflows
        .iter()
        .find(|f| matches!(f.timing, Timing::Trigger { .. }));
    let repeating = model.shocks.iter().find(|s| s.repeat);
    let discrete = (0..plan.input_paths().len())
        .find(|&slot| !plan.slot_is_constant(slot) && plan.slot_dist(slot).is_discrete());
    let reason = if let Some(f) = trigger {
        format!("{} is triggered by the company's position", f.path)
    } else if let Some(s) = repeating {
        format!("shocks.{} can strike again", s.name)
    } else if !model.debt.is_empty() {
        "the model has debt or covenants".to_string()
    } else if let Some(slot) = discrete {
        format!("{} is a discrete input", plan.input_paths()[slot])
    } else {
        return (
            Method::Tilt,
            "auto: no trigger, repeating shock, debt or discrete input, so importance sampling"
                .to_string(),
        );
    };
    (Method::Split, format!("auto: {reason}, so splitting"))
}
