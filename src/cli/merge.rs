//! `parcelsim merge`: combine shard folders of one sweep into the files a single machine would
//! write.

use super::ExtrasArgs;
use parcelsim::error::Result;
use std::path::PathBuf;

/// The arguments of `parcelsim merge` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
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
}

/// Runs `parcelsim merge`.
pub fn execute(args: Args) -> Result<()> {
    let Args {
        dirs,
        out,
        force,
        partial,
        extras,
    } = args;
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
