//! The sweep file: which scenario, which parameters to vary and how, replications and
//! seeds; resolved into points, each a scenario of its own. The designs that place the
//! points are in `design.rs`, the dotted-path edits of a scenario tree in `tree.rs`
//! (re-exported here).

pub(crate) use super::design::unit_latin_hypercube;
pub(crate) use super::tree::{lookup, set_path, to_scenario};

use super::design::{cartesian, grid, latin_hypercube};
use crate::error::{InputError, line_of};
pub use crate::format::sweep::Parameter;
use crate::scenario::{self, Scenario, Source};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A sweep file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Name of the sweep (default: the file name without extension).
    pub name: Option<String>,
    /// Base scenario, relative to the sweep file.
    pub base: String,
    /// Replications per point.
    #[serde(default = "one")]
    pub replications: u32,
    /// Base seed of every run's seed.
    #[serde(default = "one_u64")]
    pub seed: u64,
    /// Same random numbers at every point (a run's seed depends on the replication only),
    /// so that differences between points are not noise. When false, the point enters too.
    #[serde(default = "yes")]
    pub common_random_numbers: bool,
    /// How several varied parameters combine.
    #[serde(default)]
    pub design: Design,
    /// Points of a Latin hypercube design.
    pub points: Option<usize>,
    /// Values applied to the base scenario for every run (dotted path → value).
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub set: toml::Table,
    /// Marginal cost at every point: each run is paired with a run of the same seed whose
    /// daily volume is this share higher (the same orders plus extra ones, as `parcelsim
    /// marginal` does), and `runs.csv` and `points.csv` gain the marginal cost per extra
    /// parcel, in total and by activity. Doubles the runs. Absent: no marginal cost.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub marginal_volume_step: Option<f64>,
    /// The varied parameters.
    pub vary: Vec<Vary>,
}

/// How the points of a sweep are chosen from its parameters.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Every combination of the parameters' values.
    #[default]
    Grid,
    /// `points` points, each parameter's range cut into `points` strata used once each.
    LatinHypercube,
}

/// One varied parameter: exactly one of `values`, `range`, `log_range`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vary {
    /// Dotted path in the scenario, e.g. `demand.daily_parcels` or `vehicles[2].capacity`.
    pub path: String,
    /// The values to run, as the field takes them (numbers, text, booleans).
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub values: Option<Vec<toml::Value>>,
    /// A linear range: `points` values from `from` to `to`, evenly spaced, both ends included.
    pub range: Option<Range>,
    /// A logarithmic range: the same, evenly spaced in logs (both ends positive).
    pub log_range: Option<Range>,
}

/// A numeric parameter's range.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// First value of the range.
    pub from: f64,
    /// Last value of the range.
    pub to: f64,
    /// Points of a grid over the range (ignored by a Latin hypercube).
    #[serde(default = "five")]
    pub points: usize,
}

fn one() -> u32 {
    1
}
fn one_u64() -> u64 {
    1
}
fn yes() -> bool {
    true
}
fn five() -> usize {
    5
}

/// One point of the sweep: a value per parameter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Point {
    /// Index of the point, from 0.
    pub point: usize,
    /// The value of each parameter, in the order of `vary`.
    pub values: Vec<toml::Value>,
}

/// A sweep ready to run.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// Name of the sweep (folder and charts).
    pub name: String,
    /// The sweep file, as given.
    pub file: PathBuf,
    /// The sweep file as read.
    pub spec: SweepFile,
    /// The base scenario file and its text.
    pub base: Source,
    /// The base scenario with every default filled in, as a TOML tree.
    pub base_tree: toml::Value,
    /// The varied parameters, in the order of `vary`.
    pub parameters: Vec<Parameter>,
    /// Every point of the design, in order.
    pub points: Vec<Point>,
}

impl Sweep {
    /// Seed of replication `rep` at `point`.
    pub fn seed(&self, point: usize, rep: u32) -> u64 {
        let p = if self.spec.common_random_numbers {
            0
        } else {
            point as u64 + 1
        };
        crate::random::run_seed(self.spec.seed, p, rep as u64)
    }

    /// The scenario of a point (with the sweep's `set` values applied).
    pub fn scenario(&self, point: &Point) -> Result<Scenario, String> {
        let mut tree = self.base_tree.clone();
        for (p, v) in self.parameters.iter().zip(&point.values) {
            set_path(&mut tree, &p.path, v.clone())?;
        }
        to_scenario(tree, &self.base)
    }
}

fn err(file: &Path, text: &str, field: &str, message: String) -> InputError {
    InputError {
        file: file.to_path_buf(),
        line: scenario::locate(text, field),
        field: Some(field.to_string()),
        message,
    }
}

/// Runs a sweep may have without `--yes`.
pub const ASK_ABOVE_RUNS: usize = 10_000;
/// Runs a sweep may have at all: beyond, its seeds and rows alone fill memory.
pub const MAX_RUNS: usize = 1_000_000;
/// Estimated wall time a sweep may take without `--yes` (s).
pub const ASK_ABOVE_SECONDS: f64 = 3_600.0;
/// Parcels one thread simulates per second, for the time estimate. Measured:
/// `small.toml` at 100,000 parcels a day, 1.86 M parcels in 1.76 s (release build).
pub const PARCELS_PER_SECOND: f64 = 1e6;

/// What a sweep is checked against before it starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct SweepLimits {
    /// Each run's limits (memory).
    pub limits: crate::workload::Limits,
    /// The user said yes to a large or long sweep.
    pub yes: bool,
}

/// Reads a sweep file and resolves its points; every single value is checked against the
/// scenario before anything runs.
pub fn load(path: &Path) -> Result<Sweep, InputError> {
    load_with(path, &SweepLimits::default(), None)
}

/// [`load`], checking the size and the estimated time of the sweep on `threads` threads
/// (default: one per core) and each run's workload against `limits`.
pub fn load_with(
    path: &Path,
    limits: &SweepLimits,
    threads: Option<usize>,
) -> Result<Sweep, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError {
        file: path.to_path_buf(),
        line: None,
        field: None,
        message: format!("cannot read the sweep file: {e}"),
    })?;
    let spec: SweepFile = toml::from_str(&text).map_err(|e| InputError {
        file: path.to_path_buf(),
        line: e.span().map(|s| line_of(&text, s.start)),
        field: None,
        message: e.message().trim().to_string(),
    })?;
    let name = spec.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("sweep")
            .to_string()
    });
    let at = |field: &str, m: String| err(path, &text, field, m);
    if spec.replications == 0 {
        return Err(at("replications", "must be at least 1".into()));
    }
    if let Some(step) = spec.marginal_volume_step
        && !(step.is_finite() && step > 0.0 && step <= 1.0)
    {
        return Err(at(
            "marginal_volume_step",
            format!(
                "{} is not a share of the daily volume above 0 and at most 1 (e.g. 0.05 for 5 %)",
                crate::error::show_num(step)
            ),
        ));
    }
    if spec.vary.is_empty() {
        return Err(at("vary", "name at least one parameter to vary".into()));
    }
    let base_path = path.parent().unwrap_or(Path::new(".")).join(&spec.base);
    let (base_sc, base) = scenario::load(&base_path).map_err(|e| {
        if e.file == base_path && e.line.is_none() {
            at("base", e.message)
        } else {
            e
        }
    })?;
    let mut base_tree = toml::Value::try_from(&base_sc).expect("a scenario serialises");
    for (k, v) in &spec.set {
        set_path(&mut base_tree, k, v.clone()).map_err(|m| at(&format!("set.{k}"), m))?;
    }
    let set_checked = to_scenario(base_tree.clone(), &base)
        .map_err(|m| at("set", format!("the scenario rejects these values: {m}")))?;
    let base_net = crate::network::build(&set_checked, &base).map_err(|e| {
        at(
            "set",
            format!("the scenario rejects these values: {}", e.message),
        )
    })?;
    let base_parcels = crate::workload::check(&set_checked, &base, &base_net, &limits.limits)
        .map_err(|e| {
            at(
                "set",
                format!("the scenario rejects these values: {}", e.message),
            )
        })?
        .parcels;

    // The size, before any value is checked: a huge range alone would take long to check.
    let lhs = spec.design == Design::LatinHypercube;
    let point_count = if lhs {
        spec.points.unwrap_or(0)
    } else {
        spec.vary.iter().fold(1usize, |n, v| {
            let k = match (&v.values, v.range.or(v.log_range)) {
                (Some(vals), _) => vals.len(),
                (None, Some(r)) => r.points,
                (None, None) => 1,
            };
            n.saturating_mul(k.max(1))
        })
    };
    let runs = point_count.saturating_mul(spec.replications as usize);
    let size_field = if spec.replications as usize > point_count {
        "replications".to_string()
    } else {
        "vary".to_string()
    };
    if runs > MAX_RUNS {
        return Err(at(
            &size_field,
            format!(
                "the sweep has {runs} runs ({point_count} points × {} replications); at most \
                 {MAX_RUNS} in one sweep: split it into several sweep files or shards",
                spec.replications
            ),
        ));
    }
    if runs > ASK_ABOVE_RUNS && !limits.yes {
        return Err(at(
            &size_field,
            format!(
                "the sweep has {runs} runs ({point_count} points × {} replications), more \
                 than {ASK_ABOVE_RUNS}; pass --yes to start it",
                spec.replications
            ),
        ));
    }

    // Each parameter's values, checked one at a time on the base.
    let mut parameters = Vec::new();
    let mut columns: Vec<Vec<toml::Value>> = Vec::new();
    // Per parameter: the mean and the largest ratio of a run's parcels to the base's.
    let mut ratios: Vec<(f64, f64)> = Vec::new();
    for (i, v) in spec.vary.iter().enumerate() {
        let field = format!("vary[{i}]");
        let given = [v.values.is_some(), v.range.is_some(), v.log_range.is_some()];
        if given.iter().filter(|&&g| g).count() != 1 {
            return Err(at(
                &field,
                "give exactly one of `values`, `range`, `log_range`".into(),
            ));
        }
        if parameters.iter().any(|p: &Parameter| p.path == v.path) {
            return Err(at(
                &format!("{field}.path"),
                format!("`{}` is varied twice", v.path),
            ));
        }
        let log = v.log_range.is_some();
        let vals: Vec<toml::Value> = match (&v.values, v.range.or(v.log_range)) {
            (Some(vals), _) => {
                if lhs {
                    return Err(at(
                        &field,
                        "a Latin hypercube needs `range` or `log_range`".into(),
                    ));
                }
                if vals.is_empty() {
                    return Err(at(&format!("{field}.values"), "is empty".into()));
                }
                vals.clone()
            }
            (None, Some(r)) => {
                let which = if log { "log_range" } else { "range" };
                if !(r.from.is_finite() && r.to.is_finite())
                    || (log && (r.from <= 0.0 || r.to <= 0.0))
                {
                    return Err(at(
                        &format!("{field}.{which}"),
                        "needs finite bounds (positive for a log range)".into(),
                    ));
                }
                if r.points == 0 {
                    return Err(at(
                        &format!("{field}.{which}.points"),
                        "must be at least 1".into(),
                    ));
                }
                if lhs {
                    vec![toml::Value::Float(r.from), toml::Value::Float(r.to)]
                } else {
                    grid(r, log).into_iter().map(toml::Value::Float).collect()
                }
            }
            (None, None) => unreachable!("checked above"),
        };
        let mut sum_ratio = 0.0;
        let mut max_ratio: f64 = 0.0;
        for val in &vals {
            let mut tree = base_tree.clone();
            let checked = set_path(&mut tree, &v.path, val.clone())
                .and_then(|()| to_scenario(tree, &base))
                .and_then(|sc| {
                    let net = crate::network::build(&sc, &base).map_err(|e| e.message)?;
                    crate::workload::check(&sc, &base, &net, &limits.limits).map_err(|e| {
                        match e.field {
                            Some(f) => format!("field `{f}`: {}", e.message),
                            None => e.message,
                        }
                    })
                });
            match checked {
                Err(m) => {
                    return Err(at(
                        &format!("{field}.path"),
                        format!("`{}` = {}: {m}", v.path, show_value(val)),
                    ));
                }
                Ok(e) => {
                    let r = e.parcels / base_parcels.max(1.0);
                    sum_ratio += r;
                    max_ratio = max_ratio.max(r);
                }
            }
        }
        ratios.push((sum_ratio / vals.len().max(1) as f64, max_ratio));
        parameters.push(Parameter {
            path: v.path.clone(),
            log,
        });
        columns.push(vals);
    }

    let points = if lhs {
        let n = spec
            .points
            .ok_or_else(|| at("points", "a Latin hypercube needs `points`".into()))?;
        if n == 0 {
            return Err(at("points", "must be at least 1".into()));
        }
        latin_hypercube(&spec, &parameters, n)
    } else {
        cartesian(&columns)
    };
    // Time: a grid's mean point scales the base by each parameter's mean ratio; a Latin
    // hypercube's points are drawn, so its largest ratios are used.
    let per_run = base_parcels
        * ratios
            .iter()
            .map(|&(mean, max)| if lhs { max } else { mean })
            .product::<f64>();
    let threads = threads
        .filter(|&t| t > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1) as f64;
    // A marginal cost pairs every run with one carrying the extra volume.
    let pairing = spec.marginal_volume_step.map_or(1.0, |s| 2.0 + s);
    let seconds = per_run * pairing * runs as f64 / PARCELS_PER_SECOND / threads;
    if seconds > ASK_ABOVE_SECONDS && !limits.yes {
        return Err(at(
            "vary",
            format!(
                "the sweep is estimated to take about {} hours ({runs} runs{} of up to {} \
                 million parcels, at about {} million parcels a second on {threads} \
                 threads), more than {} hour; pass --yes to start it",
                crate::error::show_num((seconds / 360.0).round() / 10.0),
                if pairing > 1.0 {
                    ", each paired for the marginal cost,"
                } else {
                    ""
                },
                crate::error::show_num((per_run / 1e5).round() / 10.0),
                crate::error::show_num(PARCELS_PER_SECOND / 1e6),
                crate::error::show_num(ASK_ABOVE_SECONDS / 3600.0),
            ),
        ));
    }
    // Integer fields take rounded values.
    let points = points
        .into_iter()
        .enumerate()
        .map(|(i, values)| Point {
            point: i,
            values: values
                .into_iter()
                .zip(&parameters)
                .map(|(v, p)| match (lookup(&base_tree, &p.path), v) {
                    (Some(toml::Value::Integer(_)), toml::Value::Float(f)) => {
                        toml::Value::Integer(f.round() as i64)
                    }
                    (_, v) => v,
                })
                .collect(),
        })
        .collect();
    Ok(Sweep {
        name,
        file: path.to_path_buf(),
        spec,
        base,
        base_tree,
        parameters,
        points,
    })
}

/// A TOML value as a message shows it: short and visible.
fn show_value(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(f) => crate::error::show_num(*f),
        toml::Value::String(s) => format!("\"{}\"", crate::error::show_text(s)),
        other => crate::error::show_text(&other.to_string()),
    }
}
