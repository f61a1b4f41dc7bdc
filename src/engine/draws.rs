//! A block's random inputs: the per-path inputs (independent, Latin
//! hypercube or through the Gaussian copula), each from its own stream, and
//! the monthly inputs, continued month after month from theirs.

use super::plan::{Plan, Slot};
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use crate::model::Sampling;
use crate::sampling::copula::{correlated_score, independent_scores, score_to_uniform};
use crate::sampling::lhs::latin_hypercube;
use crate::sampling::rng::stream;
use crate::sampling::ziggurat::NormalLanes;
use std::ops::Range;

/// Draws every per-path input of block `block` into `s.inputs`, and starts
/// the block's monthly and strike streams.
#[inline(always)]
pub(super) fn draw_inputs(plan: &Plan, seed: u64, block: u64, s: &mut Scratch) {
    let lhs = plan.sampling == Sampling::LatinHypercube;
    for (i, (slot, out)) in plan.slots.iter().zip(s.inputs.iter_mut()).enumerate() {
        match slot.constant {
            Some(v) => out.fill(v),
            None if plan.correlated.contains(&i) => {} // drawn jointly below
            None if lhs => {
                latin_hypercube(&mut stream(seed, block, slot.key), out);
                for x in out.iter_mut() {
                    *x = slot.inverse_cdf(*x);
                }
            }
            None => slot.dist.fill(&mut stream(seed, block, slot.key), out),
        }
    }
    if !plan.correlated.is_empty() {
        correlated_inputs(
            plan,
            seed,
            block,
            lhs,
            &mut s.inputs,
            &mut s.uniform,
            &mut s.normal_scores,
        );
    }
    for ((slot, rng), normals) in plan
        .monthly
        .iter()
        .zip(s.monthly_rngs.iter_mut())
        .zip(s.monthly_normals.iter_mut())
    {
        *rng = stream(seed, block, slot.key);
        *normals = NormalLanes::new(rng);
    }
    for (shock, rng) in plan.shocks.iter().zip(s.strike_rngs.iter_mut()) {
        *rng = stream(seed, block, shock.strike_key);
    }
}

/// Sets every per-path input of a scored block from its given scores (see
/// [`super::scores`]): constants as they are, correlated inputs through the
/// copula from their independent scores, the others through their laws.
/// (Out of line, as the monthly draws.)
#[inline(never)]
pub(super) fn inputs_from_scores(plan: &Plan, s: &mut Scratch) {
    let layout = &plan.layout;
    for (i, (slot, out)) in plan.slots.iter().zip(s.inputs.iter_mut()).enumerate() {
        match (slot.constant, layout.input[i]) {
            (Some(v), _) => out.fill(v),
            _ if plan.correlated.contains(&i) => {}
            (None, Some(d)) => values_from_scores(slot, &s.given[d], out),
            (None, None) => unreachable!("every uncertain input has a dimension"),
        }
    }
    if !plan.correlated.is_empty() {
        for (&slot, column) in plan.correlated.iter().zip(s.normal_scores.iter_mut()) {
            let d = layout.input[slot].expect("a correlated input is uncertain");
            column.copy_from_slice(&s.given[d]);
        }
        mix_correlated(plan, &mut s.inputs, &s.normal_scores);
    }
}

/// The values of `slot` at standard normal scores `z`: straight from the
/// score for a normal or lognormal, else its inverse CDF at Φ(z).
#[inline(always)]
fn values_from_scores(slot: &Slot, z: &[f64], out: &mut [f64]) {
    match slot.dist.normal_score_map() {
        Some(map) => {
            for (x, &z) in out.iter_mut().zip(z) {
                *x = map.at(z);
            }
        }
        None => {
            for (x, &z) in out.iter_mut().zip(z) {
                *x = slot.inverse_cdf(score_to_uniform(z));
            }
        }
    }
}

/// Draws the correlated inputs through a Gaussian copula: independent
/// standard normals from each input's own stream (Latin hypercube scores
/// under LHS), mixed by the Cholesky factor, mapped to uniforms by Φ and to
/// each input's own distribution by its inverse CDF, so the marginals stay
/// exactly as specified.
#[inline(always)]
fn correlated_inputs(
    plan: &Plan,
    seed: u64,
    block: u64,
    lhs: bool,
    inputs: &mut [Vec<f64>],
    strata: &mut [f64],
    z: &mut [Vec<f64>],
) {
    for (&slot, column) in plan.correlated.iter().zip(z.iter_mut()) {
        let mut rng = stream(seed, block, plan.slots[slot].key);
        independent_scores(&mut rng, lhs, strata, column);
    }
    mix_correlated(plan, inputs, z);
}

/// The correlated inputs from their independent scores `z` (by row of the
/// copula): mixed by the Cholesky factor, then mapped to each input's law.
#[inline(always)]
fn mix_correlated(plan: &Plan, inputs: &mut [Vec<f64>], z: &[Vec<f64>]) {
    for (row, &slot) in plan.correlated.iter().enumerate() {
        let l = &plan.cholesky[row];
        let out = &mut inputs[slot];
        match plan.slots[slot].dist.normal_score_map() {
            // Normal and lognormal inputs: the value straight from the score.
            Some(map) => {
                for j in 0..BLOCK_SIZE {
                    out[j] = map.at(correlated_score(l, z, row, j));
                }
            }
            None => {
                for j in 0..BLOCK_SIZE {
                    let u = score_to_uniform(correlated_score(l, z, row, j));
                    out[j] = plan.slots[slot].inverse_cdf(u);
                }
            }
        }
    }
}

/// Draws month `t`'s monthly inputs for paths `r`, continuing each slot's
/// stream, or from the given scores in a scored block (noise is stored as
/// exp(ε)).
#[inline(always)]
pub(super) fn draw_monthly<const SCORED: bool>(
    plan: &Plan,
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
) {
    if SCORED {
        monthly_from_scores(plan, s, r, t);
    } else {
        draw_monthly_from_streams(plan, s, r);
    }
}

/// Month's monthly inputs for paths `r`, continuing each slot's stream.
#[inline(always)]
fn draw_monthly_from_streams(plan: &Plan, s: &mut Scratch, r: &Range<usize>) {
    for (((slot, rng), normals), out) in plan
        .monthly
        .iter()
        .zip(s.monthly_rngs.iter_mut())
        .zip(s.monthly_normals.iter_mut())
        .zip(s.monthly.iter_mut())
    {
        let out = &mut out[r.clone()];
        match slot.constant {
            Some(v) => out.fill(if slot.exp {
                crate::simd::fastmath::exp(v)
            } else {
                v
            }),
            None => {
                slot.dist.fill_continuing(rng, normals, out);
                if slot.exp {
                    crate::simd::fastmath::exp_in_place(out);
                }
            }
        }
    }
}

/// Month `t`'s monthly inputs for paths `r` of a scored block.
#[inline(always)]
fn monthly_from_scores(plan: &Plan, s: &mut Scratch, r: &Range<usize>, t: u32) {
    let layout = &plan.layout;
    for (k, (slot, out)) in plan.monthly.iter().zip(s.monthly.iter_mut()).enumerate() {
        let out = &mut out[r.clone()];
        match (slot.constant, layout.monthly[k]) {
            (Some(v), _) => out.fill(v),
            (None, Some(rank)) => {
                let z = &s.given[layout.monthly_dimension(rank, t)][r.clone()];
                values_from_scores(slot, z, out);
            }
            (None, None) => unreachable!("every uncertain monthly input has a rank"),
        }
        if slot.exp {
            crate::simd::fastmath::exp_in_place(out);
        }
    }
}
