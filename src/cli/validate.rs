//! `parcelsim validate`: check a scenario or sweep file without running it.

use parcelsim::error::Result;
use parcelsim::run;
use parcelsim::sweep::spec::SweepLimits;
use parcelsim::workload::Limits;
use std::path::PathBuf;

/// The arguments of `parcelsim validate` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML), or a sweep file (TOML with `base` and `[[vary]]`).
    scenario: PathBuf,
}

/// Runs `parcelsim validate`.
pub fn execute(args: Args, limits: Limits) -> Result<()> {
    let Args { scenario } = args;
    if is_sweep_file(&scenario) {
        let sw =
            parcelsim::sweep::spec::load_with(&scenario, &SweepLimits { limits, yes: true }, None)?;
        let paired = match sw.spec.marginal_volume_step {
            Some(step) => format!(
                ", each run paired with one at +{} % volume for the marginal cost",
                step * 100.0
            ),
            None => String::new(),
        };
        say!(
            "{}: valid sweep ({} points × {} replications of {}{paired})",
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

/// Whether a TOML file is a sweep file (it names a `base` scenario) rather than a scenario.
/// A file that cannot be read or parsed is taken as a scenario, whose loading reports it.
fn is_sweep_file(path: &std::path::Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("base"))
}
