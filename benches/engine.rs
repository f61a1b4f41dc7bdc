//! Criterion benchmarks: the engine on the reference and default models, and
//! sampling of each distribution family. Throughput is reported per path
//! (engine) or per draw (distributions).
//!
//! Run: `cargo bench --bench engine`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use runway::dist::Dist;
use runway::engine::{simulate_plans, Plan, Progress, RunSpec, BLOCK_SIZE};
use runway::model::{load_str, LoadOptions, BUILTIN_MODEL_TEXT};
use runway::sampling::rng::stream;

const REF1B: &str = include_str!("../configs/bench/ref1b.toml");

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_one_thread");
    for (name, text) in [("ref1b", REF1B), ("openai_2024", BUILTIN_MODEL_TEXT)] {
        let model = load_str(text, name, &LoadOptions::default()).expect("bench models are valid");
        let plan = Plan::new(&model);
        let blocks = 16u64;
        group.throughput(Throughput::Elements(blocks * BLOCK_SIZE as u64));
        group.bench_function(BenchmarkId::new("paths", name), |b| {
            // Each iteration runs the next 16 blocks of an endless run, on
            // one thread.
            let mut next = 0u64;
            b.iter(|| {
                let spec = RunSpec {
                    paths: (next + blocks) * BLOCK_SIZE as u64,
                    seed: 1,
                    threads: 1,
                    fan: false,
                    blocks: Some(next..next + blocks),
                };
                simulate_plans(&[&plan], &spec, &Progress::default(), || ()).expect("finite");
                next += blocks;
            });
        });
    }
    group.finish();
}

fn distributions(c: &mut Criterion) {
    let families: Vec<(&str, Dist)> = vec![
        ("uniform", Dist::uniform(2.0, 6.0).unwrap()),
        ("normal", Dist::normal(0.05, 0.03).unwrap()),
        ("lognormal", Dist::lognormal(0.35, 0.2).unwrap()),
        ("triangular", Dist::triangular(0.0, 0.3, 0.7).unwrap()),
        ("pert", Dist::pert(0.0, 0.3, 0.7, 4.0).unwrap()),
        ("beta", Dist::scaled_beta(2.0, 5.0, 0.0, 1.0).unwrap()),
        ("gamma", Dist::gamma(2.0, 1.5).unwrap()),
        ("bernoulli", Dist::bernoulli(0.6).unwrap()),
        (
            "discrete_uniform",
            Dist::discrete_uniform(1.0, 17.0).unwrap(),
        ),
        (
            "discrete",
            Dist::discrete(&[1.0, 2.0, 5.0, 10.0], Some(&[0.4, 0.3, 0.2, 0.1])).unwrap(),
        ),
        (
            "normal_truncated",
            Dist::normal(0.0, 1.0)
                .unwrap()
                .truncated(0.0, f64::INFINITY)
                .unwrap(),
        ),
    ];
    let mut group = c.benchmark_group("sample");
    group.throughput(Throughput::Elements(BLOCK_SIZE as u64));
    let mut out = vec![0.0; BLOCK_SIZE];
    for (name, dist) in &families {
        let mut rng = stream(1, 0, 0);
        group.bench_function(*name, |b| b.iter(|| dist.fill(&mut rng, &mut out)));
    }
    group.finish();
}

criterion_group!(benches, engine, distributions);
criterion_main!(benches);
