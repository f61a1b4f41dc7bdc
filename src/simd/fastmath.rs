//! Branch-free `exp` and `ln` that the compiler can vectorise over a block
//! of paths.
//!
//! The engine takes exp(ε) of every path's noise every month; the C library's
//! `exp` is a function call per number and blocks vectorisation. These are
//! plain IEEE arithmetic, with explicit fused multiply-adds (each correctly
//! rounded) and no tables, so they give the same bits on every x86-64 and
//! ARM machine, whatever the vector width.
//! Accuracy: `exp` within 2 ulp of the correctly rounded result on
//! [-700, 700], `ln` within 2 ulp for positive normal numbers (both tested
//! against the standard library).

use crate::simd::Isa;

const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split in a high part with trailing zero bits and the rest, so that
/// k·LN2_HI is exact for |k| < 2^11 (Cody–Waite reduction).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.93147180369123816490e-1
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.90821492927058770002e-10
/// 1.5·2^52: adding it rounds a double to the nearest integer.
const ROUND: f64 = 6_755_399_441_055_744.0;

/// Taylor coefficients of e^r, highest first (1/12! … 1/1!, 1).
const TAYLOR: [f64; 13] = [
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
    1.0,
    1.0,
];

/// e^x for finite x; saturates to 0 below -708 and to e^709 above 709.
///
/// The reduction and the polynomial use fused multiply-adds (`mul_add`,
/// one rounding each): a single instruction where the processor has FMA
/// (the engine's vector code requires it), a correctly rounded library call
/// elsewhere, so the bits are the same on every machine.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = k.mul_add(-LN2_LO, k.mul_add(-LN2_HI, x));
    // Taylor series of e^r to r^12/12! on |r| ≤ ln2/2: truncation < 2e-16.
    let mut p = TAYLOR[0];
    for &c in &TAYLOR[1..] {
        p = p.mul_add(r, c);
    }
    // 2^k from the integer held in the low bits of `shifted`; split in two
    // factors so that k = 1024 (x near 709) does not overflow the exponent.
    let ki = (shifted.to_bits() as i64).wrapping_sub(ROUND.to_bits() as i64);
    let half = ki >> 1;
    let a = f64::from_bits(((half + 1023) as u64) << 52);
    let b = f64::from_bits(((ki - half + 1023) as u64) << 52);
    p * a * b
}

/// The vector code this processor runs: the engine's loops need AVX2 with
/// FMA; exp and the normal batches also use AVX-512 where present. Every
/// choice gives the same bits.
pub fn vector_code() -> &'static str {
    crate::simd::isa().describe()
}

/// fdlibm's minimax coefficients of ln(1 + f) = 2s + s·R(s²), s = f / (2 + f),
/// as published (more digits than a double holds).
#[allow(clippy::excessive_precision)]
const LG: [f64; 7] = [
    6.666_666_666_666_735_130e-1,
    3.999_999_999_940_941_908e-1,
    2.857_142_874_366_239_149e-1,
    2.222_219_843_214_978_396e-1,
    1.818_357_216_161_805_012e-1,
    1.531_383_769_920_937_332e-1,
    1.479_819_860_511_658_591e-1,
];

/// The natural logarithm of a positive normal number (fdlibm's `log`
/// without its branches: one formula for the whole range). Other inputs
/// (zero, negative, subnormal, infinite, NaN) give an unspecified finite or
/// NaN value: callers check the domain.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    // Mantissa scaled to [√½, √2) and the matching power of two k.
    let high = (bits >> 32) & 0x000f_ffff;
    let over = (high + 0x95f64) & 0x10_0000;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | ((over ^ 0x3ff0_0000) << 32));
    let biased = ((bits >> 52) & 0x7ff) + (over >> 20);
    // k as a double without an int-to-float conversion (none in AVX2).
    let k = f64::from_bits(0x4330_0000_0000_0000 | biased) - (4_503_599_627_370_496.0 + 1023.0);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let half_f_squared = 0.5 * f * f;
    k * LN2_HI - ((half_f_squared - (s * (half_f_squared + r) + k * LN2_LO)) - f)
}

/// Replaces every value by its exponential. Uses AVX-512 (eight lanes) or
/// AVX2 with FMA (four) where they run (see [`crate::simd::isa`]); the bits
/// are the same either way, since the arithmetic is the same IEEE operations
/// in the same order.
pub fn exp_in_place(values: &mut [f64]) {
    exp_in_place_on(crate::simd::isa(), values);
}

/// [`exp_in_place`] at a given level, lowered to what the processor
/// supports: for tests that compare the versions.
pub fn exp_in_place_on(level: Isa, values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if level.min(super::detected()) == Isa::Avx512 {
            // SAFETY: the processor supports AVX-512F, checked just above.
            unsafe { exp_in_place_avx512(values) };
            return;
        }
    }
    // The compiler vectorises this loop itself (AVX2 with FMA).
    crate::simd::dispatch_on(
        level,
        #[inline(always)]
        || {
            for v in values.iter_mut() {
                *v = exp(*v);
            }
        },
    );
}

/// [`exp`] eight lanes at a time in AVX-512 registers, written out in
/// intrinsics (the compiler keeps its own vector code to 256 bits): the same
/// IEEE operations in the same order, so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn exp_in_place_avx512(values: &mut [f64]) {
    use std::arch::x86_64::*;
    let set = _mm512_set1_pd;
    let (lo, hi) = (set(-708.0), set(709.0));
    let (log2e, round, ln2_hi, ln2_lo) = (set(LOG2_E), set(ROUND), set(LN2_HI), set(LN2_LO));
    let round_bits = _mm512_set1_epi64(ROUND.to_bits() as i64);
    let bias = _mm512_set1_epi64(1023);
    let exp8 = |x: __m512d| {
        // clamp: MAXPD/MINPD return their second operand when one is NaN,
        // so NaN passes through as with f64::clamp.
        let x = _mm512_min_pd(hi, _mm512_max_pd(lo, x));
        let shifted = _mm512_add_pd(_mm512_mul_pd(x, log2e), round);
        let k = _mm512_sub_pd(shifted, round);
        let r = _mm512_fnmadd_pd(k, ln2_lo, _mm512_fnmadd_pd(k, ln2_hi, x));
        (shifted, r)
    };
    let scale = |p: __m512d, shifted: __m512d| {
        let ki = _mm512_sub_epi64(_mm512_castpd_si512(shifted), round_bits);
        let half = _mm512_srai_epi64::<1>(ki);
        let a = _mm512_slli_epi64::<52>(_mm512_add_epi64(half, bias));
        let b = _mm512_slli_epi64::<52>(_mm512_add_epi64(_mm512_sub_epi64(ki, half), bias));
        _mm512_mul_pd(
            _mm512_mul_pd(p, _mm512_castsi512_pd(a)),
            _mm512_castsi512_pd(b),
        )
    };
    // Two vectors per step: their Horner chains interleave, which keeps
    // the multiply and add units busy despite each chain's latency.
    let mut chunks = values.chunks_exact_mut(16);
    for chunk in &mut chunks {
        let at = chunk.as_mut_ptr();
        // SAFETY: `chunk` holds 16 doubles: these read elements 0–7 and 8–15.
        let (x0, x1) = unsafe { (_mm512_loadu_pd(at), _mm512_loadu_pd(at.add(8))) };
        let (s0, r0) = exp8(x0);
        let (s1, r1) = exp8(x1);
        let (mut p0, mut p1) = (set(TAYLOR[0]), set(TAYLOR[0]));
        for &c in &TAYLOR[1..] {
            p0 = _mm512_fmadd_pd(p0, r0, set(c));
            p1 = _mm512_fmadd_pd(p1, r1, set(c));
        }
        // SAFETY: as for the loads; `chunk` is borrowed mutably.
        unsafe {
            _mm512_storeu_pd(at, scale(p0, s0));
            _mm512_storeu_pd(at.add(8), scale(p1, s1));
        }
    }
    for v in chunks.into_remainder() {
        *v = exp(*v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_is_within_two_ulp_of_the_standard_library() {
        let mut worst = 0;
        let mut x = -700.0;
        while x < 700.0 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 0.001_234_567;
        }
        for x in [
            -1e-300, 0.0, 1e-300, 1e-10, -1e-10, 0.5, -0.5, 1.0, 709.0, -708.0,
        ] {
            worst = worst.max(ulps(exp(x), x.exp()));
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn ln_is_within_two_ulp_of_the_standard_library() {
        let mut worst = 0;
        let mut x = 1e-300;
        while x < 1e300 {
            for y in [
                x,
                x * 1.000_000_1,
                x * std::f64::consts::SQRT_2,
                x * 1.414_213_57 * 1.000_000_001,
                x * 1.9,
            ] {
                let got = ln(y);
                let want = y.ln();
                if want != 0.0 {
                    worst = worst.max(ulps(got, want));
                }
            }
            x *= 1.001_7;
        }
        for i in 1..200_000 {
            let y = 1.0 + (i as f64 - 100_000.0) * 1e-7;
            worst = worst.max(ulps(ln(y), y.ln()));
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(f64::MIN_POSITIVE), f64::MIN_POSITIVE.ln());
        assert_eq!(ln(f64::MAX), f64::MAX.ln());
    }

    #[test]
    fn the_vector_and_scalar_paths_give_identical_bits() {
        let mut values: Vec<f64> = (0..4099)
            .map(|i| (i as f64 - 2000.0) * 0.173_205_08)
            .collect();
        values.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 1e-310]);
        let scalar: Vec<u64> = values.iter().map(|&x| exp(x).to_bits()).collect();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
        let mut dispatched = values.clone();
        exp_in_place(&mut dispatched);
        assert_eq!(scalar, bits(&dispatched));
        for level in crate::simd::supported() {
            let mut v = values.clone();
            exp_in_place_on(level, &mut v);
            assert_eq!(scalar, bits(&v), "{level:?}");
        }
    }

    #[test]
    fn exp_saturates_instead_of_overflowing() {
        assert!(exp(1e6).is_finite());
        assert_eq!(exp(-1e6), exp(-708.0));
    }
}
