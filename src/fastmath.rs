//! A branch-free `exp` that the compiler can vectorise over a block of paths.
//!
//! The engine takes exp(ε) of every path's noise every month; the C library's
//! `exp` is a function call per number and blocks vectorisation. This one is
//! plain IEEE arithmetic (no fused multiply-add, no tables), so it gives the
//! same bits on every x86-64 and ARM machine, whatever the vector width.
//! Accuracy: within 2 ulp of the correctly rounded result on [-700, 700]
//! (tested against `f64::exp`).

const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split in a high part with trailing zero bits and the rest, so that
/// k·LN2_HI is exact for |k| < 2^11 (Cody–Waite reduction).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.93147180369123816490e-1
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.90821492927058770002e-10
/// 1.5·2^52: adding it rounds a double to the nearest integer.
const ROUND: f64 = 6_755_399_441_055_744.0;

/// e^x for finite x; saturates to 0 below -708 and to e^709 above 709.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r to r^12/12! on |r| ≤ ln2/2: truncation < 2e-16.
    let mut p = 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k from the integer held in the low bits of `shifted`; split in two
    // factors so that k = 1024 (x near 709) does not overflow the exponent.
    let ki = (shifted.to_bits() as i64).wrapping_sub(ROUND.to_bits() as i64);
    let half = ki >> 1;
    let a = f64::from_bits(((half + 1023) as u64) << 52);
    let b = f64::from_bits(((ki - half + 1023) as u64) << 52);
    p * a * b
}

/// Replaces every value by its exponential. Uses AVX2 (four lanes) where the
/// processor has it; the bits are the same either way, since the arithmetic
/// is the same IEEE operations in the same order (no fused multiply-add).
pub fn exp_in_place(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            unsafe { exp_in_place_avx2(values) };
            return;
        }
    }
    exp_in_place_portable(values);
}

fn exp_in_place_portable(values: &mut [f64]) {
    for v in values.iter_mut() {
        *v = exp(*v);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn exp_in_place_avx2(values: &mut [f64]) {
    for v in values.iter_mut() {
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
    fn the_vector_and_scalar_paths_give_identical_bits() {
        let mut values: Vec<f64> = (0..4099)
            .map(|i| (i as f64 - 2000.0) * 0.173_205_08)
            .collect();
        let scalar: Vec<u64> = values.iter().map(|&x| exp(x).to_bits()).collect();
        exp_in_place(&mut values);
        let vector: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
        assert_eq!(scalar, vector);
    }

    #[test]
    fn exp_saturates_instead_of_overflowing() {
        assert!(exp(1e6).is_finite());
        assert_eq!(exp(-1e6), exp(-708.0));
    }
}
