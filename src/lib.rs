//! parcelsim: a discrete-event simulator of what it costs to carry an online shop's
//! parcels through an express sortation network. See ARCHITECTURE.md for the codemap and
//! invariants; this page walks through one run, the path every command takes.
//!
//! # One run
//!
//! 1. **Load and check.** [`run::load`] reads the scenario file into [`scenario::Scenario`]
//!    (serde structs of the file format, one file per section, every default beside its
//!    field), checks every field ([`scenario::validate`]; errors name file, line and dotted
//!    field), builds the [`network::Network`] — given node by node or generated from a city
//!    list, with least-cost routing tables and capacities planned from expected flows — and
//!    estimates the workload ([`workload`]) against the memory limit. Nothing is written
//!    before all of this has passed.
//! 2. **Simulate.** [`run::run`] builds the carrier ([`ops`]: shop, pickup, feeder, sorting,
//!    line-haul, delivery, returns, management) as a [`engine::Model`] and runs it on the
//!    domain-free [`engine`] (integer clock, events in (time, insertion) order) until the
//!    parcels picked up in the measured window have arrived. Every random draw comes from a
//!    stream derived from the seed ([`random`]); resources are costed in exact integer
//!    micro-yuan ([`cost`]) and fees between the parties go to the [`accounts`] ledger.
//! 3. **Close the books.** Still inside [`run::run`]: parcels and money must balance (a
//!    run that does not is an error), the steady state is checked, and the result is a
//!    [`run::RunOutput`]: the [`run::Summary`] (`summary.json`) and node and lane rows.
//! 4. **Write.** [`report::write_run`] writes the run folder through [`files`] (each file
//!    atomically, `summary.json` last); [`folder::write_extras`] then draws the charts
//!    ([`plot`]), the workbook ([`workbook`]) and `report.html` ([`html`]) from those files
//!    alone, so `parcelsim plot DIR` redraws them identically.
//!
//! A sweep ([`sweep`]), a comparison ([`compare`]) and the instruments ([`instruments`]) are
//! many such runs, in parallel, with seeds derived from (base seed, replication, point), so
//! their files do not depend on the thread count.
//!
//! ```
//! use parcelsim::run::{self, RunOptions};
//!
//! let loaded = run::load(std::path::Path::new("scenarios/small.toml"))?;
//! let out = run::run(
//!     &loaded.scenario,
//!     &loaded.network,
//!     &loaded.sha256,
//!     &RunOptions::default(),
//! )?;
//! let s = &out.summary;
//! assert!(s.measured_parcels_delivered > 0);
//! assert!(s.cost_per_parcel_yuan > 0.0);
//! # Ok::<(), parcelsim::error::Error>(())
//! ```
//!
//! The command line (`src/main.rs`, `src/cli/`) is a thin layer over these steps: one file
//! per subcommand, which parses its arguments, calls the library and prints.

#![warn(missing_docs)]

pub mod accounts;
pub mod compare;
pub mod cost;
pub mod demand;
pub mod emissions;
pub mod error;
pub mod files;
pub mod folder;
pub mod format;
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
