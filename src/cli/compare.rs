//! `parcelsim compare`: run scenarios with the same seeds and compare every metric, paired to
//! the first.

use super::{ExtrasArgs, Replicated, or_remove};
use parcelsim::compare;
use parcelsim::error::{Error, Result};
use std::path::PathBuf;

/// The arguments of `parcelsim compare` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    /// Scenario files (TOML); the first is the reference of the differences.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    rep: Replicated,
    #[command(flatten)]
    extras: ExtrasArgs,
}

/// Runs `parcelsim compare`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        scenarios,
        rep,
        extras,
    } = args;
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
