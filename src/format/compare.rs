//! `compare.json`: the inputs of a comparison, and the scenario files and failed runs that
//! `explain.json` records the same way.

use serde::{Deserialize, Serialize};

/// `compare.json`: everything needed to reproduce a comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareJson {
    /// parcelsim version that wrote the file.
    pub version: String,
    /// The scenario files compared, in the order given (the first is the reference).
    pub scenarios: Vec<InputJson>,
    /// Replications of every scenario.
    pub replications: u32,
    /// Seed the replications' seeds derive from.
    pub base_seed: u64,
    /// Seed of each replication, shared by every scenario.
    pub seeds: Vec<u64>,
    /// Whether every scenario ran on the same seeds (always true).
    pub common_random_numbers: bool,
    /// The metrics compared, in table order.
    pub metrics: Vec<String>,
    /// Runs that failed; their replications are left out of every scenario's figures.
    pub failed_runs: Vec<FailedRun>,
}

/// A scenario file as recorded in `compare.json` and `explain.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputJson {
    /// How tables and charts name it: the file name without extension, unless two inputs
    /// share it (then the path as given).
    pub label: String,
    /// The file, as given.
    #[serde(default)]
    pub file: String,
    /// The `name` inside the file.
    #[serde(default)]
    pub scenario: String,
    /// SHA-256 of the file's bytes.
    #[serde(default)]
    pub sha256: String,
}

/// A run of a comparison that failed, recorded in `compare.json` / `explain.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailedRun {
    /// Label of the scenario whose run failed.
    pub scenario: String,
    /// Its replication, from 0.
    pub replication: u32,
    /// Its seed.
    pub seed: u64,
    /// Why it failed.
    pub error: String,
}

/// One row of `compare.csv`: a metric of one scenario, with its paired difference from the
/// first scenario (empty for the first, and where the replications allow no interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    /// The scenario's label.
    pub scenario: String,
    /// The metric's name (a sweep metric or a `cost_<activity>_yuan`).
    pub metric: String,
    /// Mean over the replications.
    pub mean: f64,
    /// 95 % interval of the mean.
    pub ci_low: Option<f64>,
    /// 95 % interval of the mean (upper end).
    pub ci_high: Option<f64>,
    /// Mean paired difference from the first scenario.
    pub diff_vs_first: Option<f64>,
    /// 95 % interval of the difference.
    pub diff_ci_low: Option<f64>,
    /// 95 % interval of the difference (upper end).
    pub diff_ci_high: Option<f64>,
}
