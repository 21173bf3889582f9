//! The `[costs]` section and `[[vehicles]]`: wages, rents, capital costs, courier pay and the
//! vehicle types, with their defaults.

use super::validate::{Check, MAX_KINDS};
use crate::error::{InputError, show_text};
use serde::{Deserialize, Serialize};

/// Cost rates (yuan). Activity-based: each rate belongs to one activity.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// What a waybill consumes: the thermal label and the IT behind it (yuan/parcel). A
    /// resource; the waybill *fee* head office charges outlets is a transfer
    /// (`operating_model.waybill_fee`). L24 (assumption).
    #[serde(default = "d_waybill_it")]
    pub waybill_it: f64,
    /// Franchise: what an outlet pays a courier per parcel picked up (yuan/parcel); direct
    /// couriers' pickup hours are part of their daily wage. L25 (assumption).
    #[serde(default = "d_pickup_pay")]
    pub courier_pay_per_pickup: f64,
    /// An outlet's fixed cost per day whatever its load: the manager, utilities and
    /// scanners (yuan/day). L26 (assumption: a manager at 1.5× an outlet worker's day, L20).
    /// Staff and space come on top (`outlet_staff_*`, `outlet_m2_*`).
    #[serde(default = "d_outlet_day")]
    pub outlet_per_day: f64,
    /// Day wage of an outlet worker who unloads, scans and sorts parcels to couriers'
    /// routes (yuan/day). L20 (≈5,000 yuan a month over ≈25 working days).
    #[serde(default = "d_outlet_wage")]
    pub outlet_staff_wage_per_day: f64,
    /// Parcels (picked up plus arriving) one outlet worker handles in a day; an outlet
    /// staffs ⌈parcels of the day / this⌉ workers (parcels/day). L26 (assumption: half of
    /// S20's ≈3,000 a day of a manual hub sorter at peak, for the extra scanning and handover).
    #[serde(default = "d_outlet_staff_parcels")]
    pub outlet_parcels_per_staff_day: f64,
    /// Floor space an outlet rents per parcel of its planned daily capacity (planned flow
    /// with the planning slack) (m² per parcel/day). L26 (assumption: ≈700 m² for an outlet
    /// planned at 5,400 a day).
    #[serde(default = "d_outlet_m2")]
    pub outlet_m2_per_daily_parcel: f64,
    /// Rent of an outlet's floor space (yuan/m²/month). S19 (general warehouses, 27.5).
    #[serde(default = "d_outlet_rent")]
    pub outlet_rent_per_m2_month: f64,
    /// Fully loaded sorting labour cost (yuan/h per worker). S15, S16.
    #[serde(default = "d_wage")]
    pub sorter_wage_per_hour: f64,
    /// Capital cost of one sorter line (yuan). S3.
    #[serde(default = "d_capex")]
    pub sorter_line_capex: f64,
    /// Straight-line depreciation period of a line (years). S11.
    #[serde(default = "d_life")]
    pub sorter_life_years: f64,
    /// Floor space per sorter line (m²). Assumption.
    #[serde(default = "d_m2")]
    pub facility_m2_per_line: f64,
    /// Logistics property rent (yuan/m²/month). S17.
    #[serde(default = "d_rent")]
    pub rent_per_m2_month: f64,
    /// Courier pay per delivered parcel (yuan). L1, L3.
    #[serde(default = "d_courier_pay")]
    pub courier_pay_per_delivery: f64,
    /// Courier vehicle cost per km of delivery route (yuan/km). Assumption.
    #[serde(default = "d_courier_km")]
    pub courier_cost_per_km: f64,
    /// Price of emissions (yuan per tonne CO2e): the chain pays it on what it emits, as a
    /// resource of its own (`carbon_*` activities). 0 leaves the costs as they were; China's
    /// national carbon market averaged ≈96 yuan/t in 2024 (E6).
    #[serde(default)]
    pub carbon_price: f64,
}

fn d_waybill_it() -> f64 {
    0.05
}

fn d_pickup_pay() -> f64 {
    0.1
}

fn d_outlet_day() -> f64 {
    300.0
}

fn d_outlet_wage() -> f64 {
    200.0
}

fn d_outlet_staff_parcels() -> f64 {
    1500.0
}

fn d_outlet_m2() -> f64 {
    0.1
}

fn d_outlet_rent() -> f64 {
    27.5
}

fn d_wage() -> f64 {
    27.0
}

fn d_capex() -> f64 {
    20_000_000.0
}

fn d_life() -> f64 {
    10.0
}

fn d_m2() -> f64 {
    5_000.0
}

fn d_rent() -> f64 {
    34.0
}

fn d_courier_pay() -> f64 {
    1.2
}

fn d_courier_km() -> f64 {
    0.3
}

default_via_serde!(Costs);

impl Costs {
    /// Rates not negative; the life of a line and an outlet worker's day positive (both
    /// divide).
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        for (field, v) in [
            ("waybill_it", self.waybill_it),
            ("courier_pay_per_pickup", self.courier_pay_per_pickup),
            ("outlet_per_day", self.outlet_per_day),
            ("outlet_staff_wage_per_day", self.outlet_staff_wage_per_day),
            (
                "outlet_m2_per_daily_parcel",
                self.outlet_m2_per_daily_parcel,
            ),
            ("outlet_rent_per_m2_month", self.outlet_rent_per_m2_month),
            ("sorter_wage_per_hour", self.sorter_wage_per_hour),
            ("sorter_line_capex", self.sorter_line_capex),
            ("facility_m2_per_line", self.facility_m2_per_line),
            ("rent_per_m2_month", self.rent_per_m2_month),
            ("courier_pay_per_delivery", self.courier_pay_per_delivery),
            ("courier_cost_per_km", self.courier_cost_per_km),
        ] {
            at.non_negative(field, v)?;
        }
        at.positive("sorter_life_years", self.sorter_life_years)?;
        at.positive(
            "outlet_parcels_per_staff_day",
            self.outlet_parcels_per_staff_day,
        )?;
        // A negative price would turn emissions into a credit.
        at.non_negative("carbon_price", self.carbon_price)
    }
}

/// A vehicle type. A trip costs `fixed_cost + cost_per_km · km` however full it is.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    /// Name that lanes and `operations.linehaul.default_vehicle` refer to; unique.
    pub name: String,
    /// Parcels it carries (parcels).
    pub capacity: u32,
    /// Cost of a trip whatever its length: driver time at the docks, dispatch (yuan).
    pub fixed_cost: f64,
    /// Running cost: fuel, tolls, drivers, depreciation (yuan/km). N14, N15.
    pub cost_per_km: f64,
    /// Diesel burnt empty (litres per 100 km); left out: the default vehicle of that name,
    /// or else the smallest default vehicle that carries as much. 0: an electric vehicle on
    /// carbon-free power. E3, E4 (assumption by type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_empty: Option<f64>,
    /// Diesel burnt with a full load (litres per 100 km); in between, linear in the load.
    /// Left out: as `fuel_l_per_100km_empty`. E3, E4 (assumption by type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_full: Option<f64>,
}

impl Vehicle {
    /// Carries at least one parcel; costs and fuel not negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.at_least_one("capacity", u64::from(self.capacity))?;
        at.non_negative("fixed_cost", self.fixed_cost)?;
        at.non_negative("cost_per_km", self.cost_per_km)?;
        for (name, x) in [
            ("fuel_l_per_100km_empty", self.fuel_l_per_100km_empty),
            ("fuel_l_per_100km_full", self.fuel_l_per_100km_full),
        ] {
            if let Some(x) = x {
                at.non_negative(name, x)?;
            }
        }
        Ok(())
    }
}

/// The `[[vehicles]]` list (`at` is its field): one to [`MAX_KINDS`] types, each valid,
/// no name twice (lanes refer to them by name).
pub(crate) fn validate_vehicles(vehicles: &[Vehicle], at: &Check) -> Result<(), InputError> {
    at.at_most("", vehicles.len(), MAX_KINDS)?;
    if vehicles.is_empty() {
        return Err(at.error("", "needs at least one vehicle type"));
    }
    for (i, v) in vehicles.iter().enumerate() {
        v.validate(&at.item(i))?;
        if vehicles[..i].iter().any(|w| w.name == v.name) {
            return Err(at.item(i).error(
                "name",
                format!("vehicle `{}` is defined twice", show_text(&v.name)),
            ));
        }
    }
    Ok(())
}

/// The vehicle types of a scenario without `[[vehicles]]`. N14, N15.
pub fn d_vehicles() -> Vec<Vehicle> {
    vec![
        Vehicle {
            name: "van".into(),
            capacity: 1_500,
            fixed_cost: 60.0,
            cost_per_km: 1.5,
            fuel_l_per_100km_empty: Some(8.5),
            fuel_l_per_100km_full: Some(10.0),
        },
        Vehicle {
            name: "truck_9m6".into(),
            capacity: 6_000,
            fixed_cost: 200.0,
            cost_per_km: 4.5,
            fuel_l_per_100km_empty: Some(15.0),
            fuel_l_per_100km_full: Some(20.0),
        },
        Vehicle {
            name: "trailer_17m5".into(),
            capacity: 16_000,
            fixed_cost: 300.0,
            cost_per_km: 7.0,
            fuel_l_per_100km_empty: Some(24.0),
            fuel_l_per_100km_full: Some(33.0),
        },
    ]
}
