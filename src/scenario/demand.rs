//! The `[demand]` section: daily volume, intraday profile, gravity OD, parcel weights and
//! peaks, with their defaults.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// Order volumes and their shape.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Mean parcels handed to the network per day over the whole network (parcels/day).
    pub daily_parcels: f64,
    /// Relative order intensity for each hour 00..23 (24 non-negative numbers; scaled to 1).
    #[serde(default = "d_profile")]
    pub intraday_profile: Vec<f64>,
    /// Share of parcels whose destination is in the origin's own city (0..1). V10.
    #[serde(default = "d_intra_city")]
    pub intra_city_share: f64,
    /// Gravity model: destination weight decays as exp(-distance / this) (km).
    #[serde(default = "d_decay")]
    pub distance_decay_km: f64,
    /// Median parcel weight of a lognormal distribution (kg). D11 (assumption).
    #[serde(default = "d_weight_median")]
    pub weight_median_kg: f64,
    /// Sigma of the underlying normal of the weight distribution (-). D11 (assumption).
    #[serde(default = "d_weight_sigma")]
    pub weight_sigma: f64,
    /// Heaviest parcel accepted; heavier draws are capped (kg). D11.
    #[serde(default = "d_weight_max")]
    pub weight_max_kg: f64,
    /// Only these zones send parcels (cities of a generated network, centre ids of an
    /// explicit one); all do when empty. Destinations keep every zone.
    #[serde(default)]
    pub origin_zones: Vec<String>,
    /// Days (0 = the first simulated day) whose orders are multiplied by `peak_multiplier`;
    /// capacity is planned for the normal volume.
    #[serde(default)]
    pub peak_days: Vec<u32>,
    /// Orders on a peak day as a multiple of a normal day's (-). D1-D4 (Singles' Day
    /// ≈1.8×).
    #[serde(default = "d_peak")]
    pub peak_multiplier: f64,
}

impl Demand {
    /// Volumes positive, the profile 24 non-negative hours not all zero, shares in [0, 1].
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.positive("daily_parcels", self.daily_parcels)?;
        let p = &self.intraday_profile;
        if p.len() != 24
            || p.iter().any(|x| !x.is_finite() || *x < 0.0)
            || p.iter().sum::<f64>() <= 0.0
        {
            return Err(at.error(
                "intraday_profile",
                "needs 24 non-negative numbers, not all zero",
            ));
        }
        at.probability("intra_city_share", self.intra_city_share)?;
        at.positive("distance_decay_km", self.distance_decay_km)?;
        at.positive("weight_median_kg", self.weight_median_kg)?;
        at.non_negative("weight_sigma", self.weight_sigma)?;
        at.positive("weight_max_kg", self.weight_max_kg)?;
        at.positive("peak_multiplier", self.peak_multiplier)
    }
}

/// D9: half of buyers shop after 21:00, 17.7 % between 15:00 and 18:00; night is quiet.
pub fn d_profile() -> Vec<f64> {
    vec![
        2.0, 1.0, 0.5, 0.5, 0.5, 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 4.5, 4.5, 4.5, 5.0, 6.0, 6.0, 6.0,
        5.0, 6.0, 8.0, 10.0, 10.0, 6.0,
    ]
}

fn d_intra_city() -> f64 {
    0.10
}

fn d_decay() -> f64 {
    800.0
}

fn d_weight_median() -> f64 {
    0.5
}

fn d_weight_sigma() -> f64 {
    1.6
}

fn d_weight_max() -> f64 {
    50.0
}

fn d_peak() -> f64 {
    1.8
}
