//! Sharded runs and their exact merge, for any batch scheduler.
//!
//! A run's blocks are split into M contiguous shards; shard K simulates only
//! its blocks and writes a **partial-result file**: every accumulator of its
//! tally plus a header that pins down the run (runway version and build
//! identifier, the model's text and SHA-256, scenario, overrides, seed,
//! paths, M, K, sampling) and when the shard ran. Since
//! tallies are integers, merging the shards gives exactly the tally of the
//! unsharded run, whatever the order, and so the same report and files.
//!
//! The file is JSON followed by a last line `sha256 <hex>` of everything
//! before it: a truncated or altered file is detected and named.

mod check;
mod merge;
mod rare;
mod wire;

pub use merge::{merge_partials, Merged};
pub use rare::{is_rare_partial, merge_rare_partials, MergedRare, RarePartial};
pub use wire::{check_partial_path, read_partial, write_partial, PartialTarget};

use crate::engine::{RunSpec, BLOCK_SIZE};
use crate::error::{Error, Result, Setting};
use crate::files::{sha256_hex, Provenance};
use crate::model::Model;
use crate::stats::{Tally, TallyWire};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::Path;

/// Format tag of partial-result files.
pub const PARTIAL_FORMAT: &str = "runway-partial";
/// Version of the partial-result format.
///
/// 3 added `build`, `started_unix_ms` and `finished_unix_ms`. Files of
/// older versions are refused: they record no build, so nothing shows they
/// were computed by the same code.
pub const PARTIAL_VERSION: u32 = 3;

/// The build identifier: the package version and a hash of the sources
/// that can change a shard's numbers (see `build.rs`), e.g.
/// `0.1.0+3f2a…`. Two builds with the same version and different engines
/// differ here.
pub const BUILD_ID: &str = env!("RUNWAY_BUILD_ID");

/// Shard K of M (0-based K).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0 to M − 1.
    pub index: u64,
    /// M.
    pub count: u64,
}

impl Shard {
    /// Parses `K/M` (0 ≤ K < M); a bad text is a [`Setting::Shard`] error
    /// whose rule says what is wrong with it.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = |why: &str| Error::Setting {
            setting: Setting::Shard,
            value: Some(text.to_string()),
            rule: why.to_string(),
        };
        let (k, m) = text
            .split_once('/')
            .ok_or_else(|| bad("not of the form K/M"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?;
        let count: u64 = m
            .trim()
            .parse()
            .map_err(|_| bad("M is not a whole number"))?;
        if count == 0 {
            return Err(bad("M must be at least 1"));
        }
        if index >= count {
            return Err(bad("K must be less than M (shards are numbered from 0)"));
        }
        Ok(Shard { index, count })
    }

    /// The contiguous blocks of this shard among `total_blocks`; a
    /// [`Setting::Shard`] error when there are fewer blocks than shards.
    pub fn blocks(&self, total_blocks: u64) -> Result<Range<u64>> {
        if self.count > total_blocks {
            return Err(Error::Setting {
                setting: Setting::Shard,
                value: Some(self.to_string()),
                rule: format!(
                    "the run has only {total_blocks} block(s) of {BLOCK_SIZE} paths, fewer than {} shards; use at most {total_blocks} shards or more paths",
                    self.count
                ),
            });
        }
        // In 128 bits: K × blocks overflows 64 bits for runs near 10^15 paths.
        let at =
            |k: u64| (u128::from(k) * u128::from(total_blocks) / u128::from(self.count)) as u64;
        Ok(at(self.index)..at(self.index + 1))
    }
}

impl std::fmt::Display for Shard {
    /// `K/M`, as [`Shard::parse`] reads it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A partial result: one shard's tally and what identifies its run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_VERSION`].
    pub format_version: u32,
    /// runway version that wrote it.
    pub runway_version: String,
    /// [`BUILD_ID`] of the runway that wrote it.
    pub build: String,
    /// Model file label.
    pub model_file: String,
    /// SHA-256 of the model text.
    pub model_sha256: String,
    /// The model text itself (so a merge needs no access to the file).
    pub model_text: String,
    /// Scenario applied.
    pub scenario: Option<String>,
    /// Overrides (`FIELD=VALUE`) applied after the scenario, in order.
    pub overrides: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// Paths of the whole run.
    pub paths: u64,
    /// Number of shards M.
    pub shards: u64,
    /// This shard K.
    pub shard: u64,
    /// Its blocks [start, end).
    pub blocks: [u64; 2],
    /// Sampling method.
    pub sampling: String,
    /// Worker threads of this shard (timing only).
    pub threads: usize,
    /// Seconds this shard took (timing only).
    pub elapsed_seconds: f64,
    /// When its simulation began, in milliseconds since 1970 UTC (timing
    /// only: the merge reports the span from the first start to the last
    /// finish).
    pub started_unix_ms: u64,
    /// When its simulation ended, in milliseconds since 1970 UTC.
    pub finished_unix_ms: u64,
    /// The shard's tally, as written (sketches are built from it only after
    /// its shape has been checked against the model); empty in a
    /// rare-event shard.
    pub tally: TallyWire,
    /// A rare-event shard (`run --rare --shard`): its method, diagnostics
    /// and weighted tally. Absent from the partial files of plain runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rare: Option<RarePartial>,
}

impl Partial {
    /// The partial file of `shard` of a run of `model` under `spec` (the
    /// whole run's paths and seed), holding the shard's `tally`; its
    /// `provenance` gives the overrides applied and the shard's timing.
    pub fn of_shard(
        model: &Model,
        spec: &RunSpec,
        shard: Shard,
        tally: &Tally,
        provenance: &Provenance,
    ) -> Result<Partial> {
        let blocks = shard.blocks(spec.block_count())?;
        let finished_unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let took_ms = (provenance.elapsed_seconds * 1000.0).round() as u64;
        Ok(Partial {
            format: PARTIAL_FORMAT.into(),
            format_version: PARTIAL_VERSION,
            runway_version: env!("CARGO_PKG_VERSION").into(),
            build: BUILD_ID.into(),
            model_file: model.source.label.clone(),
            model_sha256: sha256_hex(model.source.text.as_bytes()),
            model_text: model.source.text.to_string(),
            scenario: model.scenario.clone(),
            overrides: provenance.overrides.clone(),
            seed: spec.seed,
            paths: spec.paths,
            shards: shard.count,
            shard: shard.index,
            blocks: [blocks.start, blocks.end],
            sampling: model.sampling.describe().into(),
            threads: provenance.threads,
            elapsed_seconds: provenance.elapsed_seconds,
            started_unix_ms: finished_unix_ms.saturating_sub(took_ms),
            finished_unix_ms,
            tally: tally.into(),
            rare: None,
        })
    }
}

/// A partial file that breaks a rule: an input error naming the file.
fn invalid(path: &Path, rule: impl Into<String>) -> Error {
    Error::Input {
        file: path.display().to_string(),
        rule: rule.into(),
    }
}

#[cfg(test)]
mod tests;
