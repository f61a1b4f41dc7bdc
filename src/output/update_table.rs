//! The reforecast (`runway update`) as a terminal table: what was
//! observed, the headline probability before and after, month by month,
//! each input before and after, and what the weights did.

use super::layout::{abbreviate, pack, wrap, Align, Table};
use super::number::{count, money, Money, Percent, Points};
use super::table::ci_cells;
use super::update::UpdateReport;
use crate::analysis::update::{MonthProbability, Spread, Update};
use std::fmt::Write as _;

/// The report as a terminal table, every line within `width` columns.
pub fn render_update_table(r: &UpdateReport<'_>, width: usize) -> String {
    let u = r.update;
    let mut out = String::new();
    header(&mut out, r, width);
    headline(&mut out, r, width);
    by_month(&mut out, u);
    if !u.inputs.is_empty() {
        inputs(&mut out, u, width);
    }
    steps(&mut out, u);
    let legend = format!(
        "Intervals: 95 % Wilson with n = the effective paths: the Monte Carlo error of the weighted paths, not the uncertainty of the model or of the actuals. Effective paths: how many independent, equally weighted paths would estimate the posterior P as precisely (paths that descend from one path of the prior count as related); a step's, how many the weights of that month leave. A smaller observation error (--error) trusts the figures more and leaves fewer. Relative errors used: {}.",
        errors_text(r)
    );
    out.push_str(&wrap(&legend, width, "", ""));
    for warning in &u.warnings {
        out.push_str(&wrap(&format!("Warning: {warning}"), width, "", "  "));
    }
    out
}

/// `cash 2.00 %, revenue 5.00 %, …`: the observation errors.
fn errors_text(r: &UpdateReport<'_>) -> String {
    let e = &r.errors;
    let values = [e.cash, e.revenue, e.cost, e.users];
    let p = Percent::column(values);
    ["cash", "revenue", "cost", "users"]
        .iter()
        .zip(values)
        .map(|(name, v)| format!("{name} {}", p.fmt(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header: model, actuals, what was observed, the run.
fn header(out: &mut String, r: &UpdateReport<'_>, width: usize) {
    let title = format!(
        "runway {} update · {}",
        env!("CARGO_PKG_VERSION"),
        r.model.name
    );
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", r.model.file),
        format!("actuals {}", r.actual_file),
        format!(
            "scenario {}",
            r.model.scenario.as_deref().unwrap_or("(none)")
        ),
        format!("{} to {}", r.start, r.horizon),
        format!("money in {}", r.unit),
        format!("insolvent below {}", money(r.floor)),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let observed = if r.values == 0 {
        "no values observed (solvency only)".to_string()
    } else {
        let names: Vec<&str> = r.quantities.iter().map(|q| q.name()).collect();
        format!(
            "{} value(s) of {} in {} month(s)",
            count(r.values as u64),
            names.join(", "),
            r.months.len()
        )
    };
    let parts = [
        format!("as of {}", r.update.as_of),
        observed,
        format!("{} paths", count(r.update.paths)),
        format!("seed {}", r.seed),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let _ = writeln!(out);
}

/// P(insolvent by the horizon): prior, prior given survival, posterior,
/// the change, and the effective paths.
fn headline(out: &mut String, r: &UpdateReport<'_>, width: usize) {
    let u = r.update;
    let rows: [(String, &MonthProbability); 3] = [
        (
            format!("prior (the model at {})", r.start),
            &u.prior.horizon,
        ),
        (
            format!("prior, solvent through {}", u.as_of),
            &u.prior_solvent.horizon,
        ),
        ("posterior (given the actuals)".into(), &u.posterior.horizon),
    ];
    let p = Percent::column(rows.iter().map(|(_, m)| m.probability));
    let cis = ci_cells(&rows.iter().map(|(_, m)| m.ci95).collect::<Vec<_>>());
    let mut t = Table::new(2)
        .column(&format!("P(insolvent by {})", r.horizon), Align::Left, 0)
        .column("P", Align::Right, 2)
        .column("95 % CI", Align::Left, 3);
    for ((name, m), ci) in rows.iter().zip(cis) {
        t.row(vec![name.clone(), p.fmt(m.probability), ci]);
    }
    t.row(vec![
        "change since the prior".into(),
        Points::TWO.fmt(u.change()),
        String::new(),
    ]);
    t.fit(0, width, 20);
    // The first column's header is flush with the indent: a title.
    let text = t.render();
    let mut lines = text.lines();
    if let Some(head) = lines.next() {
        let _ = writeln!(out, "{}", head.trim_start());
    }
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let share = u.effective_paths / u.paths.max(1) as f64;
    let ess = format!(
        "effective paths {} of {} ({})",
        count(u.effective_paths.round() as u64),
        count(u.paths),
        Percent::with_decimals(1).fmt(share)
    );
    out.push_str(&wrap(&ess, width, "  ", "    "));
    let _ = writeln!(out);
}

/// P(insolvent by each month after the as-of month): prior, prior given
/// survival, posterior with its interval.
fn by_month(out: &mut String, u: &Update) {
    let post = &u.posterior.insolvency;
    let all = post
        .iter()
        .chain(&u.prior.insolvency)
        .chain(&u.prior_solvent.insolvency);
    let p = Percent::column(all.map(|m| m.probability));
    let cis = ci_cells(&post.iter().map(|m| m.ci95).collect::<Vec<_>>());
    let mut t = Table::new(2)
        .column("By month", Align::Left, 0)
        .column("prior", Align::Right, 2)
        .column(&format!("prior,\nsolvent to\n{}", u.as_of), Align::Right, 2)
        .column("posterior", Align::Right, 2)
        .column("95 % CI", Align::Left, 3);
    let rows = post
        .iter()
        .zip(&u.prior.insolvency)
        .zip(&u.prior_solvent.insolvency);
    for (((m, prior), solvent), ci) in rows.zip(cis) {
        t.row(vec![
            m.month.to_string(),
            p.fmt(prior.probability),
            p.fmt(solvent.probability),
            p.fmt(m.probability),
            ci,
        ]);
    }
    out.push_str(&t.render());
    let _ = writeln!(out);
}

/// Each uncertain per-path input: median and 90 % range, prior and
/// posterior on one line (the six figures of one input share its
/// decimals); when that cannot fit the width, the prior and the posterior
/// on a line each below the input's name.
fn inputs(out: &mut String, u: &Update, width: usize) {
    const TITLE: &str = "Inputs drawn once per path";
    let format =
        |a: &Spread, b: &Spread| Money::column([a.median, a.p5, a.p95, b.median, b.p5, b.p95]);
    let mut t = Table::new(2)
        .column(TITLE, Align::Left, 0)
        .column("prior\nmedian", Align::Right, 2)
        .column("prior\n90 % range", Align::Left, 2)
        .column("posterior\nmedian", Align::Right, 3)
        .column("posterior\n90 % range", Align::Left, 2);
    for input in &u.inputs {
        let (a, b) = (&input.prior, &input.posterior);
        let m = format(a, b);
        t.row(vec![
            input.path.clone(),
            m.fmt(a.median),
            format!("{} – {}", m.fmt(a.p5), m.fmt(a.p95)),
            m.fmt(b.median),
            format!("{} – {}", m.fmt(b.p5), m.fmt(b.p95)),
        ]);
    }
    t.fit(0, width, 16);
    if t.width() <= width {
        out.push_str(&t.render());
        let _ = writeln!(out);
        return;
    }
    let mut t = Table::new(2)
        .column(TITLE, Align::Left, 0)
        .column("p5", Align::Right, 2)
        .column("median", Align::Right, 2)
        .column("p95", Align::Right, 2);
    for input in &u.inputs {
        let m = format(&input.prior, &input.posterior);
        for (side, s) in [("  prior", &input.prior), ("  posterior", &input.posterior)] {
            t.row(vec![
                side.into(),
                m.fmt(s.p5),
                m.fmt(s.median),
                m.fmt(s.p95),
            ]);
        }
    }
    let text = t.render();
    let mut lines = text.lines();
    for line in lines.by_ref().take(1) {
        let _ = writeln!(out, "{line}");
    }
    for input in &u.inputs {
        let _ = writeln!(
            out,
            "  {}",
            abbreviate(&input.path, width.saturating_sub(2))
        );
        for line in lines.by_ref().take(2) {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(out);
}

/// What each observed month did: values, effective paths after weighting,
/// whether the paths were resampled and moved, and the moves accepted.
fn steps(out: &mut String, u: &Update) {
    let mut t = Table::new(2)
        .column("Steps", Align::Left, 0)
        .column("values", Align::Right, 2)
        .column("effective paths\nafter weighting", Align::Right, 2)
        .column("share", Align::Right, 2)
        .column("resampled", Align::Left, 3)
        .column("moves\naccepted", Align::Right, 2);
    let share = Percent::with_decimals(1);
    for s in &u.steps {
        t.row(vec![
            s.month.to_string(),
            count(s.observations as u64),
            count(s.ess.round() as u64),
            share.fmt(s.ess / u.paths.max(1) as f64),
            if s.resampled { "yes" } else { "no" }.into(),
            s.acceptance.map_or("–".into(), |a| share.fmt(a)),
        ]);
    }
    out.push_str(&t.render());
    let _ = writeln!(out);
}
