//! The simulation: a model compiled to flat arrays, stepped month by month
//! over blocks of paths, run on a pool of threads.
//!
//! Paths are simulated in blocks of [`BLOCK_SIZE`]. Within a block every
//! quantity is a structure of arrays (one `f64` per path), so each month is
//! a handful of tight loops over contiguous memory. A block's random numbers
//! come from streams keyed by (seed, block, input path) only; a block's
//! result is a [`Tally`] of integers that merges exactly. Together these make
//! a run bit-identical for any number of threads, and for any split of its
//! blocks into shards. A worker allocates its scratch once and reuses it for
//! every block, so the per-path loop allocates nothing and memory does not
//! grow with the number of paths.

// Per-path loops index several parallel arrays at once (structure of
// arrays); an index loop is the clearest way to write that.
#![allow(clippy::needless_range_loop)]

use crate::dist::Dist;
use crate::error::{Error, Result};
use crate::model::{Model, NoiseMode, Sampling, Timing, TriggerCondition};
use crate::sampling::rng::{open01, stream, stream_key, StreamRng};
use crate::stats::Tally;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Paths per block. Part of the reproducibility contract: changing it
/// changes every result.
pub const BLOCK_SIZE: usize = 1024;

/// Arrival month meaning "never within the horizon".
const NEVER: u32 = u32::MAX;
/// Arrival month meaning "waiting for its trigger".
const PENDING: u32 = 0;

/// Which paths to run and how.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Total paths of the run (the last block may be partial).
    pub paths: u64,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Keep per-month sketches of cash, revenue and cost.
    pub fan: bool,
    /// Run only these blocks (a shard); `None` = every block.
    pub blocks: Option<Range<u64>>,
}

impl RunSpec {
    /// Number of blocks the run's paths fill.
    pub fn block_count(&self) -> u64 {
        self.paths.div_ceil(BLOCK_SIZE as u64)
    }
}

/// Shared progress and cancellation between the run and its caller.
#[derive(Debug, Default)]
pub struct Progress {
    /// Paths finished so far.
    pub paths_done: AtomicU64,
    /// Set to stop the run at the next block boundary.
    pub cancel: AtomicBool,
}

/// A per-path input compiled to a slot: its distribution and stream key.
#[derive(Debug, Clone)]
struct Slot {
    key: u64,
    dist: Dist,
    constant: Option<f64>,
    /// Fast inverse CDF, for slots sampled through it (LHS, correlation).
    table: Option<crate::dist::QuantileTable>,
    /// Monthly noise: the engine uses exp(draw), computed right after drawing.
    exp: bool,
}

impl Slot {
    /// The slot's inverse CDF at u: tabulated where that is faster.
    #[inline]
    fn inverse_cdf(&self, u: f64) -> f64 {
        match &self.table {
            Some(t) => t.quantile(&self.dist, u),
            None => self.dist.quantile(u),
        }
    }

    fn new(input: &crate::model::Input) -> Slot {
        Slot {
            key: stream_key(&input.path),
            constant: input.dist.as_constant(),
            dist: input.dist.clone(),
            table: None,
            exp: false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct NoisePlan {
    monthly: usize,
    persistent: bool,
}

#[derive(Debug, Clone)]
struct RevenuePlan {
    level: usize,
    arpu: Option<usize>,
    growth: usize,
    churn: usize,
    noise: Option<NoisePlan>,
    seasonal: [f64; 12],
    first: u32,
}

#[derive(Debug, Clone)]
struct CostPlan {
    monthly: usize,
    growth: usize,
    efficiency: usize,
    follows: Option<usize>,
    noise: Option<NoisePlan>,
    active: (u32, u32),
    credit_pool: Option<usize>,
}

#[derive(Debug, Clone)]
enum TimingPlan {
    Month(usize),
    Trigger {
        condition: TriggerCondition,
        threshold: usize,
        delay: usize,
    },
}

#[derive(Debug, Clone)]
struct InflowPlan {
    probability: Option<usize>,
    happens_key: u64,
    timing: TimingPlan,
    amount: usize,
    credit_pool: Option<usize>,
}

#[derive(Debug, Clone)]
struct ShockPlan {
    hazard: usize,
    repeat: bool,
    cost: Option<usize>,
    hit: Option<usize>,
    duration: usize,
    delay: Option<usize>,
    strike_key: u64,
}

#[derive(Debug, Clone)]
enum FlowAmount {
    PerPath(usize),
    Monthly(usize),
}

#[derive(Debug, Clone)]
struct FlowPlan {
    amount: FlowAmount,
    active: (u32, u32),
}

/// A model compiled for the engine: slots, plans and per-month calendar.
#[derive(Debug, Clone)]
pub struct Plan {
    months: u32,
    floor: f64,
    slots: Vec<Slot>,
    monthly: Vec<Slot>,
    initial_cash: usize,
    revenues: Vec<RevenuePlan>,
    costs: Vec<CostPlan>,
    inflows: Vec<InflowPlan>,
    shocks: Vec<ShockPlan>,
    flows: Vec<FlowPlan>,
    credit_pools: usize,
    calendar: Vec<usize>,
    labels: Vec<String>,
    happen_labels: Vec<String>,
    /// `revenue.NAME` and `costs.NAME` of each line, in plan order.
    line_labels: (Vec<String>, Vec<String>),
    /// The model file, for messages.
    file: String,
    sampling: Sampling,
    /// Slots drawn jointly through the Gaussian copula, in matrix order.
    correlated: Vec<usize>,
    /// Lower Cholesky factor of the copula's normal-scale correlations.
    cholesky: Vec<Vec<f64>>,
}

impl Plan {
    /// Compiles a checked model.
    pub fn new(model: &Model) -> Plan {
        let mut slots: Vec<Slot> = Vec::new();
        let mut monthly: Vec<Slot> = Vec::new();
        let mut slot = |input: &crate::model::Input| {
            slots.push(Slot::new(input));
            slots.len() - 1
        };
        let initial_cash = slot(&model.initial_cash);
        let mut monthly_slot = |input: &crate::model::Input, exp: bool| {
            monthly.push(Slot {
                exp,
                ..Slot::new(input)
            });
            monthly.len() - 1
        };
        let revenues = model
            .revenues
            .iter()
            .map(|r| RevenuePlan {
                level: slot(&r.level),
                arpu: r.arpu.as_ref().map(&mut slot),
                growth: slot(&r.growth),
                churn: slot(&r.churn),
                noise: r.noise.as_ref().map(|n| NoisePlan {
                    monthly: monthly_slot(&n.epsilon, true),
                    persistent: n.mode == NoiseMode::Persistent,
                }),
                seasonal: r.seasonal,
                first: r.first_month,
            })
            .collect();
        // One credit balance per distinct set of cost lines (validation
        // guarantees that the sets do not overlap).
        let mut pool_of: Vec<Option<usize>> = vec![None; model.costs.len()];
        let mut pool_sets: Vec<&Vec<usize>> = Vec::new();
        for inflow in model.inflows.iter().filter(|f| !f.credit_for.is_empty()) {
            if !pool_sets.contains(&&inflow.credit_for) {
                for &c in &inflow.credit_for {
                    pool_of[c] = Some(pool_sets.len());
                }
                pool_sets.push(&inflow.credit_for);
            }
        }
        let credit_pools = pool_sets.len();
        let costs = model
            .costs
            .iter()
            .enumerate()
            .map(|(i, c)| CostPlan {
                monthly: slot(&c.monthly),
                growth: slot(&c.growth),
                efficiency: slot(&c.efficiency_gain),
                follows: c.follows,
                noise: c.noise.as_ref().map(|n| NoisePlan {
                    monthly: monthly_slot(&n.epsilon, true),
                    persistent: n.mode == NoiseMode::Persistent,
                }),
                active: c.active,
                credit_pool: pool_of[i],
            })
            .collect();
        let inflows = model
            .inflows
            .iter()
            .map(|f| InflowPlan {
                probability: f.probability.as_ref().map(&mut slot),
                happens_key: stream_key(&f.happens_key),
                timing: match &f.timing {
                    Timing::Month(m) => TimingPlan::Month(slot(m)),
                    Timing::Trigger {
                        condition,
                        threshold,
                        delay,
                    } => TimingPlan::Trigger {
                        condition: *condition,
                        threshold: slot(threshold),
                        delay: slot(delay),
                    },
                },
                amount: slot(&f.amount),
                credit_pool: f.credit_for.first().and_then(|&c| pool_of[c]),
            })
            .collect();
        let shocks = model
            .shocks
            .iter()
            .map(|s| ShockPlan {
                hazard: slot(&s.hazard),
                repeat: s.repeat,
                cost: s.cost.as_ref().map(&mut slot),
                hit: s.revenue_hit.as_ref().map(&mut slot),
                duration: slot(&s.duration),
                delay: s.funding_delay.as_ref().map(&mut slot),
                strike_key: stream_key(&s.strike_key),
            })
            .collect();
        let flows = model
            .flows
            .iter()
            .map(|f| FlowPlan {
                amount: if f.each_month {
                    FlowAmount::Monthly(monthly_slot(&f.amount, false))
                } else {
                    FlowAmount::PerPath(slot(&f.amount))
                },
                active: f.active,
            })
            .collect();
        let labels = slots_labels(model);
        let happen_labels = model
            .inflows
            .iter()
            .map(|f| f.happens_key.clone())
            .collect();
        let mut plan = Plan {
            months: model.months,
            floor: model.floor,
            calendar: (1..=model.months)
                .map(|t| model.month_label(t).month_of_year() as usize - 1)
                .collect(),
            slots,
            monthly,
            initial_cash,
            revenues,
            costs,
            inflows,
            shocks,
            flows,
            credit_pools,
            happen_labels,
            line_labels: (
                model
                    .revenues
                    .iter()
                    .map(|r| format!("revenue.{}", r.name))
                    .collect(),
                model
                    .costs
                    .iter()
                    .map(|c| format!("costs.{}", c.name))
                    .collect(),
            ),
            file: model.source.label.clone(),
            sampling: model.sampling,
            correlated: model
                .correlation
                .as_ref()
                .map(|c| {
                    c.inputs
                        .iter()
                        .map(|name| {
                            labels
                                .iter()
                                .position(|l| l == name)
                                .expect("validated input")
                        })
                        .collect()
                })
                .unwrap_or_default(),
            cholesky: model
                .correlation
                .as_ref()
                .map(|c| c.cholesky.clone())
                .unwrap_or_default(),
            labels,
        };
        // Slots drawn through their inverse CDF get a fast table where the
        // exact one is slow.
        for i in 0..plan.slots.len() {
            if plan.slots[i].constant.is_none()
                && (plan.sampling == Sampling::LatinHypercube || plan.correlated.contains(&i))
            {
                plan.slots[i].table = plan.slots[i].dist.quantile_table();
            }
        }
        plan
    }

    /// Field paths of the per-path inputs, in slot order.
    pub fn input_paths(&self) -> &[String] {
        &self.labels
    }

    /// Inflows whose happening is drawn (probability neither 0 nor 1), with
    /// the field path of that draw.
    pub fn drawn_happenings(&self) -> Vec<(usize, String)> {
        self.inflows
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.probability.is_some_and(
                    |p| !matches!(self.slots[p].constant, Some(c) if c == 0.0 || c == 1.0),
                )
            })
            .map(|(i, _)| (i, self.happen_labels[i].clone()))
            .collect()
    }

    /// The distribution of per-path input `slot`.
    pub fn slot_dist(&self, slot: usize) -> &Dist {
        &self.slots[slot].dist
    }

    /// Whether per-path input `slot` is a constant (draws nothing).
    pub fn slot_is_constant(&self, slot: usize) -> bool {
        self.slots[slot].constant.is_some()
    }
}

fn slots_labels(model: &Model) -> Vec<String> {
    // Same order as `Plan::new` assigns slots.
    let mut out = vec![model.initial_cash.path.clone()];
    for r in &model.revenues {
        out.push(r.level.path.clone());
        if let Some(a) = &r.arpu {
            out.push(a.path.clone());
        }
        out.push(r.growth.path.clone());
        out.push(r.churn.path.clone());
    }
    for c in &model.costs {
        out.push(c.monthly.path.clone());
        out.push(c.growth.path.clone());
        out.push(c.efficiency_gain.path.clone());
    }
    for f in &model.inflows {
        if let Some(p) = &f.probability {
            out.push(p.path.clone());
        }
        match &f.timing {
            Timing::Month(m) => out.push(m.path.clone()),
            Timing::Trigger {
                threshold, delay, ..
            } => {
                out.push(threshold.path.clone());
                out.push(delay.path.clone());
            }
        }
        out.push(f.amount.path.clone());
    }
    for s in &model.shocks {
        out.push(s.hazard.path.clone());
        out.extend(s.cost.iter().map(|i| i.path.clone()));
        out.extend(s.revenue_hit.iter().map(|i| i.path.clone()));
        out.push(s.duration.path.clone());
        out.extend(s.funding_delay.iter().map(|i| i.path.clone()));
    }
    for f in model.flows.iter().filter(|f| !f.each_month) {
        out.push(f.amount.path.clone());
    }
    out
}

/// A worker's reusable memory: one array of [`BLOCK_SIZE`] per quantity.
pub struct Scratch {
    inputs: Vec<Vec<f64>>,
    monthly: Vec<Vec<f64>>,
    monthly_rngs: Vec<StreamRng>,
    monthly_normals: Vec<crate::sampling::ziggurat::NormalLanes>,
    strike_rngs: Vec<StreamRng>,
    arrival: Vec<Vec<u32>>,
    strike_at: Vec<Vec<u32>>,
    wait: Vec<Vec<u32>>,
    normal_scores: Vec<Vec<f64>>,
    happens: Vec<Vec<f64>>,
    rev_level: Vec<Vec<f64>>,
    rev_factor: Vec<Vec<f64>>,
    cost_level: Vec<Vec<f64>>,
    cost_factor: Vec<Vec<f64>>,
    credit: Vec<Vec<f64>>,
    fired: Vec<Vec<u8>>,
    arrived: Vec<Vec<u8>>,
    cash: Vec<f64>,
    lowest: Vec<f64>,
    funding: Vec<f64>,
    revenue: Vec<f64>,
    cost: Vec<f64>,
    cost_cash: Vec<f64>,
    inv_level0: Vec<Vec<f64>>,
    ones: Vec<f64>,
    net_flow: Vec<f64>,
    one_off: Vec<f64>,
    hit_until: Vec<u32>,
    hit_frac: Vec<f64>,
    uniform: Vec<f64>,
    insolvent_month: Vec<u32>,
}

impl Scratch {
    /// Scratch sized for `plan`.
    pub fn new(plan: &Plan) -> Scratch {
        let f = |n: usize| vec![vec![0.0; BLOCK_SIZE]; n];
        let dummy = stream(0, 0, 0);
        Scratch {
            inputs: f(plan.slots.len()),
            monthly: f(plan.monthly.len()),
            monthly_rngs: vec![dummy.clone(); plan.monthly.len()],
            monthly_normals: vec![
                crate::sampling::ziggurat::NormalLanes::new(&mut dummy.clone());
                plan.monthly.len()
            ],
            strike_rngs: vec![dummy; plan.shocks.len()],
            arrival: vec![vec![NEVER; BLOCK_SIZE]; plan.inflows.len()],
            happens: f(plan.inflows.len()),
            strike_at: vec![vec![NEVER; BLOCK_SIZE]; plan.shocks.len()],
            wait: vec![vec![1; BLOCK_SIZE]; plan.inflows.len()],
            normal_scores: f(plan.correlated.len()),
            rev_level: f(plan.revenues.len()),
            rev_factor: f(plan.revenues.len()),
            cost_level: f(plan.costs.len()),
            cost_factor: f(plan.costs.len()),
            credit: f(plan.credit_pools),
            fired: vec![vec![0; BLOCK_SIZE]; plan.shocks.len()],
            arrived: vec![vec![0; BLOCK_SIZE]; plan.inflows.len()],
            cash: vec![0.0; BLOCK_SIZE],
            lowest: vec![0.0; BLOCK_SIZE],
            funding: vec![0.0; BLOCK_SIZE],
            revenue: vec![0.0; BLOCK_SIZE],
            cost: vec![0.0; BLOCK_SIZE],
            cost_cash: vec![0.0; BLOCK_SIZE],
            inv_level0: f(plan.revenues.len()),
            ones: vec![1.0; BLOCK_SIZE],
            net_flow: vec![0.0; BLOCK_SIZE],
            one_off: vec![0.0; BLOCK_SIZE],
            hit_until: vec![0; BLOCK_SIZE],
            hit_frac: vec![0.0; BLOCK_SIZE],
            uniform: vec![0.0; BLOCK_SIZE],
            insolvent_month: vec![0; BLOCK_SIZE],
        }
    }

    /// The per-path inputs of the last block, by slot (see [`Plan::input_paths`]).
    pub fn inputs(&self) -> &[Vec<f64>] {
        &self.inputs
    }

    /// The uniform draws that decided whether each inflow happens (the
    /// inflow happens when the draw is below its probability), by inflow;
    /// meaningful only for inflows whose probability is not 0 or 1.
    pub fn happens_draws(&self) -> &[Vec<f64>] {
        &self.happens
    }

    /// Outcome of path `j` of the last block.
    pub fn outcome(&self, j: usize) -> PathOutcome {
        PathOutcome {
            insolvent_month: (self.insolvent_month[j] > 0).then_some(self.insolvent_month[j]),
            lowest_cash: self.lowest[j],
            end_cash: self.cash[j],
            funding_received: self.funding[j],
        }
    }
}

/// What happened on one path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathOutcome {
    /// Month number (1-based) the path first fell below the floor.
    pub insolvent_month: Option<u32>,
    /// Lowest cash at the start or the end of any month.
    pub lowest_cash: f64,
    /// Cash at the horizon.
    pub end_cash: f64,
    /// Funding (cash and credits) received within the horizon.
    pub funding_received: f64,
}

#[inline]
fn round_month(x: f64) -> i64 {
    if x.is_finite() {
        x.round().clamp(-1.0e9, 1.0e9) as i64
    } else {
        i64::MAX
    }
}

/// Simulates block `block` (all [`BLOCK_SIZE`] paths; callers tally only the
/// first `n` of a partial last block) and adds its first `n` paths to `tally`.
pub fn run_block(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::fastmath::has_avx2_fma() {
            // SAFETY: the processor supports AVX2 and FMA, checked just above.
            return unsafe { run_block_avx2(plan, seed, block, n, s, tally) };
        }
    }
    run_block_body(plan, seed, block, n, s, tally)
}

/// [`run_block`] compiled for AVX2 and FMA. Both versions run the same IEEE
/// operations in the same order (Rust never fuses a multiply and an add on
/// its own; explicit `mul_add`s are fused in both), so they give the same
/// bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_block_avx2(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    run_block_body(plan, seed, block, n, s, tally)
}

#[inline(always)]
fn run_block_body(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    simulate_block_body(plan, seed, block, s, tally.fan.as_mut().map(|f| (f, n)));
    tally_block(plan, seed, block, n, s, tally)
}

#[inline(always)]
fn simulate_block_body(
    plan: &Plan,
    seed: u64,
    block: u64,
    s: &mut Scratch,
    fan: Option<(&mut crate::stats::Fan, usize)>,
) {
    const B: usize = BLOCK_SIZE;
    // 1. Per-path inputs, each from its own stream.
    let lhs = plan.sampling == Sampling::LatinHypercube;
    for (i, (slot, out)) in plan.slots.iter().zip(s.inputs.iter_mut()).enumerate() {
        match slot.constant {
            Some(v) => out.fill(v),
            None if plan.correlated.contains(&i) => {} // drawn jointly below
            None if lhs => {
                latin_hypercube(&mut stream(seed, block, slot.key), out);
                for x in out.iter_mut() {
                    *x = slot.inverse_cdf(*x);
                }
            }
            None => slot.dist.fill(&mut stream(seed, block, slot.key), out),
        }
    }
    if !plan.correlated.is_empty() {
        correlated_inputs(
            plan,
            seed,
            block,
            lhs,
            &mut s.inputs,
            &mut s.uniform,
            &mut s.normal_scores,
        );
    }
    for ((slot, rng), normals) in plan
        .monthly
        .iter()
        .zip(s.monthly_rngs.iter_mut())
        .zip(s.monthly_normals.iter_mut())
    {
        *rng = stream(seed, block, slot.key);
        *normals = crate::sampling::ziggurat::NormalLanes::new(rng);
    }
    for (shock, rng) in plan.shocks.iter().zip(s.strike_rngs.iter_mut()) {
        *rng = stream(seed, block, shock.strike_key);
    }
    let months = plan.months;
    let inputs = &s.inputs;

    // 2. Derived per-path factors and starting state.
    for (i, r) in plan.revenues.iter().enumerate() {
        let (level, factor, inv) = (
            &mut s.rev_level[i],
            &mut s.rev_factor[i],
            &mut s.inv_level0[i],
        );
        level.copy_from_slice(&inputs[r.level]);
        let (g, c) = (&inputs[r.growth], &inputs[r.churn]);
        for j in 0..B {
            factor[j] = (1.0 + g[j] - c[j]).max(0.0);
            inv[j] = if level[j] > 0.0 { 1.0 / level[j] } else { 0.0 };
        }
    }
    for (c, (level, factor)) in plan
        .costs
        .iter()
        .zip(s.cost_level.iter_mut().zip(s.cost_factor.iter_mut()))
    {
        level.copy_from_slice(&inputs[c.monthly]);
        let (g, e) = (&inputs[c.growth][..B], &inputs[c.efficiency][..B]);
        let factor = &mut factor[..B];
        let demand_growth = c.follows.is_none();
        // (1 - g)^(1/12) as exp(ln(1 - g) / 12), branch-free so that the
        // loop vectorises; a gain of 1 or more stops the line.
        let monthly_efficiency = |gain: f64| {
            let keep = 1.0 - gain;
            let runs = keep > 0.0;
            let rate = crate::simd::fastmath::ln(if runs { keep } else { 1.0 }) / 12.0;
            let eff = crate::simd::fastmath::exp(rate);
            if runs {
                eff
            } else {
                0.0
            }
        };
        let demand = |growth: f64| {
            if demand_growth {
                (1.0 + growth).max(0.0)
            } else {
                1.0
            }
        };
        match plan.slots[c.efficiency].constant.map(monthly_efficiency) {
            Some(eff) => {
                for j in 0..B {
                    factor[j] = demand(g[j]) * eff;
                }
            }
            None => {
                for j in 0..B {
                    factor[j] = demand(g[j]) * monthly_efficiency(e[j]);
                }
            }
        }
    }
    for credit in s.credit.iter_mut() {
        credit.fill(0.0);
    }
    for (i, f) in plan.inflows.iter().enumerate() {
        let arrival = &mut s.arrival[i];
        match f.probability.map(|p| (p, plan.slots[p].constant)) {
            None | Some((_, Some(1.0))) => arrival.fill(PENDING),
            Some((_, Some(0.0))) => arrival.fill(NEVER),
            Some((p, _)) => {
                let mut rng = stream(seed, block, f.happens_key);
                let (prob, draws) = (&inputs[p], &mut s.happens[i]);
                for j in 0..B {
                    draws[j] = open01(&mut rng);
                    arrival[j] = if draws[j] < prob[j] { PENDING } else { NEVER };
                }
            }
        }
        if let TimingPlan::Month(m) = f.timing {
            let month = &inputs[m];
            for j in 0..B {
                if arrival[j] == PENDING {
                    let t = round_month(month[j]);
                    arrival[j] = if (1..=i64::from(months)).contains(&t) {
                        t as u32
                    } else {
                        NEVER
                    };
                }
            }
        }
        s.arrived[i].fill(0);
        if let TimingPlan::Trigger { delay, .. } = f.timing {
            // Month offset from the trigger month to arrival: 1 + delay.
            for (w, &d) in s.wait[i].iter_mut().zip(&inputs[delay]) {
                *w = (1 + round_month(d).max(0)).min(i64::from(NEVER / 2)) as u32;
            }
        }
    }
    s.cash.copy_from_slice(&inputs[plan.initial_cash]);
    s.lowest.copy_from_slice(&s.cash);
    s.funding.fill(0.0);
    s.insolvent_month.fill(0);
    s.hit_until.fill(0);
    s.hit_frac.fill(0.0);
    for fired in s.fired.iter_mut() {
        fired.fill(0);
    }
    // One-off shocks: the month of the first strike, drawn once per path as
    // a geometric variable: P(first strike in month t) = (1 − h)^(t − 1) h.
    for (k, sh) in plan.shocks.iter().enumerate() {
        if sh.repeat {
            continue;
        }
        let (rng, hazard, at) = (
            &mut s.strike_rngs[k],
            &inputs[sh.hazard],
            &mut s.strike_at[k],
        );
        for j in 0..B {
            let u = open01(rng);
            let h = hazard[j];
            at[j] = if h >= 1.0 {
                1
            } else if h > 0.0 {
                (crate::simd::fastmath::ln(u) / (-h).ln_1p())
                    .ceil()
                    .clamp(1.0, f64::from(NEVER - 1)) as u32
            } else {
                NEVER
            };
        }
    }

    // 3. Month by month, a chunk of paths at a time: a chunk's arrays stay
    // in the first-level cache through all of its months.
    // (The inputs are moved out for the loop, so that they can be read while
    // the rest of the scratch is written; moving a Vec copies no elements.)
    let inputs = std::mem::take(&mut s.inputs);
    let mut fan = fan;
    for lo in (0..B).step_by(CHUNK) {
        let fan = fan
            .as_mut()
            .map(|(f, n)| (&mut **f, (*n).clamp(lo, lo + CHUNK) - lo));
        simulate_months(plan, &inputs, s, lo..lo + CHUNK, fan);
    }
    s.inputs = inputs;
}

/// Whether any of `values` equals `x` (a loop without an early exit, so
/// that it vectorises).
#[inline(always)]
fn any_equal(values: &[u32], x: u32) -> bool {
    values.iter().fold(false, |any, &v| any | (v == x))
}

/// Shock `k` strikes path `p` in month `t`: its cost, its revenue hit and
/// its delay to funding still to come.
#[inline(always)]
fn strike(sh: &ShockPlan, k: usize, inputs: &[Vec<f64>], s: &mut Scratch, p: usize, t: u32) {
    s.fired[k][p] = 1;
    if let Some(c) = sh.cost {
        s.one_off[p] += inputs[c][p];
    }
    if let Some(h) = sh.hit {
        let duration = round_month(inputs[sh.duration][p]).max(1) as u32;
        s.hit_until[p] = t.saturating_add(duration - 1);
        s.hit_frac[p] = inputs[h][p];
    }
    if let Some(d) = sh.delay {
        let delay = round_month(inputs[d][p]).max(0) as u32;
        for arrival in s.arrival.iter_mut() {
            if arrival[p] != NEVER && arrival[p] != PENDING && arrival[p] > t {
                arrival[p] = arrival[p].saturating_add(delay).min(NEVER - 1);
            }
        }
    }
}

/// The paths `r` of a per-path array.
#[inline(always)]
fn part<'a>(values: &'a [f64], r: &Range<usize>) -> &'a [f64] {
    &values[r.clone()]
}

/// Paths per chunk of the monthly loop. Part of the reproducibility
/// contract (monthly streams are drawn chunk by chunk).
const CHUNK: usize = 128;

/// Steps paths `r` of a block (inputs and starting state already set)
/// through every month.
#[inline(always)]
fn simulate_months(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: Range<usize>,
    mut fan: Option<(&mut crate::stats::Fan, usize)>,
) {
    let n = r.len();
    let has_credits = plan.credit_pools > 0;
    let has_other = !plan.flows.is_empty() || !plan.shocks.is_empty();
    let has_hits = plan.shocks.iter().any(|sh| sh.hit.is_some());
    for t in 1..=plan.months {
        let cal = plan.calendar[t as usize - 1];
        for (((slot, rng), normals), out) in plan
            .monthly
            .iter()
            .zip(s.monthly_rngs.iter_mut())
            .zip(s.monthly_normals.iter_mut())
            .zip(s.monthly.iter_mut())
        {
            let out = &mut out[r.clone()];
            match slot.constant {
                Some(v) => out.fill(if slot.exp {
                    crate::simd::fastmath::exp(v)
                } else {
                    v
                }),
                None => {
                    slot.dist.fill_continuing(rng, normals, out);
                    if slot.exp {
                        crate::simd::fastmath::exp_in_place(out);
                    }
                }
            }
        }

        // Money arriving this month: cash, or credits for some cost lines.
        for (i, f) in plan.inflows.iter().enumerate() {
            let (arrival, amount) = (&s.arrival[i][r.clone()], part(&inputs[f.amount], &r));
            let arrived = &mut s.arrived[i][r.clone()];
            let funding = &mut s.funding[r.clone()];
            let target = match f.credit_pool {
                Some(p) => &mut s.credit[p][r.clone()],
                None => &mut s.cash[r.clone()],
            };
            if !any_equal(arrival, t) {
                continue;
            }
            // Branch-free: arrivals are scattered at random over the paths.
            for j in 0..n {
                let now = arrival[j] == t;
                let add = if now { amount[j] } else { 0.0 };
                target[j] += add;
                funding[j] += add;
                arrived[j] |= u8::from(now);
            }
        }

        // Revenue.
        let mut assign = true;
        for (i, rp) in plan.revenues.iter().enumerate() {
            if t < rp.first {
                continue;
            }
            let arpu = rp.arpu.map_or(&s.ones[..n], |a| part(&inputs[a], &r));
            let (noise, persistent) = match rp.noise {
                Some(np) => (&s.monthly[np.monthly][r.clone()], np.persistent),
                None => (&s.ones[..n], true),
            };
            let args = (
                &mut s.rev_level[i][r.clone()],
                &s.rev_factor[i][r.clone()],
                arpu,
                noise,
                rp.seasonal[cal],
                &mut s.revenue[r.clone()],
            );
            match (persistent, assign) {
                (true, true) => revenue_pass::<true, true>(args),
                (true, false) => revenue_pass::<true, false>(args),
                (false, true) => revenue_pass::<false, true>(args),
                (false, false) => revenue_pass::<false, false>(args),
            }
            assign = false;
        }
        if assign {
            s.revenue[r.clone()].fill(0.0);
        }

        // Shocks.
        if has_other {
            s.one_off[r.clone()].fill(0.0);
            s.net_flow[r.clone()].fill(0.0);
        }
        for (k, sh) in plan.shocks.iter().enumerate() {
            if sh.repeat {
                // A repeating shock: one draw per path and month.
                let hazard = &inputs[sh.hazard];
                for p in r.clone() {
                    if open01(&mut s.strike_rngs[k]) < hazard[p] {
                        strike(sh, k, inputs, s, p, t);
                    }
                }
            } else {
                // A one-off shock strikes in the month drawn at the start.
                if !any_equal(&s.strike_at[k][r.clone()], t) {
                    continue;
                }
                for p in r.clone() {
                    if s.strike_at[k][p] == t {
                        strike(sh, k, inputs, s, p, t);
                    }
                }
            }
        }
        if has_hits {
            let (revenue, until, frac) = (
                &mut s.revenue[r.clone()],
                &s.hit_until[r.clone()],
                &s.hit_frac[r.clone()],
            );
            for j in 0..n {
                if t <= until[j] {
                    revenue[j] *= 1.0 - frac[j];
                }
            }
        }

        // Costs.
        let mut assign = true;
        for (i, c) in plan.costs.iter().enumerate() {
            if t < c.active.0 || t > c.active.1 {
                continue;
            }
            let (now, inv, noise, persistent) =
                cost_drivers(plan, c, t, &s.rev_level, &s.inv_level0, &s.monthly, &s.ones);
            let (now, inv, noise) = (part(now, &r), part(inv, &r), part(noise, &r));
            let level = &mut s.cost_level[i][r.clone()];
            let factor = &s.cost_factor[i][r.clone()];
            let cost = &mut s.cost[r.clone()];
            match (persistent, assign) {
                (true, true) => cost_pass::<true, true>(level, factor, now, inv, noise, cost),
                (true, false) => cost_pass::<true, false>(level, factor, now, inv, noise, cost),
                (false, true) => cost_pass::<false, true>(level, factor, now, inv, noise, cost),
                (false, false) => cost_pass::<false, false>(level, factor, now, inv, noise, cost),
            }
            assign = false;
        }
        if assign {
            s.cost[r.clone()].fill(0.0);
        }
        if has_credits {
            // Cash part of this month's cost: each line with a credit balance
            // first spends credits (in line order). Recomputed per line from
            // the level, so credits apply line by line.
            s.cost_cash[r.clone()].copy_from_slice(&s.cost[r.clone()]);
            for (i, c) in plan.costs.iter().enumerate() {
                let Some(p) = c.credit_pool else { continue };
                if t < c.active.0 || t > c.active.1 {
                    continue;
                }
                let (now, inv, noise, persistent) =
                    cost_drivers(plan, c, t, &s.rev_level, &s.inv_level0, &s.monthly, &s.ones);
                let (now, inv, noise) = (part(now, &r), part(inv, &r), part(noise, &r));
                let (level, pool) = (&s.cost_level[i][r.clone()], &mut s.credit[p][r.clone()]);
                let cost_cash = &mut s.cost_cash[r.clone()];
                for j in 0..n {
                    let amount = line_amount(level[j], now[j], inv[j], noise[j], persistent);
                    let used = pool[j].min(amount);
                    pool[j] -= used;
                    cost_cash[j] -= used;
                }
            }
        }

        // Flows.
        for f in &plan.flows {
            if t < f.active.0 || t > f.active.1 {
                continue;
            }
            let amount = match f.amount {
                FlowAmount::PerPath(i) => part(&inputs[i], &r),
                FlowAmount::Monthly(i) => &s.monthly[i][r.clone()],
            };
            let net_flow = &mut s.net_flow[r.clone()];
            for j in 0..n {
                net_flow[j] += amount[j];
            }
        }

        // Cash, insolvency and triggers.
        let paid = if has_credits {
            &s.cost_cash[r.clone()]
        } else {
            &s.cost[r.clone()]
        };
        let floor = plan.floor;
        let (cash, lowest, insolvent, revenue) = (
            &mut s.cash[r.clone()],
            &mut s.lowest[r.clone()],
            &mut s.insolvent_month[r.clone()],
            &s.revenue[r.clone()],
        );
        if has_other {
            let (flow, one_off) = (&s.net_flow[r.clone()], &s.one_off[r.clone()]);
            for j in 0..n {
                let c = cash[j] + revenue[j] - paid[j] + flow[j] - one_off[j];
                step_cash(c, t, floor, &mut cash[j], &mut lowest[j], &mut insolvent[j]);
            }
        } else {
            for j in 0..n {
                let c = cash[j] + revenue[j] - paid[j];
                step_cash(c, t, floor, &mut cash[j], &mut lowest[j], &mut insolvent[j]);
            }
        }
        for (i, f) in plan.inflows.iter().enumerate() {
            if let TimingPlan::Trigger {
                condition,
                threshold,
                ..
            } = f.timing
            {
                let (thr, wait) = (part(&inputs[threshold], &r), &s.wait[i][r.clone()]);
                let arrival = &mut s.arrival[i][r.clone()];
                let (cash, revenue, flow) = (
                    &s.cash[r.clone()],
                    &s.revenue[r.clone()],
                    &s.net_flow[r.clone()],
                );
                // Branch-free (the pending/never pattern is random per path).
                match condition {
                    TriggerCondition::CashBelow => {
                        for j in 0..n {
                            let fire = arrival[j] == PENDING && cash[j] < thr[j];
                            arrival[j] = if fire {
                                t.saturating_add(wait[j])
                            } else {
                                arrival[j]
                            };
                        }
                    }
                    TriggerCondition::RunwayBelow => {
                        for j in 0..n {
                            let burn = paid[j] - revenue[j] - if has_other { flow[j] } else { 0.0 };
                            let fire =
                                arrival[j] == PENDING && burn > 0.0 && cash[j] < thr[j] * burn;
                            arrival[j] = if fire {
                                t.saturating_add(wait[j])
                            } else {
                                arrival[j]
                            };
                        }
                    }
                }
            }
        }
        if let Some((fan, counted)) = fan.as_mut() {
            let m = t as usize - 1;
            let counted = r.start..r.start + *counted;
            for j in counted.clone() {
                fan.cash[m].add(finite_or_zero(s.cash[j]));
                fan.revenue[m].add(finite_or_zero(s.revenue[j]));
                fan.cost[m].add(finite_or_zero(s.cost[j]));
            }
            if plan.revenues.iter().any(|rp| rp.arpu.is_some()) {
                for j in counted {
                    let users: f64 = plan
                        .revenues
                        .iter()
                        .enumerate()
                        .filter(|(_, rp)| rp.arpu.is_some())
                        .map(|(i, _)| s.rev_level[i][j])
                        .sum();
                    fan.users[m].add(finite_or_zero(users));
                }
            }
        }
    }
}

/// A revenue line's arrays for one month: level, factor, arpu, noise,
/// seasonal factor, and the revenue total it adds into.
type RevenueArgs<'a> = (
    &'a mut [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    f64,
    &'a mut [f64],
);

/// Fills `out` with a Latin hypercube sample of U(0, 1): one value in each of
/// the `out.len()` equal strata, in random order.
fn latin_hypercube(rng: &mut StreamRng, out: &mut [f64]) {
    let n = out.len();
    for (k, x) in out.iter_mut().enumerate() {
        *x = k as f64;
    }
    // Fisher–Yates shuffle of the stratum indices.
    for k in (1..n).rev() {
        let r = ((open01(rng) * (k + 1) as f64) as usize).min(k);
        out.swap(k, r);
    }
    for x in out.iter_mut() {
        *x = (*x + open01(rng)) / n as f64;
    }
}

/// Draws the correlated inputs through a Gaussian copula: independent
/// standard normals from each input's own stream (Latin hypercube scores
/// under LHS), mixed by the Cholesky factor, mapped to uniforms by Φ and to
/// each input's own distribution by its inverse CDF, so the marginals stay
/// exactly as specified.
#[inline(always)]
fn correlated_inputs(
    plan: &Plan,
    seed: u64,
    block: u64,
    lhs: bool,
    inputs: &mut [Vec<f64>],
    scratch: &mut [f64],
    z: &mut [Vec<f64>],
) {
    for (&slot, column) in plan.correlated.iter().zip(z.iter_mut()) {
        let mut rng = stream(seed, block, plan.slots[slot].key);
        if lhs {
            latin_hypercube(&mut rng, scratch);
            for (zj, &u) in column.iter_mut().zip(scratch.iter()) {
                *zj = standard_normal_quantile(u);
            }
        } else {
            for zj in column.iter_mut() {
                *zj = crate::sampling::ziggurat::standard_normal(&mut rng);
            }
        }
    }
    for (row, &slot) in plan.correlated.iter().enumerate() {
        let l = &plan.cholesky[row];
        let out = &mut inputs[slot];
        let score = |j: usize| -> f64 { (0..=row).map(|c| l[c] * z[c][j]).sum() };
        match plan.slots[slot].dist.normal_score_map() {
            // Normal and lognormal inputs: the value straight from the score.
            Some(map) => {
                for j in 0..BLOCK_SIZE {
                    out[j] = map.at(score(j));
                }
            }
            None => {
                for j in 0..BLOCK_SIZE {
                    let u = standard_normal_cdf(score(j)).clamp(1e-300, 1.0 - 1e-16);
                    out[j] = plan.slots[slot].inverse_cdf(u);
                }
            }
        }
    }
}

fn standard_normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

fn standard_normal_quantile(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u)
}

/// One month of one revenue line over a block: the level moves by its
/// factor (and persistent noise); the month's revenue is level × arpu ×
/// season (× transient noise), written to or added into `out`.
#[inline(always)]
fn revenue_pass<const PERSISTENT: bool, const ASSIGN: bool>(
    (level, factor, arpu, noise, season, out): RevenueArgs<'_>,
) {
    let n = level.len();
    let (factor, arpu, noise, out) = (&factor[..n], &arpu[..n], &noise[..n], &mut out[..n]);
    for j in 0..n {
        let amount = if PERSISTENT {
            level[j] *= factor[j] * noise[j];
            level[j] * arpu[j] * season
        } else {
            level[j] *= factor[j];
            level[j] * arpu[j] * season * noise[j]
        };
        if ASSIGN {
            out[j] = amount;
        } else {
            out[j] += amount;
        }
    }
}

/// What moves a cost line in month `t`: the followed revenue line's level and
/// 1 / its starting level (or ones), and the line's noise (or ones) with
/// whether it persists.
#[inline(always)]
#[allow(clippy::type_complexity)]
fn cost_drivers<'a>(
    plan: &Plan,
    c: &CostPlan,
    t: u32,
    rev_level: &'a [Vec<f64>],
    inv_level0: &'a [Vec<f64>],
    monthly: &'a [Vec<f64>],
    ones: &'a [f64],
) -> (&'a [f64], &'a [f64], &'a [f64], bool) {
    let (now, inv) = match c.follows {
        Some(r) if t >= plan.revenues[r].first => (&rev_level[r][..], &inv_level0[r][..]),
        _ => (ones, ones),
    };
    let (noise, persistent) = match c.noise {
        Some(np) => (&monthly[np.monthly][..], np.persistent),
        None => (ones, true),
    };
    (now, inv, noise, persistent)
}

/// The month's amount of a cost line from its (already moved) level.
#[inline(always)]
fn line_amount(level: f64, now: f64, inv_start: f64, noise: f64, persistent: bool) -> f64 {
    let demand = if inv_start > 0.0 {
        now * inv_start
    } else {
        1.0
    };
    if persistent {
        level * demand
    } else {
        level * demand * noise
    }
}

/// One month of one cost line over a block: the level moves by its factor
/// (and persistent noise); the month's cost is written to or added into `out`.
#[inline(always)]
fn cost_pass<const PERSISTENT: bool, const ASSIGN: bool>(
    level: &mut [f64],
    factor: &[f64],
    now: &[f64],
    inv_start: &[f64],
    noise: &[f64],
    out: &mut [f64],
) {
    let n = level.len();
    let (factor, now, inv_start, noise, out) = (
        &factor[..n],
        &now[..n],
        &inv_start[..n],
        &noise[..n],
        &mut out[..n],
    );
    for j in 0..n {
        level[j] *= if PERSISTENT {
            factor[j] * noise[j]
        } else {
            factor[j]
        };
        let amount = line_amount(level[j], now[j], inv_start[j], noise[j], PERSISTENT);
        if ASSIGN {
            out[j] = amount;
        } else {
            out[j] += amount;
        }
    }
}

/// Ends a month for one path: new cash, lowest cash, first insolvency month.
#[inline(always)]
fn step_cash(
    new_cash: f64,
    t: u32,
    floor: f64,
    cash: &mut f64,
    lowest: &mut f64,
    insolvent: &mut u32,
) {
    *cash = new_cash;
    *lowest = lowest.min(new_cash);
    if *insolvent == 0 && new_cash < floor {
        *insolvent = t;
    }
}

/// Says why path `j` of the block in `s` ended with a non-finite amount:
/// a per-path input that drew a non-finite or overwhelming value (the
/// input is to blame, not growth), else a revenue or cost line whose level
/// left the double range (its growth compounded it), else the sum itself.
fn diagnose_non_finite(plan: &Plan, s: &Scratch, j: usize) -> String {
    let drawn = plan
        .labels
        .iter()
        .zip(&s.inputs)
        .map(|(label, values)| (label, values[j]));
    if let Some((label, x)) = drawn.clone().find(|(_, x)| !x.is_finite()).or_else(|| {
        drawn
            .filter(|(_, x)| x.abs() >= 1e300)
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    }) {
        return format!(
            "field `{label}` drew {x:e} on this path, and its cash left the range of finite numbers (about ±1.8e308); give `{label}` a distribution whose values stay within a realistic scale"
        );
    }
    let (revenues, costs) = &plan.line_labels;
    let levels = revenues
        .iter()
        .zip(&s.rev_level)
        .chain(costs.iter().zip(&s.cost_level));
    if let Some((label, _)) = levels
        .clone()
        .find(|(_, v)| !v[j].is_finite())
        .or_else(|| levels.clone().find(|(_, v)| v[j].abs() >= 1e300))
    {
        return format!(
            "line `{label}` grew past 1e308 within the {} months: its `growth` compounds it beyond the range of finite numbers; lower the growth or shorten the horizon",
            plan.months
        );
    }
    format!(
        "its cash left the range of finite numbers (about ±1.8e308) within the {} months; check the scale of the model's amounts",
        plan.months
    )
}

#[inline]
fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

#[inline(always)]
fn tally_block(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &Scratch,
    tally: &mut Tally,
) -> Result<()> {
    let (cash, lowest, funding) = (&s.cash[..n], &s.lowest[..n], &s.funding[..n]);
    let finite = |v: &[f64]| v.iter().fold(true, |ok, x| ok & x.is_finite());
    if !(finite(cash) && finite(lowest) && finite(funding)) {
        let j = (0..n)
            .find(|&j| !(cash[j].is_finite() && lowest[j].is_finite() && funding[j].is_finite()))
            .unwrap_or(0);
        return Err(Error::NonFinite {
            file: plan.file.clone(),
            path: block * BLOCK_SIZE as u64 + j as u64,
            seed,
            cause: diagnose_non_finite(plan, s, j),
        });
    }
    for &month in &s.insolvent_month[..n] {
        if month > 0 {
            tally.insolvent_in_month[month as usize - 1] += 1;
        }
    }
    tally.end_cash_sum.add_all(cash);
    tally.funding_sum.add_all(funding);
    tally.end_cash.add_all(cash);
    tally.lowest_cash.add_all(lowest);
    for (count, arrived) in tally.inflow_arrived.iter_mut().zip(&s.arrived) {
        *count += arrived[..n].iter().map(|&a| u64::from(a)).sum::<u64>();
    }
    for (count, fired) in tally.shock_struck.iter_mut().zip(&s.fired) {
        *count += fired[..n].iter().map(|&a| u64::from(a)).sum::<u64>();
    }
    tally.paths += n as u64;
    Ok(())
}

/// Receives each simulated block (for per-path output). Called from worker
/// threads, in any order; the sink puts blocks in order itself. It may wait
/// (to bound memory) but must give up when `cancel` is set.
pub trait BlockSink: Sync {
    /// Block `block` has been simulated; its first `n` paths count.
    fn block(
        &self,
        plan: &Plan,
        block: u64,
        n: usize,
        scratch: &Scratch,
        cancel: &AtomicBool,
    ) -> Result<()>;
}

/// Runs the blocks of `spec` on `spec.threads` threads and returns the
/// merged tally. Bit-identical for any thread count.
pub fn simulate(model: &Model, spec: &RunSpec, progress: &Progress) -> Result<Tally> {
    let plan = Plan::new(model);
    simulate_plan(&plan, model, spec, progress)
}

/// An empty tally shaped for `model`.
pub fn empty_tally(model: &Model, fan: bool) -> Tally {
    Tally::new(
        model.months as usize,
        model.inflows.len(),
        model.shocks.len(),
        fan,
    )
}

/// As [`simulate`], with a compiled plan.
pub fn simulate_plan(
    plan: &Plan,
    model: &Model,
    spec: &RunSpec,
    progress: &Progress,
) -> Result<Tally> {
    simulate_with_sink(plan, model, spec, progress, None)
}

/// As [`simulate_plan`], handing every block to `sink` after it is tallied.
pub fn simulate_with_sink(
    plan: &Plan,
    model: &Model,
    spec: &RunSpec,
    progress: &Progress,
    sink: Option<&dyn BlockSink>,
) -> Result<Tally> {
    let workers = for_each_block(
        spec,
        progress,
        || (Scratch::new(plan), empty_tally(model, spec.fan)),
        |(scratch, tally), block, n| {
            run_block(plan, spec.seed, block, n, scratch, tally)?;
            sink.map_or(Ok(()), |k| {
                k.block(plan, block, n, scratch, &progress.cancel)
            })
        },
    )?;
    // Merge into the first worker's tally rather than a fresh one: one tally
    // fewer in memory at the end of the run.
    let mut tallies = workers.into_iter().map(|(_, tally)| tally);
    let mut merged = tallies
        .next()
        .unwrap_or_else(|| empty_tally(model, spec.fan));
    for tally in tallies {
        merged.merge(&tally);
    }
    Ok(merged)
}

/// The parallel driver: runs `work(state, block, n)` for every block of
/// `spec` (n = paths of the block that count) on `spec.threads` threads, each
/// thread with its own state from `make`, handing out blocks in increasing
/// order. Returns every thread's state. Callers keep results exact and
/// order-free (integer tallies), so the thread count never shows in them.
pub fn for_each_block<W: Send>(
    spec: &RunSpec,
    progress: &Progress,
    make: impl Fn() -> W + Sync,
    work: impl Fn(&mut W, u64, usize) -> Result<()> + Sync,
) -> Result<Vec<W>> {
    if spec.threads == 0 {
        return Err(Error::Usage("--threads must be at least 1".into()));
    }
    let blocks = spec.blocks.clone().unwrap_or(0..spec.block_count());
    let next = AtomicU64::new(blocks.start);
    // The lowest block that failed so far, and its error. Blocks are handed
    // out in increasing order, so every block below a failure has been taken
    // and is still finished: the failure reported is the first in path
    // order, whatever the thread count or timing.
    let failed_at = AtomicU64::new(u64::MAX);
    let failure: Mutex<Option<(u64, Error)>> = Mutex::new(None);
    let results: Mutex<Vec<Result<W>>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(spec.threads)
        .thread_name(|i| format!("runway-worker-{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} threads: {e}", spec.threads)))?;
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
