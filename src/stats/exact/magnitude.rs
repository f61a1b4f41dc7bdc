//! Unsigned integers as base-2^32 digits, least significant first, with the
//! few operations the exact sums need to read themselves out: comparison,
//! products, difference and a correctly rounded quotient.

use std::cmp::Ordering;

/// Drops leading zero digits.
pub(super) fn trim(m: &mut Vec<u32>) {
    while m.last() == Some(&0) {
        m.pop();
    }
}

/// The number of bits up to the highest set one (0 for zero).
pub(super) fn bit_length(m: &[u32]) -> u32 {
    let m = strip(m);
    match m.last() {
        None => 0,
        Some(&top) => 32 * (m.len() as u32 - 1) + (32 - top.leading_zeros()),
    }
}

/// Bit i (false beyond the digits).
pub(super) fn bit_at(m: &[u32], i: u32) -> bool {
    m.get((i / 32) as usize)
        .is_some_and(|&d| (d >> (i % 32)) & 1 == 1)
}

/// `magnitude` with the sign `negative`.
pub(super) fn signed(negative: bool, magnitude: f64) -> f64 {
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// Compares two (negative, magnitude) pairs as signed integers (−0 = 0).
pub(super) fn compare_signed(a: &(bool, Vec<u32>), b: &(bool, Vec<u32>)) -> Ordering {
    let zero = |m: &Vec<u32>| m.is_empty();
    match (a.0 && !zero(&a.1), b.0 && !zero(&b.1)) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => compare_magnitude(&a.1, &b.1),
        (true, true) => compare_magnitude(&b.1, &a.1),
    }
}

/// Compares two magnitudes.
pub(super) fn compare_magnitude(a: &[u32], b: &[u32]) -> Ordering {
    let (a, b) = (strip(a), strip(b));
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// The digits up to the highest non-zero one.
pub(super) fn strip(m: &[u32]) -> &[u32] {
    let len = m.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1);
    &m[..len]
}

/// a · k.
pub(super) fn mul_small(a: &[u32], k: u64) -> Vec<u32> {
    let (lo, hi) = (k as u32, (k >> 32) as u32);
    let mut out = vec![0u32; a.len() + 3];
    for (shift, factor) in [(0, lo), (1, hi)] {
        let mut carry = 0u64;
        for (i, &d) in a.iter().enumerate() {
            let v = u64::from(out[i + shift]) + u64::from(d) * u64::from(factor) + carry;
            out[i + shift] = v as u32;
            carry = v >> 32;
        }
        let mut i = a.len() + shift;
        while carry > 0 {
            let v = u64::from(out[i]) + carry;
            out[i] = v as u32;
            carry = v >> 32;
            i += 1;
        }
    }
    trim(&mut out);
    out
}

/// a · b.
pub(super) fn mul(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = vec![0u32; a.len() + b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let v = u64::from(out[i + j]) + u64::from(x) * u64::from(y) + carry;
            out[i + j] = v as u32;
            carry = v >> 32;
        }
        out[i + b.len()] = carry as u32;
    }
    trim(&mut out);
    out
}

/// a − b for a ≥ b.
pub(super) fn sub(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = a.to_vec();
    let mut borrow = 0i64;
    for (i, d) in out.iter_mut().enumerate() {
        let v = i64::from(*d) - i64::from(b.get(i).copied().unwrap_or(0)) - borrow;
        borrow = i64::from(v < 0);
        *d = (v + (borrow << 32)) as u32;
    }
    trim(&mut out);
    out
}

/// (magnitude / n) · 2^lsb_exponent, correctly rounded to nearest even.
pub(super) fn round_quotient(magnitude: &[u32], n: u64, lsb_exponent: i32) -> f64 {
    // Long division: quotient digits and the remainder.
    let mut quotient = vec![0u32; magnitude.len()];
    let mut remainder = 0u128;
    for i in (0..magnitude.len()).rev() {
        let v = (remainder << 32) | u128::from(magnitude[i]);
        quotient[i] = (v / u128::from(n)) as u32;
        remainder = v % u128::from(n);
    }
    trim(&mut quotient);
    let bit_length = bit_length(&quotient);
    let bit = |i: u32| bit_at(&quotient, i);
    // Whether any bit below position i is set.
    let any_below = |i: u32| {
        let (whole, part) = ((i / 32) as usize, i % 32);
        let whole_digits = &quotient[..whole.min(quotient.len())];
        whole_digits.iter().any(|&d| d != 0)
            || (part > 0
                && quotient
                    .get(whole)
                    .is_some_and(|&d| d & ((1u32 << part) - 1) != 0))
    };
    // Shift so that the kept mantissa has at most 53 bits and its scale is
    // at least 2^-1074, the lsb of the subnormals.
    let lowest_exponent: i32 = -1074;
    let shift = (bit_length as i32 - 53).max(lowest_exponent - lsb_exponent) as u32;
    let mut kept: u64 = 0;
    for i in (shift..bit_length.max(shift)).rev() {
        kept = (kept << 1) | u64::from(bit(i));
    }
    let (round, sticky) = if shift == 0 {
        // Every quotient bit is kept; the fraction remainder / n decides.
        let twice = remainder * 2;
        (
            twice >= u128::from(n),
            twice != u128::from(n) && remainder != 0,
        )
    } else {
        (bit(shift - 1), any_below(shift - 1) || remainder != 0)
    };
    if round && (sticky || kept & 1 == 1) {
        kept += 1;
    }
    // Value = kept · 2^(lsb_exponent + shift) = kept · 2^(e − 1074). For
    // kept ≤ 2^53 the double's bits are (e << 52) + kept: the subnormals
    // (e = 0) and every carry into the exponent included.
    let e = lsb_exponent + shift as i32 - lowest_exponent;
    debug_assert!(e >= 0, "the shift keeps the scale at or above 2^-1074");
    if e >= 2046 {
        return f64::INFINITY;
    }
    let bits = ((e as u64) << 52) + kept;
    if bits >= f64::INFINITY.to_bits() {
        f64::INFINITY
    } else {
        f64::from_bits(bits)
    }
}
