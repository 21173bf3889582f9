//! A result folder read back: which kind it is (run, sweep, compare, explain) and its files
//! as plain tables, for the pages and workbooks written from them.
//!
//! Everything written after the simulation (charts, `report.html`, `results.xlsx`) is made
//! from the folder's own CSV and JSON files, so `parcelsim plot DIR` can redo it later and
//! what the report shows is what the files say.

use crate::error::{Error, InputError, Result};
use std::path::{Path, PathBuf};

/// The kind of a result folder, told by the file its command writes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `points.csv`
    Sweep,
    /// `summary.json`
    Run,
    /// `compare.csv`
    Compare,
    /// `explain.json`
    Explain,
    /// `marginal.json`
    Marginal,
    /// `sensitivity.json`
    Sensitivity,
    /// `calibrate.json`
    Calibrate,
}

impl Kind {
    /// The kind of `dir`; a Usage error naming the folder when it is none of them.
    pub fn of(dir: &Path) -> Result<Kind> {
        if dir.join("points.csv").is_file() {
            Ok(Kind::Sweep)
        } else if dir.join("summary.json").is_file() {
            Ok(Kind::Run)
        } else if dir.join("compare.csv").is_file() {
            Ok(Kind::Compare)
        } else if dir.join("explain.json").is_file() {
            Ok(Kind::Explain)
        } else if dir.join("marginal.json").is_file() {
            Ok(Kind::Marginal)
        } else if dir.join("sensitivity.json").is_file() {
            Ok(Kind::Sensitivity)
        } else if dir.join("calibrate.json").is_file() {
            Ok(Kind::Calibrate)
        } else if !dir.is_dir() {
            Err(Error::Usage(format!(
                "{}: no such folder; give a run, sweep, compare, explain, marginal, sensitivity or calibrate folder",
                dir.display()
            )))
        } else {
            Err(Error::Usage(format!(
                "{}: not a sweep (points.csv), run (summary.json), compare (compare.csv), explain (explain.json), marginal (marginal.json), sensitivity (sensitivity.json) or calibrate (calibrate.json) folder",
                dir.display()
            )))
        }
    }

    /// The kind's name, as messages and the report call it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sweep => "sweep",
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Explain => "explain",
            Kind::Marginal => "marginal",
            Kind::Sensitivity => "sensitivity",
            Kind::Calibrate => "calibrate",
        }
    }
}

/// A CSV file as text cells, header first.
#[derive(Debug, Clone, Default)]
pub struct Csv {
    /// The file it was read from.
    pub file: PathBuf,
    /// Column names of the header row.
    pub headers: Vec<String>,
    /// The data rows, cell by cell as written.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Reads `file`; a malformed file is an input error naming its line.
    pub fn read(file: &Path) -> Result<Csv> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let bad = |e: csv::Error| {
            Error::Input(InputError {
                file: file.to_path_buf(),
                line: e.position().map(|p| p.line() as usize),
                field: None,
                message: e.to_string(),
            })
        };
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice());
        let headers = r.headers().map_err(bad)?.iter().map(String::from).collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            rows.push(rec.map_err(bad)?.iter().map(String::from).collect());
        }
        Ok(Csv {
            file: file.to_path_buf(),
            headers,
            rows,
        })
    }

    /// Reads `file` when it exists.
    pub fn read_if_present(file: &Path) -> Result<Option<Csv>> {
        if file.is_file() {
            Csv::read(file).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Index of the column `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The cell of `row` in column `name` ("" when absent).
    pub fn get<'a>(&'a self, row: &'a [String], name: &str) -> &'a str {
        self.col(name)
            .and_then(|c| row.get(c))
            .map_or("", String::as_str)
    }

    /// The cell as a number, when it is one.
    pub fn num(&self, row: &[String], name: &str) -> Option<f64> {
        self.get(row, name)
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
    }
}

/// One table of a folder, as both `results.xlsx` (a sheet) and `report.html` (a table) show
/// it: a name, the column names of its file and text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet and section name (the file's stem).
    pub name: String,
    /// Column names, units included.
    pub headers: Vec<String>,
    /// The rows, cell by cell as the file writes them.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A CSV file's table under `name`.
    pub fn from_csv(name: &str, csv: Csv) -> Table {
        Table {
            name: name.to_string(),
            headers: csv.headers,
            rows: csv.rows,
        }
    }

    /// A JSON object's scalars as (figure, value) rows, nested keys joined with dots and
    /// arrays as comma-separated values; the keys in `skip` are left out.
    pub fn from_json(name: &str, v: &serde_json::Value, skip: &[&str]) -> Table {
        let mut rows = Vec::new();
        flatten_json("", v, skip, &mut rows);
        Table {
            name: name.to_string(),
            headers: vec!["figure".into(), "value".into()],
            rows,
        }
    }

    /// Index of the column `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

fn flatten_json(prefix: &str, v: &serde_json::Value, skip: &[&str], out: &mut Vec<Vec<String>>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if skip.contains(&k.as_str()) {
                    continue;
                }
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_json(&p, x, skip, out);
            }
        }
        Value::Array(a) => {
            let cells: Vec<String> = a
                .iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            out.push(vec![prefix.to_string(), cells.join(", ")]);
        }
        Value::String(s) => out.push(vec![prefix.to_string(), s.clone()]),
        Value::Null => out.push(vec![prefix.to_string(), String::new()]),
        other => out.push(vec![prefix.to_string(), other.to_string()]),
    }
}

/// The tables of an instrument folder (marginal, sensitivity, calibrate), in the order the
/// workbook's sheets and the report's tables show them; `None` for the other kinds.
pub fn instrument_tables(dir: &Path, kind: Kind) -> Result<Option<Vec<Table>>> {
    let csv = |name: &str, f: &str| Csv::read(&dir.join(f)).map(|c| Table::from_csv(name, c));
    let json = |name: &str, f: &str, skip: &[&str]| {
        read_json(&dir.join(f)).map(|v| Table::from_json(name, &v, skip))
    };
    Ok(Some(match kind {
        Kind::Marginal => vec![
            csv("marginal", "marginal.csv")?,
            csv("replications", "replications.csv")?,
            json("inputs", "marginal.json", &[])?,
        ],
        Kind::Sensitivity => vec![
            csv("sensitivity", "sensitivity.csv")?,
            json("inputs", "sensitivity.json", &[])?,
        ],
        Kind::Calibrate => vec![
            csv("fitted inputs", "calibrate.csv")?,
            csv("targets", "targets.csv")?,
            csv("evaluations", "evaluations.csv")?,
            json("inputs", "calibrate.json", &["fitted"])?,
        ],
        Kind::Run | Kind::Sweep | Kind::Compare | Kind::Explain => return Ok(None),
    }))
}

/// Reads a JSON file into a value; a syntax error names its line.
pub fn read_json(file: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Input(InputError {
            file: file.to_path_buf(),
            line: Some(e.line()),
            field: None,
            message: e.to_string(),
        })
    })
}

/// Where a cost activity (named as in the output files) comes in the order a parcel meets
/// them; names this build does not know come after all others.
pub fn activity_rank(name: &str) -> usize {
    crate::cost::Activity::ALL
        .iter()
        .position(|a| a.name() == name)
        .unwrap_or(crate::cost::N_ACTIVITIES)
}

/// Sorts cost activity names into the order a parcel meets them (stable: unknown names keep
/// their order, last).
pub fn journey_order<S: AsRef<str>>(names: &mut [S]) {
    names.sort_by_key(|n| activity_rank(n.as_ref()));
}

/// The question a scenario file asks: the first paragraph of the comment at its top.
pub fn question_of(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        let Some(c) = line.trim_start().strip_prefix('#') else {
            break;
        };
        let c = c.trim();
        if c.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(c);
    }
    lines.join(" ")
}

/// `inputs.json` of a run folder: the scenario file as given, the question its top comment
/// asks, the command that makes the folder again, and every input with its default (the
/// checked scenario). Nothing in it depends on the machine or the output folder.
pub fn write_inputs(
    dir: &Path,
    scenario_file: &Path,
    loaded: &crate::run::Loaded,
    seed: u64,
    trace: usize,
) -> Result<()> {
    let file = scenario_file.display().to_string();
    let mut command = format!("parcelsim run {file} --seed {seed}");
    if trace > 0 {
        command.push_str(&format!(" --trace {trace}"));
    }
    let v = serde_json::json!({
        "scenario_file": file,
        "scenario_sha256": loaded.sha256,
        "question": question_of(&loaded.source.text),
        "command": command,
        "scenario": loaded.scenario,
    });
    crate::files::write_atomic(&dir.join("inputs.json"), &crate::files::json_bytes(&v))
}

/// What to write after a folder's result files.
#[derive(Debug, Clone, Copy)]
pub struct Extras {
    /// Reference price drawn on the charts (yuan per parcel).
    pub price: f64,
    /// Draw the charts into `plots/`.
    pub plot: bool,
    /// Write `results.xlsx`.
    pub xlsx: bool,
}

/// Writes the charts (`plots/`), `results.xlsx` and `report.html` of a finished folder, in
/// that order; returns the paths written.
pub fn write_extras(dir: &Path, extras: &Extras) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    if extras.plot {
        written.extend(crate::plot::plot_dir(dir, extras.price)?);
    }
    if extras.xlsx {
        written.push(crate::workbook::write(dir)?);
    }
    written.push(crate::html::write(dir, extras.price)?);
    Ok(written)
}
