//! The carrier's operations as a discrete-event model on the engine, laid out by stage of
//! the parcel's journey:
//!
//! - [`first_mile`]: pickup waves at every outlet (orders, the shop's handover, pickup
//!   tours);
//! - [`transport`]: lanes with timetables, loading, trips, arrival at an outlet;
//! - [`sorting`]: a centre's sorter, crews (rostered, temporary, surge) and shifts;
//! - [`last_mile`]: delivery waves by couriers, the end of a journey, after-sales;
//! - [`management`]: the day's close: centre-days, outlet-days and management overhead;
//! - [`books`]: money spent and attributed to parcels by class, period chains by counts.
//!
//! Parcels are compact records held by value in chunked queues ([`parcel`]); a pickup or
//! delivery wave runs outlet by outlet in parallel (each outlet has its own random
//! streams and writes only its own state), and centres sort and send their trips in
//! parallel over a conservative window (`window`); the results are merged in outlet or
//! centre order, so a run is byte-identical whatever the number of threads.

pub mod books;
pub mod first_mile;
#[cfg(test)]
mod fixture;
pub mod last_mile;
pub mod management;
pub mod model;
pub mod ordered;
pub mod outlet;
pub mod parcel;
pub mod quality;
pub mod queue;
pub mod shop;
pub mod sorter;
pub mod sorting;
pub mod tags;
pub mod transport;
mod window;

use tags::Tagging;
pub use tags::Trace;

use crate::accounts::Ledger;
use crate::cost::{self, Money};
use crate::demand::DemandModel;
use crate::engine::{Model, Scheduler, SimTime};
use crate::metrics::Histogram;
use crate::network::{NONE, Network};
use crate::random::{Stream, rng};
use crate::scenario::{ModelKind, Scenario};
use crate::staffing;
use books::{Books, Tagged};
pub use model::Config;
use outlet::OutletState;
use parcel::{Class, Parcel};
use quality::Incidents;
use queue::Queue;
use rand_distr::{Distribution, LogNormal};
use sorter::{Calendar, ServiceTime, Sorter};
use sorting::{CentreState, Outbox, Work};

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

/// Totals of finished parcels.
#[derive(Debug, Clone)]
pub struct Outcomes {
    /// Parcels picked up in the window and delivered.
    pub delivered: u64,
    /// Pickup to signature of the measured delivered parcels (h).
    pub transit_h: Histogram,
    /// Of those, parcels signed within the promise.
    pub on_time: u64,
    /// Delivery attempts they took, failed ones included.
    pub attempts: u64,
    /// Measured parcels lost in transport (their cost counts toward the delivered ones').
    pub lost: u64,
    /// Parcels delivered that were picked up outside the window (warm-up or drain).
    pub outside_delivered: u64,
    /// Parcels lost that were picked up outside the window.
    pub outside_lost: u64,
    /// Order placed → handed to the carrier at a pickup wave (h), summed over measured
    /// delivered parcels: the shop's part of the end-to-end time.
    pub handover_h_sum: f64,
    /// Sorts of the measured delivered parcels.
    pub sorts: u64,
    /// Of those parcels, how many travelled on a direct lane.
    pub on_direct: u64,
    /// Courier tour hours in the window (staff welfare).
    pub courier_hours: f64,
    /// Couriers' per-delivery pay in the window (staff welfare).
    pub courier_pay: Money,
}

/// Options of the carrier that are not in the scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct CarrierOptions {
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Parcels to trace step by step.
    pub trace: usize,
    /// Measured parcels to carry with their own cost vector, for cost distributions.
    pub cost_sample: usize,
    /// Extra demand on top of the scenario's, as a share of it (marginal cost; 0: none).
    pub extra_demand: f64,
}

/// The whole model state.
pub struct Carrier<'a> {
    /// The built network: nodes, lanes, routes and capacities.
    pub net: &'a Network,
    /// The scenario's rates and times, typed.
    pub cfg: Config,
    demand: DemandModel,
    calendar: Calendar,
    /// Each outlet's state, in outlet order.
    pub outlets: Vec<OutletState>,
    /// Indexed like `net.centres`.
    pub centres: Vec<CentreState>,
    outlet_pos: Vec<u32>,
    /// Each lane's owner, the centre that loads it: (centre, index among its lanes). A lane
    /// belongs to the centre it leaves from, or, from an outlet, to the centre it feeds.
    lane_at: Vec<(u32, u32)>,
    /// How long a window of centres' work done together may be (see `window`).
    window_len: SimTime,
    /// Each centre's work in the current window, and what it leaves.
    jobs: Vec<Vec<(SimTime, Work)>>,
    outboxes: Vec<Outbox>,
    /// Loss, damage and mis-sorts in transport and sorting (drawn in event order); the
    /// counts of every incident, the outlets' merged in.
    pub incidents: Incidents,
    trips: Vec<(u32, Queue<Parcel>)>,
    free_trips: Vec<u32>,
    /// Traced and sampled parcels, by tag.
    pub tags: Vec<Tagged>,
    /// The steps of each traced parcel, by trace index.
    pub traces: Vec<Trace>,
    trace_limit: usize,
    tracing: Tagging,
    sampling: Tagging,
    /// Total cost of each sampled parcel that has all its costs (micro-yuan), for the
    /// distribution of cost per parcel.
    pub sample: Vec<i64>,
    next_serial: u64,
    /// Parcels created so far (warm-up and drain included).
    pub generated: u64,
    /// Of those, parcels picked up in the measured window.
    pub generated_measured: u64,
    /// Parcels picked up and not yet signed for or lost.
    pub in_network: u64,
    /// Measured parcels not finished yet.
    pub measured_open: u64,
    /// Parcels sorted (all centres) per day of the run, by the day sorting started.
    pub sorted_by_day: Vec<u64>,
    /// Money spent, by activity and by class of parcel (before, in and after the window).
    pub books: Books,
    /// What the chain emitted (mg CO2e), booked like the money.
    pub co2: crate::emissions::Emitted,
    /// Transfers between the parties, all of them.
    pub transfers: Ledger,
    /// Transfers between the parties for measured parcels only.
    pub transfers_measured: Ledger,
    /// Totals of finished parcels.
    pub out: Outcomes,
    /// The shops before handover, when the scenario models them.
    pub shops: Option<shop::Shops>,
    /// Management overhead of a day nobody handled a parcel in, carried to the next.
    management_carry: Money,
    /// Managers above the front line (people), from the layers and span of control.
    pub managers: f64,
    /// Front-line staff: every sorter on every shift and every courier (people).
    pub front_line_staff: f64,
}

impl<'a> Carrier<'a> {
    /// The build step: the run model of a checked scenario on its network.
    pub fn build(sc: &Scenario, net: &'a Network, opt: CarrierOptions) -> Result<Self, String> {
        let seed = opt.seed;
        let o = &sc.operations;
        let direct = sc.operating_model.kind == ModelKind::Direct;
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
        let cfg = Config::build(sc, managers)?;
        let days = cfg.days as usize;
        let calendar = Calendar::daily(&cfg.shifts, days as u64);
        let outlets_info: Vec<(u32, usize, f64)> = net
            .outlets
            .iter()
            .map(|&id| {
                let n = &net.nodes[id as usize];
                (id, n.zone, n.weight)
            })
            .collect();
        let demand = DemandModel::new(&sc.demand, &net.zones, &outlets_info, &cfg.pickup_waves)?;
        let open = &net.open_hours;
        let window = cfg.window();
        // Each lane belongs to the centre it leaves, or that a lane from an outlet feeds;
        // a centre numbers its lanes in lane order.
        let mut owned = vec![0u32; net.centres.len()];
        let lane_at: Vec<(u32, u32)> = net
            .lanes
            .iter()
            .map(|l| {
                let from = &net.nodes[l.from as usize];
                let pos = if from.kind == crate::scenario::NodeKind::Centre {
                    from.centre_pos
                } else {
                    net.nodes[l.to as usize].centre_pos
                };
                let k = &mut owned[pos as usize];
                *k += 1;
                (pos, *k - 1)
            })
            .collect();
        let mut centres = Vec::with_capacity(net.centres.len());
        for (pos, &cid) in net.centres.iter().enumerate() {
            let n = &net.nodes[cid as usize];
            let planned = staffing::roster(
                &net.arrivals[pos],
                open,
                n.tech.throughput_per_line,
                cfg.planning_slack,
                n.lines,
            );
            let staffed = staffing::staffed(cfg.staffing, cfg.core_share, n.lines, open, &planned);
            let core = (0..24)
                .filter(|&h| open[h] > 0.0)
                .map(|h| staffed[h])
                .min()
                .unwrap_or(1)
                .max(1);
            let service =
                ServiceTime::new(o.sorting.service, 3_600_000.0 / n.tech.throughput_per_line)
                    .map_err(|e| format!("operations.sorting.service: {e}"))?;
            centres.push(CentreState::new(
                n.lines,
                staffed,
                core,
                Sorter::new(core, service, window),
                (calendar.intervals.len(), days, owned[pos] as usize),
                rng(seed, Stream::CentreService, pos as u64),
                Incidents::new(
                    cfg.incidents,
                    rng(seed, Stream::CentreIncidents, pos as u64),
                ),
            ));
        }
        let mut outlet_pos = vec![NONE; net.nodes.len()];
        for (k, &id) in net.outlets.iter().enumerate() {
            outlet_pos[id as usize] = k as u32;
        }
        // Franchise outlets differ in how often deliveries fail; direct ones do not.
        let spread = cfg.outlet_quality_spread;
        let mut r = rng(seed, Stream::Incidents, 1);
        let dist = if !direct && spread > 0.0 {
            Some(
                LogNormal::from_mean_cv(1.0, spread)
                    .map_err(|e| format!("operating_model.outlet_quality_spread: {e}"))?,
            )
        } else {
            None
        };
        let extra = opt.extra_demand;
        let outlets = (0..net.outlets.len())
            .map(|k| {
                let rate = (cfg.failure_rate * dist.map_or(1.0, |d| d.sample(&mut r))).min(0.95);
                OutletState::new(k as u64, seed, days, rate, extra, cfg.incidents)
            })
            .collect();
        // Shops are staffed where orders originate.
        let active: Vec<bool> = demand.outlet_daily.iter().map(|&d| d > 0.0).collect();
        let shops = sc.shop.as_ref().map(|sh| {
            shop::Shops::new(
                sh,
                sc.operating_model.shop_price,
                &active,
                days as u64,
                rng(seed, Stream::Shop, 0),
                window,
            )
        });
        let shops = shops.transpose()?;
        let expected = (sc.demand.daily_parcels * sc.days as f64).max(1.0);
        let chance = |n: usize| (n as f64 / expected).min(1.0);
        let mut carrier = Carrier {
            net,
            demand,
            calendar,
            outlets,
            centres,
            outlet_pos,
            lane_at,
            window_len: window::length(net, &cfg),
            jobs: (0..net.centres.len()).map(|_| Vec::new()).collect(),
            outboxes: (0..net.centres.len()).map(|_| Outbox::default()).collect(),
            incidents: Incidents::new(cfg.incidents, rng(seed, Stream::Incidents, 0)),
            trips: Vec::new(),
            free_trips: Vec::new(),
            tags: Vec::new(),
            traces: Vec::new(),
            trace_limit: opt.trace,
            // Four times the chance the count asks for, so that the first N of the
            // window are traced well before it ends.
            tracing: Tagging::new(
                if opt.trace == 0 {
                    0.0
                } else {
                    chance(4 * opt.trace)
                },
                rng(seed, Stream::Trace, 0),
            ),
            sampling: Tagging::new(chance(opt.cost_sample), rng(seed, Stream::Trace, 1)),
            sample: Vec::new(),
            next_serial: 0,
            generated: 0,
            generated_measured: 0,
            in_network: 0,
            measured_open: 0,
            sorted_by_day: vec![0; days + 1],
            books: Books::default(),
            co2: Default::default(),
            transfers: Ledger::default(),
            transfers_measured: Ledger::default(),
            out: Outcomes {
                delivered: 0,
                transit_h: Histogram::new(0.1, 24 * 10 * 60),
                on_time: 0,
                attempts: 0,
                lost: 0,
                handover_h_sum: 0.0,
                outside_delivered: 0,
                outside_lost: 0,
                courier_hours: 0.0,
                courier_pay: Money::ZERO,
                sorts: 0,
                on_direct: 0,
            },
            shops,
            management_carry: Money::ZERO,
            managers,
            front_line_staff,
            cfg,
        };
        carrier.roster_day(0);
        Ok(carrier)
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

    // -------------------------------------------------------------- ends of journeys

    /// Counts a parcel that left the network (signed for or lost) with its class.
    fn count_finished(&mut self, class: Class, lost: bool, n: u64) {
        self.in_network -= n;
        match (class == Class::Measured, lost) {
            (true, false) => self.out.delivered += n,
            (true, true) => self.out.lost += n,
            (false, false) => self.out.outside_delivered += n,
            (false, true) => self.out.outside_lost += n,
        }
        if class == Class::Measured {
            self.measured_open -= n;
        }
    }

    // -------------------------------------------------------------- end of run

    /// Ends the run at `t`: shifts and days that have begun are closed and paid for the
    /// part that has elapsed.
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

    /// Adds the sampled parcels still in flight at the end (their periods are all closed)
    /// to the sample, so that it stands for every measured parcel, like the exact mean.
    pub fn sample_in_flight(&mut self) {
        for t in &self.tags {
            if t.sampled && !t.finished && t.open == 0 {
                self.sample.push(t.cost.total().0);
            }
        }
    }

    /// Costs not attributed to any parcel: periods nobody used, carried to the end.
    pub fn unabsorbed(&self) -> Money {
        let c: Money = self
            .centres
            .iter()
            .map(|c| {
                let (l, d) = (c.labour.unabsorbed(), c.days.unabsorbed());
                l[sorting::LABOUR]
                    + l[sorting::LABOUR_CARBON]
                    + d[sorting::DAY_EQUIPMENT]
                    + d[sorting::DAY_FACILITY]
                    + d[sorting::DAY_CARBON]
            })
            .sum();
        let o: Money = self
            .outlets
            .iter()
            .map(|o| o.day_cost.unabsorbed().iter().copied().sum::<Money>())
            .sum();
        c + o + self.management_carry
    }

    /// Emissions not attributed to any parcel (mg CO2e): sorter and floor electricity of
    /// periods nobody used, carried to the end.
    pub fn unabsorbed_co2(&self) -> Money {
        self.centres
            .iter()
            .map(|c| {
                c.labour.unabsorbed()[sorting::LABOUR_CO2] + c.days.unabsorbed()[sorting::DAY_CO2]
            })
            .sum()
    }

    /// Every parcel still held somewhere: waiting at a lane, on a trip, at an outlet, or at
    /// a centre after its last shift.
    pub fn live(&self) -> impl Iterator<Item = &Parcel> + '_ {
        let trips = self.trips.iter().flat_map(|t| t.1.iter());
        let outlets = self.outlets.iter().flat_map(|o| o.queue.iter());
        let centres = self.centres.iter().flat_map(|c| {
            c.stranded
                .iter()
                .chain(c.lanes.iter().flat_map(|l| l.parcels()))
        });
        trips.chain(outlets).chain(centres)
    }

    /// Bytes of memory the parcels' queues hold (lanes, trips, outlets, centres and their
    /// sorters' waiting lists), with the spare chunks outlets and centres keep.
    pub fn storage_bytes(&self) -> usize {
        self.trips.iter().map(|t| t.1.bytes()).sum::<usize>()
            + self
                .outlets
                .iter()
                .map(|o| o.queue.bytes() + o.spares.bytes())
                .sum::<usize>()
            + self
                .centres
                .iter()
                .map(|c| {
                    c.stranded.bytes()
                        + c.sorter.bytes()
                        + c.spares.bytes()
                        + c.lanes.iter().map(|l| l.bytes()).sum::<usize>()
                })
                .sum::<usize>()
    }

    /// Measured parcels still in the network at `end` that are already past the promise:
    /// certainly late, so they count against the on-time rate.
    pub fn measured_overdue(&self, end: SimTime) -> u64 {
        self.live()
            .filter(|p| p.measured() && end - p.picked() > self.cfg.promise)
            .count() as u64
    }

    /// Orders placed in the window whose parcel is still travelling.
    pub fn orders_in_flight(&self) -> u64 {
        self.live()
            .filter(|p| p.kind() == shop::Kind::Order && self.cfg.in_window(p.placed(&self.tags)))
            .count() as u64
    }
}

impl Model for Carrier<'_> {
    type Event = Event;

    fn handle(&mut self, ev: Event, s: &mut Scheduler<Event>) {
        let now = s.now();
        match ev {
            Event::Pickup(w) => self.pickup(w as usize, now),
            Event::Depart(_) | Event::FullCheck(_) => self.run_window(ev, now, s),
            Event::Arrive(t) => self.arrive(t, now, s),
            Event::Delivery(_) => self.delivery(now),
            Event::ShiftEnd(i) => {
                let (_, end) = self.calendar.intervals[i as usize];
                self.close_shift(i as usize, end, now);
            }
            Event::DayEnd(d) => self.day_end(d as usize, now),
            Event::Surge(pos) => self.surge(pos as usize, now),
            Event::CallIn(pos) => self.call_in(pos as usize, now),
        }
    }
}

#[cfg(test)]
mod tests;
