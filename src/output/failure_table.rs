//! The terminal report's failure section, for a model with debt or
//! covenants: P(insolvent), P(covenant breach) and P(either) side by side,
//! and the failing paths' shortfall. Absent for a model without them.

use super::layout::{wrap, Align, Table};
use super::number::{count, Money, Percent};
use super::table::ci_cells;
use crate::analysis::summary::{Insolvency, Summary};
use std::fmt::Write as _;

/// The failure rows and the shortfall's percentiles, when the summary has them.
pub(super) fn failure_rows(out: &mut String, s: &Summary, width: usize) {
    let (Some(breach), Some(failure), Some(shortfall)) = (&s.breach, &s.failure, &s.shortfall)
    else {
        return;
    };
    let _ = writeln!(out);
    out.push_str(&wrap(
        "Failure (insolvent, or a covenant breached, whichever comes first):",
        width,
        "",
        "  ",
    ));
    let rows: [(&str, &Insolvency); 3] = [
        ("insolvent", &s.insolvency),
        ("covenant breach", breach),
        ("either (failure)", failure),
    ];
    let p = Percent::column(rows.iter().map(|(_, r)| r.probability));
    let cis: Vec<[f64; 2]> = rows.iter().map(|(_, r)| r.ci95).collect();
    let mut table = Table::new(2)
        .column("", Align::Left, 0)
        .column("P", Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("paths", Align::Right, 3)
        .column("median", Align::Right, 3);
    for ((label, r), ci) in rows.iter().zip(ci_cells(&cis)) {
        table.row(vec![
            label.to_string(),
            p.fmt(r.probability),
            ci,
            count(r.count),
            r.median_month
                .map(|m| m.to_string())
                .unwrap_or_else(|| "–".into()),
        ]);
    }
    table.fit(0, width, 16);
    out.push_str(&table.render());
    let q = &shortfall.percentiles;
    let format = Money::column([q.p5, q.p25, q.p50, q.p75, q.p95].into_iter().flatten());
    let line = match q.p50 {
        None => "Shortfall of the failing paths: no path failed".to_string(),
        Some(_) => format!(
            "Shortfall of the failing paths (floor − lowest cash, {}): p5 {}, p25 {}, median {}, p75 {}, p95 {}",
            s.unit,
            format.opt(q.p5),
            format.opt(q.p25),
            format.opt(q.p50),
            format.opt(q.p75),
            format.opt(q.p95)
        ),
    };
    out.push_str(&wrap(&line, width, "", "  "));
}
