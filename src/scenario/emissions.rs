//! The `[emissions]` section: emission factors and the energy that equipment and couriers'
//! vehicles consume, with their defaults (rows E1–E5 of `scenarios/SOURCES.md`). Fuel by
//! vehicle type is on `[[vehicles]]`; the carbon price is `costs.carbon_price`.

use super::Scenario;
use super::load::Source;
use crate::error::{InputError, show_num};
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

/// Every emission factor, consumption rate and fuel figure is zero or positive, and so is
/// the carbon price: a negative one would turn emissions into a credit.
pub(super) fn validate(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let non_negative = |field: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be zero or positive, got {}", show_num(v)),
            ))
        }
    };
    let e = &sc.emissions;
    for (field, v) in [
        ("emissions.diesel_kg_per_litre", e.diesel_kg_per_litre),
        ("emissions.grid_kg_per_kwh", e.grid_kg_per_kwh),
        ("emissions.sorter_kw_per_line", e.sorter_kw_per_line),
        ("emissions.manual_kw_per_team", e.manual_kw_per_team),
        ("emissions.hub_kwh_per_m2_day", e.hub_kwh_per_m2_day),
        ("emissions.courier_kwh_per_km", e.courier_kwh_per_km),
        (
            "emissions.packaging_kg_per_parcel",
            e.packaging_kg_per_parcel,
        ),
        ("emissions.packaging_kg_per_kg", e.packaging_kg_per_kg),
        ("costs.carbon_price", sc.costs.carbon_price),
    ] {
        non_negative(field, v)?;
    }
    for (i, v) in sc.vehicles.iter().enumerate() {
        for (name, x) in [
            ("fuel_l_per_100km_empty", v.fuel_l_per_100km_empty),
            ("fuel_l_per_100km_full", v.fuel_l_per_100km_full),
        ] {
            if let Some(x) = x {
                non_negative(&format!("vehicles[{i}].{name}"), x)?;
            }
        }
    }
    Ok(())
}
