//! One run: scenario → network → simulation → checked results. The bookkeeping of
//! parcels and of money is verified at the end of every run; a failure is an error.
//!
//! `mod.rs` runs the simulation and assembles the output; the output's types and the code
//! that fills them sit beside it: `summary.rs` (`summary.json`'s headline figures),
//! `accounts.rs` (each party's account), `shop.rs` (the shop's side and `shop.csv`),
//! `steady.rs` (the steady-state check and the warnings), `rows.rs` (`nodes.csv`,
//! `lanes.csv`), `checks.rs` (the bookkeeping, overload and nothing-measured checks).

mod accounts;
mod checks;
mod rows;
mod shop;
mod steady;
mod summary;

pub use crate::format::summary::{
    Accounts, CostSampleSummary, MoneySummary, NetworkSummary, OrgSummary, PartyAccount,
    QualitySummary, ShopSummary, SortingSummary, SteadyState, Summary, WelfareSummary,
};
pub use rows::{LaneRow, NodeRow};
pub use shop::ShopRow;

use accounts::accounts;
use checks::{check_books, check_measured, overload};
use shop::{shop_rows, shop_summary};
use summary::cost_sample;

use crate::cost::{Activity, CostVec};
use crate::engine::{SimTime, Simulation};
use crate::error::{Error, Result};
use crate::network::{LaneKind, Network};
use crate::ops::parcel::Class;
use crate::ops::{Carrier, CarrierOptions, Trace};
use crate::progress::{Event, Progress};
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
    /// Where the run reports its simulated hours (nowhere by default).
    pub progress: Progress,
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

/// Machine-dependent figures (`run_info.json`), the one output allowed to differ.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Wall time of the whole run (s).
    pub wall_s: f64,
    /// Wall time to build the carrier (s).
    pub build_s: f64,
    /// Wall time of the simulation (s).
    pub simulate_s: f64,
    /// Events the engine processed.
    pub events: u64,
    /// Events per wall-clock second of the simulation.
    pub events_per_s: f64,
    /// Parcels generated per wall-clock second of the simulation.
    pub parcels_per_s: f64,
    /// Most parcels held at once (in flight), sampled every simulated hour.
    pub peak_parcel_slots: usize,
    /// Peak resident memory of the process (MiB; absent where the system does not say).
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
    /// Resources the measured parcels used, by activity (micro-yuan).
    pub cost: CostVec,
    /// Transfers for the measured parcels, by kind and party.
    pub transfers: crate::accounts::Ledger,
    /// The prices those transfers were made at.
    pub prices: crate::accounts::Prices,
}

/// Everything one run produced, before anything is written.
pub struct RunOutput {
    /// `summary.json`.
    pub summary: Summary,
    /// The measured parcels' books in exact money.
    pub books: MeasuredBooks,
    /// The rows of `nodes.csv`.
    pub nodes: Vec<NodeRow>,
    /// The rows of `lanes.csv`.
    pub lanes: Vec<LaneRow>,
    /// The rows of `shop.csv` (empty without a shop).
    pub shops: Vec<ShopRow>,
    /// The traced parcels, step by step.
    pub traces: Vec<Trace>,
    /// `run_info.json`: timings and memory.
    pub info: RunInfo,
    /// Node ids, for naming trace rows.
    pub node_ids: Vec<String>,
    /// Histogram of transit hours, non-empty bins: (bin's lower edge in h, parcels).
    pub transit_bins: Vec<(f64, u64)>,
}

pub(super) fn yuan_map(v: &CostVec, per: f64) -> BTreeMap<String, f64> {
    Activity::ALL
        .iter()
        .map(|&a| (a.name().to_string(), v.get(a).yuan() / per))
        .collect()
}

pub(super) fn ratio(a: f64, b: f64) -> f64 {
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

    let progress = &opts.progress;
    progress.report(Event::RunStarted {
        hours: horizon.0 / SimTime::MS_PER_HOUR,
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
        progress.report(Event::RunAt {
            hour: t.0 / SimTime::MS_PER_HOUR,
            generated: sim.model.generated,
            in_network: sim.model.in_network,
        });
    }
    sim.model.close_books(t);
    sim.model.sample_in_flight();
    progress.report(Event::RunFinished);
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
        for li in 0..net.lanes.len() {
            let st = m.lane(li);
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
                .map(|(k, v)| (k.to_string(), v))
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
                staffing: sc.operations.sorting.staffing.name().to_string(),
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
        emissions: crate::emissions::EmissionsSummary::new(
            &m.co2,
            m.unabsorbed_co2(),
            &m.cfg.prices,
            m.cfg.emissions.price,
            cost.get(Activity::CarbonOutlets) + cost.get(Activity::CarbonHeadOffice),
            delivered,
        ),
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
        .enumerate()
        .map(|(li, l)| (l, m.lane(li)))
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

/// Peak resident memory of this process, where the platform tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A scenario file read, checked and built into its network.
pub struct Loaded {
    /// The scenario, checked.
    pub scenario: Scenario,
    /// Where it came from, for locating errors.
    pub source: crate::scenario::Source,
    /// The network built from it.
    pub network: Network,
    /// SHA-256 of the file's bytes.
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
