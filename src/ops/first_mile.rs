//! The first mile: at each pickup wave every outlet draws the orders placed since the last
//! one, the shop (when modelled) hands over what it has packed, and couriers collect the
//! parcels on tours. Outlets run in parallel; the shop, whose stream is shared, runs in
//! outlet order between the two parallel steps; the results are merged in outlet order.

use super::Carrier;
use super::books::attribute;
use super::model::Config;
use super::outlet::{OutletState, par_outlets};
use super::parcel::{Class, Parcel};
use super::shop::{Kind, Shops};
use crate::cost::{self, Activity, Money};
use crate::demand::DemandModel;
use crate::emissions;
use crate::engine::SimTime;
use crate::network::Network;

impl Carrier<'_> {
    /// Pickup wave `w` at every outlet.
    pub(super) fn pickup(&mut self, w: usize, now: SimTime) {
        let net = self.net;
        let demand = &self.demand;
        if self.shops.is_none() {
            // Each outlet turns its orders into parcels at once: a wave's orders are never
            // all held together.
            let cfg = &self.cfg;
            par_outlets(&mut self.outlets, |k, o| {
                draw_orders(demand, k, w, now, o);
                collect(cfg, net, None, k, now, o)
            });
            self.merge_pickup(now);
            return;
        }
        par_outlets(&mut self.outlets, |k, o| draw_orders(demand, k, w, now, o));
        if let Some(shops) = &mut self.shops {
            // The shops share one stream: they pack in outlet order.
            for (k, o) in self.outlets.iter_mut().enumerate() {
                let zone = net.nodes[net.outlets[k] as usize].zone;
                let km = |dest: u32| net.zones.distance_km[zone][net.nodes[dest as usize].zone];
                shops.wave(k, now, &o.orders, km, &mut o.handover);
            }
        }
        let (cfg, shops) = (&self.cfg, self.shops.as_ref());
        par_outlets(&mut self.outlets, |k, o| {
            collect(cfg, net, shops, k, now, o)
        });
        self.merge_pickup(now);
    }

    /// Takes the outlets' picked parcels into the network, in outlet order: numbers them,
    /// tags the traced and sampled ones, and puts them on their feeder lanes.
    fn merge_pickup(&mut self, now: SimTime) {
        let class = self.cfg.class(now);
        let day = now.day() as usize;
        for k in 0..self.outlets.len() {
            let o = &mut self.outlets[k];
            let mut outbox = std::mem::take(&mut o.wave.outbox);
            let share = o.wave.pickup_share;
            let carbon = o.wave.pickup_carbon;
            self.merge_wave(k);
            let n = outbox.len() as u64;
            if n == 0 {
                continue;
            }
            let first = self.next_serial;
            self.next_serial += n;
            self.generated += n;
            self.in_network += n;
            if class == Class::Measured {
                self.generated_measured += n;
                self.measured_open += n;
            }
            let outlet = self.net.outlets[k];
            for tag in self.tag_new(first, &mut outbox, now) {
                self.tag_cost(tag, Activity::WaybillIt, self.cfg.waybill_it);
                self.tag_cost(tag, Activity::Pickup, share);
                let carbon_a = self.cfg.prices.carbon_of(Activity::Pickup);
                self.tag_cost(tag, carbon_a, carbon);
                if self.outlets[k].day_cost.tag(day, tag) {
                    self.tag_open(tag, 1);
                }
                self.step(tag, now, "picked_up", outlet);
            }
            let lane = self.net.nodes[outlet as usize].lane_out;
            self.lane_mut(lane as usize).ready.append(outbox);
        }
    }
}

/// The orders outlet `k` receives in the window ending at wave `w` (and the extra orders
/// of a marginal-cost run).
fn draw_orders(demand: &DemandModel, k: usize, w: usize, now: SimTime, o: &mut OutletState) {
    demand.draw(k, w, now, &mut o.demand_rng, &mut o.orders);
    if let Some((share, r)) = &mut o.extra {
        demand.draw_extra(k, w, now, *share, r, &mut o.orders);
    }
}

/// Outlet `k` picks up at `now`: the orders handed over (or all orders, without a shop
/// model), then the returns and exchanges due; charges the waybills, books the transfers,
/// and sends its couriers on pickup tours.
fn collect(
    cfg: &Config,
    net: &Network,
    shops: Option<&Shops>,
    k: usize,
    now: SimTime,
    o: &mut OutletState,
) {
    let outlet = net.outlets[k];
    let class = cfg.class(now);
    let day = now.day() as usize;
    let (out, spares) = (&mut o.wave.outbox, &mut o.spares);
    let f = &cfg.emissions;
    // Packaging material: the shop's packaging types, or the default per parcel.
    let mut packaging = Money::ZERO;
    let pack =
        |p: u8| emissions::mg(shops.map_or(0.0, |s| s.packaging_kg(p)) * f.packaging_kg_per_kg);
    match shops {
        Some(shops) => {
            for so in &o.handover {
                packaging += pack(so.packaging);
                let kg = so.order.weight_kg as f64 + shops.packaging_kg(so.packaging);
                let mut p = Parcel::new(
                    outlet,
                    so.order.dest_outlet,
                    so.order.placed,
                    now,
                    kg,
                    class,
                );
                p.set_shop(Kind::Order, so.packaging, false, kg);
                out.push_back_from(p, spares);
            }
        }
        None => {
            packaging += emissions::mg(f.packaging_kg_per_parcel).times(o.orders.len() as i64);
            for order in &o.orders {
                let kg = order.weight_kg as f64;
                let p = Parcel::new(outlet, order.dest_outlet, order.placed, now, kg, class);
                out.push_back_from(p, spares);
            }
        }
    }
    // Returns and exchanges handed over at this outlet since the last wave.
    o.reverse.sort_by_key(|x| x.0);
    let due = o.reverse.partition_point(|x| x.0 <= now);
    for (t, dest, kind_of_packing, kind, exchange) in o.reverse.drain(..due) {
        packaging += pack(kind_of_packing);
        let mut p = Parcel::new(outlet, dest, t, now, 0.5, class);
        p.set_shop(kind, kind_of_packing, exchange, 0.5);
        out.push_back_from(p, spares);
    }
    // The wave's scratch goes: an outlet keeps no memory for its busiest wave.
    o.orders = Vec::new();
    o.handover = Vec::new();
    let n = out.len() as u64;
    if n == 0 {
        return;
    }
    let window = cfg.window();
    let wave = &mut o.wave;
    wave.co2.pack(class, packaging);
    wave.books.charge(
        now,
        window,
        class,
        Activity::WaybillIt,
        cfg.waybill_it.times(n as i64),
    );
    cfg.prices.picked_up(&mut wave.transfers, n);
    if class == Class::Measured {
        cfg.prices.picked_up(&mut wave.transfers_measured, n);
        o.picked += n;
    }
    o.day_cost.join_n(day, class, n);
    // The couriers collect the parcels from the shops of the area: tours like delivery
    // (stops of several parcels each, route by drop density), the van's kilometres
    // shared by the parcels, and the couriers paid by the operating model's scheme
    // (franchise: per parcel; direct: their daily wage already covers it).
    let node = &net.nodes[outlet as usize];
    let stops = (n as f64 / cfg.pickup_per_stop).ceil().max(1.0) as usize;
    let couriers = (node.couriers as usize).min(stops).max(1);
    let district = node.area_km2 / couriers as f64;
    let mut km = 0.0;
    for c in 0..couriers {
        let m = stops / couriers + usize::from(c < stops % couriers);
        km += cost::tour_km(m, district);
    }
    let hours =
        km / cfg.courier_speed + stops as f64 * cfg.pickup_stop_hours + n as f64 * cfg.scan_hours;
    let route = Money::from_yuan(km * cfg.courier_per_km);
    let pay = cfg.pickup_pay.times(n as i64);
    if wave.books.spend(now, window, Activity::Pickup, route + pay) {
        o.spent_window += route + pay;
        wave.courier_hours += hours;
        wave.courier_pay += pay;
    }
    let mut counts = [0; 3];
    counts[class as usize] = n;
    let route_share = attribute(&mut wave.books.attributed, Activity::Pickup, route, &counts);
    wave.books.attributed[class as usize].add(Activity::Pickup, pay);
    wave.pickup_share = route_share + cfg.pickup_pay;
    // The tours' electricity, and the carbon price on it.
    let co2 = emissions::mg(km * f.courier_kg_per_km);
    wave.co2.emit(now, window, Activity::Pickup, co2, &counts);
    let carbon = emissions::book_carbon(
        &mut wave.books,
        &cfg.prices,
        f.price,
        now,
        window,
        Activity::Pickup,
        co2,
        &counts,
    );
    if carbon.in_window {
        o.spent_window += carbon.cost;
    }
    wave.pickup_carbon = carbon.share;
}

#[cfg(test)]
mod tests {
    use crate::cost::Activity;
    use crate::engine::SimTime;
    use crate::ops::fixture;
    use crate::ops::parcel::Class;
    use crate::scenario::NodeKind;

    #[test]
    fn a_pickup_wave_puts_each_outlets_parcels_on_its_feeder_and_pays_their_waybills() {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        let m = &mut sim.model;
        let now = m.cfg.window().0 + SimTime::from_hours(18.0);
        m.pickup(0, now);
        assert!(m.generated > 0);
        assert_eq!(m.in_network, m.generated);
        assert_eq!(m.generated_measured, m.generated, "picked up in the window");
        let mut on_feeders = 0;
        for (k, &outlet) in net.outlets.iter().enumerate() {
            let lane = net.nodes[outlet as usize].lane_out as usize;
            let ready: Vec<_> = m.lane(lane).ready.iter().collect();
            assert!(ready.iter().all(|p| p.origin() == outlet
                && p.picked() == now
                && p.class() == Class::Measured
                && p.placed(&[]) <= now));
            let outlets_only = |d: u32| net.nodes[d as usize].kind == NodeKind::Outlet;
            assert!(ready.iter().all(|p| outlets_only(p.dest())), "outlet {k}");
            on_feeders += ready.len() as u64;
        }
        assert_eq!(on_feeders, m.generated);
        let waybills = m.books.spent.get(Activity::WaybillIt).0;
        assert_eq!(waybills, m.cfg.waybill_it.0 * m.generated as i64);
        assert_eq!(fixture::attributed(m, Activity::WaybillIt), waybills);
    }
}
