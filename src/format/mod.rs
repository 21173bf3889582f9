//! The result files' formats, one definition each: the writers (`run`, `sweep`, `compare`)
//! fill these types and serialize them, and `plot` deserializes the same types to draw
//! the charts. The module sits below both and imports nothing from the simulator:
//! `summary.rs` (`summary.json`), `sweep.rs` (`sweep.json`), `compare.rs` (`compare.json`
//! and what `explain.json` shares with it), `explain.rs` (`explain.json`), `run_files.rs`
//! (the run folder's `cost_breakdown.csv`, `transit_histogram.csv`, `nodes.csv` and
//! `lanes.csv`); `sweep.rs` also names `points.csv`'s columns.

pub mod compare;
pub mod explain;
pub mod run_files;
pub mod summary;
pub mod sweep;
