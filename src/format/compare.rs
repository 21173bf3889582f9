//! `compare.json`: the inputs of a comparison, and the scenario files and failed runs that
//! `explain.json` records the same way.

use serde::{Deserialize, Serialize};

/// `compare.json`: everything needed to reproduce a comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareJson {
    pub version: String,
    pub scenarios: Vec<InputJson>,
    pub replications: u32,
    pub base_seed: u64,
    /// Seed of each replication, shared by every scenario.
    pub seeds: Vec<u64>,
    pub common_random_numbers: bool,
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
    #[serde(default)]
    pub file: String,
    /// The `name` inside the file.
    #[serde(default)]
    pub scenario: String,
    #[serde(default)]
    pub sha256: String,
}

/// A run of a comparison that failed, recorded in `compare.json` / `explain.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailedRun {
    pub scenario: String,
    pub replication: u32,
    pub seed: u64,
    pub error: String,
}
