//! The `[network]` section: an explicit network (nodes and lanes, inline or from CSV) or
//! `[network.generate]` from the city list, with their defaults.

use super::sorting::SortingMode;
use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// The network: generated from a city list, or given node by node and lane by lane.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Build the network from a city list; give this or nodes and lanes, not both.
    pub generate: Option<Generate>,
    /// Inline nodes (`[[network.nodes]]`).
    pub nodes: Option<Vec<NodeSpec>>,
    /// CSV file of nodes, path relative to the scenario file (same columns as `NodeSpec`).
    pub nodes_file: Option<String>,
    /// Inline lanes (`[[network.lanes]]`).
    pub lanes: Option<Vec<LaneSpec>>,
    /// CSV file of lanes, path relative to the scenario file (same columns as `LaneSpec`).
    pub lanes_file: Option<String>,
}

impl Network {
    /// Generated or explicit, not both; an explicit network has its nodes and lanes once
    /// each. Nodes and lanes themselves are checked when the network is built (they may
    /// come from CSV files).
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        let explicit = self.nodes.is_some() || self.nodes_file.is_some();
        match (&self.generate, explicit) {
            (Some(_), true) => Err(at.error(
                "generate",
                "give either `generate` or nodes and lanes, not both",
            )),
            (None, false) => Err(at.error(
                "",
                "needs `generate` or nodes (`nodes` / `nodes_file`) and lanes",
            )),
            (Some(g), false) => g.validate(&at.at("generate")),
            (None, true) => {
                if self.nodes.is_some() && self.nodes_file.is_some() {
                    return Err(at.error("nodes_file", "give `nodes` or `nodes_file`, not both"));
                }
                if self.lanes.is_some() && self.lanes_file.is_some() {
                    return Err(at.error("lanes_file", "give `lanes` or `lanes_file`, not both"));
                }
                if self.lanes.is_none() && self.lanes_file.is_none() {
                    return Err(at.error("", "an explicit network needs `lanes` or `lanes_file`"));
                }
                Ok(())
            }
        }
    }
}

/// How to build a network from a city list.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// CSV of cities (city, province, region, lat, lon, population_m, urban_area_km2,
    /// ecommerce_weight), relative to the scenario file.
    pub cities_file: String,
    /// Keep only the heaviest N cities (all when absent).
    pub max_cities: Option<usize>,
    /// One sortation centre per city, or one per province at its heaviest city.
    #[serde(default)]
    pub centres: CentrePlacement,
    /// Line-haul topology between centres.
    #[serde(default)]
    pub linehaul: Topology,
    /// Hubs of a hub-and-spoke network, chosen by weight and spread (count).
    #[serde(default = "d_hubs")]
    pub hubs: usize,
    /// Minimum distance between two hubs (km).
    #[serde(default = "d_hub_spacing")]
    pub hub_spacing_km: f64,
    /// Road distance over great-circle distance (-). Assumption.
    #[serde(default = "d_road_factor")]
    pub road_factor: f64,
    /// Daily capacity of an outlet: parcels picked up plus delivered it is planned for
    /// (parcels/day). A city gets enough outlets to carry its expected volume, so the count
    /// grows with volume. N6 (ZTO 2023: ≈83 m parcels a day, each picked up at one outlet
    /// and delivered at another, over >31,000 outlets: ≈5,400 handled per outlet-day).
    #[serde(default = "d_outlet_parcels")]
    pub parcels_per_outlet: f64,
    /// Service area of an outlet: the largest district one outlet covers (km²). A city gets
    /// at least enough outlets to cover its urban area, whatever its volume. L26
    /// (assumption: ≈5 km around the outlet, 20 minutes by e-tricycle).
    #[serde(default = "d_outlet_area")]
    pub outlet_service_area_km2: f64,
    /// The routing lever: open a direct line-haul lane between two centres whose planned
    /// flow reaches this many parcels a day (none when absent; a full trailer is 16,000).
    pub direct_lanes_above: Option<f64>,
    /// The routing lever by cost: open a direct lane between two centres wherever a
    /// direct trip per parcel, with the planned load and the vehicle it needs, costs less
    /// than the trips and intermediate sorts of the route it replaces.
    #[serde(default)]
    pub direct_lanes_by_cost: bool,
    /// Spare capacity planned into trucks, sorter lines and couriers (-).
    #[serde(default = "d_slack")]
    pub planning_slack: f64,
}

impl Generate {
    /// Counts at least 1, distances and capacities positive, one routing lever at most.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        if self.max_cities == Some(0) {
            return Err(at.error("max_cities", "must be at least 1"));
        }
        at.at_least_one("hubs", self.hubs as u64)?;
        at.non_negative("hub_spacing_km", self.hub_spacing_km)?;
        at.positive("road_factor", self.road_factor)?;
        at.positive("parcels_per_outlet", self.parcels_per_outlet)?;
        at.positive("outlet_service_area_km2", self.outlet_service_area_km2)?;
        if let Some(t) = self.direct_lanes_above {
            at.positive("direct_lanes_above", t)?;
            if self.direct_lanes_by_cost {
                return Err(at.error(
                    "direct_lanes_by_cost",
                    "choose `direct_lanes_above` or `direct_lanes_by_cost`, not both",
                ));
            }
        }
        at.non_negative("planning_slack", self.planning_slack)
    }
}

fn d_hubs() -> usize {
    8
}

fn d_hub_spacing() -> f64 {
    400.0
}

fn d_road_factor() -> f64 {
    1.25
}

fn d_outlet_parcels() -> f64 {
    5400.0
}

fn d_outlet_area() -> f64 {
    80.0
}

fn d_slack() -> f64 {
    0.3
}

/// Where a generated network puts its sortation centres.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CentrePlacement {
    /// One centre in every city.
    #[default]
    PerCity,
    /// One centre per province, in its heaviest city, serving the province's outlets.
    PerProvince,
}

/// Which centres of a generated network get line-haul lanes between them.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// The `hubs` heaviest centres at least `hub_spacing_km` apart are linked to each
    /// other, every other centre to its nearest hub.
    #[default]
    HubAndSpoke,
    /// Every centre to every other.
    Meshed,
}

/// What a node of a network is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// Where couriers pick up and deliver: parcels start and end their journey here.
    Outlet,
    /// A sortation centre between feeder and line-haul lanes.
    Centre,
}

/// One node of an explicit network. Fields left out take the `[operations]` defaults.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Unique name that lanes and `demand.origin_zones` refer to.
    pub id: String,
    /// `outlet` or `centre`.
    pub kind: NodeKind,
    /// Outlets: share of demand originating and ending here (relative weight).
    pub weight: Option<f64>,
    /// Outlets: area served by the outlet's couriers (km²).
    pub area_km2: Option<f64>,
    /// Outlets: couriers on the payroll (count).
    pub couriers: Option<u32>,
    /// Centres: parallel sorter lines (count).
    pub lines: Option<u32>,
    /// Centres: `automated` or `manual` sorting (default from `operations.sorting`).
    pub sorting: Option<SortingMode>,
    /// Latitude (degrees north; give it with `lon` or not at all): where the network map
    /// draws the node.
    pub lat: Option<f64>,
    /// Longitude (degrees east; give it with `lat` or not at all).
    pub lon: Option<f64>,
}

/// One lane of an explicit network: a vehicle that runs `from` → `to` on a timetable.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaneSpec {
    /// Id of the node the vehicles leave from.
    pub from: String,
    /// Id of the node they go to; a lane runs one way.
    pub to: String,
    /// Road distance (km).
    pub distance_km: f64,
    /// Driving time (h); from the distance and the speed of the lane's kind when absent.
    pub hours: Option<f64>,
    /// Vehicle type name (from `[[vehicles]]`); the kind's default when absent.
    pub vehicle: Option<String>,
    /// Vehicles that may leave at one departure (count).
    pub max_vehicles: Option<u32>,
    /// Departure times of day, "HH:MM" (a list, or one string separated by spaces).
    pub departures: Option<Times>,
}

/// A list of times of day: `["22:00", "04:00"]` in TOML, `22:00 04:00` in a CSV cell.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Times {
    /// A TOML list of "HH:MM" strings.
    List(Vec<String>),
    /// One string of times separated by spaces, commas or semicolons.
    Text(String),
}

impl Times {
    /// The times as written, one string each (parsed when the network is built).
    pub fn items(&self) -> Vec<String> {
        match self {
            Times::List(v) => v.clone(),
            Times::Text(s) => s
                .split([' ', ';', ','])
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}
