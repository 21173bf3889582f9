//! The mutation fuzzer (`parcelsim::fuzz`) at a size for every `cargo test`: a few
//! thousand mutated scenarios through validation and run. `FUZZ_CASES` and `FUZZ_SEED`
//! change the size and the campaign; `examples/fuzz.rs` is the long run.

#[test]
fn mutated_scenarios_never_panic_and_errors_are_located() {
    let cases: u64 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let tmp = tempfile::tempdir().unwrap();
    let workers = 2u64;
    let parts: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let dir = parcelsim::fuzz::scratch(tmp.path(), w as usize);
                s.spawn(move || {
                    let (from, to) = (cases * w / workers, cases * (w + 1) / workers);
                    parcelsim::fuzz::campaign(seed, from, to, &dir)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let t = parcelsim::fuzz::merge(parts);
    eprintln!("{t}");
    assert_eq!(t.cases, cases);
    assert!(t.violations.is_empty(), "{t}");
    // Every kind of ending occurs: the corpus exercises refusals and real runs.
    assert!(t.refused > cases / 4 && t.ran > cases / 20, "{t}");
    assert!(t.right_field_share() >= 0.97, "{t}");
}
