//! Merging the partial files of every shard into the tally of the whole run.

use super::check::{check_header, check_same_run, check_shape, check_tally};
use super::{invalid, read_partial, Partial};
use crate::error::{Error, Result, Setting};
use crate::model::Sampling;
use crate::model::{load_str, LoadOptions, Model};
use crate::stats::{Tally, TallyWire};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The model a partial was run with, rebuilt from its text, scenario and
/// overrides. An error in that text names the partial file (where the
/// text is), and the model it came from; the model keeps its own label.
pub(super) fn model_of(path: &Path, p: &Partial) -> Result<Model> {
    let options = LoadOptions {
        scenario: p.scenario.clone(),
        overrides: p.overrides.clone(),
    };
    let label = format!(
        "{} (the model embedded in it, from {})",
        path.display(),
        p.model_file
    );
    // Loaded under the model file's own name, so that plan files (CSV
    // schedules) are read relative to it, as in the shards' runs; an error
    // still names the partial file.
    let mut model = load_str(&p.model_text, &p.model_file, &options).map_err(|e| match e {
        Error::Field {
            file,
            path,
            value,
            rule,
            at,
        } if file.starts_with(&p.model_file) => Error::Field {
            file: file.replacen(&p.model_file, &label, 1),
            path,
            value,
            rule,
            at,
        },
        e => e,
    })?;
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
    /// Wall-clock seconds from the first shard's start to the last one's
    /// finish (what the run took, however the shards overlapped).
    pub wall_seconds: f64,
    /// The shards' seconds summed (what the run would take one shard
    /// after another).
    pub shard_seconds: f64,
    /// Each shard's seconds × its threads, summed: the processor time
    /// reserved (an upper bound on the processor time used).
    pub thread_seconds: f64,
    /// Every model file name the shards record, in shard order, each once
    /// (one name unless the same model text was read under several names).
    pub model_files: Vec<String>,
    /// The first partial (its header describes the run).
    pub header: Partial,
}

/// Checks that the files form one complete run and merges them, one file at
/// a time: memory stays that of two partials, however many shards there are
/// (or a forged header claims).
pub fn merge_partials(files: &[PathBuf]) -> Result<Merged> {
    let Some(first_path) = files.first() else {
        return Err(Error::Setting {
            setting: Setting::Partials,
            value: None,
            rule: "none given; a merge needs the partial files of every shard".into(),
        });
    };
    let mut first = read_partial(first_path)?;
    check_header(first_path, &first)?;
    if let Some(rare) = &first.rare {
        return Err(invalid(
            first_path,
            format!(
                "is a shard of a rare-event run (--rare {}): merge it with the rare-event merge",
                rare.method
            ),
        ));
    }
    let model = model_of(first_path, &first)?;
    let mut seen: BTreeMap<u64, &PathBuf> = BTreeMap::new();
    let mut tally = Tally::new(
        first.seed,
        model.months as usize,
        model.inflows.len(),
        model.shocks.len(),
        true,
    );
    let (mut threads, mut shard_seconds, mut thread_seconds) = (1, 0.0, 0.0);
    let (mut started, mut finished) = (u64::MAX, 0);
    let mut names: BTreeMap<u64, String> = BTreeMap::new();
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
            .into_tally(p.seed)
            .map_err(|rule| invalid(path, format!("its tally has a {rule}")))?;
        check_tally(path, p, &shard_tally, &model)?;
        tally.merge(&shard_tally);
        threads = threads.max(p.threads);
        shard_seconds += p.elapsed_seconds;
        thread_seconds += p.elapsed_seconds * p.threads as f64;
        started = started.min(p.started_unix_ms);
        finished = finished.max(p.finished_unix_ms);
        names.insert(p.shard, p.model_file.clone());
    }
    check_complete(&first, &seen)?;
    // The header describes the run; its own tally is merged already.
    first.tally = TallyWire::default();
    let mut model_files: Vec<String> = Vec::new();
    for name in names.into_values() {
        if !model_files.contains(&name) {
            model_files.push(name);
        }
    }
    let mut model = model;
    model.source.label = model_files.join(", ");
    first.model_file = model.source.label.clone();
    Ok(Merged {
        seed: first.seed,
        threads,
        wall_seconds: finished.saturating_sub(started) as f64 / 1000.0,
        shard_seconds,
        thread_seconds,
        model_files,
        model,
        tally,
        header: first,
    })
}

/// Every shard of the run is among the files: else which are missing (the
/// first ten).
pub(super) fn check_complete(first: &Partial, seen: &BTreeMap<u64, &PathBuf>) -> Result<()> {
    let missing_count = first.shards - seen.len() as u64;
    if missing_count > 0 {
        let missing: Vec<String> = (0..first.shards)
            .filter(|k| !seen.contains_key(k))
            .take(10)
            .map(|k| format!("{k}/{}", first.shards))
            .collect();
        return Err(Error::Setting {
            setting: Setting::Partials,
            value: None,
            rule: format!(
                "{missing_count} of {} shards missing: {}{}",
                first.shards,
                missing.join(", "),
                if missing_count > 10 { ", …" } else { "" }
            ),
        });
    }
    Ok(())
}
