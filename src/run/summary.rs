//! `summary.json`: a run's headline figures, and the cost-per-parcel sample's statistics.

use super::ratio;
use super::{Accounts, ShopSummary, SteadyState};
use crate::cost::{CostVec, Money};
use crate::ops::Carrier;
use serde::Serialize;
use std::collections::BTreeMap;

/// Headline figures of a run (`summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub scenario_sha256: String,
    pub version: String,
    pub days_measured: u32,
    pub warmup_days: u32,
    /// Days actually simulated: warm-up, window, and the drain until every measured
    /// parcel had arrived (or `drain_days` ran out).
    pub days_simulated: f64,
    /// Every parcel generated in the run, warm-up included.
    pub parcels_generated: u64,
    /// Every parcel signed for in the run, warm-up included.
    pub parcels_delivered: u64,
    /// Parcels lost in transport (compensated).
    pub parcels_lost: u64,
    /// Parcels still in the network at the end.
    pub parcels_in_flight: u64,
    /// Parcels picked up in the measured window, of those delivered, and still in flight
    /// when the run ended (non-zero only if `drain_days` ran out).
    pub measured_parcels_picked_up: u64,
    pub measured_parcels_delivered: u64,
    pub measured_parcels_in_flight: u64,
    /// Resources used by the measured parcels (delivered, lost ones with their claims, and
    /// any still in flight when the drain ran out: see the warning then) per measured
    /// delivered parcel (yuan).
    pub cost_per_parcel_yuan: f64,
    /// Activity → yuan per measured delivered parcel.
    pub cost_by_activity: BTreeMap<&'static str, f64>,
    /// The distribution of cost per parcel, from a random sample of measured parcels that
    /// carried their own costs.
    pub cost_sample: CostSampleSummary,
    /// Revenue besides carrying parcels, per parcel, and the cost net of it (yuan).
    pub other_revenue_per_parcel_yuan: f64,
    pub net_cost_per_parcel_yuan: f64,
    /// Mean hours from order placed to pickup (the order waits for the shop's handover at
    /// a pickup wave), and from order placed to signed.
    pub order_to_pickup_hours_mean: f64,
    pub order_to_signed_hours_mean: f64,
    pub transit_hours_mean: f64,
    pub transit_hours_p50: f64,
    pub transit_hours_p95: f64,
    pub transit_hours_max: f64,
    /// Share of measured parcels signed within the promise, out of those delivered and
    /// those still travelling past the promise when the run ended (certainly late).
    pub on_time_rate: f64,
    pub measured_overdue_in_flight: u64,
    pub promise_hours: f64,
    /// Line-haul parcels carried over capacity dispatched (measured period).
    pub truck_fill_rate: f64,
    pub feeder_fill_rate: f64,
    pub delivery_attempts_per_parcel: f64,
    /// Sorts per measured delivered parcel, and the share of them that travelled on a
    /// direct lane (one the routing lever opened to skip a hub).
    pub sorts_per_parcel: f64,
    pub direct_lane_share: f64,
    /// Sorts per parcel the routes plan for the expected flows (no re-sorts, no returns).
    pub planned_sorts_per_parcel: f64,
    /// Who pays whom and who pays for what: each party's account.
    pub accounts: Accounts,
    /// The shop's side, when the scenario models it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop: Option<ShopSummary>,
    pub quality: QualitySummary,
    pub welfare: WelfareSummary,
    pub org: OrgSummary,
    pub steady_state: SteadyState,
    pub sorting: SortingSummary,
    pub money: MoneySummary,
    /// kg CO2e per parcel by activity and party, the carbon price, where the CO2e went.
    pub emissions: crate::emissions::EmissionsSummary,
    pub network: NetworkSummary,
}

/// Cost per parcel over a random sample of measured parcels (yuan): each sampled parcel
/// carried its own share of every trip, tour, shift and day it used. The exact mean over
/// all measured parcels (delivered, lost or still in flight) is beside it, to check the
/// sample against; it differs from `cost_per_parcel_yuan`, which is per parcel delivered.
#[derive(Debug, Clone, Serialize)]
pub struct CostSampleSummary {
    pub parcels: usize,
    pub mean_yuan: f64,
    /// Half-width of the 95 % interval of the sample mean.
    pub ci95_yuan: f64,
    pub p50_yuan: f64,
    pub p95_yuan: f64,
    pub exact_mean_yuan: f64,
    /// Whether the exact mean lies in the sample's 95 % interval (it does 19 times in 20).
    pub exact_within_interval: bool,
}
pub(super) fn cost_sample(m: &Carrier, cost: &CostVec) -> CostSampleSummary {
    let mut v: Vec<f64> = m.sample.iter().map(|&x| Money(x).yuan()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n.max(1) as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    let ci = if n >= 2 {
        crate::metrics::t_975(n - 1) * (var / n as f64).sqrt()
    } else {
        0.0
    };
    let q = |p: f64| {
        if n == 0 {
            0.0
        } else {
            v[((p * n as f64).ceil() as usize).clamp(1, n) - 1]
        }
    };
    // Resources per measured parcel, however it ended: delivered, lost or still in flight
    // (with what it has used so far), like the sample.
    let exact = ratio(cost.total().yuan(), m.generated_measured as f64);
    CostSampleSummary {
        parcels: n,
        mean_yuan: mean,
        ci95_yuan: ci,
        p50_yuan: q(0.5),
        p95_yuan: q(0.95),
        exact_mean_yuan: exact,
        exact_within_interval: n >= 2 && (exact - mean).abs() <= ci,
    }
}

/// The price of cheapness in service terms (measured parcels).
#[derive(Debug, Clone, Serialize)]
pub struct QualitySummary {
    pub late_rate: f64,
    pub damaged_per_million: f64,
    pub lost_per_million: f64,
    pub claims_yuan_per_parcel: f64,
    pub complaints_per_million: f64,
    pub complaints_per_million_by_cause: BTreeMap<&'static str, f64>,
    #[serde(flatten)]
    pub counts: crate::ops::quality::QualityCounts,
}

/// The price of cheapness in staff terms.
#[derive(Debug, Clone, Serialize)]
pub struct WelfareSummary {
    /// Hours a courier spends on pickup and delivery tours per day (h).
    pub courier_hours_per_day: f64,
    /// Courier pay (per parcel or per day, as the model says) over tour hours (yuan/h).
    pub courier_pay_per_hour: f64,
    pub deliveries_per_courier_day: f64,
    /// A sorter works one shift a day (h) at the wage (yuan/h).
    pub sorter_hours_per_day: f64,
    pub sorter_pay_per_hour: f64,
}

/// Sorting labour as staffed (measured window, all centres).
#[derive(Debug, Clone, Serialize)]
pub struct SortingSummary {
    pub staffing: &'static str,
    pub paid_worker_hours: f64,
    /// Share of paid worker-hours on lines that stood idle.
    pub idle_paid_share: f64,
    pub parcels_per_paid_worker_hour: f64,
    pub call_ins: u64,
}

/// Management structure as simulated.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSummary {
    pub layers: u32,
    pub front_line_staff: f64,
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
#[derive(Debug, Clone, Serialize)]
pub struct MoneySummary {
    pub spent_total: f64,
    pub spent_during_warmup: f64,
    pub spent_during_window: f64,
    pub spent_after_window: f64,
    /// Cost of the measured parcels (picked up in the window), lost ones included.
    pub attributed_to_measured: f64,
    /// Cost of parcels picked up during the warm-up, and after the window.
    pub attributed_to_parcels_before_window: f64,
    pub attributed_to_parcels_after_window: f64,
    /// Fixed costs of periods no parcel used, left over at the end.
    pub unabsorbed: f64,
    pub spent_by_activity: BTreeMap<&'static str, f64>,
    pub spent_during_window_by_activity: BTreeMap<&'static str, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkSummary {
    pub outlets: usize,
    pub centres: usize,
    pub feeder_lanes: usize,
    pub linehaul_lanes: usize,
    /// Line-haul lanes the routing lever opened.
    pub direct_lanes: usize,
    pub sorter_lines: u64,
    pub couriers: u64,
}
