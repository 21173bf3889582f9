//! The day's close: each centre-day (sorter depreciation, floor rent) and outlet-day (the
//! outlet's own costs: fixed, staff for the day's parcels, rent for its space; direct
//! couriers' wages) is split over the parcels that passed
//! through it that day, and the network's management overhead is shared by the outlets in
//! proportion to the parcels each handled, then over those parcels.

use super::Carrier;
use super::sorting::{DAY_CARBON, DAY_CO2, DAY_EQUIPMENT, DAY_FACILITY};
use crate::cost::{self, Activity, Money};
use crate::emissions;
use crate::engine::SimTime;

impl Carrier<'_> {
    /// Day `d` ends: its periods close, tomorrow's roster goes on duty.
    pub(super) fn day_end(&mut self, d: usize, now: SimTime) {
        self.roster_day(d as u64 + 1);
        // The day's costs are booked in the day they belong to.
        self.close_day(d, 1.0, now - SimTime(1));
        for o in &mut self.outlets {
            o.attempts_today = 0;
        }
    }

    /// Closes day `d` at every centre and outlet, paying `fraction` of a day's cost.
    pub(super) fn close_day(&mut self, d: usize, fraction: f64, during: SimTime) {
        let part = |m: Money| Money::from_yuan(m.yuan() * fraction);
        let window = self.cfg.window();
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
            // The floor's electricity (lighting, ventilation) for the part of the day.
            let f = &self.cfg.emissions;
            let m2 = lines as f64 * tech.m2_per_line;
            let co2 = emissions::mg(m2 * f.hub_kg_per_m2_day * fraction);
            let carbon = emissions::carbon_cost(co2, f.price);
            let carbon_a = self.cfg.prices.carbon_of(Activity::SortFacility);
            let closed = self.centres[pos].days.close(d, [eq, fa, carbon, co2]);
            for (c, m) in closed.by_class.iter().enumerate() {
                self.books.attributed[c].add(Activity::SortEquipment, m[DAY_EQUIPMENT]);
                self.books.attributed[c].add(Activity::SortFacility, m[DAY_FACILITY]);
                self.books.attributed[c].add(carbon_a, m[DAY_CARBON]);
                self.co2.books.attributed[c].add(Activity::SortFacility, m[DAY_CO2]);
            }
            self.books
                .spend(during, window, Activity::SortEquipment, eq);
            self.books.spend(during, window, carbon_a, carbon);
            self.co2
                .books
                .spend(during, window, Activity::SortFacility, co2);
            if self.books.spend(during, window, Activity::SortFacility, fa) {
                self.centres[pos].spent_window += eq + fa + carbon;
            }
            let shares = [
                (Activity::SortEquipment, closed.share[DAY_EQUIPMENT]),
                (Activity::SortFacility, closed.share[DAY_FACILITY]),
                (carbon_a, closed.share[DAY_CARBON]),
            ];
            for tag in closed.tagged {
                self.tag_settle(tag, &shares);
            }
        }
        // Management overhead: the network's, shared by outlets in proportion to the
        // parcels each handled that day, then over those parcels.
        let mgmt = part(self.cfg.management_day);
        self.books.spend(during, window, Activity::Management, mgmt);
        let handled: Vec<u64> = self.outlets.iter().map(|o| o.day_cost.members(d)).collect();
        let mgmt_total = mgmt + std::mem::take(&mut self.management_carry);
        if handled.iter().all(|&h| h == 0) {
            self.management_carry = mgmt_total;
        }
        let mgmt_shares = cost::split_by(mgmt_total, &handled);
        for (k, mgmt_share) in mgmt_shares.enumerate() {
            let node = &self.net.nodes[self.net.outlets[k] as usize];
            let couriers = node.couriers;
            // Staff for the parcels it handled that day, space for its planned capacity.
            let outlet_cost = part(cost::outlet_day(
                handled[k],
                node.capacity,
                &self.cfg.outlet,
            ));
            let wages = part(self.cfg.courier_wage_day.times(couriers as i64));
            let closed = self.outlets[k]
                .day_cost
                .close(d, [outlet_cost, wages, mgmt_share]);
            for (c, m) in closed.by_class.iter().enumerate() {
                let a = &mut self.books.attributed[c];
                a.add(Activity::Outlet, m[0]);
                a.add(Activity::LastMile, m[1]);
                a.add(Activity::Management, m[2]);
            }
            self.books
                .spend(during, window, Activity::Outlet, outlet_cost);
            self.books.spend(during, window, Activity::LastMile, wages);
            if self.cfg.in_window(during) {
                self.outlets[k].spent_window += outlet_cost + wages;
                self.out.courier_pay += wages;
            }
            if !closed.tagged.is_empty() {
                let shares = [
                    (Activity::Outlet, closed.share[0]),
                    (Activity::LastMile, closed.share[1]),
                    (Activity::Management, closed.share[2]),
                ];
                for tag in closed.tagged {
                    self.tag_settle(tag, &shares);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cost::{self, Activity};
    use crate::engine::SimTime;
    use crate::ops::fixture;
    use crate::ops::parcel::Class;

    #[test]
    fn a_day_close_splits_each_outlet_day_over_its_parcels_and_carries_an_idle_one() {
        let l = fixture::small();
        let net = &l.network;
        let mut sim = fixture::sim(&l);
        let m = &mut sim.model;
        let d = 0; // periods close in order: the first day
        // Every outlet but the last handled some parcels that day, all measured.
        let n = m.outlets.len();
        for k in 0..n - 1 {
            m.outlets[k]
                .day_cost
                .join_n(d, Class::Measured, 100 * (k as u64 + 1));
        }
        let expected: i64 = (0..n)
            .map(|k| {
                let node = &net.nodes[net.outlets[k] as usize];
                let handled = m.outlets[k].day_cost.members(d);
                cost::outlet_day(handled, node.capacity, &m.cfg.outlet).0
            })
            .sum();
        let during = SimTime::from_days(d as u64 + 1) - SimTime(1);
        m.close_day(d, 1.0, during);
        assert_eq!(m.books.spent.get(Activity::Outlet).0, expected);
        // What the busy outlets paid lands on measured parcels; the idle one's waits.
        let measured = m.books.attributed[Class::Measured as usize]
            .get(Activity::Outlet)
            .0;
        let idle = m.outlets[n - 1].day_cost.unabsorbed()[0].0;
        assert!(idle > 0, "an idle outlet still pays its fixed part");
        assert_eq!(measured + idle, expected);
        // The network's management is shared by the outlets that handled parcels.
        assert_eq!(
            fixture::attributed(m, Activity::Management),
            m.cfg.management_day.0
        );
    }
}
