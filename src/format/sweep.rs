//! `sweep.json`: the resolved sweep, everything needed to reproduce, resume and merge it;
//! `sweep` writes and reads it back (resume, merge), `plot` reads it for the charts.

use serde::{Deserialize, Serialize};

/// `sweep.json`: everything needed to reproduce, resume and merge a sweep.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepJson {
    /// Name of the sweep.
    pub name: String,
    /// The sweep file, as given.
    pub sweep_file: String,
    /// The base scenario, as the sweep file names it.
    pub base_scenario: String,
    /// SHA-256 of the base scenario file's bytes.
    pub base_scenario_sha256: String,
    /// parcelsim version that wrote the file.
    pub version: String,
    /// Replications per point.
    pub replications: u32,
    /// Seed every run's seed derives from.
    pub base_seed: u64,
    /// Whether a run's seed depends on its replication only (the same random numbers at every point).
    pub common_random_numbers: bool,
    /// `Grid` or `LatinHypercube`.
    pub design: String,
    /// The values set on the base scenario for every run (dotted path → value).
    pub set: serde_json::Value,
    /// The varied parameters, in the order of the points' values.
    pub parameters: Vec<Parameter>,
    /// The metrics of `runs.csv` and `points.csv`, in column order.
    pub metrics: Vec<String>,
    /// The sweep file's `marginal_volume_step`: every run is paired with one carrying
    /// this share of extra volume, and the metrics include the marginal cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marginal_volume_step: Option<f64>,
    /// Every point: its values and the seed of each replication.
    pub points: Vec<PointJson>,
}

/// One point of `sweep.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointJson {
    /// Index of the point, from 0.
    pub point: usize,
    /// The value of each parameter, in the order of `parameters`.
    pub values: Vec<serde_json::Value>,
    /// Seed of each replication.
    pub seeds: Vec<u64>,
}

/// A resolved varied parameter, as written to `sweep.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parameter {
    /// Dotted path of the parameter in the scenario.
    pub path: String,
    /// Whether plots should use a log axis for it.
    pub log: bool,
}
