use super::*;
use crate::sampling::rng::{open01, stream};

/// Φ(x), the standard normal CDF.
fn phi(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// `n` draws of X ~ N(0, Σ), Σ = L·Lᵀ, by columns.
fn correlated_normals(l: &[Vec<f64>], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let d = l.len();
    let mut rng = stream(seed, 0, 1);
    let mut columns = vec![Vec::with_capacity(n); d];
    for _ in 0..n {
        let z: Vec<f64> = (0..d)
            .map(|_| {
                let (u, v) = (open01(&mut rng), open01(&mut rng));
                (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
            })
            .collect();
        for (i, column) in columns.iter_mut().enumerate() {
            column.push((0..=i).map(|j| l[i][j] * z[j]).sum());
        }
    }
    columns
}

/// Solves a small system A·x = b (Gaussian elimination, partial pivots).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            let pivot = a[c].clone();
            for (x, p) in a[r].iter_mut().zip(&pivot).skip(c) {
                *x -= f * p;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        x[r] = (b[r] - (r + 1..n).map(|k| a[r][k] * x[k]).sum::<f64>()) / a[r][r];
    }
    x
}

/// The closed-form Shapley shares of Y = βᵀX, X ~ N(0, Σ):
/// Var(E[Y|X_S]) = Cov(Y, X_S) Σ_SS⁻¹ Cov(X_S, Y), over every subset.
fn closed_form(sigma: &[Vec<f64>], beta: &[f64]) -> Vec<f64> {
    let d = beta.len();
    let cov: Vec<f64> = (0..d)
        .map(|i| (0..d).map(|j| sigma[i][j] * beta[j]).sum())
        .collect();
    let var_y: f64 = (0..d).map(|i| beta[i] * cov[i]).sum();
    let v = |mask: usize| -> f64 {
        let s: Vec<usize> = (0..d).filter(|j| mask >> j & 1 == 1).collect();
        if s.is_empty() {
            return 0.0;
        }
        let a = s
            .iter()
            .map(|&i| s.iter().map(|&j| sigma[i][j]).collect())
            .collect();
        let c: Vec<f64> = s.iter().map(|&i| cov[i]).collect();
        let x = solve(a, c.clone());
        c.iter().zip(&x).map(|(c, x)| c * x).sum()
    };
    let w = subset_weights(d);
    (0..d)
        .map(|j| {
            (0..1usize << d)
                .filter(|s| s >> j & 1 == 0)
                .map(|s| w[s.count_ones() as usize] * (v(s | 1 << j) - v(s)))
                .sum::<f64>()
                / var_y
        })
        .collect()
}

#[test]
fn shapley_effects_of_a_linear_model_with_correlated_inputs_match_the_closed_form() {
    let sigma = vec![
        vec![1.0, 0.6, 0.0],
        vec![0.6, 1.0, 0.3],
        vec![0.0, 0.3, 1.0],
    ];
    // Cholesky factor of Σ.
    let l10 = 0.6;
    let l11 = (1.0f64 - 0.36).sqrt();
    let l21 = 0.3 / l11;
    let l22 = (1.0 - l21 * l21).sqrt();
    let l = vec![vec![1.0], vec![l10, l11], vec![0.0, l21, l22]];
    let beta = [1.0, 0.5, 0.8];
    let oracle = closed_form(&sigma, &beta);
    let x = correlated_normals(&l, 1 << 15, 11);
    let y: Vec<f64> = (0..x[0].len())
        .map(|i| (0..3).map(|j| beta[j] * x[j][i]).sum())
        .collect();
    let ranks: Vec<Vec<f64>> = x
        .iter()
        .map(|c| c.iter().map(|&v| phi(v)).collect())
        .collect();
    let effects = shapley_effects(&ranks, &y).unwrap();
    for (j, (got, want)) in effects.shapley.iter().zip(&oracle).enumerate() {
        assert!(
            (got.value - want).abs() < 0.02,
            "input {j}: estimated {} against {want}",
            got.value
        );
        assert!(got.ci95[0] <= got.value && got.value <= got.ci95[1]);
    }
    assert!((effects.explained.value - 1.0).abs() < 0.02);
}

#[test]
fn an_input_that_does_not_enter_the_outcome_gets_an_effect_near_zero() {
    let l = vec![vec![1.0], vec![0.0, 1.0]];
    let x = correlated_normals(&l, 1 << 14, 5);
    let y: Vec<f64> = x[0].iter().map(|&v| f64::from(u8::from(v > 1.0))).collect();
    let ranks: Vec<Vec<f64>> = x
        .iter()
        .map(|c| c.iter().map(|&v| phi(v)).collect())
        .collect();
    let effects = shapley_effects(&ranks, &y).unwrap();
    assert!(effects.shapley[0].value > 0.9, "{:?}", effects.shapley);
    assert!(
        effects.shapley[1].value.abs() < 0.05,
        "{:?}",
        effects.shapley
    );
    assert!(effects.shapley[1].ci95[0] < 0.02);
}

#[test]
fn a_discrete_input_is_conditioned_on_by_its_ties() {
    // Y = the input itself (four values): it explains all of Y.
    let mut rng = stream(3, 0, 2);
    let x: Vec<f64> = (0..4096)
        .map(|_| (open01(&mut rng) * 4.0).floor() / 4.0)
        .collect();
    let noise: Vec<f64> = (0..4096).map(|_| open01(&mut rng)).collect();
    let effects = shapley_effects(&[x.clone(), noise], &x).unwrap();
    // Within about two standard errors of the noise input's first-order
    // estimate (1/√4096 ≈ 0.016), and the exact share of both together.
    assert!((effects.shapley[0].value - 1.0).abs() < 0.03, "{effects:?}");
    assert!(effects.shapley[1].value.abs() < 0.03, "{effects:?}");
    let [lo, hi] = effects.shapley[1].ci95;
    assert!(lo <= 0.0 && 0.0 <= hi, "{effects:?}");
    assert_eq!(effects.explained.value, 1.0);
}

#[test]
fn an_outcome_that_does_not_vary_has_no_effects() {
    let x: Vec<f64> = (0..1024).map(|i| i as f64 / 1024.0).collect();
    assert!(shapley_effects(std::slice::from_ref(&x), &[1.0; 1024]).is_none());
}
