//! The long fuzz run: `cargo run --release --example fuzz -- CASES [SEED] [THREADS]`.
//! Prints the tally (cases, refusals, runs, violations, share of errors naming the mutated
//! field) and exits 1 on any violation.

fn main() {
    let mut args = std::env::args().skip(1);
    let cases: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let workers: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get() as u64));
    let tmp = std::env::temp_dir().join(format!("parcelsim-fuzz-{}", std::process::id()));
    let t0 = std::time::Instant::now();
    // Chunks handed out in order, so that progress can be printed as they finish.
    let next = std::sync::atomic::AtomicU64::new(0);
    let chunk = 1_000u64;
    let parts: Vec<parcelsim::fuzz::Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let dir = parcelsim::fuzz::scratch(&tmp, w as usize);
                let next = &next;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let from = next.fetch_add(chunk, std::sync::atomic::Ordering::Relaxed);
                        if from >= cases {
                            break;
                        }
                        let to = (from + chunk).min(cases);
                        mine.push(parcelsim::fuzz::campaign(seed, from, to, &dir));
                        if to.is_multiple_of(50_000) || to == cases {
                            eprintln!(
                                "{to} cases started and done by worker {w}, {:.0} s",
                                t0.elapsed().as_secs_f64()
                            );
                        }
                    }
                    parcelsim::fuzz::merge(mine)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let t = parcelsim::fuzz::merge(parts);
    let _ = std::fs::remove_dir_all(&tmp);
    println!("{t}");
    println!(
        "seed {seed}, {workers} threads, {:.0} s wall",
        t0.elapsed().as_secs_f64()
    );
    if !t.violations.is_empty() {
        std::process::exit(1);
    }
}
