//! Rejuvenation after a resampling: Metropolis moves in score space that
//! leave the posterior of the steps so far invariant.
//!
//! The scores split in two. The *future* ones (months after the step's
//! month) do not touch any observation so far, so their posterior is their
//! prior, N(0, 1): every proposal draws them afresh. The *past* ones (the
//! per-path inputs, happenings, first strikes, and the months up to the
//! step) take a Crank–Nicolson proposal around a Gaussian fitted to the
//! resampled particles, G = N(m, Σ): with w = L⁻¹(z − m) (Σ = LLᵀ),
//! w' = ρw + √(1−ρ²)ξ, z' = m + Lw'. That proposal is reversible with
//! respect to G, so the acceptance ratio is
//! L(z')N(z'; 0, I)G(z) / (L(z)N(z; 0, I)G(z')), L the likelihood of the
//! observations so far (0 when the path is insolvent by an observed month).
//! ρ adapts from sweep to sweep towards an acceptance of 25–50 %. With a
//! Gaussian posterior (a conjugate case) G is nearly the posterior and the
//! moves nearly independent draws; otherwise G still aims the proposals
//! where the particles are.

use super::particles::{derived_seed, simulate, Setup, Sims};
use crate::engine::{Progress, ScoreLayout, BLOCK_SIZE};
use crate::error::Result;
use crate::sampling::rng::{open01, stream, stream_key};
use crate::sampling::standard_normal;

/// 1 − ρ of the first sweep.
const FIRST_GAP: f64 = 0.5;

/// Added to the fitted covariance's diagonal (prior units), so that it
/// stays positive definite when the particles are few.
const RIDGE: f64 = 1e-4;

/// A Gaussian fitted to the past scores of equally weighted particles.
struct Fit {
    mean: Vec<f64>,
    /// Lower-triangular Cholesky factor, row-major p × p.
    chol: Vec<f64>,
    p: usize,
}

impl Fit {
    fn new(scores: &[f64], dims: usize, past: &[usize], n: usize) -> Fit {
        let p = past.len();
        let mut mean = vec![0.0; p];
        for i in 0..n {
            for (q, &d) in past.iter().enumerate() {
                mean[q] += scores[i * dims + d];
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut cov = vec![0.0; p * p];
        let mut centred = vec![0.0; p];
        for i in 0..n {
            for (q, &d) in past.iter().enumerate() {
                centred[q] = scores[i * dims + d] - mean[q];
            }
            for a in 0..p {
                let ca = centred[a];
                for b in 0..=a {
                    cov[a * p + b] += ca * centred[b];
                }
            }
        }
        let mut ridge = RIDGE;
        loop {
            let mut c = cov.clone();
            for a in 0..p {
                for b in 0..=a {
                    c[a * p + b] /= n as f64;
                }
                c[a * p + a] += ridge;
            }
            if let Some(chol) = cholesky(&c, p) {
                return Fit { mean, chol, p };
            }
            ridge *= 10.0;
        }
    }

    /// w = L⁻¹(z − m).
    fn whiten(&self, z: &[f64], out: &mut [f64]) {
        for a in 0..self.p {
            let row = &self.chol[a * self.p..a * self.p + a];
            let s =
                z[a] - self.mean[a] - row.iter().zip(&out[..a]).map(|(l, x)| l * x).sum::<f64>();
            out[a] = s / self.chol[a * self.p + a];
        }
    }

    /// z = m + Lw, component `a`.
    fn colour(&self, w: &[f64], a: usize) -> f64 {
        let row = &self.chol[a * self.p..a * self.p + a + 1];
        self.mean[a] + row.iter().zip(w).map(|(l, x)| l * x).sum::<f64>()
    }
}

/// The Cholesky factor of the symmetric p × p matrix `c` (lower triangle
/// given), or `None` when it is not positive definite.
fn cholesky(c: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for a in 0..p {
        for b in 0..=a {
            let mut s = c[a * p + b];
            for k in 0..b {
                s -= l[a * p + k] * l[b * p + k];
            }
            if a == b {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[a * p + a] = s.sqrt();
            } else {
                l[a * p + b] = s / l[b * p + b];
            }
        }
    }
    Some(l)
}

/// The innovations ξ of one block's paths: one column per past dimension,
/// each from a stream keyed by the dimension.
fn innovations(
    seed: u64,
    block: u64,
    n: usize,
    past: &[usize],
    layout: &ScoreLayout,
) -> Vec<Vec<f64>> {
    (past.iter())
        .map(|&d| {
            let mut rng = stream(seed, block, layout.key(d));
            (0..n).map(|_| standard_normal(&mut rng)).collect()
        })
        .collect()
}

/// The whitened proposal of path `j` of a block: w' = ρw + √(1−ρ²)ξ.
fn proposed_white(rho: f64, current: &[f64], xi: &[Vec<f64>], j: usize, out: &mut [f64]) {
    let size = (1.0 - rho * rho).sqrt();
    for ((w, &c), column) in out.iter_mut().zip(current).zip(xi) {
        *w = rho * c + size * column[j];
    }
}

/// The result of a move phase.
pub(super) struct Moved {
    /// Proposals accepted over proposals made.
    pub acceptance: f64,
}

/// `sweeps` sweeps over every particle of `sims` (just resampled, equally
/// weighted), targeting the posterior after step `k`.
pub(super) fn rejuvenate(
    setup: &Setup,
    sims: &mut Sims,
    k: usize,
    sweeps: usize,
    seed: u64,
    progress: &Progress,
) -> Result<Moved> {
    let (dims, n, steps) = (setup.dims, setup.paths, setup.steps.len());
    let t = setup.steps[k].t;
    let layout = setup.plan.score_layout().clone();
    let past: Vec<usize> = (0..dims).filter(|&d| setup.month_of[d] <= t).collect();
    let future: Vec<usize> = (0..dims).filter(|&d| setup.month_of[d] > t).collect();
    let fit = Fit::new(&sims.scores, dims, &past, n);
    let p = past.len();
    let mut white = vec![0.0; n * p];
    let mut z = vec![0.0; p];
    for i in 0..n {
        for (q, &d) in past.iter().enumerate() {
            z[q] = sims.scores[i * dims + d];
        }
        fit.whiten(&z, &mut white[i * p..(i + 1) * p]);
    }
    let mut gap = FIRST_GAP;
    let (mut accepted, mut proposed) = (0u64, 0u64);
    for sweep in 0..sweeps {
        let sweep_seed = derived_seed(seed, "move", &[k as u64, sweep as u64]);
        let rho = 1.0 - gap;
        let white_now = &white;
        let proposal = simulate(setup, progress, true, |block, nb, columns| {
            for &d in &future {
                let mut rng = stream(sweep_seed, block, layout.key(d));
                columns[d][..nb]
                    .iter_mut()
                    .for_each(|x| *x = standard_normal(&mut rng));
            }
            let xi = innovations(sweep_seed, block, nb, &past, &layout);
            let mut w = vec![0.0; p];
            let first = block as usize * BLOCK_SIZE;
            let rows = white_now[first * p..(first + nb) * p].chunks_exact(p.max(1));
            for (j, current) in rows.enumerate() {
                proposed_white(rho, current, &xi, j, &mut w);
                for (q, &d) in past.iter().enumerate() {
                    columns[d][j] = fit.colour(&w, q);
                }
            }
        })?;
        let mut taken = 0u64;
        let accept_key = stream_key("runway update accept");
        for block in 0..n.div_ceil(BLOCK_SIZE) {
            let first = block * BLOCK_SIZE;
            let nb = (n - first).min(BLOCK_SIZE);
            let xi = innovations(sweep_seed, block as u64, nb, &past, &layout);
            let mut rng = stream(sweep_seed, block as u64, accept_key);
            let mut w = vec![0.0; p];
            for j in 0..nb {
                let i = first + j;
                let u = open01(&mut rng);
                let new = proposal.cumulative(steps, i, k);
                if new == f64::NEG_INFINITY {
                    continue;
                }
                let mut log_ratio = new - sims.cumulative(steps, i, k);
                proposed_white(rho, &white[i * p..(i + 1) * p], &xi, j, &mut w);
                for (q, &d) in past.iter().enumerate() {
                    let (wo, wn) = (white[i * p + q], w[q]);
                    let (zo, zn) = (sims.scores[i * dims + d], proposal.scores[i * dims + d]);
                    log_ratio += -0.5 * (zn * zn - zo * zo) - 0.5 * (wo * wo - wn * wn);
                }
                if u.ln() < log_ratio {
                    sims.copy_path(i, &proposal, i, setup);
                    white[i * p..(i + 1) * p].copy_from_slice(&w);
                    taken += 1;
                }
            }
        }
        accepted += taken;
        proposed += n as u64;
        gap = adapt(gap, taken as f64 / n as f64);
    }
    Ok(Moved {
        acceptance: accepted as f64 / proposed.max(1) as f64,
    })
}

/// The next 1 − ρ: smaller steps when fewer than 25 % were accepted,
/// larger when more than 50 %.
fn adapt(gap: f64, acceptance: f64) -> f64 {
    if acceptance < 0.25 {
        (gap * 0.5).max(1e-6)
    } else if acceptance > 0.5 {
        (gap * 1.6).min(1.0)
    } else {
        gap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cholesky_factor_reproduces_its_matrix() {
        let c = [4.0, 0.0, 2.0, 3.0];
        let l = cholesky(&c, 2).unwrap();
        assert!((l[0] - 2.0).abs() < 1e-12 && (l[2] - 1.0).abs() < 1e-12);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-12);
        assert!(cholesky(&[-1.0], 1).is_none());
    }
}
