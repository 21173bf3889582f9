//! Reading result files: JSON and CSV of a folder read defensively, every bad cell or
//! missing column an [`InputError`] naming the file, line and column.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, InputError, Result};

/// An [`Error::Input`] about `file`.
pub(super) fn input_error(
    file: &Path,
    line: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
) -> Error {
    Error::Input(InputError {
        file: file.to_path_buf(),
        line,
        field: field.map(str::to_string),
        message: message.into(),
    })
}

/// Reads and parses a JSON file into `T`, reporting syntax and shape errors with their line.
pub(super) fn read_json<T: for<'de> Deserialize<'de>>(file: &Path) -> Result<T> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the line goes into its own field.
        let message = match message.rfind(" at line ") {
            Some(i) if e.line() > 0 => message[..i].to_string(),
            _ => message,
        };
        input_error(file, (e.line() > 0).then_some(e.line()), None, message)
    })
}

/// A CSV file held in memory, with helpers that turn bad cells into errors naming the file,
/// line and column.
pub(super) struct Table {
    pub(super) file: PathBuf,
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<Row>,
}

/// One data record and the 1-based line it starts on.
pub(super) struct Row {
    pub(super) line: usize,
    record: csv::StringRecord,
}

impl Table {
    pub(super) fn read(file: &Path) -> Result<Table> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let csv_error = |e: csv::Error| {
            let line = e.position().map(|p| p.line() as usize);
            input_error(file, line, None, e.to_string())
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let headers = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                let record = r.map_err(csv_error)?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                Ok(Row { line, record })
            })
            .collect::<Result<_>>()?;
        Ok(Table {
            file: file.to_path_buf(),
            headers,
            rows,
        })
    }

    /// Index of the column named `name`, if there is one.
    pub(super) fn find(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Index of the column named `name`, or an error saying it is missing.
    pub(super) fn column(&self, name: &str) -> Result<usize> {
        self.find(name)
            .ok_or_else(|| input_error(&self.file, Some(1), Some(name), "missing column"))
    }

    pub(super) fn cell<'r>(&self, row: &'r Row, col: usize) -> &'r str {
        row.record.get(col).unwrap_or("")
    }

    pub(super) fn cell_error(&self, row: &Row, col: usize, message: String) -> Error {
        let field = self.headers.get(col).map(String::as_str);
        input_error(&self.file, Some(row.line), field, message)
    }

    /// The cell as a finite number; empty, unparsable and non-finite cells are errors.
    pub(super) fn number(&self, row: &Row, col: usize) -> Result<f64> {
        let text = self.cell(row, col);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ if text.is_empty() => {
                Err(self.cell_error(row, col, "expected a number, found an empty cell".into()))
            }
            _ => Err(self.cell_error(
                row,
                col,
                format!("expected a finite number, found `{text}`"),
            )),
        }
    }

    /// The cell as a number; `None` when empty or NaN (e.g. the CI of a single replication).
    pub(super) fn optional(&self, row: &Row, col: usize) -> Result<Option<f64>> {
        let text = self.cell(row, col);
        if text.is_empty() || text.eq_ignore_ascii_case("nan") {
            return Ok(None);
        }
        self.number(row, col).map(Some)
    }

    /// The cell as a whole number ≥ 0 (a count).
    pub(super) fn count(&self, row: &Row, col: usize) -> Result<u64> {
        let text = self.cell(row, col);
        text.parse::<u64>().map_err(|_| {
            self.cell_error(
                row,
                col,
                format!("expected a whole number ≥ 0, found `{text}`"),
            )
        })
    }
}
