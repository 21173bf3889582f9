//! The carrier's core at scale: one run is the same whatever the number of threads it
//! uses, its books balance by counts, and the sampled cost distribution agrees with the
//! exact mean.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(scenario: &str, dir: &Path, extra: &[&str]) {
    let mut args = vec!["run", scenario, "--out", dir.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    let o = Command::new(env!("CARGO_BIN_EXE_parcelsim"))
        .args(&args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("binary runs");
    assert!(
        o.status.success(),
        "{scenario}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every result file but the run's timings, which differ from run to run.
fn results(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "run_info.json" | "report.html" | "results.xlsx" | "inputs.json"
            )
        })
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_run_is_byte_identical_for_one_two_and_four_threads() {
    let tmp = tempfile::tempdir().unwrap();
    // The carrier alone, and with the shop's after-sales flow (returns, exchanges).
    for scenario in ["scenarios/small.toml", "scenarios/shop_yiwu.toml"] {
        let mut first: Option<Vec<(String, Vec<u8>)>> = None;
        for threads in ["1", "2", "4"] {
            let dir = tmp.path().join(format!("{}-{threads}", scenario.len()));
            run(
                scenario,
                &dir,
                &["--threads", threads, "--trace", "5", "--cost-sample", "500"],
            );
            let info = json(&dir.join("run_info.json"));
            assert_eq!(info["threads"].as_u64().unwrap().to_string(), threads);
            let files = results(&dir);
            assert!(files.iter().any(|f| f.0 == "parcels.csv"), "traced");
            match &first {
                None => first = Some(files),
                Some(one) => {
                    assert_eq!(one.len(), files.len());
                    for (a, b) in one.iter().zip(&files) {
                        assert_eq!(a.0, b.0);
                        assert!(
                            a.1 == b.1,
                            "{scenario}: {} differs at {threads} threads",
                            a.0
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_parcel_carrying_its_own_costs_adds_up_to_the_counts_split() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("all");
    // More sampled parcels than measured ones: every measured parcel carries its costs,
    // so the sample is the population and must agree with the split by counts to the
    // rounding of each share (one micro-yuan per period a parcel joined).
    run("scenarios/small.toml", &dir, &["--cost-sample", "1000000"]);
    let s = json(&dir.join("summary.json"));
    let c = &s["cost_sample"];
    let measured = s["measured_parcels_picked_up"].as_u64().unwrap();
    assert_eq!(c["parcels"].as_u64().unwrap(), measured);
    let (mean, exact) = (
        c["mean_yuan"].as_f64().unwrap(),
        c["exact_mean_yuan"].as_f64().unwrap(),
    );
    assert!((mean - exact).abs() < 2e-5, "{mean} vs {exact}");
    assert_eq!(s["measured_parcels_in_flight"].as_u64().unwrap(), 0);
    assert!(mean <= exact + 1e-9, "shares are rounded down");
}

#[test]
fn a_sample_of_parcels_estimates_the_exact_mean_within_its_interval() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    run("scenarios/small.toml", &dir, &["--cost-sample", "1500"]);
    let s = json(&dir.join("summary.json"));
    let c = &s["cost_sample"];
    let n = c["parcels"].as_u64().unwrap();
    assert!((1000..2200).contains(&n), "about 1,500 of 10,000: {n}");
    let (mean, ci, exact) = (
        c["mean_yuan"].as_f64().unwrap(),
        c["ci95_yuan"].as_f64().unwrap(),
        c["exact_mean_yuan"].as_f64().unwrap(),
    );
    assert!(ci > 0.0 && ci < 0.2 * exact, "{ci}");
    assert!((mean - exact).abs() <= ci, "{mean} ± {ci} vs {exact}");
    assert!(c["exact_within_interval"].as_bool().unwrap());
    let (p50, p95) = (
        c["p50_yuan"].as_f64().unwrap(),
        c["p95_yuan"].as_f64().unwrap(),
    );
    assert!(0.0 < p50 && p50 <= p95, "{p50} {p95}");
}

#[test]
fn parcels_left_at_a_centre_after_its_last_shift_are_held_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("stranded");
    // The run's own bookkeeping check compares the parcels held in every queue with those
    // counted in the network; it failed here when a centre's stranded parcels were missed.
    run("tests/data/stranded_after_last_shift.toml", &dir, &[]);
    let s = json(&dir.join("summary.json"));
    assert!(s["parcels_in_flight"].as_u64().unwrap() > 0);
}
