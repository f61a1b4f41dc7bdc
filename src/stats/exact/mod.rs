//! Exact sums of doubles (and of their squares) that merge in any order.
//!
//! Every finite double is an integer multiple of 2^-1074, so a sum of
//! doubles is an integer in those units: [`ExactSum`] keeps that integer
//! in full (a "long accumulator" in the sense of Kulisch), wide enough for
//! 2^64 values of any finite magnitude. Adding is exact, so the sum does
//! not depend on the order of additions or merges, and the mean read from
//! it is the correctly rounded mean of the values: it can never lie outside
//! their range, whatever their scale (1e-300 or 1e300, mixed signs).
//!
//! [`ExactSquareSum`] does the same for squares (units of 2^-2148), so a
//! variance computed from the two, n·Σx² − (Σx)², is exact before its one
//! final rounding: no cancellation, no fixed scale.
//!
//! The digits are base 2^32 held in `i64` (carry-save): an addition touches
//! three or five digits without carrying, and carries are settled every
//! [`SETTLE_EVERY`] additions and before any read, so the stored form is
//! canonical (equal sums have equal digits).

mod hex;
mod magnitude;
#[cfg(test)]
mod tests;

use magnitude::{
    bit_at, bit_length, compare_magnitude, compare_signed, mul, mul_small, round_quotient, signed,
    sub, trim,
};
use std::cmp::Ordering;

/// Digits of a linear sum: 2098 bits of double range, 64 of headroom for
/// the count, and room for an addend's spill.
const SUM_DIGITS: usize = 72;
/// Digits of a sum of squares: twice the range, plus 106-bit addends.
const SQUARE_DIGITS: usize = 140;
/// Additions between carry settlements: each adds less than 2^32 to a
/// digit in magnitude, so an `i64` digit cannot overflow before 2^31.
const SETTLE_EVERY: u32 = 1 << 30;
/// The bit weight of digit 0 of a linear sum is 2^-1074.
const SUM_LSB_EXPONENT: i32 = -1074;
/// The bit weight of digit 0 of a sum of squares is 2^-2148.
const SQUARE_LSB_EXPONENT: i32 = -2148;

/// Splits a finite double into (negative, integer mantissa, bit position)
/// with |x| = mantissa · 2^(position − 1074).
#[inline(always)]
fn decompose(x: f64) -> (bool, u64, u32) {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as u32;
    let fraction = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (negative, fraction, 0)
    } else {
        (negative, fraction | (1u64 << 52), biased - 1)
    }
}

/// A signed integer in base-2^32 digits held in `i64`, settled to canonical
/// form (digits 0..N−1 in [0, 2^32), the top digit signed) on demand.
/// Equality compares values, however settled.
#[derive(Debug, Clone)]
struct Digits<const N: usize> {
    digits: [i64; N],
    unsettled: u32,
}

impl<const N: usize> PartialEq for Digits<N> {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.settle();
        b.settle();
        a.digits == b.digits
    }
}

impl<const N: usize> Eq for Digits<N> {}

impl<const N: usize> Digits<N> {
    fn zero() -> Self {
        Digits {
            digits: [0; N],
            unsettled: 0,
        }
    }

    /// Adds ±magnitude · 2^position (magnitude < 2^128, position < 32·(N−5)).
    #[inline(always)]
    fn add_shifted(&mut self, negative: bool, magnitude: u128, position: u32) {
        let index = (position / 32) as usize;
        let shift = position % 32;
        let sign = if negative { -1i64 } else { 1 };
        let low = magnitude << shift;
        let spill = if shift == 0 {
            0u64
        } else {
            (magnitude >> (128 - shift)) as u64
        };
        self.count_addition();
        let d = &mut self.digits[index..index + 5];
        d[0] += sign * (low as u32 as i64);
        d[1] += sign * ((low >> 32) as u32 as i64);
        d[2] += sign * ((low >> 64) as u32 as i64);
        d[3] += sign * ((low >> 96) as u32 as i64);
        d[4] += sign * (spill as u32 as i64);
    }

    /// Adds ±mantissa · 2^position for a mantissa below 2^53 (three
    /// digits), without counting the addition: callers count.
    #[inline(always)]
    fn add_mantissa_uncounted(&mut self, negative: bool, mantissa: u64, position: u32) {
        let index = (position / 32) as usize;
        let shifted = u128::from(mantissa) << (position % 32);
        let sign = if negative { -1i64 } else { 1 };
        let d = &mut self.digits[index..index + 3];
        d[0] += sign * (shifted as u32 as i64);
        d[1] += sign * ((shifted >> 32) as u32 as i64);
        d[2] += sign * ((shifted >> 64) as i64);
    }

    /// Makes room for `n` more additions (n < 2^30) before the digits could
    /// overflow, settling the carries first when needed.
    #[inline(always)]
    fn reserve_additions(&mut self, n: u32) {
        if self.unsettled.saturating_add(n) > SETTLE_EVERY {
            self.settle();
        }
        self.unsettled += n;
    }

    #[inline(always)]
    fn count_addition(&mut self) {
        self.reserve_additions(1);
    }

    /// Carries every digit into the next, leaving the canonical form.
    fn settle(&mut self) {
        let mut carry = 0i64;
        for d in &mut self.digits[..N - 1] {
            let v = *d + carry;
            *d = v & 0xffff_ffff;
            carry = v >> 32;
        }
        self.digits[N - 1] += carry;
        self.unsettled = 0;
    }

    fn merge(&mut self, other: &Self) {
        let mut other = other.clone();
        other.settle();
        self.settle();
        for (a, b) in self.digits.iter_mut().zip(other.digits) {
            *a += b;
        }
        self.settle();
    }

    /// Sign and magnitude (base-2^32 digits, least significant first).
    fn sign_magnitude(&self) -> (bool, Vec<u32>) {
        let mut s = self.clone();
        s.settle();
        let negative = s.digits[N - 1] < 0;
        if negative {
            // Negate in place: −v = (complement of v) + 1 in settled digits.
            let mut carry = 1i64;
            for d in &mut s.digits[..N - 1] {
                let v = (0xffff_ffff - *d) + carry;
                *d = v & 0xffff_ffff;
                carry = v >> 32;
            }
            s.digits[N - 1] = -s.digits[N - 1] - 1 + carry;
        }
        let mut magnitude: Vec<u32> = s.digits[..N - 1].iter().map(|&d| d as u32).collect();
        // The top digit of a settled sum in range is small: split it too.
        let top = s.digits[N - 1] as u64;
        magnitude.push(top as u32);
        magnitude.push((top >> 32) as u32);
        trim(&mut magnitude);
        (negative, magnitude)
    }

    /// Rebuilds from sign and magnitude; `None` when it does not fit.
    fn from_sign_magnitude(negative: bool, magnitude: &[u32]) -> Option<Self> {
        let mut m = magnitude.to_vec();
        trim(&mut m);
        if m.len() > N - 1 || m.len() == N - 1 && m[N - 2] >= 1 << 31 {
            return None;
        }
        let mut out = Self::zero();
        for (i, &d) in m.iter().enumerate() {
            out.digits[i] = if negative {
                -i64::from(d)
            } else {
                i64::from(d)
            };
        }
        out.settle();
        Some(out)
    }
}

/// The exact sum of finite doubles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactSum(Digits<SUM_DIGITS>);

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum::new()
    }
}

impl ExactSum {
    /// The empty sum (zero).
    pub fn new() -> ExactSum {
        ExactSum(Digits::zero())
    }

    /// Adds one finite double exactly (a non-finite value is a caller bug).
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        debug_assert!(x.is_finite());
        let (negative, mantissa, position) = decompose(x);
        self.0.count_addition();
        self.0.add_mantissa_uncounted(negative, mantissa, position);
    }

    /// Adds every value of `values` (all finite).
    #[inline(always)]
    pub fn add_all(&mut self, values: &[f64]) {
        for chunk in values.chunks(1 << 20) {
            self.0.reserve_additions(chunk.len() as u32);
            for &x in chunk {
                debug_assert!(x.is_finite());
                let (negative, mantissa, position) = decompose(x);
                self.0.add_mantissa_uncounted(negative, mantissa, position);
            }
        }
    }

    /// Adds `x` taken `times` times, exactly.
    pub fn add_times(&mut self, x: f64, times: u64) {
        let (negative, mantissa, position) = decompose(x);
        self.0
            .add_shifted(negative, u128::from(mantissa) * u128::from(times), position);
    }

    /// Adds `other` into `self`: exact, so the order of merges never matters.
    pub fn merge(&mut self, other: &ExactSum) {
        self.0.merge(&other.0);
    }

    /// The sum, correctly rounded to a double (±inf beyond the double range).
    pub fn value(&self) -> f64 {
        self.divided_by(1)
    }

    /// The sum divided by `n`, correctly rounded (0 when n = 0). Applied to
    /// a sum of n values this is their mean, which lies in their range.
    pub fn divided_by(&self, n: u64) -> f64 {
        if n == 0 {
            return 0.0;
        }
        let (negative, magnitude) = self.0.sign_magnitude();
        let rounded = round_quotient(&magnitude, n, SUM_LSB_EXPONENT);
        // A negative sum whose quotient rounds to zero is 0, not −0.
        signed(negative && rounded != 0.0, rounded)
    }

    /// Compares the sums exactly.
    pub fn compare(&self, other: &ExactSum) -> Ordering {
        compare_signed(&self.0.sign_magnitude(), &other.0.sign_magnitude())
    }

    /// The population standard deviation of n values, from this sum of
    /// them and the sum of their squares: √(n·Σx² − (Σx)²) / n, where the
    /// numerator is exact and only the square root rounds (within a few
    /// ulps), so neither a tiny spread nor a large offset is lost, and no
    /// intermediate overflows. 0 for n = 0.
    pub fn population_sd(&self, squares: &ExactSquareSum, n: u64) -> f64 {
        if n == 0 {
            return 0.0;
        }
        let (_, s1) = self.0.sign_magnitude();
        let (_, s2) = squares.0.sign_magnitude();
        let n_s2 = mul_small(&s2, n);
        let s1_squared = mul(&s1, &s1);
        if compare_magnitude(&n_s2, &s1_squared) != Ordering::Greater {
            // Exactly zero (or, for inconsistent sums only, negative).
            return 0.0;
        }
        let numerator = sub(&n_s2, &s1_squared);
        // numerator ≈ top · 2^exponent, top holding its leading 64 bits.
        let length = bit_length(&numerator);
        let drop = length.saturating_sub(64);
        let mut top = 0u64;
        for i in (drop..length).rev() {
            top = (top << 1) | u64::from(bit_at(&numerator, i));
        }
        let mut exponent = drop as i32 + SQUARE_LSB_EXPONENT;
        let mut scaled = top as f64;
        if exponent % 2 != 0 {
            scaled *= 2.0;
            exponent -= 1;
        }
        let half = exponent / 2;
        // 2^half in two factors, each within the double range, applied after
        // the division by n: √numerator ≈ n·σ may pass 1.8e308 while σ does
        // not, and √top / n ≥ 2^-32 cannot underflow.
        let (a, b) = (half / 2, half - half / 2);
        scaled.sqrt() / n as f64 * 2f64.powi(a) * 2f64.powi(b)
    }
}

/// The exact sum of the squares of finite doubles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactSquareSum(Digits<SQUARE_DIGITS>);

impl Default for ExactSquareSum {
    fn default() -> Self {
        ExactSquareSum::new()
    }
}

impl ExactSquareSum {
    /// The empty sum (zero).
    pub fn new() -> ExactSquareSum {
        ExactSquareSum(Digits::zero())
    }

    /// Adds x² exactly (x finite): the 106-bit square of the mantissa at
    /// twice the position, so no square overflows or underflows.
    #[inline(always)]
    pub fn add_square(&mut self, x: f64) {
        self.add_product(x, x, false);
    }

    /// Adds x·y exactly (2·x·y when `twice`), so that (b − a)² can be summed
    /// as b² − 2ab + a² without ever forming b − a, which may overflow.
    #[inline(always)]
    pub fn add_product(&mut self, x: f64, y: f64, twice: bool) {
        debug_assert!(x.is_finite() && y.is_finite());
        let (nx, mx, px) = decompose(x);
        let (ny, my, py) = decompose(y);
        let product = u128::from(mx) * u128::from(my);
        self.0
            .add_shifted(nx != ny, product, px + py + u32::from(twice));
    }

    /// Adds (b − a)² exactly, for any finite a and b.
    #[inline(always)]
    pub fn add_difference_square(&mut self, b: f64, a: f64) {
        self.add_product(b, b, false);
        self.add_product(a, a, false);
        self.add_product(-a, b, true);
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &ExactSquareSum) {
        self.0.merge(&other.0);
    }
}
