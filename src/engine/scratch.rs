//! A worker's reusable memory: one array of [`BLOCK_SIZE`] per quantity,
//! allocated once per worker and overwritten by every block it runs.

use super::headcount::Headcount;
use super::plan::Plan;
use super::{PathOutcome, BLOCK_SIZE, NEVER};
use crate::sampling::rng::{stream, StreamRng};
use crate::sampling::ziggurat::NormalLanes;

/// The arrays of one block, by quantity (each [`BLOCK_SIZE`] long), and the
/// random streams the monthly loop continues.
pub(crate) struct Scratch {
    // Draws.
    /// Per-path inputs, by slot.
    pub(super) inputs: Vec<Vec<f64>>,
    /// This month's monthly inputs, by monthly slot.
    pub(super) monthly: Vec<Vec<f64>>,
    /// The stream of each monthly slot, continued month after month.
    pub(super) monthly_rngs: Vec<StreamRng>,
    /// The normal generator state of each monthly slot.
    pub(super) monthly_normals: Vec<NormalLanes>,
    /// The stream of each shock's strike draws.
    pub(super) strike_rngs: Vec<StreamRng>,
    /// Independent normal scores of the correlated inputs (copula).
    pub(super) normal_scores: Vec<Vec<f64>>,
    /// Uniforms of a Latin hypercube sample (copula under LHS).
    pub(super) uniform: Vec<f64>,
    /// The uniform draw that decided each inflow's happening, by inflow.
    pub(super) happens: Vec<Vec<f64>>,
    /// The scores a scored block runs on, by dimension of the plan's
    /// [`ScoreLayout`](super::ScoreLayout) (empty for a plain run).
    pub(super) given: Vec<Vec<f64>>,
    /// Whether the block runs on `given` rather than on its streams.
    pub(super) scored: bool,

    // Funding.
    /// Arrival month of each inflow ([`NEVER`], `PENDING` or a month).
    pub(super) arrival: Vec<Vec<u32>>,
    /// Months from a trigger to the arrival, by inflow.
    pub(super) wait: Vec<Vec<u32>>,
    /// Whether each inflow arrived (0 or 1).
    pub(super) arrived: Vec<Vec<u8>>,
    /// Credit balance of each pool.
    pub(super) credit: Vec<Vec<f64>>,

    // Shocks.
    /// First strike month of each one-off shock.
    pub(super) strike_at: Vec<Vec<u32>>,
    /// Whether each shock struck (0 or 1).
    pub(super) fired: Vec<Vec<u8>>,
    /// Last month of the current revenue hit.
    pub(super) hit_until: Vec<u32>,
    /// Fraction of revenue the current hit takes.
    pub(super) hit_frac: Vec<f64>,

    // Lines.
    /// Level of each revenue line.
    pub(super) rev_level: Vec<Vec<f64>>,
    /// Monthly factor of each revenue line's level.
    pub(super) rev_factor: Vec<Vec<f64>>,
    /// This month's growth rate of each revenue line whose growth decays.
    pub(super) rev_growth: Vec<Vec<f64>>,
    /// Each revenue line's monthly decay of its growth rate, 2^(−1/half-life).
    pub(super) rev_decay: Vec<Vec<f64>>,
    /// 1 / starting level of each revenue line (0 for a level of 0).
    pub(super) inv_level0: Vec<Vec<f64>>,
    /// Level of each cost line.
    pub(super) cost_level: Vec<Vec<f64>>,
    /// Monthly factor of each cost line's level.
    pub(super) cost_factor: Vec<Vec<f64>>,
    /// This month's growth rate of each cost line whose growth decays.
    pub(super) cost_growth: Vec<Vec<f64>>,
    /// Each cost line's monthly decay of its growth rate, 2^(−1/half-life).
    pub(super) cost_decay: Vec<Vec<f64>>,
    /// Each cost line's monthly efficiency factor (lines whose growth decays).
    pub(super) cost_efficiency: Vec<Vec<f64>>,
    /// Ones, for a factor that is absent.
    pub(super) ones: Vec<f64>,
    /// Headcount of each cost line (empty arrays for lines without a
    /// hiring plan).
    pub(super) headcount: Vec<Headcount>,

    // The month's money and the path's state.
    /// This month's revenue.
    pub(super) revenue: Vec<f64>,
    /// This month's cost.
    pub(super) cost: Vec<f64>,
    /// This month's cost paid in cash (after credits).
    pub(super) cost_cash: Vec<f64>,
    /// This month's flows.
    pub(super) net_flow: Vec<f64>,
    /// This month's one-off shock costs.
    pub(super) one_off: Vec<f64>,
    /// Cash.
    pub(super) cash: Vec<f64>,
    /// Lowest cash so far.
    pub(super) lowest: Vec<f64>,
    /// Funding received so far.
    pub(super) funding: Vec<f64>,
    /// First month below the floor (0 = none yet).
    pub(super) insolvent_month: Vec<u32>,
    /// Cash at the end of each month, by month (empty unless the plan
    /// records it: [`Plan::recording_monthly_cash`]).
    pub(super) cash_by_month: Vec<Vec<f64>>,
    /// Revenue, cost and users (the users of lines with users, summed) of
    /// each month, by month (empty unless the plan records them:
    /// [`Plan::recording_months`]).
    pub(super) revenue_by_month: Vec<Vec<f64>>,
    /// See `revenue_by_month`.
    pub(super) cost_by_month: Vec<Vec<f64>>,
    /// See `revenue_by_month`.
    pub(super) users_by_month: Vec<Vec<f64>>,
    /// Loans, credit lines and covenant breaches (empty without debt).
    pub(super) debt: super::debt::DebtScratch,
}

impl Scratch {
    /// Scratch sized for `plan`.
    pub(crate) fn new(plan: &Plan) -> Scratch {
        let f = |n: usize| vec![vec![0.0; BLOCK_SIZE]; n];
        let dummy = stream(0, 0, 0);
        Scratch {
            inputs: f(plan.slots.len()),
            monthly: f(plan.monthly.len()),
            monthly_rngs: vec![dummy.clone(); plan.monthly.len()],
            monthly_normals: vec![NormalLanes::new(&mut dummy.clone()); plan.monthly.len()],
            strike_rngs: vec![dummy; plan.shocks.len()],
            arrival: vec![vec![NEVER; BLOCK_SIZE]; plan.inflows.len()],
            happens: f(plan.inflows.len()),
            given: Vec::new(),
            scored: false,
            strike_at: vec![vec![NEVER; BLOCK_SIZE]; plan.shocks.len()],
            wait: vec![vec![1; BLOCK_SIZE]; plan.inflows.len()],
            normal_scores: f(plan.correlated.len()),
            rev_level: f(plan.revenues.len()),
            rev_factor: f(plan.revenues.len()),
            cost_level: f(plan.costs.len()),
            cost_factor: f(plan.costs.len()),
            rev_growth: f(plan.revenues.len()),
            rev_decay: f(plan.revenues.len()),
            cost_growth: f(plan.costs.len()),
            cost_decay: f(plan.costs.len()),
            cost_efficiency: f(plan.costs.len()),
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
            headcount: (plan.costs.iter())
                .map(|c| Headcount::new(c.hiring.is_some()))
                .collect(),
            net_flow: vec![0.0; BLOCK_SIZE],
            one_off: vec![0.0; BLOCK_SIZE],
            hit_until: vec![0; BLOCK_SIZE],
            hit_frac: vec![0.0; BLOCK_SIZE],
            uniform: vec![0.0; BLOCK_SIZE],
            insolvent_month: vec![0; BLOCK_SIZE],
            cash_by_month: f(if plan.record_cash || plan.record_months {
                plan.months as usize
            } else {
                0
            }),
            revenue_by_month: f(if plan.record_months {
                plan.months as usize
            } else {
                0
            }),
            cost_by_month: f(if plan.record_months {
                plan.months as usize
            } else {
                0
            }),
            users_by_month: f(if plan.record_months {
                plan.months as usize
            } else {
                0
            }),
            debt: super::debt::DebtScratch::new(&plan.debt),
        }
    }

    /// Outcome of path `j` of the last block.
    pub(super) fn outcome(&self, j: usize) -> PathOutcome {
        PathOutcome {
            insolvent_month: (self.insolvent_month[j] > 0).then_some(self.insolvent_month[j]),
            lowest_cash: self.lowest[j],
            end_cash: self.cash[j],
            funding_received: self.funding[j],
        }
    }
}
