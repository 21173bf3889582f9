//! The scenario file format: plain serde structs, every field with its unit, defaults with
//! their sources (row ids of the project's figures list, see `scenarios/baseline.toml`).
//!
//! A file is parsed here, then checked field by field (`validate`); the network module
//! turns it into a typed model. Errors carry the file, line and dotted field path.
//!
//! Files: one per section of the file (`demand.rs`, `network.rs`, `operations.rs`,
//! `sorting.rs`, `costs.rs`, `emissions.rs`, `quality.rs`, `org.rs`, `revenue.rs`,
//! `operating_model.rs`, `shop.rs`), each struct with its field defaults, its `impl Default`
//! (where every field has one) and its own `validate` beside it; `load.rs` (reading, TOML
//! errors), `locate.rs` (field ↔ line), `validate.rs` (the sections checked in file order,
//! references between them, and `Check`, the dotted path and the common errors) and
//! `bounds.rs` (numeric bounds).

use serde::{Deserialize, Serialize};

/// `impl Default` for a section whose every field has a serde default: the section as an
/// empty table reads.
macro_rules! default_via_serde {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                toml::from_str("").expect("every field has a default")
            }
        }
    )*};
}

mod bounds;
mod costs;
mod demand;
mod emissions;
mod load;
mod locate;
mod network;
mod operating_model;
mod operations;
mod org;
mod quality;
mod revenue;
mod shop;
mod sorting;
#[cfg(test)]
mod tests;
mod validate;

pub use bounds::{bound_of, out_of_bounds};
pub use costs::{Costs, Vehicle, d_vehicles};
pub use demand::{Demand, d_profile};
pub use emissions::Emissions;
pub use load::{Source, load, parse, parse_time_of_day, time_of_day, toml_error};
pub use locate::{field_at, field_of_line, locate, locate_span};
pub use network::{
    CentrePlacement, Generate, LaneSpec, Network, NodeKind, NodeSpec, Times, Topology,
};
pub use operating_model::{ModelKind, OperatingModel, Payer};
pub use operations::{Delivery, Feeder, Linehaul, Operations, Pickup, Service, Shift};
pub use org::Org;
pub use quality::Quality;
pub use revenue::Revenue;
pub use shop::{CarrierPolicy, OtherCarrier, Packaging, Shop};
pub use sorting::{Automation, ManualSorting, SortTech, Sorting, SortingMode, Staffing};
pub use validate::{MAX_KINDS, MAX_NAME_CHARS, MAX_TIMES, check_name, validate};

/// A whole scenario.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the scenario; runs are written under `output/<name>/`.
    pub name: String,
    /// Master seed of every random stream (overridden by `--seed`).
    #[serde(default = "d_seed")]
    pub seed: u64,
    /// Days measured after the warm-up (days).
    pub days: u32,
    /// Days simulated before measuring, so that the network is loaded (days).
    #[serde(default = "d_warmup")]
    pub warmup_days: u32,
    /// Days the run may go on after the measured window (orders keep coming) so that the
    /// parcels picked up in the window arrive; it stops as soon as they all have (days).
    #[serde(default = "d_drain")]
    pub drain_days: u32,
    /// Orders: parcels a day, their hour-by-hour profile, where they go (gravity between
    /// zones), their weights and peak days.
    pub demand: Demand,
    /// The network: generated from a city list (`[network.generate]`) or given node by
    /// node and lane by lane.
    pub network: Network,
    /// How the network works hour by hour: pickup, feeder vans, sorting, line-haul and
    /// delivery.
    #[serde(default)]
    pub operations: Operations,
    /// Cost rates of the resources (yuan): wages, rents, capital and courier pay, each
    /// belonging to one activity.
    #[serde(default)]
    pub costs: Costs,
    /// Emission factors and the energy equipment and couriers' vehicles consume.
    #[serde(default)]
    pub emissions: Emissions,
    /// Vehicle types lanes may use; generated lanes pick the smallest that fits.
    #[serde(default = "d_vehicles")]
    pub vehicles: Vec<Vehicle>,
    /// Damage, loss, claims and complaints: incidents drawn in handling and transport, and
    /// what each costs.
    #[serde(default)]
    pub quality: Quality,
    /// Management: layers, span of control, manager cost, and how long a request for
    /// extra capacity takes.
    #[serde(default)]
    pub org: Org,
    /// Revenue other than carrying parcels, reported beside the cost.
    #[serde(default)]
    pub revenue: Revenue,
    /// Franchise or direct-operated, and the prices, fees and fines between the shop, the
    /// outlets and head office.
    #[serde(default)]
    pub operating_model: OperatingModel,
    /// The shop's side before handover; without it orders go straight to pickup.
    pub shop: Option<Shop>,
}

fn d_seed() -> u64 {
    1
}

fn d_warmup() -> u32 {
    // MSER on the national baseline: parcels in the network settle on day 5.
    5
}

fn d_drain() -> u32 {
    10
}
