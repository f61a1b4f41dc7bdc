//! Sharded runs and their exact merge, for any batch scheduler.
//!
//! A run's blocks are split into M contiguous shards; shard K simulates only
//! its blocks and writes a **partial-result file**: every accumulator of its
//! tally plus a header that pins down the run (runway version, the model's
//! text and SHA-256, scenario, overrides, seed, paths, M, K, sampling). Since
//! tallies are integers, merging the shards gives exactly the tally of the
//! unsharded run, whatever the order, and so the same report and files.
//!
//! The file is JSON followed by a last line `sha256 <hex>` of everything
//! before it: a truncated or altered file is detected and named.

use crate::engine::BLOCK_SIZE;
use crate::error::{Error, Result};
use crate::export::sha256_hex;
use crate::model::{load_str, LoadOptions, Model};
use crate::stats::Tally;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Format tag of partial-result files.
pub const PARTIAL_FORMAT: &str = "runway-partial";
/// Version of the partial-result format.
pub const PARTIAL_VERSION: u32 = 1;

/// Shard K of M (0-based K).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0 to M − 1.
    pub index: u64,
    /// M.
    pub count: u64,
}

impl Shard {
    /// Parses `K/M` (0 ≤ K < M).
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "--shard {text}: {why}; write K/M with 0 ≤ K < M, e.g. --shard 3/64"
            ))
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

    /// The contiguous blocks of this shard among `total_blocks`.
    pub fn blocks(&self, total_blocks: u64) -> Result<Range<u64>> {
        if self.count > total_blocks {
            return Err(Error::Usage(format!(
                "--shard {}/{}: the run has only {total_blocks} block(s) of {BLOCK_SIZE} paths, fewer than {} shards; use at most {total_blocks} shards or more paths",
                self.index, self.count, self.count
            )));
        }
        let start = self.index * total_blocks / self.count;
        let end = (self.index + 1) * total_blocks / self.count;
        Ok(start..end)
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
    /// Model file label.
    pub model_file: String,
    /// SHA-256 of the model text.
    pub model_sha256: String,
    /// The model text itself (so a merge needs no access to the file).
    pub model_text: String,
    /// Scenario applied.
    pub scenario: Option<String>,
    /// `--set` overrides, in order.
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
    /// The shard's tally.
    pub tally: Tally,
}

/// Where a shard's partial file goes, checked before the run: the folder
/// is writable and the file's temporary (`.NAME.tmp-PID`) already exists,
/// registered, so an interrupted run removes it.
#[derive(Debug)]
pub struct PartialTarget {
    path: PathBuf,
    temp: crate::export::TempFile,
}

impl PartialTarget {
    /// The partial file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes a partial file atomically (its temporary, then a rename); a run
/// interrupted by a signal writes nothing.
pub fn write_partial(target: PartialTarget, partial: &Partial) -> Result<()> {
    let mut bytes = serde_json::to_vec(partial).expect("a partial always serialises");
    bytes.push(b'\n');
    let trailer = format!("sha256 {}\n", sha256_hex(&bytes));
    bytes.extend_from_slice(trailer.as_bytes());
    let PartialTarget { path, temp } = target;
    let failed = |source| Error::Output {
        path: path.clone(),
        action: "cannot write the partial file",
        source,
    };
    std::fs::File::create(temp.path())
        .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
        .map_err(failed)?;
    if path.is_dir() {
        return Err(partial_is_a_folder(&path));
    }
    let _transaction = crate::export::temp::transaction();
    if let Some(signal) = crate::signals::received() {
        return Err(Error::Interrupted { signal });
    }
    temp.persist().map_err(|(_temp, source)| failed(source))
}

fn partial_is_a_folder(path: &Path) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        action: "cannot write the partial file",
        source: std::io::Error::other("it is a folder; name a file, e.g. DIR/p0.json"),
    }
}

/// Checks, before a long run, that a partial file can be written at `path`:
/// it is not a folder, and its folder exists and can be written (an
/// existing partial file is replaced, as a rerun of the shard would). Removes
/// leftover temporaries of dead runs in that folder.
pub fn check_partial_path(path: &Path) -> Result<PartialTarget> {
    if path.is_dir() {
        return Err(partial_is_a_folder(path));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Output {
            path: path.to_path_buf(),
            action: "cannot write the partial file",
            source: std::io::Error::other("it does not name a file"),
        })?;
    let unwritable = |source| Error::Output {
        path: path.to_path_buf(),
        action: "cannot write the partial file there",
        source,
    };
    crate::export::probe_folder(dir).map_err(unwritable)?;
    crate::export::temp::sweep_stale(dir, &[name]);
    let temp = crate::export::TempFile::create(dir, name).map_err(unwritable)?;
    Ok(PartialTarget {
        path: path.to_path_buf(),
        temp,
    })
}

fn invalid(path: &Path, rule: impl Into<String>) -> Error {
    Error::Input {
        file: path.display().to_string(),
        rule: rule.into(),
    }
}

/// Reads and verifies a partial file.
pub fn read_partial(path: &Path) -> Result<Partial> {
    let bytes = std::fs::read(path)
        .map_err(|e| invalid(path, format!("cannot read the partial file: {e}")))?;
    let body_end = bytes[..bytes.len().saturating_sub(1)]
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|i| i + 1);
    let (body, trailer) = match body_end {
        Some(i) => (&bytes[..i], &bytes[i..]),
        None => {
            return Err(invalid(
                path,
                "truncated or not a runway partial file: no checksum line",
            ))
        }
    };
    let trailer = std::str::from_utf8(trailer).unwrap_or("").trim();
    let Some(expected) = trailer.strip_prefix("sha256 ") else {
        return Err(invalid(
            path,
            "truncated or not a runway partial file: the last line is not its checksum",
        ));
    };
    if sha256_hex(body) != expected {
        return Err(invalid(
            path,
            "corrupted: its checksum does not match its contents",
        ));
    }
    let partial: Partial = serde_json::from_slice(body)
        .map_err(|e| invalid(path, format!("not a runway partial file: {e}")))?;
    if partial.format != PARTIAL_FORMAT {
        return Err(invalid(
            path,
            format!("format is `{}`, not `{PARTIAL_FORMAT}`", partial.format),
        ));
    }
    if partial.format_version != PARTIAL_VERSION {
        return Err(invalid(
            path,
            format!(
                "format version {} is not {PARTIAL_VERSION}; merge with the runway that wrote it",
                partial.format_version
            ),
        ));
    }
    Ok(partial)
}

/// The merged run.
#[derive(Debug)]
pub struct Merged {
    /// The model, rebuilt from the partials' text, scenario and overrides.
    pub model: Model,
    /// The merged tally.
    pub tally: Tally,
    /// Seed.
    pub seed: u64,
    /// Most threads any shard used.
    pub threads: usize,
    /// Sum of the shards' seconds.
    pub elapsed_seconds: f64,
    /// The first partial (its header describes the run).
    pub header: Partial,
}

/// Checks that the files form one complete run and merges them, one file at
/// a time: memory stays that of two partials, however many shards there are.
pub fn merge_partials(files: &[PathBuf]) -> Result<Merged> {
    let Some(first_path) = files.first() else {
        return Err(Error::Usage(
            "merge needs the partial files of every shard".into(),
        ));
    };
    let mut first = read_partial(first_path)?;
    let options = LoadOptions {
        scenario: first.scenario.clone(),
        overrides: first.overrides.clone(),
    };
    let mut model = load_str(&first.model_text, &first.model_file, &options)?;
    if first.sampling == crate::model::Sampling::LatinHypercube.describe() {
        model.sampling = crate::model::Sampling::LatinHypercube;
    }
    if sha256_hex(first.model_text.as_bytes()) != first.model_sha256 {
        return Err(invalid(
            first_path,
            "its model text does not match its model SHA-256",
        ));
    }
    let mut seen: Vec<Option<&PathBuf>> = vec![None; first.shards as usize];
    let mut tally = crate::engine::empty_tally(&model, true);
    let (mut threads, mut elapsed_seconds) = (1, 0.0);
    for (index, path) in files.iter().enumerate() {
        let read;
        let p = if index == 0 {
            &first
        } else {
            read = read_partial(path)?;
            check_same_run(path, &read, first_path, &first)?;
            &read
        };
        let slot = seen.get_mut(p.shard as usize).ok_or_else(|| {
            invalid(
                path,
                format!(
                    "shard {} is not below the number of shards {}",
                    p.shard, p.shards
                ),
            )
        })?;
        if let Some(other) = slot {
            return Err(invalid(
                path,
                format!(
                    "shard {}/{} is given twice (also {})",
                    p.shard,
                    p.shards,
                    other.display()
                ),
            ));
        }
        *slot = Some(path);
        check_shape(path, p, &model)?;
        tally.merge(&p.tally);
        threads = threads.max(p.threads);
        elapsed_seconds += p.elapsed_seconds;
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{k}/{}", first.shards))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "merge: {} of {} shards missing: {}",
            missing.len(),
            first.shards,
            if missing.len() > 10 {
                format!("{} …", missing[..10].join(", "))
            } else {
                missing.join(", ")
            }
        )));
    }
    // The header describes the run; its own tally is merged already.
    first.tally = crate::engine::empty_tally(&model, false);
    Ok(Merged {
        seed: first.seed,
        threads,
        elapsed_seconds,
        model,
        tally,
        header: first,
    })
}

/// A partial must come from the same run as the first one.
fn check_same_run(path: &Path, p: &Partial, first_path: &Path, first: &Partial) -> Result<()> {
    let checks: [(&str, bool); 8] = [
        ("runway version", p.runway_version == first.runway_version),
        ("model (SHA-256)", p.model_sha256 == first.model_sha256),
        ("scenario", p.scenario == first.scenario),
        ("overrides", p.overrides == first.overrides),
        ("seed", p.seed == first.seed),
        ("paths", p.paths == first.paths),
        ("number of shards", p.shards == first.shards),
        ("sampling", p.sampling == first.sampling),
    ];
    match checks.iter().find(|(_, same)| !same) {
        Some((what, _)) => Err(invalid(
            path,
            format!(
                "belongs to another run than {}: its {what} differs",
                first_path.display()
            ),
        )),
        None => Ok(()),
    }
}

/// A partial's tally must have the model's shape (months, inflows, shocks)
/// and counts that add up: anything else is a damaged or forged file.
fn check_shape(path: &Path, p: &Partial, model: &Model) -> Result<()> {
    let t = &p.tally;
    let months = model.months as usize;
    let shape_ok = t.insolvent_in_month.len() == months
        && t.inflow_arrived.len() == model.inflows.len()
        && t.shock_struck.len() == model.shocks.len()
        && t.fan.as_ref().is_none_or(|f| {
            [&f.cash, &f.revenue, &f.cost, &f.users]
                .iter()
                .all(|v| v.len() == months)
        });
    if !shape_ok {
        return Err(invalid(
            path,
            "its tally does not fit its model (months, inflows or shocks differ)",
        ));
    }
    let expected_paths = (p.blocks[1].saturating_sub(p.blocks[0]) * BLOCK_SIZE as u64)
        .min(p.paths.saturating_sub(p.blocks[0] * BLOCK_SIZE as u64));
    let counts_ok = t.paths == expected_paths
        && t.insolvent() <= t.paths
        && t.end_cash.count() == t.paths
        && t.lowest_cash.count() == t.paths
        && t.inflow_arrived
            .iter()
            .chain(&t.shock_struck)
            .all(|&k| k <= t.paths)
        && t.sketches_consistent()
        && t.fan
            .as_ref()
            .is_none_or(|f| f.cash.iter().all(|s| s.count() == t.paths));
    if !counts_ok {
        return Err(invalid(path, "its counts do not add up to its paths"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_blocks_contiguously_and_completely() {
        let total = 103;
        let mut next = 0;
        for k in 0..7 {
            let r = Shard { index: k, count: 7 }.blocks(total).unwrap();
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, total);
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert!(Shard::parse("3/64").is_ok());
        for bad in ["3", "64/64", "a/4", "1/0", "-1/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard { index: 0, count: 9 }.blocks(8).is_err());
    }
}
