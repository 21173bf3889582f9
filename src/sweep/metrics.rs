//! The metrics recorded per run: one table ([`METRICS`]) gives each column's name and how
//! it is read off a run's [`Summary`], so that a metric cannot have a name without a value
//! or a value without a name. A sweep's `runs.csv` and `points.csv` have a column per metric
//! (and the marginal cost's with `marginal_volume_step`); `compare` adds its own.

use crate::cost::Activity;
use crate::format::sweep::activity_cost;
use crate::run::Summary;

/// One entry of a metrics table.
#[derive(Debug, Clone, Copy)]
pub enum Metric {
    /// One figure of the summary, under its column name.
    One {
        /// The column name.
        name: &'static str,
        /// How it is read off a run's summary.
        value: fn(&Summary) -> f64,
    },
    /// One column per activity, `cost_<activity>_yuan`: its cost per measured delivered
    /// parcel, in the activities' output order.
    CostByActivity,
}

impl Metric {
    /// A figure of the summary, under its column name.
    pub const fn one(name: &'static str, value: fn(&Summary) -> f64) -> Metric {
        Metric::One { name, value }
    }

    /// The column names of this entry.
    pub fn names(&self) -> Vec<String> {
        match self {
            Metric::One { name, .. } => vec![name.to_string()],
            Metric::CostByActivity => Activity::ALL
                .iter()
                .map(|a| activity_cost(a.name()))
                .collect(),
        }
    }

    /// The values of [`Metric::names`] for one run.
    pub fn values(&self, s: &Summary) -> Vec<f64> {
        match self {
            Metric::One { value, .. } => vec![value(s)],
            Metric::CostByActivity => Activity::ALL
                .iter()
                .map(|a| s.cost_by_activity[a.name()])
                .collect(),
        }
    }
}

/// The headline metrics recorded per run, in column order.
pub const METRICS: &[Metric] = &[
    Metric::one("cost_per_parcel_yuan", |s| s.cost_per_parcel_yuan),
    Metric::one("transit_hours_mean", |s| s.transit_hours_mean),
    Metric::one("transit_hours_p50", |s| s.transit_hours_p50),
    Metric::one("transit_hours_p95", |s| s.transit_hours_p95),
    Metric::one("on_time_rate", |s| s.on_time_rate),
    Metric::one("truck_fill_rate", |s| s.truck_fill_rate),
    Metric::one("feeder_fill_rate", |s| s.feeder_fill_rate),
    Metric::one("delivery_attempts_per_parcel", |s| {
        s.delivery_attempts_per_parcel
    }),
    Metric::one("parcels_generated", |s| s.parcels_generated as f64),
    Metric::one("measured_parcels_delivered", |s| {
        s.measured_parcels_delivered as f64
    }),
    Metric::one("measured_parcels_in_flight", |s| {
        s.measured_parcels_in_flight as f64
    }),
    Metric::one("days_simulated", |s| s.days_simulated),
    Metric::one("unabsorbed_yuan", |s| s.money.unabsorbed),
    Metric::CostByActivity,
    Metric::one("co2e_kg_per_parcel", |s| s.emissions.co2e_kg_per_parcel),
];

/// The column names of a metrics table, in order.
pub fn names_of(table: &[Metric]) -> Vec<String> {
    table.iter().flat_map(Metric::names).collect()
}

/// The values of a metrics table for one run, in the order of [`names_of`].
pub fn values_of(table: &[Metric], s: &Summary) -> Vec<f64> {
    table.iter().flat_map(|m| m.values(s)).collect()
}

/// The headline metrics recorded per run, in column order.
pub fn metric_names() -> Vec<String> {
    names_of(METRICS)
}

/// The values of [`metric_names`] for one run.
pub fn metric_values(s: &Summary) -> Vec<f64> {
    values_of(METRICS, s)
}

/// The marginal-cost metrics of a sweep with `marginal_volume_step`, after
/// [`metric_names`]: the measured parcels the extra volume added, then the marginal cost per
/// extra parcel of the total resources and of each activity (yuan).
pub fn marginal_metric_names() -> Vec<String> {
    let mut m = vec![
        "marginal_extra_parcels".to_string(),
        "marginal_cost_per_parcel_yuan".to_string(),
    ];
    m.extend(
        Activity::ALL
            .iter()
            .map(|a| format!("marginal_cost_{}_yuan", a.name())),
    );
    m
}

/// The values of [`marginal_metric_names`] for one pair of runs, or why there are none.
pub(super) fn marginal_values(
    pair: &crate::instruments::marginal::Pair,
) -> std::result::Result<Vec<f64>, String> {
    let extra = pair.extra_parcels()?;
    let mut v = vec![extra as f64];
    v.extend(pair.marginal_by_activity());
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_one_name_and_one_value_per_column() {
        let l = crate::run::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/small.toml"
        )))
        .unwrap();
        let out = crate::run::run(&l.scenario, &l.network, &l.sha256, &Default::default()).unwrap();
        let (names, values) = (metric_names(), metric_values(&out.summary));
        assert_eq!(names.len(), values.len());
        assert_eq!(names.len(), METRICS.len() - 1 + Activity::ALL.len());
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a column name twice");
        let at = |n: &str| values[names.iter().position(|x| x == n).unwrap()];
        assert_eq!(at("cost_per_parcel_yuan"), out.summary.cost_per_parcel_yuan);
        assert_eq!(
            at("co2e_kg_per_parcel"),
            out.summary.emissions.co2e_kg_per_parcel
        );
        let a = Activity::ALL[Activity::ALL.len() - 1];
        assert_eq!(
            at(&activity_cost(a.name())),
            out.summary.cost_by_activity[a.name()]
        );
    }
}
