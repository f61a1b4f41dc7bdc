//! runway: Monte Carlo cash-runway risk analysis.
//!
//! A model file (TOML) describes a company's money month by month, with every
//! uncertain number a probability distribution. runway samples many possible
//! futures (paths), steps each month by month, and reports how likely the
//! company is to run out of money by the horizon, when, and why.
//!
//! Data flow: [`model`] (parse and validate) → [`engine`] (simulate blocks of
//! paths into a [`stats::Tally`]) → [`analysis::summary::Summary`] → [`output`]
//! (render). Each stage knows nothing of the ones after it.

// Parameter checks are written `!(x > 0.0)` on purpose, as in rand_distr:
// unlike `x <= 0.0`, the negated form also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod analysis;
pub mod dist;
pub mod engine;
pub mod error;
pub mod files;
pub mod model;
pub mod output;
pub mod sampling;
pub mod simd;
pub mod stats;

pub use error::{Error, Result, Setting};
