//! One run: scenario → network → simulation → checked results. The bookkeeping of
//! parcels and of money is verified at the end of every run; a failure is an error.

use crate::accounts::{Party, Transfer};
use crate::cost::{Activity, CostVec, Money};
use crate::engine::{SimTime, Simulation};
use crate::error::{Error, Result};
use crate::network::{LaneKind, Network};
use crate::ops::parcel::Class;
use crate::ops::{Carrier, CarrierOptions, Trace};
use crate::scenario::Scenario;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Parcels to trace step by step.
    pub trace: usize,
    /// Show progress on stderr (a bar on a terminal, plain lines elsewhere).
    pub progress: bool,
    /// Extra demand on top of the scenario's, as a share of it (marginal cost; 0: none).
    pub extra_demand: f64,
    /// Measured parcels carried with their own costs, for the distribution of cost per
    /// parcel (`None`: enough for a ±1 % interval on the mean, see [`DEFAULT_COST_SAMPLE`]).
    pub cost_sample: Option<usize>,
}

/// Parcels sampled for the cost distribution when the options do not say: with a
/// coefficient of variation of cost per parcel near 0.5, 10,000 parcels give the mean
/// within about ±1 % (95 %).
pub const DEFAULT_COST_SAMPLE: usize = 10_000;

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

fn cost_sample(m: &Carrier, cost: &CostVec) -> CostSampleSummary {
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

/// Each party's account per measured delivered parcel (yuan): receipts and payments of
/// transfers, the resources it pays for, and its margin. Transfers add up to zero over the
/// parties, so the carrier parties' margins add up to what the shop pays less the chain's
/// resources (`cost_per_parcel_yuan`).
#[derive(Debug, Clone, Serialize)]
pub struct Accounts {
    pub kind: &'static str,
    /// Franchise: who pays the feeder vans.
    pub feeder_paid_by: &'static str,
    /// Transfers per parcel by kind (what was paid).
    pub transfers: BTreeMap<&'static str, f64>,
    pub parties: BTreeMap<&'static str, PartyAccount>,
    /// The chain's resources per parcel, and the carrier parties' margins together.
    pub chain_resources: f64,
    pub chain_margin: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyAccount {
    pub received: f64,
    pub paid: f64,
    pub resources: f64,
    pub margin: f64,
    /// The resources it pays for, by activity.
    pub resources_by_activity: BTreeMap<&'static str, f64>,
}

fn accounts(m: &Carrier, delivered: f64) -> Accounts {
    let prices = &m.cfg.prices;
    let l = &m.transfers_measured;
    let per = |x: Money| ratio(x.yuan(), delivered);
    let cost = &m.books.attributed[Class::Measured as usize];
    let parties: BTreeMap<&'static str, PartyAccount> = Party::ALL
        .iter()
        .filter(|&&p| !(prices.direct && p == Party::Outlets))
        .map(|&p| {
            let (r, paid) = l.received_and_paid(p);
            let res = prices.resources_of(p, cost);
            let by = Activity::ALL
                .iter()
                .filter(|&&a| prices.payer(a) == p && p != Party::Shop)
                .map(|&a| (a.name(), per(cost.get(a))))
                .collect();
            let account = PartyAccount {
                received: per(r),
                paid: per(paid),
                resources: if p == Party::Shop { 0.0 } else { per(res) },
                margin: per(r) - per(paid) - if p == Party::Shop { 0.0 } else { per(res) },
                resources_by_activity: by,
            };
            (p.name(), account)
        })
        .collect();
    let chain_margin = parties
        .iter()
        .filter(|(k, _)| **k != Party::Shop.name())
        .map(|(_, a)| a.margin)
        .sum();
    Accounts {
        kind: if prices.direct { "direct" } else { "franchise" },
        feeder_paid_by: match (prices.direct, prices.feeder_paid_by) {
            (false, crate::scenario::Payer::Outlets) => "outlets",
            _ => "head_office",
        },
        transfers: Transfer::ALL
            .iter()
            .map(|&k| (k.name(), per(l.paid(k))))
            .collect(),
        parties,
        chain_resources: per(cost.total()),
        chain_margin,
    }
}

/// The shop's view of orders placed in the measured window: where they ended, how long
/// they took to pack, and what a shipped order cost the shop (yuan per shipped order).
#[derive(Debug, Clone, Serialize)]
pub struct ShopSummary {
    pub orders_placed: u64,
    pub shipped: u64,
    pub cancelled_before_shipping: u64,
    pub cancelled_share_by_reason: BTreeMap<&'static str, f64>,
    /// Orders still at the shop when the run ended.
    pub waiting_at_shop: u64,
    /// Shipped orders whose parcel was still travelling when the run ended.
    pub in_flight: u64,
    pub placed_to_packed_hours_mean: f64,
    pub fulfilment_labour_per_order: f64,
    pub packaging_per_order: f64,
    pub defect_replacement_per_order: f64,
    /// Shipping paid per order (the network's shop price, or another carrier's price).
    pub shipping_price_per_order: f64,
    /// Share of shipped orders sent with carriers other than the simulated network.
    pub other_carriers_share: f64,
    /// Compensation received for damaged and lost parcels (subtracted).
    pub claims_recovered_per_order: f64,
    /// Shipping paid for returns and exchanges (each a parcel at the shop price).
    pub returns_shipping_per_order: f64,
    pub return_rate: f64,
    pub mean_rating: f64,
    /// Complaints about returns per million shipped orders, and their handling cost.
    pub return_complaints_per_million: f64,
    pub complaint_handling_per_order: f64,
    pub cost_per_order: f64,
    #[serde(flatten)]
    pub counts: crate::ops::shop::ShopCounts,
}

fn shop_summary(sc: &Scenario, m: &Carrier, claims_per_parcel: f64) -> Option<ShopSummary> {
    let shops = m.shops.as_ref()?;
    let c = &shops.totals();
    let shipped = c.shipped as f64;
    let cancelled = c.cancelled();
    let placed = c.orders_placed as f64;
    let labour = shops.labour_yuan_per_day() * sc.days as f64;
    let per = |x: f64| ratio(x, shipped);
    let (lab, pack, defect) = (per(labour), per(c.packaging_yuan), per(c.defects_yuan));
    let price = per(c.shipping_yuan);
    let returns_shipping = per((c.returns + c.exchanges) as f64 * sc.operating_model.shop_price);
    Some(ShopSummary {
        orders_placed: c.orders_placed,
        shipped: c.shipped,
        cancelled_before_shipping: cancelled,
        cancelled_share_by_reason: [
            ("address", ratio(c.cancelled_address as f64, placed)),
            ("stockout", ratio(c.cancelled_stockout as f64, placed)),
            ("payment", ratio(c.cancelled_payment as f64, placed)),
        ]
        .into_iter()
        .collect(),
        waiting_at_shop: shops.waiting_measured(),
        in_flight: m.orders_in_flight(),
        placed_to_packed_hours_mean: per(c.placed_to_packed_hours),
        fulfilment_labour_per_order: lab,
        packaging_per_order: pack,
        defect_replacement_per_order: defect,
        shipping_price_per_order: price,
        other_carriers_share: per(c.shipped_other_carriers as f64),
        claims_recovered_per_order: claims_per_parcel,
        returns_shipping_per_order: returns_shipping,
        return_rate: ratio(c.returns as f64, c.ratings as f64),
        mean_rating: ratio(c.rating_sum, c.ratings as f64),
        return_complaints_per_million: per(c.complaints_returns as f64 * 1e6),
        complaint_handling_per_order: per(c.complaints_yuan),
        cost_per_order: lab + pack + defect + price + returns_shipping + per(c.complaints_yuan)
            - claims_per_parcel,
        counts: c.clone(),
    })
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

/// Whether the measured window started in steady state: MSER truncation points of two
/// daily series over the whole run (demand goes on through the drain). A truncation day
/// after `warmup_days` means the network was still filling when measuring began.
#[derive(Debug, Clone, Serialize)]
pub struct SteadyState {
    pub method: &'static str,
    /// Mean parcels in the network over each complete day (hourly samples).
    pub daily_in_network: Vec<f64>,
    /// Parcels sorted per complete day, all centres together.
    pub daily_sorted: Vec<u64>,
    pub truncation_day_in_network: usize,
    pub truncation_day_sorted: usize,
    /// How far the first measured day lies from the mean after the truncation point
    /// (relative; 0 when the truncation point is within the warm-up).
    pub window_start_gap_in_network: f64,
    pub window_start_gap_sorted: f64,
    /// Both series settled by the window's start: the truncation point lies within the
    /// warm-up, or the first measured day is within 5 % of the settled mean.
    pub steady_at_window_start: bool,
}

impl SteadyState {
    fn new(hourly_in_network: &[u64], sorted_by_day: &[u64], warmup_days: u32) -> SteadyState {
        let daily_in_network: Vec<f64> = hourly_in_network
            .chunks_exact(24)
            .map(|d| d.iter().sum::<u64>() as f64 / 24.0)
            .collect();
        let days = daily_in_network.len();
        let daily_sorted = sorted_by_day[..days.min(sorted_by_day.len())].to_vec();
        let sorted_f: Vec<f64> = daily_sorted.iter().map(|&x| x as f64).collect();
        let a = crate::metrics::mser(&daily_in_network);
        let b = crate::metrics::mser(&sorted_f);
        let w = warmup_days as usize;
        let gap = |x: &[f64], d: usize| {
            if d <= w || w >= x.len() {
                return 0.0;
            }
            let settled = x[d..].iter().sum::<f64>() / (x.len() - d) as f64;
            (x[w] - settled).abs() / settled.max(1.0)
        };
        let (ga, gb) = (gap(&daily_in_network, a), gap(&sorted_f, b));
        SteadyState {
            method: "MSER on daily means (24 hourly samples of parcels in the network; parcels sorted per day)",
            daily_in_network,
            daily_sorted,
            truncation_day_in_network: a,
            truncation_day_sorted: b,
            window_start_gap_in_network: ga,
            window_start_gap_sorted: gb,
            steady_at_window_start: ga <= 0.05 && gb <= 0.05,
        }
    }

    /// A warning for the terminal when measured parcels were still travelling when the
    /// drain ran out: their resources so far count in the cost per delivered parcel.
    pub fn drain_warning(s: &Summary) -> Option<String> {
        let share = ratio(
            s.measured_parcels_in_flight as f64,
            s.measured_parcels_picked_up as f64,
        );
        (share > 0.005).then(|| {
            format!(
                "{} of the measured parcels ({:.1} %) were still in flight when the drain ran out after {} days; the resources they used so far are in the cost per delivered parcel: raise drain_days",
                s.measured_parcels_in_flight,
                share * 100.0,
                s.days_simulated - s.warmup_days as f64 - s.days_measured as f64
            )
        })
    }

    /// A warning for the terminal when the window did not start in steady state.
    pub fn warning(&self, warmup_days: u32) -> Option<String> {
        (!self.steady_at_window_start).then(|| {
            format!(
                "the measured window starts before steady state: MSER puts the end of the warm-up at day {} (parcels in the network, first measured day {:.0} % off the settled mean) and day {} (parcels sorted, {:.0} % off), after the {} warm-up days; set warmup_days = {} or more",
                self.truncation_day_in_network,
                self.window_start_gap_in_network * 100.0,
                self.truncation_day_sorted,
                self.window_start_gap_sorted * 100.0,
                warmup_days,
                self.truncation_day_in_network.max(self.truncation_day_sorted)
            )
        })
    }
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

/// One row of `nodes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct NodeRow {
    pub node: String,
    pub kind: &'static str,
    /// Where the node is (degrees; empty when the scenario does not say).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub capacity_units: u32,
    pub parcels_handled: u64,
    pub utilisation: f64,
    pub mean_queue: f64,
    pub max_queue: u64,
    pub mean_wait_hours: f64,
    /// Resources this node paid for during the measured window (yuan), and per parcel
    /// it handled in the window.
    pub cost_yuan: f64,
    pub cost_per_parcel_yuan: f64,
    /// Centres, measured window: worker-hours paid (roster, temporary and surge crews)
    /// and those paid while their line stood idle; parcels per line-hour the line is
    /// built for, achieved per paid line-hour, and per paid worker-hour; temporary call-ins.
    pub paid_worker_hours: f64,
    pub idle_paid_worker_hours: f64,
    pub planned_per_line_hour: f64,
    pub achieved_per_line_hour: f64,
    pub parcels_per_paid_worker_hour: f64,
    pub call_ins: u32,
}

/// One row of `shop.csv`: one shop (the shops sending from one outlet), measured window.
#[derive(Debug, Clone, Serialize)]
pub struct ShopRow {
    pub outlet: String,
    pub orders_placed: u64,
    pub shipped: u64,
    pub cancelled: u64,
    pub returns: u64,
    pub exchanges: u64,
    pub mean_rating: f64,
    pub placed_to_packed_hours_mean: f64,
    pub labour_per_order: f64,
    pub packaging_per_order: f64,
    pub cost_per_order: f64,
}

fn shop_rows(sc: &Scenario, net: &Network, m: &Carrier) -> Vec<ShopRow> {
    let Some(shops) = &m.shops else {
        return Vec::new();
    };
    let price = sc.operating_model.shop_price;
    (0..net.outlets.len())
        .filter(|&k| shops.active(k))
        .map(|k| {
            let c = &shops.floors[k].counts;
            let shipped = c.shipped as f64;
            let labour = ratio(shops.labour_per_shop_day() * sc.days as f64, shipped);
            let packaging = ratio(c.packaging_yuan, shipped);
            let other = ratio(
                c.defects_yuan
                    + (c.returns + c.exchanges) as f64 * price
                    + c.complaints_yuan
                    + c.shipping_yuan,
                shipped,
            );
            ShopRow {
                outlet: net.nodes[net.outlets[k] as usize].id.clone(),
                orders_placed: c.orders_placed,
                shipped: c.shipped,
                cancelled: c.cancelled(),
                returns: c.returns,
                exchanges: c.exchanges,
                mean_rating: ratio(c.rating_sum, c.ratings as f64),
                placed_to_packed_hours_mean: ratio(c.placed_to_packed_hours, shipped),
                labour_per_order: labour,
                packaging_per_order: packaging,
                cost_per_order: labour + packaging + other,
            }
        })
        .collect()
}

/// One row of `lanes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneRow {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub distance_km: f64,
    pub vehicle: String,
    pub max_vehicles: u32,
    pub planned_parcels_per_day: f64,
    pub departures: u64,
    pub vehicles_sent: u64,
    pub parcels: u64,
    pub fill_rate: f64,
    /// Trips paid during the measured window (yuan), and per parcel carried in it.
    pub cost_yuan: f64,
    pub cost_per_parcel_yuan: f64,
}

/// Machine-dependent figures (`run_info.json`), the one output allowed to differ.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub wall_s: f64,
    pub build_s: f64,
    pub simulate_s: f64,
    pub events: u64,
    pub events_per_s: f64,
    pub parcels_per_s: f64,
    /// Most parcels held at once (in flight), sampled every simulated hour.
    pub peak_parcel_slots: usize,
    pub peak_rss_mb: Option<f64>,
    /// Worker threads the run's waves could use.
    pub threads: usize,
    /// Most memory the parcels' queues held at once (MiB, sampled every simulated hour).
    pub peak_storage_mb: f64,
}

/// The measured parcels' books in exact money: resources by activity and the transfers
/// between parties (what `Summary` reports per parcel), for instruments that difference
/// two runs (marginal cost).
#[derive(Debug, Clone, Copy)]
pub struct MeasuredBooks {
    /// Measured parcels delivered (the headline's denominator).
    pub delivered: u64,
    pub cost: CostVec,
    pub transfers: crate::accounts::Ledger,
    pub prices: crate::accounts::Prices,
}

pub struct RunOutput {
    pub summary: Summary,
    pub books: MeasuredBooks,
    pub nodes: Vec<NodeRow>,
    pub lanes: Vec<LaneRow>,
    pub shops: Vec<ShopRow>,
    pub traces: Vec<Trace>,
    pub info: RunInfo,
    /// Node ids, for naming trace rows.
    pub node_ids: Vec<String>,
    pub transit_bins: Vec<(f64, u64)>,
}

fn yuan_map(v: &CostVec, per: f64) -> BTreeMap<&'static str, f64> {
    Activity::ALL
        .iter()
        .map(|&a| (a.name(), v.get(a).yuan() / per))
        .collect()
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Simulates a validated scenario on its network.
pub fn run(sc: &Scenario, net: &Network, sha256: &str, opts: &RunOptions) -> Result<RunOutput> {
    let t0 = Instant::now();
    let seed = opts.seed.unwrap_or(sc.seed);
    let carrier = Carrier::build(
        sc,
        net,
        CarrierOptions {
            seed,
            trace: opts.trace,
            cost_sample: opts.cost_sample.unwrap_or(DEFAULT_COST_SAMPLE),
            extra_demand: opts.extra_demand,
        },
    )
    .map_err(Error::Run)?;
    let mut sim = Simulation::new(carrier);
    sim.model.schedule_all(&mut sim.sched);
    let build_s = t0.elapsed().as_secs_f64();
    let horizon = sim.model.cfg.horizon;

    let bar = opts.progress.then(|| {
        crate::progress::bar(
            horizon.0 / SimTime::MS_PER_HOUR,
            true,
            "{spinner} simulated {pos}/{len} h [{bar:30}] {msg} ({elapsed})",
            "run: simulated {pos} of {len} h, {msg}, {elapsed} elapsed",
        )
    });
    let t1 = Instant::now();
    let mut peak_slots = 0;
    let mut peak_storage = 0;
    let mut hourly_in_network = Vec::new();
    let mut t = SimTime::ZERO;
    let window_end = sim.model.cfg.window_end;
    // Run until the measured parcels have arrived and the measured orders have left the shop.
    let busy = |m: &Carrier| {
        m.measured_open > 0 || m.shops.as_ref().is_some_and(|s| s.waiting_measured() > 0)
    };
    while t < horizon && (t < window_end || busy(&sim.model)) {
        t = (t + SimTime::from_hours(1.0)).min(horizon);
        sim.run_until(t);
        hourly_in_network.push(sim.model.in_network);
        peak_slots = peak_slots.max(sim.model.in_network as usize);
        peak_storage = peak_storage.max(sim.model.storage_bytes());
        if let Some(pb) = &bar {
            let rate = sim.model.generated as f64 / t1.elapsed().as_secs_f64().max(1e-9);
            pb.set_position(t.0 / SimTime::MS_PER_HOUR);
            pb.set_message(format!(
                "{} parcels, {} in network, {:.2} M parcels/s",
                sim.model.generated,
                sim.model.in_network,
                rate / 1e6
            ));
        }
    }
    sim.model.close_books(t);
    sim.model.sample_in_flight();
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let simulate_s = t1.elapsed().as_secs_f64();
    let m = &sim.model;
    check_books(m)?;
    let steady = SteadyState::new(&hourly_in_network, &m.sorted_by_day, sc.warmup_days);
    // An overloaded network names its bottlenecks; otherwise a run that measured nothing
    // says so.
    overload(m, net, t, &steady)?;
    check_measured(sc, m)?;

    let in_flight = m.in_network;
    let overdue = m.measured_overdue(t);
    let o = &m.out;
    let cost = m.books.attributed[Class::Measured as usize];
    let delivered = o.delivered as f64;
    let lh = |kind: LaneKind| {
        let (mut p, mut c) = (0u64, 0u64);
        for (li, st) in m.lanes.iter().enumerate() {
            if net.lanes[li].kind == kind {
                p += st.parcels;
                c += st.capacity;
            }
        }
        ratio(p as f64, c as f64)
    };
    let measured_hours = (m.cfg.window_end - m.cfg.warmup).hours();
    let summary = Summary {
        scenario: sc.name.clone(),
        seed,
        scenario_sha256: sha256.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        days_measured: sc.days,
        warmup_days: sc.warmup_days,
        days_simulated: t.hours() / 24.0,
        parcels_generated: m.generated,
        parcels_delivered: o.delivered + o.outside_delivered,
        parcels_lost: o.lost + o.outside_lost,
        parcels_in_flight: in_flight,
        measured_parcels_picked_up: m.generated_measured,
        measured_parcels_delivered: o.delivered,
        measured_parcels_in_flight: m.measured_open,
        cost_per_parcel_yuan: ratio(cost.total().yuan(), delivered),
        cost_by_activity: yuan_map(&cost, delivered.max(1.0)),
        cost_sample: cost_sample(m, &cost),
        other_revenue_per_parcel_yuan: sc.revenue.other_per_parcel,
        net_cost_per_parcel_yuan: ratio(cost.total().yuan(), delivered)
            - sc.revenue.other_per_parcel,
        order_to_pickup_hours_mean: ratio(o.handover_h_sum, delivered),
        order_to_signed_hours_mean: ratio(o.handover_h_sum, delivered) + o.transit_h.mean(),
        transit_hours_mean: o.transit_h.mean(),
        transit_hours_p50: o.transit_h.quantile(0.5),
        transit_hours_p95: o.transit_h.quantile(0.95),
        transit_hours_max: o.transit_h.max(),
        on_time_rate: ratio(o.on_time as f64, delivered + overdue as f64),
        measured_overdue_in_flight: overdue,
        promise_hours: m.cfg.promise.hours(),
        truck_fill_rate: lh(LaneKind::Linehaul),
        feeder_fill_rate: lh(LaneKind::Feeder),
        delivery_attempts_per_parcel: ratio(o.attempts as f64, delivered),
        sorts_per_parcel: ratio(o.sorts as f64, delivered),
        direct_lane_share: ratio(o.on_direct as f64, delivered),
        planned_sorts_per_parcel: net.planned_sorts_per_parcel(&net.next_lane),
        accounts: accounts(m, delivered),
        shop: shop_summary(sc, m, ratio(m.incidents.counts.claims_yuan, delivered)),
        quality: {
            let q = &m.incidents.counts;
            let ended = (o.delivered + o.lost).max(1) as f64;
            let per_m = |x: u64| x as f64 * 1e6 / ended;
            QualitySummary {
                late_rate: ratio((q.late + overdue) as f64, delivered + overdue as f64),
                damaged_per_million: per_m(q.damaged),
                lost_per_million: per_m(q.lost),
                claims_yuan_per_parcel: ratio(q.claims_yuan, delivered),
                complaints_per_million: per_m(
                    q.complaints_late + q.complaints_damaged + q.complaints_lost,
                ),
                complaints_per_million_by_cause: [
                    ("late", per_m(q.complaints_late)),
                    ("damaged", per_m(q.complaints_damaged)),
                    ("lost", per_m(q.complaints_lost)),
                ]
                .into_iter()
                .collect(),
                counts: q.clone(),
            }
        },
        welfare: {
            let courier_days = net
                .outlets
                .iter()
                .map(|&k| net.nodes[k as usize].couriers as f64)
                .sum::<f64>()
                * sc.days as f64;
            let shifts = &sc.operations.sorting.shifts;
            WelfareSummary {
                courier_hours_per_day: ratio(o.courier_hours, courier_days),
                courier_pay_per_hour: ratio(o.courier_pay.yuan(), o.courier_hours),
                deliveries_per_courier_day: ratio(
                    m.outlets.iter().map(|x| x.delivered).sum::<u64>() as f64,
                    courier_days,
                ),
                sorter_hours_per_day: shifts.iter().map(|x| x.hours).sum::<f64>()
                    / shifts.len() as f64,
                sorter_pay_per_hour: sc.costs.sorter_wage_per_hour,
            }
        },
        steady_state: steady,
        sorting: {
            let (mut paid, mut busy, mut handled, mut calls) = (0.0, 0.0, 0u64, 0u64);
            for (pos, &c) in net.centres.iter().enumerate() {
                let w = net.nodes[c as usize].tech.workers_per_line;
                let st = &m.centres[pos];
                paid += st.paid_line_hours * w;
                busy += st.sorter.busy_ms as f64 / 3.6e6 * w;
                handled += st.sorter.handled;
                calls += st.call_ins as u64;
            }
            SortingSummary {
                staffing: sc.operations.sorting.staffing.name(),
                paid_worker_hours: paid,
                idle_paid_share: ratio((paid - busy).max(0.0), paid),
                parcels_per_paid_worker_hour: ratio(handled as f64, paid),
                call_ins: calls,
            }
        },
        org: OrgSummary {
            layers: sc.org.layers,
            front_line_staff: m.front_line_staff,
            managers: m.managers,
            decision_delay_hours: m.cfg.surge_delay.hours(),
            surges: m.centres.iter().map(|c| c.surges as u64).sum(),
        },
        money: {
            let b = &m.books;
            MoneySummary {
                spent_total: b.spent.total().yuan(),
                spent_during_warmup: b.spent_warmup.total().yuan(),
                spent_during_window: (b.spent.total()
                    - b.spent_warmup.total()
                    - b.spent_after.total())
                .yuan(),
                spent_after_window: b.spent_after.total().yuan(),
                attributed_to_measured: cost.total().yuan(),
                attributed_to_parcels_before_window: b.attributed[Class::Warmup as usize]
                    .total()
                    .yuan(),
                attributed_to_parcels_after_window: b.attributed[Class::After as usize]
                    .total()
                    .yuan(),
                unabsorbed: m.unabsorbed().yuan(),
                spent_by_activity: yuan_map(&b.spent, 1.0),
                spent_during_window_by_activity: {
                    let mut w = CostVec::default();
                    for a in Activity::ALL {
                        w.add(
                            a,
                            b.spent.get(a) - b.spent_warmup.get(a) - b.spent_after.get(a),
                        );
                    }
                    yuan_map(&w, 1.0)
                },
            }
        },
        network: NetworkSummary {
            outlets: net.outlets.len(),
            centres: net.centres.len(),
            feeder_lanes: net
                .lanes
                .iter()
                .filter(|l| l.kind == LaneKind::Feeder)
                .count(),
            linehaul_lanes: net
                .lanes
                .iter()
                .filter(|l| l.kind == LaneKind::Linehaul)
                .count(),
            direct_lanes: net.lanes.iter().filter(|l| l.direct).count(),
            sorter_lines: net
                .centres
                .iter()
                .map(|&c| net.nodes[c as usize].lines as u64)
                .sum(),
            couriers: net
                .outlets
                .iter()
                .map(|&c| net.nodes[c as usize].couriers as u64)
                .sum(),
        },
    };

    let mut nodes = Vec::new();
    for (pos, &c) in net.centres.iter().enumerate() {
        let st = &m.centres[pos];
        let s = &st.sorter;
        let n = &net.nodes[c as usize];
        let shift_hours: f64 = sc
            .operations
            .sorting
            .shifts
            .iter()
            .map(|x| x.hours)
            .sum::<f64>()
            * sc.days as f64;
        let wait_h = s.wait_ms as f64 / 3.6e6;
        let paid_wh = st.paid_line_hours * n.tech.workers_per_line;
        let busy_wh = s.busy_ms as f64 / 3.6e6 * n.tech.workers_per_line;
        nodes.push(NodeRow {
            node: n.id.clone(),
            kind: "centre",
            lat: n.lat_lon.map(|p| p.0),
            lon: n.lat_lon.map(|p| p.1),
            capacity_units: n.lines,
            parcels_handled: s.handled,
            utilisation: ratio(s.busy_ms as f64 / 3.6e6, n.lines as f64 * shift_hours),
            // Little's law: time-average queue = total waiting time / time.
            mean_queue: ratio(wait_h, measured_hours),
            max_queue: s.max_queue as u64,
            mean_wait_hours: ratio(wait_h, s.handled as f64),
            cost_yuan: st.spent_window.yuan(),
            cost_per_parcel_yuan: ratio(st.spent_window.yuan(), s.handled as f64),
            paid_worker_hours: paid_wh,
            idle_paid_worker_hours: (paid_wh - busy_wh).max(0.0),
            planned_per_line_hour: n.tech.throughput_per_line,
            achieved_per_line_hour: ratio(s.handled as f64, st.paid_line_hours),
            parcels_per_paid_worker_hour: ratio(s.handled as f64, paid_wh),
            call_ins: st.call_ins,
        });
    }
    for (k, &id) in net.outlets.iter().enumerate() {
        let st = &m.outlets[k];
        let n = &net.nodes[id as usize];
        let handled = st.picked + st.delivered;
        let cap = n.couriers as f64 * sc.operations.delivery.courier_daily_capacity as f64;
        nodes.push(NodeRow {
            node: n.id.clone(),
            kind: "outlet",
            lat: n.lat_lon.map(|p| p.0),
            lon: n.lat_lon.map(|p| p.1),
            capacity_units: n.couriers,
            parcels_handled: handled,
            utilisation: ratio(st.attempts as f64, cap * sc.days as f64),
            mean_queue: ratio(st.backlog_sum as f64, st.backlog_samples as f64),
            max_queue: st.max_backlog as u64,
            mean_wait_hours: 0.0,
            cost_yuan: st.spent_window.yuan(),
            cost_per_parcel_yuan: ratio(st.spent_window.yuan(), handled as f64),
            paid_worker_hours: 0.0,
            idle_paid_worker_hours: 0.0,
            planned_per_line_hour: 0.0,
            achieved_per_line_hour: 0.0,
            parcels_per_paid_worker_hour: 0.0,
            call_ins: 0,
        });
    }
    let lanes = net
        .lanes
        .iter()
        .zip(&m.lanes)
        .map(|(l, st)| LaneRow {
            from: net.nodes[l.from as usize].id.clone(),
            to: net.nodes[l.to as usize].id.clone(),
            kind: l.kind.name(),
            distance_km: (l.distance_km * 10.0).round() / 10.0,
            vehicle: sc.vehicles[l.vehicle].name.clone(),
            max_vehicles: l.max_vehicles,
            planned_parcels_per_day: l.planned_daily.round(),
            departures: st.departures,
            vehicles_sent: st.vehicles,
            parcels: st.parcels,
            fill_rate: ratio(st.parcels as f64, st.capacity as f64),
            cost_yuan: st.spent_window.yuan(),
            cost_per_parcel_yuan: ratio(st.spent_window.yuan(), st.parcels as f64),
        })
        .collect();
    let events = sim.sched.processed();
    let info = RunInfo {
        wall_s: t0.elapsed().as_secs_f64(),
        build_s,
        simulate_s,
        events,
        events_per_s: ratio(events as f64, simulate_s),
        parcels_per_s: ratio(m.generated as f64, simulate_s),
        peak_parcel_slots: peak_slots,
        threads: rayon::current_num_threads(),
        peak_storage_mb: peak_storage as f64 / (1 << 20) as f64,
        peak_rss_mb: peak_rss_mb(),
    };
    Ok(RunOutput {
        summary,
        books: MeasuredBooks {
            delivered: o.delivered,
            cost,
            transfers: m.transfers_measured,
            prices: m.cfg.prices,
        },
        shops: shop_rows(sc, net, m),
        nodes,
        lanes,
        traces: m.traces.clone(),
        info,
        node_ids: net.nodes.iter().map(|n| n.id.clone()).collect(),
        transit_bins: o.transit_h.bins().collect(),
    })
}

/// A network that cannot carry its load is not a cost: most measured parcels still in
/// flight when the drain ran out, or parcels piling up day after day since the window
/// began, end the run with the places where they pile up.
fn overload(m: &Carrier, net: &Network, end: SimTime, steady: &SteadyState) -> Result<()> {
    let stuck = m.measured_open as f64 > 0.5 * m.generated_measured as f64;
    let x = &steady.daily_in_network;
    let from = (m.cfg.warmup.hours() / 24.0) as usize;
    // Growing, and already holding more parcels than the promise allows: by Little's law
    // a network that delivers within the promise holds at most a day's parcels times the
    // promise in days.
    let per_day = m.generated as f64 / (end.hours() / 24.0).max(1.0);
    let allowed = per_day * m.cfg.promise.hours() / 24.0;
    let growing = x.len() >= from + 3
        && x[from..].windows(2).all(|w| w[1] > w[0])
        && x[x.len() - 1] > allowed;
    if !stuck && !growing {
        return Ok(());
    }
    let why = if stuck {
        format!(
            "{} of the {} parcels picked up in the measured window were still in the network when the drain ran out",
            m.measured_open, m.generated_measured
        )
    } else {
        let days: Vec<String> = x[from..].iter().map(|v| format!("{v:.0}")).collect();
        format!(
            "parcels in the network grew every day after the warm-up (daily means {}), past the {allowed:.0} that {per_day:.0} parcels a day delivered within the promise would keep there",
            days.join(", ")
        )
    };
    let mut places: Vec<(usize, String)> = Vec::new();
    for (pos, &c) in net.centres.iter().enumerate() {
        let n = m.centres[pos].sorter.backlog_at(end);
        places.push((
            n,
            format!(
                "centre {}: {n} parcels waiting to be sorted",
                net.nodes[c as usize].id
            ),
        ));
    }
    for (k, &o) in net.outlets.iter().enumerate() {
        let n = m.outlets[k].backlog();
        places.push((
            n,
            format!(
                "outlet {}: {n} parcels waiting for delivery",
                net.nodes[o as usize].id
            ),
        ));
    }
    for (li, l) in net.lanes.iter().enumerate() {
        let n = m.lanes[li].waiting();
        places.push((
            n,
            format!(
                "lane {}>{}: {n} parcels waiting for a vehicle",
                net.nodes[l.from as usize].id, net.nodes[l.to as usize].id
            ),
        ));
    }
    places.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let worst: Vec<String> = places
        .into_iter()
        .take(5)
        .filter(|p| p.0 > 0)
        .map(|p| p.1)
        .collect();
    Err(Error::Overload(format!(
        "the network cannot carry this load: {why}. Bottlenecks: {}",
        worst.join("; ")
    )))
}

/// A run that measured nothing is a failure, not a cost of zero.
fn check_measured(sc: &Scenario, m: &Carrier) -> Result<()> {
    if m.generated_measured == 0 {
        return Err(Error::Run(format!(
            "no parcel was picked up in the measured window ({} generated in the whole run); \
             raise demand.daily_parcels or days",
            m.generated
        )));
    }
    if m.out.delivered == 0 {
        return Err(Error::Run(format!(
            "none of the {} parcels picked up in the measured window was delivered within \
             drain_days = {} days after it; check the network's times and capacities",
            m.generated_measured, sc.drain_days
        )));
    }
    Ok(())
}

/// Parcels and money must both balance exactly.
fn check_books(m: &Carrier) -> Result<()> {
    let b = &m.books;
    let attributed_total = |a: Activity| -> Money { b.attributed.iter().map(|c| c.get(a)).sum() };
    for a in Activity::ALL {
        if b.spent.get(a).is_overflow() || attributed_total(a).is_overflow() {
            return Err(Error::Run(format!(
                "money overflow: {} amounts exceed what the exact books hold (about 9.2e12 \
                 yuan); lower the cost rates or the volume",
                a.name()
            )));
        }
    }
    if b.spent.total().is_overflow()
        || m.unabsorbed().is_overflow()
        || b.attributed.iter().any(|c| c.total().is_overflow())
    {
        return Err(Error::Run(
            "money overflow: the run's total exceeds what the exact books hold (about 9.2e12 \
             yuan); lower the cost rates or the volume"
                .into(),
        ));
    }
    let o = &m.out;
    let delivered = o.delivered + o.outside_delivered;
    let lost = o.lost + o.outside_lost;
    let in_flight = m.in_network;
    if m.generated != delivered + lost + in_flight {
        return Err(Error::Bookkeeping(format!(
            "parcels generated {} != delivered {} + lost {} + in flight {}",
            m.generated, delivered, lost, in_flight
        )));
    }
    if m.generated_measured != o.delivered + o.lost + m.measured_open {
        return Err(Error::Bookkeeping(format!(
            "measured parcels picked up {} != delivered {} + lost {} + in flight {}",
            m.generated_measured, o.delivered, o.lost, m.measured_open
        )));
    }
    // The counts against the parcels actually held in the queues, lanes and trips.
    let (mut held, mut held_measured) = (0u64, 0u64);
    for p in m.live() {
        held += 1;
        held_measured += u64::from(p.measured());
    }
    if held != in_flight || held_measured != m.measured_open {
        return Err(Error::Bookkeeping(format!(
            "{held} parcels held ({held_measured} measured) but {in_flight} counted in the \
             network ({} measured)",
            m.measured_open
        )));
    }
    if let Some(shops) = &m.shops {
        let c = &shops.totals();
        let ended = c.shipped + c.cancelled() + shops.waiting_measured();
        if c.orders_placed != ended {
            return Err(Error::Bookkeeping(format!(
                "orders placed {} != shipped + cancelled + waiting at the shop {}",
                c.orders_placed, ended
            )));
        }
        let fates = c.kept
            + c.returned
            + c.exchanged
            + c.lost
            + c.shipped_other_carriers
            + m.orders_in_flight();
        if c.shipped != fates {
            return Err(Error::Bookkeeping(format!(
                "orders shipped {} != kept + returned + exchanged + lost + other carriers + in flight {}",
                c.shipped, fates
            )));
        }
    }
    let mut attributed = CostVec::default();
    for c in &b.attributed {
        attributed.add_all(c);
    }
    let unabsorbed = m.unabsorbed();
    let lhs = b.spent.total();
    let rhs = attributed.total() + unabsorbed;
    if lhs != rhs {
        return Err(Error::Bookkeeping(format!(
            "money spent {:.6} yuan != attributed {:.6} + unabsorbed {:.6} (difference {} micro-yuan)",
            lhs.yuan(),
            attributed.total().yuan(),
            unabsorbed.yuan(),
            (lhs - rhs).0
        )));
    }
    // Transfers move money between parties: every kind adds up to zero, and the totals
    // match the parcels they are paid for.
    for (name, l) in [("", &m.transfers), ("measured ", &m.transfers_measured)] {
        if let Some((kind, sum)) = l.unbalanced().first() {
            return Err(Error::Bookkeeping(format!(
                "{name}transfers of {kind} add up to {} micro-yuan over the parties, not 0",
                sum.0
            )));
        }
    }
    let prices = &m.cfg.prices;
    let expected = [
        (
            Transfer::ShopPrice,
            prices.shop_price.0 * m.generated as i64,
        ),
        (
            Transfer::DeliveryFee,
            if prices.direct {
                0
            } else {
                prices.delivery_fee.0 * delivered as i64
            },
        ),
        (
            Transfer::DeliveryFeeCollected,
            if prices.direct {
                0
            } else {
                prices.delivery_fee.0 * m.generated as i64
            },
        ),
    ];
    for (kind, want) in expected {
        if m.transfers.paid(kind) != Money(want) {
            return Err(Error::Bookkeeping(format!(
                "{} paid {} micro-yuan, but the parcels call for {want}",
                kind.name(),
                m.transfers.paid(kind).0
            )));
        }
    }
    // Activities whose costs are never pooled must balance one by one.
    for a in [
        Activity::WaybillIt,
        Activity::Pickup,
        Activity::Feeder,
        Activity::Linehaul,
        Activity::Claims,
        Activity::Complaints,
    ] {
        if b.spent.get(a) != attributed.get(a) {
            return Err(Error::Bookkeeping(format!(
                "{}: spent {} != attributed {} micro-yuan",
                a.name(),
                b.spent.get(a).0,
                attributed.get(a).0
            )));
        }
    }
    Ok(())
}

/// Peak resident memory of this process, where the platform tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A scenario file read, checked and built into its network.
pub struct Loaded {
    pub scenario: Scenario,
    pub source: crate::scenario::Source,
    pub network: Network,
    pub sha256: String,
}

/// Reads, validates and builds a scenario: every input error is found here, before any
/// output is written. The run's workload is checked against the default limits.
pub fn load(path: &std::path::Path) -> Result<Loaded> {
    load_with(path, &crate::workload::Limits::default())
}

/// [`load`] with the workload checked against `limits`.
pub fn load_with(path: &std::path::Path, limits: &crate::workload::Limits) -> Result<Loaded> {
    use sha2::Digest;
    let (scenario, source) = crate::scenario::load(path)?;
    let network = crate::network::build(&scenario, &source)?;
    crate::workload::check(&scenario, &source, &network, limits)?;
    let sha256 = format!("{:x}", sha2::Sha256::digest(source.text.as_bytes()));
    Ok(Loaded {
        scenario,
        source,
        network,
        sha256,
    })
}
