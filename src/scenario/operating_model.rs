//! The `[operating_model]` section: franchise or direct-operated, and the prices and fines
//! between the parties, with their defaults.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// Franchise (加盟: outlets are independent businesses paid per parcel) or direct-operated
/// (直营: everyone is an employee on salary), and the prices between the parties.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatingModel {
    /// `franchise` (outlets paid per parcel through the fees below) or `direct` (couriers
    /// on `courier_daily_wage`, head office pays everything).
    #[serde(default)]
    pub kind: ModelKind,
    /// Direct: a courier's salary and benefits per day, paid busy or idle (yuan/day).
    /// L20 (≈6,000 yuan/month) plus social insurance.
    #[serde(default = "d_courier_wage")]
    pub courier_daily_wage: f64,
    /// Franchise: spread (coefficient of variation) of the failed-delivery rate from
    /// outlet to outlet (-). Direct outlets are run alike. Assumption.
    #[serde(default = "d_quality_spread")]
    pub outlet_quality_spread: f64,
    /// What the shop pays the origin outlet per parcel (yuan). L11-L14 (Yiwu 1.4-2.0).
    #[serde(default = "d_shop_price")]
    pub shop_price: f64,
    /// Franchise: what the origin outlet pays head office for sorting and line-haul
    /// (yuan/parcel). L7, L8 (assumption for the value).
    #[serde(default = "d_transit_fee")]
    pub transit_fee: f64,
    /// Franchise: waybill fee the origin outlet pays head office (yuan/parcel). L9.
    #[serde(default = "d_waybill_fee")]
    pub waybill_fee: f64,
    /// Franchise: what head office pays the destination outlet per delivery (yuan). L5.
    #[serde(default = "d_delivery_fee")]
    pub delivery_fee: f64,
    /// Franchise: who pays the feeder vans between outlets and centres. M7, N17 (outlets
    /// buy feeder trucking). Direct: head office pays everything.
    #[serde(default)]
    pub feeder_paid_by: Payer,
    /// Franchise: fine head office charges the outlets per complaint (yuan); a transfer,
    /// not a resource. L18 (anecdotal: 100 per late parcel).
    #[serde(default = "d_fine_complaint")]
    pub fine_per_complaint: f64,
    /// Franchise: fine head office charges the outlets per lost parcel (yuan); a transfer.
    /// L18 (anecdotal: 500 per lost parcel).
    #[serde(default = "d_fine_lost")]
    pub fine_per_lost: f64,
}

fn d_courier_wage() -> f64 {
    260.0
}

fn d_quality_spread() -> f64 {
    0.5
}

fn d_shop_price() -> f64 {
    3.0
}

fn d_transit_fee() -> f64 {
    1.0
}

fn d_waybill_fee() -> f64 {
    0.3
}

fn d_delivery_fee() -> f64 {
    1.5
}

fn d_fine_complaint() -> f64 {
    100.0
}

fn d_fine_lost() -> f64 {
    500.0
}

default_via_serde!(OperatingModel);

impl OperatingModel {
    /// Wages, prices, fees and fines not negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        for (f, v) in [
            ("courier_daily_wage", self.courier_daily_wage),
            ("outlet_quality_spread", self.outlet_quality_spread),
            ("shop_price", self.shop_price),
            ("transit_fee", self.transit_fee),
            ("waybill_fee", self.waybill_fee),
            ("delivery_fee", self.delivery_fee),
            ("fine_per_complaint", self.fine_per_complaint),
            ("fine_per_lost", self.fine_per_lost),
        ] {
            at.non_negative(f, v)?;
        }
        Ok(())
    }
}

/// A party that pays for a resource.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The outlets, out of what they earn per parcel.
    #[default]
    Outlets,
    /// Head office, out of the transit and waybill fees.
    HeadOffice,
}

/// Who owns the outlets and employs the couriers.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// 加盟: outlets are independent businesses, paid per parcel; couriers per piece.
    #[default]
    Franchise,
    /// 直营: outlets and couriers are head office's own, on salary.
    Direct,
}
