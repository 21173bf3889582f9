//! The run folder's CSV tables that are read back, one row type each: `cost_breakdown.csv`
//! and `transit_histogram.csv` (written by `report`, read by `plot`'s run charts),
//! `nodes.csv` and `lanes.csv` (filled by `run`, read by the map and `report.html`).
//!
//! Columns added after a file's first version take their defaults when absent (the node's
//! coordinates, the centres' staffing figures), so folders of earlier versions still read.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};

/// A row of `cost_breakdown.csv`: one activity's cost in the measured window (the last row,
/// `total`, sums them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRow {
    /// The activity's name (as in `summary.json`'s `cost_by_activity`), or `total`.
    pub activity: String,
    /// Its cost over the measured delivered parcels (yuan).
    pub total_yuan: f64,
    /// Per measured delivered parcel (yuan).
    pub yuan_per_parcel: f64,
    /// Its share of the total cost (0–1).
    pub share: f64,
}

/// A row of `transit_histogram.csv`: measured parcels signed for within a 0.1-hour bin of
/// time from pickup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistRow {
    /// The bin's start (hours from pickup, one decimal).
    pub transit_hours_from: f64,
    /// Parcels in the bin.
    pub parcels: u64,
}

/// One row of `nodes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    /// The node's id.
    pub node: String,
    /// `centre` or `outlet`.
    #[serde(deserialize_with = "node_kind")]
    pub kind: Word,
    /// Where the node is (degrees; empty when the scenario does not say; absent in folders
    /// written before nodes had coordinates, which have no map).
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude (degrees; empty when the scenario does not say).
    #[serde(default)]
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
    #[serde(default)]
    pub paid_worker_hours: f64,
    /// Centres: of those, hours paid while their line stood idle.
    #[serde(default)]
    pub idle_paid_worker_hours: f64,
    /// Centres: parcels per line-hour the lines are built for.
    #[serde(default)]
    pub planned_per_line_hour: f64,
    /// Centres: parcels sorted per paid line-hour.
    #[serde(default)]
    pub achieved_per_line_hour: f64,
    /// Centres: parcels sorted per paid worker-hour.
    #[serde(default)]
    pub parcels_per_paid_worker_hour: f64,
    /// Centres: call-ins of temporary workers.
    #[serde(default)]
    pub call_ins: u32,
}

/// One row of `lanes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaneRow {
    /// Id of the node the lane leaves from.
    pub from: String,
    /// Id of the node it goes to.
    pub to: String,
    /// `feeder` or `linehaul`.
    #[serde(deserialize_with = "lane_kind")]
    pub kind: Word,
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

/// A word the writer picks from a fixed list (a node's or lane's kind), read back through
/// that list. (An alias, so that serde does not take `&'static str` for text borrowed from
/// the file.)
pub type Word = &'static str;

/// The node kinds `nodes.csv` names.
pub const NODE_KINDS: [&str; 2] = ["centre", "outlet"];
/// The lane kinds `lanes.csv` names (`network::LaneKind::name`).
pub const LANE_KINDS: [&str; 2] = ["feeder", "linehaul"];

fn node_kind<'de, D: Deserializer<'de>>(d: D) -> Result<Word, D::Error> {
    one_of(d, &NODE_KINDS)
}

fn lane_kind<'de, D: Deserializer<'de>>(d: D) -> Result<Word, D::Error> {
    one_of(d, &LANE_KINDS)
}

/// A `kind` cell read back as the writer's own word.
fn one_of<'de, D: Deserializer<'de>>(d: D, words: &'static [Word]) -> Result<Word, D::Error> {
    let cell = String::deserialize(d)?;
    words.iter().copied().find(|w| *w == cell).ok_or_else(|| {
        D::Error::custom(format!(
            "unknown kind `{cell}`, expected {}",
            words.join(" or ")
        ))
    })
}
