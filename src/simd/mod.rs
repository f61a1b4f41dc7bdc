//! The one decision of which vector code runs: portable, AVX2 with FMA, or
//! AVX-512 (with AVX2 and FMA). Every choice gives the same bits (each
//! vector version does the same IEEE operations in the same order), which
//! the tests check by running whole models under each.
//!
//! `RUNWAY_ISA=portable|avx2|avx512` caps the choice (for tests, CI and
//! comparisons): the processor's own support still bounds it, and any other
//! value is ignored.
//!
//! This module is the only place with vector `unsafe`: the layers above call
//! safe functions, either a kernel written here in intrinsics
//! ([`fastmath::exp_in_place`], [`normal::ziggurat_groups`]) or their own
//! plain Rust loops compiled for the chosen level by [`dispatch`].

pub mod fastmath;
pub mod normal;

use std::sync::OnceLock;

/// A level of vector code, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    /// Plain Rust, any processor.
    Portable,
    /// AVX2 with FMA (x86-64).
    Avx2,
    /// AVX-512F, with AVX2 and FMA (x86-64).
    Avx512,
}

impl Isa {
    /// Every level, lowest first.
    pub const ALL: [Isa; 3] = [Isa::Portable, Isa::Avx2, Isa::Avx512];

    /// Its name as `runway bench` reports it.
    pub fn describe(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "AVX2/FMA",
            Isa::Avx512 => "AVX-512 + AVX2/FMA",
        }
    }
}

/// What the processor supports. Detected once per process; every vector
/// kernel's safety rests on running only at or below this level.
fn detected() -> Isa {
    static DETECTED: OnceLock<Isa> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                return if std::is_x86_feature_detected!("avx512f") {
                    Isa::Avx512
                } else {
                    Isa::Avx2
                };
            }
        }
        Isa::Portable
    })
}

/// The vector code in use: what the processor supports, capped by
/// `RUNWAY_ISA` when set. Decided once per process.
pub fn isa() -> Isa {
    static CHOICE: OnceLock<Isa> = OnceLock::new();
    *CHOICE.get_or_init(|| {
        let cap = match std::env::var("RUNWAY_ISA").as_deref() {
            Ok("portable") => Isa::Portable,
            Ok("avx2") => Isa::Avx2,
            _ => Isa::Avx512,
        };
        detected().min(cap)
    })
}

/// Every level this processor can run, lowest first, whatever `RUNWAY_ISA`
/// says: for tests that compare the versions' bits.
pub fn supported() -> impl Iterator<Item = Isa> {
    let top = detected();
    Isa::ALL.into_iter().filter(move |level| *level <= top)
}

/// Whether the AVX2 + FMA code runs (`isa() >= Avx2`).
#[inline]
pub fn avx2_fma() -> bool {
    isa() >= Isa::Avx2
}

/// Runs `f` compiled for the vector code in use ([`isa`]): `f`'s loops are
/// vectorised by the compiler for AVX2 with FMA where that level or
/// AVX-512 runs (the compiler's own vector code stays at AVX2; the AVX-512
/// kernels are written out here), as plain code elsewhere. Explicit
/// `mul_add`s become single instructions under FMA and correctly rounded
/// library calls without it, and Rust never fuses or reorders other
/// operations, so the result has the same bits either way.
///
/// `f` is compiled for AVX2 only where it is inlined into this module's
/// `#[target_feature]` wrapper, so mark the closure `#[inline(always)]`
/// (LLVM declines to inline a large closure on its own), and the functions
/// it calls too:
///
/// ```
/// # fn body(x: &mut [f64]) { for v in x { *v = v.mul_add(2.0, 1.0) } }
/// # let mut values = vec![1.0; 8];
/// runway::simd::dispatch(
///     #[inline(always)]
///     || body(&mut values),
/// );
/// # assert_eq!(values[0], 3.0);
/// ```
#[inline(always)]
pub fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    dispatch_on(isa(), f)
}

/// [`dispatch`] for a given level, lowered to what the processor supports
/// (so any level is safe to ask for): for tests that compare the versions.
#[inline(always)]
pub fn dispatch_on<R>(level: Isa, f: impl FnOnce() -> R) -> R {
    match level.min(detected()) {
        Isa::Portable => f(),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 => {
            // SAFETY: the processor supports AVX2 and FMA: the level is at
            // least Avx2 and no higher than `detected`.
            unsafe { with_avx2_fma(f) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        _ => f(),
    }
}

/// Calls `f` with AVX2 and FMA enabled: `f` inlined here is compiled for them.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn with_avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_in_use_is_one_the_processor_supports() {
        assert!(supported().any(|level| level == isa()));
        assert_eq!(supported().next(), Some(Isa::Portable));
    }

    #[test]
    fn dispatch_gives_the_closures_result_at_every_level() {
        for level in Isa::ALL {
            let sum: f64 = dispatch_on(level, || (1..=100).map(f64::from).sum());
            assert_eq!(sum, 5050.0);
        }
        assert_eq!(dispatch(|| 2 + 2), 4);
    }
}
