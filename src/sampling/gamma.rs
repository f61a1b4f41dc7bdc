//! Gamma draws by Marsaglia and Tsang's method (2000), on the engine's own
//! inline normal generator.
//!
//! PERT and beta inputs are drawn as X / (X + Y) of two gamma draws, so this
//! sampler sits on the per-path hot path of most models. It is the method
//! `rand_distr::Gamma` uses, written so that it inlines: a normal draw, a
//! uniform draw and a cube accept about 98 % of the time without a
//! logarithm. Shapes below 1 use the boost Gamma(a) = Gamma(a + 1)·U^(1/a).
//!
//! Batches ([`Gamma::fill`]) take their candidates' normal draws from
//! vectorised lanes and apply the squeeze to a whole batch in one loop the
//! compiler vectorises, the exact test to the rest; a rejected candidate's
//! draw is made again, in full, from a separate generator. Every candidate uses fresh random numbers, so
//! the draws are exactly gamma.

use crate::sampling::rng::{open01, StreamRng};
use crate::sampling::ziggurat::NormalLanes;

/// Candidates decided per step of a batch (stack arrays of this size).
const BATCH: usize = 64;

/// The streams a batch of gamma draws uses besides the input's own (which
/// supplies the uniforms): normal lanes for the candidates and a generator
/// for the draws that replace rejected candidates. Both seeded from the
/// input's stream.
pub struct GammaStreams {
    normals: NormalLanes,
    fixup: StreamRng,
}

impl GammaStreams {
    /// Streams seeded from the next outputs of `rng`.
    pub fn new(rng: &mut StreamRng) -> GammaStreams {
        use rand::{RngCore, SeedableRng};
        let normals = NormalLanes::new(rng);
        let fixup = StreamRng::seed_from_u64(rng.next_u64());
        GammaStreams { normals, fixup }
    }
}

/// A gamma distribution with shape > 0 and scale > 0, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Gamma {
    /// d = a' − 1/3, with a' = the shape (raised by 1 below 1).
    d: f64,
    /// c = 1 / √(9d).
    c: f64,
    /// 1 / shape when the shape is below 1 (the boost), else `None`.
    inv_small_shape: Option<f64>,
    scale: f64,
}

impl Gamma {
    /// The sampler for Gamma(shape, scale); both must be positive and finite
    /// (callers check: this is not re-validated here).
    pub fn new(shape: f64, scale: f64) -> Gamma {
        let (raised, inv_small_shape) = if shape < 1.0 {
            (shape + 1.0, Some(1.0 / shape))
        } else {
            (shape, None)
        };
        let d = raised - 1.0 / 3.0;
        Gamma {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            inv_small_shape,
            scale,
        }
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        let boost = self.inv_small_shape.map(|inv| open01(rng).powf(inv));
        let draw = self.marsaglia_tsang(rng) * self.scale;
        match boost {
            Some(b) => draw * b,
            None => draw,
        }
    }

    /// Fills `out` with draws: as many calls of [`Gamma::sample`] would
    /// give in distribution, a batch of candidates at a time.
    pub fn fill(&self, rng: &mut StreamRng, streams: &mut GammaStreams, out: &mut [f64]) {
        for chunk in out.chunks_mut(BATCH) {
            let m = chunk.len();
            let (mut z, mut u, mut verdict) =
                ([0.0; BATCH], [0.0; BATCH], [Verdict::Reject; BATCH]);
            let (z, u, verdict) = (&mut z[..m], &mut u[..m], &mut verdict[..m]);
            streams.normals.fill(z);
            for x in u.iter_mut() {
                *x = open01(rng);
            }
            self.candidates(z, u, chunk, verdict);
            for j in 0..m {
                let keep = match verdict[j] {
                    Verdict::Accept => true,
                    Verdict::Reject => false,
                    Verdict::Exact => self.exact_test(z[j], u[j]),
                };
                if !keep {
                    chunk[j] = self.marsaglia_tsang(&mut streams.fixup);
                }
            }
            for x in chunk.iter_mut() {
                *x *= self.scale;
            }
            if let Some(inv) = self.inv_small_shape {
                for x in chunk.iter_mut() {
                    *x *= open01(rng).powf(inv);
                }
            }
        }
    }

    /// Candidates d·v for normal draws `z` and uniforms `u`, and whether
    /// Marsaglia and Tsang's test accepts each (vectorised where the
    /// processor has AVX2; the same bits either way).
    fn candidates(&self, z: &[f64], u: &[f64], out: &mut [f64], verdict: &mut [Verdict]) {
        crate::simd::dispatch(
            #[inline(always)]
            || self.candidates_body(z, u, out, verdict),
        );
    }

    #[inline(always)]
    fn candidates_body(&self, z: &[f64], u: &[f64], out: &mut [f64], verdict: &mut [Verdict]) {
        let n = z.len();
        let (u, out, verdict) = (&u[..n], &mut out[..n], &mut verdict[..n]);
        let (c, d) = (self.c, self.d);
        for j in 0..n {
            let cube_root = 1.0 + c * z[j];
            let v = cube_root * cube_root * cube_root;
            let x2 = z[j] * z[j];
            let squeeze = u[j] < 1.0 - 0.0331 * x2 * x2;
            out[j] = d * v;
            // The squeeze settles most candidates; the rest (about 1 in 10
            // for small shapes) take the exact test, with its two logs, in
            // scalar code.
            verdict[j] = if cube_root <= 0.0 {
                Verdict::Reject
            } else if squeeze {
                Verdict::Accept
            } else {
                Verdict::Exact
            };
        }
    }

    /// Marsaglia and Tsang's acceptance test for normal draw `x` and uniform `u`.
    fn exact_test(&self, x: f64, u: f64) -> bool {
        let cube_root = 1.0 + self.c * x;
        cube_root > 0.0 && self.accepts(x, cube_root * cube_root * cube_root, u)
    }

    /// The test for a candidate with v = (1 + c·x)³ > 0: the squeeze, then
    /// the exact test (about 1 draw in 10 for small shapes: it needs two logs).
    #[inline(always)]
    fn accepts(&self, x: f64, v: f64, u: f64) -> bool {
        let x2 = x * x;
        u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + self.d * (1.0 - v + v.ln())
    }

    #[inline(always)]
    fn marsaglia_tsang(&self, rng: &mut StreamRng) -> f64 {
        loop {
            let x = crate::sampling::ziggurat::standard_normal(rng);
            let cube_root = 1.0 + self.c * x;
            if cube_root <= 0.0 {
                continue;
            }
            let v = cube_root * cube_root * cube_root;
            if self.accepts(x, v, open01(rng)) {
                return self.d * v;
            }
        }
    }
}

/// What a batch decided for one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Verdict {
    Reject,
    Accept,
    /// Left to the exact test (the squeeze did not settle it).
    Exact,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPES_AND_SCALES: [(f64, f64); 4] = [(0.3, 2.0), (1.0, 1.0), (2.714, 1.0), (9.5, 0.25)];

    /// Mean and variance of `draws` within 5 standard errors of the gamma's.
    /// Var(X²) bounds the variance's error: the fourth central moment of a
    /// gamma is 3a(a + 2)θ⁴.
    fn assert_gamma_moments(shape: f64, scale: f64, draws: &[f64]) {
        let n = draws.len() as f64;
        assert!(draws.iter().all(|x| x.is_finite() && *x >= 0.0));
        let mean = draws.iter().sum::<f64>() / n;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let (true_mean, true_var) = (shape * scale, shape * scale * scale);
        let se_mean = (true_var / n).sqrt();
        let m4 = 3.0 * shape * (shape + 2.0) * scale.powi(4);
        let se_var = ((m4 - true_var * true_var) / n).sqrt();
        assert!(
            (mean - true_mean).abs() < 5.0 * se_mean,
            "{shape}: mean {mean}"
        );
        assert!((var - true_var).abs() < 5.0 * se_var, "{shape}: var {var}");
    }

    #[test]
    fn draws_have_the_gamma_mean_and_variance_for_small_and_large_shapes() {
        for (shape, scale) in SHAPES_AND_SCALES {
            let g = Gamma::new(shape, scale);
            let mut rng = crate::sampling::rng::stream(5, 0, shape.to_bits());
            let draws: Vec<f64> = (0..200_000).map(|_| g.sample(&mut rng)).collect();
            assert_gamma_moments(shape, scale, &draws);
        }
    }

    #[test]
    fn batch_draws_have_the_gamma_mean_and_variance() {
        for (shape, scale) in SHAPES_AND_SCALES {
            let g = Gamma::new(shape, scale);
            let mut rng = crate::sampling::rng::stream(6, 1, shape.to_bits());
            let mut streams = GammaStreams::new(&mut rng);
            let mut draws = vec![0.0; 200_000];
            for chunk in draws.chunks_mut(1000) {
                g.fill(&mut rng, &mut streams, chunk);
            }
            assert_gamma_moments(shape, scale, &draws);
        }
    }

    #[test]
    fn the_vector_and_portable_acceptance_loops_agree() {
        let g = Gamma::new(2.714, 1.0);
        let mut rng = crate::sampling::rng::stream(7, 7, 7);
        let z: Vec<f64> = (0..BATCH)
            .map(|_| crate::sampling::ziggurat::standard_normal(&mut rng))
            .collect();
        let u: Vec<f64> = (0..BATCH).map(|_| open01(&mut rng)).collect();
        let (mut a, mut b) = (vec![0.0; BATCH], vec![0.0; BATCH]);
        let (mut va, mut vb) = (vec![Verdict::Reject; BATCH], vec![Verdict::Reject; BATCH]);
        g.candidates_body(&z, &u, &mut a, &mut va);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for level in crate::simd::supported() {
            crate::simd::dispatch_on(level, || g.candidates_body(&z, &u, &mut b, &mut vb));
            assert_eq!(va, vb, "{level:?}");
            assert_eq!(bits(&a), bits(&b), "{level:?}");
        }
        g.candidates(&z, &u, &mut b, &mut vb);
        assert_eq!(va, vb);
        assert_eq!(bits(&a), bits(&b));
        // The batch agrees with the scalar test wherever it decided.
        for j in 0..BATCH {
            if va[j] != Verdict::Exact {
                assert_eq!(
                    va[j] == Verdict::Accept,
                    g.exact_test(z[j], u[j]),
                    "draw {j}"
                );
            }
        }
        assert!(va.iter().filter(|v| **v == Verdict::Accept).count() > BATCH / 2);
    }
}
