//! Criterion benchmarks: the three standard engine models and a small scenario run.
//! `cargo bench` (add `-- --quick` for a fast pass).

use criterion::{Criterion, criterion_group, criterion_main};
use parcelsim::queueing::{TandemParams, hold, mmc, tandem};
use std::hint::black_box;

fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.bench_function("hold n=1000, 200k events", |b| {
        b.iter(|| black_box(hold(1000, 200_000, 1)))
    });
    g.bench_function("mmc 900/100/10, 200 h", |b| {
        b.iter(|| black_box(mmc(900.0, 100.0, 10, 200.0, 10.0, 1)))
    });
    g.bench_function("tandem, 200 h", |b| {
        b.iter(|| {
            black_box(tandem(TandemParams {
                lam: 900.0,
                c_a: 10,
                mu_a: 100.0,
                d: 6.0,
                c_b: 12,
                mu_b: 90.0,
                hours: 200.0,
                warmup: 10.0,
                seed: 1,
            }))
        })
    });
    g.finish();
}

fn scenario(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/small.toml");
    let l = parcelsim::run::load(&path).expect("small scenario loads");
    let mut g = c.benchmark_group("scenario");
    g.sample_size(10);
    g.bench_function("small.toml run", |b| {
        b.iter(|| {
            black_box(
                parcelsim::run::run(&l.scenario, &l.network, &l.sha256, &Default::default())
                    .expect("runs"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, engine, scenario);
criterion_main!(benches);
