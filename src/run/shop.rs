//! The shop's side of a run: `summary.json` `shop` and the rows of `shop.csv`.

use super::ratio;
use crate::network::Network;
use crate::ops::Carrier;
use crate::scenario::Scenario;
use serde::Serialize;
use std::collections::BTreeMap;

/// The shop's view of orders placed in the measured window: where they ended, how long
/// they took to pack, and what a shipped order cost the shop (yuan per shipped order).
#[derive(Debug, Clone, Serialize)]
pub struct ShopSummary {
    pub orders_placed: u64,
    pub shipped: u64,
    pub cancelled_before_shipping: u64,
    pub cancelled_share_by_reason: BTreeMap<&'static str, f64>,
    /// Orders still at the shop when the run ended.
    pub waiting_at_shop: u64,
    /// Shipped orders whose parcel was still travelling when the run ended.
    pub in_flight: u64,
    pub placed_to_packed_hours_mean: f64,
    pub fulfilment_labour_per_order: f64,
    pub packaging_per_order: f64,
    pub defect_replacement_per_order: f64,
    /// Shipping paid per order (the network's shop price, or another carrier's price).
    pub shipping_price_per_order: f64,
    /// Share of shipped orders sent with carriers other than the simulated network.
    pub other_carriers_share: f64,
    /// Compensation received for damaged and lost parcels (subtracted).
    pub claims_recovered_per_order: f64,
    /// Shipping paid for returns and exchanges (each a parcel at the shop price).
    pub returns_shipping_per_order: f64,
    pub return_rate: f64,
    pub mean_rating: f64,
    /// Complaints about returns per million shipped orders, and their handling cost.
    pub return_complaints_per_million: f64,
    pub complaint_handling_per_order: f64,
    pub cost_per_order: f64,
    #[serde(flatten)]
    pub counts: crate::ops::shop::ShopCounts,
}
pub(super) fn shop_summary(
    sc: &Scenario,
    m: &Carrier,
    claims_per_parcel: f64,
) -> Option<ShopSummary> {
    let shops = m.shops.as_ref()?;
    let c = &shops.totals();
    let shipped = c.shipped as f64;
    let cancelled = c.cancelled();
    let placed = c.orders_placed as f64;
    let labour = shops.labour_yuan_per_day() * sc.days as f64;
    let per = |x: f64| ratio(x, shipped);
    let (lab, pack, defect) = (per(labour), per(c.packaging_yuan), per(c.defects_yuan));
    let price = per(c.shipping_yuan);
    let returns_shipping = per((c.returns + c.exchanges) as f64 * sc.operating_model.shop_price);
    Some(ShopSummary {
        orders_placed: c.orders_placed,
        shipped: c.shipped,
        cancelled_before_shipping: cancelled,
        cancelled_share_by_reason: [
            ("address", ratio(c.cancelled_address as f64, placed)),
            ("stockout", ratio(c.cancelled_stockout as f64, placed)),
            ("payment", ratio(c.cancelled_payment as f64, placed)),
        ]
        .into_iter()
        .collect(),
        waiting_at_shop: shops.waiting_measured(),
        in_flight: m.orders_in_flight(),
        placed_to_packed_hours_mean: per(c.placed_to_packed_hours),
        fulfilment_labour_per_order: lab,
        packaging_per_order: pack,
        defect_replacement_per_order: defect,
        shipping_price_per_order: price,
        other_carriers_share: per(c.shipped_other_carriers as f64),
        claims_recovered_per_order: claims_per_parcel,
        returns_shipping_per_order: returns_shipping,
        return_rate: ratio(c.returns as f64, c.ratings as f64),
        mean_rating: ratio(c.rating_sum, c.ratings as f64),
        return_complaints_per_million: per(c.complaints_returns as f64 * 1e6),
        complaint_handling_per_order: per(c.complaints_yuan),
        cost_per_order: lab + pack + defect + price + returns_shipping + per(c.complaints_yuan)
            - claims_per_parcel,
        counts: c.clone(),
    })
}

/// One row of `shop.csv`: one shop (the shops sending from one outlet), measured window.
#[derive(Debug, Clone, Serialize)]
pub struct ShopRow {
    pub outlet: String,
    pub orders_placed: u64,
    pub shipped: u64,
    pub cancelled: u64,
    pub returns: u64,
    pub exchanges: u64,
    pub mean_rating: f64,
    pub placed_to_packed_hours_mean: f64,
    pub labour_per_order: f64,
    pub packaging_per_order: f64,
    pub cost_per_order: f64,
}
pub(super) fn shop_rows(sc: &Scenario, net: &Network, m: &Carrier) -> Vec<ShopRow> {
    let Some(shops) = &m.shops else {
        return Vec::new();
    };
    let price = sc.operating_model.shop_price;
    (0..net.outlets.len())
        .filter(|&k| shops.active(k))
        .map(|k| {
            let c = &shops.floors[k].counts;
            let shipped = c.shipped as f64;
            let labour = ratio(shops.labour_per_shop_day() * sc.days as f64, shipped);
            let packaging = ratio(c.packaging_yuan, shipped);
            let other = ratio(
                c.defects_yuan
                    + (c.returns + c.exchanges) as f64 * price
                    + c.complaints_yuan
                    + c.shipping_yuan,
                shipped,
            );
            ShopRow {
                outlet: net.nodes[net.outlets[k] as usize].id.clone(),
                orders_placed: c.orders_placed,
                shipped: c.shipped,
                cancelled: c.cancelled(),
                returns: c.returns,
                exchanges: c.exchanges,
                mean_rating: ratio(c.rating_sum, c.ratings as f64),
                placed_to_packed_hours_mean: ratio(c.placed_to_packed_hours, shipped),
                labour_per_order: labour,
                packaging_per_order: packaging,
                cost_per_order: labour + packaging + other,
            }
        })
        .collect()
}
