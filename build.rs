//! Build script: the build identifier of partial files.
//!
//! `RUNWAY_BUILD_ID` is the package version plus a 64-bit FNV-1a hash of
//! every source file that can change a shard's tally (the model reader,
//! samplers, distributions, SIMD kernels, statistics, engine, partial
//! format, rare-event methods) and of Cargo.lock (the versions of the
//! crates compiled in), and the target. Two builds with the same version but different code get
//! different identifiers, so `runway merge` refuses to mix their shards. It
//! reads a few hundred kilobytes: it adds milliseconds to a build.

use std::path::{Path, PathBuf};

/// The folders and files whose contents can change a shard's numbers.
const INPUTS: &[&str] = &[
    "src/simd",
    "src/sampling",
    "src/dist",
    "src/model",
    "src/stats",
    "src/engine",
    "src/files/shard",
    "src/analysis/rare",
    "Cargo.lock",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            files(&entry, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn main() {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(PRIME);
        }
    };
    let mut all = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        files(Path::new(input), &mut all);
    }
    for file in &all {
        // The path (with `/`, whatever the host) and the contents, each
        // followed by a separator no text holds.
        eat(file.to_string_lossy().replace('\\', "/").as_bytes());
        eat(&[0]);
        eat(&std::fs::read(file).unwrap_or_default());
        eat(&[0]);
    }
    eat(std::env::var("TARGET").unwrap_or_default().as_bytes());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=RUNWAY_BUILD_ID={version}+{hash:016x}");
}
