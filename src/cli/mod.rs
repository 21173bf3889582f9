//! The command line: argument types, one file per subcommand (like ripgrep's and xsv's),
//! and the argument groups and helpers they share. Each subcommand file holds its `Args` and
//! an `execute` that calls the library and prints what the user reads.

use clap::{Parser, Subcommand};
use parcelsim::error::Result;
use parcelsim::files;
use parcelsim::workload::Limits;
use std::path::PathBuf;

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

mod calibrate;
mod compare;
mod explain;
mod marginal;
mod merge;
mod plot;
mod progress;
mod run;
mod schema;
mod sensitivity;
mod sweep;
mod validate;

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
pub struct Cli {
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
    Run(run::Args),
    /// Check a scenario or sweep file without running it.
    Validate(validate::Args),
    /// Run every point × replication of a sweep file in parallel.
    Sweep(sweep::Args),
    /// Combine shard folders of one sweep into the files a single machine would write.
    Merge(merge::Args),
    /// Run scenarios with the same seeds and compare every metric, paired to the first.
    Compare(compare::Args),
    /// Attribute the change of a metric from FROM to TO to the sections that differ
    /// (Shapley values over every subset of them).
    Explain(explain::Args),
    /// Marginal cost: resources per extra parcel when the daily volume grows by a small
    /// step, from paired runs with common random numbers (the same orders plus extra ones).
    Marginal(marginal::Args),
    /// Which inputs matter: one-at-a-time swings (tornado) and Morris elementary effects of
    /// inputs named by dotted path on one metric, with intervals.
    Sensitivity(sensitivity::Args),
    /// Fit free inputs (dotted paths with bounds) to observed targets (metrics with a
    /// standard error) by Nelder–Mead over common-random-number runs.
    Calibrate(calibrate::Args),
    /// Draw the charts of a result folder into DIR/plots/ and rewrite its report.html and
    /// results.xlsx from its files.
    Plot(plot::Args),
    /// Print the JSON Schema of scenario or sweep files, for editors that check TOML
    /// (e.g. `parcelsim schema scenario > scenario.schema.json`).
    Schema(schema::Args),
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
    fn options(&self) -> parcelsim::compare::Options {
        parcelsim::compare::Options {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            progress: progress::bars(!self.quiet),
        }
    }

    fn dir(&self, kind: &str) -> Result<PathBuf> {
        files::fresh_dir(self.out.as_deref(), self.force, kind, kind)
    }
}

/// Runs the command `cli` names.
pub fn execute(cli: Cli) -> Result<()> {
    let limits = match cli.max_memory {
        Some(max_memory) => Limits { max_memory },
        None => Limits::default(),
    };
    match cli.command {
        Command::Run(args) => run::execute(args, limits),
        Command::Validate(args) => validate::execute(args, limits),
        Command::Sweep(args) => sweep::execute(args, limits),
        Command::Merge(args) => merge::execute(args),
        Command::Compare(args) => compare::execute(args),
        Command::Explain(args) => explain::execute(args),
        Command::Marginal(args) => marginal::execute(args),
        Command::Sensitivity(args) => sensitivity::execute(args),
        Command::Calibrate(args) => calibrate::execute(args),
        Command::Plot(args) => plot::execute(args),
        Command::Schema(args) => schema::execute(args),
    }
}
