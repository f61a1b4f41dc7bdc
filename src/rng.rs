//! Random streams that depend only on (seed, block, input).
//!
//! Reproducibility at any thread count rests on one rule: the random numbers a
//! path sees are a pure function of the run's seed, the block the path belongs
//! to and the name of the model input being drawn. Threads only decide *when*
//! a block runs, never *what* it draws. Keying streams by the input's field
//! path (rather than by its position) also means that adding, removing or
//! changing one input leaves every other input's numbers untouched, which is
//! what makes scenario comparison with common random numbers possible.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every stream uses: Xoshiro256++, a named generator whose
/// output is stable across `rand` versions.
pub type StreamRng = Xoshiro256PlusPlus;

/// Human-readable name of [`StreamRng`], recorded in reports and manifests.
pub const GENERATOR_NAME: &str =
    "xoshiro256++ (seeded by splitmix64 of seed, block, FNV-1a of input path)";

/// A stable 64-bit key for an input's field path (FNV-1a; never changes
/// between versions, unlike `std`'s hasher).
pub fn stream_key(field_path: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in field_path.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream for input `key` in block `block` of a run seeded with `seed`.
pub fn stream(seed: u64, block: u64, key: u64) -> StreamRng {
    let a = splitmix64(seed ^ 0x5275_6e77_6179_0001);
    let b = splitmix64(a ^ block);
    let c = splitmix64(b ^ key);
    let mut state = [0u8; 32];
    let mut x = c;
    for chunk in state.chunks_exact_mut(8) {
        x = splitmix64(x ^ 0x6a09_e667_f3bc_c909);
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    StreamRng::from_seed(state)
}

/// A uniform draw in the open interval (0, 1): 53 random bits, offset by half
/// a unit so that neither 0 nor 1 can occur (safe for logs and inverse CDFs).
#[inline(always)]
pub fn open01(rng: &mut StreamRng) -> f64 {
    use rand::RngCore;
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn the_same_seed_block_and_key_give_the_same_stream() {
        let mut a = stream(7, 3, stream_key("cash.initial"));
        let mut b = stream(7, 3, stream_key("cash.initial"));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn different_blocks_keys_and_seeds_give_different_streams() {
        let first = |s: u64, b: u64, k: &str| stream(s, b, stream_key(k)).next_u64();
        let base = first(1, 0, "x");
        assert_ne!(base, first(2, 0, "x"));
        assert_ne!(base, first(1, 1, "x"));
        assert_ne!(base, first(1, 0, "y"));
    }

    #[test]
    fn stream_values_are_pinned_so_a_dependency_bump_cannot_change_results_silently() {
        // Value stability: if this fails, every published result changes.
        let mut rng = stream(2023, 0, stream_key("cash.initial"));
        let got = [rng.next_u64(), rng.next_u64()];
        assert_eq!(got, PINNED);
    }

    const PINNED: [u64; 2] = [7_771_218_776_131_315_123, 9_348_406_743_909_270_644];

    #[test]
    fn open01_never_returns_zero_or_one() {
        let mut rng = stream(1, 1, 1);
        for _ in 0..100_000 {
            let u = open01(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
    }
}
