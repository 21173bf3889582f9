//! The `parcelsim` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use parcelsim::error::{Error, Result};
use parcelsim::report;
use parcelsim::run::{self, RunOptions, RunOutput};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "parcelsim",
    version,
    about = "What does it cost to carry a parcel? A discrete-event express network simulator."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
        /// No progress and no summary table.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a scenario file without running it.
    Validate { scenario: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                Error::Input(_) | Error::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Validate { scenario } => {
            let l = run::load(&scenario)?;
            let n = &l.network;
            println!(
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
            quiet,
        } => {
            let l = run::load(&scenario)?;
            let dir = report::run_dir(out.as_deref(), force, &l.scenario.name)?;
            let opts = RunOptions {
                seed,
                trace,
                progress: !quiet && std::io::stderr().is_terminal(),
            };
            let result = run::run(&l.scenario, &l.network, &l.sha256, &opts);
            let output = match result {
                Ok(o) => o,
                Err(e) => {
                    // Leave no empty folder that looks like a run.
                    let _ = std::fs::remove_dir(&dir);
                    return Err(e);
                }
            };
            report::write_run(&dir, &output)?;
            if !quiet {
                print_summary(&output);
            }
            println!("run written to {}", dir.display());
            Ok(())
        }
    }
}

fn print_summary(o: &RunOutput) {
    let s = &o.summary;
    println!(
        "scenario {} (seed {}): {} measured days after {} warm-up days",
        s.scenario, s.seed, s.days_measured, s.warmup_days
    );
    println!(
        "parcels: {} generated, {} delivered, {} in flight at the end",
        s.parcels_generated, s.parcels_delivered, s.parcels_in_flight
    );
    println!(
        "measured: {} picked up in the window, {} of them delivered ({:.1} days simulated)",
        s.measured_parcels_picked_up, s.measured_parcels_delivered, s.days_simulated
    );
    println!();
    println!(
        "{:<22} {:>12} {:>8}",
        "cost by activity", "yuan/parcel", "share"
    );
    for (a, v) in &s.cost_by_activity {
        let share = if s.cost_per_parcel_yuan > 0.0 {
            v / s.cost_per_parcel_yuan
        } else {
            0.0
        };
        println!("{:<22} {:>12.4} {:>7.1}%", a, v, share * 100.0);
    }
    println!(
        "{:<22} {:>12.4} {:>7.1}%",
        "total", s.cost_per_parcel_yuan, 100.0
    );
    println!();
    println!(
        "transit hours: mean {:.1}, p50 {:.1}, p95 {:.1}; on time ({} h): {:.1}%",
        s.transit_hours_mean,
        s.transit_hours_p50,
        s.transit_hours_p95,
        s.promise_hours,
        s.on_time_rate * 100.0
    );
    println!(
        "truck fill rate {:.1}%, feeder fill rate {:.1}%, attempts per parcel {:.3}",
        s.truck_fill_rate * 100.0,
        s.feeder_fill_rate * 100.0,
        s.delivery_attempts_per_parcel
    );
    let m = &s.money;
    println!(
        "money: spent {:.0} yuan = measured parcels {:.0} + parcels outside the window {:.0} + in flight {:.0} + unabsorbed {:.0}",
        m.spent_total,
        m.attributed_to_delivered,
        m.attributed_to_parcels_outside_window,
        m.carried_by_parcels_in_flight,
        m.unabsorbed
    );
    println!(
        "simulated {} events in {:.2} s ({:.2} M parcels/s)",
        o.info.events,
        o.info.simulate_s,
        o.info.parcels_per_s / 1e6
    );
}
