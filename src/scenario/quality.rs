//! The `[quality]` section: damage, loss, claims and complaints, with their defaults.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// Service quality as outcomes: incidents happen by chance in handling and transport, and
/// each costs claims and complaints.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    /// Probability that one sort damages a parcel (-). Assumption, calibrated so damage
    /// complaints are about 1.8 per million (Q9).
    #[serde(default = "d_damage")]
    pub damage_per_sort: f64,
    /// Probability that a parcel is lost on one trip (-). Q11 (5 per 100,000 last mile).
    #[serde(default = "d_loss")]
    pub loss_per_trip: f64,
    /// Mean value of the goods in a parcel (yuan). V20 (137, 2019).
    #[serde(default = "d_goods")]
    pub goods_value: f64,
    /// Postage the shop paid, the base of the compensation cap (yuan). L11, L14.
    #[serde(default = "d_postage")]
    pub postage: f64,
    /// Uninsured compensation: the lesser of the goods' value and this multiple of the
    /// postage (-). Q12 (3×).
    #[serde(default = "d_cap")]
    pub claim_cap_multiple: f64,
    /// Probability that a late parcel brings a complaint (-). Assumption, calibrated with
    /// the two below to Q8/Q9 (about 10 complaints per million parcels).
    #[serde(default = "d_c_late")]
    pub complaint_if_late: f64,
    /// Probability that a damaged parcel brings a complaint (-). Assumption (Q8/Q9).
    #[serde(default = "d_c_damaged")]
    pub complaint_if_damaged: f64,
    /// Probability that a lost parcel brings a complaint (-). Assumption (Q8/Q9).
    #[serde(default = "d_c_lost")]
    pub complaint_if_lost: f64,
    /// Staff time to handle one complaint (yuan). Assumption.
    #[serde(default = "d_c_cost")]
    pub complaint_cost: f64,
}

fn d_damage() -> f64 {
    0.000_01
}

fn d_loss() -> f64 {
    0.000_01
}

fn d_goods() -> f64 {
    137.0
}

fn d_postage() -> f64 {
    3.0
}

fn d_cap() -> f64 {
    3.0
}

fn d_c_late() -> f64 {
    0.000_05
}

fn d_c_damaged() -> f64 {
    0.05
}

fn d_c_lost() -> f64 {
    0.1
}

fn d_c_cost() -> f64 {
    30.0
}

default_via_serde!(Quality);

impl Quality {
    /// Probabilities in [0, 1]; values, postage and costs not negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.probability("damage_per_sort", self.damage_per_sort)?;
        at.probability("loss_per_trip", self.loss_per_trip)?;
        at.non_negative("goods_value", self.goods_value)?;
        at.non_negative("postage", self.postage)?;
        at.non_negative("claim_cap_multiple", self.claim_cap_multiple)?;
        at.probability("complaint_if_late", self.complaint_if_late)?;
        at.probability("complaint_if_damaged", self.complaint_if_damaged)?;
        at.probability("complaint_if_lost", self.complaint_if_lost)?;
        at.non_negative("complaint_cost", self.complaint_cost)
    }
}
