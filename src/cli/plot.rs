//! `parcelsim plot`: draw the charts of a result folder into DIR/plots/ and rewrite its
//! report.html and results.xlsx from its files.

use super::ExtrasArgs;
use parcelsim::error::Result;
use std::path::PathBuf;

/// The arguments of `parcelsim plot` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    /// A run, sweep, compare, explain, marginal, sensitivity or calibrate folder.
    dir: PathBuf,
    #[command(flatten)]
    extras: ExtrasArgs,
}

/// Runs `parcelsim plot`.
pub fn execute(args: Args) -> Result<()> {
    let Args { dir, extras } = args;
    extras.write(&dir)
}
