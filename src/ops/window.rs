//! Centres work in parallel: the trips that reach centres within one window are sorted,
//! and the trips of their lanes loaded and sent, centre by centre on rayon; then what
//! their work did to the carrier's shared state is applied in centre order.
//!
//! The window is a conservative lookahead. It is no longer than any trip into a centre
//! and any delay before a crew a centre calls arrives, so nothing a centre does in the
//! window (a trip it sends, a crew it calls) reaches another centre, or itself, before the
//! window ends. It also ends at the next pickup or delivery wave (they fill the lanes from
//! outlets and empty the outlets), shift end, day end, surge crew or call-in (they change
//! every centre's crews and cost periods). The other events inside it, arrivals at
//! outlets, go back to the event list and run after the centres' work, in their order:
//! nothing before the next delivery wave reads what they do. Each centre has its own random
//! streams and lanes, and the merge is in centre order, so a run is the same for any
//! number of threads.

use super::model::Config;
use super::sorting::{Shared, TagOp, Work};
use super::{Carrier, Event};
use crate::engine::{Scheduler, SimTime};
use crate::network::Network;
use crate::scenario::{NodeKind, Staffing};
use rayon::prelude::*;

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

/// A centre's work in a window, in parcels to sort and lanes to load.
fn size(jobs: &[(SimTime, Work)]) -> usize {
    jobs.iter()
        .map(|(_, w)| match w {
            Work::Arrive(load) => load.len(),
            Work::Depart(_) | Work::FullCheck(_) => 1,
        })
        .sum()
}

/// Events a window stops before: they touch outlets or every centre.
fn ends_window(e: &Event) -> bool {
    matches!(
        e,
        Event::Pickup(_)
            | Event::Delivery(_)
            | Event::ShiftEnd(_)
            | Event::DayEnd(_)
            | Event::Surge(_)
            | Event::CallIn(_)
    )
}

impl Carrier<'_> {
    /// Event `first`, due at `now`, is a centre's work: it and all centres' work due
    /// within the window is done, centre by centre in parallel.
    pub(super) fn run_window(&mut self, first: Event, now: SimTime, s: &mut Scheduler<Event>) {
        let end = SimTime(now.0.saturating_add(self.window_len.0));
        let mut others = Vec::new();
        let first = self.assign(first, now);
        assert!(first.is_none(), "a window starts with a centre's event");
        while let Some((t, ev)) = s.take_due(end, |e| !ends_window(e)) {
            if let Some(ev) = self.assign(ev, t) {
                others.push((t, ev));
            }
        }
        let shared = Shared {
            net: self.net,
            cfg: &self.cfg,
            calendar: &self.calendar,
            lane_at: &self.lane_at,
            shops: self.shops.as_ref(),
            end,
        };
        // The busiest centres first, one per task: a hub can hold much of a window's
        // work, and the others fill the threads around it.
        let mut busy: Vec<_> = self
            .centres
            .iter_mut()
            .zip(self.jobs.iter_mut())
            .zip(self.outboxes.iter_mut())
            .enumerate()
            .filter(|(_, ((_, jobs), _))| !jobs.is_empty())
            .map(|(pos, ((c, jobs), out))| (size(jobs), pos, c, jobs, out))
            .collect();
        let mut worked: Vec<usize> = busy.iter().map(|b| b.1).collect();
        worked.sort_unstable();
        busy.sort_by_key(|b| std::cmp::Reverse((b.0, usize::MAX - b.1)));
        busy.into_par_iter()
            .with_max_len(1)
            .for_each(|(_, pos, c, jobs, out)| c.work(pos, jobs, &shared, out));
        for pos in worked {
            let mut out = std::mem::take(&mut self.outboxes[pos]);
            for op in out.tags.drain(..) {
                match op {
                    TagOp::Step(tag, at, what, node) => self.step(tag, at, what, node),
                    TagOp::Open(tag, n) => self.tag_open(tag, n),
                    TagOp::Departed(tag, at, li) => {
                        let net = self.net;
                        let lane = &net.lanes[li as usize];
                        self.step_text(tag, at, "departed", || {
                            format!(
                                "{}>{}",
                                net.nodes[lane.from as usize].id, net.nodes[lane.to as usize].id
                            )
                        });
                    }
                    TagOp::Cost(tag, a, m) => self.tag_cost(tag, a, m),
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
            self.books.merge(&out.books);
            self.co2.merge(&out.co2);
            out.books = Default::default();
            out.co2 = Default::default();
            for (at, li, load) in out.trips.drain(..) {
                let trip = match self.free_trips.pop() {
                    Some(t) => t,
                    None => {
                        self.trips.push((li, Default::default()));
                        (self.trips.len() - 1) as u32
                    }
                };
                self.trips[trip as usize] = (li, load);
                s.schedule_at(at, Event::Arrive(trip));
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

    /// Hands event `ev`, due at `at`, to the centre whose work it is; an event that is
    /// not a centre's comes back.
    fn assign(&mut self, ev: Event, at: SimTime) -> Option<Event> {
        let net = self.net;
        let (pos, work) = match ev {
            Event::Arrive(trip) => {
                let li = self.trips[trip as usize].0;
                let to = &net.nodes[net.lanes[li as usize].to as usize];
                if to.kind != NodeKind::Centre {
                    return Some(ev);
                }
                let (_, load) = std::mem::take(&mut self.trips[trip as usize]);
                self.free_trips.push(trip);
                (to.centre_pos, Work::Arrive(load))
            }
            Event::Depart(li) => (self.lane_at[li as usize].0, Work::Depart(li)),
            Event::FullCheck(li) => (self.lane_at[li as usize].0, Work::FullCheck(li)),
            ev => return Some(ev),
        };
        self.jobs[pos as usize].push((at, work));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::LaneKind;
    use crate::ops::fixture;
    use crate::ops::queue::Queue;

    #[test]
    fn no_trip_into_a_centre_or_crew_call_is_shorter_than_the_window() {
        let l = fixture::small();
        let sim = fixture::sim(&l);
        let (w, cfg, net) = (sim.model.window_len, &sim.model.cfg, &l.network);
        let into_centres: Vec<SimTime> = net
            .lanes
            .iter()
            .filter(|x| net.nodes[x.to as usize].kind == NodeKind::Centre)
            .map(|x| x.travel)
            .collect();
        assert!(!into_centres.is_empty());
        assert!(into_centres.iter().all(|&t| w <= t));
        assert!(w <= cfg.surge_delay);
        // As long as it may be: one of those bounds.
        assert!(into_centres.contains(&w) || w == cfg.surge_delay);
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
