//! `paths.csv`: one row per path, streamed to disk in path order.
//!
//! Workers finish blocks in any order; each formats its block's rows and
//! hands them here. Rows are written strictly in block order; a block that
//! arrives early waits in a small buffer, and its worker pauses while it is
//! more than a few blocks ahead, so memory stays flat however many paths are
//! written. The bytes do not depend on the thread count.

use crate::engine::{BlockSink, BlockView, Plan, BLOCK_SIZE};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::{csv_number as num, unit_suffix};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

struct State {
    out: BufWriter<File>,
    next_block: u64,
    waiting: BTreeMap<u64, Vec<u8>>,
    rows: u64,
    failed: Option<std::io::Error>,
}

/// The per-path row writer: a [`BlockSink`] that every worker of the run
/// writes into (through [`crate::engine::SinkObserver`]).
pub struct PathRows {
    state: Mutex<State>,
    advanced: Condvar,
    path: PathBuf,
    limit: u64,
    last_block: u64,
    window: u64,
    start: crate::model::Month,
    columns: Vec<usize>,
}

impl PathRows {
    /// Creates the file at `path` (a temporary name) and writes the header.
    /// Rows are written for paths `first_block * BLOCK_SIZE ..` up to `limit`
    /// paths in all (and at most `total_paths`).
    pub fn create(
        path: &Path,
        plan: &Plan,
        model: &Model,
        first_block: u64,
        total_paths: u64,
        limit: u64,
        threads: usize,
    ) -> Result<PathRows> {
        let file = File::create(path).map_err(|source| Error::Output {
            path: path.to_path_buf(),
            action: "cannot create",
            source,
        })?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let unit = unit_suffix(&model.unit);
        let columns: Vec<usize> = (0..plan.input_paths().len())
            .filter(|&i| !plan.slot_is_constant(i))
            .collect();
        let mut header = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let mut names: Vec<String> = vec!["path".into()];
        names.extend(columns.iter().map(|&i| plan.input_paths()[i].clone()));
        names.extend([
            "insolvent".to_string(),
            "insolvency_month".to_string(),
            format!("lowest_cash_{unit}"),
            format!("end_cash_{unit}"),
            format!("funding_received_{unit}"),
        ]);
        header.write_record(&names).expect("in-memory CSV");
        out.write_all(&header.into_inner().expect("in-memory CSV"))
            .map_err(|source| Error::Output {
                path: path.to_path_buf(),
                action: "cannot write",
                source,
            })?;
        let limit = limit.min(total_paths);
        Ok(PathRows {
            state: Mutex::new(State {
                out,
                next_block: first_block,
                waiting: BTreeMap::new(),
                rows: 0,
                failed: None,
            }),
            advanced: Condvar::new(),
            path: path.to_path_buf(),
            limit,
            last_block: limit.div_ceil(BLOCK_SIZE as u64),
            window: 4 * threads.max(1) as u64,
            start: model.start,
            columns,
        })
    }

    /// The CSV rows of the block's paths that are written (below `limit`).
    fn format_block(&self, view: &BlockView<'_>) -> Vec<u8> {
        let first = view.first_path();
        let rows = (self.limit.saturating_sub(first)).min(view.paths() as u64) as usize;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::with_capacity(rows * 160));
        let inputs: Vec<&[f64]> = self.columns.iter().map(|&i| view.input(i)).collect();
        let mut record: Vec<String> = Vec::with_capacity(self.columns.len() + 6);
        for j in 0..rows {
            record.clear();
            record.push((first + j as u64).to_string());
            record.extend(inputs.iter().map(|column| num(Some(column[j]))));
            let outcome = view.outcome(j);
            record.push(
                if outcome.insolvent_month.is_some() {
                    "1"
                } else {
                    "0"
                }
                .to_string(),
            );
            record.push(
                outcome
                    .insolvent_month
                    .map(|t| self.start.plus(t as i32 - 1).to_string())
                    .unwrap_or_default(),
            );
            record.push(num(Some(outcome.lowest_cash)));
            record.push(num(Some(outcome.end_cash)));
            record.push(num(Some(outcome.funding_received)));
            w.write_record(&record).expect("in-memory CSV");
        }
        w.into_inner().expect("in-memory CSV")
    }

    /// Flushes and syncs the file; returns the number of rows written.
    pub fn finish(self) -> Result<u64> {
        let mut state = self
            .state
            .into_inner()
            .map_err(|_| Error::Internal("a worker panicked while writing paths.csv".into()))?;
        if let Some(source) = state.failed.take() {
            return Err(Error::Output {
                path: self.path,
                action: "cannot write",
                source,
            });
        }
        state
            .out
            .flush()
            .and_then(|()| state.out.get_ref().sync_all())
            .map_err(|source| Error::Output {
                path: self.path.clone(),
                action: "cannot write",
                source,
            })?;
        Ok(state.rows)
    }
}

impl BlockSink for PathRows {
    /// Writes the rows of the run's (only) plan, in block order.
    fn take(&self, blocks: &[BlockView<'_>], cancel: &AtomicBool) -> Result<()> {
        let view = &blocks[0];
        let block = view.block();
        if block >= self.last_block {
            return Ok(());
        }
        let bytes = self.format_block(view);
        let rows = (self.limit.saturating_sub(view.first_path())).min(view.paths() as u64);
        let mut state = self.state.lock().expect("no panics while writing");
        state.waiting.insert(block, bytes);
        state.rows += rows;
        loop {
            let next = state.next_block;
            let Some(bytes) = state.waiting.remove(&next) else {
                break;
            };
            if state.failed.is_none() {
                if let Err(e) = state.out.write_all(&bytes) {
                    state.failed = Some(e);
                }
            }
            state.next_block += 1;
        }
        self.advanced.notify_all();
        if let Some(e) = &state.failed {
            return Err(Error::Output {
                path: self.path.clone(),
                action: "cannot write",
                source: std::io::Error::new(e.kind(), e.to_string()),
            });
        }
        // Bound memory: do not run far ahead of the writer.
        while block > state.next_block + self.window && !cancel.load(Ordering::Relaxed) {
            state = self
                .advanced
                .wait_timeout(state, Duration::from_millis(50))
                .expect("no panics while writing")
                .0;
        }
        Ok(())
    }
}
