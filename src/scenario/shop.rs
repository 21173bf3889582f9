//! The `[shop]` section: the shop's process before handover (confirmation, stock, payment,
//! packing, packaging by product category, carriers and returns), with its defaults.

use super::operations::{Shift, validate_shifts};
use super::validate::{Check, MAX_KINDS};
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// The shop's process before handover, one shop per origin outlet.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    /// Share of orders whose address or contact is wrong at confirmation (-). Assumption.
    #[serde(default = "d_addr_err")]
    pub address_error_rate: f64,
    /// Time to correct such an order with the customer (h). Assumption.
    #[serde(default = "d_correction")]
    pub correction_hours: f64,
    /// Share of wrong orders cancelled instead of corrected (-). Assumption.
    #[serde(default = "d_err_cancel")]
    pub error_cancel_share: f64,
    /// Products each shop sells, equally popular (count). Assumption.
    #[serde(default = "d_products")]
    pub products: u32,
    /// Stock of each product at the start (units). Assumption.
    #[serde(default = "d_initial_stock")]
    pub initial_stock: i64,
    /// A replenishment is ordered when a product's stock falls to this (units). Assumption.
    #[serde(default = "d_reorder_point")]
    pub reorder_point: i64,
    /// Units one replenishment brings (units). Assumption.
    #[serde(default = "d_order_quantity")]
    pub order_quantity: i64,
    /// Replenishment lead time (h). Assumption.
    #[serde(default = "d_lead_time")]
    pub lead_time_hours: f64,
    /// Of customers who meet a stock-out: the share who switch product and ship at once
    /// (-). Assumption.
    #[serde(default = "d_switch")]
    pub stockout_switch_share: f64,
    /// Of customers who meet a stock-out: the share who cancel; the rest wait for the
    /// restock (-). With the switching share at most 1. Assumption.
    #[serde(default = "d_so_cancel")]
    pub stockout_cancel_share: f64,
    /// Share of payments that fail or are abandoned: cancelled (-). Assumption.
    #[serde(default = "d_pay_fail")]
    pub payment_failure_rate: f64,
    /// Picking, inspection and packing time per order (minutes). Assumption.
    #[serde(default = "d_pack_min")]
    pub pack_minutes: f64,
    /// Packers at each shop's packing station (people). Assumption.
    #[serde(default = "d_packers")]
    pub packers: u32,
    /// The packers' daily shifts; orders placed outside them wait for the next one.
    #[serde(default = "d_pack_shifts")]
    pub pack_shifts: Vec<Shift>,
    /// Packers' pay (yuan/h). S15 (warehouse temp wage ≈15–17).
    #[serde(default = "d_pack_wage")]
    pub wage_per_hour: f64,
    /// Share of items inspection finds defective and replaces (-). Assumption.
    #[serde(default = "d_defect")]
    pub defect_rate: f64,
    /// Cost of replacing a defective item (yuan). Assumption.
    #[serde(default = "d_defect_cost")]
    pub defect_cost: f64,
    /// Packaging by product category: share of orders, cost, and protection (multiplies
    /// the probability that a sort damages the parcel). Q1-Q4.
    #[serde(default = "d_packaging")]
    pub packaging: Vec<Packaging>,
    /// Extra return probability when the parcel arrived damaged (-). Assumption.
    #[serde(default = "d_ret_damaged")]
    pub return_if_damaged: f64,
    /// Extra return probability when the parcel arrived late (-). Assumption.
    #[serde(default = "d_ret_late")]
    pub return_if_late: f64,
    /// Time a customer takes to hand a return to the outlet (h). Assumption.
    #[serde(default = "d_ret_delay")]
    pub return_delay_hours: f64,
    /// Share of returns that are exchanges: a new parcel goes out when the return is back
    /// (-). Assumption.
    #[serde(default = "d_exchange")]
    pub exchange_share: f64,
    /// Probability that a return (the hassle of sending it back) brings a complaint to the
    /// shop (-). Assumption.
    #[serde(default = "d_c_return")]
    pub complaint_if_returned: f64,
    /// Staff time to handle one complaint to the shop (yuan). Assumption.
    #[serde(default = "d_shop_complaint_cost")]
    pub complaint_cost: f64,
    /// How the shop picks a carrier per order: `network` (always the simulated network),
    /// `shares` (at random by `share`), `cheapest` for the destination, or `fastest`.
    #[serde(default)]
    pub carrier_policy: CarrierPolicy,
    /// The simulated network's door-to-door time as the `fastest` policy expects it (h).
    #[serde(default = "d_network_hours")]
    pub network_expected_hours: f64,
    /// The simulated network's weight under the `shares` policy (relative weight).
    #[serde(default = "d_network_share")]
    pub network_share: f64,
    /// Other carriers the shop can use. They are not simulated: a price (fixed plus per
    /// 1,000 km to the destination) and a door-to-door time.
    #[serde(default)]
    pub carriers: Vec<OtherCarrier>,
    /// A customer's rating is 5 less these penalties, at least 1: points off for a late
    /// parcel (rating points). Assumption.
    #[serde(default = "d_pen_late")]
    pub rating_penalty_late: f64,
    /// Points off the rating for a damaged parcel (rating points). Assumption.
    #[serde(default = "d_pen_damaged")]
    pub rating_penalty_damaged: f64,
    /// Points off the rating for a return (rating points). Assumption.
    #[serde(default = "d_pen_return")]
    pub rating_penalty_return: f64,
}

default_via_serde!(Shop);

impl Shop {
    /// Field by field in the order of the section: rates and shares in [0, 1] (switch plus
    /// cancel at most 1), times and costs not negative, counts at least 1, shifts and lists
    /// valid, and a `shares` policy with some positive share.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.probability("address_error_rate", self.address_error_rate)?;
        at.non_negative("correction_hours", self.correction_hours)?;
        at.probability("error_cancel_share", self.error_cancel_share)?;
        at.at_least_one("products", u64::from(self.products))?;
        for (f, v) in [
            ("initial_stock", self.initial_stock),
            ("reorder_point", self.reorder_point),
        ] {
            if v < 0 {
                return Err(at.error(f, format!("stock levels cannot be negative, got {v}")));
            }
        }
        if self.order_quantity <= 0 {
            return Err(at.error("order_quantity", "must be at least 1"));
        }
        at.non_negative("lead_time_hours", self.lead_time_hours)?;
        at.probability("stockout_switch_share", self.stockout_switch_share)?;
        at.probability("stockout_cancel_share", self.stockout_cancel_share)?;
        if self.stockout_switch_share + self.stockout_cancel_share > 1.0 {
            return Err(at.error(
                "stockout_cancel_share",
                "switch and cancel shares add up to more than 1",
            ));
        }
        at.probability("payment_failure_rate", self.payment_failure_rate)?;
        at.positive("pack_minutes", self.pack_minutes)?;
        at.at_least_one("packers", u64::from(self.packers))?;
        validate_shifts(&self.pack_shifts, &at.at("pack_shifts"))?;
        at.non_negative("wage_per_hour", self.wage_per_hour)?;
        at.probability("defect_rate", self.defect_rate)?;
        at.non_negative("defect_cost", self.defect_cost)?;
        at.at_most("packaging", self.packaging.len(), MAX_KINDS)?;
        if self.packaging.is_empty() || self.packaging.iter().all(|p| p.share <= 0.0) {
            return Err(at.error(
                "packaging",
                "needs at least one packaging with a positive share",
            ));
        }
        for (i, p) in self.packaging.iter().enumerate() {
            p.validate(&at.at("packaging").item(i))?;
        }
        at.probability("return_if_damaged", self.return_if_damaged)?;
        at.probability("return_if_late", self.return_if_late)?;
        at.non_negative("return_delay_hours", self.return_delay_hours)?;
        at.probability("exchange_share", self.exchange_share)?;
        at.probability("complaint_if_returned", self.complaint_if_returned)?;
        at.non_negative("complaint_cost", self.complaint_cost)?;
        at.positive("network_expected_hours", self.network_expected_hours)?;
        at.non_negative("network_share", self.network_share)?;
        at.at_most("carriers", self.carriers.len(), MAX_KINDS)?;
        for (i, c) in self.carriers.iter().enumerate() {
            c.validate(&at.at("carriers").item(i))?;
        }
        if self.carrier_policy == CarrierPolicy::Shares
            && self.network_share + self.carriers.iter().map(|c| c.share).sum::<f64>() <= 0.0
        {
            return Err(at.error(
                "carrier_policy",
                "`shares` needs a positive share somewhere",
            ));
        }
        at.non_negative("rating_penalty_late", self.rating_penalty_late)?;
        at.non_negative("rating_penalty_damaged", self.rating_penalty_damaged)?;
        at.non_negative("rating_penalty_return", self.rating_penalty_return)
    }
}

fn d_ret_damaged() -> f64 {
    0.6
}

fn d_ret_late() -> f64 {
    0.05
}

fn d_ret_delay() -> f64 {
    24.0
}

fn d_exchange() -> f64 {
    0.3
}

fn d_c_return() -> f64 {
    0.05
}

fn d_shop_complaint_cost() -> f64 {
    20.0
}

fn d_network_hours() -> f64 {
    48.0
}

fn d_network_share() -> f64 {
    1.0
}

fn d_pen_late() -> f64 {
    1.0
}

fn d_pen_damaged() -> f64 {
    2.0
}

fn d_pen_return() -> f64 {
    0.5
}

fn d_addr_err() -> f64 {
    0.02
}

fn d_correction() -> f64 {
    6.0
}

fn d_err_cancel() -> f64 {
    0.2
}

fn d_products() -> u32 {
    50
}

fn d_initial_stock() -> i64 {
    200
}

fn d_reorder_point() -> i64 {
    80
}

fn d_order_quantity() -> i64 {
    150
}

fn d_lead_time() -> f64 {
    48.0
}

fn d_switch() -> f64 {
    0.3
}

fn d_so_cancel() -> f64 {
    0.3
}

fn d_pay_fail() -> f64 {
    0.01
}

fn d_pack_min() -> f64 {
    1.5
}

fn d_packers() -> u32 {
    4
}

fn d_pack_shifts() -> Vec<Shift> {
    vec![Shift::new("08:00", 10.0)]
}

fn d_pack_wage() -> f64 {
    17.0
}

fn d_defect() -> f64 {
    0.005
}

fn d_defect_cost() -> f64 {
    15.0
}

fn d_packaging() -> Vec<Packaging> {
    vec![
        Packaging {
            name: "poly_mailer".into(),
            share: 0.7,
            cost: 0.1,
            weight_kg: 0.02,
            protection: 1.0,
            return_rate: 0.03,
        },
        Packaging {
            name: "carton".into(),
            share: 0.3,
            cost: 1.0,
            weight_kg: 0.15,
            protection: 0.3,
            return_rate: 0.03,
        },
    ]
}

/// How the shop picks a carrier for each order.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CarrierPolicy {
    /// Always the simulated network.
    #[default]
    Network,
    /// At random, weighted by `network_share` and each carrier's `share`.
    Shares,
    /// The lowest price for the order's destination.
    Cheapest,
    /// The shortest expected door-to-door time.
    Fastest,
}

/// A carrier other than the simulated network, seen from the shop.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherCarrier {
    /// Name, as the shop's results report it.
    pub name: String,
    /// Price per parcel (yuan).
    pub price: f64,
    /// Extra price per 1,000 km to the destination (yuan).
    #[serde(default)]
    pub price_per_1000km: f64,
    /// Mean door-to-door time (h).
    pub expected_hours: f64,
    /// Weight under the `shares` policy (relative weight).
    #[serde(default)]
    pub share: f64,
}

impl OtherCarrier {
    /// Prices and share not negative, a positive door-to-door time.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.non_negative("price", self.price)?;
        at.non_negative("price_per_1000km", self.price_per_1000km)?;
        at.positive("expected_hours", self.expected_hours)?;
        at.non_negative("share", self.share)
    }
}

/// A packaging type, one per product category.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    /// Name, as the shop's results report it.
    pub name: String,
    /// Share of orders packed this way (relative weight over the types).
    pub share: f64,
    /// Material cost (yuan).
    pub cost: f64,
    /// Weight the packaging adds to the parcel (kg). Assumption.
    #[serde(default)]
    pub weight_kg: f64,
    /// Damage probability multiplier (-): 1 = no protection.
    pub protection: f64,
    /// Share of delivered orders of this category sent back (-). Q17 (fashion far higher).
    #[serde(default = "d_return_rate")]
    pub return_rate: f64,
}

impl Packaging {
    /// Share, cost, weight and protection not negative; the return rate in [0, 1].
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.non_negative("share", self.share)?;
        at.non_negative("cost", self.cost)?;
        at.non_negative("weight_kg", self.weight_kg)?;
        at.non_negative("protection", self.protection)?;
        at.probability("return_rate", self.return_rate)
    }
}

fn d_return_rate() -> f64 {
    0.03
}
