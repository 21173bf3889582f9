//! `sweep.json`: the resolved sweep, everything needed to reproduce, resume and merge it;
//! `sweep` writes and reads it back (resume, merge), `plot` reads it for the charts.

use serde::{Deserialize, Serialize};

/// `sweep.json`: everything needed to reproduce, resume and merge a sweep.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepJson {
    pub name: String,
    pub sweep_file: String,
    pub base_scenario: String,
    pub base_scenario_sha256: String,
    pub version: String,
    pub replications: u32,
    pub base_seed: u64,
    pub common_random_numbers: bool,
    pub design: String,
    pub set: serde_json::Value,
    pub parameters: Vec<Parameter>,
    pub metrics: Vec<String>,
    /// The sweep file's `marginal_volume_step`: every run is paired with one carrying
    /// this share of extra volume, and the metrics include the marginal cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marginal_volume_step: Option<f64>,
    pub points: Vec<PointJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointJson {
    pub point: usize,
    pub values: Vec<serde_json::Value>,
    /// Seed of each replication.
    pub seeds: Vec<u64>,
}

/// A resolved varied parameter, as written to `sweep.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parameter {
    pub path: String,
    /// Whether plots should use a log axis for it.
    pub log: bool,
}
