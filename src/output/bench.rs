//! Renderers of a [`BenchReport`]: table, JSON, CSV.

use crate::analysis::bench::BenchReport;
use std::fmt::Write as _;

fn millions(x: f64) -> String {
    format!("{:.2} M", x / 1e6)
}

/// The benchmark as a terminal table.
pub fn render_bench_table(r: &BenchReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "runway {} bench · {} ({})",
        r.runway_version, r.model, r.file
    );
    let _ = writeln!(
        out,
        "{} paths × {} months per run · seed {} · {} logical CPUs · vector code {} · peak memory {}",
        r.paths,
        r.months,
        r.seed,
        r.logical_cpus,
        r.vector_code,
        r.peak_rss_mib
            .map_or_else(|| "n/a".to_string(), |m| format!("{m:.1} MiB"))
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:>7}  {:>5}  {:>14}  {:>12}  {:>12}  {:>18}  {:>8}  {:>10}",
        "threads",
        "runs",
        "paths/s median",
        "min",
        "max",
        "path-months/s",
        "speed-up",
        "efficiency"
    );
    for row in &r.rows {
        let _ = writeln!(
            out,
            "  {:>7}  {:>5}  {:>14}  {:>12}  {:>12}  {:>18}  {:>8}  {:>10}",
            row.threads,
            row.runs,
            millions(row.paths_per_second_median),
            millions(row.paths_per_second_min),
            millions(row.paths_per_second_max),
            millions(row.path_months_per_second_median),
            row.speedup
                .map_or_else(|| "–".into(), |s| format!("{s:.2}×")),
            row.efficiency
                .map_or_else(|| "–".into(), |e| format!("{:.0} %", e * 100.0)),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Results identical across every run and thread count: {}",
        if r.identical_results {
            "yes"
        } else {
            "NO (please report this as a bug)"
        }
    );
    out
}

/// The benchmark as pretty JSON.
pub fn render_bench_json(r: &BenchReport) -> String {
    let mut text = serde_json::to_string_pretty(r).expect("a bench report always serialises");
    text.push('\n');
    text
}

/// The benchmark as CSV, one row per thread count.
pub fn render_bench_csv(r: &BenchReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "model_file",
        "paths",
        "months",
        "threads",
        "runs",
        "paths_per_second_median",
        "paths_per_second_min",
        "paths_per_second_max",
        "path_months_per_second_median",
        "seconds_median",
        "speedup",
        "efficiency",
        "logical_cpus",
        "peak_rss_mib",
        "identical_results",
    ]);
    let opt = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v:.6}"));
    for row in &r.rows {
        let _ = w.write_record([
            r.file.clone(),
            r.paths.to_string(),
            r.months.to_string(),
            row.threads.to_string(),
            row.runs.to_string(),
            format!("{:.1}", row.paths_per_second_median),
            format!("{:.1}", row.paths_per_second_min),
            format!("{:.1}", row.paths_per_second_max),
            format!("{:.1}", row.path_months_per_second_median),
            format!("{:.6}", row.seconds_median),
            opt(row.speedup),
            opt(row.efficiency),
            r.logical_cpus.to_string(),
            opt(r.peak_rss_mib),
            r.identical_results.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail")).expect("CSV is UTF-8")
}
