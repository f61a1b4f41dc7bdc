//! runway: Monte Carlo cash-runway risk analysis.
//!
//! A model file (TOML) describes a company's money month by month, with every
//! uncertain number a probability distribution. runway samples many possible
//! futures (paths), steps each month by month, and reports how likely the
//! company is to run out of money by the horizon, when, and why.
//!
//! Data flow: [`model`] (parse and validate) → [`engine`] (simulate blocks of
//! paths into a [`stats::Tally`]) → [`summary::Summary`] → [`report`]
//! (render). Each stage knows nothing of the ones after it.

// Parameter checks are written `!(x > 0.0)` on purpose, as in rand_distr:
// unlike `x <= 0.0`, the negated form also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod backtest;
pub mod bench;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod fastmath;
mod gamma;
pub mod isa;
pub mod model;
pub mod report;
pub mod rng;
pub mod sensitivity;
pub mod shard;
pub mod signals;
pub mod stats;
pub mod summary;
mod ziggurat;

pub use error::{Error, Result};
