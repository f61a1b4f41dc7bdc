//! Random numbers: streams keyed by (seed, block, input), the fast normal
//! and gamma generators the engine draws from them, Latin hypercube strata
//! and the Gaussian copula's scores.
//!
//! No `unsafe` here: the vector versions run through [`crate::simd`].

#![deny(unsafe_code)]

pub(crate) mod copula;
pub(crate) mod gamma;
pub(crate) mod lhs;
pub mod rng;
pub(crate) mod ziggurat;

pub use copula::{standard_normal_cdf, standard_normal_quantile};
pub use ziggurat::standard_normal;
