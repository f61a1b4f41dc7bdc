//! Shapley effects from given data: how much of an outcome's variance each
//! input accounts for, estimated from simulated paths alone (no extra model
//! runs), right for correlated and for discrete inputs.
//!
//! For a set S of inputs, v(S) = Var(E[Y | X_S]) is estimated by pairing
//! each path with its nearest neighbour in the coordinates of S (Euclidean
//! distance on the inputs' ranks, a k-d tree for two or more inputs):
//! v̂(S) = mean over paths i of (Yᵢ − Ȳ)(Y_nn(i) − Ȳ), which tends to
//! E[E[Y | X_S]²] − Ȳ² as the neighbour comes closer. Ties (a discrete
//! input) pair a path with another of the same value, which is what
//! conditioning on it means. The Shapley effect of input j is
//! Σ over S ∌ j of |S|!(d − |S| − 1)!/d! · (v(S ∪ {j}) − v(S)), over every
//! subset (exact enumeration: 2^d − 1 neighbour searches over the sample),
//! divided by Var(Y). The shares add up to v(all)/Var(Y): what the inputs
//! explain together (the rest is noise drawn afresh each month).
//!
//! Intervals are batch means: each v̂(S) is a mean over paths, so each
//! effect is one too; the sample is cut into [`BATCHES`] consecutive
//! batches, the effect computed on each, and the interval is the mean ± t
//! times their standard error. Everything is a function of the sample in
//! its order, so the result does not depend on threads.

use rayon::prelude::*;

/// Batches of the batch-means interval.
pub const BATCHES: usize = 32;
/// t quantile (0.975, 31 degrees of freedom) of the batch-means interval.
const T_31: f64 = 2.039_5;
/// Paths per leaf of the k-d tree.
const LEAF: usize = 8;

/// One effect: a share of the outcome's variance and its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Share {
    /// The estimate, a share of Var(Y).
    pub value: f64,
    /// 95 % batch-means interval.
    pub ci95: [f64; 2],
}

/// The Shapley effects of one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    /// Var(Y) over the sample.
    pub variance: f64,
    /// One per input column, in column order.
    pub shapley: Vec<Share>,
    /// v(all inputs) / Var(Y): the share the inputs explain together.
    pub explained: Share,
}

/// The Shapley effects of the inputs `columns` (each as long as `y`, values
/// on a common scale such as ranks in [0, 1]) on `y`; `None` when `y` does
/// not vary or the sample is shorter than 2 × [`BATCHES`]. Only the first
/// multiple of [`BATCHES`] rows are used.
pub fn shapley_effects(columns: &[Vec<f64>], y: &[f64]) -> Option<Effects> {
    let n = y.len() / BATCHES * BATCHES;
    let d = columns.len();
    if n < 2 * BATCHES || d == 0 || d > 16 {
        return None;
    }
    let mean = y[..n].iter().sum::<f64>() / n as f64;
    let yc: Vec<f64> = y[..n].iter().map(|v| v - mean).collect();
    let variance = yc.iter().map(|v| v * v).sum::<f64>() / n as f64;
    if variance <= 0.0 {
        return None;
    }
    // Per subset (a bit mask), its estimate on each batch.
    let masks: Vec<usize> = (1..1usize << d).collect();
    let per_mask: Vec<Vec<f64>> = masks
        .par_iter()
        .map(|&mask| {
            let dims: Vec<&[f64]> = (0..d)
                .filter(|j| mask >> j & 1 == 1)
                .map(|j| &columns[j][..n])
                .collect();
            batch_values(&neighbours(&dims), &yc)
        })
        .collect();
    let v = |mask: usize, b: usize| {
        if mask == 0 {
            0.0
        } else {
            per_mask[mask - 1][b]
        }
    };
    let weights = subset_weights(d);
    let share = |per_batch: Vec<f64>| interval(&per_batch, variance);
    let shapley = (0..d)
        .map(|j| {
            let per_batch = (0..BATCHES)
                .map(|b| {
                    (0..1usize << d)
                        .filter(|s| s >> j & 1 == 0)
                        .map(|s| weights[s.count_ones() as usize] * (v(s | 1 << j, b) - v(s, b)))
                        .sum()
                })
                .collect();
            share(per_batch)
        })
        .collect();
    let all = (1usize << d) - 1;
    let explained = share((0..BATCHES).map(|b| v(all, b)).collect());
    Some(Effects {
        variance,
        shapley,
        explained,
    })
}

/// |S|!(d − |S| − 1)!/d! for each size |S| of a subset without the input.
fn subset_weights(d: usize) -> Vec<f64> {
    let factorial = |k: usize| (1..=k).map(|i| i as f64).product::<f64>();
    (0..d)
        .map(|s| factorial(s) * factorial(d - s - 1) / factorial(d))
        .collect()
}

/// Mean of (Yᵢ − Ȳ)(Y_nn(i) − Ȳ) on each batch of consecutive rows.
fn batch_values(nn: &[u32], yc: &[f64]) -> Vec<f64> {
    let size = yc.len() / BATCHES;
    (0..BATCHES)
        .map(|b| {
            (b * size..(b + 1) * size)
                .map(|i| yc[i] * yc[nn[i] as usize])
                .sum::<f64>()
                / size as f64
        })
        .collect()
}

/// The mean of `per_batch` over `scale` with its batch-means interval.
fn interval(per_batch: &[f64], scale: f64) -> Share {
    let b = per_batch.len() as f64;
    let mean = per_batch.iter().sum::<f64>() / b;
    let var = per_batch.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (b - 1.0);
    let half = T_31 * (var / b).sqrt();
    Share {
        value: mean / scale,
        ci95: [(mean - half) / scale, (mean + half) / scale],
    }
}

/// Each row's nearest other row in the coordinates `dims` (Euclidean; ties
/// go to the first found, in a fixed order).
fn neighbours(dims: &[&[f64]]) -> Vec<u32> {
    let n = dims[0].len();
    if dims.len() == 1 {
        return neighbours_1d(dims[0]);
    }
    let k = dims.len();
    let points: Vec<f64> = (0..n)
        .flat_map(|i| dims.iter().map(move |c| c[i]))
        .collect();
    let mut tree = Tree {
        k,
        points: &points,
        order: (0..n as u32).collect(),
    };
    tree.build(0, n, 0);
    (0..n)
        .map(|i| {
            let mut best = (f64::INFINITY, i as u32);
            tree.search(0, n, 0, i, &mut best);
            best.1
        })
        .collect()
}

/// Nearest neighbours along one coordinate: the closer of the two rows
/// beside each row in sorted order.
fn neighbours_1d(x: &[f64]) -> Vec<u32> {
    let n = x.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|&a, &b| x[a as usize].total_cmp(&x[b as usize]).then(a.cmp(&b)));
    let mut nn = vec![0u32; n];
    for p in 0..n {
        let here = x[order[p] as usize];
        let gap = |q: usize| (x[order[q] as usize] - here).abs();
        nn[order[p] as usize] = match (p.checked_sub(1), (p + 1 < n).then_some(p + 1)) {
            (Some(a), Some(b)) => order[if gap(b) < gap(a) { b } else { a }],
            (Some(a), None) => order[a],
            (None, Some(b)) => order[b],
            (None, None) => order[p],
        };
    }
    nn
}

/// An implicit k-d tree: `order[lo..hi]` is a node whose median row (at
/// the middle) splits the rest along axis depth mod k.
struct Tree<'a> {
    k: usize,
    points: &'a [f64],
    order: Vec<u32>,
}

impl Tree<'_> {
    fn at(&self, row: u32, axis: usize) -> f64 {
        self.points[row as usize * self.k + axis]
    }

    fn build(&mut self, lo: usize, hi: usize, depth: usize) {
        if hi - lo <= LEAF {
            return;
        }
        let (axis, mid) = (depth % self.k, (lo + hi) / 2);
        let (points, k) = (self.points, self.k);
        self.order[lo..hi].select_nth_unstable_by(mid - lo, |&a, &b| {
            let (x, y) = (points[a as usize * k + axis], points[b as usize * k + axis]);
            x.total_cmp(&y).then(a.cmp(&b))
        });
        self.build(lo, mid, depth + 1);
        self.build(mid + 1, hi, depth + 1);
    }

    fn distance(&self, a: usize, b: u32) -> f64 {
        let (pa, pb) = (a * self.k, b as usize * self.k);
        (0..self.k)
            .map(|j| (self.points[pa + j] - self.points[pb + j]).powi(2))
            .sum()
    }

    fn consider(&self, query: usize, row: u32, best: &mut (f64, u32)) {
        if row as usize != query {
            let d = self.distance(query, row);
            if d < best.0 {
                *best = (d, row);
            }
        }
    }

    fn search(&self, lo: usize, hi: usize, depth: usize, query: usize, best: &mut (f64, u32)) {
        if hi - lo <= LEAF {
            for &row in &self.order[lo..hi] {
                self.consider(query, row, best);
            }
            return;
        }
        let (axis, mid) = (depth % self.k, (lo + hi) / 2);
        let row = self.order[mid];
        self.consider(query, row, best);
        let diff = self.points[query * self.k + axis] - self.at(row, axis);
        let (near, far) = if diff < 0.0 {
            ((lo, mid), (mid + 1, hi))
        } else {
            ((mid + 1, hi), (lo, mid))
        };
        self.search(near.0, near.1, depth + 1, query, best);
        if diff * diff < best.0 {
            self.search(far.0, far.1, depth + 1, query, best);
        }
    }
}

#[cfg(test)]
#[path = "shapley_tests.rs"]
mod tests;
