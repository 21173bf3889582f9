//! The `[emissions]` section: emission factors and the energy that equipment and couriers'
//! vehicles consume, with their defaults (rows E1–E5 of `scenarios/SOURCES.md`). Fuel by
//! vehicle type is on `[[vehicles]]`; the carbon price is `costs.carbon_price`.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// What one unit of fuel, electricity or material emits, and what the equipment and the
/// couriers' vehicles consume per hour, m² or km. Emissions are CO2-equivalent (kg CO2e).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Emissions {
    /// Diesel burnt by trucks and vans (kg CO2e per litre). E1 (UK DEFRA 2024: 2.66).
    #[serde(default = "d_diesel")]
    pub diesel_kg_per_litre: f64,
    /// Grid electricity (kg CO2e per kWh). E2 (China's national average 2022, MEE: 0.5366).
    #[serde(default = "d_grid")]
    pub grid_kg_per_kwh: f64,
    /// Power a staffed sorter line draws: belts, induction, scanners, chutes (kW). E5
    /// (assumption).
    #[serde(default = "d_sorter_kw")]
    pub sorter_kw_per_line: f64,
    /// Power a staffed manual sorting team draws: conveyors, scanners, lighting over its
    /// tables (kW). E5 (assumption).
    #[serde(default = "d_manual_kw")]
    pub manual_kw_per_team: f64,
    /// Electricity of a centre's floor whatever the load: lighting, ventilation, offices
    /// (kWh per m² per day, over `costs.facility_m2_per_line` per line). E5 (assumption).
    #[serde(default = "d_hub_kwh")]
    pub hub_kwh_per_m2_day: f64,
    /// Electricity of a courier's e-tricycle on pickup and delivery tours (kWh/km). E5
    /// (assumption: a ≈2 kWh battery for ≈40 km).
    #[serde(default = "d_courier_kwh")]
    pub courier_kwh_per_km: f64,
    /// Packaging material per parcel when the shop is not modelled (kg); with a `[shop]`,
    /// each parcel's packaging weighs what its packaging type says. E5 (assumption: 70 %
    /// poly mailers of ≈20 g and 30 % cartons of ≈150 g, the mix of the express figures).
    #[serde(default = "d_packaging_kg")]
    pub packaging_kg_per_parcel: f64,
    /// Making the packaging material (kg CO2e per kg of material). E5 (assumption: between
    /// corrugated board and polyethylene film).
    #[serde(default = "d_packaging_factor")]
    pub packaging_kg_per_kg: f64,
}

fn d_diesel() -> f64 {
    2.66
}

fn d_grid() -> f64 {
    0.5366
}

fn d_sorter_kw() -> f64 {
    150.0
}

fn d_manual_kw() -> f64 {
    10.0
}

fn d_hub_kwh() -> f64 {
    0.3
}

fn d_courier_kwh() -> f64 {
    0.05
}

fn d_packaging_kg() -> f64 {
    0.06
}

fn d_packaging_factor() -> f64 {
    1.5
}

default_via_serde!(Emissions);

impl Emissions {
    /// Every emission factor and consumption rate is zero or positive.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        for (field, v) in [
            ("diesel_kg_per_litre", self.diesel_kg_per_litre),
            ("grid_kg_per_kwh", self.grid_kg_per_kwh),
            ("sorter_kw_per_line", self.sorter_kw_per_line),
            ("manual_kw_per_team", self.manual_kw_per_team),
            ("hub_kwh_per_m2_day", self.hub_kwh_per_m2_day),
            ("courier_kwh_per_km", self.courier_kwh_per_km),
            ("packaging_kg_per_parcel", self.packaging_kg_per_parcel),
            ("packaging_kg_per_kg", self.packaging_kg_per_kg),
        ] {
            at.non_negative(field, v)?;
        }
        Ok(())
    }
}
