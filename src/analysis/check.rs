//! What `runway check` reports of a valid model: its shape, and every input
//! the engine draws with its spread (5th percentile, median, 95th).

use crate::model::{Input, Model};

/// A checked model and the spread of each of its inputs.
#[derive(Debug, Clone)]
pub struct Check<'a> {
    /// The model (valid: it was built by validation).
    pub model: &'a Model,
    /// Every drawn input: those drawn once per path, in the engine's order,
    /// then those drawn every month.
    pub inputs: Vec<InputSpread<'a>>,
}

/// How often an input is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Once per path.
    PerPath,
    /// Once per path and month.
    Monthly,
}

/// One input and the quantiles of its distribution.
#[derive(Debug, Clone)]
pub struct InputSpread<'a> {
    /// The input (its path and distribution).
    pub input: &'a Input,
    /// How often it is drawn.
    pub drawn: Drawn,
    /// The 5th percentile (the value itself for a constant).
    pub p5: f64,
    /// The median.
    pub median: f64,
    /// The 95th percentile.
    pub p95: f64,
    /// The quantiles the input was given by (a metalog, a `quantiles`
    /// fit), each with the fitted distribution's value there; empty for
    /// an input given by its parameters.
    pub fit: Vec<FittedQuantile>,
}

/// A quantile an input was given by, and where its distribution puts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FittedQuantile {
    /// The probability.
    pub probability: f64,
    /// The value given.
    pub given: f64,
    /// The fitted distribution's quantile at that probability.
    pub fitted: f64,
}

impl<'a> Check<'a> {
    /// The check of `model`: its inputs' quantiles from their distributions.
    pub fn of(model: &'a Model) -> Check<'a> {
        let per_path = model.path_inputs().into_iter().map(|i| (i, Drawn::PerPath));
        let monthly = model
            .monthly_inputs()
            .into_iter()
            .map(|i| (i, Drawn::Monthly));
        let inputs = per_path
            .chain(monthly)
            .map(|(input, drawn)| {
                let d = &input.dist;
                let (p5, median, p95) = match d.as_constant() {
                    Some(v) => (v, v, v),
                    None => (d.quantile(0.05), d.quantile(0.5), d.quantile(0.95)),
                };
                let fit = (d.fitted_to().unwrap_or_default().iter())
                    .map(|&(probability, given)| FittedQuantile {
                        probability,
                        given,
                        fitted: d.quantile(probability),
                    })
                    .collect();
                InputSpread {
                    input,
                    drawn,
                    p5,
                    median,
                    p95,
                    fit,
                }
            })
            .collect();
        Check { model, inputs }
    }
}
