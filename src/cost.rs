//! Activity-based costing: money as exact integers, the activities of the taxonomy, pure
//! cost functions, and pools that split a period's cost over the parcels that used it.
//!
//! Every yuan spent goes either straight onto parcels (per-parcel fees, a trip shared by
//! the parcels on board) or into a pool (a sorting shift, a centre-day of equipment and
//! floor space, an outlet-day) that is split over its parcels when the period closes.
//! Splits are exact in micro-yuan, so "spent = attributed + unabsorbed" holds to the unit.

use serde::Serialize;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// An amount of money in micro-yuan (10⁻⁶ yuan): integer so that splits and sums are exact.
///
/// Arithmetic is checked: an amount that does not fit (about ±9.2·10¹² yuan) becomes
/// [`Money::OVERFLOW`], which every later operation keeps, like a NaN; a run whose books
/// hold it fails instead of reporting a wrapped-around number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Money(pub i64);

impl Money {
    /// No money.
    pub const ZERO: Money = Money(0);
    /// The result of an overflow; sticky under `+`, `-`, sums, multiples and splits.
    pub const OVERFLOW: Money = Money(i64::MIN);
    /// Yuan rounded to the nearest micro-yuan; [`Money::OVERFLOW`] when out of range or not finite.
    pub fn from_yuan(y: f64) -> Money {
        let m = (y * 1e6).round();
        // Strictly inside the range: `i64::MIN` is the overflow marker.
        if m.is_finite() && m > -9.2e18 && m < 9.2e18 {
            Money(m as i64)
        } else {
            Money::OVERFLOW
        }
    }
    /// Yuan as a float; NaN for an overflow, so it can never pass for an amount.
    pub fn yuan(self) -> f64 {
        if self.is_overflow() {
            f64::NAN
        } else {
            self.0 as f64 / 1e6
        }
    }
    /// Whether an operation overflowed on the way to this amount.
    pub fn is_overflow(self) -> bool {
        self == Money::OVERFLOW
    }
    /// `n` times this amount, checked.
    pub fn times(self, n: i64) -> Money {
        if self.is_overflow() {
            return self;
        }
        self.0.checked_mul(n).map_or(Money::OVERFLOW, Money)
    }
}

impl Add for Money {
    type Output = Money;
    #[inline]
    fn add(self, r: Money) -> Money {
        if self.is_overflow() || r.is_overflow() {
            return Money::OVERFLOW;
        }
        self.0.checked_add(r.0).map_or(Money::OVERFLOW, Money)
    }
}
impl AddAssign for Money {
    #[inline]
    fn add_assign(&mut self, r: Money) {
        *self = *self + r;
    }
}
impl Sub for Money {
    type Output = Money;
    #[inline]
    fn sub(self, r: Money) -> Money {
        if self.is_overflow() || r.is_overflow() {
            return Money::OVERFLOW;
        }
        self.0.checked_sub(r.0).map_or(Money::OVERFLOW, Money)
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(it: I) -> Money {
        it.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Declares the activities from one table: the enum, `ALL` in output order, their count and
/// their names. Adding an activity is one line here; `accounts::Prices::payer` then fails to
/// compile until it says who pays for it.
macro_rules! activities {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// Activities of the cost taxonomy that the carrier's network incurs.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Activity {
            $($(#[$doc])* $variant,)*
        }

        /// How many activities there are.
        pub const N_ACTIVITIES: usize = [$(Activity::$variant),*].len();

        impl Activity {
            /// Every activity, in the order of the output files.
            pub const ALL: [Activity; N_ACTIVITIES] = [$(Activity::$variant),*];

            /// Name used in every output file.
            pub fn name(self) -> &'static str {
                match self {
                    $(Activity::$variant => $name,)*
                }
            }
        }
    };
}

activities! {
    /// Waybill label and IT per parcel.
    WaybillIt => "waybill_it",
    /// Pickup tours: courier piece rate and van kilometres.
    Pickup => "first_mile_pickup",
    /// The outlet's own costs per day (fixed part, staff, space).
    Outlet => "outlet_handling",
    /// Feeder trips between outlets and centres.
    Feeder => "feeder",
    /// Sorting crews, paid by the shift.
    SortLabour => "sorting_labour",
    /// Sorter lines' depreciation.
    SortEquipment => "sorting_equipment",
    /// Sorting floor space.
    SortFacility => "sorting_facility",
    /// Line-haul trips between centres.
    Linehaul => "linehaul",
    /// Delivery: courier pay, tours, wages, pick-up stations.
    LastMile => "last_mile",
    /// Compensation for damaged and lost parcels.
    Claims => "claims",
    /// Handling of complaints.
    Complaints => "complaint_handling",
    /// Managers above the front line.
    Management => "management_overhead",
    /// The carbon price on what the outlets' activities emit (pickup and delivery tours,
    /// feeder vans when the outlets pay for them): booked with the consumption.
    CarbonOutlets => "carbon_outlets",
    /// The carbon price on what head office's activities emit (line-haul, sorter and hub
    /// electricity, feeder vans when head office pays for them).
    CarbonHeadOffice => "carbon_head_office",
}

/// Money by activity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CostVec(pub [Money; N_ACTIVITIES]);

impl CostVec {
    /// Adds `m` to activity `a`.
    #[inline]
    pub fn add(&mut self, a: Activity, m: Money) {
        self.0[a as usize] += m;
    }
    /// The amount of activity `a`.
    pub fn get(&self, a: Activity) -> Money {
        self.0[a as usize]
    }
    /// The sum over every activity (checked).
    pub fn total(&self) -> Money {
        self.0.iter().copied().sum()
    }
    /// Adds another vector, activity by activity.
    pub fn add_all(&mut self, other: &CostVec) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += *b;
        }
    }
}

// ------------------------------------------------------------------ cost functions

/// A departure of `vehicles` vehicles of one type over `km`: paid however full they are.
pub fn trip_cost(fixed: f64, per_km: f64, km: f64, vehicles: u32) -> Money {
    Money::from_yuan((fixed + per_km * km) * vehicles as f64)
}

/// Labour of one sorting shift: every worker is paid for the whole shift, busy or idle.
pub fn shift_labour(lines: u32, workers_per_line: f64, hours: f64, wage_per_hour: f64) -> Money {
    Money::from_yuan(lines as f64 * workers_per_line * hours * wage_per_hour)
}

/// Straight-line depreciation of the sorter lines, per day.
pub fn equipment_per_day(lines: u32, capex_per_line: f64, life_years: f64) -> Money {
    Money::from_yuan(lines as f64 * capex_per_line / (life_years * 365.0))
}

/// Rent of the floor space of the sorter lines, per day.
pub fn facility_per_day(lines: u32, m2_per_line: f64, rent_per_m2_month: f64) -> Money {
    Money::from_yuan(lines as f64 * m2_per_line * rent_per_m2_month * 12.0 / 365.0)
}

/// What an outlet pays for a day: a fixed part (manager, utilities, scanners), the staff
/// its parcels need, and rent for floor space sized to its planned capacity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutletRates {
    /// Fixed cost per outlet-day (yuan).
    pub fixed_day: f64,
    /// Day wage of one outlet worker (yuan).
    pub staff_wage_day: f64,
    /// Parcels one worker handles in a day.
    pub parcels_per_staff_day: f64,
    /// Floor space per parcel of daily capacity (m²).
    pub m2_per_daily_parcel: f64,
    /// Rent of that space (yuan/m²/month).
    pub rent_per_m2_month: f64,
}

/// Workers an outlet needs to handle `parcels` (picked up plus arriving) in a day: whole
/// people, none on a day without parcels.
pub fn outlet_staff(parcels: u64, parcels_per_staff_day: f64) -> u64 {
    (parcels as f64 / parcels_per_staff_day).ceil() as u64
}

/// An outlet's cost for a day on which it handled `parcels`, with floor space for a
/// planned daily capacity of `capacity` parcels: fixed + ⌈parcels / per staff⌉ × wage +
/// capacity × m² per parcel × rent. Rises in steps of one worker's wage with the parcels.
pub fn outlet_day(parcels: u64, capacity: f64, r: &OutletRates) -> Money {
    let staff = outlet_staff(parcels, r.parcels_per_staff_day) as f64;
    let rent = capacity * r.m2_per_daily_parcel * r.rent_per_m2_month * 12.0 / 365.0;
    Money::from_yuan(r.fixed_day + staff * r.staff_wage_day + rent)
}

/// Splits `total` over parts in proportion to `weights`, exactly: part k gets
/// ⌊total·W_k/W⌋ − ⌊total·W_(k−1)/W⌋ with W_k the running sum, so the parts add up to
/// `total`. All zero weights give nothing (the caller keeps the total). The parts come in
/// the order of the weights, without a vector for them (trips and tours split their cost
/// this way, thousands of times a simulated hour).
pub fn split_by(total: Money, weights: &[u64]) -> impl Iterator<Item = Money> + '_ {
    let sum: u128 = weights.iter().map(|&w| w as u128).sum();
    // Every part is the same when there is nothing to split in proportion.
    let same = if sum == 0 {
        Some(Money::ZERO)
    } else {
        total.is_overflow().then_some(Money::OVERFLOW)
    };
    let mut acc: u128 = 0;
    let mut prev: i128 = 0;
    weights.iter().map(move |&w| {
        if let Some(m) = same {
            return m;
        }
        acc += w as u128;
        let upto = (total.0 as i128 * acc as i128).div_euclid(sum as i128);
        let part = upto - prev;
        prev = upto;
        Money(part as i64)
    })
}

/// Compensation for a damaged or lost parcel: the lesser of the goods' value and a
/// multiple of the postage.
pub fn claim(goods_value: f64, postage: f64, cap_multiple: f64) -> Money {
    Money::from_yuan(goods_value.min(cap_multiple * postage))
}

/// Managers needed above `staff` front-line people: each layer has one manager per
/// `span` people (or managers) below it, rounded up.
pub fn managers(staff: f64, layers: u32, span: f64) -> f64 {
    let mut below = staff;
    let mut total = 0.0;
    for _ in 0..layers {
        below = (below / span).ceil();
        total += below;
    }
    total
}

/// Length of a closed tour through `stops` random points in an area of `area_km2`
/// (Beardwood–Halton–Hammersley: ≈ 0.7124·√(n·A)).
pub fn tour_km(stops: usize, area_km2: f64) -> f64 {
    0.7124 * (stops as f64 * area_km2).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outlet_day_costs_more_with_more_parcels_in_whole_workers() {
        let r = OutletRates {
            fixed_day: 300.0,
            staff_wage_day: 200.0,
            parcels_per_staff_day: 1500.0,
            m2_per_daily_parcel: 0.1,
            rent_per_m2_month: 27.5,
        };
        let rent = 7000.0 * 0.1 * 27.5 * 12.0 / 365.0;
        assert_eq!(outlet_staff(0, 1500.0), 0);
        assert_eq!(outlet_staff(1, 1500.0), 1);
        assert_eq!(outlet_staff(1500, 1500.0), 1);
        assert_eq!(outlet_staff(1501, 1500.0), 2);
        assert_eq!(outlet_day(0, 7000.0, &r), Money::from_yuan(300.0 + rent));
        assert_eq!(
            outlet_day(4000, 7000.0, &r),
            Money::from_yuan(300.0 + 3.0 * 200.0 + rent)
        );
        // Monotone in parcels, and space follows the capacity.
        let mut last = Money::ZERO;
        for p in (0..20_000).step_by(97) {
            let m = outlet_day(p, 7000.0, &r);
            assert!(m >= last);
            last = m;
        }
        assert!(outlet_day(4000, 14_000.0, &r) > outlet_day(4000, 7000.0, &r));
    }

    #[test]
    fn the_activity_table_lists_every_activity_once_in_order() {
        for (i, a) in Activity::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i);
        }
        let mut names: Vec<&str> = Activity::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N_ACTIVITIES, "names are unique");
    }

    #[test]
    fn proportional_split_is_exact() {
        let parts: Vec<Money> = split_by(Money(1_000_003), &[1, 0, 2, 7]).collect();
        assert_eq!(parts.iter().copied().sum::<Money>(), Money(1_000_003));
        assert_eq!(parts[1], Money(0));
        assert!((parts[3].0 - 700_002).abs() <= 1);
        let none: Vec<Money> = split_by(Money(5), &[0, 0]).collect();
        assert_eq!(none, vec![Money(0), Money(0)]);
    }

    #[test]
    fn head_count_follows_layers_and_span() {
        assert_eq!(managers(1000.0, 1, 10.0), 100.0);
        assert_eq!(managers(1000.0, 3, 10.0), 111.0);
        assert_eq!(managers(1000.0, 2, 20.0), 53.0);
        assert_eq!(claim(137.0, 3.0, 3.0), Money::from_yuan(9.0));
        assert_eq!(claim(5.0, 3.0, 3.0), Money::from_yuan(5.0));
    }

    #[test]
    fn bhh_tour_grows_with_the_square_root_of_stops() {
        let a = tour_km(100, 25.0);
        assert!((a - 35.62).abs() < 0.01);
        assert!((tour_km(400, 25.0) / a - 2.0).abs() < 1e-12);
    }
}
