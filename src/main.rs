//! The `parcelsim` command line: a thin layer over the library. `cli/` holds the arguments
//! and one file per subcommand; this file parses, dispatches and maps errors to exit codes.

mod cli;

use clap::Parser;
use parcelsim::error::Error;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // On a terminal an input error shows its line with a marker under the value;
            // elsewhere (logs, pipes, tests) the one-line plain form.
            let shown = match &e {
                Error::Input(ie) if std::io::stderr().is_terminal() => ie.snippet(true),
                _ => None,
            };
            match shown {
                Some(s) => eprintln!("{s}"),
                None => eprintln!("error: {e}"),
            }
            match e {
                Error::Input(_) | Error::Usage(_) => ExitCode::from(2),
                Error::Overload(_) => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
