//! Transport: lanes with daily timetables (and dispatch when a load is full), loading what
//! is ready first come first served, trips that share their cost over the parcels on
//! board, and arrival at a centre (see `sorting`) or at the destination outlet.
//!
//! A lane's state belongs to one centre: the one it leaves from, or for a lane from an
//! outlet the centre it feeds. That centre loads and sends its trips, so that centres
//! depart in parallel (see `window`); the trip's books, tags and arrival wait in the
//! centre's `Outbox`.

use super::Carrier;
use super::Event;
use super::books::attribute;
use super::ordered::Ordered;
use super::parcel::{NO_TAG, Parcel};
use super::queue::{Queue, Spares};
use super::sorting::{CentreState, Outbox, Shared, TagOp};
use crate::cost::{self, Activity, Money};
use crate::emissions;
use crate::engine::{Scheduler, SimTime};
use crate::network::LaneKind;
use crate::scenario::NodeKind;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A parcel being sorted for a lane that became ready out of order (a mis-sort, or a
/// line that finished early), ordered by (ready second, arrival).
#[derive(Debug, Clone, Copy)]
struct Late {
    ready_s: u32,
    /// Arrival order among the lane's late parcels (a lane never sees 2³² of them).
    seq: u32,
    parcel: Parcel,
}

impl PartialEq for Late {
    fn eq(&self, o: &Self) -> bool {
        (self.ready_s, self.seq) == (o.ready_s, o.seq)
    }
}
impl Eq for Late {}
impl PartialOrd for Late {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Late {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.ready_s, self.seq).cmp(&(o.ready_s, o.seq))
    }
}

/// Per-lane state and statistics, held by the centre that owns the lane.
#[derive(Debug, Default)]
pub struct LaneState {
    /// Parcels still being sorted, by the second they will be ready: those that come in
    /// order (nearly all) queue in `later`, the rest in `late`.
    later: Ordered<Parcel>,
    late: BinaryHeap<Reverse<Late>>,
    seq: u32,
    /// Parcels ready to load, first come first served.
    pub(super) ready: Queue<Parcel>,
    /// Departures in the window that carried parcels.
    pub departures: u64,
    /// Vehicles they used.
    pub vehicles: u64,
    /// Parcels they carried.
    pub parcels: u64,
    /// Parcels those vehicles could have carried.
    pub capacity: u64,
    /// Trips paid during the measured window.
    pub spent_window: Money,
}

/// The second at or after `t`.
fn ceil_s(t: SimTime) -> u32 {
    u32::try_from(t.0.div_ceil(1000)).unwrap_or(u32::MAX)
}

impl LaneState {
    /// Parcel `p` will be ready to load at `t`.
    #[inline]
    pub(super) fn push_later(&mut self, t: SimTime, p: Parcel, spares: &mut Spares) {
        if let Err((r, p)) = self.later.insert_near_back((ceil_s(t), p), spares) {
            self.late_at(r, p);
        }
    }

    /// Parcel `p` will be ready at `t`, well out of order (a mis-sort).
    pub(super) fn push_late(&mut self, t: SimTime, p: Parcel) {
        self.late_at(ceil_s(t), p);
    }

    fn late_at(&mut self, r: u32, p: Parcel) {
        self.seq = self.seq.wrapping_add(1);
        self.late.push(Reverse(Late {
            ready_s: r,
            seq: self.seq,
            parcel: p,
        }));
    }

    /// Parcels waiting for this lane (being sorted for it, or ready to load).
    pub fn waiting(&self) -> usize {
        self.ready.len() + self.later.len() + self.late.len()
    }

    /// Bytes the lane's queues hold.
    pub fn bytes(&self) -> usize {
        self.ready.bytes()
            + self.later.bytes()
            + self.late.capacity() * std::mem::size_of::<Reverse<Late>>()
    }

    /// Every parcel waiting for this lane.
    pub fn parcels(&self) -> impl Iterator<Item = &Parcel> + '_ {
        self.ready
            .iter()
            .chain(self.later.iter().map(|x| &x.1))
            .chain(self.late.iter().map(|l| &l.0.parcel))
    }

    /// Latest time at which a waiting parcel becomes ready.
    pub(super) fn last_ready(&self) -> Option<SimTime> {
        let a = self.later.back().map(|x| x.0);
        let b = self.late.iter().map(|r| r.0.ready_s).max();
        a.max(b).map(|s| SimTime(s as u64 * 1000))
    }

    /// Moves everything ready by `now` into the loading queue, in ready-time order.
    pub(super) fn promote(&mut self, now: SimTime, spares: &mut Spares) {
        let now_s = (now.0 / 1000) as u32;
        loop {
            // A whole chunk that is ready, and not passed by any late parcel, goes at once:
            // its parcels to the loading queue, its memory to the spares.
            let late_min = self.late.peek().map(|r| r.0.ready_s);
            if let Some(last) = self.later.front_chunk().and_then(|c| c.last()).map(|x| x.0)
                && last <= now_s
                && late_min.is_none_or(|m| m > last)
            {
                let chunk = self.later.pop_front_chunk().expect("a front chunk");
                self.ready.extend_from(&chunk, |x| x.1, spares);
                spares.put(chunk);
                continue;
            }
            let a = self.later.front().map(|x| x.0).filter(|&t| t <= now_s);
            let b = self
                .late
                .peek()
                .map(|r| r.0.ready_s)
                .filter(|&t| t <= now_s);
            match (a, b) {
                (Some(ta), Some(tb)) if tb < ta => {
                    let Reverse(l) = self.late.pop().expect("peeked");
                    self.ready.push_back_from(l.parcel, spares);
                }
                (Some(_), _) => {
                    let (_, p) = self.later.pop_front().expect("peeked");
                    self.ready.push_back_from(p, spares);
                }
                (None, Some(_)) => {
                    let Reverse(l) = self.late.pop().expect("peeked");
                    self.ready.push_back_from(l.parcel, spares);
                }
                (None, None) => break,
            }
        }
        // A heap keeps its peak's room: give most of it back once the peak has passed.
        if self.late.capacity() > 64 && self.late.len() < self.late.capacity() / 4 {
            self.late.shrink_to(self.late.len() * 2);
        }
    }
}

impl CentreState {
    /// Loads what is ready on lane `li` (this centre's `k`-th: at most its vehicles'
    /// worth; with `full_only`, only whole vehicle loads) and sends it off.
    pub(super) fn depart(
        &mut self,
        (li, k): (u32, usize),
        now: SimTime,
        full_only: bool,
        sh: &Shared,
        out: &mut Outbox,
    ) {
        let (net, cfg) = (sh.net, sh.cfg);
        let lane = &net.lanes[li as usize];
        let (fixed, per_km, cap) = cfg.vehicles[lane.vehicle];
        let cap = cap as u64;
        let st = &mut self.lanes[k];
        st.promote(now, &mut self.spares);
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
        let mut load = st.ready.take_front_from(n, &mut self.spares);
        let cost = cost::trip_cost(fixed, per_km, lane.distance_km, vehicles as u32);
        let activity = match lane.kind {
            LaneKind::Feeder => Activity::Feeder,
            LaneKind::Linehaul => Activity::Linehaul,
        };
        let window = cfg.window();
        if cfg.in_window(now) {
            st.departures += 1;
            st.vehicles += vehicles;
            st.parcels += n as u64;
            st.capacity += vehicles * cap;
            st.spent_window += cost;
        }
        out.books.spend(now, window, activity, cost);
        let mut counts = [0u64; 3];
        let mut tagged = Vec::new();
        load.for_each_mut(|p| {
            counts[p.class() as usize] += 1;
            if lane.direct {
                p.set_on_direct();
            }
            if p.tag() != NO_TAG {
                tagged.push(p.tag());
            }
        });
        let share = attribute(&mut out.books.attributed, activity, cost, &counts);
        // What the trip burns, and the carbon price on it: booked like its cost.
        let f = &cfg.emissions;
        let kg = emissions::trip_kg(
            lane.distance_km,
            vehicles,
            n as u64,
            cap,
            f.vehicle_kg_per_km[lane.vehicle],
        );
        let co2 = emissions::mg(kg);
        out.co2.emit(now, window, activity, co2, &counts);
        let carbon = emissions::book_carbon(
            &mut out.books,
            &cfg.prices,
            f.price,
            now,
            window,
            activity,
            co2,
            &counts,
        );
        if carbon.in_window {
            self.lanes[k].spent_window += carbon.cost;
        }
        for tag in tagged {
            out.tags.push(TagOp::Departed(tag, now, li));
            out.tags.push(TagOp::Cost(tag, activity, share));
            out.tags
                .push(TagOp::Cost(tag, carbon.activity, carbon.share));
        }
        out.trips.push((now + lane.travel, li, load));
    }
}

impl Carrier<'_> {
    /// Vehicles of trip `trip` arrive: at a centre the parcels are sorted, at an outlet
    /// they wait for delivery.
    pub(super) fn arrive(&mut self, trip: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let net = self.net;
        let lane = &net.lanes[self.trips[trip as usize].0 as usize];
        let node = &net.nodes[lane.to as usize];
        match node.kind {
            NodeKind::Centre => self.run_window(Event::Arrive(trip), now, s),
            NodeKind::Outlet => {
                let (_, load) = std::mem::take(&mut self.trips[trip as usize]);
                self.free_trips.push(trip);
                let k = self.outlet_pos[lane.to as usize] as usize;
                let day = now.day() as usize;
                // The trip's chunks join the outlet's queue as they are, less what was lost.
                let mut load = load;
                load.retain(|p| {
                    debug_assert_eq!(p.dest(), lane.to);
                    self.step(p.tag(), now, "at_delivery_outlet", lane.to);
                    if self.incidents.lost_on_trip() {
                        self.lose(*p, now);
                        return false;
                    }
                    if self.outlets[k].day_cost.join(day, p.class(), p.tag()) {
                        self.tag_open(p.tag(), 1);
                    }
                    true
                });
                self.outlets[k].queue.append(load);
            }
        }
    }

    /// The state of lane `li`, at the centre that owns it.
    pub fn lane(&self, li: usize) -> &LaneState {
        let (pos, k) = self.lane_at[li];
        &self.centres[pos as usize].lanes[k as usize]
    }

    /// The state of lane `li`, to change.
    pub(super) fn lane_mut(&mut self, li: usize) -> &mut LaneState {
        let (pos, k) = self.lane_at[li];
        &mut self.centres[pos as usize].lanes[k as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::fixture;
    use crate::ops::parcel::Class;

    /// A parcel whose destination field serves as its name.
    fn named(id: u32) -> Parcel {
        Parcel::new(0, id, SimTime::ZERO, SimTime::ZERO, 1.0, Class::Warmup)
    }

    #[test]
    fn parcels_become_ready_in_ready_order_late_ones_included() {
        let (mut st, mut spares) = (LaneState::default(), Spares::keeping(32));
        for i in 0..300 {
            st.push_later(SimTime((10 + i) * 1000), named(i as u32), &mut spares);
        }
        st.push_late(SimTime(5_500), named(1000)); // ready at 6 s, before all
        st.push_late(SimTime(150_000), named(1001)); // ties with parcel 140
        assert_eq!(st.waiting(), 302);
        st.promote(SimTime(200_000), &mut spares);
        let order: Vec<u32> = st.ready.iter().map(|p| p.dest()).collect();
        // Ready by 200 s: parcels 0..=190 and both late ones.
        assert_eq!(order.len(), 193);
        assert_eq!(order[0], 1000);
        let at = order.iter().position(|&d| d == 1001).unwrap();
        assert_eq!(
            order[at - 1],
            140,
            "a late parcel follows those ready at the same second"
        );
        let rest: Vec<u32> = order.iter().copied().filter(|&d| d < 1000).collect();
        assert_eq!(rest, (0..=190).collect::<Vec<u32>>());
        assert_eq!(st.waiting(), 302);
        assert_eq!(st.last_ready(), Some(SimTime(309_000)));
    }

    #[test]
    fn a_departure_loads_at_most_its_vehicles_and_splits_the_trip_over_the_classes() {
        let l = fixture::small();
        let mut sim = fixture::sim(&l);
        let m = &mut sim.model;
        let (li, lane) = l
            .network
            .lanes
            .iter()
            .enumerate()
            .find(|(_, x)| x.kind == LaneKind::Linehaul)
            .expect("small.toml has line-haul lanes");
        let li = li as u32;
        let (fixed, per_km, cap) = m.cfg.vehicles[lane.vehicle];
        let full = lane.max_vehicles as usize * cap as usize;
        let now = m.cfg.window().0 + SimTime::from_hours(1.0);
        let load = fixture::parcels(m, full + 7, (lane.from, lane.to), now, 3);
        for p in load {
            m.lane_mut(li as usize).ready.push_back(p);
        }
        let before = m.books.spent.get(Activity::Linehaul);
        m.run_window(Event::Depart(li), now, &mut sim.sched);
        let m = &mut sim.model;
        assert_eq!(m.lane(li as usize).ready.len(), 7, "the rest waits");
        let (trip_lane, on_board) = m.trips.last().expect("a trip");
        assert_eq!((*trip_lane, on_board.len()), (li, full));
        let cost = cost::trip_cost(fixed, per_km, lane.distance_km, lane.max_vehicles);
        assert_eq!(m.books.spent.get(Activity::Linehaul) - before, cost);
        // Split exactly over the classes on board, in proportion to their counts.
        assert_eq!(fixture::attributed(m, Activity::Linehaul), cost.0);
        let measured = on_board.iter().filter(|p| p.measured()).count() as i64;
        let got = m.books.attributed[Class::Measured as usize]
            .get(Activity::Linehaul)
            .0;
        assert!((got - cost.0 * measured / full as i64).abs() <= 1, "{got}");
        assert_eq!(m.lane(li as usize).departures, 1);
        // A load short of a vehicle does not leave when only full ones may.
        m.run_window(Event::FullCheck(li), now, &mut sim.sched);
        assert_eq!(sim.model.lane(li as usize).ready.len(), 7);
    }
}
