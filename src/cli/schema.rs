//! `parcelsim schema`: print the JSON Schema of scenario or sweep files, for editors that check
//! TOML (e.g. `parcelsim schema scenario > scenario.schema.json`).

use parcelsim::error::Result;

/// The arguments of `parcelsim schema` (their help is the command's, in `cli/mod.rs`).
#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    kind: SchemaKind,
}

/// Runs `parcelsim schema`.
pub fn execute(args: Args) -> Result<()> {
    let Args { kind } = args;
    say!(
        "{}",
        match kind {
            SchemaKind::Scenario => parcelsim::schema::scenario(),
            SchemaKind::Sweep => parcelsim::schema::sweep(),
        }
    );
    Ok(())
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaKind {
    /// Scenario files.
    Scenario,
    /// Sweep files.
    Sweep,
}
