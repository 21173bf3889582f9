//! `parcelsim explain`: attribute the change of a metric from FROM to TO to the sections that
//! differ (Shapley values over every subset of them).

use super::{ExtrasArgs, Replicated, or_remove};
use parcelsim::compare;
use parcelsim::error::{Error, Result};
use std::path::PathBuf;

/// The arguments of `parcelsim explain` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
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
}

/// Runs `parcelsim explain`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        from,
        to,
        rep,
        metric,
        extras,
    } = args;
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
