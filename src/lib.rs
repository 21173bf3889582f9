//! parcelsim: a discrete-event simulator of what it costs to carry an online shop's
//! parcels through an express sortation network. See ARCHITECTURE.md for the codemap.

pub mod accounts;
pub mod compare;
pub mod cost;
pub mod demand;
pub mod error;
pub mod files;
pub mod folder;
pub mod fuzz;
pub mod html;
pub mod instruments;
pub mod metrics;
pub mod network;
pub mod ops;
pub mod plot;
pub mod progress;
pub mod queueing;
pub mod random;
pub mod report;
pub mod run;
pub mod scenario;
pub mod schema;
pub mod staffing;
pub mod sweep;
pub mod workbook;
pub mod workload;

/// The discrete-event core, its own crate (`src/engine/`): `crate::engine::SimTime`,
/// `Simulation`, `Model`, `Scheduler`, `EventQueue`.
pub use parcelsim_engine as engine;
