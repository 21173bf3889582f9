//! The rows of `nodes.csv` and `lanes.csv`.

use serde::Serialize;

/// One row of `nodes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct NodeRow {
    /// The node's id.
    pub node: String,
    /// `centre` or `outlet`.
    pub kind: &'static str,
    /// Where the node is (degrees; empty when the scenario does not say).
    pub lat: Option<f64>,
    /// Longitude (degrees; empty when the scenario does not say).
    pub lon: Option<f64>,
    /// Centres: sorter lines; outlets: couriers.
    pub capacity_units: u32,
    /// Centres: parcels sorted; outlets: parcels picked up and delivered (measured window).
    pub parcels_handled: u64,
    /// Centres: line time busy over line time open; outlets: attempts over courier capacity.
    pub utilisation: f64,
    /// Centres: time-average parcels waiting for a line; outlets: parcels waiting at a delivery wave.
    pub mean_queue: f64,
    /// Most parcels waiting at once.
    pub max_queue: u64,
    /// Centres: mean wait before sorting (h); outlets: 0.
    pub mean_wait_hours: f64,
    /// Resources this node paid for during the measured window (yuan), and per parcel
    /// it handled in the window.
    pub cost_yuan: f64,
    /// `cost_yuan` per parcel handled in the window (yuan).
    pub cost_per_parcel_yuan: f64,
    /// Centres, measured window: worker-hours paid (roster, temporary and surge crews)
    /// and those paid while their line stood idle; parcels per line-hour the line is
    /// built for, achieved per paid line-hour, and per paid worker-hour; temporary call-ins.
    pub paid_worker_hours: f64,
    /// Centres: of those, hours paid while their line stood idle.
    pub idle_paid_worker_hours: f64,
    /// Centres: parcels per line-hour the lines are built for.
    pub planned_per_line_hour: f64,
    /// Centres: parcels sorted per paid line-hour.
    pub achieved_per_line_hour: f64,
    /// Centres: parcels sorted per paid worker-hour.
    pub parcels_per_paid_worker_hour: f64,
    /// Centres: call-ins of temporary workers.
    pub call_ins: u32,
}

/// One row of `lanes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneRow {
    /// Id of the node the lane leaves from.
    pub from: String,
    /// Id of the node it goes to.
    pub to: String,
    /// `feeder` or `linehaul`.
    pub kind: &'static str,
    /// Road distance (km).
    pub distance_km: f64,
    /// The lane's vehicle type.
    pub vehicle: String,
    /// Vehicles that may leave at one departure.
    pub max_vehicles: u32,
    /// Flow the lane was planned for (parcels/day).
    pub planned_parcels_per_day: f64,
    /// Departures in the window that carried parcels.
    pub departures: u64,
    /// Vehicles they used.
    pub vehicles_sent: u64,
    /// Parcels they carried.
    pub parcels: u64,
    /// Parcels carried over the vehicles' capacity.
    pub fill_rate: f64,
    /// Trips paid during the measured window (yuan), and per parcel carried in it.
    pub cost_yuan: f64,
    /// `cost_yuan` per parcel carried in the window (yuan).
    pub cost_per_parcel_yuan: f64,
}
