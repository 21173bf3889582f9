//! The accounts: per-node and per-lane costs, resources apart from transfers, each
//! party's account, and runs that say when they are not at steady state or overloaded.

use parcelsim::run::{RunOptions, RunOutput, load, run};
use std::path::Path;

/// Runs `scenarios/small.toml` edited by `edit`.
fn small(edit: impl Fn(String) -> String) -> RunOutput {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, edit(text)).unwrap();
    let l = load(&path).unwrap();
    run(&l.scenario, &l.network, &l.sha256, &RunOptions::default()).unwrap()
}

#[test]
fn node_and_lane_costs_add_up_to_the_window_resources() {
    // One measured day and a long drain: the old rows divided the whole run's cost by
    // the window's parcels, several times too much.
    let out = small(|t| t.replace("days = 2\n", "days = 1\n"));
    let s = &out.summary;
    let nodes: f64 = out.nodes.iter().map(|n| n.cost_yuan).sum();
    let lanes: f64 = out.lanes.iter().map(|l| l.cost_yuan).sum();
    let w = &s.money.spent_during_window_by_activity;
    // Spent at no node or lane: head office's IT, management, claims, complaints.
    let elsewhere: f64 = [
        "waybill",
        "management_overhead",
        "claims",
        "complaint_handling",
    ]
    .iter()
    .map(|a| w[a])
    .sum();
    let total = s.money.spent_during_window;
    assert!(
        (nodes + lanes + elsewhere - total).abs() < 1e-3,
        "nodes {nodes} + lanes {lanes} + elsewhere {elsewhere} != window {total}"
    );
    // Each lane's cost per parcel is its own trips over its own parcels.
    for l in &out.lanes {
        if l.parcels > 0 {
            assert!((l.cost_per_parcel_yuan - l.cost_yuan / l.parcels as f64).abs() < 1e-9);
        }
    }
    // Per parcel, the line-haul lanes cost what the measured parcels carry, give or take
    // the parcels crossing the window's edges: not several times more.
    let lh: Vec<_> = out.lanes.iter().filter(|l| l.kind == "linehaul").collect();
    let lh_cost: f64 = lh.iter().map(|l| l.cost_yuan).sum();
    let lh_parcels: u64 = lh.iter().map(|l| l.parcels).sum();
    let per_trip_parcel = lh_cost / lh_parcels as f64;
    let per_parcel = s.cost_by_activity["linehaul"];
    let legs = lh_parcels as f64 / s.measured_parcels_picked_up as f64;
    assert!(
        (per_trip_parcel * legs / per_parcel - 1.0).abs() < 0.3,
        "{per_trip_parcel} × {legs} legs vs {per_parcel}"
    );
}
