//! The splitting method's particles: score vectors with what their paths
//! gave (distance to the floor, first insolvent month, which inflows arrived
//! and which shocks struck), simulated in batches of [`BLOCK_SIZE`] through
//! one scored block, and moved by the preconditioned Crank–Nicolson chain.

use crate::analysis::rare::distance_to_floor;
use crate::engine::{Plan, ScoredBlock, BLOCK_SIZE};
use crate::error::Result;
use crate::sampling::rng::{open01, StreamRng};
use crate::sampling::standard_normal;

/// A population of paths given by their scores (row-major, `dims` scores a
/// particle) and their outcomes.
#[derive(Debug, Clone, Default)]
pub(super) struct Particles {
    dims: usize,
    marks: usize,
    /// Scores, particle by particle.
    pub z: Vec<f64>,
    /// Distance to the floor ([`distance_to_floor`]).
    pub s: Vec<f64>,
    /// First insolvent month, 0 when solvent.
    pub month: Vec<u32>,
    /// Inflows arrived, then shocks struck (0 or 1), particle by particle.
    pub flags: Vec<u8>,
}

impl Particles {
    /// An empty population of `dims` scores and `marks` flags a particle.
    pub fn new(dims: usize, marks: usize) -> Particles {
        Particles {
            dims,
            marks,
            ..Particles::default()
        }
    }

    /// Particles in the population.
    pub fn len(&self) -> usize {
        self.s.len()
    }

    /// Makes room for `n` particles (their outcomes unknown: zero).
    pub fn resize(&mut self, n: usize) {
        self.z.resize(n * self.dims, 0.0);
        self.s.resize(n, 0.0);
        self.month.resize(n, 0);
        self.flags.resize(n * self.marks, 0);
    }

    /// Removes every particle.
    pub fn clear(&mut self) {
        self.resize(0);
    }

    /// Appends `copies` copies of particle `i` of `from`.
    pub fn push_copies(&mut self, from: &Particles, i: usize, copies: usize) {
        let (d, k) = (self.dims, self.marks);
        for _ in 0..copies {
            self.z.extend_from_slice(&from.z[i * d..(i + 1) * d]);
            self.s.push(from.s[i]);
            self.month.push(from.month[i]);
            self.flags
                .extend_from_slice(&from.flags[i * k..(i + 1) * k]);
        }
    }

    /// Copies particle `i` of `from` onto particle `j` of `self`.
    fn copy_from(&mut self, j: usize, from: &Particles, i: usize) {
        let (d, k) = (self.dims, self.marks);
        self.z[j * d..(j + 1) * d].copy_from_slice(&from.z[i * d..(i + 1) * d]);
        self.s[j] = from.s[i];
        self.month[j] = from.month[i];
        self.flags[j * k..(j + 1) * k].copy_from_slice(&from.flags[i * k..(i + 1) * k]);
    }

    /// Keeps the particles whose distance to the floor is at most `level`,
    /// in their order.
    pub fn retain_within(&mut self, level: f64) {
        let mut kept = 0;
        for i in 0..self.len() {
            if self.s[i] <= level {
                if kept != i {
                    let (d, k) = (self.dims, self.marks);
                    self.z.copy_within(i * d..(i + 1) * d, kept * d);
                    self.flags.copy_within(i * k..(i + 1) * k, kept * k);
                    self.s[kept] = self.s[i];
                    self.month[kept] = self.month[i];
                }
                kept += 1;
            }
        }
        self.resize(kept);
    }

    /// Keeps `m` of the particles, chosen uniformly at random (a partial
    /// Fisher–Yates shuffle from `rng`).
    pub fn thin_to(&mut self, m: usize, rng: &mut StreamRng) {
        let n = self.len();
        for i in 0..m.min(n) {
            let j = i + ((open01(rng) * (n - i) as f64) as usize).min(n - i - 1);
            if j != i {
                self.swap(i, j);
            }
        }
        self.resize(m.min(n));
    }

    fn swap(&mut self, i: usize, j: usize) {
        let (d, k) = (self.dims, self.marks);
        for c in 0..d {
            self.z.swap(i * d + c, j * d + c);
        }
        for c in 0..k {
            self.flags.swap(i * k + c, j * k + c);
        }
        self.s.swap(i, j);
        self.month.swap(i, j);
    }
}

/// A worker's simulator of particles: one scored block, and the count of
/// paths it simulated.
pub(super) struct Simulator<'p> {
    plan: &'p Plan,
    block: ScoredBlock,
    inflows: usize,
    shocks: usize,
    /// Paths simulated so far (candidates included; the unused columns of a
    /// partial block not counted).
    pub simulated: u64,
    /// Spare particles for the chain's candidates.
    candidates: Particles,
}

impl<'p> Simulator<'p> {
    /// A simulator of `plan`'s paths (a plan driven by scores).
    pub fn new(plan: &'p Plan) -> Simulator<'p> {
        let shape = plan.empty_tally(0, false);
        let (inflows, shocks) = (shape.inflow_arrived.len(), shape.shock_struck.len());
        Simulator {
            plan,
            block: ScoredBlock::new(plan),
            inflows,
            shocks,
            simulated: 0,
            candidates: Particles::new(plan.score_layout().len(), inflows + shocks),
        }
    }

    /// Inflows and shocks of the plan.
    pub fn marks(&self) -> (usize, usize) {
        (self.inflows, self.shocks)
    }

    /// An empty population for this plan.
    pub fn particles(&self) -> Particles {
        Particles::new(self.plan.score_layout().len(), self.inflows + self.shocks)
    }

    /// Simulates every particle of `p` from its scores and writes its
    /// outcome (`tag`: the number the blocks carry).
    pub fn evaluate(&mut self, p: &mut Particles, tag: u64) -> Result<()> {
        let (d, k) = (p.dims, p.marks);
        let floor = self.plan.floor();
        for start in (0..p.len()).step_by(BLOCK_SIZE) {
            let m = (p.len() - start).min(BLOCK_SIZE);
            for (c, column) in self.block.scores_mut().iter_mut().enumerate() {
                for (j, x) in column[..m].iter_mut().enumerate() {
                    *x = p.z[(start + j) * d + c];
                }
            }
            let view = self.block.simulate(self.plan, tag, m)?;
            for j in 0..m {
                let i = start + j;
                let outcome = view.outcome(j);
                p.s[i] = distance_to_floor(&outcome, floor);
                p.month[i] = outcome.insolvent_month.unwrap_or(0);
                for a in 0..self.inflows {
                    p.flags[i * k + a] = view.arrived(a)[j];
                }
                for b in 0..self.shocks {
                    p.flags[i * k + self.inflows + b] = view.struck(b)[j];
                }
            }
            self.simulated += m as u64;
        }
        Ok(())
    }

    /// One move of the preconditioned Crank–Nicolson chain for every
    /// particle of `p`: the candidate z' = √(1 − σ²) z + σ ξ (ξ standard
    /// normal, from `rng`), taken when its distance to the floor is at most
    /// `level`. The move keeps N(0, I) restricted to that level invariant.
    /// Returns how many candidates were taken.
    pub fn propose(
        &mut self,
        p: &mut Particles,
        sigma: f64,
        level: f64,
        rng: &mut StreamRng,
        tag: u64,
    ) -> Result<usize> {
        let mut cand = std::mem::take(&mut self.candidates);
        cand.clear();
        cand.resize(p.len());
        let keep = (1.0 - sigma * sigma).sqrt();
        for (x, &z) in cand.z.iter_mut().zip(&p.z) {
            *x = keep * z + sigma * standard_normal(rng);
        }
        let result = self.evaluate(&mut cand, tag);
        let mut taken = 0;
        if result.is_ok() {
            for i in 0..p.len() {
                if cand.s[i] <= level {
                    p.copy_from(i, &cand, i);
                    taken += 1;
                }
            }
        }
        self.candidates = cand;
        result.map(|()| taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::rng::stream;

    fn numbered(n: usize) -> Particles {
        let mut p = Particles::new(2, 1);
        p.resize(n);
        for i in 0..n {
            p.z[2 * i] = i as f64;
            p.z[2 * i + 1] = -(i as f64);
            p.s[i] = i as f64;
            p.month[i] = i as u32;
            p.flags[i] = (i % 2) as u8;
        }
        p
    }

    #[test]
    fn retaining_keeps_each_particle_whole_and_in_order() {
        let mut p = numbered(10);
        p.retain_within(4.5);
        assert_eq!(p.len(), 5);
        assert_eq!(p.s, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(p.z[6..8], [3.0, -3.0]);
        assert_eq!(p.flags, vec![0, 1, 0, 1, 0]);
    }

    #[test]
    fn thinning_keeps_distinct_whole_particles() {
        let mut p = numbered(100);
        p.thin_to(30, &mut stream(1, 2, 3));
        assert_eq!(p.len(), 30);
        let mut seen: Vec<u32> = p.month.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 30);
        for i in 0..30 {
            assert_eq!(p.z[2 * i], p.s[i]);
            assert_eq!(p.flags[i] as u32, p.month[i] % 2);
        }
    }
}
