//! Renderers of `runway explain`: JSON, CSV and the [`Render`] impl (the
//! terminal table is in `explain_table`).

use super::csv_number as csv_num;
use super::Render;
use crate::analysis::explain::{Explanation, GroupShift, InputShift, OutcomeEffects, Share};

/// The report as pretty JSON.
pub fn render_explain_json(e: &Explanation) -> String {
    let mut text = serde_json::to_string_pretty(e).expect("an explanation always serialises");
    text.push('\n');
    text
}

/// An input's Shapley share on one outcome, if it is in the game.
fn share_of(effects: Option<&OutcomeEffects>, input: &str, dummy: bool) -> Option<Share> {
    let effects = effects?;
    if dummy {
        return Some(effects.dummy);
    }
    (effects.effects.iter())
        .find(|x| x.input == input)
        .map(|x| x.shapley)
}

/// The report as CSV: one row per input and group (all insolvent, early,
/// late), the dummy last; each input's Shapley shares on every row of it.
pub fn render_explain_csv(e: &Explanation) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "input",
        "group",
        "paths",
        "mean",
        "mean_shift_sd",
        "mean_shift_sd_ci95_low",
        "mean_shift_sd_ci95_high",
        "median",
        "median_shift",
        "median_shift_ci95_low",
        "median_shift_ci95_high",
        "ks",
        "ks_noise_95",
        "shapley_insolvency",
        "shapley_insolvency_ci95_low",
        "shapley_insolvency_ci95_high",
        "shapley_months",
        "shapley_months_ci95_low",
        "shapley_months_ci95_high",
    ])
    .expect("in-memory CSV");
    let imp = &e.importance;
    let rows = (e.inputs.iter().map(|r| (r, false))).chain(std::iter::once((&e.dummy, true)));
    for (r, dummy) in rows {
        let shares = [
            share_of(imp.insolvency.as_ref(), &r.input, dummy),
            share_of(imp.months_to_insolvency.as_ref(), &r.input, dummy),
        ];
        for (group, g) in groups(r) {
            let mut cells = vec![r.input.clone(), group.to_string()];
            cells.extend(group_cells(g));
            for s in shares {
                cells.push(csv_num(s.map(|s| s.value)));
                cells.push(csv_num(s.map(|s| s.ci95[0])));
                cells.push(csv_num(s.map(|s| s.ci95[1])));
            }
            w.write_record(&cells).expect("in-memory CSV");
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

fn groups(r: &InputShift) -> [(&'static str, Option<GroupShift>); 3] {
    [
        ("insolvent", r.insolvent),
        ("early", r.early),
        ("late", r.late),
    ]
}

fn group_cells(g: Option<GroupShift>) -> Vec<String> {
    let Some(g) = g else {
        return vec![String::new(); 11];
    };
    let n = |x: f64| csv_num(Some(x));
    vec![
        g.paths.to_string(),
        n(g.mean),
        n(g.mean_shift_sd),
        n(g.mean_shift_sd_ci95[0]),
        n(g.mean_shift_sd_ci95[1]),
        n(g.median),
        n(g.median_shift),
        n(g.median_shift_ci95[0]),
        n(g.median_shift_ci95[1]),
        n(g.ks),
        n(g.ks_noise_95),
    ]
}

impl Render for Explanation {
    fn table(&self, width: usize) -> String {
        super::explain_table::render_explain_table(self, width)
    }
    fn csv(&self) -> String {
        render_explain_csv(self)
    }
    fn json(&self) -> String {
        render_explain_json(self)
    }
}
