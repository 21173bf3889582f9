//! `explain.json`: the inputs of an explanation and the figures its waterfall chart draws;
//! `compare::explain` writes it, `plot` reads it. Every field but those the chart needs
//! takes its default when a file lacks it. `LeverRow` is also a row of `explain.csv`.

use super::compare::{FailedRun, InputJson};
use serde::{Deserialize, Serialize};

/// `explain.json`: the inputs, and the figures the waterfall chart draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExplainJson {
    /// parcelsim version that wrote the file.
    #[serde(default)]
    pub version: String,
    /// The metric explained, a key of `summary.json`.
    pub metric: String,
    /// The scenario the change starts from.
    pub from: InputJson,
    /// The scenario it goes to.
    pub to: InputJson,
    /// Replications of every subset.
    #[serde(default)]
    pub replications: u32,
    /// Seed the replications' seeds derive from.
    #[serde(default)]
    pub base_seed: u64,
    /// Seed of each replication, shared by every subset.
    #[serde(default)]
    pub seeds: Vec<u64>,
    /// Whether every subset ran on the same seeds (always true).
    #[serde(default)]
    pub common_random_numbers: bool,
    /// The sections that differ, in the scenario's order.
    #[serde(default)]
    pub levers: Vec<String>,
    /// Mixed scenarios simulated: 2^levers.
    #[serde(default)]
    pub subsets: usize,
    /// Mean metric of FROM (no lever from TO) and of TO (every lever), and the change.
    pub from_value: f64,
    /// Mean metric of TO (every lever).
    pub to_value: f64,
    /// `to_value − from_value`.
    #[serde(default)]
    pub change: f64,
    /// Each lever's share of the change, in the order of `levers`.
    pub attribution: Vec<LeverRow>,
    /// Runs that failed; their replications are left out of every subset's figures.
    #[serde(default)]
    pub failed_runs: Vec<FailedRun>,
}

/// One row of `explain.csv`: a lever's Shapley value, its share of the whole change (empty
/// when the metric does not change) and the 95 % CI of the per-replication Shapley values.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeverRow {
    /// The top-level section that differs.
    pub lever: String,
    /// Its Shapley value: its average contribution to the change over the orders of the levers.
    pub shapley: f64,
    /// `shapley` over the whole change (empty when the metric does not change).
    pub share_of_change: Option<f64>,
    /// Low end of the 95 % interval of the per-replication Shapley values.
    pub ci_low: Option<f64>,
    /// High end of that interval.
    pub ci_high: Option<f64>,
}
