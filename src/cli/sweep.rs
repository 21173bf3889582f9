//! `parcelsim sweep`: run every point × replication of a sweep file in parallel.

use super::ExtrasArgs;
use parcelsim::error::{Error, Result};
use parcelsim::files;
use parcelsim::sweep::spec::SweepLimits;
use parcelsim::workload::Limits;
use std::path::PathBuf;

/// The arguments of `parcelsim sweep` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
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
}

/// Runs `parcelsim sweep`.
pub fn execute(args: Args, limits: Limits) -> Result<()> {
    let Args {
        sweep: file,
        out,
        threads,
        resume,
        shard,
        force,
        extras,
        yes,
        quiet,
    } = args;
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
        progress: super::progress::bars(progress),
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
