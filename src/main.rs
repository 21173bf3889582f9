//! The `parcelsim` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use parcelsim::compare;
use parcelsim::error::{Error, Result};
use parcelsim::files;
use parcelsim::report;
use parcelsim::run::{self, RunOptions, RunOutput};
use parcelsim::sweep::spec::SweepLimits;
use parcelsim::workload::Limits;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints a line on stdout. A closed stdout (`parcelsim sweep … | head`) is not an error:
/// the printed lines are a courtesy, the files are the result, so the command goes on
/// quietly and finishes its files and charts.
macro_rules! say {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// Passes `result` on; when it failed, removes the still-empty result folder `dir`, so
/// that no empty folder looks like a result.
fn or_remove<T>(dir: &std::path::Path, result: Result<T>) -> Result<T> {
    result.inspect_err(|_| {
        let _ = std::fs::remove_dir(dir);
    })
}

#[derive(Parser)]
#[command(
    name = "parcelsim",
    version,
    about = "What does it cost to carry a parcel? A discrete-event express network simulator."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Memory one run may use, e.g. 512M or 16G (default: four fifths of the machine's).
    /// A scenario whose estimated memory is larger is refused before it starts.
    #[arg(long, global = true, value_parser = parcelsim::workload::parse_memory)]
    max_memory: Option<f64>,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and write its run folder.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Output folder (default: a fresh output/<scenario>/run-NNN).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write into a non-empty --out folder.
        #[arg(long)]
        force: bool,
        /// Seed of every random stream (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Trace this many parcels step by step into parcels.csv.
        #[arg(long, default_value_t = 0)]
        trace: usize,
        /// Measured parcels that carry their own costs, for the distribution of cost per
        /// parcel in summary.json (default 10,000: about ±1 % on the mean).
        #[arg(long)]
        cost_sample: Option<usize>,
        /// Worker threads inside the run: outlets pick up and deliver in parallel
        /// (default: one per core). The results are the same for any number.
        #[arg(long)]
        threads: Option<usize>,
        /// No progress and no summary table.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Check a scenario or sweep file without running it.
    Validate {
        /// Scenario file (TOML), or a sweep file (TOML with `base` and `[[vary]]`).
        scenario: PathBuf,
    },
    /// Run every point × replication of a sweep file in parallel.
    Sweep {
        /// Sweep file (TOML).
        sweep: PathBuf,
        /// Output folder (default: a fresh output/<sweep>/sweep-NNN).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        /// Skip the runs already in --out's runs.csv and finish the rest.
        #[arg(long, requires = "out")]
        resume: bool,
        /// Run only shard K of N (1-based), e.g. 2/8; combine shards with `merge`.
        #[arg(long, value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// Write into a non-empty --out folder.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        extras: ExtrasArgs,
        /// Start a sweep larger than 10,000 runs or estimated to take more than an hour.
        #[arg(long)]
        yes: bool,
        /// No progress (a bar on a terminal, a plain line every few seconds elsewhere).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Combine shard folders of one sweep into the files a single machine would write.
    Merge {
        /// Shard folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder for the combined sweep.
        #[arg(long)]
        out: PathBuf,
        /// Write into a non-empty --out folder.
        #[arg(long)]
        force: bool,
        /// Merge even when runs are missing (or a folder is given twice).
        #[arg(long)]
        partial: bool,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Run scenarios with the same seeds and compare every metric, paired to the first.
    Compare {
        /// Scenario files (TOML); the first is the reference of the differences.
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<PathBuf>,
        #[command(flatten)]
        rep: Replicated,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Attribute the change of a metric from FROM to TO to the sections that differ
    /// (Shapley values over every subset of them).
    Explain {
        /// Scenario the change starts from (TOML).
        from: PathBuf,
        /// Scenario the change leads to (TOML).
        to: PathBuf,
        #[command(flatten)]
        rep: Replicated,
        /// Metric to explain (a column of compare.csv's `metric`).
        #[arg(long, default_value = "cost_per_parcel_yuan")]
        metric: String,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Marginal cost: resources per extra parcel when the daily volume grows by a small
    /// step, from paired runs with common random numbers (the same orders plus extra ones).
    Marginal {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Extra daily volume, as a share of it (e.g. 1% or 0.01).
        #[arg(long, default_value = "1%", value_parser = parcelsim::instruments::parse_share)]
        volume_step: f64,
        #[command(flatten)]
        rep: Replicated,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Which inputs matter: one-at-a-time swings (tornado) and Morris elementary effects of
    /// inputs named by dotted path on one metric, with intervals.
    Sensitivity {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Inputs by dotted path, e.g. costs.waybill_it vehicles[2].fixed_cost (default:
        /// the numeric inputs the file marks as assumptions, else those of baseline.toml).
        #[arg(long, num_args = 1..)]
        inputs: Vec<String>,
        /// Each input's range around its base value (e.g. 10% or 0.1).
        #[arg(long, default_value = "10%", value_parser = parcelsim::instruments::parse_share)]
        range: f64,
        /// Metric to rank by (a `metric` of compare.csv).
        #[arg(long, default_value = "cost_per_parcel_yuan")]
        metric: String,
        /// Morris trajectories (0: tornado only).
        #[arg(long, default_value_t = 0)]
        trajectories: u32,
        /// Rows of a Sobol' design (0: none; else at least 8): first-order and total
        /// indices from rows × (inputs + 2) runs.
        #[arg(long, default_value_t = 0)]
        sobol: u32,
        #[command(flatten)]
        rep: Replicated,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Fit free inputs (dotted paths with bounds) to observed targets (metrics with a
    /// standard error) by Nelder–Mead over common-random-number runs.
    Calibrate {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Targets file (TOML): [[target]] metric/value/sd, [[free]] path/min/max.
        targets: PathBuf,
        /// Output folder (default: a fresh output/calibrate/calibrate-NNN).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write into a non-empty --out folder.
        #[arg(long)]
        force: bool,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Draw the charts of a result folder into DIR/plots/ and rewrite its report.html and
    /// results.xlsx from its files.
    Plot {
        /// A run, sweep, compare, explain, marginal, sensitivity or calibrate folder.
        dir: PathBuf,
        #[command(flatten)]
        extras: ExtrasArgs,
    },
    /// Print the JSON Schema of scenario or sweep files, for editors that check TOML
    /// (e.g. `parcelsim schema scenario > scenario.schema.json`).
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaKind {
    /// Scenario files.
    Scenario,
    /// Sweep files.
    Sweep,
}

/// What is written beside a folder's result files: charts, workbook, report.html.
#[derive(clap::Args)]
struct ExtrasArgs {
    /// Do not draw the charts into plots/ (report.html still has them inline).
    #[arg(long)]
    no_plot: bool,
    /// Do not write results.xlsx.
    #[arg(long)]
    no_xlsx: bool,
    /// Reference price the shop pays, drawn as a dashed line on the cost charts (yuan per
    /// parcel).
    #[arg(long, default_value_t = 2.0)]
    price: f64,
}

impl ExtrasArgs {
    /// Writes the charts, workbook and report of `dir`; returns how many charts were drawn.
    fn write_files(&self, dir: &std::path::Path) -> Result<usize> {
        let files = parcelsim::folder::write_extras(
            dir,
            &parcelsim::folder::Extras {
                price: self.price,
                plot: !self.no_plot,
                xlsx: !self.no_xlsx,
            },
        )?;
        Ok(files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "png"))
            .count())
    }

    /// Says where the charts and report of `dir` are.
    fn say(charts: usize, dir: &std::path::Path) {
        if charts > 0 {
            say!("{charts} charts written to {}", dir.join("plots").display());
        }
        say!("report: {}", dir.join("report.html").display());
    }

    /// Writes the charts, workbook and report of `dir` and says where they went.
    fn write(&self, dir: &std::path::Path) -> Result<()> {
        let charts = self.write_files(dir)?;
        Self::say(charts, dir);
        Ok(())
    }
}

/// Replications of scenarios with common random numbers (`compare`, `explain`).
#[derive(clap::Args)]
struct Replicated {
    /// Runs per scenario; replication r uses the same seed in every scenario.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    replications: u32,
    /// Base seed of the replications' seeds.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (default: a fresh output/<command>/<command>-NNN).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write into a non-empty --out folder.
    #[arg(long)]
    force: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress (a bar on a terminal, a plain line every few seconds elsewhere).
    #[arg(long, short)]
    quiet: bool,
}

impl Replicated {
    fn options(&self) -> compare::Options {
        compare::Options {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            progress: !self.quiet,
        }
    }

    fn dir(&self, kind: &str) -> Result<PathBuf> {
        files::fresh_dir(self.out.as_deref(), self.force, kind, kind)
    }
}

/// Whether a TOML file is a sweep file (it names a `base` scenario) rather than a scenario.
/// A file that cannot be read or parsed is taken as a scenario, whose loading reports it.
fn is_sweep_file(path: &std::path::Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("base"))
}

/// `K/N` with 1 ≤ K ≤ N.
fn parse_shard(s: &str) -> std::result::Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/8")?;
    let (k, n): (usize, usize) = (
        k.trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number"))?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(format!("shard {k}/{n}: need 1 <= K <= N"));
    }
    Ok((k, n))
}

/// Most parcels `run --trace` follows.
const MAX_TRACE: usize = 100_000;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // On a terminal an input error shows its line with a marker under the value;
            // elsewhere (logs, pipes, tests) the one-line plain form.
            let shown = match &e {
                Error::Input(ie) if std::io::stderr().is_terminal() => ie.snippet(true),
                _ => None,
            };
            match shown {
                Some(s) => eprintln!("{s}"),
                None => eprintln!("error: {e}"),
            }
            match e {
                Error::Input(_) | Error::Usage(_) => ExitCode::from(2),
                Error::Overload(_) => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    let limits = match cli.max_memory {
        Some(max_memory) => Limits { max_memory },
        None => Limits::default(),
    };
    match cli.command {
        Command::Sweep {
            sweep: file,
            out,
            threads,
            resume,
            shard,
            force,
            extras,
            yes,
            quiet,
        } => {
            let (dir, failed) = sweep(
                file,
                out,
                threads,
                resume,
                shard,
                force,
                &SweepLimits { limits, yes },
                !quiet,
            )?;
            extras.write(&dir)?;
            if failed > 0 {
                return Err(Error::RunsFailed(failed, "runs.csv"));
            }
            Ok(())
        }
        Command::Plot { dir, extras } => extras.write(&dir),
        Command::Schema { kind } => {
            say!(
                "{}",
                match kind {
                    SchemaKind::Scenario => parcelsim::schema::scenario(),
                    SchemaKind::Sweep => parcelsim::schema::sweep(),
                }
            );
            Ok(())
        }
        Command::Merge {
            dirs,
            out,
            force,
            partial,
            extras,
        } => {
            let r = parcelsim::sweep::merge(&dirs, &out, force, partial)?;
            say!(
                "merged {} of {} runs ({} failed) into {}",
                r.skipped,
                r.total,
                r.failed,
                out.display()
            );
            if r.skipped < r.total {
                eprintln!("warning: {} runs are missing", r.total - r.skipped);
            }
            extras.write(&out)?;
            Ok(())
        }
        Command::Compare {
            scenarios,
            rep,
            extras,
        } => {
            let c = compare::Compare::load(&scenarios, rep.options())?;
            let dir = rep.dir("compare")?;
            let result = or_remove(&dir, c.run())?;
            result.write(&dir)?;
            say_raw!("{}", result.table());
            extras.write(&dir)?;
            say!("comparison written to {}", dir.display());
            match result.info.failed_runs.len() {
                0 => Ok(()),
                n => Err(Error::RunsFailed(
                    n,
                    "compare.json (their replications are left out)",
                )),
            }
        }
        Command::Explain {
            from,
            to,
            rep,
            metric,
            extras,
        } => {
            let e = compare::explain::Explain::load(&from, &to, &metric, rep.options())?;
            let dir = rep.dir("explain")?;
            let result = or_remove(&dir, e.run())?;
            result.write(&dir)?;
            say_raw!("{}", result.table());
            extras.write(&dir)?;
            say!("explanation written to {}", dir.display());
            match result.info.failed_runs.len() {
                0 => Ok(()),
                n => Err(Error::RunsFailed(
                    n,
                    "explain.json (their replications are left out)",
                )),
            }
        }
        Command::Marginal {
            scenario,
            volume_step,
            rep,
            extras,
        } => {
            let l = run::load(&scenario)?;
            let opts = parcelsim::instruments::marginal::Options {
                step: volume_step,
                runs: rep.options(),
            };
            let dir = rep.dir("marginal")?;
            let m = or_remove(
                &dir,
                parcelsim::instruments::marginal::Marginal::measure(&scenario, &l, &opts),
            )?;
            m.write(&dir)?;
            say_raw!("{}", m.table());
            extras.write(&dir)?;
            say!("marginal cost written to {}", dir.display());
            Ok(())
        }
        Command::Sensitivity {
            scenario,
            inputs,
            range,
            metric,
            trajectories,
            sobol,
            rep,
            extras,
        } => {
            use parcelsim::instruments::{inputs as inp, sensitivity};
            let l = run::load(&scenario)?;
            let model = inp::Model::new(&l);
            let paths = if inputs.is_empty() {
                inp::default_inputs(&model)
            } else {
                inputs
            };
            let opts = sensitivity::Options {
                range,
                metric,
                replications: rep.replications,
                trajectories,
                sobol,
                seed: rep.seed,
                threads: rep.threads,
                progress: !rep.quiet,
            };
            // Every input is checked before a folder is made.
            for p in &paths {
                model.nominal(p)?;
            }
            inp::metric_index(&opts.metric)?;
            let dir = rep.dir("sensitivity")?;
            let s = or_remove(
                &dir,
                sensitivity::Sensitivity::measure(&scenario, &model, &paths, &opts),
            )?;
            s.write(&dir)?;
            say_raw!("{}", s.table());
            extras.write(&dir)?;
            say!("sensitivity written to {}", dir.display());
            Ok(())
        }
        Command::Calibrate {
            scenario,
            targets,
            out,
            force,
            threads,
            extras,
        } => {
            use parcelsim::instruments::{calibrate, inputs};
            let l = run::load(&scenario)?;
            let model = inputs::Model::new(&l);
            let t = calibrate::load(&targets, &model)?;
            let dir = files::fresh_dir(out.as_deref(), force, "calibrate", "calibrate")?;
            let opts = calibrate::Options {
                threads,
                progress: std::io::stderr().is_terminal(),
            };
            let started = std::time::Instant::now();
            let c = or_remove(
                &dir,
                calibrate::Calibration::fit(&scenario, &targets, &model, &t, &opts),
            )?;
            c.write(&dir)?;
            say_raw!("{}", c.table());
            extras.write(&dir)?;
            say!(
                "calibration written to {} ({:.1} s)",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Validate { scenario } => {
            if is_sweep_file(&scenario) {
                let sw = parcelsim::sweep::spec::load_with(
                    &scenario,
                    &SweepLimits { limits, yes: true },
                    None,
                )?;
                say!(
                    "{}: valid sweep ({} points × {} replications of {})",
                    scenario.display(),
                    sw.points.len(),
                    sw.spec.replications,
                    sw.spec.base
                );
                return Ok(());
            }
            let l = run::load_with(&scenario, &limits)?;
            let n = &l.network;
            say!(
                "{}: valid ({} outlets, {} centres, {} lanes)",
                scenario.display(),
                n.outlets.len(),
                n.centres.len(),
                n.lanes.len()
            );
            Ok(())
        }
        Command::Run {
            scenario,
            out,
            force,
            seed,
            trace,
            cost_sample,
            threads,
            quiet,
            extras,
        } => {
            if trace > MAX_TRACE {
                return Err(Error::Usage(format!(
                    "--trace {trace}: at most {MAX_TRACE} parcels can be traced"
                )));
            }
            let l = run::load_with(&scenario, &limits)?;
            // With --force the run is written into a fresh folder beside --out that
            // replaces it only when complete: no old file survives, and a run killed
            // midway leaves the old folder as it was.
            let target = match (&out, force) {
                (Some(dir), true) => Some(dir.clone()),
                _ => None,
            };
            let dir = match &target {
                Some(t) => files::staging_dir(t)?,
                None => files::fresh_dir(out.as_deref(), force, &l.scenario.name, "run")?,
            };
            let opts = RunOptions {
                seed,
                trace,
                progress: !quiet,
                extra_demand: 0.0,
                cost_sample,
            };
            let pool = parcelsim::sweep::thread_pool(threads)?;
            let result = pool.install(|| run::run(&l.scenario, &l.network, &l.sha256, &opts));
            let output = match result {
                Ok(o) => o,
                Err(e) => {
                    // Leave no empty folder that looks like a run.
                    let _ = std::fs::remove_dir(&dir);
                    return Err(e);
                }
            };
            // Inputs first, summary.json last of the results, then the charts, workbook
            // and report made from them: all before a --force folder is replaced.
            let mut charts = 0;
            let written =
                parcelsim::folder::write_inputs(&dir, &scenario, &l, output.summary.seed, trace)
                    .and_then(|()| report::write_run(&dir, &output))
                    .and_then(|()| {
                        charts = extras.write_files(&dir)?;
                        Ok(())
                    });
            let dir = match (written, target) {
                (Ok(()), Some(t)) => {
                    files::replace_dir(&dir, &t)?;
                    t
                }
                (Ok(()), None) => dir,
                (Err(e), Some(_)) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(e);
                }
                (Err(e), None) => return Err(e),
            };
            if !quiet {
                print_summary(&output);
            }
            let s = &output.summary;
            if let Some(w) = s.steady_state.warning(s.warmup_days) {
                eprintln!("warning: {w}");
            }
            ExtrasArgs::say(charts, &dir);
            say!("run written to {}", dir.display());
            Ok(())
        }
    }
}

// One argument per flag of the command.
#[allow(clippy::too_many_arguments)]
fn sweep(
    file: PathBuf,
    out: Option<PathBuf>,
    threads: Option<usize>,
    resume: bool,
    shard: Option<(usize, usize)>,
    force: bool,
    limits: &SweepLimits,
    progress: bool,
) -> Result<(PathBuf, usize)> {
    let sw = parcelsim::sweep::spec::load_with(&file, limits, threads)?;
    let dir = if resume {
        let dir = out.expect("clap: --resume requires --out");
        if !dir.join("sweep.json").exists() {
            return Err(Error::Usage(format!(
                "{}: no sweep to resume here (no sweep.json)",
                dir.display()
            )));
        }
        dir
    } else {
        files::fresh_dir(out.as_deref(), force, &sw.name, "sweep")?
    };
    let opts = parcelsim::sweep::SweepOptions {
        threads,
        limits: limits.limits,
        resume,
        shard,
        progress,
    };
    let r = parcelsim::sweep::run_sweep(&sw, &dir, &opts)?;
    say!(
        "sweep {}: {} runs done now, {} already done, {} of {} failed; written to {}",
        sw.name,
        r.ran,
        r.skipped,
        r.failed,
        r.total,
        dir.display()
    );
    Ok((dir, r.failed))
}

fn print_summary(o: &RunOutput) {
    let s = &o.summary;
    say!(
        "scenario {} (seed {}): {} measured days after {} warm-up days",
        s.scenario,
        s.seed,
        s.days_measured,
        s.warmup_days
    );
    say!(
        "parcels: {} generated, {} delivered, {} lost, {} in flight at the end",
        s.parcels_generated,
        s.parcels_delivered,
        s.parcels_lost,
        s.parcels_in_flight
    );
    say!(
        "measured: {} picked up in the window, {} of them delivered ({:.1} days simulated)",
        s.measured_parcels_picked_up,
        s.measured_parcels_delivered,
        s.days_simulated
    );
    say!();
    say!(
        "{:<22} {:>12} {:>8}",
        "cost by activity",
        "yuan/parcel",
        "share"
    );
    // In the order a parcel meets the activities, not alphabetically.
    let mut activities: Vec<(&&str, &f64)> = s.cost_by_activity.iter().collect();
    activities.sort_by_key(|(a, _)| parcelsim::folder::activity_rank(a));
    for (a, v) in activities {
        let share = if s.cost_per_parcel_yuan > 0.0 {
            v / s.cost_per_parcel_yuan
        } else {
            0.0
        };
        say!("{:<22} {:>12.4} {:>7.1}%", a, v, share * 100.0);
    }
    say!(
        "{:<22} {:>12.4} {:>7.1}%",
        "total",
        s.cost_per_parcel_yuan,
        100.0
    );
    say!();
    say!(
        "transit hours: mean {:.1}, p50 {:.1}, p95 {:.1}; on time ({} h): {:.1}%",
        s.transit_hours_mean,
        s.transit_hours_p50,
        s.transit_hours_p95,
        s.promise_hours,
        s.on_time_rate * 100.0
    );
    say!(
        "truck fill rate {:.1}%, feeder fill rate {:.1}%, attempts per parcel {:.3}",
        s.truck_fill_rate * 100.0,
        s.feeder_fill_rate * 100.0,
        s.delivery_attempts_per_parcel
    );
    let a = &s.accounts;
    say!(
        "accounts ({}; yuan/parcel): {}; chain margin {:.3}",
        a.kind,
        a.parties
            .iter()
            .map(|(p, x)| format!(
                "{p} received {:.3}, paid {:.3}, resources {:.3}, margin {:.3}",
                x.received, x.paid, x.resources, x.margin
            ))
            .collect::<Vec<_>>()
            .join("; "),
        a.chain_margin
    );
    if let Some(sh) = &s.shop {
        say!(
            "shop: {} orders, {} shipped, {} cancelled before shipping, {} still at the shop; packed {:.1} h after ordering; {:.1}% returned, rating {:.2}; {:.3} yuan per shipped order (labour {:.3}, packaging {:.3}, shipping {:.2}, returns {:.3}, claims recovered {:.4})",
            sh.orders_placed,
            sh.shipped,
            sh.cancelled_before_shipping,
            sh.waiting_at_shop,
            sh.placed_to_packed_hours_mean,
            sh.return_rate * 100.0,
            sh.mean_rating,
            sh.cost_per_order,
            sh.fulfilment_labour_per_order,
            sh.packaging_per_order,
            sh.shipping_price_per_order,
            sh.returns_shipping_per_order,
            sh.claims_recovered_per_order
        );
    }
    let q = &s.quality;
    say!(
        "service: {:.2}% late, {:.0} damaged and {:.0} lost per million, {:.1} complaints per million, claims {:.4} yuan/parcel",
        q.late_rate * 100.0,
        q.damaged_per_million,
        q.lost_per_million,
        q.complaints_per_million,
        q.claims_yuan_per_parcel
    );
    let w = &s.welfare;
    say!(
        "staff: couriers {:.1} h/day on tours, {:.0} deliveries/day, {:.1} yuan/h; sorters {:.1} h/day at {:.1} yuan/h; {} managers over {:.0} staff in {} layers",
        w.courier_hours_per_day,
        w.deliveries_per_courier_day,
        w.courier_pay_per_hour,
        w.sorter_hours_per_day,
        w.sorter_pay_per_hour,
        s.org.managers,
        s.org.front_line_staff,
        s.org.layers
    );
    if s.other_revenue_per_parcel_yuan > 0.0 {
        say!(
            "other revenue {:.4} yuan/parcel (not netted above): net cost {:.4} yuan/parcel",
            s.other_revenue_per_parcel_yuan,
            s.net_cost_per_parcel_yuan
        );
    }
    let m = &s.money;
    say!(
        "money: spent {:.0} yuan = measured parcels {:.0} + parcels before the window {:.0} + after it {:.0} + unabsorbed {:.0}",
        m.spent_total,
        m.attributed_to_measured,
        m.attributed_to_parcels_before_window,
        m.attributed_to_parcels_after_window,
        m.unabsorbed
    );
    let c = &s.cost_sample;
    if c.parcels > 0 {
        say!(
            "cost per parcel over {} sampled parcels: mean {:.4} ± {:.4} yuan (exact {:.4}), median {:.4}, 95th percentile {:.4}",
            c.parcels,
            c.mean_yuan,
            c.ci95_yuan,
            c.exact_mean_yuan,
            c.p50_yuan,
            c.p95_yuan
        );
    }
    say!(
        "simulated {} events in {:.2} s ({:.2} M parcels/s); an event is one scheduled step for many parcels at once (a pickup or delivery wave, a vehicle leaving or arriving, a shift or day ending), so there are far fewer events than parcels",
        o.info.events,
        o.info.simulate_s,
        o.info.parcels_per_s / 1e6
    );
}
