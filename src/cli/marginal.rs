//! `parcelsim marginal`: marginal cost: resources per extra parcel when the daily volume grows
//! by a small step, from paired runs with common random numbers (the same orders plus extra
//! ones).

use super::{ExtrasArgs, Replicated, or_remove};
use parcelsim::error::Result;
use parcelsim::run;
use std::path::PathBuf;

/// The arguments of `parcelsim marginal` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Extra daily volume, as a share of it (e.g. 1% or 0.01).
    #[arg(long, default_value = "1%", value_parser = parcelsim::instruments::parse_share)]
    volume_step: f64,
    #[command(flatten)]
    rep: Replicated,
    #[command(flatten)]
    extras: ExtrasArgs,
}

/// Runs `parcelsim marginal`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        scenario,
        volume_step,
        rep,
        extras,
    } = args;
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
