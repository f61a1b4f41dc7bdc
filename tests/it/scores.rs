//! Paths driven by given scores (`engine::ScoredBlock`): standard normal
//! scores give the model's own distribution, every draw finds its score,
//! and the same scores give the same paths.
//!
//! The distribution checks compare a scored run with the plain run of the
//! same model at 5 standard errors of the difference of two proportions.

use runway::engine::{simulate, Dimension, Plan, Progress, RunSpec, ScoredBlock, BLOCK_SIZE};
use runway::model::{load_file, LoadOptions, Model};
use runway::sampling::rng::stream;
use runway::sampling::standard_normal;
use std::path::Path;

fn shipped(name: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("configs")
        .join(name);
    load_file(&path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// P(insolvent by the horizon) of `blocks` scored blocks of `plan`, each
/// dimension's scores standard normal from a stream of its own.
fn scored_insolvency(plan: &Plan, seed: u64, blocks: u64) -> (u64, u64) {
    let layout = plan.score_layout().clone();
    let mut scored = ScoredBlock::new(plan);
    let mut insolvent = 0;
    for block in 0..blocks {
        for (d, column) in scored.scores_mut().iter_mut().enumerate() {
            let mut rng = stream(seed, block, layout.key(d));
            column
                .iter_mut()
                .for_each(|z| *z = standard_normal(&mut rng));
        }
        let view = scored.simulate(plan, block, BLOCK_SIZE).unwrap();
        insolvent += (0..view.paths())
            .filter(|&j| view.outcome(j).insolvent_month.is_some())
            .count() as u64;
    }
    (insolvent, blocks * BLOCK_SIZE as u64)
}

fn plain_insolvency(model: &Model, seed: u64, paths: u64) -> (u64, u64) {
    let spec = RunSpec {
        paths,
        seed,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let tally = simulate(model, &spec, &Progress::default()).unwrap();
    (tally.insolvent(), tally.paths)
}

fn assert_same_proportion(scored: (u64, u64), plain: (u64, u64), what: &str) {
    let (p1, p2) = (
        scored.0 as f64 / scored.1 as f64,
        plain.0 as f64 / plain.1 as f64,
    );
    let pooled = (scored.0 + plain.0) as f64 / (scored.1 + plain.1) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / scored.1 as f64 + 1.0 / plain.1 as f64)).sqrt();
    assert!(
        (p1 - p2).abs() <= 5.0 * se.max(1e-12),
        "{what}: scored {p1} vs plain {p2} (se {se})"
    );
}

#[test]
fn standard_normal_scores_give_the_models_own_insolvency_probability() {
    // The OpenAI model: correlated inputs, drawn happenings, one-off shocks,
    // monthly noise; startup_seed: a repeating shock; startup_debt: a credit
    // line whose existence is drawn, a hiring plan, a metalog.
    for name in ["openai_2024.toml", "startup_seed.toml", "startup_debt.toml"] {
        let model = shipped(name);
        let plan = Plan::new(&model).driven_by_scores();
        let scored = scored_insolvency(&plan, 11, 40);
        let plain = plain_insolvency(&model, 11, 40 * BLOCK_SIZE as u64);
        assert!(scored.0 > 0, "{name}: no insolvent path");
        assert_same_proportion(scored, plain, name);
    }
}

#[test]
fn every_draw_of_a_model_has_one_dimension() {
    let model = shipped("startup_seed.toml");
    let plan = Plan::new(&model);
    let layout = plan.score_layout();
    let inputs = (0..plan.input_paths().len())
        .filter(|&i| !plan.slot_is_constant(i))
        .count();
    let count =
        |f: &dyn Fn(&Dimension) -> bool| layout.dimensions().iter().filter(|d| f(d)).count();
    assert_eq!(count(&|d| matches!(d, Dimension::Input(_))), inputs);
    assert_eq!(
        count(&|d| matches!(d, Dimension::Happening(_))),
        plan.drawn_happenings().len()
    );
    // A repeating shock: one dimension a month.
    assert_eq!(
        count(&|d| matches!(d, Dimension::Strike { .. })),
        plan.months() as usize
    );
    assert_eq!(
        layout.per_path(),
        layout
            .dimensions()
            .iter()
            .take_while(|d| !matches!(d, Dimension::Monthly { .. } | Dimension::Strike { .. }))
            .count()
    );
    let labels: std::collections::HashSet<&str> =
        (0..layout.len()).map(|d| layout.label(d)).collect();
    assert_eq!(labels.len(), layout.len(), "labels (and keys) are unique");
}

#[test]
fn a_normal_input_takes_its_mean_plus_sd_times_the_score() {
    let model = shipped("openai_2024.toml");
    let plan = Plan::new(&model).driven_by_scores();
    let layout = plan.score_layout().clone();
    let (d, slot) = (0..layout.len())
        .find_map(|d| match layout.dimension(d) {
            Dimension::Input(i) if plan.slot_dist(i).normal_score_map().is_some() => Some((d, i)),
            _ => None,
        })
        .expect("a normal or lognormal input");
    let mut scored = ScoredBlock::new(&plan);
    for (k, column) in scored.scores_mut().iter_mut().enumerate() {
        column.fill(if k == d { 1.5 } else { 0.0 });
    }
    let map = plan.slot_dist(slot).normal_score_map().unwrap();
    let view = scored.simulate(&plan, 0, BLOCK_SIZE).unwrap();
    if !model
        .correlation
        .iter()
        .any(|c| c.inputs.contains(&plan.input_paths()[slot]))
    {
        assert!(view.input(slot).iter().all(|&x| x == map.at(1.5)));
    }
}

#[test]
fn the_same_scores_give_the_same_paths() {
    let model = shipped("openai_2024.toml");
    let plan = Plan::new(&model).driven_by_scores().recording_months();
    let layout = plan.score_layout().clone();
    let mut a = ScoredBlock::new(&plan);
    let mut b = ScoredBlock::new(&plan);
    for scored in [&mut a, &mut b] {
        for (d, column) in scored.scores_mut().iter_mut().enumerate() {
            let mut rng = stream(3, 0, layout.key(d));
            column
                .iter_mut()
                .for_each(|z| *z = standard_normal(&mut rng));
        }
    }
    let (va, vb) = (
        a.simulate(&plan, 0, BLOCK_SIZE).unwrap(),
        b.simulate(&plan, 0, BLOCK_SIZE).unwrap(),
    );
    for j in 0..BLOCK_SIZE {
        assert_eq!(va.outcome(j), vb.outcome(j));
    }
    use runway::engine::MonthFigure;
    let months = plan.months();
    assert_eq!(
        va.month_end(MonthFigure::Cash, months).unwrap(),
        vb.month_end(MonthFigure::Cash, months).unwrap()
    );
    let end: Vec<f64> = (0..BLOCK_SIZE).map(|j| va.outcome(j).end_cash).collect();
    assert_eq!(va.month_end(MonthFigure::Cash, months).unwrap(), &end[..]);
}
