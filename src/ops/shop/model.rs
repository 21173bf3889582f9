//! The shop's settings as the run reads them, typed once from the scenario's `shop` section
//! when the shops are built: times of day parsed, durations as `SimTime`, rates and shares
//! as f64, the packers' pay per shop-day worked out once. Nothing of the scenario is kept.
//!
//! Money stays in f64 yuan here: the shop's accounts (`ShopCounts`, the `shop` part of
//! `summary.json` and `shop.csv`) have always been kept in f64 yuan, outside the carrier's
//! micro-yuan books, and booking these amounts as `Money` would round each one to the
//! micro-yuan and change the published figures.

use crate::engine::SimTime;
use crate::ops::model::time;
use crate::scenario::{CarrierPolicy, Shop};

/// A packaging type as the run reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pack {
    /// Material cost (yuan, f64: the shop's accounts).
    pub cost: f64,
    /// Weight it adds to the parcel (kg).
    pub weight_kg: f64,
    /// Damage probability multiplier (-).
    pub protection: f64,
    /// Share of delivered orders sent back (-).
    pub return_rate: f64,
}

/// A carrier other than the simulated network: its price and door-to-door time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Other {
    /// Price per parcel (yuan).
    pub price: f64,
    /// Extra price per 1,000 km to the destination (yuan).
    pub price_per_1000km: f64,
    /// Mean door-to-door time (h), as the `fastest` policy compares it.
    pub hours: f64,
}

/// The shop's settings for the run (see the module's note on money).
#[derive(Debug, Clone)]
pub(super) struct Model {
    /// Share of orders with a wrong address (-).
    pub address_error_rate: f64,
    /// Time to correct a wrong address with the customer.
    pub correction: SimTime,
    /// Share of wrong orders cancelled instead of corrected (-).
    pub error_cancel_share: f64,
    /// Products each shop sells.
    pub products: usize,
    /// Stock of each product at the start (units).
    pub initial_stock: i64,
    /// A replenishment is ordered when a product's stock falls to this (units).
    pub reorder_point: i64,
    /// Units one replenishment brings.
    pub order_quantity: i64,
    /// Replenishment lead time.
    pub lead_time: SimTime,
    /// Of stock-outs: the share that switch product (-).
    pub stockout_switch_share: f64,
    /// Of stock-outs: the share that cancel (-).
    pub stockout_cancel_share: f64,
    /// Share of payments that fail (-).
    pub payment_failure_rate: f64,
    /// Packers at each shop's station.
    pub packers: u32,
    /// Packing time per order (ms).
    pub pack_ms: f64,
    /// Packing shifts: (start in the day, length).
    pub shifts: Vec<(SimTime, SimTime)>,
    /// Packers' pay per staffed shop and day: packers × shift hours × wage (yuan).
    pub labour_per_shop_day: f64,
    /// Share of items inspection replaces (-).
    pub defect_rate: f64,
    /// Cost of replacing one (yuan).
    pub defect_cost: f64,
    /// Packaging types, in the scenario's order.
    pub packaging: Vec<Pack>,
    /// Extra return probability of a damaged parcel (-).
    pub return_if_damaged: f64,
    /// Extra return probability of a late parcel (-).
    pub return_if_late: f64,
    /// Time a customer takes to hand a return over.
    pub return_delay: SimTime,
    /// Share of returns that are exchanges (-).
    pub exchange_share: f64,
    /// Probability that a return brings a complaint (-).
    pub complaint_if_returned: f64,
    /// Handling one complaint (yuan).
    pub complaint_cost: f64,
    /// How the shop picks a carrier.
    pub carrier_policy: CarrierPolicy,
    /// The simulated network: its price to the shop and the door-to-door time the shop
    /// expects of it.
    pub network: Other,
    /// The other carriers, in the scenario's order.
    pub others: Vec<Other>,
    /// Rating points off for a late parcel.
    pub rating_penalty_late: f64,
    /// Rating points off for a damaged parcel.
    pub rating_penalty_damaged: f64,
    /// Rating points off for a return.
    pub rating_penalty_return: f64,
}

impl Model {
    /// The settings of a checked `shop` section, with the network's price to the shop
    /// (yuan per parcel); a shift start that is not a time of day is an error naming it.
    pub fn new(cfg: &Shop, network_price: f64) -> Result<Model, String> {
        let shifts = cfg
            .pack_shifts
            .iter()
            .map(|s| {
                let start = time(&s.start, "shop.pack_shifts.start")?;
                Ok((start, SimTime::from_hours(s.hours)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let shift_hours: f64 = cfg.pack_shifts.iter().map(|s| s.hours).sum();
        Ok(Model {
            address_error_rate: cfg.address_error_rate,
            correction: SimTime::from_hours(cfg.correction_hours),
            error_cancel_share: cfg.error_cancel_share,
            products: cfg.products as usize,
            initial_stock: cfg.initial_stock,
            reorder_point: cfg.reorder_point,
            order_quantity: cfg.order_quantity,
            lead_time: SimTime::from_hours(cfg.lead_time_hours),
            stockout_switch_share: cfg.stockout_switch_share,
            stockout_cancel_share: cfg.stockout_cancel_share,
            payment_failure_rate: cfg.payment_failure_rate,
            packers: cfg.packers,
            pack_ms: cfg.pack_minutes * 60_000.0,
            shifts,
            labour_per_shop_day: cfg.packers as f64 * shift_hours * cfg.wage_per_hour,
            defect_rate: cfg.defect_rate,
            defect_cost: cfg.defect_cost,
            packaging: cfg
                .packaging
                .iter()
                .map(|p| Pack {
                    cost: p.cost,
                    weight_kg: p.weight_kg,
                    protection: p.protection,
                    return_rate: p.return_rate,
                })
                .collect(),
            return_if_damaged: cfg.return_if_damaged,
            return_if_late: cfg.return_if_late,
            return_delay: SimTime::from_hours(cfg.return_delay_hours),
            exchange_share: cfg.exchange_share,
            complaint_if_returned: cfg.complaint_if_returned,
            complaint_cost: cfg.complaint_cost,
            carrier_policy: cfg.carrier_policy,
            network: Other {
                price: network_price,
                price_per_1000km: 0.0,
                hours: cfg.network_expected_hours,
            },
            others: cfg
                .carriers
                .iter()
                .map(|o| Other {
                    price: o.price,
                    price_per_1000km: o.price_per_1000km,
                    hours: o.expected_hours,
                })
                .collect(),
            rating_penalty_late: cfg.rating_penalty_late,
            rating_penalty_damaged: cfg.rating_penalty_damaged,
            rating_penalty_return: cfg.rating_penalty_return,
        })
    }

    /// Carrier `i` (0: the network, i > 0: other carrier i − 1).
    pub fn carrier(&self, i: usize) -> &Other {
        match i {
            0 => &self.network,
            i => &self.others[i - 1],
        }
    }

    /// Carrier `i`'s price for an order going `km` away (yuan): its price plus its rate
    /// per 1,000 km (none for the network, whose price is flat).
    pub fn price(&self, i: usize, km: f64) -> f64 {
        let o = self.carrier(i);
        o.price + o.price_per_1000km * km / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OtherCarrier, Packaging, Shift};

    #[test]
    fn hours_become_sim_times_and_the_packers_pay_is_worked_out_once() {
        let cfg = Shop {
            correction_hours: 2.5,
            lead_time_hours: 48.0,
            return_delay_hours: 24.0,
            pack_minutes: 1.5,
            packers: 3,
            pack_shifts: vec![Shift::new("08:00", 4.0), Shift::new("13:30", 4.5)],
            wage_per_hour: 20.0,
            ..Shop::default()
        };
        let m = Model::new(&cfg, 1.8).expect("a valid shop");
        let hour = SimTime::from_hours(1.0);
        assert_eq!(hour, SimTime(3_600_000), "SimTime counts milliseconds");
        assert_eq!(m.correction, SimTime(9_000_000));
        assert_eq!(m.lead_time, SimTime(48 * 3_600_000));
        assert_eq!(m.return_delay, SimTime(24 * 3_600_000));
        assert_eq!(m.pack_ms, 90_000.0);
        assert_eq!(
            m.shifts,
            vec![
                (SimTime(8 * 3_600_000), SimTime(4 * 3_600_000)),
                (
                    SimTime(13 * 3_600_000 + 1_800_000),
                    SimTime(4 * 3_600_000 + 1_800_000)
                ),
            ]
        );
        // 3 packers × 8.5 h × 20 yuan/h.
        assert_eq!(m.labour_per_shop_day, 510.0);
    }

    #[test]
    fn packaging_and_carriers_keep_their_yuan_and_hours() {
        let cfg = Shop {
            packaging: vec![Packaging {
                name: "box".into(),
                share: 1.0,
                cost: 0.85,
                weight_kg: 0.2,
                protection: 0.5,
                return_rate: 0.1,
            }],
            network_expected_hours: 60.0,
            carriers: vec![OtherCarrier {
                name: "sf".into(),
                price: 12.0,
                price_per_1000km: 4.0,
                expected_hours: 30.0,
                share: 1.0,
            }],
            ..Shop::default()
        };
        let m = Model::new(&cfg, 2.5).expect("a valid shop");
        let p = Pack {
            cost: 0.85,
            weight_kg: 0.2,
            protection: 0.5,
            return_rate: 0.1,
        };
        assert_eq!(m.packaging, vec![p]);
        // The network's price is flat; another carrier's grows with the distance.
        assert_eq!((m.price(0, 0.0), m.price(0, 2000.0)), (2.5, 2.5));
        assert_eq!((m.price(1, 0.0), m.price(1, 500.0)), (12.0, 14.0));
        assert_eq!((m.carrier(0).hours, m.carrier(1).hours), (60.0, 30.0));
    }

    #[test]
    fn a_shift_start_that_is_not_a_time_of_day_is_an_error_naming_the_field() {
        let cfg = Shop {
            pack_shifts: vec![Shift::new("8h", 8.0)],
            ..Shop::default()
        };
        let e = Model::new(&cfg, 1.0).expect_err("not a time of day");
        assert!(
            e.contains("shop.pack_shifts.start") && e.contains("`8h`"),
            "{e}"
        );
    }
}
