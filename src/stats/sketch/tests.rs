//! Tests of the quantile sketch.

use super::*;

fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[test]
fn quantiles_are_within_the_stated_relative_error_of_exact_ones() {
    let values: Vec<f64> = (0..20_000)
        .map(|i| ((i * 7919) % 20_000) as f64 * 0.37 - 2_500.0)
        .collect();
    let mut sketch = Sketch::new();
    values.iter().for_each(|&x| sketch.add(x));
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    for q in [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
        let exact = exact_quantile(&sorted, q);
        let got = sketch.quantile(q).unwrap();
        assert!(
            (got - exact).abs() <= exact.abs() * RELATIVE_ERROR + 1e-9,
            "q={q}: {got} vs {exact}"
        );
    }
    assert_eq!(sketch.quantile(0.0), Some(sorted[0]));
    assert_eq!(sketch.quantile(1.0), Some(*sorted.last().unwrap()));
}

#[test]
fn merging_in_any_order_gives_identical_sketches() {
    let parts: Vec<Sketch> = (0..4)
        .map(|p| {
            let mut s = Sketch::new();
            for i in 0..1000 {
                s.add(((i * 31 + p * 977) % 1703) as f64 - 300.0 + 1e-3 * p as f64);
            }
            s
        })
        .collect();
    let mut forward = Sketch::new();
    parts.iter().for_each(|s| forward.merge(s));
    let mut backward = Sketch::new();
    parts.iter().rev().for_each(|s| backward.merge(s));
    for q in [0.1, 0.5, 0.9] {
        assert_eq!(
            forward.quantile(q).unwrap().to_bits(),
            backward.quantile(q).unwrap().to_bits()
        );
    }
    assert_eq!(forward.count(), 4000);
}

#[test]
fn mid_ranks_increase_with_the_value() {
    let mut s = Sketch::new();
    for i in -500..500 {
        s.add(i as f64 * 1.7);
    }
    let r = s.rank_lookup();
    let ranks: Vec<f64> = (-500..500).map(|i| r.mid_rank(i as f64 * 1.7)).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    assert!(ranks[0] < 0.01 && ranks[999] > 0.99);
    assert!((r.mid_rank(0.0) - 0.5).abs() < 0.01);
    // Values beyond the extremes, and in empty gaps, rank by what lies below.
    assert_eq!(r.mid_rank(-1e9), 0.0);
    assert_eq!(r.mid_rank(1e9), 1.0);
    let gap = s.rank_lookup().mid_rank(-0.3);
    assert!((gap - 0.5).abs() < 0.01, "{gap}");
}

#[test]
fn adding_a_slice_equals_adding_its_values_one_by_one() {
    let values: Vec<f64> = (0..3000)
        .map(|i| match i % 7 {
            0 => 0.0,
            1 => 5e-13,
            2 => -1e-12,
            _ => ((i * 7919) % 3001) as f64 * 0.91 - 1_200.0,
        })
        .collect();
    let (mut one_by_one, mut batched) = (Sketch::new(), Sketch::new());
    values.iter().for_each(|&x| one_by_one.add(x));
    values.chunks(1024).for_each(|c| batched.add_all(c));
    batched.add_all(&[]);
    assert_eq!(one_by_one, batched);
    assert_eq!(one_by_one.zero, batched.zero);
    assert_eq!(one_by_one.min(), batched.min());
    assert_eq!(one_by_one.max(), batched.max());
    let wire = SketchWire::from(batched.clone());
    assert_eq!(Sketch::from_wire(wire), Ok(batched));
}

#[test]
fn a_constant_is_reported_exactly() {
    let mut s = Sketch::new();
    (0..10).for_each(|_| s.add(3.3));
    assert_eq!(s.quantile(0.5), Some(3.3));
    let empty = Sketch::new();
    assert_eq!(empty.quantile(0.5), None);
}

#[test]
fn a_sketch_reads_back_from_json_to_the_same_bits_for_any_finite_values() {
    // Random bit patterns cover every exponent, subnormals and signs.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for _ in 0..200 {
        let mut sketch = Sketch::new();
        for _ in 0..50 {
            let x = f64::from_bits(next());
            if x.is_finite() {
                sketch.add(x);
            }
        }
        let json = serde_json::to_string(&SketchWire::from(sketch.clone())).unwrap();
        let back = Sketch::from_wire(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(back, sketch);
        assert_eq!(back.min().map(f64::to_bits), sketch.min().map(f64::to_bits));
        assert_eq!(back.max().map(f64::to_bits), sketch.max().map(f64::to_bits));
    }
    let json = serde_json::to_string(&SketchWire::from(Sketch::new())).unwrap();
    let empty = Sketch::from_wire(serde_json::from_str(&json).unwrap()).unwrap();
    assert_eq!(empty.count(), 0);
    assert_eq!(empty.min(), None);
}

#[test]
fn a_forged_sketch_is_refused_with_the_rule_it_breaks() {
    let mut s = Sketch::new();
    [1.0, 2.0, -3.0, 0.0].iter().for_each(|&x| s.add(x));
    let good = serde_json::to_value(SketchWire::from(s)).unwrap();
    let cases: [(&str, serde_json::Value); 6] = [
        ("count", serde_json::json!({"count": 5})),
        (
            "outside",
            serde_json::json!({"positive": [[1u64 << 40, 1], [1, 1]]}),
        ),
        (
            "increasing",
            serde_json::json!({"positive": [[good["positive"][0][0].clone(), 1], [0, 1]]}),
        ),
        ("min", serde_json::json!({"min": 1.5})),
        ("finite", serde_json::json!({"max": null})),
        (
            "zero count",
            serde_json::json!({"negative": [[good["negative"][0][0].clone(), 0]], "count": 3}),
        ),
    ];
    for (rule, patch) in cases {
        let mut forged = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            forged[k] = v.clone();
        }
        let err = serde_json::from_value::<SketchWire>(forged)
            .map_err(|e| e.to_string())
            .and_then(Sketch::from_wire)
            .unwrap_err();
        assert!(err.contains(rule), "{rule}: {err}");
    }
}

/// Where a value's bucket lies in the order of buckets.
fn bucket_order(x: f64) -> (i8, i64) {
    if x.abs() < ZERO_THRESHOLD {
        (0, 0)
    } else if x > 0.0 {
        (1, key_of(x))
    } else {
        (-1, -key_of(-x))
    }
}

#[test]
fn mid_ranks_match_a_brute_force_count_of_the_values_below_and_tied() {
    let values: Vec<f64> = (-700..900)
        .map(|i| i as f64 * 0.731 + if i % 7 == 0 { 0.0 } else { 0.01 })
        .chain([0.0, 0.0, 5e-13, 3.3, 3.3, 3.3])
        .collect();
    let mut s = Sketch::new();
    values.iter().for_each(|&v| s.add(v));
    let n = values.len() as f64;
    let (min, max) = (s.min().unwrap(), s.max().unwrap());
    let queries = values
        .iter()
        .copied()
        .chain((-80..80).map(|i| i as f64 * 7.77 + 0.123))
        .chain([min - 1e-9, max + 1e-9, -1e9, 1e9]);
    for x in queries {
        let below = values
            .iter()
            .filter(|&&v| bucket_order(v) < bucket_order(x))
            .count() as f64;
        let tied = values
            .iter()
            .filter(|&&v| bucket_order(v) == bucket_order(x))
            .count() as f64;
        let expected = if x < min {
            0.0
        } else if x > max {
            1.0
        } else {
            (below + 0.5 * tied) / n
        };
        assert_eq!(s.mid_rank(x), Some(expected), "{x}");
    }
    assert_eq!(Sketch::new().mid_rank(1.0), None);
}

#[test]
fn values_in_buckets_of_their_own_rank_at_the_middle_of_their_step() {
    // Powers of two: one value a bucket, so the i-th of n ranks (i + ½) / n.
    let values: Vec<f64> = (-20..20).map(|e| 2f64.powi(e)).collect();
    let mut s = Sketch::new();
    values.iter().for_each(|&v| s.add(v));
    let n = values.len() as f64;
    for (i, &v) in values.iter().enumerate() {
        assert_eq!(s.mid_rank(v), Some((i as f64 + 0.5) / n));
    }
    // Between two of them: the fraction below; beyond the ends: 0 and 1.
    assert_eq!(s.mid_rank(3.0), Some(22.0 / n));
    assert_eq!(s.mid_rank(2f64.powi(-21)), Some(0.0));
    assert_eq!(s.mid_rank(2f64.powi(20)), Some(1.0));
    let mut one = Sketch::new();
    (0..3).for_each(|_| one.add(-4.0));
    assert_eq!(one.mid_rank(-4.0), Some(0.5));
}
