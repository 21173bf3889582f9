//! The shop's side before handover (网店发货): each order is confirmed (address errors are
//! corrected or cancelled), checked against stock (a stock-out waits for restock, switches
//! product or cancels), paid (failed payments cancel), then picked, inspected and packed at
//! a station with workers on shifts, and handed to the carrier at the first pickup wave
//! after it is packed. The shop's costs are kept apart from the carrier's.

use super::sorter::{Calendar, ServiceTime, Sorter};
use crate::demand::Order;
use crate::engine::SimTime;
pub use crate::format::summary::ShopCounts;
use crate::random::Rng;
use crate::scenario::Shop;
use rand::RngExt;
use rand_distr::Distribution;
use rand_distr::weighted::WeightedIndex;

/// What a parcel carries: a shop's order, a customer's return, or an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// A shop's order to its customer.
    #[default]
    Order,
    /// A customer's return to the shop.
    Return,
    /// A replacement sent out when an exchange's return is back.
    Exchange,
}

/// What the customer does once the parcel is signed for.
pub struct AfterDelivery {
    /// The customer sends it back.
    pub returns: bool,
    /// The return is an exchange: a replacement goes out when it is back.
    pub exchange: bool,
}

/// Why an order ended before shipping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The address was wrong and the customer cancelled.
    Address,
    /// Out of stock and the customer cancelled.
    Stockout,
    /// The payment failed.
    Payment,
}

/// An order on its way through the shop.
#[derive(Debug, Clone, Copy)]
pub struct ShopOrder {
    /// The order as demand drew it.
    pub order: Order,
    /// When it can be packed (after corrections and restock).
    pub release: SimTime,
    /// Packaging type (index into the scenario's list).
    pub packaging: u8,
    /// Carrier: 0 is the simulated network, i > 0 the scenario's other carrier i − 1.
    pub carrier: u8,
    /// What the shop pays for shipping it (yuan).
    pub price: f64,
}

/// One shop per origin outlet: its packing station and orders not yet handed over.
pub struct ShopFloor {
    /// The packing station: packers as a multi-server queue with shifts.
    pub station: Sorter,
    /// This shop's counts (measured window).
    pub counts: ShopCounts,
    /// Units on hand per product (negative: orders waiting for the replenishment), and the
    /// replenishment on its way (arrival, quantity).
    stock: Vec<i64>,
    on_order: Vec<Option<(SimTime, i64)>>,
    /// Whether any orders originate here (idle shops are not staffed).
    active: bool,
    /// Orders released later than the current wave (corrections, restock).
    held: Vec<ShopOrder>,
    /// Packed orders waiting for a pickup wave: (packed at, order).
    packed: Vec<(SimTime, ShopOrder)>,
}

/// The shops of all outlets.
pub struct Shops {
    cfg: Shop,
    /// The simulated network's price to the shop (yuan per parcel).
    network_price: f64,
    calendar: Calendar,
    packaging: WeightedIndex<f64>,
    rng: Rng,
    /// One shop per outlet, in outlet order.
    pub floors: Vec<ShopFloor>,
    window: (SimTime, SimTime),
}

impl Shops {
    /// `active[k]`: whether orders originate at outlet `k`.
    pub fn new(
        cfg: &Shop,
        network_price: f64,
        active: &[bool],
        days: u64,
        rng: Rng,
        window: (SimTime, SimTime),
    ) -> Shops {
        let shifts: Vec<(SimTime, SimTime)> = cfg
            .pack_shifts
            .iter()
            .map(|s| {
                (
                    crate::scenario::parse_time_of_day(&s.start).expect("validated"),
                    SimTime::from_hours(s.hours),
                )
            })
            .collect();
        let mean_ms = cfg.pack_minutes * 60_000.0;
        Shops {
            network_price,
            calendar: Calendar::daily(&shifts, days),
            packaging: WeightedIndex::new(cfg.packaging.iter().map(|p| p.share))
                .expect("validated shares"),
            rng,
            floors: active
                .iter()
                .map(|&active| ShopFloor {
                    counts: ShopCounts::default(),
                    stock: vec![cfg.initial_stock; cfg.products as usize],
                    on_order: vec![None; cfg.products as usize],
                    active,
                    station: Sorter::new(cfg.packers, ServiceTime::Deterministic(mean_ms), window),
                    held: Vec::new(),
                    packed: Vec::new(),
                })
                .collect(),
            cfg: cfg.clone(),
            window,
        }
    }

    fn measured(&self, t: SimTime) -> bool {
        t >= self.window.0 && t < self.window.1
    }

    /// A customer signs for an order at `when`: rates it and may send it back (and ask for
    /// an exchange). Draws come from the shop's stream; counted when `measured`.
    pub fn signed(
        &mut self,
        shop: usize,
        packaging: u8,
        late: bool,
        damaged: bool,
        measured: bool,
    ) -> AfterDelivery {
        let c = &self.cfg;
        let (u_ret, u_ex, u_c): (f64, f64, f64) =
            (self.rng.random(), self.rng.random(), self.rng.random());
        let p = c.packaging[packaging as usize].return_rate
            + if damaged { c.return_if_damaged } else { 0.0 }
            + if late { c.return_if_late } else { 0.0 };
        let returns = u_ret < p.min(1.0);
        let exchange = returns && u_ex < c.exchange_share;
        if measured {
            let rating = 5.0
                - if late { c.rating_penalty_late } else { 0.0 }
                - if damaged {
                    c.rating_penalty_damaged
                } else {
                    0.0
                }
                - if returns {
                    c.rating_penalty_return
                } else {
                    0.0
                };
            let k = &mut self.floors[shop].counts;
            k.ratings += 1;
            k.rating_sum += rating.max(1.0);
            k.returns += u64::from(returns);
            k.exchanges += u64::from(exchange);
            match (returns, exchange) {
                (false, _) => k.kept += 1,
                (true, false) => k.returned += 1,
                (true, true) => k.exchanged += 1,
            }
            if returns && u_c < c.complaint_if_returned {
                k.complaints_returns += 1;
                k.complaints_yuan += c.complaint_cost;
            }
        }
        AfterDelivery { returns, exchange }
    }

    /// An order's parcel was lost in transport.
    pub fn lost(&mut self, shop: usize, measured: bool) {
        if measured {
            self.floors[shop].counts.lost += 1;
        }
    }

    /// Time a customer takes to hand a return over.
    pub fn return_delay(&self) -> SimTime {
        SimTime::from_hours(self.cfg.return_delay_hours)
    }

    /// Weight a packaging type adds (kg).
    pub fn packaging_kg(&self, packaging: u8) -> f64 {
        self.cfg.packaging[packaging as usize].weight_kg
    }

    /// Protection factor of a packaging type (multiplies the damage probability).
    pub fn protection(&self, packaging: u8) -> f64 {
        self.cfg.packaging[packaging as usize].protection
    }

    /// Confirmation, stock and payment of one new order: the order with the time it can
    /// be packed, or why it was cancelled.
    /// The carrier for an order going `km` away, by the scenario's policy: (index, price).
    fn choose_carrier(&mut self, km: f64) -> (u8, f64) {
        use crate::scenario::CarrierPolicy;
        let c = &self.cfg;
        let price_of = |i: usize| match i {
            0 => self.network_price,
            i => {
                let o = &c.carriers[i - 1];
                o.price + o.price_per_1000km * km / 1000.0
            }
        };
        let hours_of = |i: usize| match i {
            0 => c.network_expected_hours,
            i => c.carriers[i - 1].expected_hours,
        };
        let n = c.carriers.len() + 1;
        let i = match c.carrier_policy {
            CarrierPolicy::Network => 0,
            CarrierPolicy::Cheapest => (0..n)
                .min_by(|&a, &b| price_of(a).total_cmp(&price_of(b)))
                .expect("the network"),
            CarrierPolicy::Fastest => (0..n)
                .min_by(|&a, &b| hours_of(a).total_cmp(&hours_of(b)))
                .expect("the network"),
            CarrierPolicy::Shares => {
                let w: Vec<f64> = std::iter::once(c.network_share)
                    .chain(c.carriers.iter().map(|o| o.share))
                    .collect();
                WeightedIndex::new(&w)
                    .expect("validated shares")
                    .sample(&mut self.rng)
            }
        };
        (i as u8, price_of(i))
    }

    fn admit(&mut self, k: usize, order: Order, km: f64) -> Result<ShopOrder, Cancel> {
        let c = &self.cfg;
        let measured = self.measured(order.placed);
        let (u_err, u_fix, u_what, u_pay): (f64, f64, f64, f64) = (
            self.rng.random(),
            self.rng.random(),
            self.rng.random(),
            self.rng.random(),
        );
        let product = self.rng.random_range(0..c.products as usize);
        let packaging = self.packaging.sample(&mut self.rng) as u8;
        let (carrier, price) = self.choose_carrier(km);
        let c = &self.cfg;
        let mut release = order.placed;
        let floor = &mut self.floors[k];
        let count = &mut floor.counts;
        if measured {
            count.orders_placed += 1;
        }
        if u_err < c.address_error_rate {
            if u_fix < c.error_cancel_share {
                return Err(Cancel::Address);
            }
            release = release + SimTime::from_hours(c.correction_hours);
            count.corrected += u64::from(measured);
        }
        // Inventory: a replenishment that has arrived is put on the shelf first.
        if let Some((arrives, qty)) = floor.on_order[product]
            && arrives <= order.placed
        {
            floor.stock[product] += qty;
            floor.on_order[product] = None;
        }
        let lead = SimTime::from_hours(c.lead_time_hours);
        if floor.stock[product] > 0 {
            floor.stock[product] -= 1;
        } else if u_what < c.stockout_cancel_share {
            return Err(Cancel::Stockout);
        } else if u_what < c.stockout_cancel_share + c.stockout_switch_share {
            count.switched_product += u64::from(measured);
        } else {
            // Waits for the replenishment (ordered now if none is on its way).
            let (arrives, _) =
                *floor.on_order[product].get_or_insert((order.placed + lead, c.order_quantity));
            release = release.max(arrives);
            floor.stock[product] -= 1;
            count.waited_for_restock += u64::from(measured);
        }
        if floor.stock[product] <= c.reorder_point && floor.on_order[product].is_none() {
            floor.on_order[product] = Some((order.placed + lead, c.order_quantity));
        }
        if u_pay < c.payment_failure_rate {
            return Err(Cancel::Payment);
        }
        Ok(ShopOrder {
            order,
            release,
            packaging,
            carrier,
            price,
        })
    }

    fn cancel(&mut self, k: usize, order: &Order, why: Cancel) {
        if self.measured(order.placed) {
            let c = &mut self.floors[k].counts;
            match why {
                Cancel::Address => c.cancelled_address += 1,
                Cancel::Stockout => c.cancelled_stockout += 1,
                Cancel::Payment => c.cancelled_payment += 1,
            }
        }
    }
}

impl ShopCounts {
    /// Orders cancelled before shipping, for any reason.
    pub fn cancelled(&self) -> u64 {
        self.cancelled_address + self.cancelled_stockout + self.cancelled_payment
    }
}

impl Shops {
    /// Counts over all shops.
    pub fn totals(&self) -> ShopCounts {
        let mut t = ShopCounts::default();
        for f in &self.floors {
            let c = &f.counts;
            t.orders_placed += c.orders_placed;
            t.shipped += c.shipped;
            t.cancelled_address += c.cancelled_address;
            t.cancelled_stockout += c.cancelled_stockout;
            t.cancelled_payment += c.cancelled_payment;
            t.corrected += c.corrected;
            t.waited_for_restock += c.waited_for_restock;
            t.switched_product += c.switched_product;
            t.defects_replaced += c.defects_replaced;
            t.packaging_yuan += c.packaging_yuan;
            t.defects_yuan += c.defects_yuan;
            t.placed_to_packed_hours += c.placed_to_packed_hours;
            t.returns += c.returns;
            t.exchanges += c.exchanges;
            t.ratings += c.ratings;
            t.rating_sum += c.rating_sum;
            t.complaints_returns += c.complaints_returns;
            t.complaints_yuan += c.complaints_yuan;
            t.shipping_yuan += c.shipping_yuan;
            t.shipped_other_carriers += c.shipped_other_carriers;
            t.kept += c.kept;
            t.returned += c.returned;
            t.exchanged += c.exchanged;
            t.lost += c.lost;
        }
        t
    }

    /// Whether shop `k` ships anything (is staffed).
    pub fn active(&self, k: usize) -> bool {
        self.floors[k].active
    }

    /// Packing labour of one staffed shop per day (yuan).
    pub fn labour_per_shop_day(&self) -> f64 {
        let hours: f64 = self.cfg.pack_shifts.iter().map(|s| s.hours).sum();
        self.cfg.packers as f64 * hours * self.cfg.wage_per_hour
    }

    /// A pickup wave at outlet `k` at `now`: the new `orders` go through the shop, and
    /// every order packed by now is handed over (in `out`, in packing order).
    /// `km(dest)`: road distance from this shop to a destination outlet.
    pub fn wave(
        &mut self,
        k: usize,
        now: SimTime,
        orders: &[Order],
        km: impl Fn(u32) -> f64,
        out: &mut Vec<ShopOrder>,
    ) {
        out.clear();
        // Stock is taken in the order customers placed their orders.
        let mut orders = orders.to_vec();
        orders.sort_by_key(|o| o.placed);
        for o in &orders {
            match self.admit(k, *o, km(o.dest_outlet)) {
                Ok(so) => self.floors[k].held.push(so),
                Err(why) => self.cancel(k, o, why),
            }
        }
        // Pack, in release order, every order that could have reached the station by now.
        let floor = &mut self.floors[k];
        floor.held.sort_by_key(|o| (o.release, o.order.placed));
        let ready = floor.held.partition_point(|o| o.release <= now);
        let batch: Vec<ShopOrder> = floor.held.drain(..ready).collect();
        for so in batch {
            let floor = &mut self.floors[k];
            let Some(packed) = floor
                .station
                .sort(so.release, &self.calendar, &mut self.rng)
            else {
                // No packing shift left in the run: the order waits at the shop.
                floor.held.push(so);
                continue;
            };
            floor.packed.push((packed.done, so));
            if self.rng.random::<f64>() < self.cfg.defect_rate && self.measured(so.order.placed) {
                let c = &mut self.floors[k].counts;
                c.defects_replaced += 1;
                c.defects_yuan += self.cfg.defect_cost;
            }
        }
        let window = self.window;
        let floor = &mut self.floors[k];
        floor.packed.sort_by_key(|p| p.0);
        let n = floor.packed.partition_point(|p| p.0 <= now);
        for (done, so) in floor.packed.drain(..n) {
            if so.order.placed >= window.0 && so.order.placed < window.1 {
                let c = &mut floor.counts;
                c.shipped += 1;
                c.packaging_yuan += self.cfg.packaging[so.packaging as usize].cost;
                c.placed_to_packed_hours += (done - so.order.placed).hours();
                c.shipping_yuan += so.price;
                c.shipped_other_carriers += u64::from(so.carrier != 0);
            }
            // Other carriers take their parcels away; only the network's are simulated.
            if so.carrier == 0 {
                out.push(so);
            }
        }
    }

    /// Orders placed in the window still at the shop (held or packed, not handed over).
    pub fn waiting_measured(&self) -> u64 {
        self.floors
            .iter()
            .flat_map(|f| {
                f.held
                    .iter()
                    .map(|o| o.order.placed)
                    .chain(f.packed.iter().map(|p| p.1.order.placed))
            })
            .filter(|&t| self.measured(t))
            .count() as u64
    }

    /// Packing labour per day: every packer of a shop that ships is paid for every shift.
    pub fn labour_yuan_per_day(&self) -> f64 {
        self.floors.iter().filter(|f| f.active).count() as f64 * self.labour_per_shop_day()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, rng};
    use crate::scenario::{CarrierPolicy, OtherCarrier, Packaging, Shift};

    /// A shop that makes no errors, never runs out and packs one order a minute with one
    /// packer from 08:00 to 18:00; the network is its only carrier.
    fn plain() -> Shop {
        Shop {
            address_error_rate: 0.0,
            payment_failure_rate: 0.0,
            defect_rate: 0.0,
            initial_stock: 1_000_000,
            packers: 1,
            pack_minutes: 1.0,
            pack_shifts: vec![shift("08:00", 10.0)],
            ..Shop::default()
        }
    }

    fn shift(start: &str, hours: f64) -> Shift {
        Shift {
            start: start.into(),
            hours,
        }
    }

    /// One active shop over `days` days, all of them measured.
    fn shops(cfg: &Shop, days: u64) -> Shops {
        let window = (SimTime::ZERO, SimTime::from_days(days));
        Shops::new(cfg, 1.5, &[true], days, rng(5, Stream::Shop, 0), window)
    }

    /// Day `d`, `h` hours.
    fn at(d: u64, h: f64) -> SimTime {
        SimTime::from_days(d) + SimTime::from_hours(h)
    }

    /// An order placed at `placed` for outlet `dest`.
    fn order(placed: SimTime, dest: u32) -> Order {
        Order {
            placed,
            dest_outlet: dest,
            weight_kg: 1.0,
        }
    }

    /// A wave at shop 0 at `now` with new `orders`, every destination 100 km away: what it
    /// hands to the network.
    fn wave(s: &mut Shops, now: SimTime, orders: &[Order]) -> Vec<ShopOrder> {
        let mut out = Vec::new();
        s.wave(0, now, orders, |_| 100.0, &mut out);
        out
    }

    /// Whether `k` successes lie within five standard deviations of `n` trials at `p`.
    fn binomial(k: u64, n: u64, p: f64) -> bool {
        let mean = n as f64 * p;
        (k as f64 - mean).abs() <= 5.0 * (mean * (1.0 - p)).sqrt().max(0.5)
    }

    #[test]
    fn orders_placed_outside_the_packing_shift_wait_for_the_next_one() {
        let mut s = shops(&plain(), 3);
        assert!(wave(&mut s, at(0, 22.0), &[order(at(0, 20.0), 1)]).is_empty());
        assert_eq!(s.waiting_measured(), 1);
        assert!(
            wave(&mut s, at(1, 7.99), &[]).is_empty(),
            "before the shift"
        );
        let out = wave(&mut s, at(1, 8.1), &[]);
        assert_eq!(out.len(), 1, "packed in the first minute of the shift");
        let c = &s.floors[0].counts;
        assert_eq!((c.orders_placed, c.shipped), (1, 1));
        let hours = c.placed_to_packed_hours;
        assert!((hours - (12.0 + 1.0 / 60.0)).abs() < 1e-6, "{hours}");
        // In the shift, an order takes its packing time.
        assert!(wave(&mut s, at(1, 10.0), &[order(at(1, 10.0), 1)]).is_empty());
        assert_eq!(wave(&mut s, at(1, 10.02), &[]).len(), 1);
        assert_eq!(s.waiting_measured(), 0);
    }

    #[test]
    fn packers_pack_at_their_rate_within_their_shifts_in_the_order_orders_came() {
        // Two packers, half an hour an order, two hours a day: eight orders a day.
        let cfg = Shop {
            packers: 2,
            pack_minutes: 30.0,
            pack_shifts: vec![shift("08:00", 2.0)],
            ..plain()
        };
        let mut s = shops(&cfg, 4);
        let orders: Vec<Order> = (0..20).map(|i| order(at(0, 8.0), i)).collect();
        let mut handed = Vec::new();
        let mut sizes = Vec::new();
        for (i, t) in [
            at(0, 9.0),
            at(0, 10.0),
            at(0, 17.0),
            at(1, 9.0),
            at(1, 10.0),
        ]
        .into_iter()
        .enumerate()
        {
            let out = wave(&mut s, t, if i == 0 { &orders } else { &[] });
            sizes.push(out.len());
            handed.extend(out.iter().map(|o| o.order.dest_outlet));
        }
        assert_eq!(sizes, [4, 4, 0, 4, 4]);
        assert_eq!(s.waiting_measured(), 4);
        assert_eq!(
            handed,
            (0..16).collect::<Vec<u32>>(),
            "first come, first packed"
        );
        assert_eq!(
            s.floors[0].station.handled, 20,
            "all twenty went through the station"
        );
    }

    #[test]
    fn wrong_addresses_and_failed_payments_cancel_or_delay_orders_at_the_rates_asked() {
        let n = 40;
        let orders: Vec<Order> = (0..n).map(|i| order(at(0, 8.0), i)).collect();
        // Every address wrong, every customer cancels.
        let cfg = Shop {
            address_error_rate: 1.0,
            error_cancel_share: 1.0,
            ..plain()
        };
        let mut s = shops(&cfg, 2);
        assert!(wave(&mut s, at(0, 17.0), &orders).is_empty());
        let c = &s.floors[0].counts;
        assert_eq!((c.orders_placed, c.cancelled_address), (n as u64, n as u64));
        assert_eq!(c.cancelled(), n as u64);
        assert_eq!(s.waiting_measured(), 0, "cancelled orders do not wait");
        // Every address corrected: packing starts after the correction.
        let cfg = Shop {
            address_error_rate: 1.0,
            error_cancel_share: 0.0,
            correction_hours: 6.0,
            ..plain()
        };
        let mut s = shops(&cfg, 2);
        assert!(wave(&mut s, at(0, 13.99), &orders[..1]).is_empty());
        assert_eq!(wave(&mut s, at(0, 14.02), &[]).len(), 1);
        assert_eq!(s.floors[0].counts.corrected, 1);
        // Every payment fails.
        let cfg = Shop {
            payment_failure_rate: 1.0,
            ..plain()
        };
        let mut s = shops(&cfg, 2);
        assert!(wave(&mut s, at(0, 17.0), &orders).is_empty());
        assert_eq!(s.floors[0].counts.cancelled_payment, n as u64);
        // Rates in between: address cancellations at 0.3 × 0.5, then payments at 0.1.
        let cfg = Shop {
            address_error_rate: 0.3,
            error_cancel_share: 0.5,
            payment_failure_rate: 0.1,
            ..plain()
        };
        let mut s = shops(&cfg, 2);
        let n = 20_000;
        let orders: Vec<Order> = (0..n).map(|i| order(at(0, 8.0), i)).collect();
        wave(&mut s, at(0, 8.0), &orders);
        let c = &s.floors[0].counts;
        assert!(binomial(c.cancelled_address, n as u64, 0.15), "{c:?}");
        let paying = n as u64 - c.cancelled_address;
        assert!(binomial(c.cancelled_payment, paying, 0.1), "{c:?}");
        assert!(binomial(c.corrected, n as u64, 0.15), "{c:?}");
    }

    #[test]
    fn a_stock_out_waits_for_the_replenishment_or_switches_or_cancels_by_the_shares() {
        // One product, two on the shelf, ten more 48 h after the shelf empties.
        let stock = |cancel: f64, switch: f64| Shop {
            products: 1,
            initial_stock: 2,
            reorder_point: 0,
            order_quantity: 10,
            lead_time_hours: 48.0,
            stockout_cancel_share: cancel,
            stockout_switch_share: switch,
            ..plain()
        };
        let three = [
            order(at(0, 8.0), 0),
            order(at(0, 8.0) + SimTime::from_hours(1.0 / 6.0), 1),
            order(at(0, 8.0) + SimTime::from_hours(2.0 / 6.0), 2),
        ];
        // Waits: the third ships once the replenishment ordered with the second arrives.
        let mut s = shops(&stock(0.0, 0.0), 4);
        assert_eq!(wave(&mut s, at(0, 12.0), &three).len(), 2);
        assert_eq!(s.floors[0].counts.waited_for_restock, 1);
        assert!(wave(&mut s, at(1, 12.0), &[]).is_empty());
        let arrives = three[1].placed + SimTime::from_hours(48.0);
        assert!(wave(&mut s, arrives, &[]).is_empty(), "one minute to pack");
        let out = wave(&mut s, arrives + SimTime::from_hours(0.02), &[]);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].order.dest_outlet, out[0].release), (2, arrives));
        // The replenishment is on the shelf for the next order: it ships at once.
        let next = order(at(2, 12.0), 3);
        assert!(wave(&mut s, at(2, 12.0), &[next]).is_empty());
        assert_eq!(wave(&mut s, at(2, 12.1), &[]).len(), 1);
        assert_eq!(s.floors[0].counts.waited_for_restock, 1);
        // Cancels: the last customer to order, whatever order the wave lists them in.
        let mut s = shops(&stock(1.0, 0.0), 4);
        let listed = [three[2], three[0], three[1]];
        let out = wave(&mut s, at(0, 12.0), &listed);
        let shipped: Vec<u32> = out.iter().map(|o| o.order.dest_outlet).collect();
        assert_eq!(shipped, [0, 1], "stock goes to the first to order");
        assert_eq!(s.floors[0].counts.cancelled_stockout, 1);
        // Switches product and ships at once.
        let mut s = shops(&stock(0.0, 1.0), 4);
        assert_eq!(wave(&mut s, at(0, 12.0), &three).len(), 3);
        assert_eq!(s.floors[0].counts.switched_product, 1);
        assert_eq!(s.floors[0].counts.waited_for_restock, 0);
    }

    #[test]
    fn packaging_is_drawn_by_share_with_its_cost_weight_and_protection_from_the_config() {
        let kind = |name: &str, share, cost, weight_kg, protection| Packaging {
            name: name.into(),
            share,
            cost,
            weight_kg,
            protection,
            return_rate: 0.0,
        };
        let cfg = Shop {
            packaging: vec![
                kind("envelope", 1.0, 0.5, 0.1, 0.25),
                kind("box", 3.0, 2.0, 0.4, 1.0),
            ],
            packers: 50,
            pack_minutes: 0.1,
            ..plain()
        };
        let mut s = shops(&cfg, 1);
        let n = 4000;
        let orders: Vec<Order> = (0..n).map(|i| order(at(0, 8.0), i)).collect();
        wave(&mut s, at(0, 8.0), &orders);
        let out = wave(&mut s, at(0, 18.0), &[]);
        assert_eq!(out.len(), n as usize);
        let envelopes = out.iter().filter(|o| o.packaging == 0).count() as u64;
        assert!(binomial(envelopes, n as u64, 0.25), "{envelopes}");
        let yuan = s.floors[0].counts.packaging_yuan;
        let expected = envelopes as f64 * 0.5 + (n as u64 - envelopes) as f64 * 2.0;
        assert!((yuan - expected).abs() < 1e-6, "{yuan} vs {expected}");
        assert_eq!((s.protection(0), s.protection(1)), (0.25, 1.0));
        assert_eq!((s.packaging_kg(0), s.packaging_kg(1)), (0.1, 0.4));
    }

    #[test]
    fn the_carrier_is_chosen_by_the_policy_and_only_the_networks_orders_are_handed_over() {
        // A rival at 1 yuan plus 1 per 1,000 km, 36 h; the network at 1.5 yuan, 30 h.
        let with = |policy, rival_hours| Shop {
            carrier_policy: policy,
            network_expected_hours: 30.0,
            network_share: 1.0,
            carriers: vec![OtherCarrier {
                name: "rival".into(),
                price: 1.0,
                price_per_1000km: 1.0,
                expected_hours: rival_hours,
                share: 3.0,
            }],
            packers: 50,
            ..plain()
        };
        // Outlet 1 is 100 km away (rival 1.1 yuan), outlet 2 1,000 km (rival 2.0 yuan).
        let km = |dest: u32| if dest == 1 { 100.0 } else { 1000.0 };
        let run = |cfg: &Shop, n: u32| {
            let mut s = shops(cfg, 1);
            let orders: Vec<Order> = (0..n).map(|i| order(at(0, 8.0), 1 + i % 2)).collect();
            let mut out = Vec::new();
            s.wave(0, at(0, 8.0), &orders, km, &mut out);
            s.wave(0, at(0, 18.0), &[], km, &mut out);
            (out, s.floors[0].counts.clone())
        };
        let (out, c) = run(&with(CarrierPolicy::Cheapest, 36.0), 20);
        assert_eq!(c.shipped, 20);
        assert_eq!(
            c.shipped_other_carriers, 10,
            "the near ones go with the rival"
        );
        assert!(out.len() == 10 && out.iter().all(|o| o.order.dest_outlet == 2));
        assert!(out.iter().all(|o| o.carrier == 0 && o.price == 1.5));
        assert!((c.shipping_yuan - (10.0 * 1.1 + 10.0 * 1.5)).abs() < 1e-9);
        let (out, c) = run(&with(CarrierPolicy::Fastest, 36.0), 20);
        assert_eq!((out.len(), c.shipped_other_carriers), (20, 0));
        let (out, c) = run(&with(CarrierPolicy::Fastest, 20.0), 20);
        assert_eq!(
            (out.len(), c.shipped_other_carriers),
            (0, 20),
            "the rival is faster"
        );
        let (out, _) = run(&with(CarrierPolicy::Network, 20.0), 20);
        assert_eq!(out.len(), 20);
        let (out, c) = run(&with(CarrierPolicy::Shares, 36.0), 4000);
        assert!(binomial(c.shipped_other_carriers, 4000, 0.75), "{c:?}");
        assert_eq!(out.len() as u64 + c.shipped_other_carriers, 4000);
    }

    #[test]
    fn customers_rate_return_and_exchange_by_the_rates_asked_when_measured() {
        let cfg = Shop {
            packaging: vec![Packaging {
                return_rate: 0.0,
                ..plain().packaging[0].clone()
            }],
            return_if_damaged: 1.0,
            return_if_late: 0.0,
            exchange_share: 1.0,
            complaint_if_returned: 1.0,
            complaint_cost: 20.0,
            rating_penalty_late: 1.0,
            rating_penalty_damaged: 2.0,
            rating_penalty_return: 0.5,
            ..plain()
        };
        let mut s = shops(&cfg, 1);
        let kept = s.signed(0, 0, true, false, true);
        assert!(!kept.returns && !kept.exchange);
        assert_eq!(s.floors[0].counts.rating_sum, 5.0 - 1.0, "late");
        let back = s.signed(0, 0, false, true, true);
        assert!(
            back.returns && back.exchange,
            "damaged: sent back for another"
        );
        let rated = s.floors[0].counts.rating_sum;
        assert_eq!(
            rated,
            (5.0 - 1.0) + (5.0 - 2.0 - 0.5),
            "damaged and returned"
        );
        let unmeasured = s.signed(0, 0, true, true, false);
        assert!(unmeasured.returns);
        let c = &s.floors[0].counts;
        assert_eq!((c.ratings, c.kept, c.exchanged, c.returned), (2, 1, 1, 0));
        assert_eq!((c.returns, c.exchanges, c.complaints_returns), (1, 1, 1));
        assert_eq!(c.rating_sum, rated, "an unmeasured rating is not counted");
        assert_eq!(c.complaints_yuan, 20.0);
        // Ratings stop at 1.
        let harsh = Shop {
            rating_penalty_late: 4.5,
            ..cfg.clone()
        };
        let mut s = shops(&harsh, 1);
        s.signed(0, 0, true, true, true);
        assert_eq!(s.floors[0].counts.rating_sum, 1.0);
        // Returns and exchanges at their rates.
        let mixed = Shop {
            packaging: vec![Packaging {
                return_rate: 0.2,
                ..cfg.packaging[0].clone()
            }],
            exchange_share: 0.5,
            ..cfg
        };
        let mut s = shops(&mixed, 1);
        for _ in 0..10_000 {
            s.signed(0, 0, false, false, true);
        }
        let c = &s.floors[0].counts;
        assert!(binomial(c.returns, 10_000, 0.2), "{c:?}");
        assert!(binomial(c.exchanges, c.returns, 0.5), "{c:?}");
        assert_eq!(c.kept + c.returned + c.exchanged, 10_000);
    }

    #[test]
    fn only_orders_placed_in_the_window_count_and_the_shops_costs_add_up() {
        let cfg = Shop {
            defect_rate: 1.0,
            defect_cost: 15.0,
            packers: 3,
            wage_per_hour: 20.0,
            pack_shifts: vec![shift("08:00", 4.0), shift("14:00", 4.0)],
            ..plain()
        };
        let window = (SimTime::from_days(1), SimTime::from_days(2));
        let active = [true, false, true];
        let mut s = Shops::new(&cfg, 1.5, &active, 3, rng(5, Stream::Shop, 0), window);
        assert!(s.active(0) && !s.active(1) && s.active(2));
        assert_eq!(s.labour_per_shop_day(), 3.0 * 8.0 * 20.0);
        assert_eq!(
            s.labour_yuan_per_day(),
            2.0 * 480.0,
            "idle shops are not staffed"
        );
        let mut out = Vec::new();
        for k in [0, 2] {
            // Before the window, in it, and in it but after the day's last shift.
            let orders = [order(at(0, 9.0), 1), order(at(1, 9.0), 1)];
            s.wave(k, at(0, 9.0), &orders[..1], |_| 100.0, &mut out);
            s.wave(k, at(1, 9.0), &orders[1..], |_| 100.0, &mut out);
            s.wave(
                k,
                at(1, 10.0),
                &[order(at(1, 20.0), 1)],
                |_| 100.0,
                &mut out,
            );
        }
        s.lost(0, true);
        s.lost(0, false);
        for k in [0, 2] {
            let c = &s.floors[k].counts;
            assert_eq!((c.orders_placed, c.shipped, c.defects_replaced), (2, 1, 1));
            assert_eq!(c.defects_yuan, 15.0);
            let packaging = cfg.packaging[..].iter().map(|p| p.cost);
            assert!(packaging.clone().any(|y| y == c.packaging_yuan));
            assert_eq!(c.shipping_yuan, 1.5);
        }
        assert_eq!(
            s.waiting_measured(),
            2,
            "one order of the window waits at each shop"
        );
        let t = s.totals();
        assert_eq!((t.orders_placed, t.shipped, t.lost), (4, 2, 1));
        assert_eq!(t.defects_yuan, 30.0);
        let packed: f64 = [0, 2]
            .iter()
            .map(|&k| s.floors[k].counts.packaging_yuan)
            .sum();
        assert_eq!(t.packaging_yuan, packed);
    }
}
