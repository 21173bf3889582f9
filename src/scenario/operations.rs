//! The `[operations]` section: pickup, feeder, line-haul and delivery, and the shifts of
//! centres and shops, with their defaults. Sorting has its own file (`sorting.rs`).

use super::sorting::Sorting;
use super::validate::{Check, MAX_TIMES};
use crate::error::{InputError, show_num};
use serde::{Deserialize, Serialize};

/// How the network works, hour by hour.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operations {
    /// Pickup waves and tours at the outlets.
    #[serde(default)]
    pub pickup: Pickup,
    /// Feeder vans between the outlets and their centre.
    #[serde(default)]
    pub feeder: Feeder,
    /// Sortation centres: shifts, lines, technology and crews.
    #[serde(default)]
    pub sorting: Sorting,
    /// Trucks between centres.
    #[serde(default)]
    pub linehaul: Linehaul,
    /// Delivery waves, couriers and failed attempts.
    #[serde(default)]
    pub delivery: Delivery,
}

impl Operations {
    /// Each stage in the order of the section. The line-haul's default vehicle names a
    /// `[[vehicles]]` entry: that reference is checked with the others, in `validate.rs`.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        self.pickup.validate(&at.at("pickup"))?;
        self.feeder.validate(&at.at("feeder"))?;
        self.sorting.validate(&at.at("sorting"))?;
        self.linehaul.validate(&at.at("linehaul"))?;
        self.delivery.validate(&at.at("delivery"))
    }
}

/// Collection at the outlets: at each wave a courier tour picks up the orders placed since
/// the last one.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pickup {
    /// Pickup waves at outlets, "HH:MM"; each collects the orders placed since the last
    /// (the wave time is the cut-off). D10 (pickup 13:00-19:00).
    #[serde(default = "d_pickup_waves")]
    pub waves: Vec<String>,
    /// Parcels a shop hands over at one stop of a pickup tour (parcels). L25 (assumption).
    #[serde(default = "d_pickup_per_stop")]
    pub parcels_per_stop: f64,
    /// Time at each pickup stop (minutes). L25 (assumption).
    #[serde(default = "d_pickup_stop_minutes")]
    pub stop_minutes: f64,
    /// Time to scan each parcel picked up (s). L25 (assumption).
    #[serde(default = "d_scan_seconds")]
    pub seconds_per_parcel: f64,
}

fn d_pickup_waves() -> Vec<String> {
    vec!["13:00".into(), "16:00".into(), "19:00".into()]
}

fn d_pickup_per_stop() -> f64 {
    20.0
}

fn d_pickup_stop_minutes() -> f64 {
    10.0
}

fn d_scan_seconds() -> f64 {
    3.0
}

default_via_serde!(Pickup);

impl Pickup {
    /// Waves are times of day; a stop hands over at least one parcel; times not negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.times("waves", &self.waves)?;
        let per_stop = self.parcels_per_stop;
        if !per_stop.is_finite() || per_stop < 1.0 {
            return Err(at.error(
                "parcels_per_stop",
                format!("must be at least 1, got {per_stop}"),
            ));
        }
        at.non_negative("stop_minutes", self.stop_minutes)?;
        at.non_negative("seconds_per_parcel", self.seconds_per_parcel)
    }
}

/// Feeder vans between each outlet and its centre, on a daily timetable.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feeder {
    /// Driving speed of feeder vans (km/h). Assumption.
    #[serde(default = "d_feeder_speed")]
    pub speed_kmh: f64,
    /// Departures from outlets to their centre. D10 (origin sort from 18:00).
    #[serde(default = "d_feeder_in")]
    pub to_centre: Vec<String>,
    /// Departures from centres to their outlets. D10 (destination sort 02:00-08:00).
    #[serde(default = "d_feeder_out")]
    pub from_centre: Vec<String>,
}

fn d_feeder_speed() -> f64 {
    35.0
}

fn d_feeder_in() -> Vec<String> {
    vec!["17:00".into(), "20:00".into()]
}

fn d_feeder_out() -> Vec<String> {
    vec!["06:00".into(), "11:00".into()]
}

default_via_serde!(Feeder);

impl Feeder {
    /// A positive speed and two timetables of times of day.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.positive("speed_kmh", self.speed_kmh)?;
        at.times("to_centre", &self.to_centre)?;
        at.times("from_centre", &self.from_centre)
    }
}

/// A daily shift of a centre's crews or the shop's packers.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Start, "HH:MM".
    pub start: String,
    /// Length (h).
    pub hours: f64,
}

impl Shift {
    /// A shift starting at `start` ("HH:MM") for `hours`.
    pub fn new(start: &str, hours: f64) -> Shift {
        Shift {
            start: start.into(),
            hours,
        }
    }

    /// Starts at a time of day and lasts more than 0 and at most 24 hours.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.time_of_day("start", &self.start)?;
        if !(self.hours > 0.0 && self.hours <= 24.0) {
            return Err(at.error(
                "hours",
                format!("must be in (0, 24], got {}", show_num(self.hours)),
            ));
        }
        Ok(())
    }
}

/// A list of daily shifts (`at` is the list's field): at least one, at most [`MAX_TIMES`],
/// each valid. Whether they may overlap is the caller's rule.
pub(crate) fn validate_shifts(shifts: &[Shift], at: &Check) -> Result<(), InputError> {
    at.at_most("", shifts.len(), MAX_TIMES)?;
    if shifts.is_empty() {
        return Err(at.error("", "needs at least one shift"));
    }
    for (i, s) in shifts.iter().enumerate() {
        s.validate(&at.item(i))?;
    }
    Ok(())
}

/// Service-time distribution; the mean is fixed by the throughput.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Service {
    /// Every parcel takes exactly the mean.
    #[default]
    Deterministic,
    /// Exponential (coefficient of variation 1), as in an M/M/c queue.
    Exponential,
    /// Lognormal with the coefficient of variation `cv`.
    Lognormal {
        /// Coefficient of variation (-).
        cv: f64,
    },
}

/// Line-haul trucks between centres: speed, docking and timetable.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Linehaul {
    /// Average truck speed including stops (km/h). Assumption.
    #[serde(default = "d_lh_speed")]
    pub speed_kmh: f64,
    /// Loading plus unloading added to every trip (h). N8.
    #[serde(default = "d_dock")]
    pub dock_hours: f64,
    /// Departure times of line-haul trucks, "HH:MM". D10 (line-haul overnight).
    #[serde(default = "d_lh_departures")]
    pub departures: Vec<String>,
    /// Also dispatch a truck as soon as a full load is waiting.
    #[serde(default)]
    pub dispatch_when_full: bool,
    /// Vehicle of generated line-haul lanes before sizing (name).
    #[serde(default = "d_lh_vehicle")]
    pub default_vehicle: String,
}

fn d_lh_speed() -> f64 {
    65.0
}

fn d_dock() -> f64 {
    1.0
}

fn d_lh_departures() -> Vec<String> {
    vec!["23:00".into(), "04:00".into()]
}

fn d_lh_vehicle() -> String {
    "trailer_17m5".into()
}

default_via_serde!(Linehaul);

impl Linehaul {
    /// A positive speed, docking time not negative, departures times of day.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.positive("speed_kmh", self.speed_kmh)?;
        at.non_negative("dock_hours", self.dock_hours)?;
        at.times("departures", &self.departures)
    }
}

/// The last mile from the destination outlet: waves, couriers, failed attempts, pick-up
/// stations and the promise on-time is measured against.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Delivery waves, "HH:MM". D10 (delivery 08:00-19:00).
    #[serde(default = "d_delivery_waves")]
    pub waves: Vec<String>,
    /// Deliveries one courier makes per day at most (parcels/day). L2, L19.
    #[serde(default = "d_courier_cap")]
    pub courier_daily_capacity: u32,
    /// Time at each stop (minutes). Assumption.
    #[serde(default = "d_stop_minutes")]
    pub stop_minutes: f64,
    /// Courier speed between stops (km/h). Assumption.
    #[serde(default = "d_courier_speed")]
    pub speed_kmh: f64,
    /// Probability that one delivery attempt fails (-). Assumption.
    #[serde(default = "d_fail")]
    pub failure_rate: f64,
    /// Share of failed attempts left at a pick-up station instead of retried at the next
    /// wave (-). L21 (Cainiao stations; assumption for the value).
    #[serde(default)]
    pub station_share: f64,
    /// Time until the customer collects a parcel left at a station (h). Assumption.
    #[serde(default = "d_collect")]
    pub station_collect_hours: f64,
    /// The station's fee per parcel left there (yuan). L21 (assumption for the value).
    #[serde(default = "d_station_fee")]
    pub station_fee: f64,
    /// On time means signed within this many hours of pickup (h). Q15 (72-hour rate).
    #[serde(default = "d_promise")]
    pub promise_hours: f64,
    /// Outlet area when an explicit outlet gives none (km²). Assumption.
    #[serde(default = "d_area")]
    pub default_area_km2: f64,
}

fn d_delivery_waves() -> Vec<String> {
    vec!["08:30".into(), "13:30".into()]
}

fn d_courier_cap() -> u32 {
    180
}

fn d_stop_minutes() -> f64 {
    2.0
}

fn d_courier_speed() -> f64 {
    15.0
}

fn d_fail() -> f64 {
    0.05
}

fn d_collect() -> f64 {
    8.0
}

fn d_station_fee() -> f64 {
    0.3
}

fn d_promise() -> f64 {
    72.0
}

fn d_area() -> f64 {
    20.0
}

default_via_serde!(Delivery);

impl Delivery {
    /// Waves are times of day; a courier delivers at least one parcel a day; a delivery
    /// attempt can fail, but not always; a station takes a share of the failures, for a
    /// time and a fee that cannot be negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.times("waves", &self.waves)?;
        at.at_least_one(
            "courier_daily_capacity",
            u64::from(self.courier_daily_capacity),
        )?;
        at.non_negative("stop_minutes", self.stop_minutes)?;
        at.positive("speed_kmh", self.speed_kmh)?;
        at.probability("failure_rate", self.failure_rate)?;
        if self.failure_rate >= 1.0 {
            return Err(at.error(
                "failure_rate",
                "must be below 1, or no parcel is ever delivered",
            ));
        }
        at.positive("promise_hours", self.promise_hours)?;
        at.positive("default_area_km2", self.default_area_km2)?;
        at.probability("station_share", self.station_share)?;
        at.non_negative("station_collect_hours", self.station_collect_hours)?;
        at.non_negative("station_fee", self.station_fee)
    }
}
