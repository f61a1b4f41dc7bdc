// Shared by the fuzz targets: run a model for 16 paths and check the report.
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::Model;
use runway::analysis::summary::{RunInfo, Summary};

pub fn run_and_check(model: &Model) {
    let spec = RunSpec { paths: 16, seed: 1, threads: 1, fan: true, blocks: None };
    match simulate(model, &spec, &Progress::default()) {
        // A clean run error (e.g. an overflow naming the path) is fine.
        Err(e) => assert!(e.exit_code() == 1 || e.exit_code() == 2, "unexpected error {e}"),
        Ok(tally) => {
            let info = RunInfo { threads: 1, elapsed_seconds: 1.0, paths_per_second: 16.0, shards: None };
            let summary = Summary::new(model, &tally, info);
            let p = summary.insolvency.probability;
            assert!((0.0..=1.0).contains(&p), "probability {p}");
            let json = runway::output::render_json(&summary);
            assert!(!json.contains("NaN"), "NaN in report");
            let _ = runway::output::render_table(&summary, runway::output::DEFAULT_WIDTH);
            let csv = runway::output::render_by_month_csv(&summary);
            assert!(!String::from_utf8_lossy(&csv).contains("NaN"));
        }
    }
}
