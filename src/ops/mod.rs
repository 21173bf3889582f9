//! The carrier's operations as a discrete-event model on the engine: pickup waves at
//! outlets, feeder and line-haul vehicles on timetables, sorting in shifts, delivery
//! waves by couriers. Every parcel carries its cost by activity; resources that cost
//! money per period (shifts, centre-days, outlet-days) are split over the parcels that
//! used them when the period closes (see `cost`).

pub mod quality;
pub mod shop;
pub mod sorter;

use crate::accounts::{Ledger, Prices};
use crate::cost::{self, Activity, CostVec, Money, PREFETCH_AHEAD, PoolChain, prefetch};
use crate::demand::{DemandModel, Order};
use crate::engine::{Model, Scheduler, SimTime};
use crate::metrics::Histogram;
use crate::network::{LaneKind, NONE, Network};
use crate::random::{Rng, Stream, mix64, rng};
use crate::scenario::{NodeKind, Scenario, parse_time_of_day};
use crate::staffing;
use quality::Incidents;
use rand::RngExt;
use rand_distr::{Distribution, LogNormal};
use sorter::{Calendar, ServiceTime, Sorter};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// Where a parcel is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    InNetwork,
    /// Signed for, waiting for its last cost periods to close.
    Delivered,
    /// Lost in transport (and compensated), waiting for its last cost periods to close.
    Lost,
}

/// One parcel in flight.
#[derive(Debug, Clone)]
pub struct Parcel {
    pub serial: u64,
    pub origin: u32,
    pub dest: u32,
    pub placed: SimTime,
    pub picked: SimTime,
    pub signed: SimTime,
    pub weight_kg: f32,
    pub attempts: u16,
    /// Cost periods this parcel joined that have not closed yet.
    pub open: u16,
    pub stage: Stage,
    pub traced: bool,
    pub damaged: bool,
    /// Damage probability multiplier of its packaging (1 without a shop model).
    pub protection: f32,
    /// Order, return or exchange; packaging type (index), for the shop.
    pub kind: shop::Kind,
    pub packaging: u8,
    /// An exchange is due when this return arrives.
    pub exchange_due: bool,
    /// Sorts so far, and whether it travelled on a direct lane (one opened to skip a hub).
    pub sorts: u8,
    pub on_direct: bool,
    pub cost: CostVec,
}

/// The events of the model.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// Pickup wave `w` at every outlet (w indexes the cut-offs).
    Pickup(u8),
    /// A scheduled departure on a lane.
    Depart(u32),
    /// Check whether a full load is waiting on a lane (dispatch-when-full).
    FullCheck(u32),
    /// Vehicles of trip `t` reach their destination.
    Arrive(u32),
    /// Delivery wave `w` at every outlet.
    Delivery(u8),
    /// Sorting shift instance (calendar interval) `i` ends at every centre.
    ShiftEnd(u32),
    /// Day `d` ends: close the day's fixed-cost periods.
    DayEnd(u32),
    /// A surge crew request of centre `pos` comes back approved.
    Surge(u32),
    /// Temporary workers called by centre `pos` arrive (flexible staffing).
    CallIn(u32),
}

/// Per-lane state and statistics.
#[derive(Debug, Default)]
pub struct LaneState {
    /// Parcels still being sorted, in order of when they will be ready: those that came
    /// in order (the common case) queue in `later`, the rest in `later_heap`.
    later: VecDeque<(u64, u32)>,
    later_heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    /// Parcels ready to load, first come first served.
    ready: VecDeque<u32>,
    pub departures: u64,
    pub vehicles: u64,
    pub parcels: u64,
    pub capacity: u64,
    /// Trips paid during the measured window.
    pub spent_window: Money,
}

impl OutletState {
    /// Parcels waiting for a delivery attempt.
    pub fn backlog(&self) -> usize {
        self.queue.len()
    }
}

impl LaneState {
    /// Parcel `slot` will be ready to load at `t`.
    #[inline]
    fn push_later(&mut self, t: u64, serial: u64, slot: u32) {
        if self.later.back().is_none_or(|b| b.0 <= t) {
            self.later.push_back((t, slot));
        } else {
            self.later_heap.push(Reverse((t, serial, slot)));
        }
    }

    /// Parcels waiting for this lane (being sorted for it, or ready to load).
    pub fn waiting(&self) -> usize {
        self.ready.len() + self.later.len() + self.later_heap.len()
    }

    /// Latest time at which a waiting parcel becomes ready.
    fn last_ready(&self) -> Option<u64> {
        let a = self.later.back().map(|x| x.0);
        let b = self.later_heap.iter().map(|r| r.0.0).max();
        a.max(b)
    }

    /// Moves everything ready by `now` into the loading queue, in ready-time order.
    fn promote(&mut self, now: SimTime) {
        loop {
            let a = self.later.front().map(|x| x.0).filter(|&t| t <= now.0);
            let b = self
                .later_heap
                .peek()
                .map(|r| r.0.0)
                .filter(|&t| t <= now.0);
            match (a, b) {
                (Some(ta), Some(tb)) if tb < ta => {
                    let Reverse((_, _, slot)) = self.later_heap.pop().expect("peeked");
                    self.ready.push_back(slot);
                }
                (Some(_), _) => {
                    let (_, slot) = self.later.pop_front().expect("peeked");
                    self.ready.push_back(slot);
                }
                (None, Some(_)) => {
                    let Reverse((_, _, slot)) = self.later_heap.pop().expect("peeked");
                    self.ready.push_back(slot);
                }
                (None, None) => break,
            }
        }
    }
}

/// Per-outlet state and statistics.
#[derive(Debug, Default)]
pub struct OutletState {
    queue: VecDeque<u32>,
    /// Returns and exchanges waiting to be handed to this outlet: (ready at, parcel to
    /// make: destination outlet, packaging, kind, exchange due).
    reverse: Vec<(SimTime, u32, u8, shop::Kind, bool)>,
    attempts_today: u32,
    /// Outlet-days: the outlet's own costs, courier salaries (direct model), and the
    /// outlet's share of the day's management overhead.
    day_cost: PoolChain<3>,
    /// This outlet's failed-delivery rate (franchise outlets differ).
    failure_rate: f64,
    pub picked: u64,
    pub delivered: u64,
    pub attempts: u64,
    pub failed: u64,
    pub backlog_sum: u64,
    pub backlog_samples: u64,
    pub max_backlog: usize,
    /// Resources the outlet paid for during the measured window.
    pub spent_window: Money,
}

/// Per-centre state: the sorter and its cost periods.
#[derive(Debug)]
pub struct CentreState {
    pub sorter: Sorter,
    /// A surge request is on its way through the layers.
    surge_pending: bool,
    /// The current surge crew leaves at this time.
    surge_until: SimTime,
    pub surges: u32,
    labour: PoolChain,
    /// Centre-days: sorter depreciation and floor rent.
    days: PoolChain<2>,
    /// Labour, equipment and floor space paid during the measured window.
    pub spent_window: Money,
    /// Physical lines, the lines staffed in each hour of the day, and the core of them
    /// staffed in every open hour (the sorter's permanent lines).
    pub lines: u32,
    pub staffed: [u32; 24],
    core: u32,
    /// Flexible staffing: temporary workers are on their way, or here until then.
    temp_pending: bool,
    temp_until: SimTime,
    /// Call-ins during the window, and line-hours paid during it (roster, temporary and
    /// surge crews).
    pub call_ins: u32,
    pub paid_line_hours: f64,
}

/// Rates and times fixed for the run.
#[derive(Debug, Clone)]
pub struct Config {
    pub warmup: SimTime,
    /// End of the measured window: parcels picked up in [warmup, window_end) are measured.
    pub window_end: SimTime,
    /// The latest the run may go on while measured parcels are still travelling.
    pub horizon: SimTime,
    pub days: u32,
    pub delivery_waves: Vec<SimTime>,
    pub promise: SimTime,
    pub waybill_it: Money,
    /// Franchise: a courier's pay per parcel picked up.
    pub pickup_pay: Money,
    pub pickup_per_stop: f64,
    pub pickup_stop_hours: f64,
    pub scan_hours: f64,
    pub prices: Prices,
    pub outlet_day: Money,
    pub courier_pay: Money,
    /// Failed attempts left at a pick-up station: share, collection delay, fee.
    pub station_share: f64,
    pub station_collect: SimTime,
    pub station_fee: Money,
    /// Direct model: a courier's pay per day, busy or idle.
    pub courier_wage_day: Money,
    pub courier_per_km: f64,
    pub courier_cap: u32,
    pub courier_speed: f64,
    pub stop_hours: f64,
    pub failure_rate: f64,
    pub wage: f64,
    pub life_years: f64,
    pub rent: f64,
    pub mis_sort_delay: SimTime,
    pub dispatch_when_full: bool,
    pub surge_trigger_hours: f64,
    pub surge_delay: SimTime,
    pub surge_lines: u32,
    pub surge_length: SimTime,
    pub staffing: crate::scenario::Staffing,
    pub temp_trigger_hours: f64,
    pub temp_call_in: SimTime,
    pub temp_block: SimTime,
    pub temp_premium: f64,
}

impl Config {
    /// Whether `t` falls in the measured window.
    #[inline]
    pub fn in_window(&self, t: SimTime) -> bool {
        t >= self.warmup && t < self.window_end
    }
}

/// A traced parcel: every step with its time.
#[derive(Debug, Clone)]
pub struct Trace {
    pub serial: u64,
    pub origin: u32,
    pub dest: u32,
    pub weight_kg: f32,
    pub steps: Vec<(SimTime, &'static str, String)>,
    pub cost: Option<CostVec>,
}

/// Totals of finished parcels.
#[derive(Debug, Clone)]
pub struct Outcomes {
    /// Parcels picked up at or after the warm-up and delivered.
    pub delivered: u64,
    pub cost: CostVec,
    pub transit_h: Histogram,
    pub on_time: u64,
    pub attempts: u64,
    /// Measured parcels lost in transport (their cost counts toward the delivered ones').
    pub lost: u64,
    /// Delivered or lost parcels picked up outside the window (warm-up or drain).
    pub outside_delivered: u64,
    pub outside_lost: u64,
    pub outside_cost: CostVec,
    /// Order placed → handed to the carrier at a pickup wave (h), summed over measured
    /// delivered parcels: the shop's part of the end-to-end time.
    pub handover_h_sum: f64,
    /// Sorts of the measured delivered parcels, and how many travelled on a direct lane.
    pub sorts: u64,
    pub on_direct: u64,
    /// Courier tour hours and per-delivery pay in the window (staff welfare).
    pub courier_hours: f64,
    pub courier_pay: Money,
}

/// The whole model state.
pub struct Carrier<'a> {
    pub net: &'a Network,
    pub cfg: Config,
    demand: DemandModel,
    calendar: Calendar,
    /// Labour cost of each calendar interval at a one-line centre.
    pub parcels: Vec<Parcel>,
    free: Vec<u32>,
    trips: Vec<(u32, Vec<u32>)>,
    free_trips: Vec<u32>,
    pub lanes: Vec<LaneState>,
    pub outlets: Vec<OutletState>,
    /// Indexed like `net.centres`.
    pub centres: Vec<CentreState>,
    outlet_pos: Vec<u32>,
    demand_rng: Rng,
    /// Extra demand superposed on the scenario's (share of it, its own stream), for
    /// marginal cost; `None` in an ordinary run.
    extra_demand: Option<(f64, Rng)>,
    service_rng: Rng,
    fail_rng: Rng,
    /// Trace: a parcel is traced when its serial hashes below this threshold.
    trace_threshold: u64,
    trace_limit: usize,
    trace_seed: u64,
    pub traces: BTreeMap<u64, Trace>,
    next_serial: u64,
    pub generated: u64,
    pub generated_measured: u64,
    pub in_network: u64,
    /// Everything spent, by activity, and the part spent before the warm-up ended.
    pub spent: CostVec,
    pub spent_warmup: CostVec,
    /// Part spent after the measured window.
    pub spent_after: CostVec,
    /// Measured parcels not finished yet.
    pub measured_open: u64,
    /// Parcels sorted (all centres) per day of the run, by the day sorting started.
    pub sorted_by_day: Vec<u64>,
    /// Transfers between the parties: all of them, and those of measured parcels.
    pub transfers: Ledger,
    pub transfers_measured: Ledger,
    pub out: Outcomes,
    orders: Vec<Order>,
    /// (fixed cost, cost per km, capacity) of each vehicle type.
    vehicles: Vec<(f64, f64, u32)>,
    pub incidents: Incidents,
    /// The shops before handover, when the scenario models them.
    pub shops: Option<shop::Shops>,
    handover: Vec<shop::ShopOrder>,
    /// Management overhead of a day nobody handled a parcel in, carried to the next.
    management_carry: Money,
    pub managers: f64,
    pub front_line_staff: f64,
    management_day: Money,
}

impl<'a> Carrier<'a> {
    /// `trace`: how many parcels to trace.
    pub fn new(sc: &Scenario, net: &'a Network, seed: u64, trace: usize) -> Carrier<'a> {
        let o = &sc.operations;
        let c = &sc.costs;
        let horizon_days = sc.warmup_days + sc.days + sc.drain_days;
        let direct = sc.operating_model.kind == crate::scenario::ModelKind::Direct;
        let cfg = Config {
            warmup: SimTime::from_days(sc.warmup_days as u64),
            window_end: SimTime::from_days((sc.warmup_days + sc.days) as u64),
            horizon: SimTime::from_days(horizon_days as u64),
            days: horizon_days,
            delivery_waves: times(&o.delivery.waves),
            promise: SimTime::from_hours(o.delivery.promise_hours),
            waybill_it: Money::from_yuan(c.waybill_it),
            pickup_pay: match direct {
                true => Money::ZERO,
                false => Money::from_yuan(c.courier_pay_per_pickup),
            },
            pickup_per_stop: o.pickup.parcels_per_stop,
            pickup_stop_hours: o.pickup.stop_minutes / 60.0,
            scan_hours: o.pickup.seconds_per_parcel / 3600.0,
            prices: Prices::new(&sc.operating_model),
            outlet_day: Money::from_yuan(c.outlet_per_day),
            courier_pay: match direct {
                true => Money::ZERO,
                false => Money::from_yuan(c.courier_pay_per_delivery),
            },
            station_share: o.delivery.station_share,
            station_collect: SimTime::from_hours(o.delivery.station_collect_hours),
            station_fee: Money::from_yuan(o.delivery.station_fee),
            courier_wage_day: match direct {
                true => Money::from_yuan(sc.operating_model.courier_daily_wage),
                false => Money::ZERO,
            },
            courier_per_km: c.courier_cost_per_km,
            courier_cap: o.delivery.courier_daily_capacity,
            courier_speed: o.delivery.speed_kmh,
            stop_hours: o.delivery.stop_minutes / 60.0,
            failure_rate: o.delivery.failure_rate,
            wage: c.sorter_wage_per_hour,
            life_years: c.sorter_life_years,
            rent: c.rent_per_m2_month,
            mis_sort_delay: SimTime::from_hours(o.sorting.mis_sort_delay_hours),
            dispatch_when_full: o.linehaul.dispatch_when_full,
            surge_trigger_hours: sc.org.surge_backlog_hours,
            surge_delay: SimTime::from_hours(sc.org.layers as f64 * sc.org.decision_delay_hours),
            surge_lines: sc.org.surge_lines,
            surge_length: SimTime::from_hours(sc.org.surge_hours),
            staffing: o.sorting.staffing,
            temp_trigger_hours: o.sorting.temp_trigger_hours,
            temp_call_in: SimTime::from_hours(o.sorting.temp_call_in_hours),
            temp_block: SimTime::from_hours(o.sorting.temp_block_hours),
            temp_premium: o.sorting.temp_premium,
        };
        let shifts: Vec<(SimTime, SimTime)> = o
            .sorting
            .shifts
            .iter()
            .map(|s| {
                (
                    parse_time_of_day(&s.start).expect("validated"),
                    SimTime::from_hours(s.hours),
                )
            })
            .collect();
        let calendar = Calendar::daily(&shifts, horizon_days as u64);
        let outlets_info: Vec<(u32, usize, f64)> = net
            .outlets
            .iter()
            .map(|&id| {
                let n = &net.nodes[id as usize];
                (id, n.zone, n.weight)
            })
            .collect();
        let demand = DemandModel::new(
            &sc.demand,
            &net.zones,
            &outlets_info,
            &times(&o.pickup.waves),
        );
        let days = horizon_days as usize;
        let open = staffing::open_hours(&o.sorting.shifts);
        let slack = sc
            .network
            .generate
            .as_ref()
            .map_or(0.3, |g| g.planning_slack);
        let centres = net
            .centres
            .iter()
            .map(|&cid| {
                let n = &net.nodes[cid as usize];
                let arrivals = staffing::arrival_profile(&net.lanes, cid);
                let planned =
                    staffing::roster(&arrivals, &open, n.tech.throughput_per_line, slack, n.lines);
                let staffed = staffing::staffed(
                    o.sorting.staffing,
                    o.sorting.core_share,
                    n.lines,
                    &open,
                    &planned,
                );
                let core = (0..24)
                    .filter(|&h| open[h] > 0.0)
                    .map(|h| staffed[h])
                    .min()
                    .unwrap_or(1)
                    .max(1);
                (cid, staffed, core)
            })
            .map(|(cid, staffed, core)| CentreState {
                lines: net.nodes[cid as usize].lines,
                staffed,
                core,
                temp_pending: false,
                temp_until: SimTime::ZERO,
                call_ins: 0,
                paid_line_hours: 0.0,
                sorter: Sorter::new(
                    core,
                    ServiceTime::new(
                        o.sorting.service,
                        3_600_000.0 / net.nodes[cid as usize].tech.throughput_per_line,
                    ),
                    (cfg.warmup, cfg.window_end),
                ),
                surge_pending: false,
                surge_until: SimTime::ZERO,
                surges: 0,
                labour: PoolChain::new(calendar.intervals.len()),
                days: PoolChain::new(days),
                spent_window: Money::ZERO,
            })
            .collect();
        let mut outlet_pos = vec![NONE; net.nodes.len()];
        for (k, &id) in net.outlets.iter().enumerate() {
            outlet_pos[id as usize] = k as u32;
        }
        let expected = sc.demand.daily_parcels * sc.days as f64;
        let window = (cfg.warmup, cfg.window_end);
        // Shops are staffed where orders originate.
        let active: Vec<bool> = demand.outlet_daily.iter().map(|&d| d > 0.0).collect();
        // Head-count: every sorter on every shift and every courier; managers above them.
        let front_line_staff = net
            .centres
            .iter()
            .map(|&c| {
                let n = &net.nodes[c as usize];
                n.lines as f64 * n.tech.workers_per_line
            })
            .sum::<f64>()
            * o.sorting.shifts.len() as f64
            + if direct {
                // Direct: every courier is an employee.
                net.outlets
                    .iter()
                    .map(|&k| net.nodes[k as usize].couriers as f64)
                    .sum::<f64>()
            } else {
                // Franchise: head office deals with one owner per outlet.
                net.outlets.len() as f64
            };
        let managers = cost::managers(front_line_staff, sc.org.layers, sc.org.span_of_control);
        let p = if trace == 0 {
            0.0
        } else {
            (4.0 * trace as f64 / expected.max(1.0)).min(1.0)
        };
        let mut carrier = Carrier {
            net,
            cfg,
            demand,
            calendar,
            parcels: Vec::new(),
            free: Vec::new(),
            trips: Vec::new(),
            free_trips: Vec::new(),
            lanes: net.lanes.iter().map(|_| LaneState::default()).collect(),
            outlets: {
                // Franchise outlets differ in how often deliveries fail; direct ones do not.
                let spread = sc.operating_model.outlet_quality_spread;
                let mut r = rng(seed, Stream::Incidents, 1);
                let dist = (!direct && spread > 0.0)
                    .then(|| LogNormal::from_mean_cv(1.0, spread).expect("validated spread"));
                net.outlets
                    .iter()
                    .map(|_| OutletState {
                        day_cost: PoolChain::new(days),
                        failure_rate: (o.delivery.failure_rate
                            * dist.map_or(1.0, |d| d.sample(&mut r)))
                        .min(0.95),
                        ..Default::default()
                    })
                    .collect()
            },
            centres,
            outlet_pos,
            demand_rng: rng(seed, Stream::Demand, 0),
            extra_demand: None,
            service_rng: rng(seed, Stream::Service, 0),
            fail_rng: rng(seed, Stream::Failures, 0),
            trace_threshold: (p * u64::MAX as f64) as u64,
            trace_limit: trace,
            trace_seed: crate::random::stream_seed(seed, Stream::Trace, 0),
            traces: BTreeMap::new(),
            next_serial: 0,
            generated: 0,
            generated_measured: 0,
            in_network: 0,
            spent: CostVec::default(),
            spent_warmup: CostVec::default(),
            spent_after: CostVec::default(),
            measured_open: 0,
            sorted_by_day: vec![0; days + 1],
            transfers: Ledger::default(),
            transfers_measured: Ledger::default(),
            out: Outcomes {
                delivered: 0,
                cost: CostVec::default(),
                transit_h: Histogram::new(0.1, 24 * 10 * 60),
                on_time: 0,
                attempts: 0,
                lost: 0,
                handover_h_sum: 0.0,
                outside_delivered: 0,
                outside_lost: 0,
                outside_cost: CostVec::default(),
                courier_hours: 0.0,
                courier_pay: Money::ZERO,
                sorts: 0,
                on_direct: 0,
            },
            orders: Vec::new(),
            vehicles: sc
                .vehicles
                .iter()
                .map(|v| (v.fixed_cost, v.cost_per_km, v.capacity))
                .collect(),
            incidents: Incidents::new(&sc.quality, rng(seed, Stream::Incidents, 0)),
            shops: sc.shop.as_ref().map(|sh| {
                shop::Shops::new(
                    sh,
                    sc.operating_model.shop_price,
                    &active,
                    horizon_days as u64,
                    rng(seed, Stream::Shop, 0),
                    window,
                )
            }),
            handover: Vec::new(),
            management_carry: Money::ZERO,
            managers,
            front_line_staff,
            management_day: Money::from_yuan(managers * sc.org.manager_cost_per_day),
        };
        carrier.roster_day(0);
        carrier
    }

    /// Puts the roster's lines above each centre's core on duty for day `day`.
    fn roster_day(&mut self, day: u64) {
        if day >= self.cfg.days as u64 {
            return;
        }
        for c in &mut self.centres {
            for (from, until) in staffing::extra_lines(&c.staffed, c.core, day) {
                c.sorter.add_temporary(1, from, until);
            }
        }
    }

    /// Lines staffed at `t` by the roster (temporary and surge crews not counted).
    fn staffed_at(&self, pos: usize, t: SimTime) -> u32 {
        let h = ((t.0 / SimTime::MS_PER_HOUR) % 24) as usize;
        self.centres[pos].staffed[h].max(1)
    }

    /// Grows the demand by `share` (e.g. 0.01): an independent stream of extra orders,
    /// drawn from the run's own `ExtraDemand` stream, on top of the same base orders.
    pub fn add_demand(&mut self, share: f64, seed: u64) {
        self.extra_demand = (share > 0.0).then(|| (share, rng(seed, Stream::ExtraDemand, 0)));
    }

    /// Schedules the recurring events of the whole run.
    pub fn schedule_all(&self, s: &mut Scheduler<Event>) {
        let h = self.cfg.horizon;
        for d in 0..self.cfg.days as u64 {
            let day = SimTime::from_days(d);
            for (w, &t) in self.demand.cutoffs().iter().enumerate() {
                s.schedule_at(day + t, Event::Pickup(w as u8));
            }
            for (w, &t) in self.cfg.delivery_waves.iter().enumerate() {
                s.schedule_at(day + t, Event::Delivery(w as u8));
            }
        }
        for (i, &(_, end)) in self.calendar.intervals.iter().enumerate() {
            if end <= h {
                s.schedule_at(end, Event::ShiftEnd(i as u32));
            }
        }
        for d in 0..self.cfg.days {
            s.schedule_at(SimTime::from_days(d as u64 + 1), Event::DayEnd(d));
        }
        for (li, lane) in self.net.lanes.iter().enumerate() {
            for &t in &lane.departures {
                s.schedule_at(t, Event::Depart(li as u32));
            }
        }
    }

    // -------------------------------------------------------------- bookkeeping helpers

    /// Books the transfers `f` makes for parcel `slot` (also as a measured parcel's).
    #[inline]
    fn transfer(&mut self, slot: u32, f: impl Fn(&Prices, &mut Ledger)) {
        f(&self.cfg.prices, &mut self.transfers);
        if self.cfg.in_window(self.parcels[slot as usize].picked) {
            f(&self.cfg.prices, &mut self.transfers_measured);
        }
    }

    /// Charges `m` of activity `a` now, onto parcel `slot`; true when in the measured window.
    #[inline]
    fn charge(&mut self, now: SimTime, slot: u32, a: Activity, m: Money) -> bool {
        self.parcels[slot as usize].cost.add(a, m);
        self.book(now, a, m)
    }

    /// Records money spent by a resource (the parcel side is done by the caller).
    #[inline]
    /// Books `m` of activity `a` at `now`; true when that is in the measured window (the
    /// caller then adds it to the place that paid it).
    fn book(&mut self, now: SimTime, a: Activity, m: Money) -> bool {
        self.spent.add(a, m);
        if now < self.cfg.warmup {
            self.spent_warmup.add(a, m);
        } else if now >= self.cfg.window_end {
            self.spent_after.add(a, m);
        } else {
            return true;
        }
        false
    }

    #[inline]
    fn step(&mut self, slot: u32, now: SimTime, what: &'static str, at: impl FnOnce() -> String) {
        if self.traces.is_empty() {
            return;
        }
        let p = &self.parcels[slot as usize];
        if p.traced
            && let Some(t) = self.traces.get_mut(&p.serial)
        {
            t.steps.push((now, what, at()));
        }
    }

    fn new_parcel(&mut self, origin: u32, order: &Order, now: SimTime) -> u32 {
        let serial = self.next_serial;
        self.next_serial += 1;
        let traced = self.cfg.in_window(now)
            && self.traces.len() < self.trace_limit
            && mix64(self.trace_seed ^ serial) < self.trace_threshold;
        let p = Parcel {
            serial,
            origin,
            dest: order.dest_outlet,
            placed: order.placed,
            picked: now,
            signed: SimTime::MAX,
            weight_kg: order.weight_kg,
            attempts: 0,
            open: 0,
            stage: Stage::InNetwork,
            traced,
            damaged: false,
            protection: 1.0,
            kind: shop::Kind::Order,
            packaging: 0,
            exchange_due: false,
            sorts: 0,
            on_direct: false,
            cost: CostVec::default(),
        };
        if traced {
            self.traces.insert(
                serial,
                Trace {
                    serial,
                    origin,
                    dest: order.dest_outlet,
                    weight_kg: order.weight_kg,
                    steps: vec![(order.placed, "order_placed", String::new())],
                    cost: None,
                },
            );
        }
        self.generated += 1;
        if self.cfg.in_window(now) {
            self.generated_measured += 1;
            self.measured_open += 1;
        }
        self.in_network += 1;
        match self.free.pop() {
            Some(s) => {
                self.parcels[s as usize] = p;
                s
            }
            None => {
                self.parcels.push(p);
                (self.parcels.len() - 1) as u32
            }
        }
    }

    /// Parcel `slot` receives its share `m` of a closed period of activity `a`; returns
    /// true when that was its last open period and it is already signed for.
    #[inline]
    fn settle(p: &mut Parcel, a: Activity, m: Money) -> bool {
        p.cost.add(a, m);
        p.open -= 1;
        p.open == 0 && p.stage != Stage::InNetwork
    }

    /// Records a signed or lost parcel whose costs are all in, and frees its slot.
    fn finish(&mut self, slot: u32) {
        let p = &self.parcels[slot as usize];
        let lost = p.stage == Stage::Lost;
        if self.cfg.in_window(p.picked) {
            self.measured_open -= 1;
            let o = &mut self.out;
            o.cost.add_all(&p.cost);
            if lost {
                o.lost += 1;
            } else {
                o.delivered += 1;
                let transit = p.signed - p.picked;
                o.transit_h.record(transit.hours());
                o.handover_h_sum += (p.picked - p.placed).hours();
                if transit <= self.cfg.promise {
                    o.on_time += 1;
                }
                o.attempts += p.attempts as u64;
                o.sorts += p.sorts as u64;
                o.on_direct += u64::from(p.on_direct);
            }
        } else {
            if lost {
                self.out.outside_lost += 1;
            } else {
                self.out.outside_delivered += 1;
            }
            self.out.outside_cost.add_all(&p.cost);
        }
        if p.traced
            && let Some(t) = self.traces.get_mut(&p.serial)
        {
            t.cost = Some(p.cost);
        }
        self.in_network -= 1;
        self.free.push(slot);
    }

    /// Charges what the end of a journey costs (claim, complaint) to parcel `slot`.
    fn end_journey(&mut self, slot: u32, now: SimTime, late: bool) {
        let p = &self.parcels[slot as usize];
        let measured = self.cfg.in_window(p.picked);
        let outcome = self
            .incidents
            .end(late, p.damaged, p.stage == Stage::Lost, measured);
        if outcome.claim > Money::ZERO {
            self.charge(now, slot, Activity::Claims, outcome.claim);
        }
        if outcome.complaint > Money::ZERO {
            self.charge(now, slot, Activity::Complaints, outcome.complaint);
        }
        let lost = self.parcels[slot as usize].stage == Stage::Lost;
        let complaint = outcome.complained;
        if complaint || lost {
            self.transfer(slot, |p, l| p.fined(l, complaint, lost));
        }
    }

    /// What follows a signature when the shop is modelled: an order may be rated and sent
    /// back (a real parcel to the shop's outlet), and a return that asked for an exchange
    /// brings a new parcel out to the customer.
    fn after_delivery(&mut self, slot: u32, k: usize, when: SimTime, late: bool) {
        let Some(shops) = &mut self.shops else {
            return;
        };
        let p = &self.parcels[slot as usize];
        match p.kind {
            shop::Kind::Order => {
                // Orders are counted by when they were placed, like the shop's other counts.
                let measured = self.cfg.in_window(p.placed);
                let shop = self.outlet_pos[p.origin as usize] as usize;
                let after = shops.signed(shop, p.packaging, late, p.damaged, measured);
                if after.returns {
                    let ready = when + shops.return_delay();
                    let back = (
                        ready,
                        p.origin,
                        p.packaging,
                        shop::Kind::Return,
                        after.exchange,
                    );
                    self.outlets[k].reverse.push(back);
                }
            }
            shop::Kind::Return if p.exchange_due => {
                // The shop sends the replacement out from its own outlet.
                let shop_outlet = self.outlet_pos[p.dest as usize] as usize;
                let out = (when, p.origin, p.packaging, shop::Kind::Exchange, false);
                self.outlets[shop_outlet].reverse.push(out);
            }
            _ => {}
        }
    }

    /// Asks for a surge crew at centre `pos` when its backlog is too long; the approval
    /// takes a decision delay per management layer.
    fn check_backlog(&mut self, pos: usize, now: SimTime, s: &mut Scheduler<Event>) {
        let staffed = self.staffed_at(pos, now);
        let flexible = self.cfg.staffing == crate::scenario::Staffing::Flexible;
        let c = &mut self.centres[pos];
        let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
        let per_hour = staffed as f64 * tech.throughput_per_line;
        let backlog_h = c.sorter.queue_at(now) as f64 / per_hour;
        if flexible
            && !c.temp_pending
            && now >= c.temp_until
            && backlog_h > self.cfg.temp_trigger_hours
        {
            c.temp_pending = true;
            s.schedule_in(self.cfg.temp_call_in, Event::CallIn(pos as u32));
        }
        if c.surge_pending || now < c.surge_until {
            return;
        }
        if backlog_h > self.cfg.surge_trigger_hours {
            c.surge_pending = true;
            s.schedule_in(self.cfg.surge_delay, Event::Surge(pos as u32));
        }
    }

    /// Temporary workers arrive at centre `pos`: enough crews to clear its queue within
    /// their block, on lines the roster leaves idle, paid the block at the wage plus the
    /// agency's premium.
    fn call_in(&mut self, pos: usize, now: SimTime) {
        let staffed = self.staffed_at(pos, now);
        let c = &mut self.centres[pos];
        c.temp_pending = false;
        let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
        let block = self.cfg.temp_block;
        let queue = c.sorter.queue_at(now) as f64;
        let want = (queue / (tech.throughput_per_line * block.hours())).ceil() as u32;
        let k = want.min(c.lines.saturating_sub(staffed));
        if k == 0 {
            return;
        }
        let until = now + block;
        c.temp_until = until;
        c.sorter.add_temporary(k, now, until);
        if self.cfg.in_window(now) {
            c.call_ins += 1;
            c.paid_line_hours += k as f64 * block.hours();
        }
        let cost = cost::shift_labour(
            k,
            tech.workers_per_line,
            block.hours(),
            self.cfg.wage * (1.0 + self.cfg.temp_premium),
        );
        let interval = self
            .calendar
            .next_working(now)
            .map_or(usize::MAX, |(_, i)| i);
        c.labour.add(interval, [cost]);
    }

    /// A surge crew arrives at centre `pos`: extra lines for a while, paid in full.
    fn surge(&mut self, pos: usize, now: SimTime) {
        let until = now + self.cfg.surge_length;
        let c = &mut self.centres[pos];
        c.surge_pending = false;
        c.surge_until = until;
        if self.cfg.in_window(now) {
            c.surges += 1;
        }
        c.sorter.add_temporary(self.cfg.surge_lines, now, until);
        if self.cfg.in_window(now) {
            c.paid_line_hours += self.cfg.surge_lines as f64 * self.cfg.surge_length.hours();
        }
        let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
        let cost = cost::shift_labour(
            self.cfg.surge_lines,
            tech.workers_per_line,
            self.cfg.surge_length.hours(),
            self.cfg.wage,
        );
        // Booked with the shift in which the crew starts (or the next one).
        let interval = self
            .calendar
            .next_working(now)
            .map_or(usize::MAX, |(_, i)| i);
        c.labour.add(interval, [cost]);
    }

    // -------------------------------------------------------------- event handlers

    fn pickup(&mut self, w: usize, now: SimTime) {
        let net = self.net;
        let day = now.day() as usize;
        let mut orders = std::mem::take(&mut self.orders);
        let mut handover = std::mem::take(&mut self.handover);
        let mut picked = Vec::new();
        for k in 0..net.outlets.len() {
            let outlet = net.outlets[k];
            self.demand
                .draw(k, w, now, &mut self.demand_rng, &mut orders);
            if let Some((share, r)) = &mut self.extra_demand {
                self.demand.draw_extra(k, w, now, *share, r, &mut orders);
            }
            // With a shop, orders are handed over once packed; without, at once.
            match &mut self.shops {
                Some(shops) => {
                    let zone = net.nodes[outlet as usize].zone;
                    let km = |dest: u32| net.zones.distance_km[zone][net.nodes[dest as usize].zone];
                    shops.wave(k, now, &orders, km, &mut handover)
                }
                None => {
                    handover.clear();
                    handover.extend(orders.iter().map(|&order| shop::ShopOrder {
                        order,
                        release: order.placed,
                        packaging: 0,
                        carrier: 0,
                        price: 0.0,
                    }));
                }
            }
            // Returns and exchanges handed over at this outlet since the last wave.
            let due = {
                let r = &mut self.outlets[k].reverse;
                r.sort_by_key(|x| x.0);
                let n = r.partition_point(|x| x.0 <= now);
                r.drain(..n).collect::<Vec<_>>()
            };
            let reverse = due.iter().map(|&(t, dest, packaging, kind, exchange)| {
                let order = Order {
                    placed: t,
                    dest_outlet: dest,
                    weight_kg: 0.5,
                };
                (order, packaging, kind, exchange)
            });
            let forward = handover
                .iter()
                .map(|so| (so.order, so.packaging, shop::Kind::Order, false));
            let lane = net.nodes[outlet as usize].lane_out;
            for (order, packaging, kind, exchange) in forward.chain(reverse) {
                let slot = self.new_parcel(outlet, &order, now);
                if let Some(shops) = &self.shops {
                    let p = &mut self.parcels[slot as usize];
                    p.protection = shops.protection(packaging) as f32;
                    if kind == shop::Kind::Order {
                        p.weight_kg += shops.packaging_kg(packaging) as f32;
                    }
                    p.packaging = packaging;
                    p.kind = kind;
                    p.exchange_due = exchange;
                }
                self.charge(now, slot, Activity::WaybillIt, self.cfg.waybill_it);
                self.transfer(slot, |p, l| p.picked_up(l));
                picked.push(slot);
                let o = &mut self.outlets[k];
                let joined = u16::from(o.day_cost.join(day, slot));
                self.parcels[slot as usize].open += joined;
                if self.cfg.in_window(now) {
                    o.picked += 1;
                }
                self.step(slot, now, "picked_up", || {
                    net.nodes[outlet as usize].id.clone()
                });
                self.lanes[lane as usize].ready.push_back(slot);
            }
            self.pickup_tours(k, &picked, now);
            picked.clear();
        }
        self.orders = orders;
        self.handover = handover;
    }

    /// The couriers of outlet `k` collect `picked` from the shops of its area: tours like
    /// delivery (stops of several parcels each, route by drop density), the van's
    /// kilometres shared by the parcels, and the couriers paid by the operating model's
    /// scheme (franchise: per parcel; direct: their daily wage already covers it).
    fn pickup_tours(&mut self, k: usize, picked: &[u32], now: SimTime) {
        if picked.is_empty() {
            return;
        }
        let node = &self.net.nodes[self.net.outlets[k] as usize];
        let n = picked.len();
        let stops = (n as f64 / self.cfg.pickup_per_stop).ceil().max(1.0) as usize;
        let couriers = (node.couriers as usize).min(stops).max(1);
        let district = node.area_km2 / couriers as f64;
        let mut km = 0.0;
        for c in 0..couriers {
            let m = stops / couriers + usize::from(c < stops % couriers);
            km += cost::tour_km(m, district);
        }
        let hours = km / self.cfg.courier_speed
            + stops as f64 * self.cfg.pickup_stop_hours
            + n as f64 * self.cfg.scan_hours;
        let route = Money::from_yuan(km * self.cfg.courier_per_km);
        let pay = self.cfg.pickup_pay.times(n as i64);
        if self.book(now, Activity::Pickup, route + pay) {
            self.outlets[k].spent_window += route + pay;
            self.out.courier_hours += hours;
            self.out.courier_pay += pay;
        }
        for (&slot, share) in picked.iter().zip(cost::split(route, n)) {
            self.parcels[slot as usize]
                .cost
                .add(Activity::Pickup, share + self.cfg.pickup_pay);
        }
    }

    /// Loads what is ready on `lane` (at most `max_vehicles` vehicles; with `full_only`,
    /// only whole vehicle loads) and sends it off.
    fn depart(&mut self, li: u32, now: SimTime, full_only: bool, s: &mut Scheduler<Event>) {
        let net = self.net;
        let lane = &net.lanes[li as usize];
        let (fixed, per_km, cap) = self.vehicles[lane.vehicle];
        let cap = cap as u64;
        let st = &mut self.lanes[li as usize];
        st.promote(now);
        let waiting = st.ready.len() as u64;
        let vehicles = if full_only {
            (waiting / cap).min(lane.max_vehicles as u64)
        } else {
            waiting.div_ceil(cap).min(lane.max_vehicles as u64)
        };
        if vehicles == 0 {
            return;
        }
        let n = waiting.min(vehicles * cap) as usize;
        let trip = match self.free_trips.pop() {
            Some(t) => t,
            None => {
                self.trips.push((li, Vec::new()));
                (self.trips.len() - 1) as u32
            }
        };
        let mut load = std::mem::take(&mut self.trips[trip as usize].1);
        load.clear();
        load.extend(st.ready.drain(..n));
        let cost = cost::trip_cost(fixed, per_km, lane.distance_km, vehicles as u32);
        let activity = match lane.kind {
            LaneKind::Feeder => Activity::Feeder,
            LaneKind::Linehaul => Activity::Linehaul,
        };
        if self.cfg.in_window(now) {
            st.departures += 1;
            st.vehicles += vehicles;
            st.parcels += n as u64;
            st.capacity += vehicles * cap;
            st.spent_window += cost;
        }
        self.book(now, activity, cost);
        for (i, (&slot, share)) in load.iter().zip(cost::split(cost, n)).enumerate() {
            if let Some(&ahead) = load.get(i + PREFETCH_AHEAD) {
                prefetch(&self.parcels, ahead as usize);
            }
            let p = &mut self.parcels[slot as usize];
            p.cost.add(activity, share);
            p.on_direct |= lane.direct;
        }
        for &slot in &load {
            self.step(slot, now, "departed", || {
                format!(
                    "{}>{}",
                    net.nodes[lane.from as usize].id, net.nodes[lane.to as usize].id
                )
            });
        }
        self.trips[trip as usize] = (li, load);
        s.schedule_in(lane.travel, Event::Arrive(trip));
    }

    fn vehicle_capacity(&self, li: u32) -> u64 {
        self.vehicles[self.net.lanes[li as usize].vehicle].2 as u64
    }

    fn arrive(&mut self, trip: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let net = self.net;
        let (li, load) = std::mem::take(&mut self.trips[trip as usize]);
        self.free_trips.push(trip);
        let lane = &net.lanes[li as usize];
        let node = &net.nodes[lane.to as usize];
        match node.kind {
            NodeKind::Centre => {
                let pos = node.centre_pos as usize;
                let mut touched: Vec<u32> = Vec::new();
                for (i, &slot) in load.iter().enumerate() {
                    if let Some(&ahead) = load.get(i + PREFETCH_AHEAD) {
                        prefetch(&self.parcels, ahead as usize);
                    }
                    self.step(slot, now, "arrived", || node.id.clone());
                    if self.incidents.lost_on_trip() {
                        self.lose(slot, now);
                        continue;
                    }
                    let protection = self.parcels[slot as usize].protection as f64;
                    if self
                        .incidents
                        .damaged_by_sort(node.tech.damage_per_sort * protection)
                    {
                        self.parcels[slot as usize].damaged = true;
                    }
                    let c = &mut self.centres[pos];
                    let Some(sorted) = c.sorter.sort(now, &self.calendar, &mut self.service_rng)
                    else {
                        // No shift left in the run: the parcel stays here, in flight.
                        continue;
                    };
                    let day = sorted.start.day() as usize;
                    let p = &mut self.parcels[slot as usize];
                    p.sorts = p.sorts.saturating_add(1);
                    if let Some(n) = self.sorted_by_day.get_mut(day) {
                        *n += 1;
                    }
                    let mut joined = 0;
                    joined += u16::from(c.labour.join(sorted.interval, slot));
                    joined += u16::from(c.days.join(day, slot));
                    self.parcels[slot as usize].open += joined;
                    let mut ready = sorted.done;
                    if self.incidents.mis_sorted(node.tech.mis_sort_rate) {
                        // Sent to the wrong chute: found and sorted again later.
                        ready = ready + self.cfg.mis_sort_delay;
                        self.step(slot, sorted.done, "mis_sorted", || node.id.clone());
                    }
                    self.step(slot, ready, "sorted", || node.id.clone());
                    let dest = self.parcels[slot as usize].dest;
                    let next = net.lane_toward(lane.to, dest);
                    let serial = self.parcels[slot as usize].serial;
                    self.lanes[next as usize].push_later(ready.0, serial, slot);
                    if self.cfg.dispatch_when_full && touched.last() != Some(&next) {
                        touched.push(next);
                    }
                }
                self.check_backlog(pos, now, s);
                for next in touched {
                    let st = &self.lanes[next as usize];
                    if st.waiting() as u64 >= self.vehicle_capacity(next) {
                        let latest = st.last_ready().unwrap_or(now.0).max(now.0);
                        s.schedule_at(SimTime(latest), Event::FullCheck(next));
                    }
                }
            }
            NodeKind::Outlet => {
                let k = self.outlet_pos[lane.to as usize] as usize;
                let day = now.day() as usize;
                for &slot in &load {
                    debug_assert_eq!(self.parcels[slot as usize].dest, lane.to);
                    self.step(slot, now, "at_delivery_outlet", || node.id.clone());
                    if self.incidents.lost_on_trip() {
                        self.lose(slot, now);
                        continue;
                    }
                    if self.outlets[k].day_cost.join(day, slot) {
                        self.parcels[slot as usize].open += 1;
                    }
                    self.outlets[k].queue.push_back(slot);
                }
            }
        }
        let mut load = load;
        load.clear();
        self.trips[trip as usize].1 = load;
    }

    /// Parcel `slot` is lost in transport: compensated, and out of the network.
    fn lose(&mut self, slot: u32, now: SimTime) {
        self.step(slot, now, "lost", String::new);
        self.parcels[slot as usize].stage = Stage::Lost;
        let p = &self.parcels[slot as usize];
        if let Some(shops) = &mut self.shops
            && p.kind == shop::Kind::Order
        {
            let measured = self.cfg.in_window(p.placed);
            shops.lost(self.outlet_pos[p.origin as usize] as usize, measured);
        }
        self.end_journey(slot, now, false);
        if self.parcels[slot as usize].open == 0 {
            self.finish(slot);
        }
    }

    fn delivery(&mut self, now: SimTime) {
        let net = self.net;
        for k in 0..net.outlets.len() {
            let node = &net.nodes[net.outlets[k] as usize];
            let o = &mut self.outlets[k];
            let capacity = node.couriers * self.cfg.courier_cap;
            let n = (o.queue.len() as u32).min(capacity.saturating_sub(o.attempts_today)) as usize;
            if self.cfg.in_window(now) {
                o.backlog_sum += o.queue.len() as u64;
                o.backlog_samples += 1;
                o.max_backlog = o.max_backlog.max(o.queue.len());
            }
            if n == 0 {
                continue;
            }
            o.attempts_today += n as u32;
            let batch: Vec<u32> = o.queue.drain(..n).collect();
            let couriers = (node.couriers as usize).min(n);
            let district = node.area_km2 / node.couriers as f64;
            let mut failed = Vec::new();
            let mut at = 0;
            for c in 0..couriers {
                let m = n / couriers + usize::from(c < n % couriers);
                let stops = &batch[at..at + m];
                at += m;
                let km = cost::tour_km(m, district);
                let tour_h = km / self.cfg.courier_speed + m as f64 * self.cfg.stop_hours;
                if self.cfg.in_window(now) {
                    self.out.courier_hours += tour_h;
                }
                let route = Money::from_yuan(km * self.cfg.courier_per_km);
                if self.book(now, Activity::LastMile, route) {
                    self.outlets[k].spent_window += route;
                }
                for (i, (&slot, share)) in stops.iter().zip(cost::split(route, m)).enumerate() {
                    let p = &mut self.parcels[slot as usize];
                    p.cost.add(Activity::LastMile, share);
                    p.attempts += 1;
                    let when = now + SimTime::from_hours(tour_h * (i + 1) as f64 / m as f64);
                    let fails = self.fail_rng.random::<f64>() < self.outlets[k].failure_rate;
                    let mut when = when;
                    if fails {
                        // (No draw when stations are off, so other runs' draws stay the same.)
                        let to_station = self.cfg.station_share > 0.0
                            && self.fail_rng.random::<f64>() < self.cfg.station_share;
                        self.step(slot, when.min(self.cfg.horizon), "attempt_failed", || {
                            node.id.clone()
                        });
                        if !to_station || when > self.cfg.horizon {
                            failed.push(slot);
                            continue;
                        }
                        // Left at a pick-up station; the customer collects it later.
                        self.step(slot, when, "left_at_station", || node.id.clone());
                        if self.charge(now, slot, Activity::LastMile, self.cfg.station_fee) {
                            self.outlets[k].spent_window += self.cfg.station_fee;
                        }
                        when = when + self.cfg.station_collect;
                    } else if when > self.cfg.horizon {
                        failed.push(slot);
                        continue;
                    }
                    self.charge(now, slot, Activity::LastMile, self.cfg.courier_pay);
                    self.transfer(slot, |p, l| p.delivered(l));
                    let p = &mut self.parcels[slot as usize];
                    p.signed = when;
                    p.stage = Stage::Delivered;
                    let late = when - p.picked > self.cfg.promise;
                    let o = &mut self.outlets[k];
                    if self.cfg.in_window(now) {
                        o.spent_window += self.cfg.courier_pay;
                        o.delivered += 1;
                        self.out.courier_pay += self.cfg.courier_pay;
                    }
                    self.step(slot, when, "signed", || node.id.clone());
                    self.end_journey(slot, now, late);
                    self.after_delivery(slot, k, when, late);
                    if self.parcels[slot as usize].open == 0 {
                        self.finish(slot);
                    }
                }
            }
            let o = &mut self.outlets[k];
            if self.cfg.in_window(now) {
                o.attempts += n as u64;
                o.failed += failed.len() as u64;
            }
            o.queue.extend(failed);
        }
    }

    fn shift_end(&mut self, i: usize, now: SimTime) {
        let (_, end) = self.calendar.intervals[i];
        self.close_shift(i, end, now);
    }

    /// Closes shift instance `i` at every centre, paying the rostered line-hours of it
    /// until `until`.
    fn close_shift(&mut self, i: usize, until: SimTime, now: SimTime) {
        let (start, _) = self.calendar.intervals[i];
        let mut released = Vec::new();
        for pos in 0..self.centres.len() {
            let line_hours = staffing::line_hours(&self.centres[pos].staffed, start, until);
            if self.cfg.in_window(now) {
                self.centres[pos].paid_line_hours += line_hours;
            }
            let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
            let cost = cost::shift_labour(1, tech.workers_per_line, line_hours, self.cfg.wage);
            let parcels = &mut self.parcels;
            let incurred = self.centres[pos]
                .labour
                .close(i, [cost], parcels, |slot, p, [m]| {
                    if Self::settle(p, Activity::SortLabour, m) {
                        released.push(slot);
                    }
                });
            if self.book(now, Activity::SortLabour, incurred) {
                self.centres[pos].spent_window += incurred;
            }
        }
        for slot in released {
            self.finish(slot);
        }
    }

    /// Ends the run at `t`: shifts and days that have begun are closed and paid for the
    /// part that has elapsed, so every signed parcel has all its costs.
    pub fn close_books(&mut self, t: SimTime) {
        if let Some(first) = self.centres.first().map(|c| c.labour.next_open()) {
            for i in first..self.calendar.intervals.len() {
                let (start, end) = self.calendar.intervals[i];
                if start > t {
                    break;
                }
                self.close_shift(i, end.min(t), t);
            }
        }
        let day = SimTime::from_days(1);
        let first = self
            .outlets
            .first()
            .map_or(usize::MAX, |o| o.day_cost.next_open());
        for d in first..self.cfg.days as usize {
            let start = SimTime::from_days(d as u64);
            if start > t {
                break;
            }
            let fraction = (t.min(start + day) - start).0 as f64 / day.0 as f64;
            self.close_day(d, fraction, t);
        }
    }

    fn day_end(&mut self, d: usize, now: SimTime) {
        self.roster_day(d as u64 + 1);
        // The day's costs are booked in the day they belong to.
        self.close_day(d, 1.0, now - SimTime(1));
        for o in &mut self.outlets {
            o.attempts_today = 0;
        }
    }

    /// Closes day `d` at every centre and outlet, paying `fraction` of a day's cost.
    fn close_day(&mut self, d: usize, fraction: f64, during: SimTime) {
        let part = |m: Money| Money::from_yuan(m.yuan() * fraction);
        let mut released = Vec::new();
        for pos in 0..self.centres.len() {
            let lines = self.centres[pos].lines;
            let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
            let eq = part(cost::equipment_per_day(
                lines,
                tech.line_capex,
                self.cfg.life_years,
            ));
            let fa = part(cost::facility_per_day(
                lines,
                tech.m2_per_line,
                self.cfg.rent,
            ));
            let parcels = &mut self.parcels;
            self.centres[pos]
                .days
                .close(d, [eq, fa], parcels, |slot, p, [e, f]| {
                    p.cost.add(Activity::SortEquipment, e);
                    if Self::settle(p, Activity::SortFacility, f) {
                        released.push(slot);
                    }
                });
            self.book(during, Activity::SortEquipment, eq);
            if self.book(during, Activity::SortFacility, fa) {
                self.centres[pos].spent_window += eq + fa;
            }
        }
        // Management overhead: the network's, shared by outlets in proportion to the
        // parcels each handled that day, then over those parcels.
        let mgmt = part(self.management_day);
        self.book(during, Activity::Management, mgmt);
        let handled: Vec<u64> = self
            .outlets
            .iter()
            .map(|o| o.day_cost.members(d) as u64)
            .collect();
        let mgmt_total = mgmt + std::mem::take(&mut self.management_carry);
        if handled.iter().all(|&h| h == 0) {
            self.management_carry = mgmt_total;
        }
        let mgmt_shares = cost::split_by(mgmt_total, &handled);
        let cost = part(self.cfg.outlet_day);
        for (k, mgmt_share) in mgmt_shares.into_iter().enumerate() {
            let couriers = self.net.nodes[self.net.outlets[k] as usize].couriers;
            let wages = part(self.cfg.courier_wage_day.times(couriers as i64));
            let parcels = &mut self.parcels;
            let o = &mut self.outlets[k];
            o.day_cost.close(
                d,
                [cost, wages, mgmt_share],
                parcels,
                |slot, p, [m, w, g]| {
                    p.cost.add(Activity::Outlet, m);
                    p.cost.add(Activity::Management, g);
                    if Self::settle(p, Activity::LastMile, w) {
                        released.push(slot);
                    }
                },
            );
            self.book(during, Activity::Outlet, cost);
            self.book(during, Activity::LastMile, wages);
            if self.cfg.in_window(during) {
                self.outlets[k].spent_window += cost + wages;
                self.out.courier_pay += wages;
            }
        }
        for slot in released {
            self.finish(slot);
        }
    }

    /// Costs not attributed to any parcel: periods nobody used, carried to the end.
    pub fn unabsorbed(&self) -> Money {
        let c: Money = self
            .centres
            .iter()
            .map(|c| c.labour.unabsorbed() + c.days.unabsorbed())
            .sum();
        let o: Money = self.outlets.iter().map(|o| o.day_cost.unabsorbed()).sum();
        c + o + self.management_carry
    }

    /// Parcels in the slab that have not been finished (freed).
    fn live(&self) -> impl Iterator<Item = &Parcel> {
        let mut freed = vec![false; self.parcels.len()];
        for &s in &self.free {
            freed[s as usize] = true;
        }
        self.parcels
            .iter()
            .zip(freed)
            .filter_map(|(p, f)| (!f).then_some(p))
    }

    /// Parcels still in the network at the end, and the cost they carry.
    pub fn in_flight(&self) -> (u64, CostVec) {
        let mut cost = CostVec::default();
        let mut n = 0;
        for p in self.live() {
            n += 1;
            cost.add_all(&p.cost);
        }
        (n, cost)
    }

    /// Measured parcels still in the network at `end` that are already past the promise:
    /// certainly late, so they count against the on-time rate.
    pub fn measured_overdue(&self, end: SimTime) -> u64 {
        self.live()
            .filter(|p| {
                p.stage == Stage::InNetwork
                    && self.cfg.in_window(p.picked)
                    && end - p.picked > self.cfg.promise
            })
            .count() as u64
    }

    /// Orders placed in the window whose parcel is still travelling.
    pub fn orders_in_flight(&self) -> u64 {
        self.live()
            .filter(|p| {
                p.kind == shop::Kind::Order
                    && p.stage == Stage::InNetwork
                    && self.cfg.in_window(p.placed)
            })
            .count() as u64
    }

    /// Delivered parcels still waiting for a cost period (must be none after the run).
    pub fn delivered_unfinished(&self) -> u64 {
        self.live().filter(|p| p.stage != Stage::InNetwork).count() as u64
    }
}

impl Model for Carrier<'_> {
    type Event = Event;

    fn handle(&mut self, ev: Event, s: &mut Scheduler<Event>) {
        let now = s.now();
        match ev {
            Event::Pickup(w) => self.pickup(w as usize, now),
            Event::Depart(li) => {
                self.depart(li, now, false, s);
                let next = now + SimTime::from_days(1);
                if next < self.cfg.horizon {
                    s.schedule_at(next, Event::Depart(li));
                }
            }
            Event::FullCheck(li) => self.depart(li, now, true, s),
            Event::Arrive(t) => self.arrive(t, now, s),
            Event::Delivery(_) => self.delivery(now),
            Event::ShiftEnd(i) => self.shift_end(i as usize, now),
            Event::DayEnd(d) => self.day_end(d as usize, now),
            Event::Surge(pos) => self.surge(pos as usize, now),
            Event::CallIn(pos) => self.call_in(pos as usize, now),
        }
    }
}

fn times(v: &[String]) -> Vec<SimTime> {
    let mut t: Vec<SimTime> = v
        .iter()
        .map(|x| parse_time_of_day(x).expect("validated"))
        .collect();
    t.sort();
    t.dedup();
    t
}
