//! The report's section on how the company runs out of money (`runway
//! explain`): the inputs that set the failing paths apart, their Shapley
//! effects, and the typical cash path (its chart is among the figures).

use super::cells::{table, Cell};
use super::escape;
use crate::analysis::explain::{Explanation, Share};
use crate::output::number::{count, decimal, money, probability, signed};
use std::fmt::Write as _;

/// Inputs shown in the report's table of shifts.
const SHOWN: usize = 10;

fn share(s: Share, flag: bool) -> String {
    format!(
        "{} ({} to {}){}",
        decimal(s.value, 3),
        decimal(s.ci95[0], 3),
        decimal(s.ci95[1], 3),
        if flag { " *" } else { "" }
    )
}

/// Writes the section.
pub(super) fn explain_section(out: &mut String, e: &Explanation) {
    out.push_str("<h2>How the company runs out of money</h2>\n");
    let Some(month) = &e.median_insolvency_month else {
        let _ = writeln!(
            out,
            "<p>No path of {} became insolvent by {}: there is nothing to explain.</p>",
            count(e.paths),
            escape(&e.horizon)
        );
        return;
    };
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} of {} paths insolvent by {} ({}) · half of them by {} (early: in or before it; late: after it) · inputs sorted by KS, top {}</p>",
        count(e.insolvency.count),
        count(e.paths),
        escape(&e.horizon),
        escape(&probability(e.insolvency.probability)),
        escape(month),
        SHOWN.min(e.inputs.len())
    );
    let ks = |g: Option<crate::analysis::explain::GroupShift>| {
        g.map_or("–".into(), |g| {
            let mark = if g.ks > g.ks_noise_95 { "" } else { " ·" };
            format!("{}{mark}", decimal(g.ks, 3))
        })
    };
    let rows: Vec<Vec<Cell>> = (e.inputs.iter().take(SHOWN))
        .chain(std::iter::once(&e.dummy))
        .map(|r| {
            let g = r.insolvent;
            vec![
                Cell::Name(r.input.clone()),
                Cell::Number(money(r.median)),
                Cell::Number(g.map_or("–".into(), |g| money(g.median))),
                Cell::Range(g.map_or("–".into(), |g| {
                    format!(
                        "{} ({} to {})",
                        signed(g.mean_shift_sd, 2),
                        signed(g.mean_shift_sd_ci95[0], 2),
                        signed(g.mean_shift_sd_ci95[1], 2)
                    )
                })),
                Cell::Number(ks(r.insolvent)),
                Cell::Number(ks(r.early)),
                Cell::Number(ks(r.late)),
            ]
        })
        .collect();
    table(
        out,
        "explain-shifts",
        &[
            "input",
            "#median, all",
            "#median, insolvent",
            "#mean shift, SD (95 % CI)",
            "#KS insolvent",
            "#KS early",
            "#KS late",
        ],
        &rows,
    );
    out.push_str("<p class=\"note\">KS = largest gap between the input's CDF among the insolvent (early, late) paths and over all paths; · = within what chance gives a group that size (95 %). The dummy is an input drawn from a stream of its own that the model never reads.</p>\n");
    effects(out, e);
}

fn effects(out: &mut String, e: &Explanation) {
    let Some(ins) = &e.importance.insolvency else {
        return;
    };
    let months = e.importance.months_to_insolvency.as_ref();
    let mut rows: Vec<Vec<Cell>> = (ins.effects.iter())
        .map(|x| {
            let m = months
                .and_then(|m| m.effects.iter().find(|y| y.input == x.input))
                .map_or("–".into(), |y| {
                    share(y.shapley, y.indistinguishable_from_dummy)
                });
            vec![
                Cell::Name(x.input.clone()),
                Cell::Range(share(x.shapley, x.indistinguishable_from_dummy)),
                Cell::Range(m),
            ]
        })
        .collect();
    for (name, pick) in [
        (
            "dummy (noise)",
            (|o| o.dummy) as fn(&crate::analysis::explain::OutcomeEffects) -> Share,
        ),
        ("all inputs together", |o| o.explained),
    ] {
        rows.push(vec![
            Cell::Text(name.into()),
            Cell::Range(share(pick(ins), false)),
            Cell::Range(months.map_or("–".into(), |m| share(pick(m), false))),
        ]);
    }
    let _ = writeln!(
        out,
        "<h3>Shapley effects (share of variance, first {} paths)</h3>",
        count(e.importance.sample_paths)
    );
    table(
        out,
        "explain-shapley",
        &[
            "input",
            "#insolvency (95 % CI)",
            "#month of insolvency (95 % CI)",
        ],
        &rows,
    );
    out.push_str("<p class=\"note\">* = its interval reaches the dummy's: not distinguishable from no effect.</p>\n<ul class=\"notes\">\n");
    for note in &e.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ul>\n");
}
