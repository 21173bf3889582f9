//! Parameter sweeps: every (point × replication) is an independent run, executed in
//! parallel on rayon and recorded in run order, so the result files do not depend on the
//! thread count, on shards, or on interruptions (`--resume`).
//!
//! Files of a sweep folder: `sweep.json` (the resolved spec), `runs.csv` (one row per
//! run), `points.csv` (mean, sd and 95 % interval per point and metric), `timings.csv`
//! (wall time per run: the one file allowed to differ between two executions).

mod design;
mod metrics;
pub mod spec;
mod tree;

use metrics::marginal_values;
pub use metrics::{
    METRICS, Metric, marginal_metric_names, metric_names, metric_values, names_of, values_of,
};

use crate::error::{Error, Result};
use crate::files::{json_bytes, write_atomic};
pub use crate::format::sweep::{PointJson, SweepJson};
use crate::format::sweep::{Stat, points_header};
use crate::metrics::interval;
use crate::progress::Progress;
use crate::run::RunOptions;
use rayon::prelude::*;
use spec::Sweep;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// How to run a sweep.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// Worker threads (all cores when absent); results do not depend on it.
    pub threads: Option<usize>,
    /// Each run's limits (memory); a point beyond them fails its runs with the reason.
    pub limits: crate::workload::Limits,
    /// Skip the runs `runs.csv` already holds (an interrupted sweep goes on).
    pub resume: bool,
    /// Shard `k` of `n` (1-based): run only the runs whose index is `k - 1` modulo `n`.
    pub shard: Option<(usize, usize)>,
    /// Where the sweep reports its runs (nowhere by default).
    pub progress: Progress,
}

/// What a sweep did.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// Runs made now.
    pub ran: usize,
    /// Runs skipped: already in `runs.csv` (resume) or in another shard.
    pub skipped: usize,
    /// Runs that failed with a reason (recorded in `runs.csv`).
    pub failed: usize,
    /// Runs of the whole sweep.
    pub total: usize,
}

/// The rayon pool that runs independent runs: `threads` workers, or one per core.
///
/// Shared by the sweep and by `compare`/`explain`; the results never depend on its size,
/// because every run has its own seed and results are put in run order before use.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))
}

/// A parameter value as a CSV cell.
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

impl SweepJson {
    /// The `sweep.json` of a resolved sweep.
    pub fn from_sweep(sw: &Sweep) -> SweepJson {
        let reps = sw.spec.replications;
        SweepJson {
            name: sw.name.clone(),
            sweep_file: sw.file.display().to_string(),
            base_scenario: sw.spec.base.clone(),
            base_scenario_sha256: {
                use sha2::Digest;
                format!("{:x}", sha2::Sha256::digest(sw.base.text.as_bytes()))
            },
            version: env!("CARGO_PKG_VERSION").to_string(),
            replications: reps,
            base_seed: sw.spec.seed,
            common_random_numbers: sw.spec.common_random_numbers,
            design: format!("{:?}", sw.spec.design),
            set: serde_json::to_value(&sw.spec.set).expect("TOML values convert"),
            parameters: sw.parameters.clone(),
            metrics: {
                let mut m = metric_names();
                if sw.spec.marginal_volume_step.is_some() {
                    m.extend(marginal_metric_names());
                }
                m
            },
            marginal_volume_step: sw.spec.marginal_volume_step,
            points: sw
                .points
                .iter()
                .map(|p| PointJson {
                    point: p.point,
                    values: p
                        .values
                        .iter()
                        .map(|v| serde_json::to_value(v).expect("TOML values convert"))
                        .collect(),
                    seeds: (0..reps).map(|r| sw.seed(p.point, r)).collect(),
                })
                .collect(),
        }
    }

    fn runs_header(&self) -> Vec<String> {
        let mut h: Vec<String> = vec!["point".into(), "replication".into(), "seed".into()];
        h.extend(self.parameters.iter().map(|p| p.path.clone()));
        h.push("status".into());
        h.push("error".into());
        h.extend(self.metrics.iter().cloned());
        h
    }

    fn total_runs(&self) -> usize {
        self.points.len() * self.replications as usize
    }
}

/// One row of `runs.csv`, kept as text so that what is read back is what was written.
type Row = Vec<String>;

fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(fields).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// Reads the rows of a `runs.csv`, keyed by run index; a torn last line (a sweep killed
/// mid-write) is dropped.
fn read_runs(path: &Path, sj: &SweepJson) -> Result<BTreeMap<usize, Row>> {
    let mut rows = BTreeMap::new();
    if !path.exists() {
        return Ok(rows);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect();
    if header != sj.runs_header() {
        return Err(Error::Usage(format!(
            "{}: its columns do not match this sweep",
            path.display()
        )));
    }
    let reps = sj.replications as usize;
    for rec in rdr.records() {
        let Ok(rec) = rec else { break };
        if rec.len() != header.len() {
            break;
        }
        let (Ok(p), Ok(r)) = (rec[0].parse::<usize>(), rec[1].parse::<usize>()) else {
            break;
        };
        if p >= sj.points.len() || r >= reps {
            return Err(Error::Usage(format!(
                "{}: run ({p}, {r}) is not part of this sweep",
                path.display()
            )));
        }
        let row: Row = rec.iter().map(str::to_string).collect();
        if let Some(old) = rows.insert(p * reps + r, row.clone())
            && old != row
        {
            return Err(Error::Usage(format!(
                "{}: run ({p}, {r}) appears twice with different results",
                path.display()
            )));
        }
    }
    Ok(rows)
}

/// Writes `runs.csv` in run order and `points.csv` from it.
fn finish(dir: &Path, sj: &SweepJson, rows: &BTreeMap<usize, Row>) -> Result<()> {
    let mut runs = csv_line(&sj.runs_header());
    for row in rows.values() {
        runs.extend(csv_line(row));
    }
    write_atomic(&dir.join("runs.csv"), &runs)?;
    write_atomic(&dir.join("points.csv"), &points_csv(sj, rows))
}

fn points_csv(sj: &SweepJson, rows: &BTreeMap<usize, Row>) -> Vec<u8> {
    let np = sj.parameters.len();
    let first_metric = 3 + np + 2;
    let mut out = csv_line(&points_header(&sj.parameters, &sj.metrics));
    let reps = sj.replications as usize;
    for p in &sj.points {
        let mine: Vec<&Row> = (0..reps)
            .filter_map(|r| rows.get(&(p.point * reps + r)))
            .collect();
        let ok: Vec<&&Row> = mine.iter().filter(|r| r[3 + np] == "ok").collect();
        let mut line: Vec<String> = vec![p.point.to_string()];
        line.extend(p.values.iter().map(cell));
        line.push(ok.len().to_string());
        line.push((mine.len() - ok.len()).to_string());
        for k in 0..sj.metrics.len() {
            let xs: Vec<f64> = ok
                .iter()
                .filter_map(|r| r[first_metric + k].parse::<f64>().ok())
                .collect();
            let i = interval(&xs);
            line.extend(Stat::ALL.map(|s| match s {
                Stat::Mean => num(i.mean),
                Stat::Sd => i.sd.map_or(String::new(), num),
                Stat::CiLow => i.ci.map_or(String::new(), |c| num(c.0)),
                Stat::CiHigh => i.ci.map_or(String::new(), |c| num(c.1)),
            }));
        }
        out.extend(csv_line(&line));
    }
    out
}

/// Appends finished runs to `runs.csv` in run order, holding early finishers back.
struct OrderedWriter {
    file: std::fs::File,
    order: Vec<usize>,
    next: usize,
    pending: BTreeMap<usize, Row>,
    done: BTreeMap<usize, Row>,
    timings: std::fs::File,
}

impl OrderedWriter {
    fn submit(&mut self, idx: usize, row: Row, timing: String) -> std::io::Result<()> {
        self.timings.write_all(timing.as_bytes())?;
        self.pending.insert(idx, row);
        while let Some(&want) = self.order.get(self.next) {
            let Some(row) = self.pending.remove(&want) else {
                break;
            };
            self.file.write_all(&csv_line(&row))?;
            self.file.flush()?;
            self.done.insert(want, row);
            self.next += 1;
        }
        Ok(())
    }
}

/// One run of many (sweep, compare, explain): whatever goes wrong, a bookkeeping error or
/// even a panic (a bug), comes back as the run's error message so that the command records
/// it and goes on with the other runs.
pub(crate) fn guarded_run(
    sc: &crate::scenario::Scenario,
    net: &crate::network::Network,
    sha256: &str,
    opts: &RunOptions,
) -> std::result::Result<crate::run::RunOutput, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::run::run(sc, net, sha256, opts)
    })) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(format!("internal error (a bug, please report it): {what}"))
        }
    }
}

/// Runs a sweep into `dir`.
pub fn run_sweep(sw: &Sweep, dir: &Path, opts: &SweepOptions) -> Result<SweepReport> {
    let sj = SweepJson::from_sweep(sw);
    let json_path = dir.join("sweep.json");
    let runs_path = dir.join("runs.csv");
    let mut rows = BTreeMap::new();
    if opts.resume {
        let old: SweepJson = serde_json::from_slice(
            &std::fs::read(&json_path).map_err(|e| Error::io(&json_path, e))?,
        )
        .map_err(|e| Error::Usage(format!("{}: {e}", json_path.display())))?;
        if old != sj {
            return Err(Error::Usage(format!(
                "{}: the folder holds a different sweep (spec, scenario or version changed); cannot resume",
                dir.display()
            )));
        }
        rows = read_runs(&runs_path, &sj)?;
    }
    write_atomic(&json_path, &json_bytes(&sj))?;
    // Rewrite what is known (drops a torn last line), then append.
    finish(dir, &sj, &rows)?;

    let reps = sj.replications as usize;
    let order: Vec<usize> = (0..sj.total_runs())
        .filter(|i| opts.shard.is_none_or(|(k, n)| i % n == k - 1))
        .filter(|i| !rows.contains_key(i))
        .collect();
    let skipped = rows.len();
    // Each point's scenario and network, built once; a point that cannot be built fails
    // all its runs with the reason.
    let needed: std::collections::BTreeSet<usize> = order.iter().map(|i| i / reps).collect();
    let built: BTreeMap<
        usize,
        std::result::Result<(crate::scenario::Scenario, crate::network::Network), String>,
    > = needed
        .into_iter()
        .map(|p| {
            let b = sw.scenario(&sw.points[p]).and_then(|sc| {
                let net = crate::network::build(&sc, &sw.base).map_err(|e| e.to_string())?;
                crate::workload::check(&sc, &sw.base, &net, &opts.limits)
                    .map_err(|e| e.to_string())?;
                Ok((sc, net))
            });
            (p, b)
        })
        .collect();

    let open = |p: &Path| {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(p)
            .map_err(|e| Error::io(p, e))
    };
    let timings_path = dir.join("timings.csv");
    if !timings_path.exists() {
        write_atomic(
            &timings_path,
            b"point,replication,wall_s,parcels_per_s,peak_rss_mb\n",
        )?;
    }
    let writer = Mutex::new(OrderedWriter {
        file: open(&runs_path)?,
        order: order.clone(),
        next: 0,
        pending: BTreeMap::new(),
        done: BTreeMap::new(),
        timings: open(&timings_path)?,
    });
    let bar = opts.progress.batch(order.len());
    let pool = thread_pool(opts.threads)?;
    let np = sj.parameters.len();
    let io_error: Mutex<Option<Error>> = Mutex::new(None);
    pool.install(|| {
        order.par_iter().for_each(|&idx| {
            let (p, r) = (idx / reps, idx % reps);
            let seed = sj.points[p].seeds[r];
            let t0 = Instant::now();
            let run = |extra_demand: f64| match &built[&p] {
                Ok((sc, net)) => guarded_run(
                    sc,
                    net,
                    &sj.base_scenario_sha256,
                    &RunOptions {
                        seed: Some(seed),
                        trace: 0,
                        progress: Progress::silent(),
                        extra_demand,
                        cost_sample: None,
                    },
                ),
                Err(e) => Err(e.clone()),
            };
            // With a marginal cost, the run with the extra volume goes beside the base run.
            let (result, plus) = match sj.marginal_volume_step {
                Some(step) => {
                    let (b, x) = rayon::join(|| run(0.0), || run(step));
                    (b, Some(x))
                }
                None => (run(0.0), None),
            };
            let mut row: Row = vec![p.to_string(), r.to_string(), seed.to_string()];
            row.extend(sj.points[p].values.iter().map(cell));
            let timing = match &result {
                Ok(out) => {
                    // A pair whose extra run failed, or added no measured parcel, keeps the
                    // base run's metrics; its marginal cells stay empty, the reason in `error`.
                    let marginal = plus.as_ref().map(|x| {
                        x.as_ref()
                            .map_err(|e| format!("with the extra volume: {e}"))
                            .and_then(|x| {
                                marginal_values(&crate::instruments::marginal::Pair {
                                    seed,
                                    base: out.books,
                                    plus: x.books,
                                })
                            })
                    });
                    row.push("ok".into());
                    row.push(match &marginal {
                        Some(Err(e)) => format!("marginal cost: {}", e.replace('\n', " ")),
                        _ => String::new(),
                    });
                    row.extend(metric_values(&out.summary).into_iter().map(num));
                    match marginal {
                        Some(Ok(v)) => row.extend(v.into_iter().map(num)),
                        Some(Err(_)) => {
                            row.extend(marginal_metric_names().iter().map(|_| String::new()))
                        }
                        None => {}
                    }
                    let plus_wall = match &plus {
                        Some(Ok(x)) => x.info.wall_s,
                        _ => 0.0,
                    };
                    format!(
                        "{p},{r},{},{},{}\n",
                        out.info.wall_s + plus_wall,
                        out.info.parcels_per_s,
                        out.info
                            .peak_rss_mb
                            .map_or(String::new(), |m| m.to_string())
                    )
                }
                Err(e) => {
                    row.push("failed".into());
                    row.push(e.replace('\n', " "));
                    row.extend((0..sj.metrics.len()).map(|_| String::new()));
                    format!("{p},{r},{},,\n", t0.elapsed().as_secs_f64())
                }
            };
            debug_assert_eq!(row.len(), 3 + np + 2 + sj.metrics.len());
            drop(result);
            drop(plus);
            if let Err(e) = writer.lock().expect("writer lock").submit(idx, row, timing) {
                *io_error.lock().expect("error lock") = Some(Error::io(&runs_path, e));
            }
            bar.done();
        })
    });
    drop(bar);
    if let Some(e) = io_error.into_inner().expect("error lock") {
        return Err(e);
    }
    let w = writer.into_inner().expect("writer lock");
    let ran = w.done.len();
    rows.extend(w.done);
    finish(dir, &sj, &rows)?;
    let failed = rows.values().filter(|r| r[3 + np] != "ok").count();
    Ok(SweepReport {
        ran,
        skipped,
        failed,
        total: sj.total_runs(),
    })
}

/// Combines shard folders of one sweep into `out`: the same files one machine would write.
///
/// `out` must be empty unless `force` (then an old sweep folder there is emptied). Runs
/// missing from every shard, or found in two shards, make it an error unless `partial`.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool, partial: bool) -> Result<SweepReport> {
    let mut sj: Option<SweepJson> = None;
    let mut rows = BTreeMap::new();
    let mut timings = Vec::new();
    let mut duplicated = 0usize;
    for d in dirs {
        if !d.is_dir() {
            return Err(Error::Usage(format!(
                "{}: no such shard folder",
                d.display()
            )));
        }
        let jp = d.join("sweep.json");
        let bytes = std::fs::read(&jp).map_err(|e| {
            Error::Usage(format!(
                "{}: cannot read it ({e}); is {} a sweep folder?",
                jp.display(),
                d.display()
            ))
        })?;
        let this: SweepJson = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Usage(format!("{}: {e}", jp.display())))?;
        match &sj {
            Some(first) if *first != this => {
                return Err(Error::Usage(format!(
                    "{}: not a shard of the same sweep as {}",
                    d.display(),
                    dirs[0].display()
                )));
            }
            _ => sj = Some(this),
        }
        let sjr = sj.as_ref().expect("set above");
        for (k, row) in read_runs(&d.join("runs.csv"), sjr)? {
            if let Some(old) = rows.insert(k, row.clone()) {
                if old != row {
                    return Err(Error::Usage(format!(
                        "{}: run {k} differs from another shard's",
                        d.display()
                    )));
                }
                duplicated += 1;
            }
        }
        if let Ok(t) = std::fs::read_to_string(d.join("timings.csv")) {
            timings.extend(t.lines().skip(1).map(str::to_string));
        }
    }
    let sj = sj.ok_or_else(|| Error::Usage("merge needs at least one folder".into()))?;
    let missing = sj.total_runs() - rows.len();
    if !partial && (missing > 0 || duplicated > 0) {
        let mut what = Vec::new();
        if missing > 0 {
            what.push(format!("{missing} of {} runs are missing", sj.total_runs()));
        }
        if duplicated > 0 {
            what.push(format!("{duplicated} runs appear in more than one folder"));
        }
        return Err(Error::Usage(format!(
            "{}; give every shard once, or pass --partial to merge what is there",
            what.join(" and ")
        )));
    }
    crate::files::fresh_dir(Some(out), force, &sj.name, "sweep")?;
    write_atomic(&out.join("sweep.json"), &json_bytes(&sj))?;
    finish(out, &sj, &rows)?;
    timings.sort();
    let mut t = String::from("point,replication,wall_s,parcels_per_s,peak_rss_mb\n");
    for line in timings {
        t.push_str(&line);
        t.push('\n');
    }
    write_atomic(&out.join("timings.csv"), t.as_bytes())?;
    let np = sj.parameters.len();
    Ok(SweepReport {
        ran: 0,
        skipped: rows.len(),
        failed: rows.values().filter(|r| r[3 + np] != "ok").count(),
        total: sj.total_runs(),
    })
}
