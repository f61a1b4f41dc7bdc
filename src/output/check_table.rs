//! The `check` listing: a valid model's shape and every input with its
//! spread, laid out within a width.

use super::layout::{definitions, pack, wrap, Align, Table};
use super::number::{money, Money};
use crate::analysis::check::{Check, Drawn, InputSpread};
use std::fmt::Write as _;

/// The `check` listing, every line within `width` columns.
pub fn render_check(check: &Check<'_>, width: usize) -> String {
    let model = check.model;
    let mut out = String::new();
    let _ = writeln!(out, "{}: valid", model.source.label);
    out.push_str(&wrap(&model.name, width, "  ", "    "));
    if !model.description.is_empty() {
        out.push_str(&wrap(model.description.trim(), width, "  ", "  "));
    }
    let shape = [
        format!(
            "  {} to {} ({} months)",
            model.start,
            model.horizon(),
            model.months
        ),
        format!("money in {}", model.unit),
        format!("insolvent below {}", money(model.floor)),
    ];
    out.push_str(&pack(&shape, " · ", width, "  "));
    let lines = [
        format!("  {} cost line(s)", model.costs.len()),
        format!("{} revenue line(s)", model.revenues.len()),
        format!("{} inflow(s)", model.inflows.len()),
        format!("{} shock(s)", model.shocks.len()),
        format!("{} flow(s)", model.flows.len()),
    ];
    out.push_str(&pack(&lines, ", ", width, "  "));
    if let Some(s) = &model.scenario {
        out.push_str(&wrap(&format!("scenario: {s}"), width, "  ", "    "));
    }
    if !model.scenarios.is_empty() {
        let _ = writeln!(out, "  scenarios defined:");
        out.push_str(&definitions(&model.scenarios, width, "    "));
    }
    for (drawn, title) in [
        (Drawn::PerPath, "Inputs drawn once per path:"),
        (Drawn::Monthly, "Inputs drawn every month:"),
    ] {
        let rows: Vec<&InputSpread<'_>> =
            check.inputs.iter().filter(|r| r.drawn == drawn).collect();
        if !rows.is_empty() {
            let _ = writeln!(out);
            inputs(&mut out, title, &rows, width);
        }
    }
    fits(&mut out, &check.inputs, width);
    out
}

/// The inputs given by quantiles: each quantile given beside the fitted
/// distribution's value at its probability.
fn fits(out: &mut String, rows: &[InputSpread<'_>], width: usize) {
    let rows: Vec<&InputSpread<'_>> = rows.iter().filter(|r| !r.fit.is_empty()).collect();
    if rows.is_empty() {
        return;
    }
    let mut t = Table::new(2)
        .column("Inputs given by quantiles:", Align::Left, 0)
        .column("probability", Align::Right, 2)
        .column("given", Align::Right, 2)
        .column("fitted", Align::Right, 2);
    for row in rows {
        let format = Money::column(row.fit.iter().flat_map(|q| [q.given, q.fitted]));
        for (i, q) in row.fit.iter().enumerate() {
            let name = if i == 0 {
                row.input.path.clone()
            } else {
                String::new()
            };
            t.row(vec![
                name,
                super::number::probability(q.probability),
                format.fmt(q.given),
                format.fmt(q.fitted),
            ]);
        }
    }
    t.fit(0, width, 20);
    let _ = writeln!(out);
    out.push_str(&t.render());
}

/// One group of inputs: name, p5, median, p95 and distribution; the
/// distribution on a line of its own below the input when a line cannot
/// hold it (a constant's is its value, so it gets none).
fn inputs(out: &mut String, title: &str, rows: &[&InputSpread<'_>], width: usize) {
    let table = |with_dist: bool| {
        let mut t = Table::new(2)
            .column(title, Align::Left, 0)
            .column("p5", Align::Right, 2)
            .column("median", Align::Right, 2)
            .column("p95", Align::Right, 2);
        if with_dist {
            t = t.column("distribution", Align::Left, 3);
        }
        for row in rows {
            // The three spreads of one input share its decimals: each row
            // is its own quantity, in its own unit.
            let format = Money::column([row.p5, row.median, row.p95]);
            let mut cells = vec![
                row.input.path.clone(),
                format.fmt(row.p5),
                format.fmt(row.median),
                format.fmt(row.p95),
            ];
            if with_dist {
                cells.push(row.input.dist.label().to_string());
            }
            t.row(cells);
        }
        t
    };
    let wide = table(true);
    if wide.width() <= width {
        out.push_str(&wide.render());
        return;
    }
    let mut narrow = table(false);
    narrow.fit(0, width, 20);
    let text = narrow.render();
    let mut lines = text.lines();
    for line in lines.by_ref().take(1) {
        let _ = writeln!(out, "{line}");
    }
    for (line, row) in lines.zip(rows) {
        let _ = writeln!(out, "{line}");
        if row.input.dist.as_constant().is_none() {
            out.push_str(&wrap(row.input.dist.label(), width, "      ", "        "));
        }
    }
}
