//! Comparing scenarios (`compare`) and explaining the difference between two of them lever
//! by lever ([`explain`]).
//!
//! Both run every scenario `replications` times with **common random numbers**: replication
//! `r` of every scenario uses the seed `run_seed(seed, 0, r)`, and a run draws demand, service
//! times, failures and incidents from separate streams. The same orders therefore arrive in
//! every scenario, and the difference between two scenarios in one replication is mostly the
//! effect of what changed, not sampling noise. Differences are taken replication by
//! replication (paired) before their 95 % interval is computed, which is what makes that
//! interval narrow.
//!
//! Runs execute in parallel on rayon; their results are put in (scenario, replication) order
//! before anything is computed from them, so every file written is byte-identical whatever the
//! thread count (the same discipline as the sweep).
//!
//! Files of a comparison folder: `compare.csv` (one row per scenario and metric: mean, 95 %
//! CI, paired difference to the first scenario and its CI), `compare.json` (the inputs:
//! files, their SHA-256, seeds, replications, version) and `plots/compare.{png,svg}`.

pub mod explain;

use crate::error::{Error, Result};
use crate::files::{csv_bytes, json_bytes, write_atomic};
use crate::format::compare::CompareRow;
pub use crate::format::compare::{CompareJson, FailedRun, InputJson};
use crate::metrics::{Interval, interval};
use crate::network::Network;
use crate::progress::Progress;
use crate::run::{self, Loaded, RunOptions, Summary};
use crate::scenario::Scenario;
use crate::sweep::{Metric, names_of, values_of};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Figures reported besides the sweep's headline metrics: the cost net of other revenue, and
/// the quality figures of `Summary.quality` (the price of cheapness in service terms is part
/// of any comparison of costs).
const EXTRA_METRICS: &[Metric] = &[
    Metric::one("net_cost_per_parcel_yuan", |s| s.net_cost_per_parcel_yuan),
    Metric::one("late_rate", |s| s.quality.late_rate),
    Metric::one("damaged_per_million", |s| s.quality.damaged_per_million),
    Metric::one("lost_per_million", |s| s.quality.lost_per_million),
    Metric::one("complaints_per_million", |s| {
        s.quality.complaints_per_million
    }),
    Metric::one("claims_yuan_per_parcel", |s| {
        s.quality.claims_yuan_per_parcel
    }),
];

/// The metrics of a comparison, in column order: the sweep's headline metrics
/// ([`crate::sweep::metric_names`], cost by activity included), then the net cost and the
/// quality figures (`late_rate`, `damaged_per_million`, ...).
pub fn metric_names() -> Vec<String> {
    let mut m = crate::sweep::metric_names();
    m.extend(names_of(EXTRA_METRICS));
    m
}

/// The values of [`metric_names`] for one run.
pub fn metric_values(s: &Summary) -> Vec<f64> {
    let mut v = crate::sweep::metric_values(s);
    v.extend(values_of(EXTRA_METRICS, s));
    v
}

/// How the replications of a comparison run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Runs per scenario (at least 1; the intervals need 2).
    pub replications: u32,
    /// Base seed of the replications' seeds.
    pub seed: u64,
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// Where the runs are reported (nowhere by default).
    pub progress: Progress,
}

impl Options {
    /// Seed of each replication, the same for every scenario (common random numbers).
    pub fn seeds(&self) -> Vec<u64> {
        (0..self.replications)
            .map(|r| crate::random::run_seed(self.seed, 0, u64::from(r)))
            .collect()
    }

    fn check(&self) -> Result<()> {
        if self.replications == 0 {
            return Err(Error::Usage("--replications must be at least 1".into()));
        }
        Ok(())
    }
}

/// Labels of the input files: their stems when those are distinct, else the paths as given;
/// a file given twice gets ` (2)`, ` (3)`... so that every label is unique.
fn labels(files: &[&Path]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem()
                .map_or_else(|| f.display().to_string(), |s| s.to_string_lossy().into())
        })
        .collect();
    let distinct = |v: &[String]| v.iter().enumerate().all(|(i, a)| !v[..i].contains(a));
    let base = if distinct(&stems) {
        stems
    } else {
        files.iter().map(|f| f.display().to_string()).collect()
    };
    let mut out: Vec<String> = Vec::with_capacity(base.len());
    for (i, b) in base.iter().enumerate() {
        let seen = base[..i].iter().filter(|x| *x == b).count();
        out.push(if seen == 0 {
            b.clone()
        } else {
            format!("{b} ({})", seen + 1)
        });
    }
    out
}

impl InputJson {
    fn new(label: String, file: &Path, l: &Loaded) -> InputJson {
        InputJson {
            label,
            file: file.display().to_string(),
            scenario: l.scenario.name.clone(),
            sha256: l.sha256.clone(),
        }
    }
}

/// One scenario to run: its label (for error messages), the checked scenario and its network.
pub(crate) struct Job<'a> {
    /// How errors and tables name the scenario.
    pub label: &'a str,
    /// The checked scenario.
    pub scenario: &'a Scenario,
    /// Its built network.
    pub network: &'a Network,
    /// SHA-256 of the scenario file's bytes.
    pub sha256: &'a str,
}

/// Metric values per job, per replication kept, per metric.
pub(crate) type JobValues = Vec<Vec<Vec<f64>>>;

/// Runs every job once per seed of `opts`, all (job × replication) in parallel, and returns
/// the [`metric_values`] of each job and replication, in that order whatever the threads.
///
/// A run that fails (whatever the failure, a panic included) is recorded and the others go
/// on. Its replication is left out of every job, so that what remains stays paired; the
/// failures come back in (job, replication) order, independent of the threads. Only when
/// no replication is left does the comparison fail.
pub(crate) fn run_jobs(jobs: &[Job], opts: &Options) -> Result<(JobValues, Vec<FailedRun>)> {
    let seeds = opts.seeds();
    let reps = seeds.len();
    let pool = crate::sweep::thread_pool(opts.threads)?;
    let bar = opts.progress.batch(jobs.len() * reps);
    let flat: Vec<std::result::Result<Vec<f64>, String>> = pool.install(|| {
        (0..jobs.len() * reps)
            .into_par_iter()
            .map(|i| {
                let (job, r) = (&jobs[i / reps], i % reps);
                let ro = RunOptions {
                    seed: Some(seeds[r]),
                    trace: 0,
                    progress: Progress::silent(),
                    extra_demand: 0.0,
                    cost_sample: None,
                };
                let out = crate::sweep::guarded_run(job.scenario, job.network, job.sha256, &ro);
                bar.done();
                out.map(|o| metric_values(&o.summary))
            })
            .collect()
    });
    drop(bar);
    let mut failed = Vec::new();
    let mut bad_rep = vec![false; reps];
    for (i, r) in flat.iter().enumerate() {
        if let Err(e) = r {
            let (job, rep) = (&jobs[i / reps], i % reps);
            bad_rep[rep] = true;
            failed.push(FailedRun {
                scenario: job.label.to_string(),
                replication: rep as u32,
                seed: seeds[rep],
                error: e.clone(),
            });
        }
    }
    if bad_rep.iter().all(|&b| b) {
        let first = &failed[0];
        return Err(Error::Run(format!(
            "every replication failed; {}, replication {} (seed {}): {}",
            first.scenario, first.replication, first.seed, first.error
        )));
    }
    let mut it = flat.into_iter().enumerate();
    let values = jobs
        .iter()
        .map(|_| {
            it.by_ref()
                .take(reps)
                .filter(|(i, _)| !bad_rep[i % reps])
                .map(|(_, r)| r.expect("failed replications are left out"))
                .collect()
        })
        .collect();
    Ok((values, failed))
}

/// Column `k` of per-replication metric rows.
fn column(rows: &[Vec<f64>], k: usize) -> Vec<f64> {
    rows.iter().map(|r| r[k]).collect()
}

/// Scenarios loaded and checked, ready to run.
pub struct Compare {
    info: CompareJson,
    loaded: Vec<Loaded>,
    opts: Options,
}

impl Compare {
    /// Reads, validates and builds every scenario: every input error is found here, before
    /// anything runs or is written.
    pub fn load(files: &[PathBuf], opts: Options) -> Result<Compare> {
        opts.check()?;
        if files.len() < 2 {
            return Err(Error::Usage(
                "compare needs at least two scenario files".into(),
            ));
        }
        let loaded = files
            .iter()
            .map(|f| run::load(f))
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let scenarios = labels(&refs)
            .into_iter()
            .zip(files.iter().zip(&loaded))
            .map(|(label, (f, l))| InputJson::new(label, f, l))
            .collect();
        let info = CompareJson {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenarios,
            replications: opts.replications,
            base_seed: opts.seed,
            seeds: opts.seeds(),
            common_random_numbers: true,
            metrics: metric_names(),
            failed_runs: Vec::new(),
        };
        Ok(Compare { info, loaded, opts })
    }

    /// Runs every scenario × replication and summarises each metric.
    pub fn run(&self) -> Result<Comparison> {
        let jobs: Vec<Job> = self
            .info
            .scenarios
            .iter()
            .zip(&self.loaded)
            .map(|(i, l)| Job {
                label: &i.label,
                scenario: &l.scenario,
                network: &l.network,
                sha256: &l.sha256,
            })
            .collect();
        let (values, failed_runs) = run_jobs(&jobs, &self.opts)?;
        let first = &values[0];
        let results = values
            .iter()
            .enumerate()
            .map(|(s, rows)| {
                (0..self.info.metrics.len())
                    .map(|k| {
                        let mine = column(rows, k);
                        let diff = (s > 0).then(|| {
                            let paired: Vec<f64> = mine
                                .iter()
                                .zip(column(first, k))
                                .map(|(x, y)| x - y)
                                .collect();
                            interval(&paired)
                        });
                        MetricResult {
                            value: interval(&mine),
                            diff,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut info = self.info.clone();
        info.failed_runs = failed_runs;
        Ok(Comparison { info, results })
    }
}

/// One metric of one scenario.
#[derive(Debug, Clone, Copy)]
pub struct MetricResult {
    /// Mean and 95 % CI over the replications.
    pub value: Interval,
    /// Paired difference to the first scenario; `None` for the first.
    pub diff: Option<Interval>,
}

/// The outcome of a comparison.
pub struct Comparison {
    /// What `compare.json` records.
    pub info: CompareJson,
    /// Per scenario (input order), per metric (order of `info.metrics`).
    pub results: Vec<Vec<MetricResult>>,
}

/// Rows of the terminal table: metric, heading, scale (e.g. 100 for a share shown in %).
const TABLE: [(&str, &str, f64); 10] = [
    ("cost_per_parcel_yuan", "cost per parcel (yuan)", 1.0),
    (
        "net_cost_per_parcel_yuan",
        "net of other revenue (yuan)",
        1.0,
    ),
    ("on_time_rate", "on time (%)", 100.0),
    ("transit_hours_mean", "transit mean (h)", 1.0),
    ("transit_hours_p95", "transit p95 (h)", 1.0),
    ("late_rate", "late (%)", 100.0),
    ("damaged_per_million", "damaged per million", 1.0),
    ("lost_per_million", "lost per million", 1.0),
    ("complaints_per_million", "complaints per million", 1.0),
    ("claims_yuan_per_parcel", "claims (yuan/parcel)", 1.0),
];

/// `mean ± half-width` of an interval times `scale`; the mean alone without an interval.
/// Percentages (scale 100) get one decimal, or two below 1 %; other figures four.
fn pm(i: &Interval, scale: f64, signed: bool) -> String {
    let v = i.mean * scale;
    let decimals = if scale == 100.0 {
        if v != 0.0 && v.abs() < 1.0 { 2 } else { 1 }
    } else {
        4
    };
    let mean = if signed {
        format!("{v:+.decimals$}")
    } else {
        format!("{v:.decimals$}")
    };
    match i.ci {
        Some((lo, hi)) => format!("{mean} ± {:.decimals$}", (hi - lo) / 2.0 * scale),
        None => mean,
    }
}

/// Whether an interval lies wholly on one side of zero.
fn excludes_zero(i: &Interval) -> bool {
    i.ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0)
}

/// Lays out rows of cells as aligned columns, the first left-aligned, the rest right-aligned.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = width[c].saturating_sub(cell.chars().count());
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("   ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl Comparison {
    /// Index of a metric in `info.metrics`.
    fn index(&self, metric: &str) -> Option<usize> {
        self.info.metrics.iter().position(|m| m == metric)
    }

    /// The result of `metric` for scenario number `scenario` (input order).
    pub fn get(&self, scenario: usize, metric: &str) -> Option<&MetricResult> {
        self.results.get(scenario)?.get(self.index(metric)?)
    }

    /// Writes `compare.csv`, then `compare.json`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut rows = Vec::new();
        for (input, results) in self.info.scenarios.iter().zip(&self.results) {
            for (metric, r) in self.info.metrics.iter().zip(results) {
                rows.push(CompareRow {
                    scenario: input.label.clone(),
                    metric: metric.clone(),
                    mean: r.value.mean,
                    ci_low: r.value.ci.map(|c| c.0),
                    ci_high: r.value.ci.map(|c| c.1),
                    diff_vs_first: r.diff.map(|d| d.mean),
                    diff_ci_low: r.diff.and_then(|d| d.ci.map(|c| c.0)),
                    diff_ci_high: r.diff.and_then(|d| d.ci.map(|c| c.1)),
                });
            }
        }
        write_atomic(&dir.join("compare.csv"), &csv_bytes(&rows)?)?;
        write_atomic(&dir.join("compare.json"), &json_bytes(&self.info))
    }

    /// The terminal table: service, quality and cost-by-activity figures per scenario (mean ±
    /// half-width of the 95 % CI), and for every scenario after the first its paired
    /// difference to the first, marked `*` where the CI excludes zero.
    pub fn table(&self) -> String {
        let first = &self.info.scenarios[0].label;
        let mut header = vec!["metric".to_string()];
        for (s, input) in self.info.scenarios.iter().enumerate() {
            header.push(input.label.clone());
            if s > 0 {
                header.push(format!("{} − {first}", input.label));
            }
        }
        let row = |name: String, metric: &str, scale: f64| -> Vec<String> {
            let mut cells = vec![name];
            for s in 0..self.results.len() {
                let Some(r) = self.get(s, metric) else {
                    continue;
                };
                cells.push(pm(&r.value, scale, false));
                if let Some(d) = &r.diff {
                    let star = if excludes_zero(d) { " *" } else { "  " };
                    cells.push(format!("{}{star}", pm(d, scale, true)));
                }
            }
            cells
        };
        let mut rows = vec![header];
        for (metric, name, scale) in TABLE {
            rows.push(row(name.to_string(), metric, scale));
        }
        rows.push(vec!["cost by activity (yuan/parcel)".into()]);
        for a in crate::cost::Activity::ALL {
            let metric = crate::format::sweep::activity_cost(a.name());
            rows.push(row(format!("  {}", a.name()), &metric, 1.0));
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} scenarios × {} replications with common random numbers (seeds from base seed {}); mean ± half-width of the 95 % CI",
            self.info.scenarios.len(),
            self.info.replications,
            self.info.base_seed
        );
        let _ = writeln!(out);
        out.push_str(&columns(&rows));
        if self.info.scenarios.len() > 1 {
            let _ = writeln!(
                out,
                "\ndifferences are paired by replication; * = the 95 % CI of the difference excludes 0"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_stems_unless_they_collide() {
        let l = labels(&[Path::new("a/x.toml"), Path::new("b/y.toml")]);
        assert_eq!(l, ["x", "y"]);
        let l = labels(&[Path::new("a/x.toml"), Path::new("b/x.toml")]);
        assert_eq!(l, ["a/x.toml", "b/x.toml"]);
        let l = labels(&[Path::new("x.toml"), Path::new("x.toml")]);
        assert_eq!(l, ["x.toml", "x.toml (2)"]);
    }

    #[test]
    fn metric_names_extend_the_sweep_metrics() {
        let m = metric_names();
        assert_eq!(
            m[..crate::sweep::metric_names().len()],
            crate::sweep::metric_names()
        );
        assert!(m.iter().any(|x| x == "complaints_per_million"));
    }

    #[test]
    fn table_columns_align() {
        let t = columns(&[
            vec!["a".into(), "1.0".into()],
            vec!["long name".into(), "12.25".into()],
        ]);
        assert_eq!(t, "a             1.0\nlong name   12.25\n");
    }
}
