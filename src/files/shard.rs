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
use crate::files::sha256_hex;
use crate::model::Sampling;
use crate::model::{load_str, LoadOptions, Model};
use crate::stats::{ExactSum, Tally, TallyWire};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Format tag of partial-result files.
pub const PARTIAL_FORMAT: &str = "runway-partial";
/// Version of the partial-result format.
pub const PARTIAL_VERSION: u32 = 2;

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
        // In 128 bits: K × blocks overflows 64 bits for runs near 10^15 paths.
        let at =
            |k: u64| (u128::from(k) * u128::from(total_blocks) / u128::from(self.count)) as u64;
        Ok(at(self.index)..at(self.index + 1))
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
    /// The shard's tally, as written (sketches are built from it only after
    /// its shape has been checked against the model).
    pub tally: TallyWire,
}

/// Where a shard's partial file goes, checked before the run: the folder
/// is writable and the file's temporary (`.NAME.tmp-PID`) already exists,
/// registered, so an interrupted run removes it.
#[derive(Debug)]
pub struct PartialTarget {
    path: PathBuf,
    temp: crate::files::TempFile,
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
    let _transaction = crate::files::temp::transaction();
    if let Some(signal) = crate::files::signals::received() {
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
    crate::files::probe_folder(dir).map_err(unwritable)?;
    crate::files::temp::sweep_stale(dir, &[name]);
    let temp = crate::files::TempFile::create(dir, name).map_err(unwritable)?;
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
    let size = std::fs::metadata(path)
        .map_err(|e| invalid(path, format!("cannot read the partial file: {e}")))?
        .len();
    if size > MAX_PARTIAL_BYTES {
        return Err(invalid(
            path,
            format!(
                "{size} bytes is larger than any partial file runway writes (at most {} MiB, for 600 months); not a runway partial file",
                MAX_PARTIAL_BYTES >> 20
            ),
        ));
    }
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

/// The largest partial file read: far above what 600 months of sketches
/// take, far below what would strain memory.
const MAX_PARTIAL_BYTES: u64 = 256 << 20;

/// The most paths a run can have (as the command line allows).
const MAX_PATHS: u64 = 1_000_000_000_000_000;

/// Checks a partial's header on its own: counts in range, its blocks those
/// of its shard, a known sampling method, its model text matching its
/// SHA-256. Nothing is allocated from the file's numbers before this.
fn check_header(path: &Path, p: &Partial) -> Result<()> {
    if !(1..=MAX_PATHS).contains(&p.paths) {
        return Err(invalid(
            path,
            format!("`paths` = {}: must be from 1 to 10^15", p.paths),
        ));
    }
    let total_blocks = p.paths.div_ceil(BLOCK_SIZE as u64);
    if !(1..=total_blocks).contains(&p.shards) {
        return Err(invalid(
            path,
            format!(
                "`shards` = {}: a run of {} paths has {total_blocks} block(s), so from 1 to {total_blocks} shards",
                p.shards, p.paths
            ),
        ));
    }
    if p.shard >= p.shards {
        return Err(invalid(
            path,
            format!(
                "`shard` = {}: must be below `shards` = {} (shards are numbered from 0)",
                p.shard, p.shards
            ),
        ));
    }
    let expected = Shard {
        index: p.shard,
        count: p.shards,
    }
    .blocks(total_blocks)?;
    if p.blocks != [expected.start, expected.end] {
        return Err(invalid(
            path,
            format!(
                "`blocks` = {:?}: shard {}/{} of {} paths covers blocks [{}, {})",
                p.blocks, p.shard, p.shards, p.paths, expected.start, expected.end
            ),
        ));
    }
    if Sampling::from_description(&p.sampling).is_none() {
        return Err(invalid(
            path,
            format!(
                "`sampling` = {:?} is not a sampling method of runway",
                p.sampling
            ),
        ));
    }
    if p.threads == 0 || !(p.elapsed_seconds.is_finite() && p.elapsed_seconds >= 0.0) {
        return Err(invalid(
            path,
            format!(
                "`threads` = {} and `elapsed_seconds` = {} must be at least 1 and a finite number of seconds",
                p.threads, p.elapsed_seconds
            ),
        ));
    }
    if sha256_hex(p.model_text.as_bytes()) != p.model_sha256 {
        return Err(invalid(
            path,
            "its model text does not match its model SHA-256",
        ));
    }
    Ok(())
}

/// The model a partial was run with, rebuilt from its text, scenario and
/// overrides. An error in that text names the partial file (where the
/// text is), and the model it came from; the model keeps its own label.
fn model_of(path: &Path, p: &Partial) -> Result<Model> {
    let options = LoadOptions {
        scenario: p.scenario.clone(),
        overrides: p.overrides.clone(),
    };
    let label = format!(
        "{} (the model embedded in it, from {})",
        path.display(),
        p.model_file
    );
    let mut model = load_str(&p.model_text, &label, &options)?;
    model.source.label = p.model_file.clone();
    if let Some(sampling) = Sampling::from_description(&p.sampling) {
        model.sampling = sampling;
    }
    Ok(model)
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
/// a time: memory stays that of two partials, however many shards there are
/// (or a forged header claims).
pub fn merge_partials(files: &[PathBuf]) -> Result<Merged> {
    let Some(first_path) = files.first() else {
        return Err(Error::Usage(
            "merge needs the partial files of every shard".into(),
        ));
    };
    let mut first = read_partial(first_path)?;
    check_header(first_path, &first)?;
    let model = model_of(first_path, &first)?;
    let mut seen: BTreeMap<u64, &PathBuf> = BTreeMap::new();
    let mut tally = Tally::new(
        model.months as usize,
        model.inflows.len(),
        model.shocks.len(),
        true,
    );
    let (mut threads, mut elapsed_seconds) = (1, 0.0);
    for (index, path) in files.iter().enumerate() {
        let mut read;
        let p = if index == 0 {
            &mut first
        } else {
            read = read_partial(path)?;
            check_header(path, &read)?;
            check_same_run(path, &read, first_path, &first)?;
            &mut read
        };
        if let Some(other) = seen.get(&p.shard) {
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
        seen.insert(p.shard, path);
        // The shape first (it bounds how many sketches there are), then the
        // sketches themselves, then what their values must satisfy.
        check_shape(path, &p.tally, &model)?;
        let shard_tally = std::mem::take(&mut p.tally)
            .into_tally()
            .map_err(|rule| invalid(path, format!("its tally has a {rule}")))?;
        check_tally(path, p, &shard_tally, &model)?;
        tally.merge(&shard_tally);
        threads = threads.max(p.threads);
        elapsed_seconds += p.elapsed_seconds;
    }
    let missing_count = first.shards - seen.len() as u64;
    if missing_count > 0 {
        let missing: Vec<String> = (0..first.shards)
            .filter(|k| !seen.contains_key(k))
            .take(10)
            .map(|k| format!("{k}/{}", first.shards))
            .collect();
        return Err(Error::Usage(format!(
            "merge: {missing_count} of {} shards missing: {}{}",
            first.shards,
            missing.join(", "),
            if missing_count > 10 { ", …" } else { "" }
        )));
    }
    // The header describes the run; its own tally is merged already.
    first.tally = TallyWire::default();
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

/// A partial's tally must have the model's shape (months, inflows, shocks,
/// a fan) and values that one shard of the run could have produced: every
/// count within its paths, every sketch holding its paths, the sum of end
/// cash between paths × min and paths × max. Anything else is a damaged or
/// forged file (its checksum proves nothing: anyone can recompute it).
fn check_tally(path: &Path, p: &Partial, t: &Tally, model: &Model) -> Result<()> {
    let refuse = |rule: String| Err(invalid(path, format!("its tally {rule}")));
    let Some(fan) = &t.fan else {
        return refuse("has no per-month sketches (`fan`), which every shard writes".into());
    };
    let first_path = p.blocks[0] * BLOCK_SIZE as u64;
    let expected_paths =
        ((p.blocks[1] - p.blocks[0]) * BLOCK_SIZE as u64).min(p.paths.saturating_sub(first_path));
    if t.paths != expected_paths {
        return refuse(format!(
            "counts {} paths; blocks {}..{} of a {}-path run hold {expected_paths}",
            t.paths, p.blocks[0], p.blocks[1], p.paths
        ));
    }
    let insolvent = t
        .insolvent_in_month
        .iter()
        .try_fold(0u64, |a, &b| a.checked_add(b));
    if insolvent.is_none_or(|k| k > t.paths) {
        return refuse("counts more insolvent paths than paths".into());
    }
    if let Some(k) = t
        .inflow_arrived
        .iter()
        .chain(&t.shock_struck)
        .find(|&&k| k > t.paths)
    {
        return refuse(format!(
            "counts an inflow or shock in {k} paths, more than its {}",
            t.paths
        ));
    }
    let sketches_hold = |s: &crate::stats::Sketch| s.count() == t.paths;
    // Users are tallied only for models with a users × arpu line.
    let user_paths = if model.revenues.iter().any(|r| r.arpu.is_some()) {
        t.paths
    } else {
        0
    };
    let users_ok = fan.users.iter().all(|s| s.count() == user_paths);
    if !(sketches_hold(&t.end_cash)
        && sketches_hold(&t.lowest_cash)
        && [&fan.cash, &fan.revenue, &fan.cost]
            .iter()
            .all(|v| v.iter().all(sketches_hold))
        && users_ok)
    {
        return refuse(format!(
            "has a sketch that does not hold its {} paths",
            t.paths
        ));
    }
    // Each path's lowest cash is at most its end cash, and the last month's
    // cash is its end cash: the sketches must agree.
    let ordered = |a: Option<f64>, b: Option<f64>| a.zip(b).is_none_or(|(a, b)| a <= b);
    if !(ordered(t.lowest_cash.min(), t.end_cash.min())
        && ordered(t.lowest_cash.max(), t.end_cash.max()))
    {
        return refuse("has a lowest cash above the end cash".into());
    }
    if fan.cash.last().is_some_and(|last| *last != t.end_cash) {
        return refuse("has a last month's cash that differs from its end cash".into());
    }
    if let (Some(min), Some(max)) = (t.end_cash.min(), t.end_cash.max()) {
        let (mut low, mut high) = (ExactSum::new(), ExactSum::new());
        low.add_times(min, t.paths);
        high.add_times(max, t.paths);
        if t.end_cash_sum.compare(&low).is_lt() || t.end_cash_sum.compare(&high).is_gt() {
            return refuse(format!(
                "has a sum of end cash outside paths × [min, max] = {} × [{min}, {max}]",
                t.paths
            ));
        }
    }
    let mean_funding = t.funding_sum.divided_by(t.paths);
    if !(mean_funding >= 0.0 && mean_funding.is_finite()) {
        return refuse(format!(
            "has a sum of funding received whose mean over its paths ({mean_funding:e}) is negative or not finite"
        ));
    }
    Ok(())
}

/// A partial's tally must have the model's shape (months, inflows, shocks,
/// a fan of four per-month sketches): checked before any sketch is built,
/// so that a forged file cannot make the reader build more than the model
/// has.
fn check_shape(path: &Path, t: &TallyWire, model: &Model) -> Result<()> {
    let months = model.months as usize;
    let refuse = |rule: String| Err(invalid(path, format!("its tally {rule}")));
    let Some(fan) = &t.fan else {
        return refuse("has no per-month sketches (`fan`), which every shard writes".into());
    };
    let per_month = [&fan.cash, &fan.revenue, &fan.cost, &fan.users];
    if t.insolvent_in_month.len() != months
        || t.inflow_arrived.len() != model.inflows.len()
        || t.shock_struck.len() != model.shocks.len()
        || per_month.iter().any(|v| v.len() != months)
    {
        return refuse(format!(
            "does not fit its model ({months} months, {} inflows, {} shocks)",
            model.inflows.len(),
            model.shocks.len()
        ));
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
