//! The last mile: at each delivery wave every outlet's couriers take what they can carry
//! on tours (route by drop density), attempts fail or end at a pick-up station, and a
//! journey's end may bring a claim, a complaint and, with a shop model, a return or an
//! exchange. Outlets deliver in parallel, each from its own streams; the shop hears of the
//! signatures afterwards, in outlet order.

use super::Carrier;
use super::books::{Tagged, attribute};
use super::model::Config;
use super::outlet::{OutletState, Wave, par_outlets};
use super::parcel::{CLASSES, Class, NO_TAG, Parcel};
use super::quality::Incidents;
use super::queue::Queue;
use super::shop::Kind;
use crate::cost::{self, Activity, Money};
use crate::emissions;
use crate::engine::SimTime;
use crate::network::Network;
use rand::RngExt;

impl Carrier<'_> {
    /// Delivery wave at every outlet.
    pub(super) fn delivery(&mut self, now: SimTime) {
        let (cfg, net, tags) = (&self.cfg, self.net, &self.tags[..]);
        let shops = self.shops.is_some();
        par_outlets(&mut self.outlets, |k, o| {
            deliver(cfg, net, tags, shops, k, now, o)
        });
        for k in 0..self.outlets.len() {
            for (p, when, late) in self.merge_wave(k) {
                self.after_delivery(k, &p, when, late);
            }
        }
    }

    /// What follows a signature when the shop is modelled: an order may be rated and sent
    /// back (a real parcel to the shop's outlet), and a return that asked for an exchange
    /// brings a new parcel out to the customer.
    fn after_delivery(&mut self, k: usize, p: &Parcel, when: SimTime, late: bool) {
        let Some(shops) = &mut self.shops else {
            return;
        };
        match p.kind() {
            Kind::Order => {
                // Orders are counted by when they were placed, like the shop's other counts.
                let measured = self.cfg.in_window(p.placed(&self.tags));
                let shop = self.outlet_pos[p.origin() as usize] as usize;
                let after = shops.signed(shop, p.packaging(), late, p.damaged(), measured);
                if after.returns {
                    let ready = when + shops.return_delay();
                    let back = (
                        ready,
                        p.origin(),
                        p.packaging(),
                        Kind::Return,
                        after.exchange,
                    );
                    self.outlets[k].reverse.push(back);
                }
            }
            Kind::Return if p.exchange_due() => {
                // The shop sends the replacement out from its own outlet.
                let shop_outlet = self.outlet_pos[p.dest() as usize] as usize;
                let out = (when, p.origin(), p.packaging(), Kind::Exchange, false);
                self.outlets[shop_outlet].reverse.push(out);
            }
            _ => {}
        }
    }

    /// Parcel `p` is lost in transport: compensated, and out of the network.
    pub(super) fn lose(&mut self, p: Parcel, now: SimTime) {
        self.step(p.tag(), now, "lost", crate::network::NONE);
        if let Some(shops) = &mut self.shops
            && p.kind() == Kind::Order
        {
            let measured = self.cfg.in_window(p.placed(&self.tags));
            shops.lost(self.outlet_pos[p.origin() as usize] as usize, measured);
        }
        let mut w = Wave::default();
        end_journey(&self.cfg, &mut self.incidents, &mut w, &p, now, false, true);
        self.absorb(w, crate::network::NONE);
        self.count_finished(p.class(), true, 1);
        self.tag_finish(p.tag());
    }
}

/// Charges what the end of a journey costs (claim, complaint) and books the fines.
pub(super) fn end_journey(
    cfg: &Config,
    incidents: &mut Incidents,
    w: &mut Wave,
    p: &Parcel,
    now: SimTime,
    late: bool,
    lost: bool,
) {
    let measured = p.measured();
    let outcome = incidents.end(late, p.damaged(), lost, measured);
    let window = cfg.window();
    for (a, m) in [
        (Activity::Claims, outcome.claim),
        (Activity::Complaints, outcome.complaint),
    ] {
        if m > Money::ZERO {
            w.books.charge(now, window, p.class(), a, m);
            if p.tag() != NO_TAG {
                w.tag_costs.push((p.tag(), a, m));
            }
        }
    }
    let complaint = outcome.complained;
    if complaint || lost {
        cfg.prices.fined(&mut w.transfers, complaint, lost);
        if measured {
            cfg.prices.fined(&mut w.transfers_measured, complaint, lost);
        }
    }
}

/// Outlet `k`'s delivery wave at `now`: as many parcels as its couriers can still attempt
/// today, in queue order, split over the couriers' tours; failed attempts go back to the
/// end of the queue.
fn deliver(
    cfg: &Config,
    net: &Network,
    tags: &[Tagged],
    shops: bool,
    k: usize,
    now: SimTime,
    o: &mut OutletState,
) {
    let node = &net.nodes[net.outlets[k] as usize];
    let in_window = cfg.in_window(now);
    let capacity = node.couriers * cfg.courier_cap;
    let n = (o.queue.len() as u32).min(capacity.saturating_sub(o.attempts_today)) as usize;
    if in_window {
        o.backlog_sum += o.queue.len() as u64;
        o.backlog_samples += 1;
        o.max_backlog = o.max_backlog.max(o.queue.len());
    }
    if n == 0 {
        return;
    }
    o.attempts_today += n as u32;
    let mut batch = o.queue.take_front_from(n, &mut o.spares);
    let couriers = (node.couriers as usize).min(n);
    let district = node.area_km2 / node.couriers as f64;
    let window = cfg.window();
    let mut failed = Queue::default();
    // Room for the longest tour's stops, made once.
    let mut stops: Vec<Parcel> = Vec::with_capacity(n.div_ceil(couriers));
    let mut parcels = batch.drain_to(&mut o.spares);
    let w = &mut o.wave;
    // Parcels signed for in this wave, by class: the couriers' pay and the delivery fees
    // are booked once for each class, after the tours.
    let mut signed = [0u64; 3];
    for c in 0..couriers {
        let m = n / couriers + usize::from(c < n % couriers);
        stops.clear();
        stops.extend(parcels.by_ref().take(m));
        let km = cost::tour_km(m, district);
        let tour_h = km / cfg.courier_speed + m as f64 * cfg.stop_hours;
        if in_window {
            w.courier_hours += tour_h;
        }
        let route = Money::from_yuan(km * cfg.courier_per_km);
        if w.books.spend(now, window, Activity::LastMile, route) {
            o.spent_window += route;
        }
        let mut counts = [0u64; 3];
        for p in &stops {
            counts[p.class() as usize] += 1;
        }
        let share = attribute(&mut w.books.attributed, Activity::LastMile, route, &counts);
        // The tour's electricity, and the carbon price on it.
        let co2 = emissions::mg(km * cfg.emissions.courier_kg_per_km);
        w.co2.emit(now, window, Activity::LastMile, co2, &counts);
        let carbon = emissions::book_carbon(
            &mut w.books,
            &cfg.prices,
            cfg.emissions.price,
            now,
            window,
            Activity::LastMile,
            co2,
            &counts,
        );
        if carbon.in_window {
            o.spent_window += carbon.cost;
        }
        for (i, p) in stops.iter_mut().enumerate() {
            let tag = p.tag();
            let class = p.class();
            if tag != NO_TAG {
                w.tag_costs.push((tag, Activity::LastMile, share));
                w.tag_costs.push((tag, carbon.activity, carbon.share));
            }
            p.add_attempt();
            let mut when = now + SimTime::from_hours(tour_h * (i + 1) as f64 / m as f64);
            let fails = o.fail_rng.random::<f64>() < o.failure_rate;
            if fails {
                // (No draw when stations are off, so other runs' draws stay the same.)
                let to_station =
                    cfg.station_share > 0.0 && o.fail_rng.random::<f64>() < cfg.station_share;
                if tag != NO_TAG {
                    w.steps.push((tag, when.min(cfg.horizon), "attempt_failed"));
                }
                if !to_station || when > cfg.horizon {
                    failed.push_back(*p);
                    continue;
                }
                // Left at a pick-up station; the customer collects it later.
                if tag != NO_TAG {
                    w.steps.push((tag, when, "left_at_station"));
                    w.tag_costs.push((tag, Activity::LastMile, cfg.station_fee));
                }
                if w.books
                    .charge(now, window, class, Activity::LastMile, cfg.station_fee)
                {
                    o.spent_window += cfg.station_fee;
                }
                when = when + cfg.station_collect;
            } else if when > cfg.horizon {
                failed.push_back(*p);
                continue;
            }
            signed[class as usize] += 1;
            if tag != NO_TAG {
                w.tag_costs.push((tag, Activity::LastMile, cfg.courier_pay));
                w.steps.push((tag, when, "signed"));
            }
            let transit = when - p.picked();
            let late = transit > cfg.promise;
            end_journey(cfg, &mut o.incidents, w, p, now, late, false);
            if shops && (p.kind() == Kind::Order || p.exchange_due()) {
                w.signed.push((*p, when, late));
            }
            w.delivered[class as usize] += 1;
            if class == Class::Measured {
                w.transit.push(transit);
                w.handover_h += (p.picked() - p.placed(tags)).hours();
                w.on_time += u64::from(!late);
                w.attempts += p.attempts() as u64;
                w.sorts += p.sorts() as u64;
                w.on_direct += u64::from(p.on_direct());
            }
            if tag != NO_TAG {
                w.finished.push(tag);
            }
        }
    }
    drop(parcels);
    for class in CLASSES {
        let pay = cfg.courier_pay.times(signed[class as usize] as i64);
        w.books.charge(now, window, class, Activity::LastMile, pay);
    }
    let all = signed.iter().sum::<u64>();
    cfg.prices.delivered(&mut w.transfers, all);
    cfg.prices
        .delivered(&mut w.transfers_measured, signed[Class::Measured as usize]);
    if in_window {
        let pay = cfg.courier_pay.times(all as i64);
        o.spent_window += pay;
        o.delivered += all;
        w.courier_pay += pay;
        o.attempts += n as u64;
        o.failed += failed.len() as u64;
    }
    o.queue.append(failed);
}

#[cfg(test)]
mod tests {
    use crate::cost::Activity;
    use crate::engine::SimTime;
    use crate::ops::fixture;

    #[test]
    fn a_delivery_wave_attempts_what_the_couriers_can_and_requeues_the_failures() {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        let m = &mut sim.model;
        let outlet = net.outlets[0];
        let capacity = (net.nodes[outlet as usize].couriers * m.cfg.courier_cap) as usize;
        let now = m.cfg.window().0 + SimTime::from_hours(9.0);
        let total = capacity + 20;
        for p in fixture::parcels(m, total, (net.outlets[1], outlet), now, 4) {
            m.outlets[0].queue.push_back(p);
        }
        let spent = m.books.spent.get(Activity::LastMile);
        m.delivery(now);
        let delivered = (m.out.delivered + m.out.outside_delivered) as usize;
        let q = &m.outlets[0].queue;
        let failed = q.iter().filter(|p| p.attempts() == 1).count();
        assert!(delivered > 0);
        assert_eq!(
            delivered + failed,
            capacity,
            "every attempt the couriers had"
        );
        assert_eq!(delivered + q.len(), total, "nothing lost or duplicated");
        assert_eq!(m.in_network as usize, total - delivered);
        // Each delivery is paid, and the tours' kilometres on top; all of it attributed.
        let paid = (m.books.spent.get(Activity::LastMile) - spent).0;
        assert!(paid >= m.cfg.courier_pay.0 * delivered as i64, "{paid}");
        assert_eq!(fixture::attributed(m, Activity::LastMile), paid);
        // The couriers have no attempts left today: a second wave does nothing.
        m.delivery(now + SimTime::from_hours(2.0));
        assert_eq!(sim.model.outlets[0].queue.len(), total - delivered);
    }
}
