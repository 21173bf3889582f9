//! Hold model on parcelsim's engine: `cargo run --release --example hold -- --n 1000 --events 2000000 --seed 1`
//! (`--plain`: the same model on a plain `BinaryHeap` loop, the yardstick).
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    n: u32,
    #[arg(long, default_value_t = 2_000_000)]
    events: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A plain `BinaryHeap` loop instead of the engine.
    #[arg(long)]
    plain: bool,
}

fn main() {
    let a = Args::parse();
    let hold = if a.plain {
        parcelsim::queueing::hold_plain
    } else {
        parcelsim::queueing::hold
    };
    let r = hold(a.n, a.events, a.seed);
    println!("{}", serde_json::to_string(&r).expect("serialisable"));
}
