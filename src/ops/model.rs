//! The typed run model: everything the carrier reads, built once from a checked scenario
//! (times parsed, money in micro-yuan, durations as `SimTime`). Nothing below this build
//! step holds a `&Scenario`.

use crate::accounts::Prices;
use crate::cost::{self, Money};
use crate::engine::SimTime;
use crate::scenario::{ModelKind, Scenario, Staffing, time_of_day};

/// Rates and times fixed for the run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Start of the measured window: the end of the warm-up.
    pub warmup: SimTime,
    /// End of the measured window: parcels picked up in [warmup, window_end) are measured.
    pub window_end: SimTime,
    /// The latest the run may go on while measured parcels are still travelling.
    pub horizon: SimTime,
    /// Days measured.
    pub days: u32,
    /// Pickup cut-offs, times of day (`operations.pickup.waves`).
    pub pickup_waves: Vec<SimTime>,
    /// Delivery waves, times of day (`operations.delivery.waves`).
    pub delivery_waves: Vec<SimTime>,
    /// Sorting shifts: (start in the day, length).
    pub shifts: Vec<(SimTime, SimTime)>,
    /// On time: signed within this long of pickup (`operations.delivery.promise_hours`).
    pub promise: SimTime,
    /// What a waybill consumes per parcel (`costs.waybill_it`).
    pub waybill_it: Money,
    /// Franchise: a courier's pay per parcel picked up.
    pub pickup_pay: Money,
    /// Parcels a shop hands over at one pickup stop.
    pub pickup_per_stop: f64,
    /// Time at each pickup stop (h).
    pub pickup_stop_hours: f64,
    /// Time to scan one parcel at pickup (h).
    pub scan_hours: f64,
    /// The transfers between the parties under the operating model.
    pub prices: Prices,
    /// An outlet-day's fixed, staff and space rates.
    pub outlet: cost::OutletRates,
    /// Franchise: a courier's pay per delivered parcel.
    pub courier_pay: Money,
    /// Share of failed attempts left at a pick-up station.
    pub station_share: f64,
    /// Time until the customer collects a parcel left at a station.
    pub station_collect: SimTime,
    /// The station's fee per parcel left there.
    pub station_fee: Money,
    /// Direct model: a courier's pay per day, busy or idle.
    pub courier_wage_day: Money,
    /// Courier vehicle cost per km of tour (yuan/km).
    pub courier_per_km: f64,
    /// Deliveries one courier makes per day at most.
    pub courier_cap: u32,
    /// Courier speed between stops (km/h).
    pub courier_speed: f64,
    /// Time at each delivery stop (h).
    pub stop_hours: f64,
    /// Probability that one delivery attempt fails.
    pub failure_rate: f64,
    /// Sorting labour, per worker-hour (yuan/h).
    pub wage: f64,
    /// Depreciation period of a sorter line (years).
    pub life_years: f64,
    /// Centre floor rent (yuan/m²/month).
    pub rent: f64,
    /// Time a mis-sorted parcel loses.
    pub mis_sort_delay: SimTime,
    /// Dispatch a truck as soon as a full load waits.
    pub dispatch_when_full: bool,
    /// A centre asks for a surge crew above this backlog, in hours of its throughput.
    pub surge_trigger_hours: f64,
    /// Time a request for a surge crew takes: layers × decision delay.
    pub surge_delay: SimTime,
    /// Lines' worth of crew a surge brings.
    pub surge_lines: u32,
    /// How long a surge crew stays.
    pub surge_length: SimTime,
    /// How sorter lines are staffed.
    pub staffing: Staffing,
    /// Flexible staffing: core crew as a share of the roster.
    pub core_share: f64,
    /// Spare capacity planned in (`network.generate.planning_slack`).
    pub planning_slack: f64,
    /// Flexible staffing: call temporary workers above this backlog (h of throughput).
    pub temp_trigger_hours: f64,
    /// Flexible staffing: delay until called temporary workers arrive.
    pub temp_call_in: SimTime,
    /// Flexible staffing: the least a temporary worker stays and is paid for.
    pub temp_block: SimTime,
    /// Flexible staffing: agency premium on the wage (-).
    pub temp_premium: f64,
    /// Management: head-count above the front line, and what it costs per day.
    pub management_day: Money,
    /// Direct-operated (true) or franchise (false).
    pub direct: bool,
    /// Franchise outlets' spread of failed-delivery rates (coefficient of variation).
    pub outlet_quality_spread: f64,
    /// (fixed cost, cost per km, capacity) of each vehicle type.
    pub vehicles: Vec<(f64, f64, u32)>,
    /// Emission factors and the carbon price.
    pub emissions: crate::emissions::Factors,
    /// Loss and complaint rates, claims and complaint handling (`quality`).
    pub incidents: super::quality::Rates,
}

impl Config {
    /// Whether `t` falls in the measured window.
    #[inline]
    pub fn in_window(&self, t: SimTime) -> bool {
        t >= self.warmup && t < self.window_end
    }

    /// The measured window.
    #[inline]
    pub fn window(&self) -> (SimTime, SimTime) {
        (self.warmup, self.window_end)
    }

    /// The class of a parcel picked up at `t`.
    #[inline]
    pub fn class(&self, t: SimTime) -> super::parcel::Class {
        use super::parcel::Class;
        if t < self.warmup {
            Class::Warmup
        } else if t < self.window_end {
            Class::Measured
        } else {
            Class::After
        }
    }

    /// The run model of a checked scenario; `managers` is the head-count of management.
    pub fn build(sc: &Scenario, managers: f64) -> Result<Config, String> {
        let o = &sc.operations;
        let c = &sc.costs;
        let horizon_days = sc.warmup_days + sc.days + sc.drain_days;
        let direct = sc.operating_model.kind == ModelKind::Direct;
        let shifts = o
            .sorting
            .shifts
            .iter()
            .map(|s| {
                Ok((
                    time(&s.start, "operations.sorting.shifts")?,
                    SimTime::from_hours(s.hours),
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Config {
            warmup: SimTime::from_days(sc.warmup_days as u64),
            window_end: SimTime::from_days((sc.warmup_days + sc.days) as u64),
            horizon: SimTime::from_days(horizon_days as u64),
            days: horizon_days,
            pickup_waves: times(&o.pickup.waves, "operations.pickup.waves")?,
            delivery_waves: times(&o.delivery.waves, "operations.delivery.waves")?,
            shifts,
            promise: SimTime::from_hours(o.delivery.promise_hours),
            waybill_it: Money::from_yuan(c.waybill_it),
            pickup_pay: match direct {
                true => Money::ZERO,
                false => Money::from_yuan(c.courier_pay_per_pickup),
            },
            pickup_per_stop: o.pickup.parcels_per_stop,
            pickup_stop_hours: o.pickup.stop_minutes / 60.0,
            scan_hours: o.pickup.seconds_per_parcel / 3600.0,
            prices: Prices::new(&sc.operating_model),
            outlet: cost::OutletRates {
                fixed_day: c.outlet_per_day,
                staff_wage_day: c.outlet_staff_wage_per_day,
                parcels_per_staff_day: c.outlet_parcels_per_staff_day,
                m2_per_daily_parcel: c.outlet_m2_per_daily_parcel,
                rent_per_m2_month: c.outlet_rent_per_m2_month,
            },
            courier_pay: match direct {
                true => Money::ZERO,
                false => Money::from_yuan(c.courier_pay_per_delivery),
            },
            station_share: o.delivery.station_share,
            station_collect: SimTime::from_hours(o.delivery.station_collect_hours),
            station_fee: Money::from_yuan(o.delivery.station_fee),
            courier_wage_day: match direct {
                true => Money::from_yuan(sc.operating_model.courier_daily_wage),
                false => Money::ZERO,
            },
            courier_per_km: c.courier_cost_per_km,
            courier_cap: o.delivery.courier_daily_capacity,
            courier_speed: o.delivery.speed_kmh,
            stop_hours: o.delivery.stop_minutes / 60.0,
            failure_rate: o.delivery.failure_rate,
            wage: c.sorter_wage_per_hour,
            life_years: c.sorter_life_years,
            rent: c.rent_per_m2_month,
            mis_sort_delay: SimTime::from_hours(o.sorting.mis_sort_delay_hours),
            dispatch_when_full: o.linehaul.dispatch_when_full,
            surge_trigger_hours: sc.org.surge_backlog_hours,
            surge_delay: SimTime::from_hours(sc.org.layers as f64 * sc.org.decision_delay_hours),
            surge_lines: sc.org.surge_lines,
            surge_length: SimTime::from_hours(sc.org.surge_hours),
            staffing: o.sorting.staffing,
            core_share: o.sorting.core_share,
            planning_slack: sc
                .network
                .generate
                .as_ref()
                .map_or(0.3, |g| g.planning_slack),
            temp_trigger_hours: o.sorting.temp_trigger_hours,
            temp_call_in: SimTime::from_hours(o.sorting.temp_call_in_hours),
            temp_block: SimTime::from_hours(o.sorting.temp_block_hours),
            temp_premium: o.sorting.temp_premium,
            management_day: Money::from_yuan(managers * sc.org.manager_cost_per_day),
            direct,
            outlet_quality_spread: sc.operating_model.outlet_quality_spread,
            vehicles: sc
                .vehicles
                .iter()
                .map(|v| (v.fixed_cost, v.cost_per_km, v.capacity))
                .collect(),
            emissions: crate::emissions::Factors::new(sc),
            incidents: super::quality::Rates::new(&sc.quality),
        })
    }
}

/// Time of day `s` of scenario field `field`.
pub(super) fn time(s: &str, field: &str) -> Result<SimTime, String> {
    time_of_day(s).map_err(|e| format!("{field}: {e}"))
}

/// Times of day, sorted, without repeats.
fn times(v: &[String], field: &str) -> Result<Vec<SimTime>, String> {
    let mut t = v
        .iter()
        .map(|x| time(x, field))
        .collect::<Result<Vec<_>, String>>()?;
    t.sort();
    t.dedup();
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::fixture;
    use crate::ops::parcel::Class;

    #[test]
    fn the_run_model_types_the_scenarios_times_and_money_once() {
        let l = fixture::small();
        let sc = &l.scenario;
        let cfg = Config::build(sc, 2.0).expect("builds");
        let day = SimTime::from_days(1);
        assert_eq!(cfg.warmup, SimTime::from_days(sc.warmup_days as u64));
        assert_eq!(
            cfg.window_end,
            cfg.warmup + SimTime::from_days(sc.days as u64)
        );
        assert_eq!(
            cfg.horizon,
            cfg.window_end + SimTime::from_days(sc.drain_days as u64)
        );
        // The window is half-open, and a parcel's class follows its pickup time.
        assert!(cfg.in_window(cfg.warmup) && !cfg.in_window(cfg.window_end));
        assert_eq!(cfg.class(cfg.warmup - SimTime(1)), Class::Warmup);
        assert_eq!(cfg.class(cfg.warmup), Class::Measured);
        assert_eq!(cfg.class(cfg.window_end), Class::After);
        assert!(cfg.horizon >= day);
        // Money in micro-yuan, from the scenario's yuan.
        assert_eq!(cfg.waybill_it, Money::from_yuan(sc.costs.waybill_it));
        assert_eq!(
            cfg.management_day,
            Money::from_yuan(2.0 * sc.org.manager_cost_per_day)
        );
        assert_eq!(cfg.vehicles.len(), sc.vehicles.len());
    }
}
