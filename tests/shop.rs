//! The shop's side before handover: every order ends in exactly one state, and each
//! mechanism moves the outcome the expected way.

mod common;

use parcelsim::run::{RunOptions, Summary, load, run};
use std::path::Path;

/// Runs `scenarios/shop_yiwu.toml` edited by `edit` (its CSV paths made absolute).
fn shop(edit: impl Fn(String) -> String) -> Summary {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = std::fs::read_to_string(root.join("shop_yiwu.toml"))
        .unwrap()
        .replace("\"two_yuan/", &format!("\"{}/two_yuan/", root.display()));
    common::run_text(&edit(text))
}

#[test]
fn every_order_ends_in_exactly_one_state() {
    let s = shop(|t| t);
    let sh = s.shop.as_ref().expect("the scenario models the shop");
    let c = &sh.counts;
    assert!(c.orders_placed > 5_000, "{}", c.orders_placed);
    assert_eq!(
        c.orders_placed,
        c.shipped
            + c.cancelled_address
            + c.cancelled_stockout
            + c.cancelled_payment
            + sh.waiting_at_shop
    );
    assert!(c.cancelled_address > 0 && c.cancelled_stockout > 0 && c.cancelled_payment > 0);
    // And every shipped order ended kept, returned, exchanged, lost, with another carrier,
    // or is still travelling.
    assert_eq!(
        c.shipped,
        c.kept + c.returned + c.exchanged + c.lost + c.shipped_other_carriers + sh.in_flight
    );
    assert!(c.kept > 0 && c.returned > 0 && c.exchanged > 0 && c.shipped_other_carriers > 0);
    // Only Yiwu sends: every parcel starts at a Yiwu outlet.
    assert!(sh.shipped > 0 && sh.cost_per_order > sh.shipping_price_per_order);
}

#[test]
fn more_stock_outs_mean_longer_waits_and_more_cancellations() {
    let normal = shop(|t| t);
    // Reordering later and in smaller lots leaves the shelves empty more often.
    let short = shop(|t| {
        t.replace("reorder_point = 80", "reorder_point = 10")
            .replace("order_quantity = 150", "order_quantity = 60")
            .replace("initial_stock = 200", "initial_stock = 60")
    });
    let (a, b) = (normal.shop.unwrap(), short.shop.unwrap());
    assert!(
        b.counts.cancelled_stockout > 3 * a.counts.cancelled_stockout,
        "{} vs {}",
        b.counts.cancelled_stockout,
        a.counts.cancelled_stockout
    );
    assert!(
        b.placed_to_packed_hours_mean > a.placed_to_packed_hours_mean + 2.0,
        "{} vs {} ({} waited)",
        b.placed_to_packed_hours_mean,
        a.placed_to_packed_hours_mean,
        b.counts.waited_for_restock
    );
    assert!(b.counts.waited_for_restock > a.counts.waited_for_restock);
}

#[test]
fn better_packaging_means_less_damage_and_fewer_claims() {
    let rough = |t: String| format!("{t}\n[operations.sorting.manual]\ndamage_per_sort = 0.01\n");
    let mailers = shop(|t| rough(t.replace("share = 0.3", "share = 0.0")));
    let cartons = shop(|t| {
        rough(
            t.replace("share = 0.7", "share = 0.0")
                .replace("protection = 0.3", "protection = 0.1"),
        )
    });
    assert!(mailers.quality.counts.damaged > 3 * cartons.quality.counts.damaged.max(1));
    assert!(mailers.quality.claims_yuan_per_parcel > cartons.quality.claims_yuan_per_parcel);
    // Cartons cost the shop more.
    assert!(cartons.shop.unwrap().packaging_per_order > mailers.shop.unwrap().packaging_per_order);
}

#[test]
fn a_later_cut_off_shortens_the_shops_time() {
    // The shop packs into the evening; the carrier's last pickup comes at 19:00 or 22:30.
    let evening = |t: String| t.replace("hours = 10 }]", "hours = 14 }]");
    let early = shop(evening);
    let late = shop(|t| {
        format!(
            "{}\n[operations.pickup]\nwaves = [\"13:00\", \"16:00\", \"22:30\"]\n",
            evening(t)
        )
    });
    assert!(
        late.order_to_pickup_hours_mean < early.order_to_pickup_hours_mean - 1.0,
        "{} vs {}",
        late.order_to_pickup_hours_mean,
        early.order_to_pickup_hours_mean
    );
}

#[test]
fn returns_travel_back_through_the_network_and_exchanges_go_out_again() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let text = std::fs::read_to_string(root.join("shop_yiwu.toml"))
        .unwrap()
        .replace("\"two_yuan/", &format!("\"{}/two_yuan/", root.display()));
    let tmp = tempfile::tempdir().unwrap();
    let lane_into = |returns: &str| {
        let path = tmp.path().join(format!("r{returns}.toml"));
        // Every order goes with the network, so every return is visible on its lanes.
        let edited = text
            .replace(
                "carrier_policy = \"cheapest\"",
                "carrier_policy = \"network\"",
            )
            .replace(
                "defect_cost = 15",
                "defect_cost = 15\nreturn_if_damaged = 0.0\nreturn_if_late = 0.0",
            )
            .replace("\ncost = ", &format!("\nreturn_rate = {returns}\ncost = "));
        std::fs::write(&path, edited).unwrap();
        let l = load(&path).unwrap();
        let out = run(&l.scenario, &l.network, &l.sha256, &RunOptions::default()).unwrap();
        // Hangzhou's customers only receive: anything on their way out is a return.
        let back = out
            .lanes
            .iter()
            .find(|r| r.from == "Hangzhou-O1" && r.to == "Hangzhou-C")
            .unwrap()
            .parcels;
        (back, out.summary)
    };
    let (none_back, none) = lane_into("0.0");
    let (some_back, some) = lane_into("0.2");
    assert_eq!(none_back, 0);
    assert!(some_back > 20, "{some_back}");
    let sh = some.shop.unwrap();
    assert!(
        sh.counts.returns > 500 && sh.counts.exchanges > 100,
        "{} {}",
        sh.counts.returns,
        sh.counts.exchanges
    );
    assert!(sh.returns_shipping_per_order > none.shop.as_ref().unwrap().returns_shipping_per_order);
    assert!(sh.mean_rating < none.shop.unwrap().mean_rating);
    // The carrier carried more parcels for the same orders.
    assert!(some.parcels_generated > none.parcels_generated);
}

#[test]
fn the_shop_gives_each_order_to_the_cheapest_carrier_for_its_destination() {
    let cheapest = shop(|t| t);
    let ours_only = shop(|t| {
        t.replace(
            "carrier_policy = \"cheapest\"",
            "carrier_policy = \"network\"",
        )
    });
    let (a, b) = (cheapest.shop.unwrap(), ours_only.shop.unwrap());
    // Near destinations go to the rival, far ones stay with the network.
    assert!(
        a.other_carriers_share > 0.2 && a.other_carriers_share < 0.9,
        "{}",
        a.other_carriers_share
    );
    assert_eq!(b.other_carriers_share, 0.0);
    assert!(a.shipping_price_per_order < b.shipping_price_per_order);
    assert!(cheapest.parcels_generated < ours_only.parcels_generated);
}

#[test]
fn a_shop_run_draws_the_shops_cost_and_time_charts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let l = load(&root.join("shop_yiwu.toml")).unwrap();
    let out = run(&l.scenario, &l.network, &l.sha256, &RunOptions::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    parcelsim::report::write_run(tmp.path(), &out).unwrap();
    assert!(tmp.path().join("shop.csv").exists());
    parcelsim::plot::plot_dir(tmp.path(), 2.0).unwrap();
    for chart in ["shop_cost.png", "shop_time.png", "shop_cost.svg"] {
        let len = std::fs::metadata(tmp.path().join("plots").join(chart))
            .unwrap()
            .len();
        assert!(len > 5_000, "{chart}: {len} bytes");
    }
    let svg = std::fs::read_to_string(tmp.path().join("plots/shop_time.svg")).unwrap();
    assert!(svg.contains("picked up"), "axis labels rendered");
}
