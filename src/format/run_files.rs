//! The run folder's CSV tables that are read back: `cost_breakdown.csv` and
//! `transit_histogram.csv`, one row type each, written by `report` and read by `plot`.

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
