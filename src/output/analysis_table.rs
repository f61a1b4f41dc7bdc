//! The terminal tables of a scenario comparison and a sensitivity
//! analysis, laid out within a width.

use super::layout::{abbreviate, definitions, pack, width_of, wrap, Align, Table};
use super::number::{count, decimal, seconds, signed, Money, Percent, Points};
use super::table::ci_cells;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::{Driver, Sensitivity};
use std::fmt::Write as _;

/// A statistic with a sign and three decimals, or a dash.
fn opt_signed(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| signed(v, 3))
}

/// The comparison as a terminal table, every line within `width` columns.
pub fn render_compare_table(c: &Comparison, width: usize) -> String {
    let mut out = String::new();
    let title = format!("runway {} compare · {}", c.runway_version, c.model);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", c.file),
        format!("horizon {}", c.horizon),
        format!("money in {}", c.unit),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let parts = [
        format!("{} paths per scenario", count(c.paths)),
        format!("seed {} (common random numbers)", c.seed),
        seconds(c.run.elapsed_seconds),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let _ = writeln!(out);
    scenario_table(&mut out, c, width);
    difference_table(&mut out, c, width);
    let described: Vec<(String, String)> = c
        .scenarios
        .iter()
        .filter(|r| !r.description.is_empty())
        .map(|r| (r.scenario.clone(), r.description.clone()))
        .collect();
    if !described.is_empty() {
        let _ = writeln!(out);
        out.push_str(&definitions(&described, width, "  "));
    }
    let _ = writeln!(out);
    out.push_str(&wrap(&format!("Differences: {}.", c.method), width, "", ""));
    out
}

/// Each scenario's insolvency and end cash.
fn scenario_table(out: &mut String, c: &Comparison, width: usize) {
    let mut table = Table::new(2)
        .column("scenario", Align::Left, 0)
        .column(&format!("P(insolvent\nby {})", c.horizon), Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("insolvent\n(median)", Align::Left, 3)
        .column("end cash\np5", Align::Right, 2)
        .column("end cash\nmedian", Align::Right, 2);
    let p = Percent::column(c.scenarios.iter().map(|r| r.insolvency.probability));
    let cis: Vec<[f64; 2]> = c.scenarios.iter().map(|r| r.insolvency.ci95).collect();
    let cash = Money::column_opt(
        c.scenarios
            .iter()
            .flat_map(|r| [&r.end_cash.p5, &r.end_cash.p50]),
    );
    for (row, ci) in c.scenarios.iter().zip(ci_cells(&cis)) {
        table.row(vec![
            row.scenario.clone(),
            p.fmt(row.insolvency.probability),
            ci,
            row.median_insolvency_month
                .clone()
                .unwrap_or_else(|| "–".into()),
            cash.opt(row.end_cash.p5),
            cash.opt(row.end_cash.p50),
        ]);
    }
    table.fit(0, width, 12);
    out.push_str(&table.render());
}

/// Each scenario's paired difference from the first.
fn difference_table(out: &mut String, c: &Comparison, width: usize) {
    let [first, rest @ ..] = c.scenarios.as_slice() else {
        return;
    };
    if rest.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let title = format!(
        "Difference from {} (paired: the same paths in every scenario):",
        first.scenario
    );
    out.push_str(&wrap(&title, width, "", "  "));
    let money = Money::column(rest.iter().flat_map(|r| {
        let d = &r.difference;
        [
            d.mean_end_cash,
            d.mean_end_cash_ci95[0],
            d.mean_end_cash_ci95[1],
        ]
    }));
    let table = |with_cash_ci: bool| {
        let mut t = Table::new(2)
            .column("scenario", Align::Left, 0)
            .column("Δ P(insolvent)", Align::Right, 2)
            .column("95 % CI", Align::Right, 3)
            .column("Δ mean end cash", Align::Right, 3);
        if with_cash_ci {
            t = t.column("95 % CI", Align::Right, 3);
        }
        for row in rest {
            let d = &row.difference;
            let mut cells = vec![
                row.scenario.clone(),
                Points::TWO.fmt(d.probability),
                Points::TWO.interval(d.probability_ci95),
                money.signed(d.mean_end_cash),
            ];
            if with_cash_ci {
                cells.push(format!(
                    "{} to {}",
                    money.signed(d.mean_end_cash_ci95[0]),
                    money.signed(d.mean_end_cash_ci95[1])
                ));
            }
            t.row(cells);
        }
        t
    };
    let mut table = match table(true) {
        wide if wide.width() <= width => wide,
        _ => table(false),
    };
    table.fit(0, width, 12);
    out.push_str(&table.render());
}

/// What share of the paths an input's low and high groups hold, when it is
/// not the nominal 10 % (a discrete input whose lowest value holds 25 % of
/// the paths): `(low 25 %, high 25 %)`.
fn group_label(d: &Driver) -> Option<String> {
    let [low, high] = d.group_shares.map(|s| (100.0 * s).round() as u64);
    (low != 10 || high != 10).then(|| format!("(low {low} %, high {high} %)"))
}

/// The drivers' table: `restacked` puts each input's name on a line of its
/// own, above its figures; `months` adds ρ with months to insolvency.
fn drivers_table(s: &Sensitivity, restacked: bool, months: bool) -> Table {
    let low = Percent::column(s.drivers.iter().map(|d| d.lowest_decile.probability));
    let high = Percent::column(s.drivers.iter().map(|d| d.highest_decile.probability));
    let mut t = Table::new(if restacked { 4 } else { 2 });
    if !restacked {
        t = t.column("input (sorted by |swing|)", Align::Left, 0);
    }
    t = t
        .column("P(insolvent)\nlow 10 %", Align::Right, 2)
        .column("P(insolvent)\nhigh 10 %", Align::Right, 2)
        .column("swing\n(pp)", Align::Right, 2)
        .column("swing 95 % CI\n(pp)", Align::Right, 2)
        .column("ρ end\ncash", Align::Right, 2);
    if months {
        t = t.column("ρ months\nto insolv.", Align::Right, 2);
    }
    t = t.column("S1", Align::Right, 2);
    for d in &s.drivers {
        let mut cells = Vec::new();
        if !restacked {
            let label = group_label(d).map_or(String::new(), |l| format!(" {l}"));
            cells.push(format!("{}{label}", d.input));
        }
        cells.extend([
            low.fmt(d.lowest_decile.probability),
            high.fmt(d.highest_decile.probability),
            Points::TWO.number(d.swing),
            format!(
                "{} to {}",
                Points::TWO.number(d.swing_ci95[0]),
                Points::TWO.number(d.swing_ci95[1])
            ),
            opt_signed(d.spearman_end_cash),
        ]);
        if months {
            cells.push(opt_signed(d.spearman_months_to_insolvency));
        }
        cells.push(d.first_order_index.map_or("–".into(), |v| decimal(v, 3)));
        t.row(cells);
    }
    t
}

/// The sensitivity analysis as a terminal table, every line within `width`
/// columns: one line per input where the names fit, else each name on a
/// line of its own above its figures.
pub fn render_sensitivity_table(s: &Sensitivity, width: usize) -> String {
    let mut out = String::new();
    let title = format!("runway {} sensitivity · {}", s.runway_version, s.model);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", s.file),
        format!("scenario {}", s.scenario.as_deref().unwrap_or("(none)")),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let parts = [
        format!("{} paths", count(s.paths)),
        format!("seed {}", s.seed),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let headline = [
        format!(
            "P(insolvent by {}) = {}",
            s.horizon,
            super::number::probability(s.insolvency.probability)
        ),
        format!(
            "95 % CI {}",
            ci_cells(&[s.insolvency.ci95]).remove(0).trim_start()
        ),
    ];
    out.push_str(&pack(&headline, "   ", width, "  "));
    let _ = writeln!(out);
    let one_line = drivers_table(s, false, true);
    if one_line.width() <= width {
        out.push_str(&one_line.render());
    } else {
        let table = match drivers_table(s, true, true) {
            t if t.width() <= width => t,
            _ => drivers_table(s, true, false),
        };
        let _ = writeln!(out, "  input (sorted by |swing|)");
        let text = table.render();
        let head_lines = 2;
        let mut lines = text.lines();
        for line in lines.by_ref().take(head_lines) {
            let _ = writeln!(out, "{line}");
        }
        for (line, d) in lines.zip(&s.drivers) {
            let name = abbreviate(&d.input, width.saturating_sub(2));
            match group_label(d) {
                Some(label) if width_of(&name) + 3 + width_of(&label) <= width => {
                    let _ = writeln!(out, "  {name} {label}");
                }
                Some(label) => {
                    let _ = writeln!(out, "  {name}\n    {label}");
                }
                None => {
                    let _ = writeln!(out, "  {name}");
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out);
    let legend = "low 10 %, high 10 %: the paths with the input in its lowest or highest \
        tenth (for a discrete input, the values that reach into it: the share of paths \
        they hold follows its name when it is not 10 %). swing = P(insolvent | high) − \
        P(insolvent | low), in percentage points; ρ = Spearman rank correlation; S1 = \
        first-order index of insolvency.";
    out.push_str(&wrap(legend, width, "", ""));
    for note in &s.notes {
        out.push_str(&wrap(&format!("Note: {note}"), width, "", "  "));
    }
    out
}
