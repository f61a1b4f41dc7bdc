//! The compile of a [`Model`] into a [`Plan`]: every input becomes a slot
//! (an index into the per-path or the monthly arrays), every line, inflow,
//! shock and flow a small record of slot numbers.
//!
//! Which inputs are drawn, and in what order, is [`Model::path_inputs`] and
//! [`Model::monthly_inputs`]: the one list the slots, their labels and the
//! columns of `paths.csv` all follow. The plan finds an input's slot by the
//! input itself, so it never repeats that order.

use super::headcount::HiringPlan;
use super::schedule::month_factors;
use crate::dist::Dist;
use crate::model::{
    CostLine, Flow, Inflow, Input, Model, Noise, NoiseMode, RevenueLine, Sampling, Shock, Timing,
    TriggerCondition,
};
use crate::sampling::rng::stream_key;
use crate::stats::Tally;
use std::collections::HashMap;

/// A per-path (or monthly) input compiled to a slot: its distribution and
/// stream key.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    /// Key of the input's random stream (from its field path).
    pub(super) key: u64,
    /// The distribution drawn.
    pub(super) dist: Dist,
    /// The value, when the distribution is a constant (nothing is drawn).
    pub(super) constant: Option<f64>,
    /// Fast inverse CDF, for slots sampled through it (LHS, correlation).
    pub(super) table: Option<crate::dist::QuantileTable>,
    /// Monthly noise: the engine uses exp(draw), computed right after drawing.
    pub(super) exp: bool,
}

impl Slot {
    /// The slot's inverse CDF at u: tabulated where that is faster.
    #[inline]
    pub(super) fn inverse_cdf(&self, u: f64) -> f64 {
        match &self.table {
            Some(t) => t.quantile(&self.dist, u),
            None => self.dist.quantile(u),
        }
    }

    fn new(input: &Input) -> Slot {
        Slot {
            key: stream_key(&input.path),
            constant: input.dist.as_constant(),
            dist: input.dist.clone(),
            table: None,
            exp: false,
        }
    }
}

/// A line's month-to-month noise: its monthly slot and whether it persists.
#[derive(Debug, Clone, Copy)]
pub(super) struct NoisePlan {
    pub(super) monthly: usize,
    pub(super) persistent: bool,
}

/// A revenue line: slots of its level, revenue per user (if any), growth
/// and churn; its noise, seasonal factors and first month.
#[derive(Debug, Clone)]
pub(super) struct RevenuePlan {
    pub(super) level: usize,
    pub(super) arpu: Option<usize>,
    pub(super) growth: usize,
    /// Slot of the growth rate's half-life in months, if it decays.
    pub(super) half_life: Option<usize>,
    pub(super) churn: usize,
    pub(super) noise: Option<NoisePlan>,
    pub(super) seasonal: [f64; 12],
    pub(super) first: u32,
    /// The schedule's factor of each month (amount or price), if any.
    pub(super) schedule: Option<Vec<f64>>,
}

/// A cost line: slots of its monthly amount, growth and efficiency gain; the
/// revenue line it follows, its noise, active months and credit balance.
#[derive(Debug, Clone)]
pub(super) struct CostPlan {
    pub(super) monthly: usize,
    pub(super) growth: usize,
    /// Slot of the growth rate's half-life in months, if it decays.
    pub(super) half_life: Option<usize>,
    pub(super) efficiency: usize,
    pub(super) follows: Option<usize>,
    pub(super) noise: Option<NoisePlan>,
    pub(super) active: (u32, u32),
    pub(super) credit_pool: Option<usize>,
    /// The schedule's factor of each month, if any.
    pub(super) schedule: Option<Vec<f64>>,
    /// The hiring plan whose headcount multiplies the amount, if any.
    pub(super) hiring: Option<HiringPlan>,
}

/// When an inflow arrives: a drawn month, or a trigger with its threshold
/// and delay slots.
#[derive(Debug, Clone)]
pub(super) enum TimingPlan {
    Month(usize),
    Trigger {
        condition: TriggerCondition,
        threshold: usize,
        delay: usize,
    },
}

/// An inflow: its probability slot and happening stream, timing, amount
/// slot and the credit balance it fills (if it is credits).
#[derive(Debug, Clone)]
pub(super) struct InflowPlan {
    pub(super) probability: Option<usize>,
    pub(super) happens_key: u64,
    pub(super) timing: TimingPlan,
    pub(super) amount: usize,
    pub(super) credit_pool: Option<usize>,
}

/// A shock: slots of its hazard and effects, and its strike stream.
#[derive(Debug, Clone)]
pub(super) struct ShockPlan {
    pub(super) hazard: usize,
    pub(super) repeat: bool,
    pub(super) cost: Option<usize>,
    pub(super) hit: Option<usize>,
    pub(super) duration: usize,
    pub(super) delay: Option<usize>,
    pub(super) strike_key: u64,
}

/// A flow's amount: drawn once per path or afresh each month.
#[derive(Debug, Clone)]
pub(super) enum FlowAmount {
    PerPath(usize),
    Monthly(usize),
}

/// A flow: its amount and active months.
#[derive(Debug, Clone)]
pub(super) struct FlowPlan {
    pub(super) amount: FlowAmount,
    pub(super) active: (u32, u32),
    /// The schedule's factor of each month, if any.
    pub(super) schedule: Option<Vec<f64>>,
}

/// A model compiled for the engine: slots, plans and per-month calendar.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Months simulated.
    pub(super) months: u32,
    /// Cash below which a path is insolvent.
    pub(super) floor: f64,
    /// Per-path inputs, in the order of [`Model::path_inputs`].
    pub(super) slots: Vec<Slot>,
    /// Monthly inputs, in the order of [`Model::monthly_inputs`].
    pub(super) monthly: Vec<Slot>,
    /// Slot of the initial cash.
    pub(super) initial_cash: usize,
    pub(super) revenues: Vec<RevenuePlan>,
    pub(super) costs: Vec<CostPlan>,
    pub(super) inflows: Vec<InflowPlan>,
    pub(super) shocks: Vec<ShockPlan>,
    pub(super) flows: Vec<FlowPlan>,
    /// Number of credit balances (see `credit_pools`).
    pub(super) credit_pools: usize,
    /// Calendar month (0 = January) of each month number.
    pub(super) calendar: Vec<usize>,
    /// Field path of each per-path slot.
    pub(super) labels: Vec<String>,
    /// Field path of each inflow's happening draw.
    pub(super) happen_labels: Vec<String>,
    /// `revenue.NAME` and `costs.NAME` of each line, in plan order.
    pub(super) line_labels: (Vec<String>, Vec<String>),
    /// The model file, for messages.
    pub(super) file: String,
    /// How the per-path inputs are sampled.
    pub(super) sampling: Sampling,
    /// Slots drawn jointly through the Gaussian copula, in matrix order.
    pub(super) correlated: Vec<usize>,
    /// Lower Cholesky factor of the copula's normal-scale correlations.
    pub(super) cholesky: Vec<Vec<f64>>,
    /// Keep each path's cash at the end of every month for observers (see
    /// [`Plan::recording_monthly_cash`]); off for a plain run.
    pub(super) record_cash: bool,
    /// Keep each month's cash, revenue, cost and users for observers.
    pub(super) record_months: bool,
    /// Field paths of the monthly inputs, in monthly slot order.
    pub(super) monthly_labels: Vec<String>,
    /// Label of each shock's strike draws (`shocks.NAME.strikes`).
    pub(super) shock_labels: Vec<String>,
    /// Where each random number finds its score in a scored block.
    pub(super) layout: super::scores::ScoreLayout,
    /// Debt and covenants (empty for a model without them).
    pub(super) debt: super::debt::DebtPlan,
}

/// The slot of each input of one list (per-path or monthly), found by the
/// input itself: the list alone decides the order.
struct SlotOf(HashMap<*const Input, usize>);

impl SlotOf {
    fn new(inputs: &[&Input]) -> SlotOf {
        SlotOf(
            inputs
                .iter()
                .enumerate()
                .map(|(slot, &input)| (input as *const Input, slot))
                .collect(),
        )
    }

    /// The slot of `input`. Every input of a model is in one of its two
    /// lists; one missing from them is a bug of [`Model::path_inputs`] or
    /// [`Model::monthly_inputs`], found by the first plan of such a model.
    fn of(&self, input: &Input) -> usize {
        *(self.0.get(&(input as *const Input)))
            .unwrap_or_else(|| panic!("input `{}` is in neither list of the model", input.path))
    }
}

/// The slots of both lists, and the model's months (for schedules).
struct Slots {
    per_path: SlotOf,
    monthly: SlotOf,
    months: u32,
}

impl Slots {
    fn noise(&self, noise: &Noise) -> NoisePlan {
        NoisePlan {
            monthly: self.monthly.of(&noise.epsilon),
            persistent: noise.mode == NoiseMode::Persistent,
        }
    }

    fn revenue(&self, r: &RevenueLine) -> RevenuePlan {
        let slot = |input| self.per_path.of(input);
        RevenuePlan {
            level: slot(&r.level),
            arpu: r.arpu.as_ref().map(slot),
            growth: slot(&r.growth),
            half_life: r.growth_half_life.as_ref().map(slot),
            churn: slot(&r.churn),
            noise: r.noise.as_ref().map(|n| self.noise(n)),
            seasonal: r.seasonal,
            first: r.first_month,
            schedule: month_factors(r.schedule.as_ref(), self.months),
        }
    }

    fn cost(&self, c: &CostLine, credit_pool: Option<usize>) -> CostPlan {
        let slot = |input| self.per_path.of(input);
        CostPlan {
            monthly: slot(&c.monthly),
            growth: slot(&c.growth),
            half_life: c.growth_half_life.as_ref().map(slot),
            efficiency: slot(&c.efficiency_gain),
            follows: c.follows,
            noise: c.noise.as_ref().map(|n| self.noise(n)),
            active: c.active,
            credit_pool,
            schedule: month_factors(c.schedule.as_ref(), self.months),
            hiring: (c.hiring.as_ref()).map(|h| HiringPlan::new(h, |i| self.per_path.of(i))),
        }
    }

    fn inflow(&self, f: &Inflow, credit_pool: Option<usize>) -> InflowPlan {
        let slot = |input| self.per_path.of(input);
        InflowPlan {
            probability: f.probability.as_ref().map(slot),
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
            credit_pool,
        }
    }

    fn shock(&self, s: &Shock) -> ShockPlan {
        let slot = |input| self.per_path.of(input);
        ShockPlan {
            hazard: slot(&s.hazard),
            repeat: s.repeat,
            cost: s.cost.as_ref().map(slot),
            hit: s.revenue_hit.as_ref().map(slot),
            duration: slot(&s.duration),
            delay: s.funding_delay.as_ref().map(slot),
            strike_key: stream_key(&s.strike_key),
        }
    }

    fn flow(&self, f: &Flow) -> FlowPlan {
        FlowPlan {
            amount: if f.each_month {
                FlowAmount::Monthly(self.monthly.of(&f.amount))
            } else {
                FlowAmount::PerPath(self.per_path.of(&f.amount))
            },
            active: f.active,
            schedule: month_factors(f.schedule.as_ref(), self.months),
        }
    }
}

/// One credit balance per distinct set of cost lines that inflows pay for
/// (validation guarantees that the sets do not overlap): each cost line's
/// balance, and how many there are.
fn credit_pools(model: &Model) -> (Vec<Option<usize>>, usize) {
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
    (pool_of, pool_sets.len())
}

/// `revenue.NAME` and `costs.NAME` of each line, for messages.
fn line_labels(model: &Model) -> (Vec<String>, Vec<String>) {
    (
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
    )
}

impl Plan {
    /// Compiles a checked model.
    pub fn new(model: &Model) -> Plan {
        let (per_path, monthly) = (model.path_inputs(), model.monthly_inputs());
        let slots = Slots {
            per_path: SlotOf::new(&per_path),
            monthly: SlotOf::new(&monthly),
            months: model.months,
        };
        let (pool_of, credit_pools) = credit_pools(model);
        let revenues: Vec<RevenuePlan> = model.revenues.iter().map(|r| slots.revenue(r)).collect();
        let costs: Vec<CostPlan> = (model.costs.iter().zip(&pool_of))
            .map(|(c, &pool)| slots.cost(c, pool))
            .collect();
        let inflows = (model.inflows.iter())
            .map(|f| slots.inflow(f, f.credit_for.first().and_then(|&c| pool_of[c])))
            .collect();
        let monthly_labels = monthly.iter().map(|i| i.path.clone()).collect();
        let mut monthly: Vec<Slot> = monthly.iter().map(|&input| Slot::new(input)).collect();
        // Noise is drawn as ε and used as exp(ε); a monthly flow as drawn.
        let noises = revenues.iter().filter_map(|r| r.noise);
        for noise in noises.chain(costs.iter().filter_map(|c| c.noise)) {
            monthly[noise.monthly].exp = true;
        }
        let labels: Vec<String> = per_path.iter().map(|i| i.path.clone()).collect();
        let mut plan = Plan {
            months: model.months,
            floor: model.floor,
            calendar: (1..=model.months)
                .map(|t| model.month_label(t).month_of_year() as usize - 1)
                .collect(),
            slots: per_path.iter().map(|&input| Slot::new(input)).collect(),
            monthly,
            initial_cash: slots.per_path.of(&model.initial_cash),
            revenues,
            costs,
            inflows,
            shocks: model.shocks.iter().map(|s| slots.shock(s)).collect(),
            flows: model.flows.iter().map(|f| slots.flow(f)).collect(),
            credit_pools,
            happen_labels: (model.inflows.iter())
                .map(|f| f.happens_key.clone())
                .collect(),
            line_labels: line_labels(model),
            file: model.source.label.clone(),
            sampling: model.sampling,
            correlated: (model.correlation.iter())
                .flat_map(|c| &c.inputs)
                .map(|name| labels.iter().position(|l| l == name))
                .map(|slot| slot.expect("validated input"))
                .collect(),
            cholesky: (model.correlation.as_ref())
                .map(|c| c.cholesky.clone())
                .unwrap_or_default(),
            labels,
            record_cash: false,
            record_months: false,
            monthly_labels,
            shock_labels: (model.shocks.iter())
                .map(|s| s.strike_key.clone())
                .collect(),
            layout: super::scores::ScoreLayout::empty(),
            debt: super::debt::DebtPlan::new(&model.debt, |input| slots.per_path.of(input)),
        };
        plan.tabulate_inverse_cdfs();
        plan.layout = super::scores::ScoreLayout::new(&plan);
        plan
    }

    /// Slots drawn through their inverse CDF get a fast table where the
    /// exact one is slow.
    fn tabulate_inverse_cdfs(&mut self) {
        for i in 0..self.slots.len() {
            if self.slots[i].constant.is_none()
                && (self.sampling == Sampling::LatinHypercube || self.correlated.contains(&i))
            {
                self.slots[i].table = self.slots[i].dist.quantile_table();
            }
        }
    }

    /// Field paths of the per-path inputs, in slot order (the order of
    /// [`Model::path_inputs`]).
    pub fn input_paths(&self) -> &[String] {
        &self.labels
    }

    /// Inflows whose happening is drawn (probability neither 0 nor 1), then
    /// credit lines whose existence is drawn, with the field path of that
    /// draw.
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
            .chain(self.drawn_availabilities())
            .collect()
    }

    /// The credit lines whose existence is drawn, numbered after the
    /// inflows (as [`BlockView::happens`](super::BlockView::happens) takes
    /// them), with their labels (`debt.NAME.available`).
    fn drawn_availabilities(&self) -> impl Iterator<Item = (usize, String)> + '_ {
        let first = self.inflows.len();
        (self.debt.revolvers.iter().enumerate())
            .filter(|(_, r)| {
                r.probability.is_some_and(
                    |p| !matches!(self.slots[p].constant, Some(c) if c == 0.0 || c == 1.0),
                )
            })
            .map(move |(i, r)| (first + i, r.happens_label.clone()))
    }

    /// The distribution of per-path input `slot`.
    pub fn slot_dist(&self, slot: usize) -> &Dist {
        &self.slots[slot].dist
    }

    /// Whether per-path input `slot` is a constant (draws nothing).
    pub fn slot_is_constant(&self, slot: usize) -> bool {
        self.slots[slot].constant.is_some()
    }

    /// This plan, keeping each path's cash at the end of every month for
    /// its observers ([`BlockView::cash_at_month_end`](super::BlockView::cash_at_month_end)):
    /// one more array of months × [`BLOCK_SIZE`](super::BLOCK_SIZE) per
    /// worker and a copy per month; the simulation itself is unchanged.
    pub fn recording_monthly_cash(mut self) -> Plan {
        self.record_cash = true;
        self
    }

    /// This plan, made to run from given scores
    /// ([`ScoredBlock`](super::ScoredBlock)): every uncertain input, per
    /// path or monthly, gets a fast inverse CDF where its exact one is slow
    /// (the plain run of this plan is unchanged).
    pub fn driven_by_scores(mut self) -> Plan {
        for slot in self.slots.iter_mut().chain(self.monthly.iter_mut()) {
            if slot.constant.is_none() && slot.table.is_none() {
                slot.table = slot.dist.quantile_table();
            }
        }
        self
    }

    /// Where each random number of this plan finds its score in a scored
    /// block: the list of dimensions ([`ScoreLayout`](super::ScoreLayout)).
    pub fn score_layout(&self) -> &super::scores::ScoreLayout {
        &self.layout
    }

    /// Field paths of the monthly inputs, in monthly slot order (the order
    /// of [`Model::monthly_inputs`]).
    pub fn monthly_paths(&self) -> &[String] {
        &self.monthly_labels
    }

    /// The number of months simulated.
    pub fn months(&self) -> u32 {
        self.months
    }

    /// The cash floor: a path is insolvent in the first month its cash ends
    /// below it.
    pub fn floor(&self) -> f64 {
        self.floor
    }

    /// This plan, keeping each path's cash, revenue, cost and users of
    /// every month for its observers
    /// ([`BlockView::month_end`](super::BlockView::month_end)): four more
    /// arrays of months × [`BLOCK_SIZE`](super::BLOCK_SIZE) per worker and
    /// their copies each month; the simulation itself is unchanged.
    pub fn recording_months(mut self) -> Plan {
        self.record_months = true;
        self
    }

    /// An empty tally of the run of `seed`, shaped for this plan's model:
    /// one count per month, inflow and shock, and per-month sketches when
    /// `fan`.
    pub fn empty_tally(&self, seed: u64, fan: bool) -> Tally {
        let mut tally = Tally::new(
            seed,
            self.months as usize,
            self.inflows.len(),
            self.shocks.len(),
            fan,
        );
        if self.debt.any() {
            tally.failure = Some(crate::stats::FailureTally::new(self.months as usize));
        }
        tally
    }
}
