//! Sorting at a centre: parcels join the sorter's FIFO queue as their trip arrives, may be
//! damaged or mis-sorted, and are routed to the next lane; crews are rostered by hour,
//! topped up by temporary workers (flexible staffing) or surge crews approved through the
//! management layers; each shift's labour is split over the parcels it sorted.
//!
//! A centre sorts with its own random streams onto the lanes it owns, and loads and sends
//! their trips, so centres work in parallel (see `window`): what their work does to the
//! carrier's shared state (books, tagged parcels' steps, losses, daily counts, trips and
//! new events) waits in an [`Outbox`] that the carrier applies in centre order.

use super::Carrier;
use super::Event;
use super::books::{Books, Chain};
use super::model::Config;
use super::parcel::{NO_TAG, Parcel};
use super::quality::Incidents;
use super::queue::{Queue, Spares};
use super::shop::Shops;
use super::sorter::{Calendar, Sorter};
use super::transport::LaneState;
use crate::cost::{self, Activity, Money};
use crate::emissions::Emitted;
use crate::engine::SimTime;
use crate::network::{Network, Node};
use crate::random::Rng;
use crate::scenario::Staffing;
use crate::staffing;

/// Components of a centre's labour periods (shifts): the crews' pay, the carbon price on
/// the electricity of the lines they staff, and that electricity's CO2e (mg).
pub(super) const LABOUR: usize = 0;
pub(super) const LABOUR_CARBON: usize = 1;
pub(super) const LABOUR_CO2: usize = 2;
/// Components of a centre-day: sorter depreciation, floor rent, the carbon price on the
/// floor's electricity, and that electricity's CO2e (mg).
pub(super) const DAY_EQUIPMENT: usize = 0;
pub(super) const DAY_FACILITY: usize = 1;
pub(super) const DAY_CARBON: usize = 2;
pub(super) const DAY_CO2: usize = 3;

/// Most chunks a centre keeps: a trip's worth of parcels can be set free at once.
const SPARES: usize = 32;

/// Per-centre state: the sorter, its crews and its cost periods.
#[derive(Debug)]
pub struct CentreState {
    /// The lines as a multi-server queue with a shift calendar.
    pub sorter: Sorter,
    /// A surge request is on its way through the layers.
    surge_pending: bool,
    /// The current surge crew leaves at this time.
    surge_until: SimTime,
    /// Surge crews that arrived during the window.
    pub surges: u32,
    /// Shifts: crews, and the lines' electricity (see [`LABOUR`]).
    pub(super) labour: Chain<3>,
    /// Centre-days: sorter depreciation, floor rent and electricity (see [`DAY_EQUIPMENT`]).
    pub(super) days: Chain<4>,
    /// Labour, equipment and floor space paid during the measured window.
    pub spent_window: Money,
    /// Physical lines, the lines staffed in each hour of the day, and the core of them
    /// staffed in every open hour (the sorter's permanent lines).
    pub lines: u32,
    /// Lines staffed in each hour of the day (the roster).
    pub staffed: [u32; 24],
    core: u32,
    /// Flexible staffing: temporary workers are on their way, or here until then.
    temp_pending: bool,
    temp_until: SimTime,
    /// Call-ins of temporary workers during the window.
    pub call_ins: u32,
    /// Line-hours paid during the window (roster, temporary and surge crews).
    pub paid_line_hours: f64,
    /// Parcels that arrived after the last shift of the run: still here, in flight.
    pub(super) stranded: Queue<Parcel>,
    /// The lanes this centre owns: those that leave it, and those from outlets into it
    /// (see `Carrier::lane_at`).
    pub(super) lanes: Vec<LaneState>,
    /// Emptied chunks, for its lanes' queues.
    pub(super) spares: Spares,
    /// The sorter's service times.
    service_rng: Rng,
    /// Losses on the trips in, damage and mis-sorts here.
    incidents: Incidents,
}

/// What a centre does in a window, in event order.
#[derive(Debug)]
pub(super) enum Work {
    /// A trip reaches the centre with its load.
    Arrive(Queue<Parcel>),
    /// A timetabled departure on lane `.0`.
    Depart(u32),
    /// A check for full loads on lane `.0`.
    FullCheck(u32),
}

/// A step of a tagged parcel, recorded while its centre sorts in parallel.
#[derive(Debug, Clone, Copy)]
pub(super) enum TagOp {
    /// A step of its trace.
    Step(u32, SimTime, &'static str, u32),
    /// It joined this many cost periods.
    Open(u32, u32),
    /// It left on a trip on lane `.2`.
    Departed(u32, SimTime, u32),
    /// It gets its share of a trip's cost.
    Cost(u32, Activity, Money),
}

/// What a centre's work in a window leaves for the carrier to apply, in centre order.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    /// Tagged parcels' steps, periods and trip costs, in the order they happened.
    pub(super) tags: Vec<TagOp>,
    /// Parcels lost on the trips in, with the time they arrived.
    pub(super) lost: Vec<(Parcel, SimTime)>,
    /// Parcels sorted, by the day their sort began.
    pub(super) sorted: Vec<(usize, u64)>,
    /// Events to schedule (full-load checks, departures, call-ins, surge requests).
    pub(super) events: Vec<(SimTime, Event)>,
    /// Trips sent: when they arrive, on which lane, with what.
    pub(super) trips: Vec<(SimTime, u32, Queue<Parcel>)>,
    /// Money spent on trips and attributed to their parcels.
    pub(super) books: Books,
    /// What the trips emitted.
    pub(super) co2: Emitted,
    /// Scratch: the lanes a trip's parcels were sorted onto.
    touched: Vec<u32>,
    /// Full-load checks made so far (their order among checks due at the same time).
    checks_made: u64,
    /// Full-load checks due within the window, by (time, order).
    checks: std::collections::BinaryHeap<std::cmp::Reverse<(SimTime, u64, u32)>>,
}

impl Outbox {
    #[inline]
    fn step(&mut self, tag: u32, at: SimTime, what: &'static str, node: u32) {
        if tag != NO_TAG {
            self.tags.push(TagOp::Step(tag, at, what, node));
        }
    }

    fn count_sorted(&mut self, day: usize) {
        match self.sorted.last_mut() {
            Some((d, n)) if *d == day => *n += 1,
            _ => self.sorted.push((day, 1)),
        }
    }
}

/// What every centre reads while it works.
pub(super) struct Shared<'a> {
    pub(super) net: &'a Network,
    pub(super) cfg: &'a Config,
    pub(super) calendar: &'a Calendar,
    /// Each lane's owner: (centre, index among its lanes).
    pub(super) lane_at: &'a [(u32, u32)],
    /// The shops, for their packaging's protection.
    pub(super) shops: Option<&'a Shops>,
    /// The window ends here: a full-load check due before it is this centre's to make.
    pub(super) end: SimTime,
}

impl CentreState {
    /// A centre of `lines` lines, staffed hour by hour as `staffed` says, with cost
    /// periods for `intervals` shifts and `days` days, `lanes` lanes of its own and its
    /// own random streams.
    pub fn new(
        lines: u32,
        staffed: [u32; 24],
        core: u32,
        sorter: Sorter,
        (intervals, days, lanes): (usize, usize, usize),
        service_rng: Rng,
        incidents: Incidents,
    ) -> CentreState {
        CentreState {
            sorter,
            surge_pending: false,
            surge_until: SimTime::ZERO,
            surges: 0,
            labour: Chain::new(intervals),
            days: Chain::new(days),
            spent_window: Money::ZERO,
            lines,
            staffed,
            core,
            temp_pending: false,
            temp_until: SimTime::ZERO,
            call_ins: 0,
            paid_line_hours: 0.0,
            stranded: Queue::default(),
            lanes: (0..lanes).map(|_| LaneState::default()).collect(),
            spares: Spares::keeping(SPARES),
            service_rng,
            incidents,
        }
    }

    /// Does centre `pos`'s work of a window in event order: sorts the trips that reach
    /// it, and loads and sends the trips of its lanes (full-load checks it finds due
    /// within the window included).
    pub(super) fn work(
        &mut self,
        pos: usize,
        jobs: &mut Vec<(SimTime, Work)>,
        sh: &Shared,
        out: &mut Outbox,
    ) {
        let day = SimTime::from_days(1);
        let mut jobs = jobs.drain(..).peekable();
        loop {
            // A check found due goes before later jobs; jobs at its time go first.
            let check_first = match (jobs.peek(), out.checks.peek()) {
                (Some((t, _)), Some(c)) => c.0.0 < *t,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if check_first {
                let std::cmp::Reverse((t, _, li)) = out.checks.pop().expect("peeked");
                self.depart(self.own(pos, li, sh), t, true, sh, out);
                continue;
            }
            let Some((t, work)) = jobs.next() else { break };
            match work {
                Work::Arrive(load) => self.sort_trip(pos, load, t, sh, out),
                Work::Depart(li) => {
                    self.depart(self.own(pos, li, sh), t, false, sh, out);
                    if t + day < sh.cfg.horizon {
                        out.events.push((t + day, Event::Depart(li)));
                    }
                }
                Work::FullCheck(li) => self.depart(self.own(pos, li, sh), t, true, sh, out),
            }
        }
    }

    /// Lane `li` with its index among this centre's lanes (the work of a lane goes to the
    /// centre that owns it, so it is one of them).
    fn own(&self, pos: usize, li: u32, sh: &Shared) -> (u32, usize) {
        let (owner, k) = sh.lane_at[li as usize];
        debug_assert_eq!(owner as usize, pos, "lane {li} belongs to another centre");
        (li, k as usize)
    }

    /// A trip reaches the centre at `now`: each parcel is sorted and put on its next lane.
    fn sort_trip(
        &mut self,
        pos: usize,
        load: Queue<Parcel>,
        now: SimTime,
        sh: &Shared,
        out: &mut Outbox,
    ) {
        let (net, cfg) = (sh.net, sh.cfg);
        let at = net.centres[pos];
        let node = &net.nodes[at as usize];
        out.touched.clear();
        for (chunk, head) in load.into_chunks() {
            for &p in &chunk[head..] {
                self.sort_parcel(pos, p, (at, node), now, sh, out);
            }
            self.spares.put(chunk);
        }
        self.check_backlog(pos, now, sh, out);
        // Full loads waiting on the lanes just fed: check them when they are ready.
        for i in 0..out.touched.len() {
            let next = out.touched[i];
            let st = &self.lanes[sh.lane_at[next as usize].1 as usize];
            let cap = cfg.vehicles[net.lanes[next as usize].vehicle].2 as usize;
            if st.waiting() >= cap {
                let latest = st.last_ready().unwrap_or(now).max(now);
                if latest < sh.end {
                    out.checks_made += 1;
                    out.checks
                        .push(std::cmp::Reverse((latest, out.checks_made, next)));
                } else {
                    out.events.push((latest, Event::FullCheck(next)));
                }
            }
        }
    }

    /// Sorts parcel `p`, off a trip into this centre (`node`, node id `at`), onto its next
    /// lane.
    fn sort_parcel(
        &mut self,
        pos: usize,
        mut p: Parcel,
        (at, node): (u32, &Node),
        now: SimTime,
        sh: &Shared,
        out: &mut Outbox,
    ) {
        let (net, cfg) = (sh.net, sh.cfg);
        let (tag, class) = (p.tag(), p.class());
        out.step(tag, now, "arrived", at);
        if self.incidents.lost_on_trip() {
            out.lost.push((p, now));
            return;
        }
        let protection = sh.shops.map_or(1.0, |sh| sh.protection(p.packaging()));
        if self
            .incidents
            .damaged_by_sort(node.tech.damage_per_sort * protection)
        {
            p.set_damaged();
        }
        let Some(sorted) = self.sorter.sort(now, sh.calendar, &mut self.service_rng) else {
            // No shift left in the run: the parcel stays here, in flight.
            self.stranded.push_back(p);
            return;
        };
        let day = sorted.start.day() as usize;
        p.add_sort();
        out.count_sorted(day);
        let joined = u32::from(self.labour.join(sorted.interval, class, tag))
            + u32::from(self.days.join(day, class, tag));
        if tag != NO_TAG {
            out.tags.push(TagOp::Open(tag, joined));
        }
        let mut ready = sorted.done;
        let mis_sorted = self.incidents.mis_sorted(node.tech.mis_sort_rate);
        if mis_sorted {
            // Sent to the wrong chute: found and sorted again later.
            ready = ready + cfg.mis_sort_delay;
            out.step(tag, sorted.done, "mis_sorted", at);
        }
        out.step(tag, ready, "sorted", at);
        let next = net.lane_from(pos, p.dest());
        let (_, k) = self.own(pos, next, sh);
        if mis_sorted {
            self.lanes[k].push_late(ready, p);
        } else {
            self.lanes[k].push_later(ready, p, &mut self.spares);
        }
        if cfg.dispatch_when_full && out.touched.last() != Some(&next) {
            out.touched.push(next);
        }
    }

    /// Lines staffed at `t` by the roster (temporary and surge crews not counted).
    fn staffed_at(&self, t: SimTime) -> u32 {
        let h = ((t.0 / SimTime::MS_PER_HOUR) % 24) as usize;
        self.staffed[h].max(1)
    }

    /// Asks for a surge crew when the backlog is too long (the approval takes a decision
    /// delay per management layer), or calls temporary workers in (flexible staffing).
    fn check_backlog(&mut self, pos: usize, now: SimTime, sh: &Shared, out: &mut Outbox) {
        let cfg = sh.cfg;
        let staffed = self.staffed_at(now);
        let flexible = cfg.staffing == Staffing::Flexible;
        let tech = &sh.net.nodes[sh.net.centres[pos] as usize].tech;
        let per_hour = staffed as f64 * tech.throughput_per_line;
        let backlog_h = self.sorter.queue_at(now) as f64 / per_hour;
        if flexible
            && !self.temp_pending
            && now >= self.temp_until
            && backlog_h > cfg.temp_trigger_hours
        {
            self.temp_pending = true;
            out.events
                .push((now + cfg.temp_call_in, Event::CallIn(pos as u32)));
        }
        if self.surge_pending || now < self.surge_until {
            return;
        }
        if backlog_h > cfg.surge_trigger_hours {
            self.surge_pending = true;
            out.events
                .push((now + cfg.surge_delay, Event::Surge(pos as u32)));
        }
    }
}

impl Carrier<'_> {
    /// Puts the roster's lines above each centre's core on duty for day `day`.
    pub(super) fn roster_day(&mut self, day: u64) {
        if day >= self.cfg.days as u64 {
            return;
        }
        for c in &mut self.centres {
            for (from, until) in staffing::extra_lines(&c.staffed, c.core, day) {
                c.sorter.add_temporary(1, from, until);
            }
        }
    }

    /// Temporary workers arrive at centre `pos`: enough crews to clear its queue within
    /// their block, on lines the roster leaves idle, paid the block at the wage plus the
    /// agency's premium.
    pub(super) fn call_in(&mut self, pos: usize, now: SimTime) {
        let c = &mut self.centres[pos];
        let staffed = c.staffed_at(now);
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
        let power = self.line_power(pos, k as f64 * block.hours());
        self.centres[pos]
            .labour
            .add(interval, [cost, power.0, power.1]);
    }

    /// A surge crew arrives at centre `pos`: extra lines for a while, paid in full.
    pub(super) fn surge(&mut self, pos: usize, now: SimTime) {
        let until = now + self.cfg.surge_length;
        let c = &mut self.centres[pos];
        c.surge_pending = false;
        c.surge_until = until;
        c.sorter.add_temporary(self.cfg.surge_lines, now, until);
        if self.cfg.in_window(now) {
            c.surges += 1;
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
        let power = self.line_power(
            pos,
            self.cfg.surge_lines as f64 * self.cfg.surge_length.hours(),
        );
        self.centres[pos]
            .labour
            .add(interval, [cost, power.0, power.1]);
    }

    /// Closes shift instance `i` at every centre, paying the rostered line-hours of it
    /// until `until`, and splits each centre's labour over the parcels it sorted.
    pub(super) fn close_shift(&mut self, i: usize, until: SimTime, now: SimTime) {
        let (start, _) = self.calendar.intervals[i];
        let window = self.cfg.window();
        for pos in 0..self.centres.len() {
            let line_hours = staffing::line_hours(&self.centres[pos].staffed, start, until);
            if self.cfg.in_window(now) {
                self.centres[pos].paid_line_hours += line_hours;
            }
            let tech = &self.net.nodes[self.net.centres[pos] as usize].tech;
            let cost = cost::shift_labour(1, tech.workers_per_line, line_hours, self.cfg.wage);
            let (carbon, co2) = self.line_power(pos, line_hours);
            let closed = self.centres[pos].labour.close(i, [cost, carbon, co2]);
            // The lines' electricity is the equipment's; its carbon price, its payer's.
            let (lines, carbon_a) = (
                Activity::SortEquipment,
                self.cfg.prices.carbon_of(Activity::SortEquipment),
            );
            for (c, m) in closed.by_class.iter().enumerate() {
                self.books.attributed[c].add(Activity::SortLabour, m[LABOUR]);
                self.books.attributed[c].add(carbon_a, m[LABOUR_CARBON]);
                self.co2.books.attributed[c].add(lines, m[LABOUR_CO2]);
            }
            let inc = closed.incurred;
            if self
                .books
                .spend(now, window, Activity::SortLabour, inc[LABOUR])
            {
                self.centres[pos].spent_window += inc[LABOUR] + inc[LABOUR_CARBON];
            }
            self.books.spend(now, window, carbon_a, inc[LABOUR_CARBON]);
            self.co2.books.spend(now, window, lines, inc[LABOUR_CO2]);
            for tag in closed.tagged {
                let shares = [
                    (Activity::SortLabour, closed.share[LABOUR]),
                    (carbon_a, closed.share[LABOUR_CARBON]),
                ];
                self.tag_settle(tag, &shares);
            }
        }
    }

    /// The carbon price on, and the CO2e (mg) of, the electricity of `line_hours` hours of
    /// staffed lines at centre `pos`.
    fn line_power(&self, pos: usize, line_hours: f64) -> (Money, Money) {
        let f = &self.cfg.emissions;
        let mode = self.net.nodes[self.net.centres[pos] as usize].tech.mode;
        let co2 = crate::emissions::mg(line_hours * f.line_kg_per_hour(mode));
        (crate::emissions::carbon_cost(co2, f.price), co2)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Scheduler, SimTime};
    use crate::network::{Lane, LaneKind, Network};
    use crate::ops::parcel::Parcel;
    use crate::ops::queue::Queue;
    use crate::ops::{Carrier, Event, fixture};
    use crate::scenario::NodeKind;

    /// A trip on lane `li` with `parcels` reaches its end at `now`.
    fn arrive(
        m: &mut Carrier,
        li: u32,
        parcels: Vec<Parcel>,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let mut load = Queue::default();
        for p in parcels {
            load.push_back(p);
        }
        m.trips.push((li, load));
        m.arrive((m.trips.len() - 1) as u32, now, s);
    }

    /// A feeder lane into a centre, and its index.
    fn feeder_to_centre(net: &Network) -> (u32, &Lane) {
        let (li, lane) = net
            .lanes
            .iter()
            .enumerate()
            .find(|(_, x)| {
                x.kind == LaneKind::Feeder && net.nodes[x.to as usize].kind == NodeKind::Centre
            })
            .expect("a feeder to a centre");
        (li as u32, lane)
    }

    #[test]
    fn a_trip_is_sorted_onto_the_next_lane_and_joins_the_shift_that_sorted_it() {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        // A feeder into a centre, carrying parcels for an outlet of another centre.
        let (li, lane) = feeder_to_centre(net);
        let dest = *net
            .outlets
            .iter()
            .find(|&&o| net.nodes[o as usize].home != lane.to)
            .expect("an outlet elsewhere");
        let next = net.lane_from(net.nodes[lane.to as usize].centre_pos as usize, dest) as usize;
        let (start, _) = sim.model.calendar.intervals[0];
        let m = &mut sim.model;
        let parcels = fixture::parcels(m, 50, (lane.from, dest), start, 2);
        arrive(m, li, parcels, start, &mut sim.sched);
        let m = &sim.model;
        let pos = net.nodes[lane.to as usize].centre_pos as usize;
        let c = &m.centres[pos];
        let waiting: Vec<_> = m.lane(next).parcels().collect();
        assert_eq!(waiting.len(), 50, "every parcel routed to the next lane");
        assert!(waiting.iter().all(|p| p.sorts() == 1 && p.dest() == dest));
        assert_eq!(c.labour.members(0), 50, "all sorted in the first shift");
        assert_eq!(c.days.members(start.day() as usize), 50);
        assert!(c.stranded.is_empty());
    }

    #[test]
    fn parcels_that_arrive_after_the_last_shift_stay_at_the_centre_in_flight() {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        let (li, lane) = feeder_to_centre(net);
        let (_, last_end) = *sim.model.calendar.intervals.last().expect("shifts");
        let m = &mut sim.model;
        let parcels = fixture::parcels(m, 5, (lane.from, lane.from), last_end, 1);
        arrive(m, li, parcels, last_end, &mut sim.sched);
        let pos = net.nodes[lane.to as usize].centre_pos as usize;
        assert_eq!(sim.model.centres[pos].stranded.len(), 5);
        assert_eq!(sim.model.live().count(), 5, "still counted as in flight");
        assert_eq!(sim.model.in_network, 5);
    }
}
