//! Which inputs matter: one-at-a-time swings (the tornado) and Morris elementary effects
//! over inputs named by dotted path, each ranked by its effect on one metric, with 95 %
//! intervals over replications.
//!
//! *Tornado.* Every input is set to its base value × (1 − range) and × (1 + range), the
//! others at base; every such scenario runs with the same replication seeds as the base
//! (common random numbers), and the swing high − low is taken replication by replication.
//!
//! *Morris.* The box of ± range around the base is cut into 4 levels per input; each of
//! `trajectories` trajectories starts at a random grid point and moves one input at a time
//! by Δ = 2/3 of the box, in a random order, all its points run with the trajectory's own
//! seed. The elementary effect of an input is the metric's change over Δ (so in metric units
//! per whole box width); μ* (the mean of |effect|) ranks the inputs, σ says how much the
//! effect depends on where the others are (interactions, curvature, noise). Intervals of μ*
//! are Student-t over the trajectories.
//!
//! *Sobol'.* With `sobol` rows, first-order and total Sobol' indices over the same box
//! ([`super::sobol`]): the share of the metric's variance each input explains alone and
//! with its interactions, with bootstrap intervals.
//!
//! Files: `sensitivity.csv`, `sensitivity.json` (inputs, seeds, method); from them
//! `plots/tornado.{png,svg}`, `results.xlsx` and `report.html`.

use super::inputs::{Model, metric_index};
use crate::error::{Error, Result};
use crate::files::{csv_bytes, json_bytes, write_atomic};
use crate::metrics::{Interval, interval};
use crate::progress::Progress;
use crate::random::{Rng, mix64};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// How a sensitivity analysis runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Relative half-width of each input's range (0.1: ± 10 %).
    pub range: f64,
    /// The metric analysed, a key of `summary.json`.
    pub metric: String,
    /// Replications of every tornado point (at least 2).
    pub replications: u32,
    /// Morris trajectories (0: tornado only; else at least 2).
    pub trajectories: u32,
    /// Rows of the Sobol' design (0: no Sobol' indices; else at least 8): n·(k + 2) runs.
    pub sobol: u32,
    /// Seed the replication, trajectory and Sobol' row seeds derive from.
    pub seed: u64,
    /// Worker threads (all cores when absent); results do not depend on it.
    pub threads: Option<usize>,
    /// Where the runs are reported (nowhere by default).
    pub progress: Progress,
}

impl Options {
    fn seeds(&self) -> Vec<u64> {
        (0..self.replications)
            .map(|r| crate::random::run_seed(self.seed, 0, u64::from(r)))
            .collect()
    }

    fn sobol_seeds(&self) -> Vec<u64> {
        (0..self.sobol)
            .map(|j| crate::random::run_seed(self.seed, 2, u64::from(j)))
            .collect()
    }

    fn trajectory_seeds(&self) -> Vec<u64> {
        (0..self.trajectories)
            .map(|t| crate::random::run_seed(self.seed, 1, u64::from(t)))
            .collect()
    }
}

/// One input's results.
#[derive(Debug, Clone, Serialize)]
pub struct InputResult {
    /// Dotted path of the input in the scenario.
    pub path: String,
    /// Its value in the base scenario.
    pub base: f64,
    /// The tornado's low value, base × (1 − range).
    pub low: f64,
    /// The tornado's high value, base × (1 + range).
    pub high: f64,
    /// The metric at `low` (mean over replications).
    pub metric_low: f64,
    /// The metric at `high` (mean over replications).
    pub metric_high: f64,
    /// Swing high − low, paired by replication, with its 95 % interval.
    #[serde(skip)]
    pub swing: Interval,
    /// Low − base, paired by replication.
    #[serde(skip)]
    pub low_diff: Interval,
    /// High − base, paired by replication.
    #[serde(skip)]
    pub high_diff: Interval,
    /// Sobol' first-order and total indices with intervals (None without a Sobol' design).
    #[serde(skip)]
    pub sobol: Option<super::sobol::Index>,
    /// Morris: μ* with its interval, μ, σ (None without trajectories).
    #[serde(skip)]
    pub mu_star: Option<Interval>,
    /// Morris μ: the mean signed elementary effect.
    pub mu: Option<f64>,
    /// Morris σ: the spread of the elementary effects.
    pub sigma: Option<f64>,
    /// Rank by |swing| (1 = largest).
    pub rank: usize,
}

/// `sensitivity.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityJson {
    /// parcelsim version that wrote the file.
    pub version: String,
    /// The scenario file, as given.
    pub scenario_file: String,
    /// The scenario's `name`.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The metric analysed, a key of `summary.json`.
    pub metric: String,
    /// The metric at the base point (mean over replications).
    pub metric_base: f64,
    /// Relative half-width of each input's range (-).
    pub range: f64,
    /// Dotted paths of the inputs, as given.
    pub inputs: Vec<String>,
    /// Replications of every tornado point.
    pub replications: u32,
    /// Seed every other seed derives from.
    pub base_seed: u64,
    /// Seed of each replication, shared by every tornado point.
    pub seeds: Vec<u64>,
    /// Morris trajectories (0: none).
    pub trajectories: u32,
    /// Seed of each trajectory.
    pub trajectory_seeds: Vec<u64>,
    /// Rows of the Sobol' design (0: none).
    pub sobol_rows: u32,
    /// Seed of each row of the Sobol' design, shared by its k + 2 points.
    pub sobol_seeds: Vec<u64>,
    /// Runs made in all.
    pub runs: usize,
    /// How the figures were measured, in words.
    pub method: &'static str,
}

const METHOD: &str = "tornado: each input at base × (1 ± range), others at base, same replication seeds as the base (common random numbers), swing = high − low paired by replication, 95 % Student-t interval; Morris: 4 levels over base × (1 ± range), Δ = 2/3, one-at-a-time trajectories from random grid points in random input order, one seed per trajectory, elementary effect = change / Δ (metric units per whole range), μ* = mean |effect| with Student-t interval over trajectories; Sobol': Saltelli design of two Latin hypercubes A, B over base × (1 ± range) and A with column i from B, one seed per row shared by its k + 2 points, first order S = mean(f(B)(f(AB_i) − f(A))) / V (Saltelli 2010), total ST = mean((f(A) − f(AB_i))²) / 2V (Jansen), V the variance of f(A) and f(B) pooled, 95 % percentile bootstrap intervals over rows (1000 resamples, seeded)";

/// A finished sensitivity analysis.
pub struct Sensitivity {
    /// What `sensitivity.json` records.
    pub info: SensitivityJson,
    /// Ordered by rank.
    pub inputs: Vec<InputResult>,
    /// The metric at the base point with its 95 % interval over replications.
    pub metric_base: Interval,
}

impl Sensitivity {
    /// Runs the analysis of `paths` on the loaded scenario.
    pub fn measure(
        file: &Path,
        model: &Model,
        paths: &[String],
        opts: &Options,
    ) -> Result<Sensitivity> {
        super::check_replications(opts.replications)?;
        if (1..8).contains(&opts.sobol) {
            return Err(Error::Usage(
                "--sobol must be 0 (no Sobol' indices) or at least 8 rows".into(),
            ));
        }
        if opts.trajectories == 1 {
            return Err(Error::Usage(
                "--trajectories must be 0 (no Morris screening) or at least 2".into(),
            ));
        }
        if !(opts.range > 0.0 && opts.range < 1.0) {
            return Err(Error::Usage(format!(
                "--range must be above 0 and below 100 %, got {}",
                opts.range
            )));
        }
        if paths.is_empty() {
            return Err(Error::Usage("no inputs to vary".into()));
        }
        let k = metric_index(&opts.metric)?;
        let base: Vec<f64> = paths
            .iter()
            .map(|p| model.nominal(p))
            .collect::<Result<_>>()?;
        // Tornado: base, then low and high of each input.
        let mut points = vec![base.clone()];
        for i in 0..paths.len() {
            for f in [1.0 - opts.range, 1.0 + opts.range] {
                let mut p = base.clone();
                p[i] = base[i] * f;
                points.push(p);
            }
        }
        let seeds = opts.seeds();
        let y = model.evaluate(paths, &points, &seeds, opts.threads, &opts.progress)?;
        let metric = |p: usize| -> Vec<f64> { y[p].iter().map(|v| v[k]).collect() };
        let metric_base = interval(&metric(0));
        let mut results: Vec<InputResult> = (0..paths.len())
            .map(|i| {
                let (lo, hi) = (metric(1 + 2 * i), metric(2 + 2 * i));
                let diff = |a: &[f64], b: &[f64]| -> Vec<f64> {
                    a.iter().zip(b).map(|(x, y)| x - y).collect()
                };
                let b = metric(0);
                InputResult {
                    path: paths[i].clone(),
                    base: base[i],
                    low: points[1 + 2 * i][i],
                    high: points[2 + 2 * i][i],
                    metric_low: interval(&lo).mean,
                    metric_high: interval(&hi).mean,
                    swing: interval(&diff(&hi, &lo)),
                    low_diff: interval(&diff(&lo, &b)),
                    high_diff: interval(&diff(&hi, &b)),
                    sobol: None,
                    mu_star: None,
                    mu: None,
                    sigma: None,
                    rank: 0,
                }
            })
            .collect();
        let mut runs = points.len() * seeds.len();
        if opts.sobol > 0 {
            let (out, n) = super::sobol::run(
                model,
                paths,
                &base,
                opts.range,
                k,
                &opts.sobol_seeds(),
                opts.seed,
                opts.threads,
                &opts.progress,
            )?;
            runs += n;
            for (r, ix) in results
                .iter_mut()
                .zip(super::sobol::indices(&out, opts.seed))
            {
                r.sobol = Some(ix);
            }
        }
        if opts.trajectories >= 2 {
            let (effects, n) = morris(model, paths, &base, k, opts)?;
            runs += n;
            for (r, e) in results.iter_mut().zip(effects) {
                let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
                let plain = interval(&e);
                r.mu_star = Some(interval(&abs));
                r.mu = Some(plain.mean);
                r.sigma = plain.sd;
            }
        }
        // Rank by |swing|; ties keep the input order.
        let mut order: Vec<usize> = (0..results.len()).collect();
        order.sort_by(|&a, &b| {
            results[b]
                .swing
                .mean
                .abs()
                .total_cmp(&results[a].swing.mean.abs())
                .then(a.cmp(&b))
        });
        let mut ranked: Vec<InputResult> = order.iter().map(|&i| results[i].clone()).collect();
        for (n, r) in ranked.iter_mut().enumerate() {
            r.rank = n + 1;
        }
        results.clear();
        let info = SensitivityJson {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: file.display().to_string(),
            scenario: model.loaded.scenario.name.clone(),
            scenario_sha256: model.loaded.sha256.clone(),
            metric: opts.metric.clone(),
            metric_base: metric_base.mean,
            range: opts.range,
            inputs: paths.to_vec(),
            replications: opts.replications,
            base_seed: opts.seed,
            seeds,
            trajectories: opts.trajectories,
            trajectory_seeds: opts.trajectory_seeds(),
            sobol_rows: opts.sobol,
            sobol_seeds: opts.sobol_seeds(),
            runs,
            method: METHOD,
        };
        Ok(Sensitivity {
            info,
            inputs: ranked,
            metric_base,
        })
    }

    /// The result of an input.
    pub fn get(&self, path: &str) -> Option<&InputResult> {
        self.inputs.iter().find(|r| r.path == path)
    }

    /// Writes `sensitivity.csv` and `sensitivity.json` (the tornado chart, workbook and
    /// report are drawn from them: [`crate::folder::write_extras`]).
    pub fn write(&self, dir: &Path) -> Result<()> {
        #[derive(Serialize)]
        struct Row<'a> {
            rank: usize,
            input: &'a str,
            base: f64,
            low: f64,
            high: f64,
            metric_low: f64,
            metric_high: f64,
            swing: f64,
            swing_ci_low: Option<f64>,
            swing_ci_high: Option<f64>,
            /// Swing relative to the metric's base value over the input's relative change:
            /// an elasticity.
            elasticity: f64,
            /// The metric's change from the base at the low and high end, paired by
            /// replication, with its 95 % interval (the tornado's bars and whiskers).
            change_low: f64,
            change_low_ci_low: Option<f64>,
            change_low_ci_high: Option<f64>,
            change_high: f64,
            change_high_ci_low: Option<f64>,
            change_high_ci_high: Option<f64>,
            morris_mu_star: Option<f64>,
            morris_mu_star_ci_low: Option<f64>,
            morris_mu_star_ci_high: Option<f64>,
            morris_mu: Option<f64>,
            morris_sigma: Option<f64>,
            sobol_first: Option<f64>,
            sobol_first_ci_low: Option<f64>,
            sobol_first_ci_high: Option<f64>,
            sobol_total: Option<f64>,
            sobol_total_ci_low: Option<f64>,
            sobol_total_ci_high: Option<f64>,
        }
        let rows: Vec<Row> = self
            .inputs
            .iter()
            .map(|r| Row {
                rank: r.rank,
                input: &r.path,
                base: r.base,
                low: r.low,
                high: r.high,
                metric_low: r.metric_low,
                metric_high: r.metric_high,
                swing: r.swing.mean,
                swing_ci_low: r.swing.ci.map(|c| c.0),
                swing_ci_high: r.swing.ci.map(|c| c.1),
                elasticity: self.elasticity(r),
                change_low: r.low_diff.mean,
                change_low_ci_low: r.low_diff.ci.map(|c| c.0),
                change_low_ci_high: r.low_diff.ci.map(|c| c.1),
                change_high: r.high_diff.mean,
                change_high_ci_low: r.high_diff.ci.map(|c| c.0),
                change_high_ci_high: r.high_diff.ci.map(|c| c.1),
                morris_mu_star: r.mu_star.map(|m| m.mean),
                morris_mu_star_ci_low: r.mu_star.and_then(|m| m.ci.map(|c| c.0)),
                morris_mu_star_ci_high: r.mu_star.and_then(|m| m.ci.map(|c| c.1)),
                morris_mu: r.mu,
                morris_sigma: r.sigma,
                sobol_first: r.sobol.map(|s| s.first),
                sobol_first_ci_low: r.sobol.map(|s| s.first_ci.0),
                sobol_first_ci_high: r.sobol.map(|s| s.first_ci.1),
                sobol_total: r.sobol.map(|s| s.total),
                sobol_total_ci_low: r.sobol.map(|s| s.total_ci.0),
                sobol_total_ci_high: r.sobol.map(|s| s.total_ci.1),
            })
            .collect();
        write_atomic(&dir.join("sensitivity.csv"), &csv_bytes(&rows)?)?;
        write_atomic(&dir.join("sensitivity.json"), &json_bytes(&self.info))?;
        Ok(())
    }

    /// The swing relative to the metric's base over the input's relative change.
    fn elasticity(&self, r: &InputResult) -> f64 {
        let y = self.metric_base.mean;
        if y == 0.0 {
            return 0.0;
        }
        r.swing.mean / y / (2.0 * self.info.range)
    }

    /// The terminal table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} = {:.4} at base; each input at ± {} % ({} replications with common random numbers{}); {} runs",
            self.info.scenario,
            self.info.metric,
            self.metric_base.mean,
            self.info.range * 100.0,
            self.info.replications,
            {
                let mut extra = String::new();
                if self.info.trajectories > 0 {
                    extra += &format!(", Morris: {} trajectories", self.info.trajectories);
                }
                if self.info.sobol_rows > 0 {
                    extra += &format!(", Sobol': {} rows", self.info.sobol_rows);
                }
                extra
            },
            self.info.runs
        );
        let _ = writeln!(
            out,
            "\n{:>4}  {:<44} {:>12} {:>22} {:>11} {:>22} {:>24}",
            "rank",
            "input",
            "base",
            "swing (high − low)",
            "elasticity",
            "Morris μ*",
            "Sobol' S / ST"
        );
        let pm = |i: &Interval| match i.ci {
            Some((lo, hi)) => format!("{:+.4} ± {:.4}", i.mean, (hi - lo) / 2.0),
            None => format!("{:+.4}", i.mean),
        };
        for r in &self.inputs {
            let _ = writeln!(
                out,
                "{:>4}  {:<44} {:>12} {:>22} {:>11.4} {:>22} {:>24}",
                r.rank,
                r.path,
                format!("{}", r.base),
                pm(&r.swing),
                self.elasticity(r),
                r.mu_star.as_ref().map_or(String::new(), pm),
                r.sobol.map_or(String::new(), |s| format!(
                    "{:.3} / {:.3}",
                    s.first, s.total
                ))
            );
        }
        out
    }
}

/// Morris trajectories: the elementary effects of each input (one per trajectory) and the
/// number of runs made.
fn morris(
    model: &Model,
    paths: &[String],
    base: &[f64],
    k: usize,
    opts: &Options,
) -> Result<(Vec<Vec<f64>>, usize)> {
    const LEVELS: f64 = 4.0;
    let delta = LEVELS / (2.0 * (LEVELS - 1.0));
    let n = paths.len();
    let value = |i: usize, u: f64| base[i] * (1.0 - opts.range + 2.0 * opts.range * u);
    let mut rng = Rng::seed_from_u64(mix64(opts.seed ^ 0x4d6f_7272_6973));
    // Each trajectory: its points (input values) and the input moved at each step.
    let mut points = Vec::new();
    let mut moved = Vec::new();
    for _ in 0..opts.trajectories {
        // Start on the levels from which +Δ stays in the box: 0 or 1/3.
        let mut u: Vec<f64> = (0..n)
            .map(|_| f64::from(rng.random_range(0..2u32)) / (LEVELS - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rng);
        let mut traj = vec![(0..n).map(|i| value(i, u[i])).collect::<Vec<f64>>()];
        for &i in &order {
            u[i] += delta;
            traj.push((0..n).map(|j| value(j, u[j])).collect());
        }
        points.push(traj);
        moved.push(order);
    }
    // Every trajectory's points run with that trajectory's seed.
    let seeds = opts.trajectory_seeds();
    let mut effects = vec![Vec::new(); n];
    let mut runs = 0;
    for (t, traj) in points.iter().enumerate() {
        let y = model.evaluate(
            paths,
            traj,
            &seeds[t..=t],
            opts.threads,
            &Progress::silent(),
        )?;
        runs += traj.len();
        for (step, &i) in moved[t].iter().enumerate() {
            effects[i].push((y[step + 1][0][k] - y[step][0][k]) / delta);
        }
    }
    Ok((effects, runs))
}
