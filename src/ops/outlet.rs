//! An outlet's state: its delivery queue, its cost periods, its own random streams, and
//! the scratch a wave fills when outlets run in parallel (merged in outlet order after).

use super::books::{Books, Chain};
use super::parcel::Parcel;
use super::quality::{Incidents, Rates};
use super::queue::{Queue, Spares};
use super::shop::{Kind, ShopOrder};
use crate::accounts::Ledger;
use crate::cost::{Activity, Money};
use crate::demand::Order;
use crate::engine::SimTime;
use crate::random::{Rng, Stream, rng};

/// What one outlet's part of a wave produced, for the sequential merge.
#[derive(Debug, Default)]
pub struct Wave {
    /// Money the outlet's part of the wave spent, by activity and class.
    pub books: Books,
    /// Transfers of the wave, all of them.
    pub transfers: Ledger,
    /// Transfers of the wave for measured parcels only.
    pub transfers_measured: Ledger,
    /// Pickup: the parcels picked up, and what each of them paid for its pickup.
    pub outbox: Queue<Parcel>,
    /// What the parcels picked up paid for their pickup, in all.
    pub pickup_share: Money,
    /// ... and the carbon price on its tour's emissions.
    pub pickup_carbon: Money,
    /// What the wave emitted (mg CO2e).
    pub co2: crate::emissions::Emitted,
    /// Delivery: transit times of the measured parcels signed for, and their other sums.
    pub transit: Vec<SimTime>,
    /// Parcels signed for, by class (warm-up, measured, after).
    pub delivered: [u64; 3],
    /// Order placed → handed over (h), summed over the measured parcels signed for.
    pub handover_h: f64,
    /// Measured parcels signed for within the promise.
    pub on_time: u64,
    /// Delivery attempts of the measured parcels signed for.
    pub attempts: u64,
    /// Sorts of the measured parcels signed for.
    pub sorts: u64,
    /// Of those, parcels that travelled on a direct lane.
    pub on_direct: u64,
    /// Courier tour hours in the window.
    pub courier_hours: f64,
    /// Couriers' per-delivery pay in the window.
    pub courier_pay: Money,
    /// Tagged parcels: steps (tag, time, what), costs, and journeys ended.
    pub steps: Vec<(u32, SimTime, &'static str)>,
    /// Costs of tagged parcels: (tag, activity, amount).
    pub tag_costs: Vec<(u32, Activity, Money)>,
    /// Tags of parcels whose journey ended.
    pub finished: Vec<u32>,
    /// Parcels signed for that the shop must hear of: (parcel, when, late).
    pub signed: Vec<(Parcel, SimTime, bool)>,
}

/// Most chunks an outlet keeps between a delivery wave and the next pickup wave: about a
/// wave's parcels at a busy outlet; more go back to the allocator.
const SPARES: usize = 8;

/// Per-outlet state and statistics.
#[derive(Debug)]
pub struct OutletState {
    /// Parcels waiting for a delivery attempt.
    pub queue: Queue<Parcel>,
    /// Returns and exchanges waiting to be handed to this outlet: (ready at, destination
    /// outlet, packaging, kind, exchange due).
    pub(super) reverse: Vec<(SimTime, u32, u8, Kind, bool)>,
    pub(super) attempts_today: u32,
    /// Outlet-days: the outlet's own costs, courier salaries (direct model), and the
    /// outlet's share of the day's management overhead.
    pub(super) day_cost: Chain<3>,
    /// This outlet's failed-delivery rate (franchise outlets differ).
    pub(super) failure_rate: f64,
    /// Its own streams: orders, extra orders (marginal cost), failed attempts, and the
    /// incidents at the end of its deliveries.
    pub(super) demand_rng: Rng,
    pub(super) extra: Option<(f64, Rng)>,
    pub(super) fail_rng: Rng,
    pub(super) incidents: Incidents,
    /// Scratch of a pickup wave: orders drawn, and those the shop hands over.
    pub(super) orders: Vec<Order>,
    pub(super) handover: Vec<ShopOrder>,
    pub(super) wave: Wave,
    /// Chunks its deliveries emptied, for its pickups to fill again.
    pub(super) spares: Spares,
    /// Parcels picked up here in the window.
    pub picked: u64,
    /// Parcels signed for here in the window.
    pub delivered: u64,
    /// Delivery attempts here in the window.
    pub attempts: u64,
    /// Of those, attempts that failed.
    pub failed: u64,
    /// Parcels waiting for delivery, summed over the delivery waves of the window.
    pub backlog_sum: u64,
    /// Delivery waves of the window (to average `backlog_sum` over).
    pub backlog_samples: u64,
    /// Most parcels waiting for delivery at a wave of the window.
    pub max_backlog: usize,
    /// Resources the outlet paid for during the measured window.
    pub spent_window: Money,
}

impl OutletState {
    /// Outlet `k` of a run with seed `seed` and `days` days.
    pub fn new(
        k: u64,
        seed: u64,
        days: usize,
        failure_rate: f64,
        extra_demand: f64,
        incidents: Rates,
    ) -> OutletState {
        OutletState {
            queue: Queue::default(),
            reverse: Vec::new(),
            attempts_today: 0,
            day_cost: Chain::new(days),
            failure_rate,
            demand_rng: rng(seed, Stream::Demand, k),
            extra: (extra_demand > 0.0).then(|| (extra_demand, rng(seed, Stream::ExtraDemand, k))),
            fail_rng: rng(seed, Stream::Failures, k),
            incidents: Incidents::new(incidents, rng(seed, Stream::OutletIncidents, k)),
            orders: Vec::new(),
            handover: Vec::new(),
            wave: Wave::default(),
            spares: Spares::keeping(SPARES),
            picked: 0,
            delivered: 0,
            attempts: 0,
            failed: 0,
            backlog_sum: 0,
            backlog_samples: 0,
            max_backlog: 0,
            spent_window: Money::ZERO,
        }
    }

    /// Parcels waiting for a delivery attempt.
    pub fn backlog(&self) -> usize {
        self.queue.len()
    }
}

/// Runs `f` on every outlet, in parallel on the current rayon pool; each call touches only
/// its own outlet, so the outcome does not depend on the number of threads.
pub fn par_outlets(outlets: &mut [OutletState], f: impl Fn(usize, &mut OutletState) + Sync) {
    use rayon::prelude::*;
    outlets
        .par_iter_mut()
        .enumerate()
        .with_min_len(32)
        .for_each(|(k, o)| f(k, o));
}

impl super::Carrier<'_> {
    /// Takes what outlet `k`'s part of a wave produced into the run (in outlet order, so
    /// the result is the same for any thread count); returns the parcels the shop must
    /// hear of.
    pub(super) fn merge_wave(&mut self, k: usize) -> Vec<(Parcel, SimTime, bool)> {
        let o = &mut self.outlets[k];
        let w = std::mem::take(&mut o.wave);
        self.incidents.counts.merge(&o.incidents.counts);
        o.incidents.counts = Default::default();
        self.absorb(w, self.net.outlets[k])
    }

    /// Takes a wave's books, counts and tagged parcels' steps (at `node`), costs and ends
    /// into the run's; returns the parcels the shop must hear of.
    pub(super) fn absorb(&mut self, w: Wave, node: u32) -> Vec<(Parcel, SimTime, bool)> {
        use super::parcel::CLASSES;
        self.books.merge(&w.books);
        self.co2.merge(&w.co2);
        self.transfers.merge(&w.transfers);
        self.transfers_measured.merge(&w.transfers_measured);
        let out = &mut self.out;
        for t in w.transit {
            out.transit_h.record(t.hours());
        }
        out.handover_h_sum += w.handover_h;
        out.on_time += w.on_time;
        out.attempts += w.attempts;
        out.sorts += w.sorts;
        out.on_direct += w.on_direct;
        out.courier_hours += w.courier_hours;
        out.courier_pay += w.courier_pay;
        for c in CLASSES {
            self.count_finished(c, false, w.delivered[c as usize]);
        }
        for (tag, t, what) in w.steps {
            self.step(tag, t, what, node);
        }
        for (tag, a, m) in w.tag_costs {
            self.tag_cost(tag, a, m);
        }
        for tag in w.finished {
            self.tag_finish(tag);
        }
        w.signed
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::SimTime;
    use crate::ops::fixture;
    use crate::ops::parcel::Parcel;

    /// A pickup wave then a delivery wave on a pool of `threads`; what every lane and
    /// outlet holds afterwards, and the books. (The baseline: 601 outlets, so the waves
    /// really are split between threads.)
    fn waves(threads: usize) -> (Vec<Parcel>, String) {
        let l = fixture::load("baseline.toml");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut sim = fixture::sim(&l);
            let m = &mut sim.model;
            let t = m.cfg.window().0 + SimTime::from_hours(18.0);
            m.pickup(0, t);
            // Deliver what was picked up as if it had arrived: the outlets' own streams.
            for k in 0..m.outlets.len() {
                let lane = l.network.nodes[l.network.outlets[k] as usize].lane_out as usize;
                let load = m.lane_mut(lane).ready.take_front(usize::MAX);
                m.outlets[k].queue.append(load);
            }
            m.delivery(t + SimTime::from_hours(12.0));
            let held: Vec<Parcel> = m.live().copied().collect();
            (
                held,
                format!("{:?} {:?}", m.books.spent, m.books.attributed),
            )
        })
    }

    #[test]
    fn outlet_waves_give_the_same_parcels_and_books_on_any_number_of_threads() {
        let one = waves(1);
        assert!(!one.0.is_empty());
        assert_eq!(one, waves(3));
    }
}
