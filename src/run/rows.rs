//! The rows of `nodes.csv` and `lanes.csv`, which `run/mod.rs` fills: their types are
//! `format::run_files`'s, the one definition that the map and `report.html` read back.

pub use crate::format::run_files::{LaneRow, NodeRow};
