//! The scenario file format: plain serde structs, every field with its unit, defaults with
//! their sources (row ids of the project's figures list, see `scenarios/baseline.toml`).
//!
//! A file is parsed here, then checked field by field (`validate`); the network module
//! turns it into a typed model. Errors carry the file, line and dotted field path.

use crate::engine::SimTime;
use crate::error::{InputError, line_of, show_num, show_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    pub demand: Demand,
    pub network: Network,
    #[serde(default)]
    pub operations: Operations,
    #[serde(default)]
    pub costs: Costs,
    /// Vehicle types lanes may use; generated lanes pick the smallest that fits.
    #[serde(default = "d_vehicles")]
    pub vehicles: Vec<Vehicle>,
    #[serde(default)]
    pub quality: Quality,
    #[serde(default)]
    pub org: Org,
    #[serde(default)]
    pub revenue: Revenue,
    #[serde(default)]
    pub operating_model: OperatingModel,
    /// The shop's side before handover; without it orders go straight to pickup.
    pub shop: Option<Shop>,
}

/// The shop's process before handover, one shop per origin outlet.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    /// Share of orders whose address or contact is wrong at confirmation (-). Assumption.
    #[serde(default = "d_addr_err")]
    pub address_error_rate: f64,
    /// Time to correct such an order with the customer (h). Assumption.
    #[serde(default = "d_correction")]
    pub correction_hours: f64,
    /// Share of wrong orders cancelled instead of corrected (-). Assumption.
    #[serde(default = "d_err_cancel")]
    pub error_cancel_share: f64,
    /// Products each shop sells, equally popular (count). Assumption.
    #[serde(default = "d_products")]
    pub products: u32,
    /// Stock of each product at the start, the reorder point at which a replenishment is
    /// ordered, and the quantity ordered (units). Assumption.
    #[serde(default = "d_initial_stock")]
    pub initial_stock: i64,
    #[serde(default = "d_reorder_point")]
    pub reorder_point: i64,
    #[serde(default = "d_order_quantity")]
    pub order_quantity: i64,
    /// Replenishment lead time (h). Assumption.
    #[serde(default = "d_lead_time")]
    pub lead_time_hours: f64,
    /// Of stock-outs: share of customers switching product (ships at once) and share
    /// cancelling; the rest wait for the restock (-). Assumption.
    #[serde(default = "d_switch")]
    pub stockout_switch_share: f64,
    #[serde(default = "d_so_cancel")]
    pub stockout_cancel_share: f64,
    /// Share of payments that fail or are abandoned: cancelled (-). Assumption.
    #[serde(default = "d_pay_fail")]
    pub payment_failure_rate: f64,
    /// Picking, inspection and packing time per order (min), packers per shop, shifts.
    #[serde(default = "d_pack_min")]
    pub pack_minutes: f64,
    #[serde(default = "d_packers")]
    pub packers: u32,
    #[serde(default = "d_pack_shifts")]
    pub pack_shifts: Vec<Shift>,
    /// Packers' pay (yuan/h). S15 (warehouse temp wage ≈15–17).
    #[serde(default = "d_pack_wage")]
    pub wage_per_hour: f64,
    /// Inspection finds a defective item at this rate; replaced at this cost (-, yuan).
    #[serde(default = "d_defect")]
    pub defect_rate: f64,
    #[serde(default = "d_defect_cost")]
    pub defect_cost: f64,
    /// Packaging by product category: share of orders, cost, and protection (multiplies
    /// the probability that a sort damages the parcel). Q1-Q4.
    #[serde(default = "d_packaging")]
    pub packaging: Vec<Packaging>,
    /// Extra return probability when the parcel arrived damaged, or late (-). Assumption.
    #[serde(default = "d_ret_damaged")]
    pub return_if_damaged: f64,
    #[serde(default = "d_ret_late")]
    pub return_if_late: f64,
    /// Time a customer takes to hand a return to the outlet (h). Assumption.
    #[serde(default = "d_ret_delay")]
    pub return_delay_hours: f64,
    /// Share of returns that are exchanges: a new parcel goes out when the return is back.
    #[serde(default = "d_exchange")]
    pub exchange_share: f64,
    /// Probability that a return (the hassle of sending it back) brings a complaint to the
    /// shop, and the staff time to handle one (-, yuan). Assumption.
    #[serde(default = "d_c_return")]
    pub complaint_if_returned: f64,
    #[serde(default = "d_shop_complaint_cost")]
    pub complaint_cost: f64,
    /// How the shop picks a carrier per order: `network` (always the simulated network),
    /// `shares` (at random by `share`), `cheapest` for the destination, or `fastest`.
    #[serde(default)]
    pub carrier_policy: CarrierPolicy,
    /// The simulated network's expected door-to-door time (h) and share, for the policies.
    #[serde(default = "d_network_hours")]
    pub network_expected_hours: f64,
    #[serde(default = "d_network_share")]
    pub network_share: f64,
    /// Other carriers the shop can use. They are not simulated: a price (fixed plus per
    /// 1,000 km to the destination) and a door-to-door time.
    #[serde(default)]
    pub carriers: Vec<OtherCarrier>,
    /// A customer's rating is 5 less these penalties (late, damaged, returned), at least 1.
    #[serde(default = "d_pen_late")]
    pub rating_penalty_late: f64,
    #[serde(default = "d_pen_damaged")]
    pub rating_penalty_damaged: f64,
    #[serde(default = "d_pen_return")]
    pub rating_penalty_return: f64,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CarrierPolicy {
    #[default]
    Network,
    Shares,
    Cheapest,
    Fastest,
}

/// A carrier other than the simulated network, seen from the shop.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherCarrier {
    pub name: String,
    /// Price per parcel (yuan) and extra per 1,000 km to the destination (yuan).
    pub price: f64,
    #[serde(default)]
    pub price_per_1000km: f64,
    /// Mean door-to-door time (h).
    pub expected_hours: f64,
    /// Weight under the `shares` policy.
    #[serde(default)]
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    pub name: String,
    pub share: f64,
    /// Material cost (yuan).
    pub cost: f64,
    /// Weight the packaging adds to the parcel (kg). Assumption.
    #[serde(default)]
    pub weight_kg: f64,
    /// Damage probability multiplier (-): 1 = no protection.
    pub protection: f64,
    /// Share of delivered orders of this category sent back (-). Q17 (fashion far higher).
    #[serde(default = "d_return_rate")]
    pub return_rate: f64,
}

/// Franchise (加盟: outlets are independent businesses paid per parcel) or direct-operated
/// (直营: everyone is an employee on salary), and the prices between the parties.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatingModel {
    #[serde(default)]
    pub kind: ModelKind,
    /// Direct: a courier's salary and benefits per day, paid busy or idle (yuan/day).
    /// L20 (≈6,000 yuan/month) plus social insurance.
    #[serde(default = "d_courier_wage")]
    pub courier_daily_wage: f64,
    /// Franchise: spread (coefficient of variation) of the failed-delivery rate from
    /// outlet to outlet (-). Direct outlets are run alike. Assumption.
    #[serde(default = "d_quality_spread")]
    pub outlet_quality_spread: f64,
    /// What the shop pays the origin outlet per parcel (yuan). L11-L14 (Yiwu 1.4-2.0).
    #[serde(default = "d_shop_price")]
    pub shop_price: f64,
    /// Franchise: what the origin outlet pays head office for sorting and line-haul
    /// (yuan/parcel). L7, L8 (assumption for the value).
    #[serde(default = "d_transit_fee")]
    pub transit_fee: f64,
    /// Franchise: waybill fee the origin outlet pays head office (yuan/parcel). L9.
    #[serde(default = "d_waybill_fee")]
    pub waybill_fee: f64,
    /// Franchise: what head office pays the destination outlet per delivery (yuan). L5.
    #[serde(default = "d_delivery_fee")]
    pub delivery_fee: f64,
    /// Franchise: who pays the feeder vans between outlets and centres. M7, N17 (outlets
    /// buy feeder trucking). Direct: head office pays everything.
    #[serde(default)]
    pub feeder_paid_by: Payer,
    /// Franchise: fines head office charges the outlets per complaint and per lost parcel
    /// (yuan); transfers, not resources. L18 (anecdotal: 100 per late parcel, 500 per lost).
    #[serde(default = "d_fine_complaint")]
    pub fine_per_complaint: f64,
    #[serde(default = "d_fine_lost")]
    pub fine_per_lost: f64,
}

/// A party that pays for a resource.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    #[default]
    Outlets,
    HeadOffice,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    #[default]
    Franchise,
    Direct,
}

/// Service quality as outcomes: incidents happen by chance in handling and transport, and
/// each costs claims and complaints.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// Probability that one sort damages a parcel (-). Assumption, calibrated so damage
    /// complaints are about 1.8 per million (Q9).
    #[serde(default = "d_damage")]
    pub damage_per_sort: f64,
    /// Probability that a parcel is lost on one trip (-). Q11 (5 per 100,000 last mile).
    #[serde(default = "d_loss")]
    pub loss_per_trip: f64,
    /// Mean value of the goods in a parcel (yuan). V20 (137, 2019).
    #[serde(default = "d_goods")]
    pub goods_value: f64,
    /// Postage the shop paid, the base of the compensation cap (yuan). L11, L14.
    #[serde(default = "d_postage")]
    pub postage: f64,
    /// Uninsured compensation: the lesser of the goods' value and this multiple of the
    /// postage (-). Q12 (3×).
    #[serde(default = "d_cap")]
    pub claim_cap_multiple: f64,
    /// Probability that a late, damaged or lost parcel brings a complaint (-). Assumption,
    /// calibrated to Q8/Q9 (about 10 complaints per million parcels).
    #[serde(default = "d_c_late")]
    pub complaint_if_late: f64,
    #[serde(default = "d_c_damaged")]
    pub complaint_if_damaged: f64,
    #[serde(default = "d_c_lost")]
    pub complaint_if_lost: f64,
    /// Staff time to handle one complaint (yuan). Assumption.
    #[serde(default = "d_c_cost")]
    pub complaint_cost: f64,
}

/// Management structure: layers between head office and the front line, span of control,
/// and how long a request for extra capacity takes to climb up and come back approved.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// Management layers above the front line (count). M5, M7.
    #[serde(default = "d_layers")]
    pub layers: u32,
    /// People reporting to one manager (count). Assumption.
    #[serde(default = "d_span")]
    pub span_of_control: f64,
    /// A manager's salary and benefits (yuan/day). Assumption (≈2× L20 courier income).
    #[serde(default = "d_manager")]
    pub manager_cost_per_day: f64,
    /// Time one layer takes to pass a request on (h). Assumption.
    #[serde(default = "d_delay")]
    pub decision_delay_hours: f64,
    /// A centre asks for a surge crew when its sorting backlog exceeds this many hours
    /// of its lines' throughput (h).
    #[serde(default = "d_surge_trigger")]
    pub surge_backlog_hours: f64,
    /// Extra sorter lines' worth of crew a surge brings (lines), and how long it stays (h).
    #[serde(default = "d_surge_lines")]
    pub surge_lines: u32,
    #[serde(default = "d_surge_hours")]
    pub surge_hours: f64,
}

/// Revenue besides carrying parcels, reported next to the cost, never netted into it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    /// Other revenue per parcel: waybill advertising, freight, retail at outlets (yuan).
    #[serde(default)]
    pub other_per_parcel: f64,
}

/// Order volumes and their shape.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Mean parcels handed to the network per day over the whole network (parcels/day).
    pub daily_parcels: f64,
    /// Relative order intensity for each hour 00..23 (24 non-negative numbers; scaled to 1).
    #[serde(default = "d_profile")]
    pub intraday_profile: Vec<f64>,
    /// Share of parcels whose destination is in the origin's own city (0..1). V10.
    #[serde(default = "d_intra_city")]
    pub intra_city_share: f64,
    /// Gravity model: destination weight decays as exp(-distance / this) (km).
    #[serde(default = "d_decay")]
    pub distance_decay_km: f64,
    /// Median parcel weight of a lognormal distribution (kg). D11 (assumption).
    #[serde(default = "d_weight_median")]
    pub weight_median_kg: f64,
    /// Sigma of the underlying normal of the weight distribution (-). D11 (assumption).
    #[serde(default = "d_weight_sigma")]
    pub weight_sigma: f64,
    /// Heaviest parcel accepted; heavier draws are capped (kg). D11.
    #[serde(default = "d_weight_max")]
    pub weight_max_kg: f64,
    /// Only these zones send parcels (cities of a generated network, centre ids of an
    /// explicit one); all do when empty. Destinations keep every zone.
    #[serde(default)]
    pub origin_zones: Vec<String>,
    /// Days (0 = the first simulated day) whose orders are multiplied by `peak_multiplier`;
    /// capacity is planned for the normal volume. D1-D4 (Singles' Day ≈1.8×).
    #[serde(default)]
    pub peak_days: Vec<u32>,
    #[serde(default = "d_peak")]
    pub peak_multiplier: f64,
}

/// The network: generated from a city list, or given node by node and lane by lane.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
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
    /// Parcels (picked up plus delivered) an outlet is planned for per day; sets the number
    /// of outlets per city from the expected volume (parcels/day). N6 (≈2,700 at ZTO).
    #[serde(default = "d_outlet_parcels")]
    pub parcels_per_outlet: f64,
    /// Smallest area an outlet serves; caps the outlets of a city (km²). Assumption.
    #[serde(default = "d_outlet_area")]
    pub min_outlet_area_km2: f64,
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

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CentrePlacement {
    #[default]
    PerCity,
    PerProvince,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    #[default]
    HubAndSpoke,
    Meshed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Outlet,
    Centre,
}

/// One node of an explicit network. Fields left out take the `[operations]` defaults.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub id: String,
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
    /// Latitude and longitude (degrees, optional, both or neither): where the network map
    /// draws the node.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortingMode {
    Automated,
    Manual,
}

/// The sorting technology of one centre, resolved from the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SortTech {
    pub mode: SortingMode,
    pub throughput_per_line: f64,
    pub workers_per_line: f64,
    pub line_capex: f64,
    pub m2_per_line: f64,
    pub mis_sort_rate: f64,
    pub damage_per_sort: f64,
}

impl Scenario {
    /// What one sort costs at the planned rates of the default sorting technology (labour,
    /// equipment and floor space of a line working its shifts at full throughput, yuan):
    /// the price routing puts on each intermediate sort.
    pub fn planned_sort_cost(&self) -> f64 {
        let mode = match self.operations.sorting.automation {
            Automation::Manual => SortingMode::Manual,
            _ => SortingMode::Automated,
        };
        let t = self.sort_tech(mode);
        let c = &self.costs;
        let hours: f64 = self.operations.sorting.shifts.iter().map(|s| s.hours).sum();
        let per_day = t.line_capex / (c.sorter_life_years * 365.0)
            + t.m2_per_line * c.rent_per_m2_month * 12.0 / 365.0;
        (t.workers_per_line * c.sorter_wage_per_hour + per_day / hours.max(1.0))
            / t.throughput_per_line
    }

    /// The technology a centre of `mode` uses.
    pub fn sort_tech(&self, mode: SortingMode) -> SortTech {
        let s = &self.operations.sorting;
        match mode {
            SortingMode::Automated => SortTech {
                mode,
                throughput_per_line: s.throughput_per_line,
                workers_per_line: s.workers_per_line,
                line_capex: self.costs.sorter_line_capex,
                m2_per_line: self.costs.facility_m2_per_line,
                mis_sort_rate: s.mis_sort_rate,
                damage_per_sort: self.quality.damage_per_sort,
            },
            SortingMode::Manual => SortTech {
                mode,
                throughput_per_line: s.manual.throughput_per_line,
                workers_per_line: s.manual.workers_per_line,
                line_capex: s.manual.line_capex,
                m2_per_line: s.manual.m2_per_line,
                mis_sort_rate: s.manual.mis_sort_rate,
                damage_per_sort: s.manual.damage_per_sort,
            },
        }
    }
}

/// One lane of an explicit network: a vehicle that runs `from` → `to` on a timetable.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaneSpec {
    pub from: String,
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
    List(Vec<String>),
    Text(String),
}

impl Times {
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

/// How the network works, hour by hour.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operations {
    #[serde(default)]
    pub pickup: Pickup,
    #[serde(default)]
    pub feeder: Feeder,
    #[serde(default)]
    pub sorting: Sorting,
    #[serde(default)]
    pub linehaul: Linehaul,
    #[serde(default)]
    pub delivery: Delivery,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pickup {
    /// Pickup waves at outlets, "HH:MM"; each collects the orders placed since the last
    /// (the wave time is the cut-off). D10 (pickup 13:00-19:00).
    #[serde(default = "d_pickup_waves")]
    pub waves: Vec<String>,
    /// Pickup is a courier tour like delivery: parcels a shop hands over at one stop
    /// (parcels), minutes at each stop, and seconds to scan each parcel. Assumptions (L25).
    #[serde(default = "d_pickup_per_stop")]
    pub parcels_per_stop: f64,
    #[serde(default = "d_pickup_stop_minutes")]
    pub stop_minutes: f64,
    #[serde(default = "d_scan_seconds")]
    pub seconds_per_parcel: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feeder {
    /// Driving speed of feeder vans (km/h). Assumption.
    #[serde(default = "d_feeder_speed")]
    pub speed_kmh: f64,
    /// Departures from outlets to their centre. D10 (origin sort from 18:00).
    #[serde(default = "d_feeder_in")]
    pub to_centre: Vec<String>,
    /// Departures from centres to their outlets. D10 (destination sort 02:00-08:00).
    #[serde(default = "d_feeder_out")]
    pub from_centre: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sorting {
    /// Shifts worked every day; labour is paid for the whole shift. D10, S2.
    #[serde(default = "d_shifts")]
    pub shifts: Vec<Shift>,
    /// Parcels one sorter line handles per hour (parcels/h). S1, S7.
    #[serde(default = "d_throughput")]
    pub throughput_per_line: f64,
    /// Workers staffing one line during a shift (people). S4 (≈40 after automation).
    #[serde(default = "d_workers")]
    pub workers_per_line: f64,
    /// Distribution of the time one parcel occupies a line (mean 1/throughput).
    #[serde(default)]
    pub service: Service,
    /// Lines at a generated centre: enough for the expected arrivals of the peak hours
    /// (from the lanes' timetables and planned flows, with the planning slack) to be
    /// sorted within this many hours (h). Assumption (D10: 2-4 h between the feeder
    /// arrivals and the line-haul departures).
    #[serde(default = "d_plan_clear")]
    pub plan_clear_hours: f64,
    /// Share of parcels an automated line sends to the wrong chute (-). S5 (99 % accurate).
    #[serde(default = "d_mis_auto")]
    pub mis_sort_rate: f64,
    /// Time a mis-sorted parcel loses before it is found and sorted again (h). Assumption.
    #[serde(default = "d_mis_delay")]
    pub mis_sort_delay_hours: f64,
    /// Which centres are automated: all, none (manual), or those planned for more than
    /// `automate_above_daily` parcels a day. Explicit nodes may say so one by one.
    #[serde(default)]
    pub automation: Automation,
    #[serde(default = "d_automate_above")]
    pub automate_above_daily: f64,
    /// The manual alternative to the automated lines above.
    #[serde(default)]
    pub manual: ManualSorting,
    /// How lines are staffed: `fixed_shifts` (a whole crew on every line for every shift
    /// hour), `rostered` (lines staffed hour by hour from the expected arrivals at the
    /// centre) or `flexible` (a core of `core_share` of the roster, topped up by
    /// temporary workers the queue calls in).
    #[serde(default)]
    pub staffing: Staffing,
    /// Flexible: core crew as a share of the planned roster (-). Assumption.
    #[serde(default = "d_core_share")]
    pub core_share: f64,
    /// Flexible: temporary workers are called when the queue exceeds this many hours of
    /// the staffed lines' throughput (h), arrive after `temp_call_in_hours`, stay
    /// `temp_block_hours` and cost `1 + temp_premium` times the wage. L22 (peak temporary
    /// hires), S15 (temporary hub wage); delay, block and premium are assumptions.
    #[serde(default = "d_temp_trigger")]
    pub temp_trigger_hours: f64,
    #[serde(default = "d_temp_call_in")]
    pub temp_call_in_hours: f64,
    #[serde(default = "d_temp_block")]
    pub temp_block_hours: f64,
    #[serde(default = "d_temp_premium")]
    pub temp_premium: f64,
}

/// How sorter lines are staffed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    #[default]
    FixedShifts,
    Rostered,
    Flexible,
}

impl Staffing {
    pub fn name(self) -> &'static str {
        match self {
            Staffing::FixedShifts => "fixed_shifts",
            Staffing::Rostered => "rostered",
            Staffing::Flexible => "flexible",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    #[default]
    Automated,
    Manual,
    ByVolume,
}

/// Manual sorting: a team at a table or pendulum sorter instead of a cross-belt line.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualSorting {
    /// Parcels a team sorts per hour (parcels/h). S6 (≈100 per worker-hour), S8.
    #[serde(default = "d_man_tp")]
    pub throughput_per_line: f64,
    /// Workers per team (people). S4 (200 people on a peak day before automation).
    #[serde(default = "d_man_workers")]
    pub workers_per_line: f64,
    /// Conveyors, scanners, tables per team (yuan). Assumption.
    #[serde(default = "d_man_capex")]
    pub line_capex: f64,
    /// Floor space per team (m²). Assumption.
    #[serde(default = "d_man_m2")]
    pub m2_per_line: f64,
    /// Share sent to the wrong chute (-). S5 (95 % accurate by hand).
    #[serde(default = "d_mis_manual")]
    pub mis_sort_rate: f64,
    /// Probability that one manual sort damages a parcel (-). Assumption (rougher than machines).
    #[serde(default = "d_man_damage")]
    pub damage_per_sort: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Start, "HH:MM".
    pub start: String,
    /// Length (h).
    pub hours: f64,
}

/// Service-time distribution; the mean is fixed by the throughput.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    #[default]
    Deterministic,
    Exponential,
    Lognormal {
        /// Coefficient of variation (-).
        cv: f64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Linehaul {
    /// Average truck speed including stops (km/h). Assumption.
    #[serde(default = "d_lh_speed")]
    pub speed_kmh: f64,
    /// Loading plus unloading added to every trip (h). N8.
    #[serde(default = "d_dock")]
    pub dock_hours: f64,
    /// Departure times of line-haul trucks, "HH:MM". D10 (line-haul overnight).
    #[serde(default = "d_lh_departures")]
    pub departures: Vec<String>,
    /// Also dispatch a truck as soon as a full load is waiting.
    #[serde(default)]
    pub dispatch_when_full: bool,
    /// Vehicle of generated line-haul lanes before sizing (name).
    #[serde(default = "d_lh_vehicle")]
    pub default_vehicle: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Delivery waves, "HH:MM". D10 (delivery 08:00-19:00).
    #[serde(default = "d_delivery_waves")]
    pub waves: Vec<String>,
    /// Deliveries one courier makes per day at most (parcels/day). L2, L19.
    #[serde(default = "d_courier_cap")]
    pub courier_daily_capacity: u32,
    /// Time at each stop (minutes). Assumption.
    #[serde(default = "d_stop_minutes")]
    pub stop_minutes: f64,
    /// Courier speed between stops (km/h). Assumption.
    #[serde(default = "d_courier_speed")]
    pub speed_kmh: f64,
    /// Probability that one delivery attempt fails (-). Assumption.
    #[serde(default = "d_fail")]
    pub failure_rate: f64,
    /// Share of failed attempts left at a pick-up station instead of retried next wave (-),
    /// the hours until the customer collects, and the station's fee per parcel (yuan).
    /// Assumption (Cainiao stations, L21).
    #[serde(default)]
    pub station_share: f64,
    #[serde(default = "d_collect")]
    pub station_collect_hours: f64,
    #[serde(default = "d_station_fee")]
    pub station_fee: f64,
    /// On time means signed within this many hours of pickup (h). Q15 (72-hour rate).
    #[serde(default = "d_promise")]
    pub promise_hours: f64,
    /// Outlet area when an explicit outlet gives none (km²). Assumption.
    #[serde(default = "d_area")]
    pub default_area_km2: f64,
}

/// Cost rates (yuan). Activity-based: each rate belongs to one activity.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// What a waybill consumes: the thermal label and the IT behind it (yuan/parcel). A
    /// resource; the waybill *fee* head office charges outlets is a transfer
    /// (`operating_model.waybill_fee`). L24 (assumption).
    #[serde(default = "d_waybill_it")]
    pub waybill_it: f64,
    /// Franchise: what an outlet pays a courier per parcel picked up (yuan/parcel); direct
    /// couriers' pickup hours are part of their daily wage. L25 (assumption).
    #[serde(default = "d_pickup_pay")]
    pub courier_pay_per_pickup: f64,
    /// Outlet rent and staff per outlet per day (yuan/day). Assumption.
    #[serde(default = "d_outlet_day")]
    pub outlet_per_day: f64,
    /// Fully loaded sorting labour cost (yuan/h per worker). S15, S16.
    #[serde(default = "d_wage")]
    pub sorter_wage_per_hour: f64,
    /// Capital cost of one sorter line (yuan). S3.
    #[serde(default = "d_capex")]
    pub sorter_line_capex: f64,
    /// Straight-line depreciation period of a line (years). S11.
    #[serde(default = "d_life")]
    pub sorter_life_years: f64,
    /// Floor space per sorter line (m²). Assumption.
    #[serde(default = "d_m2")]
    pub facility_m2_per_line: f64,
    /// Logistics property rent (yuan/m²/month). S17.
    #[serde(default = "d_rent")]
    pub rent_per_m2_month: f64,
    /// Courier pay per delivered parcel (yuan). L1, L3.
    #[serde(default = "d_courier_pay")]
    pub courier_pay_per_delivery: f64,
    /// Courier vehicle cost per km of delivery route (yuan/km). Assumption.
    #[serde(default = "d_courier_km")]
    pub courier_cost_per_km: f64,
}

/// A vehicle type. A trip costs `fixed_cost + cost_per_km · km` however full it is.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    pub name: String,
    /// Parcels it carries (parcels).
    pub capacity: u32,
    /// Cost of a trip whatever its length: driver time at the docks, dispatch (yuan).
    pub fixed_cost: f64,
    /// Running cost: fuel, tolls, drivers, depreciation (yuan/km). N14, N15.
    pub cost_per_km: f64,
}

// ------------------------------------------------------------------------ defaults

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
/// D9: half of buyers shop after 21:00, 17.7 % between 15:00 and 18:00; night is quiet.
pub fn d_profile() -> Vec<f64> {
    vec![
        2.0, 1.0, 0.5, 0.5, 0.5, 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 4.5, 4.5, 4.5, 5.0, 6.0, 6.0, 6.0,
        5.0, 6.0, 8.0, 10.0, 10.0, 6.0,
    ]
}
fn d_intra_city() -> f64 {
    0.10
}
fn d_decay() -> f64 {
    800.0
}
fn d_weight_median() -> f64 {
    0.5
}
fn d_weight_sigma() -> f64 {
    1.6
}
fn d_weight_max() -> f64 {
    50.0
}
fn d_courier_wage() -> f64 {
    260.0
}
fn d_quality_spread() -> f64 {
    0.5
}
fn d_shop_price() -> f64 {
    3.0
}
fn d_transit_fee() -> f64 {
    1.0
}
fn d_waybill_fee() -> f64 {
    0.3
}
fn d_delivery_fee() -> f64 {
    1.5
}
fn d_return_rate() -> f64 {
    0.03
}
fn d_ret_damaged() -> f64 {
    0.6
}
fn d_ret_late() -> f64 {
    0.05
}
fn d_ret_delay() -> f64 {
    24.0
}
fn d_exchange() -> f64 {
    0.3
}
fn d_c_return() -> f64 {
    0.05
}
fn d_shop_complaint_cost() -> f64 {
    20.0
}
fn d_network_hours() -> f64 {
    48.0
}
fn d_network_share() -> f64 {
    1.0
}
fn d_pen_late() -> f64 {
    1.0
}
fn d_pen_damaged() -> f64 {
    2.0
}
fn d_pen_return() -> f64 {
    0.5
}
fn d_addr_err() -> f64 {
    0.02
}
fn d_correction() -> f64 {
    6.0
}
fn d_err_cancel() -> f64 {
    0.2
}
fn d_products() -> u32 {
    50
}
fn d_initial_stock() -> i64 {
    200
}
fn d_reorder_point() -> i64 {
    80
}
fn d_order_quantity() -> i64 {
    150
}
fn d_lead_time() -> f64 {
    48.0
}
fn d_switch() -> f64 {
    0.3
}
fn d_so_cancel() -> f64 {
    0.3
}
fn d_pay_fail() -> f64 {
    0.01
}
fn d_pack_min() -> f64 {
    1.5
}
fn d_packers() -> u32 {
    4
}
fn d_pack_shifts() -> Vec<Shift> {
    vec![Shift {
        start: "08:00".into(),
        hours: 10.0,
    }]
}
fn d_pack_wage() -> f64 {
    17.0
}
fn d_defect() -> f64 {
    0.005
}
fn d_defect_cost() -> f64 {
    15.0
}
fn d_packaging() -> Vec<Packaging> {
    vec![
        Packaging {
            name: "poly_mailer".into(),
            share: 0.7,
            cost: 0.1,
            weight_kg: 0.02,
            protection: 1.0,
            return_rate: 0.03,
        },
        Packaging {
            name: "carton".into(),
            share: 0.3,
            cost: 1.0,
            weight_kg: 0.15,
            protection: 0.3,
            return_rate: 0.03,
        },
    ]
}
fn d_peak() -> f64 {
    1.8
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
    2700.0
}
fn d_outlet_area() -> f64 {
    10.0
}
fn d_slack() -> f64 {
    0.3
}
fn d_pickup_waves() -> Vec<String> {
    vec!["13:00".into(), "16:00".into(), "19:00".into()]
}
fn d_feeder_speed() -> f64 {
    35.0
}
fn d_feeder_in() -> Vec<String> {
    vec!["17:00".into(), "20:00".into()]
}
fn d_feeder_out() -> Vec<String> {
    vec!["06:00".into(), "11:00".into()]
}
fn d_shifts() -> Vec<Shift> {
    vec![
        Shift {
            start: "16:00".into(),
            hours: 10.0,
        },
        Shift {
            start: "02:00".into(),
            hours: 10.0,
        },
    ]
}
fn d_throughput() -> f64 {
    18_000.0
}
fn d_workers() -> f64 {
    40.0
}
fn d_plan_clear() -> f64 {
    2.0
}
fn d_mis_auto() -> f64 {
    0.01
}
fn d_mis_delay() -> f64 {
    2.0
}
fn d_automate_above() -> f64 {
    100_000.0
}
fn d_man_tp() -> f64 {
    1_500.0
}
fn d_man_workers() -> f64 {
    12.0
}
fn d_man_capex() -> f64 {
    300_000.0
}
fn d_man_m2() -> f64 {
    1_000.0
}
fn d_mis_manual() -> f64 {
    0.05
}
fn d_man_damage() -> f64 {
    0.000_05
}
fn d_lh_speed() -> f64 {
    65.0
}
fn d_dock() -> f64 {
    1.0
}
fn d_lh_departures() -> Vec<String> {
    vec!["23:00".into(), "04:00".into()]
}
fn d_lh_vehicle() -> String {
    "trailer_17m5".into()
}
fn d_delivery_waves() -> Vec<String> {
    vec!["08:30".into(), "13:30".into()]
}
fn d_courier_cap() -> u32 {
    180
}
fn d_stop_minutes() -> f64 {
    2.0
}
fn d_courier_speed() -> f64 {
    15.0
}
fn d_fail() -> f64 {
    0.05
}
fn d_collect() -> f64 {
    8.0
}
fn d_station_fee() -> f64 {
    0.3
}
fn d_promise() -> f64 {
    72.0
}
fn d_area() -> f64 {
    20.0
}
fn d_damage() -> f64 {
    0.000_01
}
fn d_loss() -> f64 {
    0.000_01
}
fn d_goods() -> f64 {
    137.0
}
fn d_postage() -> f64 {
    3.0
}
fn d_cap() -> f64 {
    3.0
}
fn d_c_late() -> f64 {
    0.000_05
}
fn d_c_damaged() -> f64 {
    0.05
}
fn d_c_lost() -> f64 {
    0.1
}
fn d_c_cost() -> f64 {
    30.0
}
fn d_layers() -> u32 {
    3
}
fn d_span() -> f64 {
    15.0
}
fn d_manager() -> f64 {
    500.0
}
fn d_delay() -> f64 {
    8.0
}
fn d_surge_trigger() -> f64 {
    4.0
}
fn d_surge_lines() -> u32 {
    1
}
fn d_surge_hours() -> f64 {
    16.0
}
fn d_core_share() -> f64 {
    0.6
}
fn d_temp_trigger() -> f64 {
    1.0
}
fn d_temp_call_in() -> f64 {
    1.0
}
fn d_temp_block() -> f64 {
    4.0
}
fn d_temp_premium() -> f64 {
    0.2
}
fn d_waybill_it() -> f64 {
    0.05
}
fn d_pickup_pay() -> f64 {
    0.1
}
fn d_pickup_per_stop() -> f64 {
    20.0
}
fn d_pickup_stop_minutes() -> f64 {
    10.0
}
fn d_scan_seconds() -> f64 {
    3.0
}
fn d_fine_complaint() -> f64 {
    100.0
}
fn d_fine_lost() -> f64 {
    500.0
}
fn d_outlet_day() -> f64 {
    600.0
}
fn d_wage() -> f64 {
    27.0
}
fn d_capex() -> f64 {
    20_000_000.0
}
fn d_life() -> f64 {
    10.0
}
fn d_m2() -> f64 {
    5_000.0
}
fn d_rent() -> f64 {
    34.0
}
fn d_courier_pay() -> f64 {
    1.2
}
fn d_courier_km() -> f64 {
    0.3
}
pub fn d_vehicles() -> Vec<Vehicle> {
    vec![
        Vehicle {
            name: "van".into(),
            capacity: 1_500,
            fixed_cost: 60.0,
            cost_per_km: 1.5,
        },
        Vehicle {
            name: "truck_9m6".into(),
            capacity: 6_000,
            fixed_cost: 200.0,
            cost_per_km: 4.5,
        },
        Vehicle {
            name: "trailer_17m5".into(),
            capacity: 16_000,
            fixed_cost: 300.0,
            cost_per_km: 7.0,
        },
    ]
}

macro_rules! default_via_serde {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                toml::from_str("").expect("every field has a default")
            }
        }
    )*};
}
default_via_serde!(
    Pickup,
    Feeder,
    Sorting,
    Linehaul,
    Delivery,
    Costs,
    Quality,
    Org,
    Revenue,
    ManualSorting,
    OperatingModel
);

// ------------------------------------------------------------------------ loading

/// A scenario together with where it came from, for locating errors.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// An error at dotted field `field` (e.g. `network.lanes[2].from`), with its line.
    pub fn error(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError {
            file: self.path.clone(),
            line: locate(&self.text, field),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// A path named in the scenario, resolved against the scenario's folder.
    pub fn resolve(&self, rel: &str) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join(rel)
    }
}

/// Reads and parses a scenario file, then checks every field's range.
pub fn load(path: &Path) -> Result<(Scenario, Source), InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        line: None,
        field: None,
        message: format!("cannot read the scenario file: {e}"),
    })?;
    let src = Source {
        path: path.to_path_buf(),
        text,
    };
    let sc = parse(&src)?;
    validate(&sc, &src)?;
    Ok((sc, src))
}

/// Parses TOML into a scenario; syntax errors and unknown fields come with their line.
pub fn parse(src: &Source) -> Result<Scenario, InputError> {
    toml::from_str::<Scenario>(&src.text).map_err(|e| toml_error(&src.path, &src.text, &e))
}

/// A TOML or serde error of `text` located at its line and named by the dotted path of
/// the field at the error's position (not a value quoted in the message).
pub fn toml_error(file: &Path, text: &str, e: &toml::de::Error) -> InputError {
    let msg = e.message().trim().to_string();
    let field = e.span().and_then(|s| {
        let at = field_at(text, s.start)?;
        Some(match quoted(&msg) {
            // The span of a missing field is its table; the message names the field.
            Some(name) if msg.starts_with("missing field") => {
                if at.is_empty() {
                    name
                } else {
                    format!("{at}.{name}")
                }
            }
            _ => at,
        })
    });
    let field = field
        .filter(|f| !f.is_empty())
        .or_else(|| quoted(&msg).filter(|_| msg.starts_with("missing field")))
        .or_else(|| {
            e.span()
                .and_then(|s| field_of_line(text, line_of(text, s.start)))
        });
    InputError {
        file: file.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        field,
        message: short_message(&msg),
    }
}

/// The dotted field a line of a TOML text is about, read from the text alone (for syntax
/// errors, where the document does not parse): the key before `=` (or the first word) on
/// the line, under the last `[table]` or `[[array]]` header above it; a header line names
/// its table. Good enough to say where to look; keys with quotes or dots are kept as written.
pub fn field_of_line(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    let header = |l: &str, counts: &mut BTreeMap<String, usize>| -> Option<String> {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            *n += 1;
            Some(format!("{name}[{}]", *n - 1))
        } else {
            t.strip_prefix('[')
                .and_then(|r| r.split(']').next())
                .map(|n| n.trim().to_string())
        }
    };
    for l in lines.iter().take(line.saturating_sub(1)) {
        if let Some(h) = header(l, &mut counts) {
            table = h;
        }
    }
    let here = lines.get(line.checked_sub(1)?)?.trim();
    if here.starts_with('[') {
        return Some(
            header(here, &mut counts)
                .filter(|h| !h.is_empty() && !h.starts_with('['))
                .unwrap_or_else(|| "(top level)".into()),
        );
    }
    let key = match here.split_once('=') {
        Some((k, _)) => k.trim(),
        None => here.split_whitespace().next().unwrap_or(""),
    };
    let key: String = key.chars().take(60).collect();
    if key.is_empty() || key.starts_with('#') {
        // Nothing to name on the line: its table, or the top level of the file.
        return Some(if table.is_empty() {
            "(top level)".into()
        } else {
            table
        });
    }
    Some(if table.is_empty() {
        key
    } else {
        format!("{table}.{key}")
    })
}

/// The first name in backticks of a serde message.
fn quoted(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_string())
}

/// A parser message with its quoted value made short and visible.
fn short_message(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(a) = rest.find('`') {
        let Some(b) = rest[a + 1..].find('`') else {
            break;
        };
        out.push_str(&rest[..=a]);
        let quoted = &rest[a + 1..a + 1 + b];
        match quoted.parse::<f64>() {
            Ok(x) if quoted.len() > 12 => out.push_str(&show_num(x)),
            _ => out.push_str(&show_text(quoted)),
        }
        out.push('`');
        rest = &rest[a + b + 2..];
    }
    out.push_str(rest);
    out
}

/// The dotted path (`a.b[2].c`) of the innermost key or value of a TOML document whose
/// span holds byte `pos` (else of the table or array item declared last before it); empty
/// at the top level, `None` when the text does not parse.
pub fn field_at(text: &str, pos: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    /// (start, end, path, whether a table or array item)
    type Entry = (usize, usize, String, bool);
    fn table(t: &DeTable, prefix: &str, out: &mut Vec<Entry>) {
        for (k, v) in t.iter() {
            let path = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let (ks, vs) = (k.span(), v.span());
            let container = matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_));
            out.push((ks.start, ks.end, path.clone(), container));
            out.push((vs.start, vs.end, path.clone(), container));
            if !container {
                out.push((
                    ks.start.min(vs.start),
                    ks.end.max(vs.end),
                    path.clone(),
                    false,
                ));
            }
            value(v.get_ref(), &path, out);
        }
    }
    fn value(v: &DeValue, path: &str, out: &mut Vec<Entry>) {
        match v {
            DeValue::Table(t) => table(t, path, out),
            DeValue::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    let s = x.span();
                    let container = matches!(x.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                    out.push((s.start, s.end, p.clone(), container));
                    value(x.get_ref(), &p, out);
                }
            }
            _ => {}
        }
    }
    let doc = DeTable::parse(text).ok()?;
    let mut all = Vec::new();
    table(doc.get_ref(), "", &mut all);
    let depth = |p: &str| p.matches(['.', '[']).count();
    let inside = all
        .iter()
        .filter(|(a, b, _, _)| *a <= pos && (pos < *b || (pos == *b && a < b)))
        .max_by_key(|(a, _, p, _)| (depth(p), *a));
    if let Some((_, _, p, _)) = inside {
        return Some(p.clone());
    }
    let before = all
        .iter()
        .filter(|(a, _, _, c)| *c && *a <= pos)
        .max_by_key(|(a, _, p, _)| (*a, depth(p)));
    Some(before.map(|e| e.2.clone()).unwrap_or_default())
}

/// The line of dotted field `path` (`a.b[2].c`) in a TOML document, if present.
pub fn locate(text: &str, path: &str) -> Option<usize> {
    locate_span(text, path).map(|s| line_of(text, s.start))
}

/// The byte span of dotted field `path`'s value in a TOML document (of its nearest
/// present parent when it is absent).
pub fn locate_span(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut span = doc.span();
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut value: Option<&DeValue> = None;
    for seg in path.split('.') {
        let (name, indices) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        let t = match (table, value) {
            (Some(t), _) => t,
            (None, Some(DeValue::Table(t))) => t,
            _ => break,
        };
        let Some((_, v)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == name) else {
            break;
        };
        span = v.span();
        let mut cur = v.get_ref();
        for idx in indices
            .split(['[', ']'])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse::<usize>().ok())
        {
            if let DeValue::Array(a) = cur
                && let Some(item) = a.get(idx)
            {
                span = item.span();
                cur = item.get_ref();
            }
        }
        table = None;
        value = Some(cur);
    }
    Some(span)
}

/// Parses "HH:MM" into a time of day.
pub fn parse_time_of_day(s: &str) -> Option<SimTime> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| SimTime((h * 60 + m) * 60_000))
}

/// Range checks of every field that has one, in file order.
pub fn validate(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let positive = |field: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be a positive number, got {}", show_num(v)),
            ))
        }
    };
    let non_negative = |field: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be zero or positive, got {}", show_num(v)),
            ))
        }
    };
    let probability = |field: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be a probability in [0, 1], got {}", show_num(v)),
            ))
        }
    };
    let times = |field: &str, v: &[String]| -> Result<(), InputError> {
        if v.is_empty() {
            return Err(src.error(field, "needs at least one time of day"));
        }
        if v.len() > MAX_TIMES {
            return Err(src.error(
                field,
                format!("has {} times; at most {MAX_TIMES} a day", v.len()),
            ));
        }
        for (i, t) in v.iter().enumerate() {
            if parse_time_of_day(t).is_none() {
                return Err(src.error(
                    &format!("{field}[{i}]"),
                    format!("`{}` is not a time of day HH:MM", show_text(t)),
                ));
            }
        }
        Ok(())
    };
    check_name(&sc.name).map_err(|m| src.error("name", m))?;
    if sc.days == 0 {
        return Err(src.error("days", "must be at least 1"));
    }
    let d = &sc.demand;
    positive("demand.daily_parcels", d.daily_parcels)?;
    if d.intraday_profile.len() != 24
        || d.intraday_profile
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0)
        || d.intraday_profile.iter().sum::<f64>() <= 0.0
    {
        return Err(src.error(
            "demand.intraday_profile",
            "needs 24 non-negative numbers, not all zero",
        ));
    }
    probability("demand.intra_city_share", d.intra_city_share)?;
    positive("demand.distance_decay_km", d.distance_decay_km)?;
    positive("demand.weight_median_kg", d.weight_median_kg)?;
    non_negative("demand.weight_sigma", d.weight_sigma)?;
    positive("demand.weight_max_kg", d.weight_max_kg)?;
    positive("demand.peak_multiplier", d.peak_multiplier)?;
    let q = &sc.quality;
    for (f, v) in [
        ("quality.damage_per_sort", q.damage_per_sort),
        ("quality.loss_per_trip", q.loss_per_trip),
        ("quality.complaint_if_late", q.complaint_if_late),
        ("quality.complaint_if_damaged", q.complaint_if_damaged),
        ("quality.complaint_if_lost", q.complaint_if_lost),
    ] {
        probability(f, v)?;
    }
    for (f, v) in [
        ("quality.goods_value", q.goods_value),
        ("quality.postage", q.postage),
        ("quality.claim_cap_multiple", q.claim_cap_multiple),
        ("quality.complaint_cost", q.complaint_cost),
        ("org.manager_cost_per_day", sc.org.manager_cost_per_day),
        ("org.decision_delay_hours", sc.org.decision_delay_hours),
        ("revenue.other_per_parcel", sc.revenue.other_per_parcel),
    ] {
        non_negative(f, v)?;
    }
    let om = &sc.operating_model;
    for (f, v) in [
        ("operating_model.courier_daily_wage", om.courier_daily_wage),
        (
            "operating_model.outlet_quality_spread",
            om.outlet_quality_spread,
        ),
        ("operating_model.shop_price", om.shop_price),
        ("operating_model.transit_fee", om.transit_fee),
        ("operating_model.waybill_fee", om.waybill_fee),
        ("operating_model.delivery_fee", om.delivery_fee),
        ("operating_model.fine_per_complaint", om.fine_per_complaint),
        ("operating_model.fine_per_lost", om.fine_per_lost),
        (
            "operations.pickup.stop_minutes",
            sc.operations.pickup.stop_minutes,
        ),
        (
            "operations.pickup.seconds_per_parcel",
            sc.operations.pickup.seconds_per_parcel,
        ),
    ] {
        non_negative(f, v)?;
    }
    let per_stop = sc.operations.pickup.parcels_per_stop;
    if !per_stop.is_finite() || per_stop < 1.0 {
        return Err(src.error(
            "operations.pickup.parcels_per_stop",
            format!(
                "must be at least 1, got {}",
                sc.operations.pickup.parcels_per_stop
            ),
        ));
    }
    if let Some(shop) = &sc.shop {
        for (f, v) in [
            ("shop.address_error_rate", shop.address_error_rate),
            ("shop.error_cancel_share", shop.error_cancel_share),
            ("shop.stockout_switch_share", shop.stockout_switch_share),
            ("shop.stockout_cancel_share", shop.stockout_cancel_share),
            ("shop.payment_failure_rate", shop.payment_failure_rate),
            ("shop.defect_rate", shop.defect_rate),
            ("shop.return_if_damaged", shop.return_if_damaged),
            ("shop.return_if_late", shop.return_if_late),
            ("shop.exchange_share", shop.exchange_share),
            ("shop.complaint_if_returned", shop.complaint_if_returned),
        ] {
            probability(f, v)?;
        }
        if shop.stockout_switch_share + shop.stockout_cancel_share > 1.0 {
            return Err(src.error(
                "shop.stockout_cancel_share",
                "switch and cancel shares add up to more than 1",
            ));
        }
        for (f, v) in [
            ("shop.correction_hours", shop.correction_hours),
            ("shop.lead_time_hours", shop.lead_time_hours),
            ("shop.wage_per_hour", shop.wage_per_hour),
            ("shop.defect_cost", shop.defect_cost),
            ("shop.return_delay_hours", shop.return_delay_hours),
            ("shop.complaint_cost", shop.complaint_cost),
            ("shop.rating_penalty_late", shop.rating_penalty_late),
            ("shop.rating_penalty_damaged", shop.rating_penalty_damaged),
            ("shop.rating_penalty_return", shop.rating_penalty_return),
        ] {
            non_negative(f, v)?;
        }
        positive("shop.pack_minutes", shop.pack_minutes)?;
        if shop.products == 0 {
            return Err(src.error("shop.products", "must be at least 1"));
        }
        for (f, v) in [
            ("shop.initial_stock", shop.initial_stock),
            ("shop.reorder_point", shop.reorder_point),
        ] {
            if v < 0 {
                return Err(src.error(f, format!("stock levels cannot be negative, got {v}")));
            }
        }
        if shop.order_quantity <= 0 {
            return Err(src.error("shop.order_quantity", "must be at least 1"));
        }
        if shop.packers == 0 {
            return Err(src.error("shop.packers", "must be at least 1"));
        }
        if shop.pack_shifts.is_empty() {
            return Err(src.error("shop.pack_shifts", "needs at least one shift"));
        }
        for (i, sh) in shop.pack_shifts.iter().enumerate() {
            if parse_time_of_day(&sh.start).is_none() {
                return Err(src.error(
                    &format!("shop.pack_shifts[{i}].start"),
                    format!("`{}` is not a time of day HH:MM", show_text(&sh.start)),
                ));
            }
            if !(sh.hours > 0.0 && sh.hours <= 24.0) {
                return Err(src.error(
                    &format!("shop.pack_shifts[{i}].hours"),
                    format!("must be in (0, 24], got {}", show_num(sh.hours)),
                ));
            }
        }
        if shop.packaging.is_empty() || shop.packaging.iter().all(|p| p.share <= 0.0) {
            return Err(src.error(
                "shop.packaging",
                "needs at least one packaging with a positive share",
            ));
        }
        non_negative("shop.network_share", shop.network_share)?;
        positive("shop.network_expected_hours", shop.network_expected_hours)?;
        for (i, c) in shop.carriers.iter().enumerate() {
            non_negative(&format!("shop.carriers[{i}].price"), c.price)?;
            non_negative(
                &format!("shop.carriers[{i}].price_per_1000km"),
                c.price_per_1000km,
            )?;
            positive(
                &format!("shop.carriers[{i}].expected_hours"),
                c.expected_hours,
            )?;
            non_negative(&format!("shop.carriers[{i}].share"), c.share)?;
        }
        if shop.carrier_policy == CarrierPolicy::Shares
            && shop.network_share + shop.carriers.iter().map(|c| c.share).sum::<f64>() <= 0.0
        {
            return Err(src.error(
                "shop.carrier_policy",
                "`shares` needs a positive share somewhere",
            ));
        }
        for (i, p) in shop.packaging.iter().enumerate() {
            non_negative(&format!("shop.packaging[{i}].share"), p.share)?;
            non_negative(&format!("shop.packaging[{i}].cost"), p.cost)?;
            non_negative(&format!("shop.packaging[{i}].weight_kg"), p.weight_kg)?;
            non_negative(&format!("shop.packaging[{i}].protection"), p.protection)?;
            probability(&format!("shop.packaging[{i}].return_rate"), p.return_rate)?;
        }
    }
    if sc.org.span_of_control.is_nan() || sc.org.span_of_control < 2.0 {
        return Err(src.error("org.span_of_control", "must be at least 2"));
    }
    positive("org.surge_backlog_hours", sc.org.surge_backlog_hours)?;
    positive("org.surge_hours", sc.org.surge_hours)?;

    let n = &sc.network;
    let explicit = n.nodes.is_some() || n.nodes_file.is_some();
    match (&n.generate, explicit) {
        (Some(_), true) => {
            return Err(src.error(
                "network.generate",
                "give either `generate` or nodes and lanes, not both",
            ));
        }
        (None, false) => {
            return Err(src.error(
                "network",
                "needs `generate` or nodes (`nodes` / `nodes_file`) and lanes",
            ));
        }
        (Some(g), false) => {
            positive("network.generate.road_factor", g.road_factor)?;
            positive("network.generate.parcels_per_outlet", g.parcels_per_outlet)?;
            positive(
                "network.generate.min_outlet_area_km2",
                g.min_outlet_area_km2,
            )?;
            non_negative("network.generate.planning_slack", g.planning_slack)?;
            non_negative("network.generate.hub_spacing_km", g.hub_spacing_km)?;
            if g.hubs == 0 {
                return Err(src.error("network.generate.hubs", "must be at least 1"));
            }
            if let Some(t) = g.direct_lanes_above {
                positive("network.generate.direct_lanes_above", t)?;
                if g.direct_lanes_by_cost {
                    return Err(src.error(
                        "network.generate.direct_lanes_by_cost",
                        "choose `direct_lanes_above` or `direct_lanes_by_cost`, not both",
                    ));
                }
            }
            if g.max_cities == Some(0) {
                return Err(src.error("network.generate.max_cities", "must be at least 1"));
            }
        }
        (None, true) => {
            if n.nodes.is_some() && n.nodes_file.is_some() {
                return Err(src.error(
                    "network.nodes_file",
                    "give `nodes` or `nodes_file`, not both",
                ));
            }
            if n.lanes.is_some() && n.lanes_file.is_some() {
                return Err(src.error(
                    "network.lanes_file",
                    "give `lanes` or `lanes_file`, not both",
                ));
            }
            if n.lanes.is_none() && n.lanes_file.is_none() {
                return Err(src.error(
                    "network",
                    "an explicit network needs `lanes` or `lanes_file`",
                ));
            }
        }
    }

    if sc.vehicles.is_empty() {
        return Err(src.error("vehicles", "needs at least one vehicle type"));
    }
    for (i, v) in sc.vehicles.iter().enumerate() {
        if v.capacity == 0 {
            return Err(src.error(&format!("vehicles[{i}].capacity"), "must be at least 1"));
        }
        non_negative(&format!("vehicles[{i}].fixed_cost"), v.fixed_cost)?;
        non_negative(&format!("vehicles[{i}].cost_per_km"), v.cost_per_km)?;
        if sc.vehicles[..i].iter().any(|w| w.name == v.name) {
            return Err(src.error(
                &format!("vehicles[{i}].name"),
                format!("vehicle `{}` is defined twice", show_text(&v.name)),
            ));
        }
    }
    let o = &sc.operations;
    times("operations.pickup.waves", &o.pickup.waves)?;
    positive("operations.feeder.speed_kmh", o.feeder.speed_kmh)?;
    times("operations.feeder.to_centre", &o.feeder.to_centre)?;
    times("operations.feeder.from_centre", &o.feeder.from_centre)?;
    for (field, n, max) in [
        (
            "operations.sorting.shifts",
            o.sorting.shifts.len(),
            MAX_TIMES,
        ),
        ("vehicles", sc.vehicles.len(), MAX_KINDS),
        (
            "shop.pack_shifts",
            sc.shop.as_ref().map_or(0, |s| s.pack_shifts.len()),
            MAX_TIMES,
        ),
        (
            "shop.packaging",
            sc.shop.as_ref().map_or(0, |s| s.packaging.len()),
            MAX_KINDS,
        ),
        (
            "shop.carriers",
            sc.shop.as_ref().map_or(0, |s| s.carriers.len()),
            MAX_KINDS,
        ),
    ] {
        if n > max {
            return Err(src.error(field, format!("has {n} items; at most {max}")));
        }
    }
    if o.sorting.shifts.is_empty() {
        return Err(src.error("operations.sorting.shifts", "needs at least one shift"));
    }
    let mut shift_hours = 0.0;
    for (i, s) in o.sorting.shifts.iter().enumerate() {
        if parse_time_of_day(&s.start).is_none() {
            return Err(src.error(
                &format!("operations.sorting.shifts[{i}].start"),
                format!("`{}` is not a time of day HH:MM", show_text(&s.start)),
            ));
        }
        if !(s.hours > 0.0 && s.hours <= 24.0) {
            return Err(src.error(
                &format!("operations.sorting.shifts[{i}].hours"),
                format!("must be in (0, 24], got {}", show_num(s.hours)),
            ));
        }
        shift_hours += s.hours;
    }
    if shift_hours > 24.0 {
        return Err(src.error(
            "operations.sorting.shifts",
            format!(
                "shifts add up to {} h a day; they must not overlap",
                show_num(shift_hours)
            ),
        ));
    }
    // Shifts repeat daily: two overlap if either starts inside the other (on a 24 h circle).
    let spans: Vec<(f64, f64)> = o
        .sorting
        .shifts
        .iter()
        .map(|s| {
            (
                parse_time_of_day(&s.start).expect("checked").hours(),
                s.hours,
            )
        })
        .collect();
    for (i, &(a, la)) in spans.iter().enumerate() {
        for (j, &(b, lb)) in spans.iter().enumerate().skip(i + 1) {
            let inside = |x: f64, start: f64, len: f64| (x - start).rem_euclid(24.0) < len;
            if inside(b, a, la) || inside(a, b, lb) {
                return Err(src.error(
                    &format!("operations.sorting.shifts[{j}]"),
                    format!("overlaps shift {i}; shifts must not overlap"),
                ));
            }
        }
    }
    positive(
        "operations.sorting.throughput_per_line",
        o.sorting.throughput_per_line,
    )?;
    non_negative(
        "operations.sorting.workers_per_line",
        o.sorting.workers_per_line,
    )?;
    probability("operations.sorting.mis_sort_rate", o.sorting.mis_sort_rate)?;
    non_negative(
        "operations.sorting.mis_sort_delay_hours",
        o.sorting.mis_sort_delay_hours,
    )?;
    non_negative(
        "operations.sorting.automate_above_daily",
        o.sorting.automate_above_daily,
    )?;
    let so = &o.sorting;
    if !(so.core_share > 0.0 && so.core_share <= 1.0) {
        return Err(src.error(
            "operations.sorting.core_share",
            format!("must be in (0, 1], got {}", so.core_share),
        ));
    }
    positive(
        "operations.sorting.temp_trigger_hours",
        so.temp_trigger_hours,
    )?;
    non_negative(
        "operations.sorting.temp_call_in_hours",
        so.temp_call_in_hours,
    )?;
    positive("operations.sorting.temp_block_hours", so.temp_block_hours)?;
    non_negative("operations.sorting.temp_premium", so.temp_premium)?;
    let man = &o.sorting.manual;
    positive(
        "operations.sorting.manual.throughput_per_line",
        man.throughput_per_line,
    )?;
    for (f, v) in [
        (
            "operations.sorting.manual.workers_per_line",
            man.workers_per_line,
        ),
        ("operations.sorting.manual.line_capex", man.line_capex),
        ("operations.sorting.manual.m2_per_line", man.m2_per_line),
    ] {
        non_negative(f, v)?;
    }
    probability("operations.sorting.manual.mis_sort_rate", man.mis_sort_rate)?;
    probability(
        "operations.sorting.manual.damage_per_sort",
        man.damage_per_sort,
    )?;
    if let Service::Lognormal { cv } = o.sorting.service {
        positive("operations.sorting.service.cv", cv)?;
    }
    positive(
        "operations.sorting.plan_clear_hours",
        o.sorting.plan_clear_hours,
    )?;
    positive("operations.linehaul.speed_kmh", o.linehaul.speed_kmh)?;
    non_negative("operations.linehaul.dock_hours", o.linehaul.dock_hours)?;
    times("operations.linehaul.departures", &o.linehaul.departures)?;
    if !sc
        .vehicles
        .iter()
        .any(|v| v.name == o.linehaul.default_vehicle)
    {
        return Err(src.error(
            "operations.linehaul.default_vehicle",
            format!(
                "no vehicle named `{}`",
                show_text(&o.linehaul.default_vehicle)
            ),
        ));
    }
    times("operations.delivery.waves", &o.delivery.waves)?;
    if o.delivery.courier_daily_capacity == 0 {
        return Err(src.error(
            "operations.delivery.courier_daily_capacity",
            "must be at least 1",
        ));
    }
    non_negative("operations.delivery.stop_minutes", o.delivery.stop_minutes)?;
    positive("operations.delivery.speed_kmh", o.delivery.speed_kmh)?;
    probability("operations.delivery.failure_rate", o.delivery.failure_rate)?;
    if o.delivery.failure_rate >= 1.0 {
        return Err(src.error(
            "operations.delivery.failure_rate",
            "must be below 1, or no parcel is ever delivered",
        ));
    }
    positive(
        "operations.delivery.promise_hours",
        o.delivery.promise_hours,
    )?;
    positive(
        "operations.delivery.default_area_km2",
        o.delivery.default_area_km2,
    )?;

    let c = &sc.costs;
    for (field, v) in [
        ("costs.waybill_it", c.waybill_it),
        ("costs.courier_pay_per_pickup", c.courier_pay_per_pickup),
        ("costs.outlet_per_day", c.outlet_per_day),
        ("costs.sorter_wage_per_hour", c.sorter_wage_per_hour),
        ("costs.sorter_line_capex", c.sorter_line_capex),
        ("costs.facility_m2_per_line", c.facility_m2_per_line),
        ("costs.rent_per_m2_month", c.rent_per_m2_month),
        ("costs.courier_pay_per_delivery", c.courier_pay_per_delivery),
        ("costs.courier_cost_per_km", c.courier_cost_per_km),
    ] {
        non_negative(field, v)?;
    }
    positive("costs.sorter_life_years", c.sorter_life_years)?;

    bounds(sc, src)
}

/// Most times of day in one list (waves, departures, shifts): one every 15 minutes.
pub const MAX_TIMES: usize = 96;
/// Most vehicle types, packaging kinds or other carriers.
pub const MAX_KINDS: usize = 100;

/// Longest scenario name (characters): with `output/<name>/run-NNN` it stays well inside
/// the 255-byte file-name limit of common file systems, in any script.
pub const MAX_NAME_CHARS: usize = 64;

/// A scenario name becomes a folder name: letters and digits of any script, `_`, `-`
/// and `.` (not first), at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 {
        return Err("is empty; give the scenario a name".into());
    }
    if n > MAX_NAME_CHARS {
        return Err(format!(
            "is {n} characters long; at most {MAX_NAME_CHARS} (it names the output folder)"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
    {
        return Err(format!(
            "`{}` contains `{}`; use letters, digits, `_`, `-` and `.` only",
            crate::error::show_text(name),
            crate::error::show_text(&c.to_string())
        ));
    }
    if name.starts_with('.') {
        return Err("must not start with `.`".into());
    }
    Ok(())
}

/// Upper bound of a numeric field, by dotted path: the first rule whose pattern matches
/// wins. A pattern is a full path (`demand.daily_parcels`), `*.leaf` for a last segment
/// anywhere, or `*` for every other field. Bounds are far beyond any real network; they
/// exist so that no value can overflow time, money or memory inside a run.
const BOUNDS: &[(&str, f64, &str)] = &[
    ("seed", f64::INFINITY, ""),
    ("days", 3_650.0, "ten years"),
    ("warmup_days", 3_650.0, "ten years"),
    ("drain_days", 3_650.0, "ten years"),
    ("demand.daily_parcels", 1e9, "parcels a day"),
    ("demand.intraday_profile", 1e6, "relative weight"),
    ("demand.peak_multiplier", 100.0, "times the normal volume"),
    ("demand.peak_days", 3_650.0, "ten years"),
    ("demand.distance_decay_km", 100_000.0, "km"),
    ("demand.weight_sigma", 5.0, "-"),
    ("*.weight_median_kg", 1_000.0, "kg"),
    ("*.weight_max_kg", 1_000.0, "kg"),
    ("*.weight_kg", 1_000.0, "kg"),
    ("*.speed_kmh", 1_000.0, "km/h"),
    (
        "*.distance_km",
        20_000.0,
        "km, half the Earth's circumference",
    ),
    ("*.hub_spacing_km", 20_000.0, "km"),
    ("*.area_km2", 100_000.0, "km²"),
    ("*.default_area_km2", 100_000.0, "km²"),
    ("*.min_outlet_area_km2", 100_000.0, "km²"),
    ("*.hours", 8_760.0, "h, a year"),
    ("*.road_factor", 10.0, "-"),
    ("*.planning_slack", 100.0, "-"),
    ("*.hubs", 10_000.0, "hubs"),
    ("*.max_cities", 1_000_000.0, "cities"),
    ("*.parcels_per_outlet", 1e7, "parcels a day"),
    ("*.direct_lanes_above", 1e10, "parcels a day"),
    ("*.automate_above_daily", 1e10, "parcels a day"),
    ("*.throughput_per_line", 1e6, "parcels/h"),
    ("*.workers_per_line", 10_000.0, "people"),
    ("*.cv", 10.0, "-"),
    ("*.courier_daily_capacity", 100_000.0, "parcels a day"),
    ("*.stop_minutes", 1_440.0, "min, a day"),
    ("*.pack_minutes", 1_440.0, "min, a day"),
    ("*.packers", 100_000.0, "people"),
    ("*.products", 100_000.0, "products a shop"),
    ("*.initial_stock", 1e9, "units"),
    ("*.reorder_point", 1e9, "units"),
    ("*.order_quantity", 1e9, "units"),
    ("*.layers", 20.0, "layers"),
    ("*.span_of_control", 100_000.0, "people"),
    ("*.surge_lines", 1_000.0, "lines"),
    ("*.capacity", 1e7, "parcels"),
    ("*.max_vehicles", 10_000.0, "vehicles"),
    ("*.couriers", 1_000_000.0, "couriers"),
    ("*.lines", 100_000.0, "lines"),
    ("*.weight", 1e9, "relative weight"),
    ("*.share", 1e6, "relative weight"),
    ("*.network_share", 1e6, "relative weight"),
    ("*.protection", 1_000.0, "times the damage probability"),
    ("*.claim_cap_multiple", 1_000.0, "times the postage"),
    ("*.rating_penalty_late", 5.0, "rating points"),
    ("*.rating_penalty_damaged", 5.0, "rating points"),
    ("*.rating_penalty_return", 5.0, "rating points"),
    ("*.sorter_life_years", 100.0, "years"),
    ("*.rent_per_m2_month", 10_000.0, "yuan/m²/month"),
    ("*.m2_per_line", 1e6, "m²"),
    ("*.facility_m2_per_line", 1e6, "m²"),
    ("*.sorter_line_capex", 1e10, "yuan"),
    ("*.line_capex", 1e10, "yuan"),
    ("*.outlet_per_day", 1e7, "yuan a day"),
    ("*.manager_cost_per_day", 1e7, "yuan a day"),
    ("*.courier_daily_wage", 1e7, "yuan a day"),
    ("*.wage_per_hour", 10_000.0, "yuan/h"),
    ("*.sorter_wage_per_hour", 10_000.0, "yuan/h"),
    ("*.cost_per_km", 100_000.0, "yuan/km"),
    ("*.courier_cost_per_km", 100_000.0, "yuan/km"),
    ("*.price_per_1000km", 1e6, "yuan"),
    ("*.population_m", 1e4, "million people"),
    ("*.urban_area_km2", 1e5, "km²"),
    ("*.ecommerce_weight", 1e9, "relative weight"),
    // Every other number: money per parcel or per event (yuan), rates, counts.
    ("*", 1e6, ""),
];

/// `None` when `v` is a finite number within the bound of field `bare` (a dotted path
/// without indices, or a CSV column name), else the message saying why not.
pub fn out_of_bounds(bare: &str, v: f64) -> Option<String> {
    let (max, unit) = bound_of(bare);
    if !v.is_finite() {
        return Some(format!("must be a finite number, got {}", show_num(v)));
    }
    (v.abs() > max).then(|| {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" ({unit})")
        };
        format!(
            "{} is beyond the bound of this field: at most {}{unit}",
            show_num(v),
            show_num(max)
        )
    })
}

/// The bound of the numeric field at `path` (array indices removed) and what it is in.
pub fn bound_of(path: &str) -> (f64, &'static str) {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    for &(pat, max, unit) in BOUNDS {
        let hit = match pat.strip_prefix("*.") {
            Some(l) => l == leaf,
            None => pat == "*" || pat == path,
        };
        if hit {
            return (max, unit);
        }
    }
    (1e6, "")
}

/// Every number of the scenario is finite and within its bound; lists are not absurdly
/// long. Checked on the scenario as serialised, so fields added later are bounded too.
fn bounds(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let tree = match toml::Value::try_from(sc) {
        Ok(t) => t,
        Err(e) => return Err(src.error("", format!("cannot be represented: {e}"))),
    };
    fn walk(
        v: &toml::Value,
        path: &mut String,
        bare: &mut String,
        src: &Source,
    ) -> Result<(), InputError> {
        let check = |x: f64, path: &str, bare: &str| {
            let (max, unit) = bound_of(bare);
            if !x.is_finite() {
                return Err(src.error(
                    path,
                    format!("must be a finite number, got {}", crate::error::show_num(x)),
                ));
            }
            if x.abs() > max {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" ({unit})")
                };
                return Err(src.error(
                    path,
                    format!(
                        "{} is beyond the bound of this field: at most {}{unit}",
                        crate::error::show_num(x),
                        crate::error::show_num(max)
                    ),
                ));
            }
            Ok(())
        };
        match v {
            toml::Value::Float(x) => check(*x, path, bare),
            toml::Value::Integer(i) => check(*i as f64, path, bare),
            toml::Value::Array(a) => {
                const MAX_ITEMS: usize = 100_000;
                if a.len() > MAX_ITEMS {
                    return Err(
                        src.error(path, format!("has {} items; at most {MAX_ITEMS}", a.len()))
                    );
                }
                for (i, x) in a.iter().enumerate() {
                    let (pl, bl) = (path.len(), bare.len());
                    path.push_str(&format!("[{i}]"));
                    walk(x, path, bare, src)?;
                    path.truncate(pl);
                    bare.truncate(bl);
                }
                Ok(())
            }
            toml::Value::Table(t) => {
                for (k, x) in t {
                    let (pl, bl) = (path.len(), bare.len());
                    if !path.is_empty() {
                        path.push('.');
                        bare.push('.');
                    }
                    path.push_str(k);
                    bare.push_str(k);
                    walk(x, path, bare, src)?;
                    path.truncate(pl);
                    bare.truncate(bl);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(&tree, &mut String::new(), &mut String::new(), src)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        Source {
            path: "test.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn locates_nested_fields_and_array_items() {
        let text = "name = \"x\"\n[demand]\ndaily_parcels = 5\n\n[[network.lanes]]\nfrom = \"a\"\n\n[[network.lanes]]\nfrom = \"b\"\n";
        assert_eq!(locate(text, "demand.daily_parcels"), Some(3));
        assert_eq!(locate(text, "network.lanes[1].from"), Some(9));
        assert_eq!(locate(text, "network.lanes[0].from"), Some(6));
    }

    #[test]
    fn times_of_day_parse_strictly() {
        assert_eq!(parse_time_of_day("23:30"), Some(SimTime::from_hours(23.5)));
        assert_eq!(parse_time_of_day("24:00"), None);
        assert_eq!(parse_time_of_day("7"), None);
    }

    #[test]
    fn unknown_field_is_reported_with_its_line() {
        let e = parse(&src("name = \"x\"\ndays = 1\nbogus = 3\n")).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.field.as_deref(), Some("bogus"));
    }
}
