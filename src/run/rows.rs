//! The rows of `nodes.csv` and `lanes.csv`.

use serde::Serialize;

/// One row of `nodes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct NodeRow {
    pub node: String,
    pub kind: &'static str,
    /// Where the node is (degrees; empty when the scenario does not say).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub capacity_units: u32,
    pub parcels_handled: u64,
    pub utilisation: f64,
    pub mean_queue: f64,
    pub max_queue: u64,
    pub mean_wait_hours: f64,
    /// Resources this node paid for during the measured window (yuan), and per parcel
    /// it handled in the window.
    pub cost_yuan: f64,
    pub cost_per_parcel_yuan: f64,
    /// Centres, measured window: worker-hours paid (roster, temporary and surge crews)
    /// and those paid while their line stood idle; parcels per line-hour the line is
    /// built for, achieved per paid line-hour, and per paid worker-hour; temporary call-ins.
    pub paid_worker_hours: f64,
    pub idle_paid_worker_hours: f64,
    pub planned_per_line_hour: f64,
    pub achieved_per_line_hour: f64,
    pub parcels_per_paid_worker_hour: f64,
    pub call_ins: u32,
}

/// One row of `lanes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneRow {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub distance_km: f64,
    pub vehicle: String,
    pub max_vehicles: u32,
    pub planned_parcels_per_day: f64,
    pub departures: u64,
    pub vehicles_sent: u64,
    pub parcels: u64,
    pub fill_rate: f64,
    /// Trips paid during the measured window (yuan), and per parcel carried in it.
    pub cost_yuan: f64,
    pub cost_per_parcel_yuan: f64,
}
