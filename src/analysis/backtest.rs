//! `runway backtest`: score a forecast against what happened.
//!
//! The actual outcomes come as a CSV file: a `month` column (`YYYY-MM`) and
//! any of `cash`, `revenue`, `cost`, `users` (the model's unit) and
//! `insolvent`. The model is simulated with per-month sketches (the fan),
//! and every observed value is placed within the simulated distribution of
//! its month and quantity:
//!
//! - its **PIT** (probability integral transform): the mid-rank of the value
//!   among the simulated values, 0 = below every path, 1 = above every path.
//!   A calibrated forecast gives PITs spread evenly over (0, 1);
//! - whether it lies inside the central **50 %** band `[p25, p75]` and the
//!   central **90 %** band `[p5, p95]`; a calibrated forecast holds about 50 %
//!   and 90 % of the observations in them.
//!
//! The insolvency forecast is scored with the **Brier score** (P − outcome)²
//! and the **log score** −ln P(what happened), by the horizon and month by
//! month where the outcome is known.
//!
//! Everything here is a pure function of the model, the tally and the
//! observations: the same seed and paths give the same report for any
//! thread count.

use crate::analysis::summary::{ModelInfo, Percentiles};
use crate::engine::{simulate, Progress, RunSpec};
use crate::error::{Error, Result};
use crate::files::OutputDir;
use crate::model::{Model, Month};
use crate::output::{format_money, format_probability};
use crate::stats::{wilson, Fan, Sketch, Tally, SKETCH_ZERO_THRESHOLD};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Probabilities are clamped to `[LOG_SCORE_CLAMP, 1 − LOG_SCORE_CLAMP]`
/// before taking the log score, so a forecast of exactly 0 or 1 that turns
/// out wrong scores −ln(10⁻⁶) ≈ 13.8 nats instead of infinity.
pub const LOG_SCORE_CLAMP: f64 = 1e-6;

/// Columns the actual-outcomes CSV may have (`month` is required).
pub const ALLOWED_COLUMNS: [&str; 6] = ["month", "cash", "revenue", "cost", "users", "insolvent"];

/// Significance level of the uniformity check.
pub const UNIFORMITY_ALPHA: f64 = 0.05;

/// Files `runway backtest --out DIR` writes.
pub const BACKTEST_FILES: [&str; 2] = ["backtest.csv", "backtest.json"];

// ---------------------------------------------------------------------------
// Observations
// ---------------------------------------------------------------------------

/// A monthly quantity that the fan tracks and the actuals can observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantity {
    /// Cash at the end of the month.
    Cash,
    /// Revenue earned in the month.
    Revenue,
    /// Cost incurred in the month (whether paid in cash or credits).
    Cost,
    /// Users at the end of the month (sum over users × arpu revenue lines).
    Users,
}

impl Quantity {
    /// Every quantity, in report order.
    pub const ALL: [Quantity; 4] = [
        Quantity::Cash,
        Quantity::Revenue,
        Quantity::Cost,
        Quantity::Users,
    ];

    /// The column name.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Cash => "cash",
            Quantity::Revenue => "revenue",
            Quantity::Cost => "cost",
            Quantity::Users => "users",
        }
    }

    /// The quantity a column names, if any.
    pub fn from_column(name: &str) -> Option<Quantity> {
        Quantity::ALL.into_iter().find(|q| q.name() == name)
    }

    /// The fan's sketches of this quantity, one per month.
    pub fn sketches(self, fan: &Fan) -> &[Sketch] {
        match self {
            Quantity::Cash => &fan.cash,
            Quantity::Revenue => &fan.revenue,
            Quantity::Cost => &fan.cost,
            Quantity::Users => &fan.users,
        }
    }
}

/// One observed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The month.
    pub month: Month,
    /// What was observed.
    pub quantity: Quantity,
    /// The value, in the model's unit (users: a count).
    pub value: f64,
    /// 1-based line of the CSV file it came from (`None` if not from a file).
    pub line: Option<u64>,
}

/// What is known about the company's insolvency: the last month it is known
/// to have been solvent and the first month by which it is known to have
/// been insolvent. "Insolvent by month m" is known to be false for months up
/// to `solvent_through`, true from `insolvent_by` on, unknown in between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InsolvencyOutcome {
    /// Last month known solvent (cash at or above the floor at the end of
    /// every month up to it).
    pub solvent_through: Option<Month>,
    /// First month by which it is known to have been insolvent.
    pub insolvent_by: Option<Month>,
    /// The month it became insolvent, when the actuals name it.
    pub insolvent_in: Option<Month>,
}

impl InsolvencyOutcome {
    /// Whether the company was insolvent by the end of `month`, when known.
    pub fn known_by(&self, month: Month) -> Option<bool> {
        if self.insolvent_by.is_some_and(|m| month >= m) {
            Some(true)
        } else if self.solvent_through.is_some_and(|m| month <= m) {
            Some(false)
        } else {
            None
        }
    }

    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.solvent_through.is_none() && self.insolvent_by.is_none()
    }

    /// The outcome in words.
    pub fn describe(&self) -> String {
        match (self.insolvent_in, self.insolvent_by, self.solvent_through) {
            (Some(m), _, _) => format!("insolvent in {m}"),
            (None, Some(by), Some(st)) => {
                format!("solvent through {st}, insolvent by {by}")
            }
            (None, Some(by), None) => format!("insolvent by {by}"),
            (None, None, Some(st)) => format!("solvent through {st}"),
            (None, None, None) => "not given (no `insolvent` values in the actuals)".into(),
        }
    }
}

/// The actual outcomes read from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Actuals {
    /// The file as the user named it.
    pub file: String,
    /// Observed values (empty cells are not observations).
    pub observations: Vec<Observation>,
    /// What the `insolvent` column says.
    pub insolvency: InsolvencyOutcome,
}

fn field_error(file: &str, path: String, value: Option<&str>, rule: String) -> Error {
    Error::Field {
        file: file.to_string(),
        path,
        value: value.map(|v| format!("{v:?}")),
        rule,
    }
}

/// Reads the actual-outcomes CSV at `path` and checks it against `model`.
pub fn read_actuals(path: &Path, model: &Model) -> Result<Actuals> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        field_error(
            &label,
            "file".into(),
            None,
            format!("cannot read the actual-outcomes file: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        field_error(
            &label,
            "file".into(),
            None,
            format!(
                "not UTF-8 text (byte {}); save the actual outcomes as a UTF-8 CSV file",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse_actuals(&text, &label, model)
}

fn months_text(model: &Model) -> String {
    format!("{} to {}", model.start, model.horizon())
}

fn model_has_users(model: &Model) -> bool {
    model.revenues.iter().any(|r| r.arpu.is_some())
}

const USERS_RULE: &str = "the model has no users × arpu revenue line, so it forecasts no users to score against; remove the column or add `users` and `arpu` to a revenue line";

/// A claim about insolvency made by one line, for contradiction messages.
#[derive(Debug, Clone, Copy)]
struct Claim {
    month: Month,
    line: u64,
    named_month: bool,
}

fn describe_claim(claim: &Claim, solvent: bool) -> String {
    if claim.named_month {
        format!(
            "line {} says it became insolvent in {}",
            claim.line,
            if solvent {
                claim.month.plus(1)
            } else {
                claim.month
            }
        )
    } else if solvent {
        format!(
            "line {} says it was still solvent (0) in {}",
            claim.line, claim.month
        )
    } else {
        format!(
            "line {} says it was insolvent (1) by {}",
            claim.line, claim.month
        )
    }
}

/// Parses the actual-outcomes CSV `text` (`file` names it in messages) and
/// checks it against `model`: known columns, months within the model's
/// range, finite numbers, one row per month, a consistent `insolvent` column.
pub fn parse_actuals(text: &str, file: &str, model: &Model) -> Result<Actuals> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    // The reader's position of a record is where the blank or comment lines
    // before it begin; count lines from the byte offset instead.
    let line_of = |byte: u64| -> u64 {
        let mut at = (byte as usize).min(text.len());
        let mut line = text.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        while let Some(rest) = text.get(at..) {
            let end = rest.find('\n');
            let this = &rest[..end.unwrap_or(rest.len())];
            let blank = this.trim().is_empty() || this.starts_with('#');
            match end {
                Some(e) if blank => {
                    at += e + 1;
                    line += 1;
                }
                _ => break,
            }
        }
        line
    };
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(1, |p| line_of(p.byte()));
        field_error(
            file,
            format!("line {line}"),
            None,
            format!("not valid CSV: {e}"),
        )
    };
    let header = match records.find(|r| !matches!(r, Ok(rec) if rec.iter().all(str::is_empty))) {
        None => {
            return Err(field_error(
                file,
                "line 1".into(),
                None,
                format!(
                    "the file is empty; the first line must be a header such as `month,cash,revenue,insolvent` (allowed columns: {})",
                    ALLOWED_COLUMNS.join(", ")
                ),
            ))
        }
        Some(r) => r.map_err(csv_error)?,
    };
    let header_line = header.position().map_or(1, |p| line_of(p.byte()));
    let mut columns: Vec<String> = Vec::with_capacity(header.len());
    for name in header.iter() {
        let key = name.to_ascii_lowercase();
        if !ALLOWED_COLUMNS.contains(&key.as_str()) {
            return Err(field_error(
                file,
                format!("line {header_line}, column {name}"),
                None,
                format!(
                    "unknown column; allowed columns: {} (month required)",
                    ALLOWED_COLUMNS.join(", ")
                ),
            ));
        }
        if columns.contains(&key) {
            return Err(field_error(
                file,
                format!("line {header_line}, column {name}"),
                None,
                "this column appears twice in the header; give each column once".into(),
            ));
        }
        if key == "users" && !model_has_users(model) {
            return Err(field_error(
                file,
                format!("line {header_line}, column users"),
                None,
                USERS_RULE.into(),
            ));
        }
        columns.push(key);
    }
    let Some(month_col) = columns.iter().position(|c| c == "month") else {
        return Err(field_error(
            file,
            format!("line {header_line}"),
            None,
            format!(
                "no `month` column; the header must name `month` (YYYY-MM) and any of: {}",
                ALLOWED_COLUMNS[1..].join(", ")
            ),
        ));
    };

    let range = months_text(model);
    let in_range = |m: Month| m >= model.start && m <= model.horizon();
    let mut seen: Vec<(Month, u64)> = Vec::new();
    let mut observations = Vec::new();
    let mut solvent: Option<Claim> = None;
    let mut insolvent: Option<Claim> = None;
    let mut named: Option<Claim> = None;
    let mut rows = 0usize;
    for record in records {
        let record = record.map_err(csv_error)?;
        // Rows with every cell empty (`,,,`, as spreadsheets export) say nothing.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        rows += 1;
        if record.len() != columns.len() {
            return Err(field_error(
                file,
                format!("line {line}"),
                None,
                format!(
                    "this row has {} cells but the header (line {header_line}) has {} columns; leave a cell empty (`,,`) when there is no value",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        let at = |col: &str| format!("line {line}, column {col}");
        let month_text = &record[month_col];
        if month_text.is_empty() {
            return Err(field_error(
                file,
                at("month"),
                None,
                "every row needs a month (YYYY-MM)".into(),
            ));
        }
        let month = Month::parse(month_text).ok_or_else(|| {
            field_error(
                file,
                at("month"),
                Some(month_text),
                "not a month; write YYYY-MM, e.g. 2024-03".into(),
            )
        })?;
        if !in_range(month) {
            return Err(field_error(
                file,
                at("month"),
                Some(month_text),
                format!("outside the model's months {range}"),
            ));
        }
        if let Some((_, first)) = seen.iter().find(|(m, _)| *m == month) {
            return Err(field_error(
                file,
                at("month"),
                Some(month_text),
                format!("{month} already appears on line {first}; give each month one row"),
            ));
        }
        seen.push((month, line));
        for (col, cell) in columns.iter().zip(record.iter()) {
            if cell.is_empty() || col == "month" {
                continue;
            }
            if col == "insolvent" {
                let (new_solvent, new_insolvent) = match cell {
                    "0" => (Some(month), None),
                    "1" => (None, Some(month)),
                    other => {
                        let Some(m) = Month::parse(other) else {
                            return Err(field_error(
                                file,
                                at(col),
                                Some(cell),
                                "write 0 (not insolvent by the end of this month), 1 (insolvent by then) or the month it became insolvent as YYYY-MM".into(),
                            ));
                        };
                        if !in_range(m) {
                            return Err(field_error(
                                file,
                                at(col),
                                Some(cell),
                                format!(
                                    "the month of insolvency is outside the model's months {range}"
                                ),
                            ));
                        }
                        if let Some(prev) = named.filter(|c| c.month != m) {
                            return Err(field_error(
                                file,
                                at(col),
                                Some(cell),
                                format!(
                                    "line {} names another month of insolvency, {}; a company becomes insolvent once",
                                    prev.line, prev.month
                                ),
                            ));
                        }
                        named = Some(Claim {
                            month: m,
                            line,
                            named_month: true,
                        });
                        (Some(m.plus(-1)), Some(m))
                    }
                };
                let named_month = new_solvent.is_some() && new_insolvent.is_some();
                if let Some(m) = new_solvent {
                    if solvent.is_none_or(|c| m > c.month) {
                        solvent = Some(Claim {
                            month: m,
                            line,
                            named_month,
                        });
                    }
                }
                if let Some(m) = new_insolvent {
                    if insolvent.is_none_or(|c| m < c.month) {
                        insolvent = Some(Claim {
                            month: m,
                            line,
                            named_month,
                        });
                    }
                }
                if let (Some(s), Some(i)) = (solvent, insolvent) {
                    if s.month >= i.month {
                        let other = if s.line != line {
                            describe_claim(&s, true)
                        } else {
                            describe_claim(&i, false)
                        };
                        return Err(field_error(
                            file,
                            at(col),
                            Some(cell),
                            format!(
                                "contradicts an earlier row: {other}. `insolvent` is 1 from the month cash first fell below the floor onwards, 0 before it"
                            ),
                        ));
                    }
                }
                continue;
            }
            let quantity = Quantity::from_column(col).expect("columns were checked");
            let value: f64 = cell.parse().map_err(|_| {
                field_error(
                    file,
                    at(col),
                    Some(cell),
                    "not a number; write a plain number in the model's unit, e.g. 1234.5 (no thousands separators, currency signs or units)".into(),
                )
            })?;
            if !value.is_finite() {
                return Err(field_error(
                    file,
                    at(col),
                    Some(cell),
                    "not a finite number (NaN and infinity cannot be observed); leave the cell empty when there is no value".into(),
                ));
            }
            if quantity != Quantity::Cash && value < 0.0 {
                return Err(field_error(
                    file,
                    at(col),
                    Some(cell),
                    format!("{col} cannot be negative"),
                ));
            }
            observations.push(Observation {
                month,
                quantity,
                value,
                line: Some(line),
            });
        }
    }
    if rows == 0 {
        return Err(field_error(
            file,
            format!("line {header_line}"),
            None,
            "the file has a header but no rows; add one row per observed month".into(),
        ));
    }
    let insolvency = InsolvencyOutcome {
        solvent_through: solvent.map(|c| c.month),
        insolvent_by: insolvent.map(|c| c.month),
        insolvent_in: named.map(|c| c.month),
    };
    if observations.is_empty() && insolvency.is_empty() {
        return Err(field_error(
            file,
            format!("line {header_line}"),
            None,
            "every cell besides `month` is empty: there is nothing to score".into(),
        ));
    }
    observations.sort_by_key(|o| (o.month, o.quantity));
    Ok(Actuals {
        file: file.to_string(),
        observations,
        insolvency,
    })
}

/// Checks actuals built in code (or read for another model) against `model`.
fn check_against(model: &Model, actual: &Actuals) -> Result<()> {
    let in_range = |m: Month| m >= model.start && m <= model.horizon();
    let place = |line: Option<u64>, col: &str| match line {
        Some(l) => format!("line {l}, column {col}"),
        None => format!("column {col}"),
    };
    for o in &actual.observations {
        if !in_range(o.month) {
            return Err(field_error(
                &actual.file,
                place(o.line, "month"),
                Some(&o.month.to_string()),
                format!("outside the model's months {}", months_text(model)),
            ));
        }
        if !o.value.is_finite() {
            return Err(field_error(
                &actual.file,
                place(o.line, o.quantity.name()),
                Some(&o.value.to_string()),
                "not a finite number".into(),
            ));
        }
        if o.quantity == Quantity::Users && !model_has_users(model) {
            return Err(field_error(
                &actual.file,
                place(o.line, "users"),
                None,
                USERS_RULE.into(),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------

/// Brier score of a probability forecast `p` for an event: (p − outcome)²,
/// outcome 1 if it happened, else 0. 0 is perfect, 1 the worst; always
/// saying 50 % scores 0.25.
pub fn brier_score(p: f64, happened: bool) -> f64 {
    let o = if happened { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// Log score: −ln of the probability the forecast gave to what happened, in
/// nats, with `p` clamped to `[LOG_SCORE_CLAMP, 1 − LOG_SCORE_CLAMP]` so it
/// stays finite. 0 is perfect; lower is better.
pub fn log_score(p: f64, happened: bool) -> f64 {
    let q = if happened { p } else { 1.0 - p };
    -q.clamp(LOG_SCORE_CLAMP, 1.0 - LOG_SCORE_CLAMP).ln()
}

/// The mid-rank of `x` among a sketch's values, in [0, 1]: the fraction of
/// values below `x`'s bucket plus half of those in it (ties at the sketch's
/// resolution share a rank). Exactly 0 below the minimum and 1 above the
/// maximum (both exact in the sketch). `None` for an empty sketch.
///
/// A value in a bucket that holds no simulated value gets the fraction of
/// values below it; values beyond the exact minimum and maximum get 0 and 1.
pub fn mid_rank(sketch: &Sketch, x: f64) -> Option<f64> {
    let (min, max) = (sketch.min()?, sketch.max()?);
    if x < min {
        return Some(0.0);
    }
    if x > max {
        return Some(1.0);
    }
    if min == max {
        return Some(0.5);
    }
    if x.abs() < SKETCH_ZERO_THRESHOLD {
        return Some(sketch.rank_lookup().mid_rank(0.0));
    }
    let (lo, hi) = Sketch::bucket_bounds(x.abs());
    let (a, b) = if x > 0.0 { (lo, hi) } else { (-hi, -lo) };
    let below = sketch.fraction_below(a)?;
    let through = sketch.fraction_below(b)?;
    Some((0.5 * (below + through)).clamp(0.0, 1.0))
}

/// One observation scored against its month's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationScore {
    /// The month.
    pub month: Month,
    /// What was observed.
    pub quantity: Quantity,
    /// The observed value.
    pub observed: f64,
    /// Mid-rank of the value among the simulated values (0 = below all
    /// paths, 1 = above all); `None` when nothing was simulated.
    pub pit: Option<f64>,
    /// The forecast's percentiles for that month.
    #[serde(flatten)]
    pub forecast: Percentiles,
    /// Inside [p25, p75].
    pub in_50: Option<bool>,
    /// Inside [p5, p95].
    pub in_90: Option<bool>,
    /// The forecast is a single value (every path the same); such
    /// observations count for coverage but not in the PIT summary.
    pub point_forecast: bool,
}

/// How many observations fell inside a central band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandCoverage {
    /// Which band.
    pub band: &'static str,
    /// Share a calibrated forecast holds: 0.5 or 0.9.
    pub nominal: f64,
    /// k: observations inside.
    pub inside: u64,
    /// n: observations scored.
    pub observations: u64,
    /// k / n; `None` when n = 0.
    pub rate: Option<f64>,
    /// 95 % Wilson interval of the rate (assumes independent observations).
    pub ci95: Option<[f64; 2]>,
    /// What the interval says about the nominal share.
    pub verdict: &'static str,
}

impl BandCoverage {
    fn new(band: &'static str, nominal: f64, inside: u64, n: u64) -> BandCoverage {
        let ci = (n > 0).then(|| wilson(inside, n));
        let verdict = match ci {
            None => "no observations",
            Some([lo, _]) if nominal < lo => {
                "more observations inside than nominal: the band is too wide (underconfident)"
            }
            Some([_, hi]) if nominal > hi => {
                "fewer observations inside than nominal: the band is too narrow (overconfident)"
            }
            Some(_) => "consistent with nominal",
        };
        BandCoverage {
            band,
            nominal,
            inside,
            observations: n,
            rate: (n > 0).then(|| inside as f64 / n as f64),
            ci95: ci,
            verdict,
        }
    }
}

/// Coverage of the two central bands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The 50 % band [p25, p75].
    pub band_50: BandCoverage,
    /// The 90 % band [p5, p95].
    pub band_90: BandCoverage,
}

/// Coverage and mean PIT of one quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityScore {
    /// The quantity.
    pub quantity: Quantity,
    /// Observations of it.
    pub observations: u64,
    /// Inside the 50 % band.
    pub inside_50: u64,
    /// Inside the 90 % band.
    pub inside_90: u64,
    /// inside_50 / observations.
    pub rate_50: Option<f64>,
    /// inside_90 / observations.
    pub rate_90: Option<f64>,
    /// Mean PIT (point forecasts left out).
    pub mean_pit: Option<f64>,
}

/// A test of the PITs against the uniform distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniformityTest {
    /// The test.
    pub test: &'static str,
    /// PITs tested.
    pub n: u64,
    /// The statistic D = sup |F_n(u) − u|.
    pub statistic: f64,
    /// Significance level.
    pub alpha: f64,
    /// Critical value of D at `alpha` for this n.
    pub critical_value: f64,
    /// D above the critical value: the PITs are not uniform.
    pub rejects_uniformity: bool,
    /// How far to trust it.
    pub note: String,
}

/// The PITs summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PitSummary {
    /// PITs summarised (point forecasts left out).
    pub observations: u64,
    /// Observations left out because every path had the same value.
    pub point_forecasts_left_out: u64,
    /// Mean PIT; 0.5 for a calibrated forecast.
    pub mean: Option<f64>,
    /// Standard error of the mean if the PITs were independent U(0, 1):
    /// 1/√(12 n).
    pub mean_se_if_calibrated: Option<f64>,
    /// Counts in ten bins [0, 0.1), …, [0.9, 1].
    pub histogram: [u64; 10],
    /// Kolmogorov–Smirnov test against U(0, 1).
    pub uniformity: Option<UniformityTest>,
}

/// Kolmogorov–Smirnov D of `values` (in [0, 1]) against U(0, 1), and its
/// critical value at α = 0.05 by Stephens' approximation
/// 1.358 / (√n + 0.12 + 0.11/√n).
pub fn ks_uniform(values: &[f64]) -> Option<UniformityTest> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let statistic = sorted
        .iter()
        .enumerate()
        .map(|(i, &u)| ((i as f64 + 1.0) / n - u).max(u - i as f64 / n))
        .fold(0.0, f64::max);
    let root = n.sqrt();
    let critical_value = 1.358 / (root + 0.12 + 0.11 / root);
    let mut note = String::from(
        "approximate: assumes independent observations and a continuous forecast; the critical value is Stephens' approximation",
    );
    if sorted.len() < 20 {
        let _ = write!(
            note,
            "; with only {} points the test can miss even a badly calibrated forecast",
            sorted.len()
        );
    }
    Some(UniformityTest {
        test: "Kolmogorov–Smirnov against U(0, 1)",
        n: sorted.len() as u64,
        statistic,
        alpha: UNIFORMITY_ALPHA,
        critical_value,
        rejects_uniformity: statistic > critical_value,
        note,
    })
}

/// The insolvency forecast for one month scored against the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsolvencyScore {
    /// The month.
    pub month: Month,
    /// Forecast P(insolvent by the end of this month).
    pub probability: f64,
    /// Its 95 % Wilson interval (Monte Carlo error only).
    pub ci95: [f64; 2],
    /// Paths insolvent by this month.
    pub count: u64,
    /// Paths simulated.
    pub paths: u64,
    /// Whether the company was insolvent by then; `None` = not known.
    pub observed: Option<bool>,
    /// (P − outcome)².
    pub brier: Option<f64>,
    /// −ln P(outcome), nats, P clamped by `LOG_SCORE_CLAMP`.
    pub log_score: Option<f64>,
}

impl InsolvencyScore {
    fn new(month: Month, count: u64, paths: u64, observed: Option<bool>) -> InsolvencyScore {
        let p = count as f64 / paths as f64;
        InsolvencyScore {
            month,
            probability: p,
            ci95: wilson(count, paths),
            count,
            paths,
            observed,
            brier: observed.map(|o| brier_score(p, o)),
            log_score: observed.map(|o| log_score(p, o)),
        }
    }
}

/// The insolvency forecast scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsolvencyScores {
    /// What the actuals say happened.
    pub outcome: String,
    /// P(insolvent by the horizon) against the outcome by the horizon.
    pub by_horizon: InsolvencyScore,
    /// Cumulative P by each month against the outcome by that month, for
    /// the months where it is known.
    pub by_month: Vec<InsolvencyScore>,
    /// Mean Brier score over `by_month`.
    pub mean_brier_by_month: Option<f64>,
    /// Mean log score over `by_month`.
    pub mean_log_score_by_month: Option<f64>,
    /// Probabilities are clamped to [c, 1 − c] for the log score.
    pub log_score_clamp: f64,
}

/// How the scores are computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestMethod {
    /// PIT.
    pub pit: &'static str,
    /// Bands.
    pub bands: &'static str,
    /// Coverage intervals.
    pub coverage_interval: &'static str,
    /// Uniformity test.
    pub uniformity: &'static str,
    /// Probability scores.
    pub probability_scores: &'static str,
}

/// The backtest report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// runway version.
    pub runway_version: &'static str,
    /// The model run.
    pub model: ModelInfo,
    /// The actual-outcomes file.
    pub actual_file: String,
    /// Paths simulated.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// First month.
    pub start: Month,
    /// Last month.
    pub horizon: Month,
    /// Money unit.
    pub unit: String,
    /// The insolvency floor.
    pub floor: f64,
    /// Every observation, by month then quantity.
    pub observations: Vec<ObservationScore>,
    /// Coverage of the 50 % and 90 % bands.
    pub coverage: Coverage,
    /// Per quantity.
    pub by_quantity: Vec<QuantityScore>,
    /// The PITs summarised.
    pub pit: PitSummary,
    /// The insolvency forecast scored.
    pub insolvency: InsolvencyScores,
    /// How it is computed.
    pub method: BacktestMethod,
    /// What to keep in mind.
    pub notes: Vec<String>,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Scores `actual` against a finished run's tally (which must have its fan).
pub fn score(model: &Model, tally: &Tally, actual: &Actuals, seed: u64) -> Result<Backtest> {
    check_against(model, actual)?;
    let fan = tally.fan.as_ref().ok_or_else(|| {
        Error::Usage("backtest needs the per-month sketches: run with fan = true".into())
    })?;
    if tally.paths == 0 {
        return Err(Error::Usage(
            "backtest needs at least one simulated path".into(),
        ));
    }
    let mut observations: Vec<&Observation> = actual.observations.iter().collect();
    observations.sort_by_key(|o| (o.month, o.quantity));
    let scored: Vec<ObservationScore> = observations
        .iter()
        .map(|o| {
            let t = o.month.months_since(model.start) as usize;
            let sketch = &o.quantity.sketches(fan)[t];
            let forecast = Percentiles::of(sketch);
            let x = o.value;
            let inside = |a: Option<f64>, b: Option<f64>| Some(a? <= x && x <= b?);
            ObservationScore {
                month: o.month,
                quantity: o.quantity,
                observed: x,
                pit: mid_rank(sketch, x),
                in_50: inside(forecast.p25, forecast.p75),
                in_90: inside(forecast.p5, forecast.p95),
                forecast,
                point_forecast: sketch.count() > 0 && sketch.min() == sketch.max(),
            }
        })
        .collect();

    let count = |f: &dyn Fn(&ObservationScore) -> bool| scored.iter().filter(|s| f(s)).count();
    let n_scored = count(&|s| s.in_50.is_some()) as u64;
    let coverage = Coverage {
        band_50: BandCoverage::new(
            "central 50 %: [p25, p75]",
            0.5,
            count(&|s| s.in_50 == Some(true)) as u64,
            n_scored,
        ),
        band_90: BandCoverage::new(
            "central 90 %: [p5, p95]",
            0.9,
            count(&|s| s.in_90 == Some(true)) as u64,
            n_scored,
        ),
    };

    let pit_values = |q: Option<Quantity>| -> Vec<f64> {
        scored
            .iter()
            .filter(|s| !s.point_forecast && q.is_none_or(|q| s.quantity == q))
            .filter_map(|s| s.pit)
            .collect()
    };
    let by_quantity = Quantity::ALL
        .into_iter()
        .filter_map(|q| {
            let of_q: Vec<&ObservationScore> = scored
                .iter()
                .filter(|s| s.quantity == q && s.in_50.is_some())
                .collect();
            if of_q.is_empty() {
                return None;
            }
            let n = of_q.len() as u64;
            let k50 = of_q.iter().filter(|s| s.in_50 == Some(true)).count() as u64;
            let k90 = of_q.iter().filter(|s| s.in_90 == Some(true)).count() as u64;
            Some(QuantityScore {
                quantity: q,
                observations: n,
                inside_50: k50,
                inside_90: k90,
                rate_50: Some(k50 as f64 / n as f64),
                rate_90: Some(k90 as f64 / n as f64),
                mean_pit: mean(&pit_values(Some(q))),
            })
        })
        .collect();

    let pits = pit_values(None);
    let mut histogram = [0u64; 10];
    for &u in &pits {
        histogram[((u * 10.0).floor() as usize).min(9)] += 1;
    }
    let point_forecasts = scored
        .iter()
        .filter(|s| s.point_forecast && s.pit.is_some())
        .count() as u64;
    let pit = PitSummary {
        observations: pits.len() as u64,
        point_forecasts_left_out: point_forecasts,
        mean: mean(&pits),
        mean_se_if_calibrated: (!pits.is_empty())
            .then(|| (12.0 * pits.len() as f64).sqrt().recip()),
        histogram,
        uniformity: ks_uniform(&pits),
    };

    let paths = tally.paths;
    let mut cumulative = 0u64;
    let mut by_month = Vec::new();
    for (i, &k) in tally.insolvent_in_month.iter().enumerate() {
        cumulative += k;
        let month = model.month_label(i as u32 + 1);
        if let Some(o) = actual.insolvency.known_by(month) {
            by_month.push(InsolvencyScore::new(month, cumulative, paths, Some(o)));
        }
    }
    let horizon = model.horizon();
    let by_horizon = InsolvencyScore::new(
        horizon,
        tally.insolvent(),
        paths,
        actual.insolvency.known_by(horizon),
    );
    let briers: Vec<f64> = by_month.iter().filter_map(|s| s.brier).collect();
    let logs: Vec<f64> = by_month.iter().filter_map(|s| s.log_score).collect();
    let insolvency = InsolvencyScores {
        outcome: actual.insolvency.describe(),
        by_horizon,
        mean_brier_by_month: mean(&briers),
        mean_log_score_by_month: mean(&logs),
        by_month,
        log_score_clamp: LOG_SCORE_CLAMP,
    };

    let mut notes = vec![
        "Intervals and the uniformity test treat observations as independent. Months of one company's history are not (cash this month carries last month's), so with real actuals read them as optimistic: the evidence is weaker than k of n suggests.".to_string(),
        format!(
            "Observations are compared with the forecast made by this model file as it is now, for the same months; values are in the model's unit ({}).",
            model.unit
        ),
    ];
    if point_forecasts > 0 {
        notes.push(format!(
            "{point_forecasts} observation(s) fell on a month where every path had the same value; they count for coverage but not for the PIT summary."
        ));
    }
    if actual.insolvency.is_empty() {
        notes.push("The actuals have no `insolvent` values, so the insolvency forecast is shown but not scored.".into());
    } else if insolvency.by_horizon.observed.is_none() {
        notes.push(format!(
            "The outcome by the horizon {horizon} is not known from the actuals ({}), so only the months with a known outcome are scored.",
            actual.insolvency.describe()
        ));
    }
    if insolvency.by_month.len() > 1 {
        notes.push("Month-by-month insolvency scores are cumulative (insolvent by that month) and strongly dependent from month to month; their mean is a summary, not a sum of independent trials.".into());
    }

    Ok(Backtest {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: ModelInfo {
            name: model.name.clone(),
            file: model.source.label.clone(),
            scenario: model.scenario.clone(),
        },
        actual_file: actual.file.clone(),
        paths,
        seed,
        start: model.start,
        horizon,
        unit: model.unit.clone(),
        floor: model.floor,
        observations: scored,
        coverage,
        by_quantity,
        pit,
        insolvency,
        method: BacktestMethod {
            pit: "mid-rank of the observed value among the simulated values of its month and quantity, at the sketch's resolution (buckets 0.4 % wide): fraction below plus half the ties; 0 below the simulated minimum, 1 above the maximum (both exact)",
            bands: "central 50 % band [p25, p75] and 90 % band [p5, p95], inclusive, from the sketch quantiles (relative error at most 0.2 %)",
            coverage_interval: "Wilson score 95 % for k of n, assuming independent observations",
            uniformity: "Kolmogorov–Smirnov D of the PITs against U(0, 1); critical value at α = 0.05 by Stephens' approximation 1.358 / (√n + 0.12 + 0.11/√n); approximate",
            probability_scores: "Brier = (P − outcome)²; log score = −ln P(outcome) in nats with P clamped to [1e-6, 1 − 1e-6]; lower is better for both",
        },
        notes,
    })
}

/// Simulates `model` with per-month sketches (forcing `fan`) and scores
/// `actual` against it.
pub fn run_backtest(
    model: &Model,
    actual: &Actuals,
    spec: &RunSpec,
    progress: &Progress,
) -> Result<Backtest> {
    check_against(model, actual)?;
    let spec = RunSpec {
        fan: true,
        ..spec.clone()
    };
    let tally = simulate(model, &spec, progress)?;
    score(model, &tally, actual, spec.seed)
}

// ---------------------------------------------------------------------------
// Renderers
// ---------------------------------------------------------------------------

fn csv_num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{}", if v == 0.0 { 0.0 } else { v }),
        _ => String::new(),
    }
}

fn csv_flag(x: Option<bool>) -> String {
    x.map_or_else(String::new, |b| if b { "1" } else { "0" }.to_string())
}

/// One row per observation: month, quantity, observed, pit, p5, p25, p50,
/// p75, p95, in_50, in_90 (1 = inside, 0 = outside; empty = not computed).
pub fn render_backtest_csv(b: &Backtest) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "month", "quantity", "observed", "pit", "p5", "p25", "p50", "p75", "p95", "in_50", "in_90",
    ])
    .expect("in-memory CSV");
    for o in &b.observations {
        let f = &o.forecast;
        w.write_record([
            o.month.to_string(),
            o.quantity.name().to_string(),
            csv_num(Some(o.observed)),
            csv_num(o.pit),
            csv_num(f.p5),
            csv_num(f.p25),
            csv_num(f.p50),
            csv_num(f.p75),
            csv_num(f.p95),
            csv_flag(o.in_50),
            csv_flag(o.in_90),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

/// The report as pretty JSON.
pub fn render_backtest_json(b: &Backtest) -> String {
    let mut text = serde_json::to_string_pretty(b).expect("a backtest always serialises");
    text.push('\n');
    text
}

fn opt_money(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), format_money)
}

use crate::output::format_count as count;

fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn band_line(out: &mut String, c: &BandCoverage) {
    let rate = c.rate.map_or("–".into(), percent);
    let ci = c.ci95.map_or("–".into(), |[lo, hi]| {
        format!("{} – {}", percent(lo), percent(hi))
    });
    let _ = writeln!(
        out,
        "  {:<26} {:>4} of {:<4} {:>7}   95 % CI {:<15}  nominal {:<5}  {}",
        c.band,
        c.inside,
        c.observations,
        rate,
        ci,
        percent(c.nominal).replace(".0 ", " "),
        c.verdict
    );
}

fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTS[eighths % 8]);
    s
}

/// The report as a terminal table.
pub fn render_backtest_table(b: &Backtest) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "runway {} backtest · {} ({})",
        b.runway_version, b.model.name, b.model.file
    );
    let _ = writeln!(
        out,
        "actuals {} · scenario {} · {} to {} · money in {} · insolvent below {}",
        b.actual_file,
        b.model.scenario.as_deref().unwrap_or("(none)"),
        b.start,
        b.horizon,
        b.unit,
        format_money(b.floor)
    );
    let quantities: Vec<&str> = b.by_quantity.iter().map(|q| q.quantity.name()).collect();
    let months = {
        let mut m: Vec<Month> = b.observations.iter().map(|o| o.month).collect();
        m.dedup();
        m.len()
    };
    let _ = writeln!(
        out,
        "{} paths · seed {} · {} observation(s){}{}",
        count(b.paths),
        b.seed,
        b.observations.len(),
        if quantities.is_empty() {
            String::new()
        } else {
            format!(" of {}", quantities.join(", "))
        },
        if months == 0 {
            String::new()
        } else {
            format!(" in {months} month(s)")
        }
    );
    let _ = writeln!(out);

    if !b.observations.is_empty() {
        let _ = writeln!(
            out,
            "  {:<8} {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>7}  {:<4} {:<4}",
            "month",
            "quantity",
            "observed",
            "p5",
            "p25",
            "median",
            "p75",
            "p95",
            "PIT",
            "50 %",
            "90 %"
        );
        let flag = |x: Option<bool>| match x {
            Some(true) => "in",
            Some(false) => "out",
            None => "–",
        };
        for o in &b.observations {
            let f = &o.forecast;
            let _ = writeln!(
                out,
                "  {:<8} {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>7}  {:<4} {:<4}",
                o.month.to_string(),
                o.quantity.name(),
                format_money(o.observed),
                opt_money(f.p5),
                opt_money(f.p25),
                opt_money(f.p50),
                opt_money(f.p75),
                opt_money(f.p95),
                o.pit.map_or("–".into(), |p| format!("{p:.3}")),
                flag(o.in_50),
                flag(o.in_90),
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Coverage: share of observations inside each central band of the forecast"
        );
        band_line(&mut out, &b.coverage.band_50);
        band_line(&mut out, &b.coverage.band_90);
        if b.by_quantity.len() > 1 {
            for q in &b.by_quantity {
                let _ = writeln!(
                    out,
                    "    {:<8} {:>4} obs   50 %: {:>4} of {:<4}  90 %: {:>4} of {:<4}  mean PIT {}",
                    q.quantity.name(),
                    q.observations,
                    q.inside_50,
                    q.observations,
                    q.inside_90,
                    q.observations,
                    q.mean_pit.map_or("–".into(), |m| format!("{m:.3}"))
                );
            }
        }
        let _ = writeln!(out);
        let p = &b.pit;
        let _ = writeln!(
            out,
            "PIT: where each observation fell in its forecast (0 = below every path, 1 = above every path)"
        );
        match (p.mean, p.mean_se_if_calibrated) {
            (Some(m), Some(se)) => {
                let _ = writeln!(
                    out,
                    "  mean {m:.3} over {} observation(s) (0.500 if calibrated, standard error {se:.3}); below 0.5: outcomes fell low in the fan, above: high",
                    p.observations
                );
            }
            _ => {
                let _ = writeln!(out, "  no PITs to summarise");
            }
        }
        if p.point_forecasts_left_out > 0 {
            let _ = writeln!(
                out,
                "  {} observation(s) on a single-valued forecast left out",
                p.point_forecasts_left_out
            );
        }
        if p.observations > 0 {
            let most = p.histogram.iter().copied().max().unwrap_or(0).max(1);
            for (i, &k) in p.histogram.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  {:.1}–{:.1} {:>5}  {}",
                    i as f64 / 10.0,
                    (i + 1) as f64 / 10.0,
                    k,
                    bar(k as f64 / most as f64, 30)
                );
            }
        }
        if let Some(u) = &p.uniformity {
            let _ = writeln!(
                out,
                "  {}: D = {:.3}, critical value {:.3} at α = {} (n = {}): {}",
                u.test,
                u.statistic,
                u.critical_value,
                u.alpha,
                u.n,
                if u.rejects_uniformity {
                    "uniformity rejected: the forecast is miscalibrated"
                } else {
                    "uniformity not rejected"
                }
            );
            let _ = writeln!(out, "  ({})", u.note);
        }
        let _ = writeln!(out);
    }

    let ins = &b.insolvency;
    let _ = writeln!(out, "Insolvency forecast · outcome: {}", ins.outcome);
    let h = &ins.by_horizon;
    let _ = writeln!(
        out,
        "  by {} (horizon): P = {} (95 % CI {} – {}, {} of {} paths) · {}",
        h.month,
        format_probability(h.probability),
        format_probability(h.ci95[0]),
        format_probability(h.ci95[1]),
        count(h.count),
        count(h.paths),
        match (h.observed, h.brier, h.log_score) {
            (Some(o), Some(br), Some(ls)) => format!(
                "observed {} · Brier {br:.4} · log score {ls:.3} nats",
                if o { "insolvent" } else { "solvent" }
            ),
            _ => "outcome not known: not scored".into(),
        }
    );
    if !ins.by_month.is_empty() {
        let _ = writeln!(
            out,
            "  month by month ({} month(s) with a known outcome): mean Brier {} · mean log score {} nats",
            ins.by_month.len(),
            ins.mean_brier_by_month.map_or("–".into(), |v| format!("{v:.4}")),
            ins.mean_log_score_by_month.map_or("–".into(), |v| format!("{v:.3}")),
        );
        let _ = writeln!(
            out,
            "    {:<8} {:>14} {:>9} {:>8} {:>10}",
            "month", "P(insolv. by)", "observed", "Brier", "log score"
        );
        for s in &ins.by_month {
            let _ = writeln!(
                out,
                "    {:<8} {:>14} {:>9} {:>8} {:>10}",
                s.month.to_string(),
                format_probability(s.probability),
                match s.observed {
                    Some(true) => "1",
                    Some(false) => "0",
                    None => "–",
                },
                s.brier.map_or("–".into(), |v| format!("{v:.4}")),
                s.log_score.map_or("–".into(), |v| format!("{v:.3}")),
            );
        }
    }
    let _ = writeln!(
        out,
        "  Brier = (P − outcome)², log score = −ln P(outcome) with P clamped to [{:e}, 1 − {:e}]; 0 is perfect, lower is better.",
        ins.log_score_clamp, ins.log_score_clamp
    );
    let _ = writeln!(out);
    for note in &b.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    // Padded last columns leave trailing spaces.
    let mut trimmed: String = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    trimmed.push('\n');
    trimmed
}

// ---------------------------------------------------------------------------
// Output folder
// ---------------------------------------------------------------------------

/// Prepares `dir` for `backtest.csv` and `backtest.json` before the run:
/// creates it, checks it is writable, and refuses to replace existing
/// backtest files unless `force`.
pub fn prepare_backtest_out(dir: &Path, force: bool) -> Result<OutputDir> {
    // The run's own files (summary.csv, …) are not touched, so they do not
    // block a backtest in the same folder.
    OutputDir::prepare_guarding(dir, force, &BACKTEST_FILES, "backtest output")
}

/// Writes `backtest.csv` and `backtest.json` into a prepared folder,
/// atomically (both appear, or neither).
pub fn write_backtest_out(out: &OutputDir, b: &Backtest) -> Result<()> {
    out.stage("backtest.csv", render_backtest_csv(b).as_bytes())?;
    out.stage("backtest.json", render_backtest_json(b).as_bytes())?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::SKETCH_RELATIVE_ERROR;

    #[test]
    fn bucket_bounds_hold_the_value_at_the_sketch_resolution() {
        for x in [1e-9, 0.37, 1.0, 123.456, 9.9e12] {
            let (lo, hi) = Sketch::bucket_bounds(x);
            assert!(lo <= x && x < hi, "{x}: [{lo}, {hi})");
            assert!((hi - lo) / lo <= 2.0 * SKETCH_RELATIVE_ERROR + 1e-15);
        }
    }

    #[test]
    fn mid_ranks_of_seen_values_match_the_sketch_lookup() {
        let mut s = Sketch::new();
        let values: Vec<f64> = (-700..900)
            .map(|i| i as f64 * 0.731 + if i % 7 == 0 { 0.0 } else { 0.01 })
            .collect();
        values.iter().for_each(|&v| s.add(v));
        s.add(0.0);
        let lookup = s.rank_lookup();
        for &v in values.iter().chain([0.0].iter()) {
            let a = mid_rank(&s, v).unwrap();
            let b = lookup.mid_rank(v);
            assert!((a - b).abs() < 1e-12, "{v}: {a} vs {b}");
        }
    }

    #[test]
    fn unseen_values_get_the_fraction_below_them() {
        let mut s = Sketch::new();
        for v in [-50.0, -40.0, -30.0, 20.0, 30.0, 40.0] {
            s.add(v);
        }
        // Between the negatives and the positives: half the values below.
        assert_eq!(mid_rank(&s, 1.0), Some(0.5));
        assert_eq!(mid_rank(&s, -1.0), Some(0.5));
        assert_eq!(mid_rank(&s, -45.0), Some(1.0 / 6.0));
        assert_eq!(mid_rank(&s, -60.0), Some(0.0));
        assert_eq!(mid_rank(&s, 60.0), Some(1.0));
        assert_eq!(mid_rank(&Sketch::new(), 1.0), None);
    }

    #[test]
    fn ks_statistic_of_an_even_grid_is_half_a_step() {
        let grid: Vec<f64> = (0..100).map(|i| (i as f64 + 0.5) / 100.0).collect();
        let t = ks_uniform(&grid).unwrap();
        assert!((t.statistic - 0.005).abs() < 1e-12);
        assert!(!t.rejects_uniformity);
        let bunched = vec![0.9; 50];
        assert!(ks_uniform(&bunched).unwrap().rejects_uniformity);
    }
}
