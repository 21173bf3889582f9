//! The shop's side before handover (网店发货): each order is confirmed (address errors are
//! corrected or cancelled), checked against stock (a stock-out waits for restock, switches
//! product or cancels), paid (failed payments cancel), then picked, inspected and packed at
//! a station with workers on shifts, and handed to the carrier at the first pickup wave
//! after it is packed. The shop's costs are kept apart from the carrier's.

mod model;

use super::sorter::{Calendar, ServiceTime, Sorter};
use crate::demand::Order;
use crate::engine::SimTime;
pub use crate::format::summary::ShopCounts;
use crate::random::Rng;
use crate::scenario::{CarrierPolicy, Shop};
use model::Model;
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
    /// The shop's settings, typed when the shops were built.
    m: Model,
    calendar: Calendar,
    packaging: WeightedIndex<f64>,
    /// The network's and the other carriers' shares of the orders, under the `shares`
    /// policy.
    carrier_shares: Option<WeightedIndex<f64>>,
    rng: Rng,
    /// One shop per outlet, in outlet order.
    pub floors: Vec<ShopFloor>,
    window: (SimTime, SimTime),
}

impl Shops {
    /// The shops of a checked `shop` section; the simulated network charges them
    /// `network_price` (yuan per parcel). `active[k]`: whether orders originate at outlet
    /// `k`. A setting the run cannot read is an error naming its field.
    pub fn new(
        cfg: &Shop,
        network_price: f64,
        active: &[bool],
        days: u64,
        rng: Rng,
        window: (SimTime, SimTime),
    ) -> Result<Shops, String> {
        let m = Model::new(cfg, network_price)?;
        let carrier_shares = (m.carrier_policy == CarrierPolicy::Shares)
            .then(|| {
                let shares =
                    std::iter::once(cfg.network_share).chain(cfg.carriers.iter().map(|o| o.share));
                WeightedIndex::new(shares).map_err(|e| format!("shop.carriers.share: {e}"))
            })
            .transpose()?;
        Ok(Shops {
            calendar: Calendar::daily(&m.shifts, days),
            packaging: WeightedIndex::new(cfg.packaging.iter().map(|p| p.share))
                .map_err(|e| format!("shop.packaging.share: {e}"))?,
            carrier_shares,
            rng,
            floors: active
                .iter()
                .map(|&active| ShopFloor {
                    counts: ShopCounts::default(),
                    stock: vec![m.initial_stock; m.products],
                    on_order: vec![None; m.products],
                    active,
                    station: Sorter::new(m.packers, ServiceTime::fixed(m.pack_ms), window),
                    held: Vec::new(),
                    packed: Vec::new(),
                })
                .collect(),
            m,
            window,
        })
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
        let c = &self.m;
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
        self.m.return_delay
    }

    /// Weight a packaging type adds (kg).
    pub fn packaging_kg(&self, packaging: u8) -> f64 {
        self.m.packaging[packaging as usize].weight_kg
    }

    /// Protection factor of a packaging type (multiplies the damage probability).
    pub fn protection(&self, packaging: u8) -> f64 {
        self.m.packaging[packaging as usize].protection
    }

    /// The carrier for an order going `km` away, by the scenario's policy: (index, price).
    fn choose_carrier(&mut self, km: f64) -> (u8, f64) {
        let c = &self.m;
        let price_of = |i: usize| c.price(i, km);
        let hours_of = |i: usize| c.carrier(i).hours;
        let n = c.others.len() + 1;
        let i = match c.carrier_policy {
            CarrierPolicy::Network => 0,
            CarrierPolicy::Cheapest => (0..n)
                .min_by(|&a, &b| price_of(a).total_cmp(&price_of(b)))
                .expect("the network"),
            CarrierPolicy::Fastest => (0..n)
                .min_by(|&a, &b| hours_of(a).total_cmp(&hours_of(b)))
                .expect("the network"),
            CarrierPolicy::Shares => self
                .carrier_shares
                .as_ref()
                .map_or(0, |w| w.sample(&mut self.rng)),
        };
        (i as u8, price_of(i))
    }

    /// Confirmation, stock and payment of one new order: the order with the time it can
    /// be packed, or why it was cancelled.
    fn admit(&mut self, k: usize, order: Order, km: f64) -> Result<ShopOrder, Cancel> {
        let measured = self.measured(order.placed);
        let (u_err, u_fix, u_what, u_pay): (f64, f64, f64, f64) = (
            self.rng.random(),
            self.rng.random(),
            self.rng.random(),
            self.rng.random(),
        );
        let product = self.rng.random_range(0..self.m.products);
        let packaging = self.packaging.sample(&mut self.rng) as u8;
        let (carrier, price) = self.choose_carrier(km);
        let c = &self.m;
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
            release = release + c.correction;
            count.corrected += u64::from(measured);
        }
        // Inventory: a replenishment that has arrived is put on the shelf first.
        if let Some((arrives, qty)) = floor.on_order[product]
            && arrives <= order.placed
        {
            floor.stock[product] += qty;
            floor.on_order[product] = None;
        }
        let lead = c.lead_time;
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
        self.m.labour_per_shop_day
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
            if self.rng.random::<f64>() < self.m.defect_rate && self.measured(so.order.placed) {
                let c = &mut self.floors[k].counts;
                c.defects_replaced += 1;
                c.defects_yuan += self.m.defect_cost;
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
                c.packaging_yuan += self.m.packaging[so.packaging as usize].cost;
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
mod tests;
