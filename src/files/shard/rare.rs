//! The partial files of a rare-event run (`run --rare --shard`) and their
//! merge: the header of every partial file, then the method, its
//! diagnostics (the pilot's, the same in every shard) and its weighted
//! tally, whose exact sums are written as hexadecimal integers, so the
//! merge of the shards is the tally of the unsharded run to the bit.

use super::check::{check_header, check_same_run};
use super::merge::{check_complete, model_of};
use super::{invalid, read_partial, Partial, Shard};
use crate::analysis::rare::{Chosen, Diagnostics, Method, MethodRun};
use crate::engine::{RunSpec, BLOCK_SIZE};
use crate::error::{Error, Result, Setting};
use crate::files::Provenance;
use crate::model::Model;
use crate::stats::{ExactSquareSum, ExactSum, Tally, TallyWire, WeightedTally};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A rare-event shard's part of its partial file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RarePartial {
    /// The method (`tilt`, `split`, `plain`).
    pub method: String,
    /// Why the method ran (as the report says it).
    pub chosen_by: String,
    /// What the pilot chose and what the checks found.
    pub diagnostics: DiagnosticsWire,
    /// The shard's weighted tally.
    pub tally: WeightedTallyWire,
}

/// [`Diagnostics`] as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticsWire {
    /// Pilot paths.
    pub pilot_paths: u64,
    /// Levels of the distance to the floor.
    pub levels: Vec<f64>,
    /// Mean shifts (label, shift).
    pub shifts: Vec<(String, f64)>,
    /// Splitting factors.
    pub splitting_factors: Vec<u32>,
    /// Acceptance rates.
    pub acceptance: Vec<f64>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// [`WeightedTally`] as written: counts, and exact sums as hexadecimal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightedTallyWire {
    /// Independent units.
    pub units: u64,
    /// Σ C_u(m) by month.
    pub by_month: Vec<ExactSum>,
    /// Σ C_u(m)² by month.
    pub by_month_squares: Vec<ExactSquareSum>,
    /// Σ W_u.
    pub weights: ExactSum,
    /// Σ W_u².
    pub weight_squares: ExactSquareSum,
    /// Paths simulated in the estimation stage.
    pub simulated_paths: u64,
    /// Insolvent paths seen.
    pub event_paths: u64,
    /// By inflow: Σ of the contributions to P(insolvent and it arrived).
    pub inflow_in_event: Vec<ExactSum>,
    /// By shock: the same for it having struck.
    pub shock_in_event: Vec<ExactSum>,
}

impl RarePartial {
    /// The partial of a method's run.
    pub fn of(chosen: &Chosen) -> RarePartial {
        let (t, d) = (&chosen.run.tally, &chosen.run.diagnostics);
        RarePartial {
            method: chosen.run.method.name().into(),
            chosen_by: chosen.chosen_by.clone(),
            diagnostics: DiagnosticsWire {
                pilot_paths: d.pilot_paths,
                levels: d.levels.clone(),
                shifts: d.shifts.clone(),
                splitting_factors: d.splitting_factors.clone(),
                acceptance: d.acceptance.clone(),
                warnings: d.warnings.clone(),
            },
            tally: WeightedTallyWire {
                units: t.units,
                by_month: t.by_month.clone(),
                by_month_squares: t.by_month_squares.clone(),
                weights: t.weights.clone(),
                weight_squares: t.weight_squares.clone(),
                simulated_paths: t.simulated_paths,
                event_paths: t.event_paths,
                inflow_in_event: t.inflow_in_event.clone(),
                shock_in_event: t.shock_in_event.clone(),
            },
        }
    }

    /// The method's run it holds.
    fn into_run(self, method: Method) -> MethodRun {
        let (t, d) = (self.tally, self.diagnostics);
        MethodRun {
            method,
            tally: WeightedTally {
                units: t.units,
                by_month: t.by_month,
                by_month_squares: t.by_month_squares,
                weights: t.weights,
                weight_squares: t.weight_squares,
                simulated_paths: t.simulated_paths,
                event_paths: t.event_paths,
                inflow_in_event: t.inflow_in_event,
                shock_in_event: t.shock_in_event,
            },
            diagnostics: Diagnostics {
                pilot_paths: d.pilot_paths,
                levels: d.levels,
                shifts: d.shifts,
                splitting_factors: d.splitting_factors,
                acceptance: d.acceptance,
                warnings: d.warnings,
            },
        }
    }
}

impl Partial {
    /// The partial file of `shard` of a rare-event run of `model` over
    /// `paths` paths from `seed`, holding the shard's `chosen` run.
    pub fn of_rare_shard(
        model: &Model,
        paths: u64,
        seed: u64,
        shard: Shard,
        chosen: &Chosen,
        provenance: &Provenance,
    ) -> Result<Partial> {
        let spec = RunSpec {
            paths,
            seed,
            threads: provenance.threads,
            fan: false,
            blocks: None,
        };
        let empty = Tally::new(seed, 0, 0, 0, false);
        let mut partial = Partial::of_shard(model, &spec, shard, &empty, provenance)?;
        partial.tally = TallyWire::default();
        partial.rare = Some(RarePartial::of(chosen));
        Ok(partial)
    }
}

/// The merged rare-event run.
#[derive(Debug)]
pub struct MergedRare {
    /// The model, rebuilt from the partials' text, scenario and overrides.
    pub model: Model,
    /// The merged run: shard 0's diagnostics (the pilot's, the same in
    /// every shard; warnings of other shards added after its own), the
    /// tallies summed exactly.
    pub chosen: Chosen,
    /// Paths of the run.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Most threads any shard used.
    pub threads: usize,
    /// Wall-clock seconds from the first shard's start to the last finish.
    pub wall_seconds: f64,
    /// The shards' seconds summed.
    pub shard_seconds: f64,
    /// Each shard's seconds × its threads, summed.
    pub thread_seconds: f64,
    /// The first partial's header.
    pub header: Partial,
}

/// Checks that the files form one complete rare-event run (one build, one
/// model, seed, paths, method, every shard once) and merges them.
pub fn merge_rare_partials(files: &[PathBuf]) -> Result<MergedRare> {
    let Some(first_path) = files.first() else {
        return Err(Error::Setting {
            setting: Setting::Partials,
            value: None,
            rule: "none given; a merge needs the partial files of every shard".into(),
        });
    };
    let first = read_partial(first_path)?;
    check_header(first_path, &first)?;
    let Some(rare) = &first.rare else {
        return Err(invalid(
            first_path,
            "is a shard of a plain run, not of a rare-event run (--rare)",
        ));
    };
    let method = Method::from_name(&rare.method).ok_or_else(|| {
        invalid(
            first_path,
            format!(
                "`rare.method` = {:?} is not a rare-event method of runway",
                rare.method
            ),
        )
    })?;
    let chosen_by = rare.chosen_by.clone();
    let model = model_of(first_path, &first)?;
    let mut seen: BTreeMap<u64, &PathBuf> = BTreeMap::new();
    let mut runs: BTreeMap<u64, MethodRun> = BTreeMap::new();
    let (mut threads, mut shard_seconds, mut thread_seconds) = (1, 0.0, 0.0);
    let (mut started, mut finished) = (u64::MAX, 0);
    for (index, path) in files.iter().enumerate() {
        let mut p = if index == 0 {
            first.clone()
        } else {
            let p = read_partial(path)?;
            check_header(path, &p)?;
            check_same_run(path, &p, first_path, &first)?;
            p
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
        let shard_rare = p.rare.take().expect("the same run: a rare-event shard");
        check_rare_tally(path, &p, &shard_rare.tally, &model)?;
        runs.insert(p.shard, shard_rare.into_run(method));
        threads = threads.max(p.threads);
        shard_seconds += p.elapsed_seconds;
        thread_seconds += p.elapsed_seconds * p.threads as f64;
        started = started.min(p.started_unix_ms);
        finished = finished.max(p.finished_unix_ms);
    }
    check_complete(&first, &seen)?;
    let mut shards = runs.into_values();
    let mut merged = shards.next().expect("at least one shard");
    for run in shards {
        merged.tally.merge(&run.tally);
        for w in run.diagnostics.warnings {
            if !merged.diagnostics.warnings.contains(&w) {
                merged.diagnostics.warnings.push(w);
            }
        }
    }
    let mut header = first;
    header.rare = None;
    Ok(MergedRare {
        paths: header.paths,
        seed: header.seed,
        threads,
        wall_seconds: finished.saturating_sub(started) as f64 / 1000.0,
        shard_seconds,
        thread_seconds,
        model,
        chosen: Chosen {
            run: merged,
            chosen_by,
        },
        header,
    })
}

/// A rare-event shard's tally must have the model's shape and counts that
/// its blocks could have produced.
fn check_rare_tally(path: &Path, p: &Partial, t: &WeightedTallyWire, model: &Model) -> Result<()> {
    let refuse = |rule: String| Err(invalid(path, format!("its rare-event tally {rule}")));
    let months = model.months as usize;
    if t.by_month.len() != months
        || t.by_month_squares.len() != months
        || t.inflow_in_event.len() != model.inflows.len()
        || t.shock_in_event.len() != model.shocks.len()
    {
        return refuse(format!(
            "does not fit its model ({months} months, {} inflows, {} shocks)",
            model.inflows.len(),
            model.shocks.len()
        ));
    }
    let first_path = p.blocks[0] * BLOCK_SIZE as u64;
    let block_paths =
        ((p.blocks[1] - p.blocks[0]) * BLOCK_SIZE as u64).min(p.paths.saturating_sub(first_path));
    if t.units > block_paths || t.event_paths > t.simulated_paths {
        return refuse(format!(
            "counts {} units and {} insolvent of {} simulated paths; blocks {}..{} start {block_paths} paths",
            t.units, t.event_paths, t.simulated_paths, p.blocks[0], p.blocks[1]
        ));
    }
    Ok(())
}

/// Whether the file at `path` is the partial file of a rare-event shard
/// (false for anything else, unreadable files included: the plain merge
/// then says what is wrong with it). Reads the file, builds no tally.
pub fn is_rare_partial(path: &Path) -> bool {
    #[derive(Deserialize)]
    struct Sniff {
        #[serde(default)]
        rare: Option<serde::de::IgnoredAny>,
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let mut values = serde_json::Deserializer::from_slice(&bytes).into_iter::<Sniff>();
    matches!(values.next(), Some(Ok(Sniff { rare: Some(_) })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rare_partial_reads_back_to_the_same_tally_and_diagnostics() {
        let mut tally = WeightedTally::new(2, 1, 1);
        for j in 0..50 {
            let c = 1.0 / (3.0 + f64::from(j));
            tally.add_unit(&[c * 1e-7, c * 1.5e-7], 0.9 + c, &[c * 1e-8], &[0.0]);
        }
        let chosen = Chosen {
            run: MethodRun {
                method: Method::Tilt,
                tally,
                diagnostics: Diagnostics {
                    pilot_paths: 4096,
                    levels: vec![3.25, 1.0 / 3.0, 0.0],
                    shifts: vec![("cash.initial".into(), -1.0 / 7.0)],
                    splitting_factors: vec![],
                    acceptance: vec![],
                    warnings: vec!["a warning".into()],
                },
            },
            chosen_by: "auto".into(),
        };
        let text = serde_json::to_string(&RarePartial::of(&chosen)).unwrap();
        let back: RarePartial = serde_json::from_str(&text).unwrap();
        let run = back.into_run(Method::Tilt);
        assert_eq!(run.tally, chosen.run.tally);
        assert_eq!(run.diagnostics, chosen.run.diagnostics);
    }
}
