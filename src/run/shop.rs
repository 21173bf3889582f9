//! The shop's side of a run: `summary.json` `shop` and the rows of `shop.csv`.

use super::ratio;
use crate::format::summary::ShopSummary;
use crate::network::Network;
use crate::ops::Carrier;
use crate::scenario::Scenario;
use serde::Serialize;

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
        .map(|(k, v)| (k.to_string(), v))
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
    /// Id of the origin outlet the shop sends from.
    pub outlet: String,
    /// Orders placed in the window.
    pub orders_placed: u64,
    /// Orders shipped, with any carrier.
    pub shipped: u64,
    /// Orders cancelled before shipping.
    pub cancelled: u64,
    /// Returns sent back.
    pub returns: u64,
    /// Replacements sent out for exchanges.
    pub exchanges: u64,
    /// Mean customer rating (1 to 5).
    pub mean_rating: f64,
    /// Mean hours from order placed to packed (h).
    pub placed_to_packed_hours_mean: f64,
    /// Packers' pay per shipped order (yuan).
    pub labour_per_order: f64,
    /// Packaging material per shipped order (yuan).
    pub packaging_per_order: f64,
    /// The shop's costs per shipped order (yuan).
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
