//! Centres sort in parallel: trips that reach centres within one window are sorted
//! centre by centre on rayon, then what their sorting did to the carrier's shared state is
//! applied in centre order.
//!
//! The window is a conservative lookahead. It is no longer than any trip into a centre
//! and any delay before a crew a centre calls arrives, so nothing a centre does in the
//! window (a departure it feeds, a trip it sends, a crew it calls) reaches another centre,
//! or itself, before the window ends. It also ends at the next shift end, day end, surge
//! crew or call-in, which change every centre's crews and cost periods. The other events
//! inside it (departures, pickups, deliveries, arrivals at outlets) go back to the event
//! list and run after the sorting, in their order: they do not depend on it, because a
//! parcel sorted at `t` is ready strictly after `t`. Each centre has its own random
//! streams, and the merge is in centre order, so a run is the same for any number of
//! threads.

use super::sorting::{Arrival, Shared, TagOp};
use super::{Carrier, Event};
use crate::engine::{Scheduler, SimTime};
use crate::network::Network;
use crate::scenario::{NodeKind, Staffing};
use rayon::prelude::*;

use super::model::Config;

/// The window's length: the shortest trip into a centre, and the shortest delay of a
/// surge crew or of temporary workers (at least a millisecond: events at the same time
/// keep their order either way).
pub(super) fn length(net: &Network, cfg: &Config) -> SimTime {
    let trips = net
        .lanes
        .iter()
        .filter(|l| net.nodes[l.to as usize].kind == NodeKind::Centre)
        .map(|l| l.travel)
        .min()
        .unwrap_or(SimTime(u64::MAX));
    let mut w = trips.min(cfg.surge_delay);
    if cfg.staffing == Staffing::Flexible {
        w = w.min(cfg.temp_call_in);
    }
    w.max(SimTime(1))
}

/// Events after which centres' crews or cost periods differ: a window stops before them.
fn ends_window(e: &Event) -> bool {
    matches!(
        e,
        Event::ShiftEnd(_) | Event::DayEnd(_) | Event::Surge(_) | Event::CallIn(_)
    )
}

impl Carrier<'_> {
    /// Trip `first` reaches a centre at `now`: it and every trip that reaches a centre
    /// within the window are sorted, centre by centre in parallel.
    pub(super) fn sort_window(&mut self, first: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let end = SimTime(now.0.saturating_add(self.window_len.0));
        self.take_arrival(first, now);
        let mut others = Vec::new();
        while let Some((t, ev)) = s.take_due(end, |e| !ends_window(e)) {
            match ev {
                Event::Arrive(trip) if self.to_centre(trip) => self.take_arrival(trip, t),
                ev => others.push((t, ev)),
            }
        }
        let shared = Shared {
            net: self.net,
            cfg: &self.cfg,
            calendar: &self.calendar,
            lanes: &self.lanes,
            chute_of: &self.chute_of,
            shops: self.shops.as_ref(),
        };
        self.centres
            .par_iter_mut()
            .zip(self.arrivals.par_iter_mut())
            .zip(self.outboxes.par_iter_mut())
            .enumerate()
            .filter(|(_, ((_, a), _))| !a.is_empty())
            .for_each(|(pos, ((c, a), out))| c.sort_arrivals(pos, a, &shared, out));
        for pos in 0..self.outboxes.len() {
            let mut out = std::mem::take(&mut self.outboxes[pos]);
            for op in out.tags.drain(..) {
                match op {
                    TagOp::Step(tag, at, what, node) => self.step(tag, at, what, node),
                    TagOp::Open(tag, n) => self.tag_open(tag, n),
                }
            }
            for (day, n) in out.sorted.drain(..) {
                if let Some(d) = self.sorted_by_day.get_mut(day) {
                    *d += n;
                }
            }
            for (p, at) in out.lost.drain(..) {
                self.lose(p, at);
            }
            for (at, ev) in out.events.drain(..) {
                s.schedule_at(at, ev);
            }
            self.outboxes[pos] = out;
        }
        for (t, ev) in others {
            s.put_back(t, ev);
        }
    }

    /// Whether trip `trip` goes to a centre.
    fn to_centre(&self, trip: u32) -> bool {
        let lane = &self.net.lanes[self.trips[trip as usize].0 as usize];
        self.net.nodes[lane.to as usize].kind == NodeKind::Centre
    }

    /// Takes trip `trip`'s load off the road, into its centre's arrivals of the window.
    fn take_arrival(&mut self, trip: u32, at: SimTime) {
        let (lane, load) = std::mem::take(&mut self.trips[trip as usize]);
        self.free_trips.push(trip);
        let to = self.net.lanes[lane as usize].to;
        let pos = self.net.nodes[to as usize].centre_pos as usize;
        self.arrivals[pos].push(Arrival { at, lane, load });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::LaneKind;
    use crate::ops::fixture;
    use crate::ops::queue::Queue;

    #[test]
    fn the_window_is_the_shortest_trip_into_a_centre_or_crew_delay() {
        let l = fixture::small();
        let sim = fixture::sim(&l);
        let net = &l.network;
        let shortest = net
            .lanes
            .iter()
            .filter(|x| net.nodes[x.to as usize].kind == NodeKind::Centre)
            .map(|x| x.travel)
            .min()
            .expect("lanes into centres");
        assert_eq!(
            sim.model.window_len,
            shortest.min(sim.model.cfg.surge_delay).max(SimTime(1))
        );
    }

    /// Trips into every centre, ten minutes apart, sorted in one window or one by one.
    fn sort_trips(window: SimTime) -> (String, Vec<u64>) {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        sim.model.window_len = window;
        let (start, _) = sim.model.calendar.intervals[0];
        let feeders = net.lanes.iter().enumerate().filter(|(_, x)| {
            x.kind == LaneKind::Feeder && net.nodes[x.to as usize].kind == NodeKind::Centre
        });
        for (k, (li, lane)) in feeders.enumerate() {
            let at = start + SimTime::from_hours(k as f64 / 6.0);
            let dest = net.outlets[k % net.outlets.len()];
            let mut load = Queue::default();
            for p in fixture::parcels(&mut sim.model, 200, (lane.from, dest), at, 3) {
                load.push_back(p);
            }
            sim.model.trips.push((li as u32, load));
            let trip = (sim.model.trips.len() - 1) as u32;
            sim.sched.schedule_at(at, Event::Arrive(trip));
        }
        sim.run_until(start + SimTime::from_hours(3.0));
        let m = &sim.model;
        (format!("{:?}", m.centres), m.sorted_by_day.clone())
    }

    #[test]
    fn a_window_sorts_exactly_as_the_trips_one_by_one_would() {
        let one_by_one = sort_trips(SimTime(1));
        let together = sort_trips(SimTime::from_hours(2.0));
        assert!(one_by_one.1.iter().sum::<u64>() > 0, "parcels were sorted");
        assert_eq!(one_by_one, together);
    }
}
