//! `sweep.json`: the resolved sweep, everything needed to reproduce, resume and merge it;
//! `sweep` writes and reads it back (resume, merge), `plot` reads it for the charts.
//! And the columns of `points.csv` (the point, its parameters, its runs, then each metric's
//! statistics, [`points_header`]), named once here for the sweep that writes them and for
//! the charts and the report that read them.

use serde::{Deserialize, Serialize};

/// `sweep.json`: everything needed to reproduce, resume and merge a sweep.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepJson {
    /// Name of the sweep.
    pub name: String,
    /// The sweep file, as given.
    pub sweep_file: String,
    /// The base scenario, as the sweep file names it.
    pub base_scenario: String,
    /// SHA-256 of the base scenario file's bytes.
    pub base_scenario_sha256: String,
    /// parcelsim version that wrote the file.
    pub version: String,
    /// Replications per point.
    pub replications: u32,
    /// Seed every run's seed derives from.
    pub base_seed: u64,
    /// Whether a run's seed depends on its replication only (the same random numbers at every point).
    pub common_random_numbers: bool,
    /// `Grid` or `LatinHypercube`.
    pub design: String,
    /// The values set on the base scenario for every run (dotted path → value).
    pub set: serde_json::Value,
    /// The varied parameters, in the order of the points' values.
    pub parameters: Vec<Parameter>,
    /// The metrics of `runs.csv` and `points.csv`, in column order.
    pub metrics: Vec<String>,
    /// The sweep file's `marginal_volume_step`: every run is paired with one carrying
    /// this share of extra volume, and the metrics include the marginal cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marginal_volume_step: Option<f64>,
    /// Every point: its values and the seed of each replication.
    pub points: Vec<PointJson>,
}

/// One point of `sweep.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointJson {
    /// Index of the point, from 0.
    pub point: usize,
    /// The value of each parameter, in the order of `parameters`.
    pub values: Vec<serde_json::Value>,
    /// Seed of each replication.
    pub seeds: Vec<u64>,
}

/// A resolved varied parameter, as written to `sweep.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parameter {
    /// Dotted path of the parameter in the scenario.
    pub path: String,
    /// Whether plots should use a log axis for it.
    pub log: bool,
}

/// `points.csv`'s column of the point's index (`PointJson::point`).
pub const POINT: &str = "point";
/// `points.csv`'s column of the point's successful replications.
pub const RUNS_OK: &str = "runs_ok";
/// `points.csv`'s column of the point's failed replications.
pub const RUNS_FAILED: &str = "runs_failed";

/// A statistic that `points.csv` gives of each metric over a point's successful
/// replications, one column each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// The mean (empty when no replication succeeded).
    Mean,
    /// The standard deviation (empty with fewer than two).
    Sd,
    /// The lower bound of the 95 % confidence interval of the mean (empty with fewer than two).
    CiLow,
    /// Its upper bound.
    CiHigh,
}

impl Stat {
    /// The statistics in column order.
    pub const ALL: [Stat; 4] = [Stat::Mean, Stat::Sd, Stat::CiLow, Stat::CiHigh];

    /// The column of this statistic of `metric`: `<metric>_mean`, `_sd`, `_ci_low`, `_ci_high`.
    pub fn of(self, metric: &str) -> String {
        format!("{metric}_{}", self.suffix())
    }

    /// The metric whose statistic `column` holds, when it is a column of this statistic.
    pub fn metric_of(self, column: &str) -> Option<&str> {
        column.strip_suffix(self.suffix())?.strip_suffix('_')
    }

    fn suffix(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Sd => "sd",
            Stat::CiLow => "ci_low",
            Stat::CiHigh => "ci_high",
        }
    }
}

/// `points.csv`'s header: the point, each parameter (by its path), the runs that succeeded
/// and failed, then each metric's statistics in [`Stat::ALL`] order.
pub fn points_header(parameters: &[Parameter], metrics: &[String]) -> Vec<String> {
    let mut header = vec![POINT.to_string()];
    header.extend(parameters.iter().map(|p| p.path.clone()));
    header.extend([RUNS_OK.to_string(), RUNS_FAILED.to_string()]);
    for m in metrics {
        header.extend(Stat::ALL.map(|s| s.of(m)));
    }
    header
}

/// The metric of one activity's cost per measured delivered parcel: `cost_<activity>_yuan`
/// (a column of `runs.csv`, a metric of `points.csv` and of comparisons).
pub fn activity_cost(activity: &str) -> String {
    format!("cost_{activity}_yuan")
}

/// The activity whose cost the metric `name` is ([`activity_cost`]'s inverse); `None` for
/// any other metric, the total `cost_per_parcel_yuan` included.
pub fn cost_activity(name: &str) -> Option<&str> {
    name.strip_prefix("cost_")?
        .strip_suffix("_yuan")
        .filter(|a| !a.is_empty() && *a != "per_parcel")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_columns_parse_back_into_their_metric_and_statistic() {
        let header = points_header(
            &[Parameter {
                path: "demand.daily_parcels".into(),
                log: true,
            }],
            &["on_time_rate".into(), activity_cost("linehaul")],
        );
        assert_eq!(
            header.join(","),
            "point,demand.daily_parcels,runs_ok,runs_failed,\
             on_time_rate_mean,on_time_rate_sd,on_time_rate_ci_low,on_time_rate_ci_high,\
             cost_linehaul_yuan_mean,cost_linehaul_yuan_sd,cost_linehaul_yuan_ci_low,cost_linehaul_yuan_ci_high"
        );
        for s in Stat::ALL {
            let column = s.of("cost_per_parcel_yuan");
            assert_eq!(s.metric_of(&column), Some("cost_per_parcel_yuan"));
            let others = Stat::ALL.iter().filter(|o| **o != s);
            assert!(
                others.clone().all(|o| o.metric_of(&column).is_none()),
                "{column}"
            );
        }
        assert_eq!(Stat::Mean.metric_of("runs_ok"), None);
        assert_eq!(
            cost_activity(&activity_cost("last_mile")),
            Some("last_mile")
        );
        assert_eq!(cost_activity("cost_per_parcel_yuan"), None);
        assert_eq!(cost_activity("marginal_cost_per_parcel_yuan"), None);
    }
}
