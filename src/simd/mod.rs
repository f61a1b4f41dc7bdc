//! The one decision of which vector code runs: portable, AVX2 with FMA, or
//! AVX-512 (with AVX2 and FMA). Every choice gives the same bits (each
//! vector version does the same IEEE operations in the same order), which
//! the tests check by running whole models under each.
//!
//! `RUNWAY_ISA=portable|avx2|avx512` caps the choice (for tests, CI and
//! comparisons): the processor's own support still bounds it, and any other
//! value is ignored.

pub mod fastmath;

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
    /// Its name as `runway bench` reports it.
    pub fn describe(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "AVX2/FMA",
            Isa::Avx512 => "AVX-512 + AVX2/FMA",
        }
    }
}

/// What the processor supports.
fn detected() -> Isa {
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

/// Whether the AVX2 + FMA code runs.
#[inline]
pub fn avx2_fma() -> bool {
    isa() >= Isa::Avx2
}

/// Whether the AVX-512 code runs.
#[inline]
pub fn avx512() -> bool {
    isa() >= Isa::Avx512
}
