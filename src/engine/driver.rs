//! The parallel driver: a run's blocks handed out in increasing order to
//! workers on a thread pool, each worker with its own scratch, tallies and
//! observer; and the estimate of how long a run will take.

use super::block::run_block;
use super::observe::{BlockView, Observer};
use super::plan::Plan;
use super::scratch::Scratch;
use super::{Progress, RunSpec, BLOCK_SIZE};
use crate::error::{Error, Result, Setting};
use crate::stats::Tally;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// What a run of [`simulate_plans`] gives back.
pub struct Run<O> {
    /// The merged tally of each plan, in the order of the plans.
    pub tallies: Vec<Tally>,
    /// Every worker's observer, in no particular order: merge what they
    /// gathered with an exact, order-free merge.
    pub observers: Vec<O>,
}

impl<O> Run<O> {
    /// The tally of the first plan: the result of a run of one plan.
    pub fn into_tally(self) -> Tally {
        self.tallies
            .into_iter()
            .next()
            .expect("a run has at least one plan")
    }
}

/// One worker's memory: a scratch and a tally per plan, and its observer.
struct Worker<O> {
    scratches: Vec<Scratch>,
    tallies: Vec<Tally>,
    observer: O,
}

impl<O: Observer> Worker<O> {
    /// Simulates block `block` for every plan (its first `n` paths count),
    /// then shows it to the observer.
    fn run(&mut self, plans: &[&Plan], seed: u64, block: u64, n: usize) -> Result<()> {
        for ((plan, scratch), tally) in plans
            .iter()
            .zip(self.scratches.iter_mut())
            .zip(self.tallies.iter_mut())
        {
            run_block(plan, seed, block, n, scratch, tally)?;
        }
        let views: Vec<BlockView<'_>> = plans
            .iter()
            .zip(&self.scratches)
            .map(|(plan, scratch)| BlockView::new(plan, scratch, block, n))
            .collect();
        self.observer.observe(&views)
    }
}

/// Runs the blocks of `spec` for every plan of `plans` (at least one) on
/// `spec.threads` threads: every plan simulates the same blocks with the
/// same seed, so the inputs the plans share draw the same numbers on the
/// same paths (common random numbers). Each worker has an observer from
/// `make_observer`, which sees every block it runs after the block is
/// tallied. Returns each plan's merged tally and the observers. The tallies
/// are bit-identical for any thread count.
pub fn simulate_plans<O: Observer>(
    plans: &[&Plan],
    spec: &RunSpec,
    progress: &Progress,
    make_observer: impl Fn() -> O + Sync,
) -> Result<Run<O>> {
    let empty_tallies = || {
        plans
            .iter()
            .map(|p| p.empty_tally(spec.seed, spec.fan))
            .collect()
    };
    let workers = for_each_block(
        spec,
        progress,
        || Worker {
            scratches: plans.iter().map(|plan| Scratch::new(plan)).collect(),
            tallies: empty_tallies(),
            observer: make_observer(),
        },
        |worker, block, n| worker.run(plans, spec.seed, block, n),
    )?;
    // Merge into the first worker's tallies rather than fresh ones: one set
    // of tallies fewer in memory at the end of the run.
    let mut tallies: Option<Vec<Tally>> = None;
    let mut observers = Vec::with_capacity(workers.len());
    for worker in workers {
        match &mut tallies {
            None => tallies = Some(worker.tallies),
            Some(merged) => {
                for (into, from) in merged.iter_mut().zip(&worker.tallies) {
                    into.merge(from);
                }
            }
        }
        observers.push(worker.observer);
    }
    Ok(Run {
        tallies: tallies.unwrap_or_else(empty_tallies),
        observers,
    })
}

/// Blocks that [`estimate_seconds`] times.
const PROBE_BLOCKS: u64 = 8;

/// About how many seconds the run of `spec` will take on `spec.threads`
/// threads, judged by running its first few blocks one after another on this
/// thread (their results are thrown away). `None` when `stop` says so
/// before a probe block, or a probe block fails (the run itself then
/// reports the failure).
pub fn estimate_seconds(plan: &Plan, spec: &RunSpec, stop: impl Fn() -> bool) -> Option<f64> {
    let mut scratch = Scratch::new(plan);
    let mut tally = plan.empty_tally(spec.seed, spec.fan);
    let started = Instant::now();
    for block in 0..PROBE_BLOCKS {
        if stop() {
            return None;
        }
        run_block(plan, spec.seed, block, BLOCK_SIZE, &mut scratch, &mut tally).ok()?;
    }
    let per_path = started.elapsed().as_secs_f64() / (PROBE_BLOCKS * BLOCK_SIZE as u64) as f64;
    Some(per_path * spec.paths_to_run() as f64 / spec.threads.max(1) as f64)
}

/// The thread pool of `threads` workers, started on the first run that asks
/// for it and kept for the next ones (starting threads costs more than a
/// short run).
fn thread_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>> {
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, pool)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("runway-worker-{i}"))
        .build()
        .map_err(|e| Error::Setting {
            setting: Setting::Threads,
            value: Some(threads.to_string()),
            rule: format!("cannot start that many worker threads: {e}"),
        })?;
    let pool = Arc::new(pool);
    pools.push((threads, Arc::clone(&pool)));
    Ok(pool)
}

/// Runs `work(state, block, n)` for every block of `spec` (its seed and
/// fan are the caller's business) (n = paths of the
/// block that count) on `spec.threads` threads, each thread with its own
/// state from `make`, handing out blocks in increasing order. Returns every
/// thread's state. Callers keep results exact and order-free (integer
/// tallies), so the thread count never shows in them. A failed block sets
/// `progress.cancel`, so that a worker waiting for that block (a sink that
/// writes in path order) gives up instead of waiting for ever.
pub fn for_each_block<W: Send>(
    spec: &RunSpec,
    progress: &Progress,
    make: impl Fn() -> W + Sync,
    work: impl Fn(&mut W, u64, usize) -> Result<()> + Sync,
) -> Result<Vec<W>> {
    if spec.threads == 0 {
        return Err(Error::Setting {
            setting: Setting::Threads,
            value: Some("0".into()),
            rule: "a run needs at least 1 worker thread".into(),
        });
    }
    let blocks = spec.block_range();
    let next = AtomicU64::new(blocks.start);
    // The lowest block that failed so far, and its error. Blocks are handed
    // out in increasing order, so every block below a failure has been taken
    // and is still finished: the failure reported is the first in path
    // order, whatever the thread count or timing.
    let failed_at = AtomicU64::new(u64::MAX);
    let failure: Mutex<Option<(u64, Error)>> = Mutex::new(None);
    let results: Mutex<Vec<Result<W>>> = Mutex::new(Vec::new());
    let pool = thread_pool(spec.threads)?;
    let workers = spec
        .threads
        .min(blocks.end.saturating_sub(blocks.start).max(1) as usize);
    pool.scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                let mut state = make();
                let outcome = loop {
                    if progress.cancel.load(Ordering::Relaxed) {
                        break Err(Error::Cancelled);
                    }
                    let block = next.fetch_add(1, Ordering::Relaxed);
                    if block >= blocks.end || block > failed_at.load(Ordering::Acquire) {
                        break Ok(());
                    }
                    let first = block * BLOCK_SIZE as u64;
                    let n = (spec.paths - first).min(BLOCK_SIZE as u64) as usize;
                    if let Err(e) = work(&mut state, block, n) {
                        let mut slot = failure.lock().expect("no worker panics while holding it");
                        if slot.as_ref().is_none_or(|(b, _)| block < *b) {
                            *slot = Some((block, e));
                        }
                        failed_at.fetch_min(block, Ordering::AcqRel);
                        progress.cancel.store(true, Ordering::Relaxed);
                        break Ok(());
                    }
                    progress.paths_done.fetch_add(n as u64, Ordering::Relaxed);
                };
                results
                    .lock()
                    .expect("no worker panics while holding the lock")
                    .push(outcome.map(|()| state));
            });
        }
    });
    if let Some((_, e)) = failure.into_inner().expect("workers finished") {
        return Err(e);
    }
    let mut states = Vec::new();
    for r in results.into_inner().expect("workers finished") {
        states.push(r?);
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_failed_block_releases_workers_waiting_for_it() {
        // Block 2 fails; the blocks after it wait (as paths.csv's writer
        // waits for the blocks before it) until the run is stopped.
        let spec = RunSpec {
            paths: 64 * BLOCK_SIZE as u64,
            seed: 1,
            threads: 2,
            fan: false,
            blocks: None,
        };
        let progress = Progress::default();
        let started = Instant::now();
        let result = for_each_block(
            &spec,
            &progress,
            || (),
            |_, block, _| {
                if block == 2 {
                    return Err(Error::Internal("block 2".into()));
                }
                while block > 2 && !progress.cancel.load(Ordering::Relaxed) {
                    assert!(started.elapsed() < Duration::from_secs(20), "hung");
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(())
            },
        );
        assert!(matches!(result, Err(Error::Internal(m)) if m == "block 2"));
    }
}
