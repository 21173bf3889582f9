//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use parcelsim::run::{RunOptions, RunOutput, Summary, load, run};

/// Runs a scenario given as text (written to a temporary file) with default options.
/// Paths inside it must be absolute.
pub fn run_output(text: &str) -> RunOutput {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let l = load(&path).unwrap();
    run(&l.scenario, &l.network, &l.sha256, &RunOptions::default()).unwrap()
}

/// [`run_output`]'s summary.
pub fn run_text(text: &str) -> Summary {
    run_output(text).summary
}

/// What nodes and lanes paid in the measured window, plus what is spent at no node or lane
/// (head office's IT, management, claims, complaints), equals the window's resources.
pub fn assert_places_add_up(out: &RunOutput) {
    let s = &out.summary;
    let nodes: f64 = out.nodes.iter().map(|n| n.cost_yuan).sum();
    let lanes: f64 = out.lanes.iter().map(|l| l.cost_yuan).sum();
    let w = &s.money.spent_during_window_by_activity;
    let elsewhere: f64 = [
        "waybill_it",
        "management_overhead",
        "claims",
        "complaint_handling",
    ]
    .iter()
    .map(|a| w[*a])
    .sum();
    let total = s.money.spent_during_window;
    assert!(
        (nodes + lanes + elsewhere - total).abs() < 1e-3,
        "nodes {nodes} + lanes {lanes} + elsewhere {elsewhere} != window {total}"
    );
}
