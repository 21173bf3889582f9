//! Tandem sortation model on parcelsim's engine:
//! `cargo run --release --example tandem -- --lam 900 --c-a 10 --mu-a 100 --d 6 --c-b 12 --mu-b 90 --hours 2000 --warmup 100 --seed 1`
use clap::Parser;
use parcelsim::queueing::{TandemParams, tandem};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 900.0)]
    lam: f64,
    #[arg(long, default_value_t = 10)]
    c_a: u32,
    #[arg(long, default_value_t = 100.0)]
    mu_a: f64,
    #[arg(long, default_value_t = 6.0)]
    d: f64,
    #[arg(long, default_value_t = 12)]
    c_b: u32,
    #[arg(long, default_value_t = 90.0)]
    mu_b: f64,
    #[arg(long, default_value_t = 2000.0)]
    hours: f64,
    #[arg(long, default_value_t = 100.0)]
    warmup: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() {
    let a = Args::parse();
    if a.hours <= a.warmup {
        eprintln!("error: --hours must exceed --warmup");
        std::process::exit(2);
    }
    let r = tandem(TandemParams {
        lam: a.lam,
        c_a: a.c_a,
        mu_a: a.mu_a,
        d: a.d,
        c_b: a.c_b,
        mu_b: a.mu_b,
        hours: a.hours,
        warmup: a.warmup,
        seed: a.seed,
    });
    println!("{}", serde_json::to_string(&r).expect("serialisable"));
}
