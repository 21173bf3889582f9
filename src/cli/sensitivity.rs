//! `parcelsim sensitivity`: which inputs matter: one-at-a-time swings (tornado) and Morris
//! elementary effects of inputs named by dotted path on one metric, with intervals.

use super::{ExtrasArgs, Replicated, or_remove};
use parcelsim::error::Result;
use parcelsim::run;
use std::path::PathBuf;

/// The arguments of `parcelsim sensitivity` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
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
}

/// Runs `parcelsim sensitivity`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        scenario,
        inputs,
        range,
        metric,
        trajectories,
        sobol,
        rep,
        extras,
    } = args;
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
        progress: super::progress::bars(!rep.quiet),
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
