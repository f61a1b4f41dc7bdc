//! Tests of the exact sums.

use super::*;

fn sum_of(values: &[f64]) -> ExactSum {
    let mut s = ExactSum::new();
    s.add_all(values);
    s
}

#[test]
fn small_integers_sum_and_divide_exactly() {
    let s = sum_of(&[1.0, 2.0, 3.0, -0.5]);
    assert_eq!(s.value(), 5.5);
    assert_eq!(s.divided_by(4), 1.375);
    assert_eq!(ExactSum::new().value(), 0.0);
    assert_eq!(ExactSum::new().divided_by(0), 0.0);
}

#[test]
fn the_sum_is_exact_where_floating_point_addition_loses_digits() {
    // 1e300 + 1 − 1e300 is 1 exactly; a double sum gives 0.
    let s = sum_of(&[1e300, 1.0, -1e300]);
    assert_eq!(s.value(), 1.0);
    // The doubles 0.1 + 0.2 exceed the double 0.3 by exactly 2^-55.
    let s = sum_of(&[0.1, 0.2, -0.3]);
    assert_eq!(s.value(), 2f64.powi(-55));
}

#[test]
fn the_mean_of_huge_values_stays_inside_their_range() {
    let values = [1e308, 1.7e308, 1.5e308, -1e308, 1.6e308];
    let s = sum_of(&values);
    assert_eq!(s.value(), f64::INFINITY);
    let mean = s.divided_by(values.len() as u64);
    // Exact mean: (1 + 1.7 + 1.5 − 1 + 1.6)/5 · 1e308 = 0.96e308.
    assert!((mean / 0.96e308 - 1.0).abs() < 1e-15, "{mean}");
    let constant = [1e35; 7];
    assert_eq!(sum_of(&constant).divided_by(7), 1e35);
    let tiny = [5e-324, 5e-324, 0.0];
    assert_eq!(sum_of(&tiny).divided_by(2), 5e-324);
    assert_eq!(sum_of(&tiny).divided_by(3), 5e-324);
    assert_eq!(sum_of(&[5e-324]).divided_by(3), 0.0);
}

#[test]
fn the_mean_is_correctly_rounded_against_a_rational_oracle() {
    // Integers small enough that the exact mean is k/n: compare with
    // round-to-nearest of k/n computed by f64 division (exact for k < 2^53).
    for (values, n) in [
        (vec![1.0, 1.0, 1.0], 3u64),
        (vec![2.0, 0.0, 0.0], 3),
        (vec![7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 7),
        (vec![1e15, 3.0, -2.0], 3),
    ] {
        let k: f64 = values.iter().sum();
        assert_eq!(sum_of(&values).divided_by(n), k / n as f64);
    }
}

#[test]
fn the_order_of_additions_and_merges_never_matters() {
    let values: Vec<f64> = (0..5000)
        .map(|i| {
            let x = ((i * 7919) % 10007) as f64 - 5000.0;
            x * 10f64.powi((i % 41) * 15 - 300)
        })
        .collect();
    let forward = sum_of(&values);
    let mut reversed: Vec<f64> = values.clone();
    reversed.reverse();
    let backward = sum_of(&reversed);
    assert_eq!(forward, backward);
    let mut merged = ExactSum::new();
    for chunk in values.chunks(333).rev() {
        merged.merge(&sum_of(chunk));
    }
    assert_eq!(forward, merged);
    assert_eq!(forward.to_hex(), merged.to_hex());
}

#[test]
fn hex_text_reads_back_to_the_same_sum() {
    for values in [
        vec![],
        vec![-1.0],
        vec![f64::MAX, f64::MAX, f64::MAX],
        vec![-f64::MAX, 1e-300, 5e-324],
        vec![123.456, -789.0125],
    ] {
        let s = sum_of(&values);
        let text = s.to_hex();
        assert_eq!(ExactSum::from_hex(&text), Some(s), "{text}");
    }
    for bad in [
        "",
        "0x",
        "12",
        "-0xzz",
        "0x-1",
        &format!("0x{}", "f".repeat(2000)),
    ] {
        assert_eq!(ExactSum::from_hex(bad), None, "{bad}");
    }
}

#[test]
fn add_times_equals_repeated_addition() {
    let mut a = ExactSum::new();
    a.add_times(-3.25e200, 1000);
    let b = sum_of(&vec![-3.25e200; 1000]);
    assert_eq!(a, b);
    assert_eq!(a.compare(&b), Ordering::Equal);
    assert_eq!(sum_of(&[1.0]).compare(&sum_of(&[-1.0])), Ordering::Greater);
    assert_eq!(sum_of(&[-2.0]).compare(&sum_of(&[-1.0])), Ordering::Less);
}

fn sd_of(values: &[f64]) -> f64 {
    let (mut s, mut q) = (ExactSum::new(), ExactSquareSum::new());
    for &x in values {
        s.add(x);
        q.add_square(x);
    }
    s.population_sd(&q, values.len() as u64)
}

#[test]
fn a_negative_sum_that_rounds_to_zero_gives_a_mean_of_plus_zero() {
    let mean = sum_of(&[-5e-324]).divided_by(3);
    assert_eq!(mean.to_bits(), 0.0f64.to_bits());
}

#[test]
fn squared_differences_are_summed_exactly_even_when_the_difference_overflows() {
    // b − a = 2e308 is beyond the double range; (b − a)² = 4e616 is not
    // formed, and the sd of the differences ±… still comes out right.
    let pairs = [(1e308, -1e308), (-1e308, 1e308), (3.0, 1.0), (1.0, 3.0)];
    let (mut d, mut q) = (ExactSum::new(), ExactSquareSum::new());
    for (b, a) in pairs {
        d.add(b);
        d.add(-a);
        q.add_difference_square(b, a);
    }
    // Differences 2e308, −2e308, 2, −2: mean 0, σ² = (2·4e616 + 8)/4.
    assert_eq!(d.divided_by(4), 0.0);
    let sd = d.population_sd(&q, 4);
    assert!((sd / (2f64.sqrt() * 1e308) - 1.0).abs() < 1e-14, "{sd}");
    // Small differences: the same as summing (b − a)² directly.
    let (mut direct, mut split) = (ExactSquareSum::new(), ExactSquareSum::new());
    for (b, a) in [(0.3, 0.1), (1e-200, -3e-200), (7.0, 7.5)] {
        direct.add_square(b - a);
        split.add_difference_square(b, a);
    }
    // Compared through the sd with a zero sum: equal sums, equal sd.
    let zero = ExactSum::new();
    assert!((zero.population_sd(&direct, 3) / zero.population_sd(&split, 3) - 1.0).abs() < 1e-15);
}

#[test]
fn the_standard_deviation_keeps_tiny_spreads_beside_large_offsets() {
    // c + δ·(−1, 0, 1): σ = δ·√(2/3), lost by Σx²/n − mean² in doubles.
    let (c, delta) = (1.0, 2f64.powi(-40));
    let sd = sd_of(&[c - delta, c, c + delta]);
    let expected = delta * (2.0f64 / 3.0).sqrt();
    assert!((sd / expected - 1.0).abs() < 1e-14, "{sd} vs {expected}");
    // Differences far below a money unit keep their spread.
    let sd = sd_of(&[1e-4, 3e-4, 5e-4]);
    let expected = (8e-8f64 / 3.0).sqrt();
    assert!((sd / expected - 1.0).abs() < 1e-12, "{sd} vs {expected}");
    // Huge values do not overflow: σ of ±1e300 is 1e300, and σ of ±1e308
    // is 1e308 although n·σ is beyond the double range.
    let sd = sd_of(&[1e300, -1e300]);
    assert!((sd / 1e300 - 1.0).abs() < 1e-14, "{sd}");
    let sd = sd_of(&[1e308, -1e308]);
    assert!((sd / 1e308 - 1.0).abs() < 1e-14, "{sd}");
    assert_eq!(sd_of(&[7.5; 9]), 0.0);
    assert_eq!(sd_of(&[]), 0.0);
    // Near the bottom of the double range: σ of (2^-1000, 0) is 2^-1001.
    assert_eq!(sd_of(&[2f64.powi(-1000), 0.0]), 2f64.powi(-1001));
}

#[test]
fn hex_text_reads_back_to_the_same_sum_of_squares() {
    for values in [
        vec![],
        vec![-1.0],
        vec![f64::MAX, f64::MAX, f64::MAX],
        vec![-f64::MAX, 1e-300, 5e-324],
        vec![123.456, -789.0125],
    ] {
        let mut s = ExactSquareSum::new();
        values.iter().for_each(|&x| s.add_square(x));
        let text = s.to_hex();
        assert_eq!(ExactSquareSum::from_hex(&text), Some(s), "{text}");
    }
    for bad in ["", "0x", "12", "0xzz", &format!("0x{}", "f".repeat(2000))] {
        assert_eq!(ExactSquareSum::from_hex(bad), None, "{bad}");
    }
}
