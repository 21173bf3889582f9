//! Helpers shared by the integration tests.

use parcelsim::run::{RunOptions, Summary, load, run};

/// Runs a scenario given as text (written to a temporary file) with default options.
/// Paths inside it must be absolute.
pub fn run_text(text: &str) -> Summary {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let l = load(&path).unwrap();
    run(&l.scenario, &l.network, &l.sha256, &RunOptions::default())
        .unwrap()
        .summary
}
