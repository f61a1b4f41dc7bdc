//! The metalog's fit, done once when the model loads: the quantiles' rules,
//! the least-squares coefficients, the check that the fitted quantile
//! function increases, the mean and standard deviation, and the CDF (by
//! solving Q(y) = x).
//!
//! Everything past the fit is computed in t = ln(y / (1 − y)), where
//! y = 1 / (1 + e^−t), c = y − ½ = ½·tanh(t/2) and y(1 − y) = ¼ / cosh²(t/2)
//! are all exact to rounding however deep in a tail t is, and
//! dM/dt = y(1 − y)·M'(y) = B(c) + y(1 − y)·(A'(c) + t·B'(c)).

use super::fmt_num;
use super::metalog::{
    basis_point, horner, horner_slope, slot, MetalogBounds, MetalogError, MAX_METALOG_TERMS,
};

/// The quantiles in the metalog's own space: probabilities y and the
/// transformed values z.
pub(super) struct Transformed {
    pub(super) y: Vec<f64>,
    pub(super) z: Vec<f64>,
}

/// A probability in a message: 3 significant digits, or its distance from 1.
fn probability(p: f64) -> String {
    if p < 1e-3 {
        format!("{p:.1e}")
    } else if p > 1.0 - 1e-3 {
        format!("1 − {:.1e}", 1.0 - p)
    } else {
        fmt_num((p * 1000.0).round() / 1000.0)
    }
}

/// Checks the bounds and the quantiles (count, order, ranges) and
/// transforms the values.
pub(super) fn transformed(
    quantiles: &[(f64, f64)],
    bounds: MetalogBounds,
) -> Result<Transformed, MetalogError> {
    let n = quantiles.len();
    if !(2..=MAX_METALOG_TERMS).contains(&n) {
        return Err(MetalogError::QuantileCount(n));
    }
    let (lo, hi) = match bounds {
        MetalogBounds::Unbounded => (None, None),
        MetalogBounds::Lower(lo) => (Some(lo), None),
        MetalogBounds::Upper(hi) => (None, Some(hi)),
        MetalogBounds::Bounded(lo, hi) => (Some(lo), Some(hi)),
    };
    for (name, bound) in [("min", lo), ("max", hi)] {
        if let Some(v) = bound.filter(|v| !v.is_finite()) {
            return Err(MetalogError::Bounds(format!(
                "`{name}` must be a finite number, got {v}"
            )));
        }
    }
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if !(hi > lo && (hi - lo).is_finite()) {
            return Err(MetalogError::Bounds(format!(
                "`min` ({lo}) must be less than `max` ({hi}), by at most 1.8e308"
            )));
        }
    }
    let (min, max) = (
        lo.map(|v| format!("`min` ({})", fmt_num(v))),
        hi.map(|v| format!("`max` ({})", fmt_num(v))),
    );
    let lo = lo.zip(min.as_deref());
    let hi = hi.zip(max.as_deref());
    check_quantiles(quantiles, lo, hi).map_err(MetalogError::Quantiles)?;
    let rule = |i: usize, what: String| {
        MetalogError::Quantiles(format!("`quantiles[{i}]` = {}: {what}", pair(quantiles[i])))
    };
    let z: Vec<f64> = quantiles
        .iter()
        .map(|&(_, x)| bounds.transform(x))
        .collect();
    if let Some(i) = z.iter().position(|v| !v.is_finite()) {
        return Err(rule(i, "the value is too close to a bound to fit".into()));
    }
    Ok(Transformed {
        y: quantiles.iter().map(|&(p, _)| p).collect(),
        z,
    })
}

/// The rules every list of quantiles keeps: probabilities strictly inside
/// (0, 1) and increasing, finite values increasing with them, inside the
/// bounds given. The error names the entry.
pub(super) fn check_quantiles(
    quantiles: &[(f64, f64)],
    lo: Option<(f64, &str)>,
    hi: Option<(f64, &str)>,
) -> Result<(), String> {
    let rule =
        |i: usize, what: String| format!("`quantiles[{i}]` = {}: {what}", pair(quantiles[i]));
    for (i, &(p, x)) in quantiles.iter().enumerate() {
        if !(p > 0.0 && p < 1.0) {
            return Err(rule(
                i,
                format!(
                    "the probability must lie strictly between 0 and 1, got {}",
                    written(p)
                ),
            ));
        }
        if !x.is_finite() {
            return Err(rule(
                i,
                format!("the value must be a finite number, got {x}"),
            ));
        }
        if let Some((_, what)) = lo.filter(|&(lo, _)| !(x > lo)) {
            return Err(rule(
                i,
                format!("the value must lie above {what}, got {}", fmt_num(x)),
            ));
        }
        if let Some((_, what)) = hi.filter(|&(hi, _)| !(x < hi)) {
            return Err(rule(
                i,
                format!("the value must lie below {what}, got {}", fmt_num(x)),
            ));
        }
        if i > 0 {
            let (p0, x0) = quantiles[i - 1];
            if !(p > p0) {
                return Err(rule(
                    i,
                    format!(
                        "probabilities must increase, but {} follows {}",
                        written(p),
                        written(p0)
                    ),
                ));
            }
            if !(x > x0) {
                return Err(rule(
                    i,
                    format!(
                        "values must increase with the probability, but {} at {} follows {} at {}",
                        fmt_num(x),
                        written(p),
                        fmt_num(x0),
                        written(p0)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `[p, x]` as a model file writes it.
pub(super) fn pair((p, x): (f64, f64)) -> String {
    format!("[{}, {}]", written(p), written(x))
}

/// A number as TOML would write it: `5`, `0.1`, `1e-300`.
fn written(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-5..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Term j (1-based) of the metalog basis at probability y.
fn basis(j: usize, y: f64) -> f64 {
    let (c, l) = basis_point(y);
    let (with_l, power) = slot(j);
    let v = c.powi(power as i32);
    if with_l {
        v * l
    } else {
        v
    }
}

/// The least-squares coefficients of `terms` terms through (y, z): a
/// Householder QR of the basis matrix, then two rounds of iterative
/// refinement with residuals summed with fused multiply-adds, so that the
/// fit passes through the points to rounding when terms = points.
pub(super) fn least_squares(y: &[f64], z: &[f64], terms: usize) -> Result<Vec<f64>, MetalogError> {
    let n = y.len();
    let matrix: Vec<Vec<f64>> = y
        .iter()
        .map(|&y| (1..=terms).map(|j| basis(j, y)).collect())
        .collect();
    let qr = Qr::new(&matrix, terms).ok_or(MetalogError::Singular { terms })?;
    let mut a = qr.solve(z);
    for _ in 0..2 {
        let residual: Vec<f64> = (0..n)
            .map(|i| {
                let mut r = z[i];
                for j in 0..terms {
                    r = (-matrix[i][j]).mul_add(a[j], r);
                }
                r
            })
            .collect();
        for (aj, dj) in a.iter_mut().zip(qr.solve(&residual)) {
            *aj += dj;
        }
    }
    if a.iter().all(|v| v.is_finite()) {
        Ok(a)
    } else {
        Err(MetalogError::Singular { terms })
    }
}

/// A Householder QR factorisation of an n × k matrix (n ≥ k).
struct Qr {
    /// The reflected columns: R above the diagonal, the reflectors below.
    a: Vec<Vec<f64>>,
    /// R's diagonal.
    diagonal: Vec<f64>,
    k: usize,
}

impl Qr {
    /// `None` when a column is (numerically) a combination of the others.
    fn new(matrix: &[Vec<f64>], k: usize) -> Option<Qr> {
        let n = matrix.len();
        let mut a = matrix.to_vec();
        let mut diagonal = vec![0.0; k];
        let scale = matrix.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
        for col in 0..k {
            let norm = (col..n).map(|i| a[i][col] * a[i][col]).sum::<f64>().sqrt();
            if !(norm > 1e-13 * scale) {
                return None;
            }
            let alpha = if a[col][col] > 0.0 { -norm } else { norm };
            a[col][col] -= alpha;
            let v_norm2: f64 = (col..n).map(|i| a[i][col] * a[i][col]).sum();
            for other in col + 1..k {
                let dot: f64 = (col..n).map(|i| a[i][col] * a[i][other]).sum();
                let f = 2.0 * dot / v_norm2;
                for row in a.iter_mut().skip(col) {
                    row[other] -= f * row[col];
                }
            }
            diagonal[col] = alpha;
        }
        Some(Qr { a, diagonal, k })
    }

    /// The least-squares solution of A x = b.
    fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (n, k) = (b.len(), self.k);
        let mut b = b.to_vec();
        for col in 0..k {
            let v_norm2: f64 = (col..n).map(|i| self.a[i][col] * self.a[i][col]).sum();
            let dot: f64 = (col..n).map(|i| self.a[i][col] * b[i]).sum();
            let f = 2.0 * dot / v_norm2;
            for (i, bi) in b.iter_mut().enumerate().skip(col) {
                *bi -= f * self.a[i][col];
            }
        }
        let mut x = vec![0.0; k];
        for row in (0..k).rev() {
            let mut s = b[row];
            for (j, xj) in x.iter().enumerate().skip(row + 1) {
                s -= self.a[row][j] * xj;
            }
            x[row] = s / self.diagonal[row];
        }
        x
    }
}

/// c, y(1 − y) at t.
#[inline]
fn at_t(t: f64) -> (f64, f64) {
    let half = 0.5 * t;
    let cosh = half.cosh();
    (0.5 * half.tanh(), 0.25 / (cosh * cosh))
}

/// M(t) and dM/dt.
fn m_and_slope(a: &[f64; 5], b: &[f64; 5], t: f64) -> (f64, f64) {
    let (c, w) = at_t(t);
    let bc = horner(b, c);
    let m = horner(a, c) + t * bc;
    let slope = bc + w * (horner_slope(a, c) + t * horner_slope(b, c));
    (m, slope)
}

/// The grid on which dM/dt is checked: t = ±40 covers probabilities down
/// to 4e-18 (draws reach 5.6e-17); beyond it the tails' limits decide.
const GRID_T: f64 = 40.0;
const GRID_STEPS: usize = 5120;

/// Refuses coefficients whose M is not increasing in y: dM/dt must exceed
/// a small margin (10⁻¹² of the coefficients' size) on a dense grid in t,
/// at the refined minimum between grid points, and in both tail limits
/// (dM/dt → B(∓½) as t → ∓∞; past |t| = 40 it differs from that limit by
/// less than 10⁻¹⁵ of the size, so the margin covers it).
pub(super) fn check_increasing(a: &[f64; 5], b: &[f64; 5]) -> Result<(), MetalogError> {
    let size: f64 = a[1..].iter().chain(b.iter()).map(|v| v.abs()).sum();
    let margin = 1e-12 * size;
    let slope = |t: f64| m_and_slope(a, b, t).1;
    let ok = |s: f64| s > margin;
    let h = 2.0 * GRID_T / GRID_STEPS as f64;
    let grid: Vec<f64> = (0..=GRID_STEPS).map(|i| -GRID_T + h * i as f64).collect();
    let slopes: Vec<f64> = grid.iter().map(|&t| slope(t)).collect();
    if let Some(first) = slopes.iter().position(|&s| !ok(s)) {
        let last = (first..slopes.len())
            .take_while(|&i| !ok(slopes[i]))
            .last()
            .unwrap_or(first);
        return Err(decreasing_between(grid[first], grid[last]));
    }
    // A dip between two grid points: golden-section search around each
    // local minimum.
    for i in 1..GRID_STEPS {
        if slopes[i] < slopes[i - 1] && slopes[i] <= slopes[i + 1] {
            let t = golden_minimum(&slope, grid[i - 1], grid[i + 1]);
            if !ok(slope(t)) {
                return Err(decreasing_between(t, t));
            }
        }
    }
    if !ok(horner(b, -0.5)) {
        return Err(MetalogError::NotMonotone(
            "the fitted quantile function decreases in the lower tail, as the probability \
             approaches 0"
                .into(),
        ));
    }
    if !ok(horner(b, 0.5)) {
        return Err(MetalogError::NotMonotone(
            "the fitted quantile function decreases in the upper tail, as the probability \
             approaches 1"
                .into(),
        ));
    }
    Ok(())
}

/// The message for a decreasing stretch from t0 to t1.
fn decreasing_between(t0: f64, t1: f64) -> MetalogError {
    let (p0, p1) = (logistic(t0), logistic(t1));
    let (lower, upper) = (t0 <= -GRID_T + 1e-9, t1 >= GRID_T - 1e-9);
    let region = if lower && upper {
        "everywhere".to_string()
    } else if lower {
        format!(
            "in the lower tail, for probabilities below {}",
            probability(p1)
        )
    } else if upper {
        format!(
            "in the upper tail, for probabilities above {}",
            probability(p0)
        )
    } else if probability(p0) == probability(p1) {
        format!("near probability {}", probability(p0))
    } else {
        format!(
            "between probabilities {} and {}",
            probability(p0),
            probability(p1)
        )
    };
    MetalogError::NotMonotone(format!("the fitted quantile function decreases {region}"))
}

fn logistic(t: f64) -> f64 {
    1.0 / (1.0 + (-t).exp())
}

/// The minimum of f on [lo, hi], by golden-section search.
fn golden_minimum(f: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..60 {
        if f1 <= f2 {
            hi = x2;
            (x2, f2) = (x1, f1);
            x1 = hi - ratio * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            (x1, f1) = (x2, f2);
            x2 = lo + ratio * (hi - lo);
            f2 = f(x2);
        }
    }
    if f1 <= f2 {
        x1
    } else {
        x2
    }
}

/// The integrals for the moments run over |t| ≤ 45 (the tails beyond hold
/// less than 3e-20 of the probability), by the trapezoid rule, which
/// converges geometrically for these smooth integrands.
const MOMENT_T: f64 = 45.0;
const MOMENT_STEPS: usize = 2880;

/// The mean and standard deviation. A one-sided bound leaves one tail
/// exponential in M: there values grow like (tail probability)^−b with b the
/// limit of B, and the integrals' remainders past |t| = 45 are added in
/// closed form. b ≥ 1 (an infinite mean) is refused; for ½ ≤ b < 1 the
/// standard deviation is infinite.
pub(super) fn moments(
    a: &[f64; 5],
    b: &[f64; 5],
    bounds: MetalogBounds,
) -> Result<(f64, f64), MetalogError> {
    // The open tail of a one-sided metalog: X = base + sign·e^(ã + b̃·s),
    // s = ±t → ∞.
    let tail = match bounds {
        MetalogBounds::Lower(lo) => Some((lo, 1.0, horner(a, 0.5), horner(b, 0.5), "upper")),
        MetalogBounds::Upper(hi) => Some((hi, -1.0, -horner(a, -0.5), horner(b, -0.5), "lower")),
        _ => None,
    };
    if let Some((_, _, _, exponent, side)) = tail {
        if !(exponent < 1.0) {
            return Err(MetalogError::HeavyTail { side, exponent });
        }
    }
    let value = |t: f64| bounds.value(m_and_slope(a, b, t).0);
    let integrate = |f: &dyn Fn(f64) -> f64| {
        let h = 2.0 * MOMENT_T / MOMENT_STEPS as f64;
        let mut sum = 0.0;
        for i in 0..=MOMENT_STEPS {
            let t = -MOMENT_T + h * i as f64;
            let weight = if i == 0 || i == MOMENT_STEPS {
                0.5
            } else {
                1.0
            };
            sum += weight * f(t) * at_t(t).1;
        }
        sum * h
    };
    let beyond = (-MOMENT_T).exp();
    let mut mean = integrate(&|t| value(t));
    if let Some((base, sign, ta, tb, _)) = tail {
        mean += base * beyond + sign * (ta + (tb - 1.0) * MOMENT_T).exp() / (1.0 - tb);
    }
    if tail.is_some_and(|(_, _, _, tb, _)| tb >= 0.5) {
        return Ok((mean, f64::INFINITY));
    }
    let mut variance = integrate(&|t| (value(t) - mean).powi(2));
    if let Some((base, sign, ta, tb, _)) = tail {
        let d = base - mean;
        let e1 = (ta + (tb - 1.0) * MOMENT_T).exp() / (1.0 - tb);
        let e2 = (2.0 * ta + (2.0 * tb - 1.0) * MOMENT_T).exp() / (1.0 - 2.0 * tb);
        variance += d * d * beyond + 2.0 * d * sign * e1 + e2;
    }
    Ok((mean, variance.max(0.0).sqrt()))
}

/// The probability y with M(y) = z: a safeguarded Newton iteration in t
/// (a bisection step whenever Newton leaves the bracket).
pub(super) fn probability_of(a: &[f64; 5], b: &[f64; 5], z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let m = |t: f64| m_and_slope(a, b, t).0;
    let (mut lo, mut hi) = (-1.0f64, 1.0f64);
    while m(lo) > z {
        if lo < -745.0 {
            return 0.0;
        }
        lo *= 2.0;
    }
    while m(hi) < z {
        if hi > 745.0 {
            return 1.0;
        }
        hi *= 2.0;
    }
    let mut t = 0.5 * (lo + hi);
    for _ in 0..200 {
        let (value, slope) = m_and_slope(a, b, t);
        if value < z {
            lo = t;
        } else {
            hi = t;
        }
        let newton = t - (value - z) / slope;
        let next = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - t).abs() <= 1e-15 * (1.0 + t.abs()) || hi - lo <= 1e-15 * (1.0 + t.abs()) {
            t = next;
            break;
        }
        t = next;
    }
    logistic(t)
}
