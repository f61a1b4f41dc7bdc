//! Random numbers: streams keyed by (seed, block, input), and the fast
//! normal and gamma generators the engine draws from them.
//!
//! No `unsafe` here: the vector versions run through [`crate::simd`].

#![deny(unsafe_code)]

pub(crate) mod gamma;
pub mod rng;
pub(crate) mod ziggurat;
