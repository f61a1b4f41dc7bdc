//! The vector kernels of the ziggurat normal batches: eight xoshiro256++
//! generators stepped side by side in AVX-512 (one register per state word)
//! or AVX2 (two), each step making the first attempt of eight draws.
//!
//! The sampler (`sampling::ziggurat::NormalLanes`) owns the generators, the
//! tables and the slow path; it hands this module the generators' state
//! words, the layer edges and a function that finishes the draws a group's
//! first attempts missed. Every version gives the bits of the sampler's own
//! portable loop: the same xoshiro256++ steps and the same IEEE operations.

use crate::simd::Isa;

/// Generators a batch of normal draws runs side by side.
pub const LANES: usize = 8;

/// The state of [`LANES`] xoshiro256++ generators: `words[l]` holds
/// generator l's four state words.
pub type LaneWords = [[u64; 4]; LANES];

/// The layer edges of a 256-layer ziggurat: `edges[0]` = V / f(R), `edges[1]`
/// = R, …, `edges[256]` = 0.
pub type Edges = [f64; 257];

/// A group of [`LANES`] first attempts, some of which missed the fast path:
/// what the sampler needs to finish them.
pub struct Group<'a> {
    /// The group's draws: the candidates x = u·`edges[layer]`, accepted or not.
    pub draws: &'a mut [f64],
    /// Bit l set where draw l was accepted.
    pub accepted: u32,
    /// Each draw's layer (the low byte of its random number).
    pub layers: [u64; LANES],
    /// Each draw's uniform u in [-1, 1).
    pub uniforms: [f64; LANES],
}

/// Makes the first attempt of each draw in the leading whole groups of
/// [`LANES`] of `out`, from generators `words` (stepped once per group),
/// where AVX-512 or AVX2 runs (see [`crate::simd::isa`]), and calls `finish`
/// on each group with a miss, in order. Returns how many leading values of
/// `out` it filled: 0 on portable code, which leaves `out` and `words`
/// untouched for the sampler's own loop; the rest (fewer than [`LANES`])
/// is the caller's too.
///
/// Draw k of a group takes the output of generator k: bits → layer
/// `bits & 0xff`, uniform u = (the high 52 bits as a double in [2, 4)) − 3,
/// candidate x = u·`edges[layer]`, accepted when |x| < `edges[layer + 1]`.
pub fn ziggurat_groups(
    words: &mut LaneWords,
    edges: &Edges,
    out: &mut [f64],
    finish: impl FnMut(Group<'_>),
) -> usize {
    ziggurat_groups_on(crate::simd::isa(), words, edges, out, finish)
}

/// [`ziggurat_groups`] at a given level, lowered to what the processor
/// supports: for tests that compare the versions.
pub fn ziggurat_groups_on(
    level: Isa,
    words: &mut LaneWords,
    edges: &Edges,
    out: &mut [f64],
    finish: impl FnMut(Group<'_>),
) -> usize {
    match level.min(super::detected()) {
        Isa::Portable => 0,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            // SAFETY: the processor supports AVX2 (the level is no higher
            // than `detected`).
            unsafe { groups_avx2(words, edges, out, finish) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            // SAFETY: the processor supports AVX-512F (the level is no
            // higher than `detected`).
            unsafe { groups_avx512(words, edges, out, finish) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        _ => 0,
    }
}

/// Word w of the eight generators in AVX-512 register w (generator l in
/// element l), eight draws per step.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn groups_avx512(
    words: &mut LaneWords,
    edges: &Edges,
    out: &mut [f64],
    mut finish: impl FnMut(Group<'_>),
) -> usize {
    use std::arch::x86_64::*;
    let word = |w: usize| {
        let v: [u64; LANES] = std::array::from_fn(|l| words[l][w]);
        // SAFETY: `v` holds eight u64, the 64 bytes read.
        unsafe { _mm512_loadu_si512(v.as_ptr().cast()) }
    };
    let [mut s0, mut s1, mut s2, mut s3] = [word(0), word(1), word(2), word(3)];
    let low_byte = _mm512_set1_epi64(0xff);
    let exponent_two = _mm512_set1_epi64(0x4000_0000_0000_0000);
    let three = _mm512_set1_pd(3.0);
    let mut chunks = out.chunks_exact_mut(LANES);
    let filled = chunks.len() * LANES;
    for chunk in &mut chunks {
        // xoshiro256++ output and state update, eight lanes at once.
        let bits = _mm512_add_epi64(_mm512_rol_epi64::<23>(_mm512_add_epi64(s0, s3)), s0);
        let t = _mm512_slli_epi64::<17>(s1);
        s2 = _mm512_xor_si512(s2, s0);
        s3 = _mm512_xor_si512(s3, s1);
        s1 = _mm512_xor_si512(s1, s2);
        s0 = _mm512_xor_si512(s0, s3);
        s2 = _mm512_xor_si512(s2, t);
        s3 = _mm512_rol_epi64::<45>(s3);
        let layer = _mm512_and_si512(bits, low_byte);
        let u = _mm512_sub_pd(
            _mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64::<12>(bits), exponent_two)),
            three,
        );
        // SAFETY: each layer is below 256 (masked to its low byte), so
        // elements layer and layer + 1 of the 257 edges are in bounds.
        let (edge, inner) = unsafe {
            (
                _mm512_i64gather_pd::<8>(layer, edges.as_ptr()),
                _mm512_i64gather_pd::<8>(layer, edges.as_ptr().add(1)),
            )
        };
        let x = _mm512_mul_pd(u, edge);
        let accepted = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(_mm512_abs_pd(x), inner);
        // SAFETY: `chunk` holds eight doubles, the 64 bytes written.
        unsafe { _mm512_storeu_pd(chunk.as_mut_ptr(), x) };
        if accepted != 0xff {
            // Rare (about 9 % of steps).
            let mut layers = [0u64; LANES];
            let mut uniforms = [0f64; LANES];
            // SAFETY: each array holds eight 8-byte values, the 64 bytes written.
            unsafe {
                _mm512_storeu_si512(layers.as_mut_ptr().cast(), layer);
                _mm512_storeu_pd(uniforms.as_mut_ptr(), u);
            }
            finish(Group {
                draws: chunk,
                accepted: u32::from(accepted),
                layers,
                uniforms,
            });
        }
    }
    for (w, reg) in [s0, s1, s2, s3].into_iter().enumerate() {
        let mut v = [0u64; LANES];
        // SAFETY: `v` holds eight u64, the 64 bytes written.
        unsafe { _mm512_storeu_si512(v.as_mut_ptr().cast(), reg) };
        for (lane, value) in words.iter_mut().zip(v) {
            lane[w] = value;
        }
    }
    filled
}

/// Generators 0–3 in one set of AVX2 registers, 4–7 in another (word w of
/// generator l in element l mod 4 of register w), two half-steps per group.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn groups_avx2(
    words: &mut LaneWords,
    edges: &Edges,
    out: &mut [f64],
    mut finish: impl FnMut(Group<'_>),
) -> usize {
    use std::arch::x86_64::*;
    #[inline]
    #[target_feature(enable = "avx2")]
    fn rotl<const L: i32, const R: i32>(x: __m256i) -> __m256i {
        _mm256_or_si256(_mm256_slli_epi64::<L>(x), _mm256_srli_epi64::<R>(x))
    }
    type Half = [__m256i; 4];
    let load = |first: usize| -> Half {
        let word = |w: usize| {
            let v: [u64; 4] = std::array::from_fn(|l| words[first + l][w]);
            // SAFETY: `v` holds four u64, the 32 bytes read.
            unsafe { _mm256_loadu_si256(v.as_ptr().cast()) }
        };
        [word(0), word(1), word(2), word(3)]
    };
    let low_byte = _mm256_set1_epi64x(0xff);
    let exponent_two = _mm256_set1_epi64x(0x4000_0000_0000_0000);
    let three = _mm256_set1_pd(3.0);
    let sign = _mm256_set1_pd(-0.0);
    // One step of four generators: first attempts, layers, uniforms, and
    // which the fast path accepted.
    let step = |s: &mut Half| {
        let [s0, s1, s2, s3] = s;
        let bits = _mm256_add_epi64(rotl::<23, 41>(_mm256_add_epi64(*s0, *s3)), *s0);
        let t = _mm256_slli_epi64::<17>(*s1);
        *s2 = _mm256_xor_si256(*s2, *s0);
        *s3 = _mm256_xor_si256(*s3, *s1);
        *s1 = _mm256_xor_si256(*s1, *s2);
        *s0 = _mm256_xor_si256(*s0, *s3);
        *s2 = _mm256_xor_si256(*s2, t);
        *s3 = rotl::<45, 19>(*s3);
        let layer = _mm256_and_si256(bits, low_byte);
        let u = _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64::<12>(bits), exponent_two)),
            three,
        );
        // SAFETY: each layer is below 256 (masked to its low byte), so
        // elements layer and layer + 1 of the 257 edges are in bounds.
        let (edge, inner) = unsafe {
            (
                _mm256_i64gather_pd::<8>(edges.as_ptr(), layer),
                _mm256_i64gather_pd::<8>(edges.as_ptr().add(1), layer),
            )
        };
        let x = _mm256_mul_pd(u, edge);
        let inside = _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_andnot_pd(sign, x), inner);
        (x, layer, u, _mm256_movemask_pd(inside) as u32)
    };
    let (mut low, mut high) = (load(0), load(4));
    let mut chunks = out.chunks_exact_mut(LANES);
    let filled = chunks.len() * LANES;
    for chunk in &mut chunks {
        let (x0, layer0, u0, ok0) = step(&mut low);
        let (x1, layer1, u1, ok1) = step(&mut high);
        let at = chunk.as_mut_ptr();
        // SAFETY: `chunk` holds eight doubles: these write elements 0–3 and 4–7.
        unsafe {
            _mm256_storeu_pd(at, x0);
            _mm256_storeu_pd(at.add(4), x1);
        }
        let accepted = ok0 | (ok1 << 4);
        if accepted != 0xff {
            let mut layers = [0u64; LANES];
            let mut uniforms = [0f64; LANES];
            // SAFETY: each array holds eight 8-byte values: these write
            // elements 0–3 and 4–7.
            unsafe {
                _mm256_storeu_si256(layers.as_mut_ptr().cast(), layer0);
                _mm256_storeu_si256(layers.as_mut_ptr().add(4).cast(), layer1);
                _mm256_storeu_pd(uniforms.as_mut_ptr(), u0);
                _mm256_storeu_pd(uniforms.as_mut_ptr().add(4), u1);
            }
            finish(Group {
                draws: chunk,
                accepted,
                layers,
                uniforms,
            });
        }
    }
    for (half, first) in [(low, 0), (high, 4)] {
        for (w, reg) in half.into_iter().enumerate() {
            let mut v = [0u64; 4];
            // SAFETY: `v` holds four u64, the 32 bytes written.
            unsafe { _mm256_storeu_si256(v.as_mut_ptr().cast(), reg) };
            for (lane, value) in words[first..first + 4].iter_mut().zip(v) {
                lane[w] = value;
            }
        }
    }
    filled
}
