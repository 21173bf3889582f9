//! M/M/c queue on parcelsim's engine:
//! `cargo run --release --example mmc -- --lam 900 --mu 100 --c 10 --hours 2000 --warmup 100 --seed 1`
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 900.0)]
    lam: f64,
    #[arg(long, default_value_t = 100.0)]
    mu: f64,
    #[arg(long, default_value_t = 10)]
    c: u32,
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
    let r = parcelsim::queueing::mmc(a.lam, a.mu, a.c, a.hours, a.warmup, a.seed);
    println!("{}", serde_json::to_string(&r).expect("serialisable"));
}
