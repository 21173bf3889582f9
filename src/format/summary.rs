//! `summary.json`: a run's headline figures. `run` fills these types and writes them;
//! `plot` reads them back. Every field but the few the charts cannot do without
//! (`scenario`, `cost_per_parcel_yuan`, and the shop's cost items) takes its default when a
//! file lacks it, so that folders written by earlier versions still plot.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A map keyed by names the program holds (`&'static str`) as one keyed by owned text, the
/// key type of the format (which a reader fills from a file).
pub fn owned<V>(m: BTreeMap<&str, V>) -> BTreeMap<String, V> {
    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Headline figures of a run (`summary.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The scenario's `name`.
    pub scenario: String,
    /// The master seed the run used.
    #[serde(default)]
    pub seed: u64,
    /// SHA-256 of the scenario file's bytes.
    #[serde(default)]
    pub scenario_sha256: String,
    /// parcelsim version that wrote the file.
    #[serde(default)]
    pub version: String,
    /// Days in the measured window.
    #[serde(default)]
    pub days_measured: u32,
    /// Days simulated before the window.
    #[serde(default)]
    pub warmup_days: u32,
    /// Days actually simulated: warm-up, window, and the drain until every measured
    /// parcel had arrived (or `drain_days` ran out).
    #[serde(default)]
    pub days_simulated: f64,
    /// Every parcel generated in the run, warm-up included.
    #[serde(default)]
    pub parcels_generated: u64,
    /// Every parcel signed for in the run, warm-up included.
    #[serde(default)]
    pub parcels_delivered: u64,
    /// Parcels lost in transport (compensated).
    #[serde(default)]
    pub parcels_lost: u64,
    /// Parcels still in the network at the end.
    #[serde(default)]
    pub parcels_in_flight: u64,
    /// Parcels picked up in the measured window, of those delivered, and still in flight
    /// when the run ended (non-zero only if `drain_days` ran out).
    #[serde(default)]
    pub measured_parcels_picked_up: u64,
    /// Of the measured parcels, those signed for.
    #[serde(default)]
    pub measured_parcels_delivered: u64,
    /// Of the measured parcels, those still travelling when the run ended.
    #[serde(default)]
    pub measured_parcels_in_flight: u64,
    /// Resources used by the measured parcels (delivered, lost ones with their claims, and
    /// any still in flight when the drain ran out: see the warning then) per measured
    /// delivered parcel (yuan).
    pub cost_per_parcel_yuan: f64,
    /// Activity → yuan per measured delivered parcel.
    #[serde(default)]
    pub cost_by_activity: BTreeMap<String, f64>,
    /// The distribution of cost per parcel, from a random sample of measured parcels that
    /// carried their own costs.
    #[serde(default)]
    pub cost_sample: CostSampleSummary,
    /// Revenue besides carrying parcels, per parcel, and the cost net of it (yuan).
    #[serde(default)]
    pub other_revenue_per_parcel_yuan: f64,
    /// `cost_per_parcel_yuan` less `other_revenue_per_parcel_yuan` (yuan).
    #[serde(default)]
    pub net_cost_per_parcel_yuan: f64,
    /// Mean hours from order placed to pickup (the order waits for the shop's handover at
    /// a pickup wave), and from order placed to signed.
    #[serde(default)]
    pub order_to_pickup_hours_mean: f64,
    /// Mean hours from order placed to signed for (h).
    #[serde(default)]
    pub order_to_signed_hours_mean: f64,
    /// Mean hours from pickup to signed for, measured parcels (h).
    #[serde(default)]
    pub transit_hours_mean: f64,
    /// Median of the same (h, from binned quantiles).
    #[serde(default)]
    pub transit_hours_p50: f64,
    /// 95th percentile of the same (h, from binned quantiles).
    #[serde(default)]
    pub transit_hours_p95: f64,
    /// Longest of the same (h).
    #[serde(default)]
    pub transit_hours_max: f64,
    /// Share of measured parcels signed within the promise, out of those delivered and
    /// those still travelling past the promise when the run ended (certainly late).
    #[serde(default)]
    pub on_time_rate: f64,
    /// Measured parcels still travelling past the promise when the run ended (counted late).
    #[serde(default)]
    pub measured_overdue_in_flight: u64,
    /// The promise on-time is measured against (h).
    #[serde(default)]
    pub promise_hours: f64,
    /// Line-haul parcels carried over capacity dispatched (measured period).
    #[serde(default)]
    pub truck_fill_rate: f64,
    /// Feeder parcels carried over capacity dispatched (measured period).
    #[serde(default)]
    pub feeder_fill_rate: f64,
    /// Delivery attempts per measured delivered parcel, failed ones included.
    #[serde(default)]
    pub delivery_attempts_per_parcel: f64,
    /// Sorts per measured delivered parcel, and the share of them that travelled on a
    /// direct lane (one the routing lever opened to skip a hub).
    #[serde(default)]
    pub sorts_per_parcel: f64,
    /// Share of measured delivered parcels that travelled on a direct lane.
    #[serde(default)]
    pub direct_lane_share: f64,
    /// Sorts per parcel the routes plan for the expected flows (no re-sorts, no returns).
    #[serde(default)]
    pub planned_sorts_per_parcel: f64,
    /// Who pays whom and who pays for what: each party's account.
    #[serde(default)]
    pub accounts: Accounts,
    /// The shop's side, when the scenario models it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "shop_from_file"
    )]
    pub shop: Option<ShopSummary>,
    /// Lateness, damage, loss, claims and complaints of the measured parcels.
    #[serde(default)]
    pub quality: QualitySummary,
    /// Couriers' and sorters' hours and pay.
    #[serde(default)]
    pub welfare: WelfareSummary,
    /// Management head-count and the delay of surge crews.
    #[serde(default)]
    pub org: OrgSummary,
    /// Whether the measured window started in steady state.
    #[serde(default)]
    pub steady_state: SteadyState,
    /// Sorting labour as staffed.
    #[serde(default)]
    pub sorting: SortingSummary,
    /// Where every yuan went: spent, attributed by class, unabsorbed.
    #[serde(default)]
    pub money: MoneySummary,
    /// kg CO2e per parcel by activity and party, the carbon price, where the CO2e went.
    #[serde(default)]
    pub emissions: EmissionsSummary,
    /// The size of the built network.
    #[serde(default)]
    pub network: NetworkSummary,
}

/// Cost per parcel over a random sample of measured parcels (yuan): each sampled parcel
/// carried its own share of every trip, tour, shift and day it used. The exact mean over
/// all measured parcels (delivered, lost or still in flight) is beside it, to check the
/// sample against; it differs from `cost_per_parcel_yuan`, which is per parcel delivered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CostSampleSummary {
    /// Parcels in the sample.
    pub parcels: usize,
    /// Mean cost per sampled parcel (yuan).
    pub mean_yuan: f64,
    /// Half-width of the 95 % interval of the sample mean.
    pub ci95_yuan: f64,
    /// Median cost per sampled parcel (yuan).
    pub p50_yuan: f64,
    /// 95th percentile of the cost per sampled parcel (yuan).
    pub p95_yuan: f64,
    /// Exact mean cost over all measured parcels, from the books (yuan).
    pub exact_mean_yuan: f64,
    /// Whether the exact mean lies in the sample's 95 % interval (it does 19 times in 20).
    pub exact_within_interval: bool,
}

/// Each party's account per measured delivered parcel (yuan): receipts and payments of
/// transfers, the resources it pays for, and its margin. Transfers add up to zero over the
/// parties, so the carrier parties' margins add up to what the shop pays less the chain's
/// resources (`cost_per_parcel_yuan`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Accounts {
    /// `franchise` or `direct`.
    pub kind: String,
    /// Franchise: who pays the feeder vans.
    pub feeder_paid_by: String,
    /// Transfers per parcel by kind (what was paid).
    pub transfers: BTreeMap<String, f64>,
    /// Each party's account, by name.
    pub parties: BTreeMap<String, PartyAccount>,
    /// The chain's resources per parcel, and the carrier parties' margins together.
    pub chain_resources: f64,
    /// The outlets' and head office's margins together (yuan per parcel).
    pub chain_margin: f64,
}

/// One party's account (yuan per measured delivered parcel).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PartyAccount {
    /// Transfers received (yuan per parcel).
    pub received: f64,
    /// Transfers paid (yuan per parcel).
    pub paid: f64,
    /// Resources it pays for (yuan per parcel).
    pub resources: f64,
    /// `received − paid − resources` (yuan per parcel).
    pub margin: f64,
    /// The resources it pays for, by activity.
    pub resources_by_activity: BTreeMap<String, f64>,
}

/// The shop's view of orders placed in the measured window: where they ended, how long
/// they took to pack, and what a shipped order cost the shop (yuan per shipped order).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ShopSummary {
    /// Orders placed in the window.
    #[serde(default)]
    pub orders_placed: u64,
    /// Of those, orders shipped, with any carrier.
    #[serde(default)]
    pub shipped: u64,
    /// Of those, orders cancelled before shipping.
    #[serde(default)]
    pub cancelled_before_shipping: u64,
    /// Share of orders placed cancelled, by reason (`address`, `stockout`, `payment`).
    #[serde(default)]
    pub cancelled_share_by_reason: BTreeMap<String, f64>,
    /// Orders still at the shop when the run ended.
    #[serde(default)]
    pub waiting_at_shop: u64,
    /// Shipped orders whose parcel was still travelling when the run ended.
    #[serde(default)]
    pub in_flight: u64,
    /// Mean hours from order placed to packed, shipped orders (h).
    pub placed_to_packed_hours_mean: f64,
    /// Packers' pay per shipped order (yuan).
    pub fulfilment_labour_per_order: f64,
    /// Packaging material per shipped order (yuan).
    pub packaging_per_order: f64,
    /// Replaced defective items per shipped order (yuan).
    pub defect_replacement_per_order: f64,
    /// Shipping paid per order (the network's shop price, or another carrier's price).
    pub shipping_price_per_order: f64,
    /// Share of shipped orders sent with carriers other than the simulated network.
    #[serde(default)]
    pub other_carriers_share: f64,
    /// Compensation received for damaged and lost parcels (subtracted).
    pub claims_recovered_per_order: f64,
    /// Shipping paid for returns and exchanges (each a parcel at the shop price).
    pub returns_shipping_per_order: f64,
    /// Returns per parcel shipped with the network and signed for.
    #[serde(default)]
    pub return_rate: f64,
    /// Mean customer rating (1 to 5).
    #[serde(default)]
    pub mean_rating: f64,
    /// Complaints about returns per million shipped orders, and their handling cost.
    #[serde(default)]
    pub return_complaints_per_million: f64,
    /// Handling of complaints to the shop per shipped order (yuan).
    pub complaint_handling_per_order: f64,
    /// All of the shop's costs per shipped order, claims recovered subtracted (yuan).
    pub cost_per_order: f64,
    /// The counts and sums these figures come from.
    #[serde(flatten)]
    pub counts: ShopCounts,
}

/// Counts and money of the shop, over orders placed in the measured window.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopCounts {
    /// Orders placed.
    pub orders_placed: u64,
    /// Orders shipped, with any carrier.
    pub shipped: u64,
    /// Orders cancelled for a wrong address.
    pub cancelled_address: u64,
    /// Orders cancelled at a stock-out.
    pub cancelled_stockout: u64,
    /// Orders cancelled for a failed payment.
    pub cancelled_payment: u64,
    /// Wrong addresses corrected with the customer.
    pub corrected: u64,
    /// Orders that waited for a restock.
    pub waited_for_restock: u64,
    /// Customers who switched product at a stock-out.
    pub switched_product: u64,
    /// Defective items found at inspection and replaced.
    pub defects_replaced: u64,
    /// Packaging material (yuan).
    pub packaging_yuan: f64,
    /// Replaced defective items (yuan).
    pub defects_yuan: f64,
    /// Hours from order placed to packed, summed over shipped orders.
    pub placed_to_packed_hours: f64,
    /// After delivery: returns sent back.
    pub returns: u64,
    /// After delivery: replacements sent out for exchanges.
    pub exchanges: u64,
    /// Customers' ratings given.
    pub ratings: u64,
    /// Their sum (5 less the penalties, at least 1 each).
    pub rating_sum: f64,
    /// Complaints to the shop about the return experience.
    pub complaints_returns: u64,
    /// Their handling cost (yuan).
    pub complaints_yuan: f64,
    /// Shipping paid for shipped orders (yuan).
    pub shipping_yuan: f64,
    /// Orders shipped with other carriers.
    pub shipped_other_carriers: u64,
    /// Orders shipped with the network and kept by the customer (the rest of the shipped
    /// ones below, or still in flight).
    pub kept: u64,
    /// Sent back for a refund.
    pub returned: u64,
    /// Sent back for an exchange.
    pub exchanged: u64,
    /// Lost in transport.
    pub lost: u64,
}

/// The price of cheapness in service terms (measured parcels).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct QualitySummary {
    /// Share of measured parcels that arrived after the promise.
    pub late_rate: f64,
    /// Damaged parcels per million measured parcels.
    pub damaged_per_million: f64,
    /// Lost parcels per million measured parcels.
    pub lost_per_million: f64,
    /// Compensation paid per measured delivered parcel (yuan).
    pub claims_yuan_per_parcel: f64,
    /// Complaints per million measured parcels.
    pub complaints_per_million: f64,
    /// The same by cause (`late`, `damaged`, `lost`).
    pub complaints_per_million_by_cause: BTreeMap<String, f64>,
    /// The counts these rates come from.
    #[serde(flatten)]
    pub counts: QualityCounts,
}

/// Incident counts and their money, over the measured parcels.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct QualityCounts {
    /// Measured parcels that arrived after the promise.
    pub late: u64,
    /// Measured parcels damaged in sorting.
    pub damaged: u64,
    /// Measured parcels lost in transport.
    pub lost: u64,
    /// Compensation paid to customers for damaged and lost parcels (yuan).
    pub claims_yuan: f64,
    /// Complaints about late parcels.
    pub complaints_late: u64,
    /// Complaints about damaged parcels.
    pub complaints_damaged: u64,
    /// Complaints about lost parcels.
    pub complaints_lost: u64,
}

/// The price of cheapness in staff terms.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WelfareSummary {
    /// Hours a courier spends on pickup and delivery tours per day (h).
    pub courier_hours_per_day: f64,
    /// Courier pay (per parcel or per day, as the model says) over tour hours (yuan/h).
    pub courier_pay_per_hour: f64,
    /// Parcels a courier delivers per working day.
    pub deliveries_per_courier_day: f64,
    /// A sorter works one shift a day (h) at the wage (yuan/h).
    pub sorter_hours_per_day: f64,
    /// A sorter's pay (yuan/h).
    pub sorter_pay_per_hour: f64,
}

/// Sorting labour as staffed (measured window, all centres).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SortingSummary {
    /// The staffing scheme: `fixed_shifts`, `rostered` or `flexible`.
    pub staffing: String,
    /// Sorting worker-hours paid in the window, all centres.
    pub paid_worker_hours: f64,
    /// Share of paid worker-hours on lines that stood idle.
    pub idle_paid_share: f64,
    /// Parcels sorted per paid worker-hour.
    pub parcels_per_paid_worker_hour: f64,
    /// Call-ins of temporary workers in the window.
    pub call_ins: u64,
}

/// Whether the measured window started in steady state: MSER truncation points of two
/// daily series over the whole run (demand goes on through the drain). A truncation day
/// after `warmup_days` means the network was still filling when measuring began.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SteadyState {
    /// How the truncation points were found, in words.
    pub method: String,
    /// Mean parcels in the network over each complete day (hourly samples).
    pub daily_in_network: Vec<f64>,
    /// Parcels sorted per complete day, all centres together.
    pub daily_sorted: Vec<u64>,
    /// MSER truncation day of `daily_in_network`.
    pub truncation_day_in_network: usize,
    /// MSER truncation day of `daily_sorted`.
    pub truncation_day_sorted: usize,
    /// How far the first measured day lies from the mean after the truncation point
    /// (relative; 0 when the truncation point is within the warm-up).
    pub window_start_gap_in_network: f64,
    /// The same gap for `daily_sorted`.
    pub window_start_gap_sorted: f64,
    /// Both series settled by the window's start: the truncation point lies within the
    /// warm-up, or the first measured day is within 5 % of the settled mean.
    pub steady_at_window_start: bool,
}

/// Management structure as simulated.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgSummary {
    /// Management layers above the front line.
    pub layers: u32,
    /// Sorters on every shift and couriers (people).
    pub front_line_staff: f64,
    /// Managers above them, from the layers and span of control (people).
    pub managers: f64,
    /// Hours from a centre's request to the surge crew's arrival.
    pub decision_delay_hours: f64,
    /// Surge crews that arrived during the window, over all centres.
    pub surges: u64,
}

/// Where every yuan went (yuan). `spent_total = attributed_to_measured +
/// attributed_to_parcels_before_window + attributed_to_parcels_after_window + unabsorbed`:
/// each period's cost is split over the parcels that used it by class (picked up during
/// the warm-up, in the window, or after it), whether or not they have arrived yet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MoneySummary {
    /// Everything the run spent.
    pub spent_total: f64,
    /// Spent before the window.
    pub spent_during_warmup: f64,
    /// Spent during the window.
    pub spent_during_window: f64,
    /// Spent after the window.
    pub spent_after_window: f64,
    /// Cost of the measured parcels (picked up in the window), lost ones included.
    pub attributed_to_measured: f64,
    /// Cost of parcels picked up during the warm-up, and after the window.
    pub attributed_to_parcels_before_window: f64,
    /// Cost of parcels picked up after the window.
    pub attributed_to_parcels_after_window: f64,
    /// Fixed costs of periods no parcel used, left over at the end.
    pub unabsorbed: f64,
    /// Everything spent, by activity.
    pub spent_by_activity: BTreeMap<String, f64>,
    /// Spent during the window, by activity.
    pub spent_during_window_by_activity: BTreeMap<String, f64>,
}

/// The size of the built network.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSummary {
    /// Outlets.
    pub outlets: usize,
    /// Sortation centres.
    pub centres: usize,
    /// Feeder lanes (outlet ↔ centre, each direction one lane).
    pub feeder_lanes: usize,
    /// Line-haul lanes between centres, direct ones included.
    pub linehaul_lanes: usize,
    /// Line-haul lanes the routing lever opened.
    pub direct_lanes: usize,
    /// Sorter lines (or manual teams) over all centres.
    pub sorter_lines: u64,
    /// Couriers over all outlets.
    pub couriers: u64,
}

/// Emissions of the measured parcels, per measured delivered parcel (kg CO2e), like
/// `cost_per_parcel_yuan`, and where the run's emissions went (kg).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EmissionsSummary {
    /// Everything the measured parcels caused: the chain's activities and the packaging.
    pub co2e_kg_per_parcel: f64,
    /// By emitting activity, and `packaging` (the shop's material).
    pub co2e_kg_per_parcel_by_activity: BTreeMap<String, f64>,
    /// By the party that pays for the emitting activity (packaging: the shop).
    pub co2e_kg_per_parcel_by_party: BTreeMap<String, f64>,
    /// The carbon price and what it adds to the chain's resources per parcel (yuan).
    pub carbon_price_yuan_per_t: f64,
    /// The `carbon_*` activities' cost per parcel (yuan).
    pub carbon_cost_per_parcel_yuan: f64,
    /// `emitted = attributed_to_measured + before + after + unabsorbed` (kg, exact in mg):
    /// everything the run emitted ...
    pub emitted_kg: f64,
    /// ... attributed to the measured parcels ...
    pub attributed_to_measured_kg: f64,
    /// ... to parcels picked up during the warm-up ...
    pub attributed_to_parcels_before_window_kg: f64,
    /// ... and after the window ...
    pub attributed_to_parcels_after_window_kg: f64,
    /// ... and electricity of periods no parcel used.
    pub unabsorbed_kg: f64,
    /// The run's emissions by activity (kg).
    pub emitted_by_activity_kg: BTreeMap<String, f64>,
}

/// `shop` as written: its flattened counts repeat `orders_placed` and `shipped`, so the
/// object holds those two keys twice (the same figure each time), which a struct does not
/// accept. It is read as a JSON object (where the last of each key wins), and the shop's
/// figures and its counts each from that object.
fn shop_from_file<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ShopSummary>, D::Error> {
    let Some(v) = Option::<serde_json::Value>::deserialize(d)? else {
        return Ok(None);
    };
    let mut shop = ShopSummary::deserialize(&v).map_err(serde::de::Error::custom)?;
    shop.counts = ShopCounts::deserialize(&v).map_err(serde::de::Error::custom)?;
    Ok(Some(shop))
}
