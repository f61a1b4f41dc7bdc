//! Generalised splitting (Botev & Kroese 2012) on the distance to the floor,
//! in the space of the paths' standard normal scores. See [`estimate`].

mod particles;

use super::{Diagnostics, Method, MethodRun, RareSpec};
use crate::engine::{for_each_block, Plan, Progress, RunSpec, BLOCK_SIZE};
use crate::error::{Error, Result};
use crate::sampling::rng::{stream, stream_key};
use crate::sampling::standard_normal;
use crate::stats::WeightedTally;
use particles::{Particles, Simulator};
use rand::RngCore;

/// The method's settings ([`Tuning::default`] is what `--rare split`
/// runs; the others are for studies of the method itself).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// The pilot's target conditional probability of each level (0.1).
    pub rho: f64,
    /// Paths of the pilot's population (2 048).
    pub pilot_paths: usize,
    /// Chain moves a pilot level makes, its step adapted between them (6).
    pub pilot_moves: usize,
    /// Chain moves each copy of a particle makes in the estimation stage
    /// (3).
    pub moves: usize,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            rho: 0.1,
            pilot_paths: 2 * BLOCK_SIZE,
            pilot_moves: 6,
            moves: 3,
        }
    }
}
/// The most levels the pilot sets (0.1⁴⁰: far below any probability a
/// double holds with meaning here).
const MAX_LEVELS: usize = 40;
/// The acceptance rate the pilot aims the chain's step at.
const TARGET_ACCEPTANCE: f64 = 0.4;
/// The most particles a replicate holds at a level, in starting paths.
const CAP: usize = 4;
/// Below this acceptance rate the chain barely moves: a warning.
const LOW_ACCEPTANCE: f64 = 0.05;
/// Fewer effective replicates than this: the interval is not to be trusted.
const FEW_REPLICATES: f64 = 30.0;

/// What the pilot fixed: the levels, the splitting factors and the chain's
/// step at each level.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    /// γ_1 > … > γ_L = 0, of the distance to the floor.
    pub levels: Vec<f64>,
    /// s_t, for each level but the last: the copies a particle within level
    /// t makes.
    pub factors: Vec<u32>,
    /// σ_t, the chain's step at each level but the last (the candidate is
    /// √(1 − σ²) z + σ ξ).
    pub steps: Vec<f64>,
    /// The pilot's acceptance rate of the chain at each level but the last.
    pub acceptance: Vec<f64>,
    /// The pilot's estimate of P(insolvent by the horizon), Π p_t.
    pub estimate: f64,
    /// Paths the pilot simulated.
    pub paths: u64,
    /// What went wrong in the pilot.
    pub warnings: Vec<String>,
}

/// Estimates P(insolvent by each month) by generalised splitting
/// (Botev & Kroese 2012, "Efficient Monte Carlo simulation via the
/// generalized splitting method") on the distance to the floor S
/// ([`super::distance_to_floor`]; S ≤ 0 ⇔ insolvent by the horizon), in the
/// space of the standard normal scores of `plan`'s paths (a plan made with
/// [`Plan::driven_by_scores`]): a path is a deterministic function of its
/// score vector, so the Markov chain moves scores and the engine maps them
/// to any input, discrete draws, happenings and triggers included.
///
/// **Pilot** (the same in every shard: streams of a seed derived from the
/// run's seed only): adaptive multilevel splitting with 2 048 paths fixes
/// the levels γ_1 > … > γ_L = 0, each the 10 % quantile of S among the
/// pilot's paths within the level before (so each conditional probability
/// p_t is about 0.1), the splitting factors s_t = round(1 / p_{t+1}), and
/// for each level the step σ_t of the chain, tuned for an acceptance rate
/// near 0.4.
///
/// **Estimation**: independent replicates, replicate r being block r of the
/// run's paths (`spec.paths` starting paths, so shards split replicates).
/// A replicate starts with the N0 = 1 024 paths of its block (scores from
/// the streams of the run's seed, block r, as a plain scored run), keeps
/// those within γ_1, gives each s_1 copies, moves each copy by
/// 3 steps of the preconditioned Crank–Nicolson chain z' =
/// √(1 − σ²) z + σ ξ, taken when S(z') ≤ γ_t (a chain that keeps N(0, I)
/// within the level invariant, so every copy keeps the law of a path within
/// the level), keeps the copies within γ_2, and so on down to 0. Every
/// final particle weighs w = 1 / (N0 Π s_t); the replicate's contribution
/// to P(insolvent by month m) is w times its final particles insolvent by
/// m, to the inflow and shock shares w times those on which the inflow
/// arrived or the shock struck: unbiased by construction (each level's
/// expected count is N0 Π s · P(S ≤ γ_t), whatever the chain's
/// correlation). A replicate holds at most 4·N0 particles: above that, a
/// uniform random subset is kept and w scaled by the ratio (unbiased too).
/// Every random number of a replicate comes from streams keyed by the
/// derived seed, the replicate and the level and move only, and replicates
/// add into exact sums: the tally is the same to the bit for any thread
/// count and shard split.
///
/// The tally's units are replicates; a unit's weight is its estimate of
/// P(insolvent by the horizon), so the tally's Kish ESS
/// ([`WeightedTally::weight_ess`]) is the number of replicates that carry
/// the estimate. `simulated_paths` counts every simulated path (chain
/// candidates included), `event_paths` the final insolvent particles.
///
/// **Diagnostics**: the levels, the splitting factors and the pilot's
/// acceptance rates (those two for each level but the last), the pilot's
/// paths; warnings when the pilot never reached the floor or stalled (a
/// level that excludes no path: every path of its population at the same
/// distance), when the chain
/// barely moves at a level, and ([`replicate_warnings`], for a merged tally
/// too) when too few replicates carry the estimate for the normal-theory
/// interval to hold.
pub fn estimate(plan: &Plan, spec: &RareSpec, progress: &Progress) -> Result<MethodRun> {
    estimate_tuned(plan, spec, &Tuning::default(), progress)
}

/// [`estimate`] with other settings of the method.
pub fn estimate_tuned(
    plan: &Plan,
    spec: &RareSpec,
    tuning: &Tuning,
    progress: &Progress,
) -> Result<MethodRun> {
    let levels = pilot(plan, spec.seed, tuning, progress)?;
    let tally = estimation_stage(plan, &levels, spec, tuning.moves, progress)?;
    let warnings = levels.warnings.clone();
    // The tally's own warnings are the report's (rare::report), on the
    // merged tally: a shard's would differ from the whole run's.
    Ok(MethodRun {
        method: Method::Split,
        tally,
        diagnostics: Diagnostics {
            pilot_paths: levels.paths,
            levels: levels.levels.clone(),
            shifts: Vec::new(),
            splitting_factors: levels.factors.clone(),
            acceptance: levels.acceptance.clone(),
            warnings,
        },
    })
}

/// The warnings a (merged) splitting tally calls for: no replicate reached
/// the floor, or fewer than 30 effective replicates (the Kish ESS of the
/// replicates' estimates) carry it, so that its interval is unreliable.
pub fn replicate_warnings(tally: &WeightedTally) -> Vec<String> {
    let mut warnings = Vec::new();
    if tally.units == 0 {
        return warnings;
    }
    if tally.event_paths == 0 {
        warnings.push(format!(
            "no replicate of {} reached the floor: the estimate 0 only says the probability is small; \
             run more paths",
            tally.units
        ));
    } else if tally.weight_ess() < FEW_REPLICATES {
        warnings.push(format!(
            "only about {:.0} of the {} replicates carry the estimate, fewer than {FEW_REPLICATES}: \
             its interval is unreliable; run more paths (one replicate per {} starting paths, \
             so at least {} paths when every replicate counts)",
            tally.weight_ess(),
            tally.units,
            crate::engine::BLOCK_SIZE,
            FEW_REPLICATES as u64 * crate::engine::BLOCK_SIZE as u64
        ));
    }
    warnings
}

/// A seed of its own for the method's `purpose`, from the run's seed only.
fn derived_seed(seed: u64, purpose: &str) -> u64 {
    stream(seed, u64::MAX, stream_key(purpose)).next_u64()
}

/// The stream of replicate (or pilot) `r`'s moves at level `t`, move `m`.
fn move_stream(seed: u64, r: u64, t: usize, m: usize) -> crate::sampling::rng::StreamRng {
    stream(seed, r, stream_key(&format!("level {t} move {m}")))
}

/// Fills `p` with `n` paths of standard normal scores, dimension d from
/// the stream of (seed, block, its key).
fn draw(plan: &Plan, p: &mut Particles, n: usize, seed: u64, block: u64) {
    let layout = plan.score_layout();
    let dims = layout.len();
    p.clear();
    p.resize(n);
    for d in 0..dims {
        let mut rng = stream(seed, block, layout.key(d));
        for i in 0..n {
            p.z[i * dims + d] = standard_normal(&mut rng);
        }
    }
}

/// The pilot: adaptive multilevel splitting from the seed derived from
/// `seed` (see [`estimate`]).
pub fn pilot(plan: &Plan, seed: u64, tuning: &Tuning, progress: &Progress) -> Result<Levels> {
    let Tuning {
        rho,
        pilot_paths,
        pilot_moves,
        ..
    } = *tuning;
    let seed = derived_seed(seed, "rare.split.pilot");
    let mut sim = Simulator::new(plan);
    let mut pop = sim.particles();
    let mut next = sim.particles();
    draw(plan, &mut pop, pilot_paths, seed, 0);
    sim.evaluate(&mut pop, 0)?;
    let mut out = Levels {
        levels: Vec::new(),
        factors: Vec::new(),
        steps: Vec::new(),
        acceptance: Vec::new(),
        estimate: 1.0,
        paths: 0,
        warnings: Vec::new(),
    };
    let mut probabilities = Vec::new();
    let mut sigma: f64 = 0.5;
    loop {
        if progress.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let t = out.levels.len();
        let n = pop.len() as f64;
        let at_floor = pop.s.iter().filter(|&&s| s <= 0.0).count() as f64 / n;
        let mut sorted = pop.s.clone();
        sorted.sort_by(f64::total_cmp);
        let mut quantile = sorted[(rho * n) as usize];
        if sorted.last() == Some(&quantile) {
            // An atom of S holds the quantile and every path above it (as
            // when most paths never go below their starting cash): the
            // level is the largest distance below the atom.
            if let Some(&below) = sorted.iter().rev().find(|&&s| s < quantile) {
                quantile = below;
            }
        }
        let within = pop.s.iter().filter(|&&s| s <= quantile).count() as f64 / n;
        let last = at_floor >= rho || quantile <= 0.0 || t + 1 >= MAX_LEVELS || within >= 1.0;
        if last {
            if at_floor < rho {
                out.warnings.push(if within >= 1.0 {
                    format!(
                        "the splitting pilot stalled at level {t}: every path of its population is at \
                         distance {quantile} from the floor; the levels below are missing and the \
                         estimate may be far too low"
                    )
                } else {
                    format!(
                        "the splitting pilot did not reach the floor in {MAX_LEVELS} levels; \
                         the estimate may be far too low"
                    )
                });
            }
            out.levels.push(0.0);
            probabilities.push(at_floor);
            break;
        }
        out.levels.push(quantile);
        probabilities.push(within);
        pop.retain_within(quantile);
        let survivors = pop.len();
        next.clear();
        for i in 0..pilot_paths {
            next.push_copies(&pop, i % survivors, 1);
        }
        std::mem::swap(&mut pop, &mut next);
        let mut accepted = 0.0;
        for m in 0..pilot_moves {
            let mut rng = move_stream(seed, 0, t, m);
            let taken = sim.propose(&mut pop, sigma, quantile, &mut rng, 0)?;
            accepted = taken as f64 / pilot_paths as f64;
            if m + 1 < pilot_moves {
                sigma = (sigma * (2.0 * (accepted - TARGET_ACCEPTANCE)).exp()).clamp(0.01, 1.0);
            }
        }
        if accepted < LOW_ACCEPTANCE {
            out.warnings.push(format!(
                "the splitting chain barely moves at level {t} (acceptance {accepted:.3}): \
                 the copies stay close to their parents and the interval may be too narrow"
            ));
        }
        out.steps.push(sigma);
        out.acceptance.push(accepted);
    }
    out.factors = (probabilities[1..].iter())
        .map(|&p| (1.0 / p.max(1e-3)).round().clamp(1.0, 1000.0) as u32)
        .collect();
    out.estimate = probabilities.iter().product();
    out.paths = sim.simulated;
    Ok(out)
}

/// The estimation stage: every replicate of `spec`'s blocks, on its
/// threads, into one tally.
fn estimation_stage(
    plan: &Plan,
    levels: &Levels,
    spec: &RareSpec,
    moves: usize,
    progress: &Progress,
) -> Result<WeightedTally> {
    let run = RunSpec {
        paths: spec.paths,
        seed: spec.seed,
        threads: spec.threads,
        fan: false,
        blocks: spec.blocks.clone(),
    };
    let seed = derived_seed(spec.seed, "rare.split.moves");
    let months = plan.months() as usize;
    let workers = for_each_block(
        &run,
        progress,
        || {
            let sim = Simulator::new(plan);
            let (inflows, shocks) = sim.marks();
            let pair = (sim.particles(), sim.particles());
            (sim, pair, WeightedTally::new(months, inflows, shocks))
        },
        |(sim, (pop, kids), tally), r, n| {
            draw(plan, pop, n, spec.seed, r);
            sim.evaluate(pop, r)?;
            let w = replicate(sim, levels, (seed, moves), r, n, pop, kids)?;
            add_replicate(tally, pop, w, sim.marks(), months);
            Ok(())
        },
    )?;
    let shape = plan.empty_tally(0, false);
    let mut merged =
        WeightedTally::new(months, shape.inflow_arrived.len(), shape.shock_struck.len());
    for (sim, _, tally) in &workers {
        merged.merge(tally);
        merged.simulated_paths += sim.simulated;
    }
    Ok(merged)
}

/// Runs replicate `r` from its evaluated starting population `pop` of `n0`
/// paths down the levels; leaves the final particles in `pop` and returns
/// the weight of each.
fn replicate(
    sim: &mut Simulator,
    levels: &Levels,
    (seed, moves): (u64, usize),
    r: u64,
    n0: usize,
    pop: &mut Particles,
    kids: &mut Particles,
) -> Result<f64> {
    let mut w = 1.0 / n0 as f64;
    let last = levels.levels.len() - 1;
    for (t, &level) in levels.levels.iter().enumerate() {
        pop.retain_within(level);
        if t == last || pop.len() == 0 {
            break;
        }
        let copies = levels.factors[t] as usize;
        let room = (CAP * n0 / copies).max(1);
        if pop.len() > room {
            let mut rng = stream(seed, r, stream_key(&format!("level {t} thinning")));
            w *= pop.len() as f64 / room as f64;
            pop.thin_to(room, &mut rng);
        }
        kids.clear();
        for i in 0..pop.len() {
            kids.push_copies(pop, i, copies);
        }
        w /= copies as f64;
        for m in 0..moves {
            let mut rng = move_stream(seed, r, t, m);
            sim.propose(kids, levels.steps[t], level, &mut rng, r)?;
        }
        std::mem::swap(pop, kids);
    }
    Ok(w)
}

/// Adds a replicate whose final particles `pop` weigh `w` each.
fn add_replicate(
    tally: &mut WeightedTally,
    pop: &Particles,
    w: f64,
    (inflows, shocks): (usize, usize),
    months: usize,
) {
    let mut by_month = vec![0u64; months];
    let mut flags = vec![0u64; inflows + shocks];
    let marks = inflows + shocks;
    let mut events = 0;
    for i in 0..pop.len() {
        let month = pop.month[i] as usize;
        if month == 0 {
            continue;
        }
        events += 1;
        by_month[month - 1] += 1;
        for (c, f) in flags.iter_mut().enumerate() {
            *f += u64::from(pop.flags[i * marks + c]);
        }
    }
    let mut count = 0;
    let cumulative: Vec<f64> = (by_month.iter())
        .map(|&k| {
            count += k;
            w * count as f64
        })
        .collect();
    let shares: Vec<f64> = flags.iter().map(|&k| w * k as f64).collect();
    tally.add_unit(
        &cumulative,
        w * events as f64,
        &shares[..inflows],
        &shares[inflows..],
    );
    tally.event_paths += events;
}
