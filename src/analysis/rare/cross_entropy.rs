//! The cross-entropy pilot of importance sampling: the mean shift θ of the
//! scores, tuned from the seed only (see [`super::importance::estimate`]).
//!
//! Each iteration simulates [`PILOT_BLOCKS`] whole blocks under the current
//! θ, from streams of the pilot's seed (a mix of the run's seed, so every
//! shard repeats it) numbered by iteration. The batch's distances to the
//! floor give the level, the 10 % quantile; the paths at or below it (the
//! elite) give the new θ, the mean of their scores weighted by their
//! likelihood ratios to the model's own law. The scores are not kept: they
//! are drawn again from their streams, block by block in block order, so
//! memory stays at two numbers a path and θ is the same for any thread
//! count.
//!
//! Why these sizes: 8 blocks (8 192 paths) give an elite of about 800
//! paths, enough to place a shift of each of a few dozen dimensions within
//! about 0.05 standard deviations, while a pilot of 4 to 6 iterations stays
//! below half of a 10⁵-path estimation stage.

use super::importance::{cancelled, draw_shifted};
use crate::engine::{for_each_block, Plan, Progress, RunSpec, ScoredBlock, BLOCK_SIZE};
use crate::error::Result;
use crate::sampling::rng::stream;
use crate::sampling::standard_normal;

/// Blocks of each pilot iteration.
pub const PILOT_BLOCKS: u64 = 8;
/// The fraction of a batch whose distance sets the level (ρ).
pub const ELITE_FRACTION: f64 = 0.1;
/// The weight of the new shift against the previous one (α).
pub const SMOOTHING: f64 = 0.7;
/// Iterations before the pilot gives up on reaching the floor.
pub const MAX_ITERATIONS: u64 = 16;
/// The largest shift of one dimension, in standard deviations.
pub const MAX_SHIFT: f64 = 4.0;
/// A dimension whose elite mean is within this many standard errors of 0
/// is not shifted.
pub const NOISE_ERRORS: f64 = 2.0;

/// What the pilot chose.
#[derive(Debug, Clone)]
pub(super) struct Pilot {
    /// The mean shift of each score dimension.
    pub theta: Vec<f64>,
    /// The level of each iteration (last 0 when the pilot reached the floor).
    pub levels: Vec<f64>,
    /// Paths simulated.
    pub paths: u64,
    /// Why the shift may be poor (empty when the pilot reached the floor).
    pub warnings: Vec<String>,
}

/// One pilot batch, in block order: each path's distance to the floor and
/// log-likelihood ratio.
struct Batch {
    distance: Vec<f64>,
    log_w: Vec<f64>,
}

/// The seed of the pilot's streams: a mix of the run's seed alone.
fn pilot_seed(seed: u64) -> u64 {
    let mut z = seed ^ 0x4345_5f70_696c_6f74; // "CE_pilot"
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Runs the pilot for the plan whose dimensions' stream keys are `keys`.
pub(super) fn tune(
    plan: &Plan,
    keys: &[u64],
    spec: &super::RareSpec,
    progress: &Progress,
) -> Result<Pilot> {
    let seed = pilot_seed(spec.seed);
    let mut theta = vec![0.0; keys.len()];
    let mut levels = Vec::new();
    let mut paths = 0;
    for iteration in 0..MAX_ITERATIONS {
        cancelled(progress)?;
        let first = iteration * PILOT_BLOCKS;
        let batch = simulate_batch(plan, keys, &theta, seed, first, spec.threads)?;
        paths += batch.distance.len() as u64;
        let level = level_of(&batch.distance);
        levels.push(level);
        let new = elite_mean(keys, &theta, seed, first, &batch, level);
        for (t, n) in theta.iter_mut().zip(new) {
            *t = SMOOTHING * n + (1.0 - SMOOTHING) * *t;
        }
        if level <= 0.0 {
            return Ok(Pilot {
                theta,
                levels,
                paths,
                warnings: Vec::new(),
            });
        }
    }
    let lowest = levels.last().copied().unwrap_or(f64::INFINITY);
    Ok(Pilot {
        theta,
        levels,
        paths,
        warnings: vec![format!(
            "the cross-entropy pilot did not reach the floor in {MAX_ITERATIONS} iterations of \
             {} paths (its paths stayed at least {lowest:.4} above it): the shift is not aimed \
             at insolvency and the estimate is unreliable; try --rare split",
            PILOT_BLOCKS * BLOCK_SIZE as u64
        )],
    })
}

/// Simulates the pilot blocks `first..first + PILOT_BLOCKS` under `theta`.
fn simulate_batch(
    plan: &Plan,
    keys: &[u64],
    theta: &[f64],
    seed: u64,
    first: u64,
    threads: usize,
) -> Result<Batch> {
    let spec = RunSpec {
        paths: (first + PILOT_BLOCKS) * BLOCK_SIZE as u64,
        seed,
        threads,
        fan: false,
        blocks: Some(first..first + PILOT_BLOCKS),
    };
    type Found = Vec<(u64, Vec<f64>, Vec<f64>)>;
    let workers = for_each_block(
        &spec,
        &Progress::default(),
        || (ScoredBlock::new(plan), Found::new()),
        |(scored, found), block, n| {
            let mut log_w = vec![0.0; BLOCK_SIZE];
            draw_shifted(scored, keys, theta, seed, block, &mut log_w);
            let view = scored.simulate(plan, block, n)?;
            let distance = (0..n)
                .map(|j| super::distance_to_floor(&view.outcome(j), plan.floor()))
                .collect();
            found.push((block, distance, log_w));
            Ok(())
        },
    )?;
    let mut blocks: Found = workers.into_iter().flat_map(|(_, found)| found).collect();
    blocks.sort_by_key(|(block, _, _)| *block);
    let mut batch = Batch {
        distance: Vec::with_capacity(blocks.len() * BLOCK_SIZE),
        log_w: Vec::with_capacity(blocks.len() * BLOCK_SIZE),
    };
    for (_, distance, log_w) in blocks {
        batch.distance.extend(distance);
        batch.log_w.extend(log_w);
    }
    Ok(batch)
}

/// The level of a batch: the [`ELITE_FRACTION`] quantile of its distances
/// (an order statistic, 0 once that many paths are insolvent).
fn level_of(distance: &[f64]) -> f64 {
    let mut sorted = distance.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((ELITE_FRACTION * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].max(0.0)
}

/// The new shift: the mean score of each dimension over the paths at or
/// below `level`, weighted by their likelihood ratios; a dimension within
/// [`NOISE_ERRORS`] standard errors of 0 is not shifted, and no shift
/// exceeds [`MAX_SHIFT`]. The scores are drawn again from their streams,
/// in block order.
fn elite_mean(
    keys: &[u64],
    theta: &[f64],
    seed: u64,
    first: u64,
    batch: &Batch,
    level: f64,
) -> Vec<f64> {
    let elite: Vec<bool> = batch.distance.iter().map(|&d| d <= level).collect();
    let top = (batch.log_w.iter().zip(&elite))
        .filter(|(_, &e)| e)
        .map(|(&lw, _)| lw)
        .fold(f64::NEG_INFINITY, f64::max);
    // Weights relative to the largest: the ratios are what matter.
    let w: Vec<f64> = (batch.log_w.iter().zip(&elite))
        .map(|(&lw, &e)| if e { (lw - top).exp() } else { 0.0 })
        .collect();
    let sum_w: f64 = w.iter().sum();
    let sum_w2: f64 = w.iter().map(|x| x * x).sum();
    let ess = sum_w * sum_w / sum_w2;
    let blocks = batch.distance.len() / BLOCK_SIZE;
    keys.iter()
        .zip(theta)
        .map(|(&key, &shift)| {
            let (mut mean, mut square) = (0.0, 0.0);
            for b in 0..blocks {
                let mut rng = stream(seed, first + b as u64, key);
                let weights = &w[b * BLOCK_SIZE..(b + 1) * BLOCK_SIZE];
                for &wj in weights {
                    let z = standard_normal(&mut rng) + shift;
                    mean += wj * z;
                    square += wj * z * z;
                }
            }
            let (mean, square) = (mean / sum_w, square / sum_w);
            let se = ((square - mean * mean).max(0.0) / ess).sqrt();
            if mean.abs() < NOISE_ERRORS * se || !mean.is_finite() {
                0.0
            } else {
                mean.clamp(-MAX_SHIFT, MAX_SHIFT)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_the_tenth_smallest_distance_of_a_hundred() {
        let distance: Vec<f64> = (0..100).rev().map(f64::from).collect();
        assert_eq!(level_of(&distance), 9.0);
        let mut insolvent = distance.clone();
        insolvent[..20].fill(0.0);
        assert_eq!(level_of(&insolvent), 0.0);
    }

    #[test]
    fn the_pilot_seed_depends_on_the_seed_and_differs_from_it() {
        assert_ne!(pilot_seed(1), pilot_seed(2));
        assert_ne!(pilot_seed(1), 1);
        assert_eq!(pilot_seed(7), pilot_seed(7));
    }
}
