//! Errors a user can act on: each names the file, the line where known, and the field.

use std::fmt;
use std::path::{Path, PathBuf};

/// Something wrong in an input file (scenario, network CSV, city list, sweep file).
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub file: PathBuf,
    /// 1-based line, where the location is known.
    pub line: Option<usize>,
    /// Dotted path of the offending field, e.g. `network.lanes[3].capacity`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Every failure of a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A bookkeeping invariant failed: a bug, reported loudly rather than hidden.
    #[error("bookkeeping check failed: {0}")]
    Bookkeeping(String),
    #[error("{0}")]
    Usage(String),
    /// The network cannot carry the scenario's load: a result, not a cost.
    #[error("{0}")]
    Overload(String),
    /// A sweep finished but some of its runs failed (recorded in runs.csv).
    #[error("{0} runs failed; their errors are in runs.csv")]
    RunsFailed(usize),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The 1-based line of byte offset `pos` in `text`.
pub fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
