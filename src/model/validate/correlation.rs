//! `[correlation]`: a rank-correlation matrix over named uncertain per-path
//! inputs.

use crate::error::{Error, Result};
use crate::model::schema::RawCorrelation;
use crate::model::{Correlation, Model};

/// A broken rule of the correlation, at `path`.
fn err(file: &str, path: &str, rule: String) -> Error {
    Error::Field {
        file: file.to_string(),
        path: path.to_string(),
        value: None,
        rule,
        at: None,
    }
}

/// Checks a correlation matrix: named uncertain per-path inputs, square,
/// symmetric, unit diagonal, entries in [-1, 1], and positive semi-definite
/// on the normal scale (where it is used).
pub(super) fn check_correlation(
    model: &Model,
    raw: RawCorrelation,
    file: &str,
) -> Result<Correlation> {
    check_inputs(model, &raw.inputs, file)?;
    check_entries(&raw.matrix, raw.inputs.len(), file)?;
    let normal: Vec<Vec<f64>> = raw
        .matrix
        .iter()
        .map(|row| {
            row.iter()
                .map(|&rho| 2.0 * (std::f64::consts::PI * rho / 6.0).sin())
                .collect()
        })
        .collect();
    let Some(cholesky) = cholesky(&normal) else {
        return Err(err(
            file,
            "correlation.matrix",
            format!(
                "is not positive semi-definite: no set of inputs can have these correlations together; multiplying every off-diagonal entry by {:.3} (or less) gives a valid matrix",
                (largest_valid_shrink(&normal) * 1000.0).floor() / 1000.0
            ),
        ));
    };
    Ok(Correlation {
        inputs: raw.inputs,
        rank: raw.matrix,
        cholesky,
    })
}

/// At least two inputs, each an uncertain per-path input, none twice.
fn check_inputs(model: &Model, names: &[String], file: &str) -> Result<()> {
    let inputs = model.path_inputs();
    if names.len() < 2 {
        return Err(err(
            file,
            "correlation.inputs",
            "name at least two per-path inputs to correlate".into(),
        ));
    }
    for (i, name) in names.iter().enumerate() {
        let at = format!("correlation.inputs[{i}]");
        let Some(input) = inputs.iter().find(|x| &x.path == name) else {
            let uncertain: Vec<&str> = inputs
                .iter()
                .filter(|x| !x.is_constant())
                .map(|x| x.path.as_str())
                .collect();
            return Err(err(
                file,
                &at,
                format!(
                    "`{name}` is not a per-path input of this model; uncertain inputs are: {}",
                    uncertain.join(", ")
                ),
            ));
        };
        if input.is_constant() {
            return Err(err(
                file,
                &at,
                format!("`{name}` is a constant; only uncertain inputs can be correlated"),
            ));
        }
        if names[..i].contains(name) {
            return Err(err(file, &at, format!("`{name}` is listed twice")));
        }
    }
    Ok(())
}

/// An n × n matrix, entries in [-1, 1], unit diagonal, symmetric.
#[allow(clippy::needless_range_loop)] // i and j index the matrix both ways
fn check_entries(m: &[Vec<f64>], n: usize, file: &str) -> Result<()> {
    if m.len() != n || m.iter().any(|row| row.len() != n) {
        return Err(err(
            file,
            "correlation.matrix",
            format!("must be a {n} × {n} matrix, one row and column per input"),
        ));
    }
    for i in 0..n {
        for j in 0..n {
            let v = m[i][j];
            let at = format!("correlation.matrix[{i}][{j}]");
            if !(-1.0..=1.0).contains(&v) {
                return Err(err(
                    file,
                    &at,
                    format!("{v} is not a correlation: entries lie in [-1, 1]"),
                ));
            }
            if i == j && v != 1.0 {
                return Err(err(file, &at, format!("the diagonal must be 1, got {v}")));
            }
            if (v - m[j][i]).abs() > 1e-12 {
                return Err(err(
                    file,
                    &at,
                    format!(
                        "the matrix must be symmetric: [{i}][{j}] = {v} but [{j}][{i}] = {}",
                        m[j][i]
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The largest shrink λ toward the identity (every off-diagonal entry
/// times λ) that makes `normal` positive semi-definite, by bisection.
fn largest_valid_shrink(normal: &[Vec<f64>]) -> f64 {
    let shrunk = |lambda: f64| -> Vec<Vec<f64>> {
        normal
            .iter()
            .enumerate()
            .map(|(i, row)| {
                row.iter()
                    .enumerate()
                    .map(|(j, &r)| if i == j { 1.0 } else { lambda * r })
                    .collect()
            })
            .collect()
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if cholesky(&shrunk(mid)).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[allow(clippy::needless_range_loop)] // the textbook index form is clearest here
/// Lower Cholesky factor of a symmetric matrix; `None` if it is not
/// positive semi-definite (a tiny negative pivot from rounding is allowed).
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - sum;
                if d < -1e-10 {
                    return None;
                }
                l[i][j] = d.max(0.0).sqrt();
            } else if l[j][j] > 1e-12 {
                l[i][j] = (a[i][j] - sum) / l[j][j];
            } else if (a[i][j] - sum).abs() > 1e-10 {
                return None;
            }
        }
    }
    Some(l)
}
