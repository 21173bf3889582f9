//! Green as an output: kg CO2e per parcel from what the chain consumes (diesel of trucks
//! and vans by type and load, sorter and hub electricity, couriers' e-tricycle kilometres,
//! packaging material), and the carbon price that turns it into a resource cost.
//!
//! Emissions are kept like money: integer milligrams CO2e in the books' exact amounts
//! ([`Money`]'s checked `i64`: one unit is one mg here, so [`mg`] and [`kg`] are the
//! yuan ↔ micro-yuan conversions), booked at the moment of the consumption and split over
//! the parcels that used the resource by the same counts as its money
//! ([`crate::ops::books`]). So kg per measured parcel is exact, and
//! `emitted = measured + before the window + after it + unabsorbed` holds to the milligram
//! (checked every run). The carbon price is booked at the same moments with the same
//! counts, under the `carbon_*` activity of the party that pays for the emitting activity;
//! route planning never sees it, so the simulated dynamics do not change with the price.

use crate::accounts::{Party, Prices};
use crate::cost::{Activity, Money};
use crate::engine::SimTime;
pub use crate::format::summary::EmissionsSummary;
use crate::format::summary::owned;
use crate::ops::books::{Books, attribute};
use crate::ops::parcel::Class;
use crate::scenario::{Scenario, SortingMode, Vehicle, d_vehicles};
use std::collections::BTreeMap;

/// The activities that emit, in output order; packaging (the shop's material) comes on top.
pub const EMITTING: [Activity; 6] = [
    Activity::Pickup,
    Activity::Feeder,
    Activity::SortEquipment,
    Activity::SortFacility,
    Activity::Linehaul,
    Activity::LastMile,
];

/// Milligrams CO2e of `kg` kilograms, as an exact integer amount (checked like money).
pub fn mg(kg: f64) -> Money {
    Money::from_yuan(kg)
}

/// Kilograms CO2e of an amount in milligrams.
pub fn kg(mg: Money) -> f64 {
    mg.yuan()
}

/// What `vehicles` vehicles emit over `km` carrying `load` parcels between them, each with
/// room for `capacity`: fuel per km is linear in the load between empty and full
/// (`kg_per_km` = (empty, full)), so a fuller trip emits less per parcel.
pub fn trip_kg(km: f64, vehicles: u64, load: u64, capacity: u64, kg_per_km: (f64, f64)) -> f64 {
    let (empty, full) = kg_per_km;
    let loads = load as f64 / capacity.max(1) as f64;
    km * (vehicles as f64 * empty + (full - empty) * loads)
}

/// The carbon price on `mg` emitted, at `price` yuan per tonne CO2e, rounded to the
/// micro-yuan like every amount in the books.
pub fn carbon_cost(mg: Money, price: f64) -> Money {
    if price == 0.0 {
        return Money::ZERO;
    }
    Money::from_yuan(kg(mg) * price / 1000.0)
}

/// Diesel (litres per 100 km, empty and full) of a vehicle type: as given, or else as the
/// default vehicle of the same name, or else as the smallest default vehicle that carries
/// as much (the largest when none does).
pub fn fuel_of(v: &Vehicle) -> (f64, f64) {
    let defaults = d_vehicles();
    let like = defaults
        .iter()
        .find(|d| d.name == v.name)
        .or_else(|| defaults.iter().find(|d| d.capacity >= v.capacity))
        .or(defaults.last());
    let (e, f) = like.map_or((0.0, 0.0), |d| {
        (
            d.fuel_l_per_100km_empty.unwrap_or(0.0),
            d.fuel_l_per_100km_full.unwrap_or(0.0),
        )
    });
    (
        v.fuel_l_per_100km_empty.unwrap_or(e),
        v.fuel_l_per_100km_full.unwrap_or(f),
    )
}

/// The run's emission factors, built once from a checked scenario (kg CO2e per unit).
#[derive(Debug, Clone)]
pub struct Factors {
    /// Per km of each vehicle type: (empty, full).
    pub vehicle_kg_per_km: Vec<(f64, f64)>,
    /// Per line-hour of a staffed sorter line.
    pub sorter_kg_per_line_hour: f64,
    /// Per hour of a staffed manual sorting team.
    pub manual_kg_per_team_hour: f64,
    /// Per m² of sorting floor per day.
    pub hub_kg_per_m2_day: f64,
    /// Per km of a courier's tour.
    pub courier_kg_per_km: f64,
    /// Per parcel's packaging when the shop is not modelled.
    pub packaging_kg_per_parcel: f64,
    /// Per kg of packaging material (the shop's packaging types).
    pub packaging_kg_per_kg: f64,
    /// Carbon price (yuan per tonne CO2e).
    pub price: f64,
}

impl Factors {
    /// Per hour of a staffed line of a centre sorting by `mode`.
    pub fn line_kg_per_hour(&self, mode: SortingMode) -> f64 {
        match mode {
            SortingMode::Automated => self.sorter_kg_per_line_hour,
            SortingMode::Manual => self.manual_kg_per_team_hour,
        }
    }

    /// The factors of a checked scenario.
    pub fn new(sc: &Scenario) -> Factors {
        let e = &sc.emissions;
        Factors {
            vehicle_kg_per_km: sc
                .vehicles
                .iter()
                .map(|v| {
                    let (empty, full) = fuel_of(v);
                    let per_km = e.diesel_kg_per_litre / 100.0;
                    (empty * per_km, full * per_km)
                })
                .collect(),
            sorter_kg_per_line_hour: e.sorter_kw_per_line * e.grid_kg_per_kwh,
            manual_kg_per_team_hour: e.manual_kw_per_team * e.grid_kg_per_kwh,
            hub_kg_per_m2_day: e.hub_kwh_per_m2_day * e.grid_kg_per_kwh,
            courier_kg_per_km: e.courier_kwh_per_km * e.grid_kg_per_kwh,
            packaging_kg_per_parcel: e.packaging_kg_per_parcel * e.packaging_kg_per_kg,
            packaging_kg_per_kg: e.packaging_kg_per_kg,
            price: sc.costs.carbon_price,
        }
    }
}

/// What the chain emitted (mg CO2e): by activity, when, and attributed to parcels by class
/// (the books of [`crate::ops::books`], in milligrams), and the parcels' packaging by class.
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    /// By activity: emitted (all, before and after the window) and attributed by class.
    pub books: Books,
    /// The parcels' packaging material, by class.
    pub packaging: [Money; 3],
}

impl Emitted {
    /// `mg` emitted at `now` by activity `a` for `counts` parcels by class: booked, and
    /// split over the classes exactly.
    pub fn emit(
        &mut self,
        now: SimTime,
        window: (SimTime, SimTime),
        a: Activity,
        mg: Money,
        counts: &[u64; 3],
    ) {
        self.books.spend(now, window, a, mg);
        attribute(&mut self.books.attributed, a, mg, counts);
    }

    /// Packaging of parcels of class `class`.
    pub fn pack(&mut self, class: Class, mg: Money) {
        self.packaging[class as usize] += mg;
    }

    /// Adds another outlet's emissions (after a parallel wave).
    pub fn merge(&mut self, o: &Emitted) {
        self.books.merge(&o.books);
        for (a, b) in self.packaging.iter_mut().zip(o.packaging) {
            *a += b;
        }
    }
}

/// The carbon price on one consumption, as booked in the money books.
#[derive(Debug, Clone, Copy)]
pub struct Carbon {
    /// The `carbon_*` activity it is booked under.
    pub activity: Activity,
    /// The price on the consumption's emissions.
    pub cost: Money,
    /// Whether it was spent in the measured window (for the place that paid it).
    pub in_window: bool,
    /// Each member's share (rounded down), for tagged parcels.
    pub share: Money,
}

/// Books the carbon price on `mg` emitted at `now` by activity `a` for `counts` parcels
/// into the money books, split by the same counts as the consumption's money.
#[allow(clippy::too_many_arguments)]
pub fn book_carbon(
    books: &mut Books,
    prices: &Prices,
    price: f64,
    now: SimTime,
    window: (SimTime, SimTime),
    a: Activity,
    mg: Money,
    counts: &[u64; 3],
) -> Carbon {
    let activity = prices.carbon_of(a);
    let cost = carbon_cost(mg, price);
    let in_window = books.spend(now, window, activity, cost);
    let share = attribute(&mut books.attributed, activity, cost, counts);
    Carbon {
        activity,
        cost,
        in_window,
        share,
    }
}

impl EmissionsSummary {
    /// From the run's emissions, its unabsorbed mg, the prices (who pays for what), the
    /// measured money books' carbon cost and the measured delivered parcels.
    pub fn new(
        e: &Emitted,
        unabsorbed: Money,
        prices: &Prices,
        price: f64,
        carbon_measured: Money,
        delivered: f64,
    ) -> EmissionsSummary {
        let per = |m: Money| {
            if delivered > 0.0 {
                kg(m) / delivered
            } else {
                0.0
            }
        };
        let measured = &e.books.attributed[Class::Measured as usize];
        let pack = e.packaging[Class::Measured as usize];
        let mut by_activity: BTreeMap<&'static str, f64> = EMITTING
            .iter()
            .map(|&a| (a.name(), per(measured.get(a))))
            .collect();
        by_activity.insert("packaging", per(pack));
        let mut by_party = BTreeMap::new();
        for p in Party::ALL {
            if prices.direct && p == Party::Outlets {
                continue;
            }
            let own: Money = EMITTING
                .iter()
                .filter(|&&a| prices.payer(a) == p && p != Party::Shop)
                .map(|&a| measured.get(a))
                .sum();
            let own = if p == Party::Shop { own + pack } else { own };
            by_party.insert(p.name(), per(own));
        }
        let class_total =
            |c: Class| e.books.attributed[c as usize].total() + e.packaging[c as usize];
        let packaging_all: Money = e.packaging.iter().copied().sum();
        let mut emitted_by: BTreeMap<&'static str, f64> = EMITTING
            .iter()
            .map(|&a| (a.name(), kg(e.books.spent.get(a))))
            .collect();
        emitted_by.insert("packaging", kg(packaging_all));
        EmissionsSummary {
            co2e_kg_per_parcel: per(measured.total() + pack),
            co2e_kg_per_parcel_by_activity: owned(by_activity),
            co2e_kg_per_parcel_by_party: owned(by_party),
            carbon_price_yuan_per_t: price,
            carbon_cost_per_parcel_yuan: if delivered > 0.0 {
                carbon_measured.yuan() / delivered
            } else {
                0.0
            },
            emitted_kg: kg(e.books.spent.total() + packaging_all),
            attributed_to_measured_kg: kg(class_total(Class::Measured)),
            attributed_to_parcels_before_window_kg: kg(class_total(Class::Warmup)),
            attributed_to_parcels_after_window_kg: kg(class_total(Class::After)),
            unabsorbed_kg: kg(unabsorbed),
            emitted_by_activity_kg: owned(emitted_by),
        }
    }
}

/// Emissions must balance like money: everything emitted is attributed to a class of
/// parcels or left unabsorbed, to the milligram; activities booked straight onto parcels
/// balance one by one. `Err` says what does not.
pub fn check(e: &Emitted, unabsorbed: Money) -> Result<(), String> {
    let b = &e.books;
    let mut attributed = crate::cost::CostVec::default();
    for c in &b.attributed {
        attributed.add_all(c);
    }
    let (spent, got) = (b.spent.total(), attributed.total());
    if spent.is_overflow() || got.is_overflow() || unabsorbed.is_overflow() {
        return Err(
            "emissions overflow: the run's CO2e exceeds what the exact books hold (about \
             9.2e12 kg); lower the factors or the volume"
                .into(),
        );
    }
    if spent != got + unabsorbed {
        return Err(format!(
            "CO2e emitted {} mg != attributed {} + unabsorbed {} mg",
            spent.0, got.0, unabsorbed.0
        ));
    }
    for a in [
        Activity::Pickup,
        Activity::Feeder,
        Activity::Linehaul,
        Activity::LastMile,
    ] {
        if b.spent.get(a) != attributed.get(a) {
            return Err(format!(
                "CO2e of {}: emitted {} != attributed {} mg",
                a.name(),
                b.spent.get(a).0,
                attributed.get(a).0
            ));
        }
    }
    for a in Activity::ALL {
        if !EMITTING.contains(&a) && b.spent.get(a) != Money::ZERO {
            return Err(format!(
                "CO2e booked under {}, which emits nothing",
                a.name()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fuller_trip_emits_more_in_all_and_less_per_parcel() {
        let f = (0.6, 0.9);
        let empty = trip_kg(100.0, 1, 0, 1000, f);
        let half = trip_kg(100.0, 1, 500, 1000, f);
        let full = trip_kg(100.0, 1, 1000, 1000, f);
        assert!((empty - 60.0).abs() < 1e-9);
        assert!((half - 75.0).abs() < 1e-9);
        assert!((full - 90.0).abs() < 1e-9);
        assert!(full / 1000.0 < half / 500.0);
        // Two vehicles sharing one load: twice the empty running, the same load term.
        assert!((trip_kg(100.0, 2, 1000, 1000, f) - 150.0).abs() < 1e-9);
        assert_eq!(trip_kg(100.0, 3, 10, 1000, (0.0, 0.0)), 0.0);
    }

    #[test]
    fn milligrams_are_exact_and_the_price_rounds_like_money() {
        assert_eq!(mg(1.0), Money(1_000_000));
        assert_eq!(kg(Money(2_500_000)), 2.5);
        // 1 kg at 100 yuan/t = 0.1 yuan.
        assert_eq!(carbon_cost(mg(1.0), 100.0), Money(100_000));
        assert_eq!(carbon_cost(mg(1.0), 0.0), Money::ZERO);
        assert_eq!(carbon_cost(Money(7), 100.0), Money(1)); // 0.7 µyuan rounds to 1
        assert!(carbon_cost(Money::OVERFLOW, 1.0).is_overflow());
    }

    #[test]
    fn a_left_out_fuel_comes_from_the_default_of_that_name_or_size() {
        let v = |name: &str, capacity: u32| Vehicle {
            name: name.into(),
            capacity,
            fixed_cost: 0.0,
            cost_per_km: 0.0,
            fuel_l_per_100km_empty: None,
            fuel_l_per_100km_full: None,
        };
        assert_eq!(fuel_of(&v("trailer_17m5", 1)), (24.0, 33.0));
        assert_eq!(fuel_of(&v("mine", 1_000)), (8.5, 10.0));
        assert_eq!(fuel_of(&v("mine", 5_000)), (15.0, 20.0));
        assert_eq!(fuel_of(&v("mine", 90_000)), (24.0, 33.0));
        let mut e = v("mine", 1);
        e.fuel_l_per_100km_empty = Some(0.0);
        e.fuel_l_per_100km_full = Some(0.0);
        assert_eq!(fuel_of(&e), (0.0, 0.0));
    }

    #[test]
    fn emissions_split_exactly_and_the_check_catches_a_one_sided_booking() {
        let w = (SimTime::from_hours(1.0), SimTime::from_hours(2.0));
        let mut e = Emitted::default();
        e.emit(
            SimTime::ZERO,
            w,
            Activity::Linehaul,
            Money(1_000_003),
            &[1, 5, 7],
        );
        e.pack(Class::Measured, Money(10));
        assert!(check(&e, Money::ZERO).is_ok());
        let sum: Money = e
            .books
            .attributed
            .iter()
            .map(|c| c.get(Activity::Linehaul))
            .sum();
        assert_eq!(sum, Money(1_000_003));
        e.books.spent.add(Activity::Linehaul, Money(1));
        assert!(check(&e, Money::ZERO).is_err());
    }
}
