//! Calibration: the free inputs (dotted paths with bounds) that make the simulated metrics
//! meet observed targets.
//!
//! The misfit of a set of inputs is Σ ((simulated − target) / sd)², the simulated value being
//! the mean over `replications` runs whose seeds are the same at every evaluation (common
//! random numbers: the misfit is a deterministic, nearly smooth function of the inputs).
//! Nelder–Mead ([`super::optimise`]) searches the box of bounds. How well each input is
//! identified comes from the Jacobian J of the scaled residuals at the fit (central
//! differences, 1 % of each range): the Gauss–Newton covariance (JᵀJ)⁻¹ gives a 95 % interval
//! x̂ ± 1.96·σ; an input the targets do not move (JᵀJ singular) is reported as not identified.
//!
//! A target's `metric` is a `compare` metric (`cost_per_parcel_yuan`,
//! `cost_sorting_labour_yuan`, `late_rate`...) or any number of `summary.json` by dotted path
//! (`accounts.parties.outlets.margin`, `cost_by_activity.linehaul`).
//!
//! Files: `calibrate.csv` (the free inputs), `targets.csv` (misfit per target),
//! `evaluations.csv` (every point the search tried), `calibrate.json` and
//! `plots/misfit.{png,svg}`.

use super::inputs::Model;
use super::optimise::{invert, nelder_mead};
use crate::error::{Error, InputError, Result, line_of};
use crate::files::{csv_bytes, json_bytes, write_atomic};
use crate::metrics::{Interval, interval};
use crate::progress::Progress;
use crate::run::Summary;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;

/// A targets file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsFile {
    /// Runs per evaluation (the same seeds at every evaluation).
    #[serde(default = "d_reps")]
    pub replications: u32,
    /// Seed the replications' seeds derive from.
    #[serde(default = "d_seed")]
    pub seed: u64,
    /// Most misfit evaluations of the search.
    #[serde(default = "d_evals")]
    pub max_evaluations: usize,
    /// The observed outputs to match (`[[target]]`).
    pub target: Vec<Target>,
    /// The inputs the search may move (`[[free]]`).
    pub free: Vec<Free>,
}

fn d_reps() -> u32 {
    3
}
fn d_seed() -> u64 {
    1
}
fn d_evals() -> usize {
    150
}

/// An observed output.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The metric observed, a key of `summary.json`.
    pub metric: String,
    /// Its observed value.
    pub value: f64,
    /// Standard error of the observation, or the tolerance the fit should meet.
    pub sd: f64,
}

/// A free input and its bounds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Free {
    /// Dotted path of the input in the scenario.
    pub path: String,
    /// Lowest value the search may try.
    pub min: f64,
    /// Highest value the search may try.
    pub max: f64,
    /// Where the search starts (default: the scenario's value, kept within the bounds).
    pub start: Option<f64>,
}

/// Reads and checks a targets file against the scenario: every problem is a located error.
pub fn load(path: &Path, model: &Model) -> Result<TargetsFile> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let err = |field: Option<String>, line: Option<usize>, message: String| {
        Error::Input(InputError {
            file: path.to_path_buf(),
            line,
            field,
            message,
        })
    };
    let t: TargetsFile = toml::from_str(&text).map_err(|e: toml::de::Error| {
        err(
            None,
            e.span().map(|s| line_of(&text, s.start)),
            e.message().trim().to_string(),
        )
    })?;
    let at = |field: String, m: String| {
        let line = crate::scenario::locate(&text, &field);
        err(Some(field), line, m)
    };
    if t.target.is_empty() || t.free.is_empty() {
        return Err(err(
            None,
            None,
            "needs at least one [[target]] and one [[free]]".into(),
        ));
    }
    if t.replications == 0 || t.replications > 1000 {
        return Err(at(
            "replications".into(),
            format!("must be 1 to 1000, got {}", t.replications),
        ));
    }
    if t.max_evaluations < 2 * t.free.len() + 2 || t.max_evaluations > 100_000 {
        return Err(at(
            "max_evaluations".into(),
            format!(
                "must be {} to 100000 for {} free inputs, got {}",
                2 * t.free.len() + 2,
                t.free.len(),
                t.max_evaluations
            ),
        ));
    }
    let names = crate::compare::metric_names();
    for (i, g) in t.target.iter().enumerate() {
        if !(g.sd.is_finite() && g.sd > 0.0) {
            return Err(at(
                format!("target[{i}].sd"),
                format!("must be a positive number, got {}", g.sd),
            ));
        }
        if !g.value.is_finite() {
            return Err(at(format!("target[{i}].value"), "must be finite".into()));
        }
        if !names.contains(&g.metric) && !summary_path_ok(&g.metric) {
            return Err(at(
                format!("target[{i}].metric"),
                format!(
                    "`{}` is neither a compare metric nor a dotted path of summary.json",
                    g.metric
                ),
            ));
        }
    }
    // Paths into summary.json are checked on one run of the base scenario.
    let json: Vec<usize> = (0..t.target.len())
        .filter(|&i| !names.contains(&t.target[i].metric))
        .collect();
    if !json.is_empty() {
        let l = model.loaded;
        let probe = crate::run::run(
            &l.scenario,
            &l.network,
            &l.sha256,
            &crate::run::RunOptions {
                seed: Some(t.seed),
                ..Default::default()
            },
        )?
        .summary;
        for i in json {
            if let Err(e) = summary_value(&probe, &t.target[i].metric) {
                return Err(at(format!("target[{i}].metric"), e.to_string()));
            }
        }
    }
    for (i, f) in t.free.iter().enumerate() {
        model
            .nominal(&f.path)
            .map_err(|e| at(format!("free[{i}].path"), e.to_string()))?;
        if !(f.min.is_finite() && f.max.is_finite() && f.min < f.max) {
            return Err(at(
                format!("free[{i}].max"),
                format!("needs finite min < max, got {} and {}", f.min, f.max),
            ));
        }
        if let Some(s) = f.start
            && !(f.min..=f.max).contains(&s)
        {
            return Err(at(
                format!("free[{i}].start"),
                format!("{s} is outside [{}, {}]", f.min, f.max),
            ));
        }
        // The bounds themselves must make valid scenarios.
        for v in [f.min, f.max] {
            model
                .build(std::slice::from_ref(&f.path), &[v])
                .map_err(|e| at(format!("free[{i}].min"), e.to_string()))?;
        }
    }
    Ok(t)
}

/// A dotted path that may name a number of `summary.json` (checked at the first run).
fn summary_path_ok(path: &str) -> bool {
    !path.is_empty() && path.split('.').all(|s| !s.is_empty())
}

/// The value at `path` of a summary, or a usage error.
fn summary_value(s: &Summary, path: &str) -> Result<f64> {
    if let Some(k) = crate::compare::metric_names()
        .iter()
        .position(|m| m == path)
    {
        return Ok(crate::compare::metric_values(s)[k]);
    }
    let json = serde_json::to_value(s).expect("a summary serialises");
    let mut cur = &json;
    for seg in path.split('.') {
        cur = cur
            .get(seg)
            .ok_or_else(|| Error::Usage(format!("summary.json has no `{path}`")))?;
    }
    cur.as_f64()
        .ok_or_else(|| Error::Usage(format!("summary.json's `{path}` is not a number")))
}

/// How a calibration runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads (all cores when absent); results do not depend on it.
    pub threads: Option<usize>,
    /// Where the evaluations are reported (nowhere by default).
    pub progress: Progress,
}

/// One free input after the fit.
#[derive(Debug, Clone, Serialize)]
pub struct Fitted {
    /// Dotted path of the input.
    pub path: String,
    /// Lowest value allowed.
    pub min: f64,
    /// Highest value allowed.
    pub max: f64,
    /// Where the search started.
    pub start: f64,
    /// The fitted value.
    pub value: f64,
    /// Low end of the 95 % interval from the Gauss–Newton covariance; None: not identified.
    pub ci_low: Option<f64>,
    /// High end of that interval.
    pub ci_high: Option<f64>,
    /// Standard error from the same covariance; None: not identified.
    pub sd: Option<f64>,
}

/// One target after the fit.
#[derive(Debug, Clone, Serialize)]
pub struct Misfit {
    /// The metric, a key of `summary.json`.
    pub metric: String,
    /// The observed value.
    pub target: f64,
    /// Its standard error or tolerance.
    pub target_sd: f64,
    /// The metric at the fit (mean over replications).
    pub fitted: f64,
    /// Low end of the 95 % interval of the fitted value over the replications.
    pub fitted_ci_low: Option<f64>,
    /// High end of that interval.
    pub fitted_ci_high: Option<f64>,
    /// (fitted − target) / sd.
    pub z: f64,
}

/// `calibrate.json`.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrateJson {
    /// parcelsim version that wrote the file.
    pub version: String,
    /// The scenario file, as given.
    pub scenario_file: String,
    /// The scenario's `name`.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The targets file, as given.
    pub targets_file: String,
    /// The targets file as read, defaults filled in.
    pub targets: TargetsFile,
    /// Seed of each replication, the same at every evaluation.
    pub seeds: Vec<u64>,
    /// Misfit evaluations spent.
    pub evaluations: usize,
    /// Whether the search converged before `max_evaluations`.
    pub converged: bool,
    /// Σ z² at the fit.
    pub misfit: f64,
    /// The free inputs at the fit, with their intervals.
    pub fitted: Vec<Fitted>,
    /// How the fit was made, in words.
    pub method: &'static str,
}

const METHOD: &str = "misfit = Σ ((mean over replications − target) / sd)², the same replication seeds at every evaluation (common random numbers); Nelder–Mead in the box of bounds (scaled to [0, 1], start simplex 0.15, tolerance 1e-8); identification: Jacobian of the scaled residuals by central differences (1 % of each range), 95 % interval x ± 1.96·sqrt((JᵀJ)⁻¹ᵢᵢ), not identified when JᵀJ is singular";

/// A finished calibration.
pub struct Calibration {
    /// What `calibrate.json` records.
    pub info: CalibrateJson,
    /// Each target at the fit.
    pub misfits: Vec<Misfit>,
    /// (input values, misfit) of every evaluation of the search, in order.
    pub history: Vec<(Vec<f64>, f64)>,
}

impl Calibration {
    /// Fits the free inputs of `t` to its targets.
    pub fn fit(
        scenario_file: &Path,
        targets_file: &Path,
        model: &Model,
        t: &TargetsFile,
        opts: &Options,
    ) -> Result<Calibration> {
        let paths: Vec<String> = t.free.iter().map(|f| f.path.clone()).collect();
        let seeds: Vec<u64> = (0..t.replications)
            .map(|r| crate::random::run_seed(t.seed, 0, u64::from(r)))
            .collect();
        let to_x = |u: &[f64]| -> Vec<f64> {
            t.free
                .iter()
                .zip(u)
                .map(|(f, v)| f.min + v * (f.max - f.min))
                .collect()
        };
        let metrics = |s: &Summary| -> Result<Vec<f64>> {
            t.target
                .iter()
                .map(|g| summary_value(s, &g.metric))
                .collect()
        };
        // The simulated targets at each point: per point, per target, per replication.
        let simulate = |points: &[Vec<f64>]| -> Result<Vec<Vec<Vec<f64>>>> {
            let y = model.evaluate_with(
                &paths,
                points,
                &seeds,
                opts.threads,
                &Progress::silent(),
                metrics,
            )?;
            Ok(y.into_iter()
                .map(|reps| {
                    (0..t.target.len())
                        .map(|j| reps.iter().map(|r| r[j]).collect())
                        .collect()
                })
                .collect())
        };
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let misfit = |sim: &[Vec<f64>]| -> f64 {
            t.target
                .iter()
                .zip(sim)
                .map(|(g, v)| ((mean(v) - g.value) / g.sd).powi(2))
                .sum()
        };
        let start: Vec<f64> = t
            .free
            .iter()
            .map(|f| {
                let s = match f.start {
                    Some(s) => s,
                    None => model.nominal(&f.path).unwrap_or(f.min).clamp(f.min, f.max),
                };
                (s - f.min) / (f.max - f.min)
            })
            .collect();
        let mut history = Vec::new();
        let bar = opts.progress.batch(t.max_evaluations);
        let found = nelder_mead(
            |u| {
                let x = to_x(u);
                let sim = simulate(std::slice::from_ref(&x))?;
                let m = misfit(&sim[0]);
                history.push((x, m));
                bar.done();
                Ok::<f64, Error>(m)
            },
            &start,
            0.15,
            1e-8,
            t.max_evaluations,
        )?;
        drop(bar);
        let xhat = to_x(&found.x);
        // The fit and the Jacobian's points in one parallel batch.
        let mut points = vec![xhat.clone()];
        let mut hs = Vec::new();
        for (i, f) in t.free.iter().enumerate() {
            let h = 0.01 * (f.max - f.min);
            let (lo, hi) = ((xhat[i] - h).max(f.min), (xhat[i] + h).min(f.max));
            let (mut a, mut b) = (xhat.clone(), xhat.clone());
            a[i] = lo;
            b[i] = hi;
            points.push(a);
            points.push(b);
            hs.push(hi - lo);
        }
        let sim = simulate(&points)?;
        let k = t.free.len();
        let jac: Vec<Vec<f64>> = t
            .target
            .iter()
            .enumerate()
            .map(|(j, g)| {
                (0..k)
                    .map(|i| (mean(&sim[2 + 2 * i][j]) - mean(&sim[1 + 2 * i][j])) / hs[i] / g.sd)
                    .collect()
            })
            .collect();
        let jtj: Vec<Vec<f64>> = (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| jac.iter().map(|row| row[a] * row[b]).sum())
                    .collect()
            })
            .collect();
        let cov = invert(&jtj);
        let fitted: Vec<Fitted> = t
            .free
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let sd = cov
                    .as_ref()
                    .map(|c| c[i][i])
                    .filter(|v| *v > 0.0)
                    .map(f64::sqrt);
                Fitted {
                    path: f.path.clone(),
                    min: f.min,
                    max: f.max,
                    start: f.min + start[i] * (f.max - f.min),
                    value: xhat[i],
                    ci_low: sd.map(|s| xhat[i] - 1.96 * s),
                    ci_high: sd.map(|s| xhat[i] + 1.96 * s),
                    sd,
                }
            })
            .collect();
        let misfits: Vec<Misfit> = t
            .target
            .iter()
            .zip(&sim[0])
            .map(|(g, v)| {
                let i: Interval = interval(v);
                Misfit {
                    metric: g.metric.clone(),
                    target: g.value,
                    target_sd: g.sd,
                    fitted: i.mean,
                    fitted_ci_low: i.ci.map(|c| c.0),
                    fitted_ci_high: i.ci.map(|c| c.1),
                    z: (i.mean - g.value) / g.sd,
                }
            })
            .collect();
        let info = CalibrateJson {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: scenario_file.display().to_string(),
            scenario: model.loaded.scenario.name.clone(),
            scenario_sha256: model.loaded.sha256.clone(),
            targets_file: targets_file.display().to_string(),
            targets: t.clone(),
            seeds,
            evaluations: found.evaluations,
            converged: found.converged,
            misfit: misfit(&sim[0]),
            fitted,
            method: METHOD,
        };
        Ok(Calibration {
            info,
            misfits,
            history,
        })
    }

    /// Writes `calibrate.csv`, `targets.csv`, `evaluations.csv` and `calibrate.json` (the
    /// misfit chart, workbook and report are drawn from them:
    /// [`crate::folder::write_extras`]).
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_atomic(&dir.join("calibrate.csv"), &csv_bytes(&self.info.fitted)?)?;
        write_atomic(&dir.join("targets.csv"), &csv_bytes(&self.misfits)?)?;
        let mut ev = String::from("evaluation");
        for f in &self.info.fitted {
            let _ = write!(ev, ",{}", f.path);
        }
        ev.push_str(",misfit\n");
        for (n, (x, m)) in self.history.iter().enumerate() {
            let _ = write!(ev, "{}", n + 1);
            for v in x {
                let _ = write!(ev, ",{v}");
            }
            let _ = writeln!(ev, ",{m}");
        }
        write_atomic(&dir.join("evaluations.csv"), ev.as_bytes())?;
        write_atomic(&dir.join("calibrate.json"), &json_bytes(&self.info))?;
        Ok(())
    }

    /// The terminal table.
    pub fn table(&self) -> String {
        let i = &self.info;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} free inputs fitted to {} targets; {} evaluations × {} replications ({}), misfit Σz² = {:.4}",
            i.scenario,
            i.fitted.len(),
            self.misfits.len(),
            i.evaluations,
            i.targets.replications,
            if i.converged {
                "converged"
            } else {
                "evaluation budget spent"
            },
            i.misfit
        );
        let _ = writeln!(
            out,
            "\n{:<40} {:>14} {:>14} {:>30}",
            "input", "start", "fitted", "95 % interval"
        );
        for f in &i.fitted {
            let ci = match (f.ci_low, f.ci_high) {
                (Some(a), Some(b)) => format!("[{a:.5}, {b:.5}]"),
                _ => "not identified".into(),
            };
            let _ = writeln!(
                out,
                "{:<40} {:>14.5} {:>14.5} {:>30}",
                f.path, f.start, f.value, ci
            );
        }
        let _ = writeln!(
            out,
            "\n{:<40} {:>14} {:>14} {:>10}",
            "target", "observed", "fitted", "z"
        );
        for m in &self.misfits {
            let _ = writeln!(
                out,
                "{:<40} {:>14.5} {:>14.5} {:>10.3}",
                m.metric, m.target, m.fitted, m.z
            );
        }
        out
    }
}
