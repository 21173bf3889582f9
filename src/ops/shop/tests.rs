//! Unit tests of the shop before handover.

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
        pack_shifts: vec![Shift::new("08:00", 10.0)],
        ..Shop::default()
    }
}

/// One active shop over `days` days, all of them measured.
fn shops(cfg: &Shop, days: u64) -> Shops {
    let window = (SimTime::ZERO, SimTime::from_days(days));
    Shops::new(cfg, 1.5, &[true], days, rng(5, Stream::Shop, 0), window).expect("a valid shop")
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
        pack_shifts: vec![Shift::new("08:00", 2.0)],
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
        pack_shifts: vec![Shift::new("08:00", 4.0), Shift::new("14:00", 4.0)],
        ..plain()
    };
    let window = (SimTime::from_days(1), SimTime::from_days(2));
    let active = [true, false, true];
    let mut s =
        Shops::new(&cfg, 1.5, &active, 3, rng(5, Stream::Shop, 0), window).expect("a valid shop");
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
