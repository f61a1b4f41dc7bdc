//! The checked, typed model that the engine runs.
//!
//! A model file goes through three stages: TOML text → [`schema::RawModel`]
//! (shape only) → [`Model`] (every rule checked, names resolved to indices,
//! months turned into month numbers). The engine only ever sees a [`Model`],
//! so it never has to handle a bad parameter.

pub mod comments;
mod debt;
mod load;
mod month;
mod schedule;
pub mod schema;
mod span;
pub(crate) mod suggest;
mod validate;
mod words;

pub use comments::Comments;
pub use debt::{Amortization, Covenant, Debt, Revolver, TermLoan};
pub use load::{
    load_file, load_str, LoadOptions, ModelSource, BUILTIN_MODEL_NAME, BUILTIN_MODEL_TEXT,
};
pub use month::Month;
pub use schedule::{Hiring, Schedule, ScheduleShape};

use crate::dist::Dist;

/// Longest horizon a model may have, in months (50 years).
pub const MAX_MONTHS: u32 = 600;

/// One uncertain number of the model, drawn once per path (or each month,
/// where the field says so), identified by its field path.
#[derive(Debug, Clone)]
pub struct Input {
    /// Dotted field path, e.g. `costs.inference.efficiency_gain`. It also
    /// keys the input's random stream.
    pub path: String,
    /// The distribution.
    pub dist: Dist,
}

impl Input {
    /// True when the input is a constant (it draws no random numbers).
    pub fn is_constant(&self) -> bool {
        self.dist.as_constant().is_some()
    }
}

/// How month-to-month noise acts on a line's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoiseMode {
    /// The level is multiplied by exp(ε) and keeps it (a random walk in logs).
    Persistent,
    /// Only this month's amount is multiplied by exp(ε).
    Transient,
}

/// Month-to-month multiplicative noise exp(ε), ε drawn afresh each month.
#[derive(Debug, Clone)]
pub struct Noise {
    /// ε's distribution (drawn each month).
    pub epsilon: Input,
    /// Whether the level keeps the shock.
    pub mode: NoiseMode,
}

/// A monthly cost line.
#[derive(Debug, Clone)]
pub struct CostLine {
    /// Name (the key under `[costs]`).
    pub name: String,
    /// Monthly amount at the start, before the first month's growth.
    pub monthly: Input,
    /// Monthly growth of demand (ignored when `follows` is set).
    pub growth: Input,
    /// Months in which the growth rate halves (`None`: it never decays).
    pub growth_half_life: Option<Input>,
    /// Yearly cost-efficiency gain g; unit cost falls by (1-g)^(1/12) a month.
    pub efficiency_gain: Input,
    /// Index of a revenue line whose level drives this line's demand.
    pub follows: Option<usize>,
    /// Optional month-to-month noise.
    pub noise: Option<Noise>,
    /// First and last month number (1-based, inclusive) the cost is paid.
    pub active: (u32, u32),
    /// A month-by-month plan the amount is multiplied by (`monthly` is
    /// then a multiplier, 1 unless given).
    pub schedule: Option<Schedule>,
    /// A hiring plan: the amount is `monthly` (the cost of one head) times
    /// the path's headcount.
    pub hiring: Option<Hiring>,
}

/// A revenue line: users × revenue per user, or a plain monthly amount.
#[derive(Debug, Clone)]
pub struct RevenueLine {
    /// Name (the key under `[revenue]`).
    pub name: String,
    /// Users at the start, or the monthly amount at the start.
    pub level: Input,
    /// Revenue per user per month (`None` for a plain amount).
    pub arpu: Option<Input>,
    /// Monthly growth (new users, or growth of the amount).
    pub growth: Input,
    /// Months in which the growth rate halves (`None`: it never decays).
    pub growth_half_life: Option<Input>,
    /// Monthly churn: the fraction lost each month.
    pub churn: Input,
    /// Optional month-to-month noise.
    pub noise: Option<Noise>,
    /// Factor for each calendar month, January first.
    pub seasonal: [f64; 12],
    /// First month number (1-based) with revenue.
    pub first_month: u32,
    /// A month-by-month plan the month's revenue is multiplied by: the
    /// amount's (`schedule`, plain lines) or the price's (`arpu_schedule`,
    /// lines with users).
    pub schedule: Option<Schedule>,
}

/// When money of an inflow arrives.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // built once per model, never in a loop
pub enum Timing {
    /// At a month number (1 = the first simulated month), drawn per path;
    /// numbers outside 1..=months never arrive inside the horizon.
    Month(Input),
    /// When a condition on the company's position first holds, after a delay.
    Trigger {
        /// What is watched.
        condition: TriggerCondition,
        /// The threshold, drawn per path.
        threshold: Input,
        /// Whole months from the trigger month to the arrival month, minus one
        /// (0 = the next month), drawn per path.
        delay: Input,
    },
}

/// What a funding trigger watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerCondition {
    /// Months of runway (cash ÷ this month's net burn) below the threshold.
    RunwayBelow,
    /// Cash below the threshold.
    CashBelow,
}

/// Money that arrives: a committed tranche or a possible funding round.
#[derive(Debug, Clone)]
pub struct Inflow {
    /// Name; tranches are named `cash.tranches.NAME`, funding `funding.NAME`.
    pub name: String,
    /// The field path prefix (`cash.tranches.NAME` or `funding.NAME`).
    pub path: String,
    /// The chance it happens at all (drawn per path), `None` = certain.
    pub probability: Option<Input>,
    /// The per-path uniform draw compared with `probability`.
    pub happens_key: String,
    /// When it arrives.
    pub timing: Timing,
    /// How much.
    pub amount: Input,
    /// Cost lines it can only pay for (compute credits), by index; empty =
    /// the money is cash.
    pub credit_for: Vec<usize>,
}

/// A shock: an event with a monthly hazard and its effects.
#[derive(Debug, Clone)]
pub struct Shock {
    /// Name (the key under `[shocks]`).
    pub name: String,
    /// Probability that it strikes in any one month.
    pub hazard: Input,
    /// Whether it can strike more than once.
    pub repeat: bool,
    /// One-off cost when it strikes.
    pub cost: Option<Input>,
    /// Fraction of revenue lost while it lasts.
    pub revenue_hit: Option<Input>,
    /// Months the revenue hit lasts (including the month it strikes).
    pub duration: Input,
    /// Months by which scheduled inflows not yet arrived are pushed back.
    pub funding_delay: Option<Input>,
    /// Field path of the monthly uniform draw that decides whether it strikes.
    pub strike_key: String,
}

/// A generic monthly amount added to cash (+ in, − out).
#[derive(Debug, Clone)]
pub struct Flow {
    /// Name (the key under `[flows]`).
    pub name: String,
    /// The amount.
    pub amount: Input,
    /// Drawn afresh each month (true) or once per path (false).
    pub each_month: bool,
    /// First and last month number (inclusive).
    pub active: (u32, u32),
    /// A month-by-month plan the amount is multiplied by.
    pub schedule: Option<Schedule>,
}

/// A checked model, ready to run.
#[derive(Debug, Clone)]
pub struct Model {
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Money unit label, e.g. `USD millions`.
    pub unit: String,
    /// First simulated month.
    pub start: Month,
    /// Number of simulated months (start..=horizon).
    pub months: u32,
    /// Cash at the start.
    pub initial_cash: Input,
    /// A path is insolvent the first month its cash falls below this.
    pub floor: f64,
    /// Cost lines, in file order.
    pub costs: Vec<CostLine>,
    /// Revenue lines, in file order.
    pub revenues: Vec<RevenueLine>,
    /// Tranches then funding events, in file order.
    pub inflows: Vec<Inflow>,
    /// Shocks, in file order.
    pub shocks: Vec<Shock>,
    /// Flows, in file order.
    pub flows: Vec<Flow>,
    /// Scenario applied, if any.
    pub scenario: Option<String>,
    /// Scenario names the file defines, with their descriptions.
    pub scenarios: Vec<(String, String)>,
    /// Where the model came from.
    pub source: ModelSource,
    /// How per-path inputs are sampled (the file's `[model] sampling`, or
    /// `--sampling`).
    pub sampling: Sampling,
    /// Rank correlation between per-path inputs, if any.
    pub correlation: Option<Correlation>,
    /// Credit lines, term loans and covenants (empty when the file has none).
    pub debt: Debt,
}

/// How per-path inputs are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampling {
    /// Independent draws.
    #[default]
    MonteCarlo,
    /// Latin hypercube, stratified within each block of paths.
    LatinHypercube,
}

impl Sampling {
    /// Parses `mc` or `lhs`.
    pub fn parse(text: &str) -> Option<Sampling> {
        match text {
            "mc" | "monte-carlo" => Some(Sampling::MonteCarlo),
            "lhs" | "latin-hypercube" => Some(Sampling::LatinHypercube),
            _ => None,
        }
    }

    /// Human description for reports and manifests.
    pub fn describe(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "Monte Carlo (independent draws)",
            Sampling::LatinHypercube => {
                "Latin hypercube (stratified within each block of 1024 paths)"
            }
        }
    }

    /// The method [`Sampling::describe`] names (as partial files store it).
    pub fn from_description(text: &str) -> Option<Sampling> {
        [Sampling::MonteCarlo, Sampling::LatinHypercube]
            .into_iter()
            .find(|s| s.describe() == text)
    }
}

/// A Gaussian-copula rank correlation between per-path inputs.
#[derive(Debug, Clone)]
pub struct Correlation {
    /// Field paths of the correlated inputs, in matrix order.
    pub inputs: Vec<String>,
    /// The Spearman rank correlations as given.
    pub rank: Vec<Vec<f64>>,
    /// Lower Cholesky factor of the normal-scale correlation matrix
    /// r = 2 sin(π ρ / 6), which gives the copula exactly these Spearman
    /// correlations.
    pub cholesky: Vec<Vec<f64>>,
}

impl Model {
    /// True when `[scenarios.NAME]` of the model's file changes no field
    /// (it only describes itself): that scenario is the model as written.
    pub fn scenario_changes_nothing(&self, name: &str) -> bool {
        let Ok(table) = toml::from_str::<toml::Table>(&self.source.text) else {
            return false;
        };
        table
            .get("scenarios")
            .and_then(|s| s.get(name))
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.keys().all(|k| k == "description"))
    }

    /// The last simulated month.
    pub fn horizon(&self) -> Month {
        self.start.plus(self.months as i32 - 1)
    }

    /// Calendar month of month number `t` (1-based).
    pub fn month_label(&self, t: u32) -> Month {
        self.start.plus(t as i32 - 1)
    }

    /// Every input drawn once per path, in a fixed order: the one list of
    /// them. The engine's slots follow it, and so do their field paths (the
    /// keys of their random streams) and the input columns of `paths.csv`.
    pub fn path_inputs(&self) -> Vec<&Input> {
        let mut out = vec![&self.initial_cash];
        for line in &self.revenues {
            out.push(&line.level);
            if let Some(arpu) = &line.arpu {
                out.push(arpu);
            }
            out.push(&line.growth);
            out.extend(line.growth_half_life.iter());
            out.push(&line.churn);
        }
        for line in &self.costs {
            out.push(&line.monthly);
            out.push(&line.growth);
            out.extend(line.growth_half_life.iter());
            out.push(&line.efficiency_gain);
            out.extend(line.hiring.iter().flat_map(|h| h.inputs()));
        }
        for inflow in &self.inflows {
            if let Some(p) = &inflow.probability {
                out.push(p);
            }
            match &inflow.timing {
                Timing::Month(m) => out.push(m),
                Timing::Trigger {
                    threshold, delay, ..
                } => {
                    out.push(threshold);
                    out.push(delay);
                }
            }
            out.push(&inflow.amount);
        }
        for shock in &self.shocks {
            out.push(&shock.hazard);
            out.extend(shock.cost.iter());
            out.extend(shock.revenue_hit.iter());
            out.push(&shock.duration);
            out.extend(shock.funding_delay.iter());
        }
        for flow in self.flows.iter().filter(|f| !f.each_month) {
            out.push(&flow.amount);
        }
        out.extend(self.debt.path_inputs());
        out
    }

    /// Every input drawn afresh each month, in a fixed order: the one list
    /// of them, which the engine's monthly slots follow.
    pub fn monthly_inputs(&self) -> Vec<&Input> {
        let mut out = Vec::new();
        for line in &self.revenues {
            out.extend(line.noise.as_ref().map(|n| &n.epsilon));
        }
        for line in &self.costs {
            out.extend(line.noise.as_ref().map(|n| &n.epsilon));
        }
        for flow in self.flows.iter().filter(|f| f.each_month) {
            out.push(&flow.amount);
        }
        out
    }
}
