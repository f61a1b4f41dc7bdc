//! The serialised form of a sketch (in partial files), and the checks that
//! a sketch read back could have come from adding finite values.

use super::{highest_key, key_of, lowest_key, store::Store, Sketch, ZERO_THRESHOLD};
use serde::{Deserialize, Serialize};

/// The serialised form of a [`Sketch`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SketchWire {
    /// Non-empty buckets of positive values as `[step, count]`: the first
    /// step is the bucket's key, each later one the distance from the
    /// previous key (at least 1), which keeps the file small.
    positive: Vec<[u64; 2]>,
    /// Non-empty buckets of negative values (by magnitude), the same way.
    negative: Vec<[u64; 2]>,
    /// Values counted as zero.
    zero: u64,
    /// Values in all.
    count: u64,
    /// Smallest value, `null` when empty.
    min: Option<f64>,
    /// Largest value, `null` when empty.
    max: Option<f64>,
}

impl From<Sketch> for SketchWire {
    fn from(s: Sketch) -> SketchWire {
        let pairs = |store: &Store| {
            let mut previous = 0i64;
            store
                .iter()
                .map(|(key, c)| {
                    let step = key - previous;
                    previous = key;
                    [step as u64, c]
                })
                .collect::<Vec<_>>()
        };
        SketchWire {
            positive: pairs(&s.positive),
            negative: pairs(&s.negative),
            zero: s.zero,
            count: s.count,
            min: s.min(),
            max: s.max(),
        }
    }
}

/// Checks one store's `[step, count]` buckets: keys in the range finite
/// magnitudes can have, strictly increasing, counts positive; returns the
/// (key, count) pairs and their total count.
fn check_buckets(pairs: &[[u64; 2]], which: &str) -> Result<(Vec<(i64, u64)>, u64), String> {
    let (lo, hi) = (lowest_key() as u64, highest_key() as u64);
    let mut key = 0u64;
    let mut total = 0u64;
    let mut buckets = Vec::with_capacity(pairs.len());
    for (i, &[step, count]) in pairs.iter().enumerate() {
        if i > 0 && step == 0 {
            return Err(format!("{which} bucket keys are not strictly increasing"));
        }
        key = key.saturating_add(step);
        if !(lo..=hi).contains(&key) {
            return Err(format!(
                "{which} bucket key {key} is outside {lo}..={hi}, the keys of finite values"
            ));
        }
        if count == 0 {
            return Err(format!("{which} bucket {key} has a zero count"));
        }
        total = total
            .checked_add(count)
            .ok_or_else(|| format!("{which} bucket counts overflow"))?;
        buckets.push((key as i64, count));
    }
    Ok((buckets, total))
}

impl Sketch {
    /// Rebuilds a sketch from its serialised form, checking that it could
    /// have come from adding finite values: bucket keys in range and
    /// increasing, counts adding up, min and max finite, ordered and lying
    /// in the lowest and highest buckets. Memory is bounded by the key
    /// range, whatever the file says.
    pub fn from_wire(w: SketchWire) -> Result<Sketch, String> {
        let (positive_buckets, positive) = check_buckets(&w.positive, "positive")?;
        let (negative_buckets, negative) = check_buckets(&w.negative, "negative")?;
        let total = positive
            .checked_add(negative)
            .and_then(|t| t.checked_add(w.zero));
        if total != Some(w.count) {
            return Err(format!(
                "its buckets hold {} values but its count is {}",
                total.map_or("more than 2^64".to_string(), |t| t.to_string()),
                w.count
            ));
        }
        let (min, max) =
            match (w.count, w.min, w.max) {
                (0, None, None) => (f64::INFINITY, f64::NEG_INFINITY),
                (0, _, _) => return Err("it is empty but has a min or max".into()),
                (_, Some(min), Some(max)) if min.is_finite() && max.is_finite() && min <= max => {
                    (min, max)
                }
                _ => return Err(
                    "its min and max must be finite numbers with min ≤ max when it holds values"
                        .into(),
                ),
            };
        let mut sketch = Sketch::new();
        for (buckets, store) in [
            (&positive_buckets, &mut sketch.positive),
            (&negative_buckets, &mut sketch.negative),
        ] {
            if let (Some(first), Some(last)) = (buckets.first(), buckets.last()) {
                store.widen_to(first.0, last.0);
                for &(key, count) in buckets {
                    store.add(key, count);
                }
            }
        }
        sketch.zero = w.zero;
        sketch.count = w.count;
        sketch.min = min;
        sketch.max = max;
        if w.count > 0
            && (sketch.lowest_bucket() != Self::bucket_of(min)
                || sketch.highest_bucket() != Self::bucket_of(max))
        {
            return Err(format!(
                "its min {min} and max {max} are not in its lowest and highest buckets"
            ));
        }
        Ok(sketch)
    }

    fn bucket_of(x: f64) -> Bucket {
        if x.abs() < ZERO_THRESHOLD {
            Bucket::Zero
        } else if x > 0.0 {
            Bucket::Positive(key_of(x))
        } else {
            Bucket::Negative(key_of(-x))
        }
    }

    /// The bucket of the smallest values (the sketch holds at least one).
    fn lowest_bucket(&self) -> Bucket {
        if let Some((k, _)) = self.negative.iter().next_back() {
            Bucket::Negative(k)
        } else if self.zero > 0 {
            Bucket::Zero
        } else {
            Bucket::Positive(self.positive.iter().next().map_or(0, |(k, _)| k))
        }
    }

    /// The bucket of the largest values (the sketch holds at least one).
    fn highest_bucket(&self) -> Bucket {
        if let Some((k, _)) = self.positive.iter().next_back() {
            Bucket::Positive(k)
        } else if self.zero > 0 {
            Bucket::Zero
        } else {
            Bucket::Negative(self.negative.iter().next().map_or(0, |(k, _)| k))
        }
    }
}

/// Which bucket a value falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Zero,
    Positive(i64),
    Negative(i64),
}
