//! `parcelsim calibrate`: fit free inputs (dotted paths with bounds) to observed targets
//! (metrics with a standard error) by Nelder–Mead over common-random-number runs.

use super::{ExtrasArgs, or_remove};
use parcelsim::error::Result;
use parcelsim::files;
use parcelsim::run;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The arguments of `parcelsim calibrate` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
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
}

/// Runs `parcelsim calibrate`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        scenario,
        targets,
        out,
        force,
        threads,
        extras,
    } = args;
    use parcelsim::instruments::{calibrate, inputs};
    let l = run::load(&scenario)?;
    let model = inputs::Model::new(&l);
    let t = calibrate::load(&targets, &model)?;
    let dir = files::fresh_dir(out.as_deref(), force, "calibrate", "calibrate")?;
    let opts = calibrate::Options {
        threads,
        progress: super::progress::bars(std::io::stderr().is_terminal()),
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
