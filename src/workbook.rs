//! `results.xlsx`: the folder's tables ([`crate::folder::Table`], the model `report.html`
//! shares for the instruments' folders) as one workbook, for people who read results in a
//! spreadsheet. One sheet per table, numbers stored as numbers (shares formatted as
//! percentages, money with four decimals), the unit of each column in its header, the
//! header row frozen and columns as wide as their contents.
//!
//! Like `report.html` it is made from the folder's own files, and it is byte-identical
//! whenever they are: the workbook's creation date is fixed, not the time of writing.

use crate::error::{Error, Result};
use crate::folder::{Csv, Kind, Table, activity_rank, read_json};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Writes `DIR/results.xlsx`; returns its path.
pub fn write(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("results.xlsx");
    let bytes = build(dir).map_err(|e| match e {
        Built::Ours(e) => e,
        Built::Xlsx(e) => Error::Usage(format!("cannot write {}: {e}", path.display())),
    })?;
    crate::files::write_atomic(&path, &bytes)?;
    Ok(path)
}

enum Built {
    Ours(Error),
    Xlsx(rust_xlsxwriter::XlsxError),
}

impl From<Error> for Built {
    fn from(e: Error) -> Built {
        Built::Ours(e)
    }
}

impl From<rust_xlsxwriter::XlsxError> for Built {
    fn from(e: rust_xlsxwriter::XlsxError) -> Built {
        Built::Xlsx(e)
    }
}

fn build(dir: &Path) -> std::result::Result<Vec<u8>, Built> {
    let mut sheets = Vec::new();
    let csv = |f: &str| Csv::read(&dir.join(f));
    let kind = Kind::of(dir)?;
    if let Some(tables) = crate::folder::instrument_tables(dir, kind)? {
        sheets = tables;
    }
    match kind {
        Kind::Run => {
            let s = read_json(&dir.join("summary.json"))?;
            sheets.push(Table::from_json("summary", &s, &[]));
            let mut costs = csv("cost_breakdown.csv")?;
            let a = costs.col("activity").unwrap_or(0);
            costs
                .rows
                .sort_by_key(|r| match r.get(a).map(String::as_str) {
                    Some("total") => usize::MAX,
                    Some(x) => activity_rank(x),
                    None => usize::MAX,
                });
            sheets.push(Table::from_csv("cost by activity", costs));
            if let Some(parties) = s
                .get("accounts")
                .and_then(|a| a.get("parties"))
                .and_then(Value::as_object)
            {
                sheets.push(Table {
                    name: "parties".into(),
                    headers: [
                        "party",
                        "received_yuan",
                        "paid_yuan",
                        "resources_yuan",
                        "margin_yuan",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: parties
                        .iter()
                        .map(|(name, p)| {
                            let mut row = vec![name.clone()];
                            for k in ["received", "paid", "resources", "margin"] {
                                row.push(p.get(k).map_or(String::new(), |v| v.to_string()));
                            }
                            row
                        })
                        .collect(),
                });
            }
            sheets.push(Table::from_csv("nodes", csv("nodes.csv")?));
            sheets.push(Table::from_csv("lanes", csv("lanes.csv")?));
            if let Some(shops) = Csv::read_if_present(&dir.join("shop.csv"))? {
                sheets.push(Table::from_csv("shops", shops));
            }
            sheets.push(Table::from_csv(
                "transit histogram",
                csv("transit_histogram.csv")?,
            ));
        }
        Kind::Sweep => {
            sheets.push(Table::from_csv("points", csv("points.csv")?));
            sheets.push(Table::from_csv("runs", csv("runs.csv")?));
            let sj = read_json(&dir.join("sweep.json"))?;
            sheets.push(Table::from_json("sweep", &sj, &["points", "metrics"]));
        }
        Kind::Compare => {
            sheets.push(Table::from_csv("compare", csv("compare.csv")?));
        }
        Kind::Explain => {
            sheets.push(Table::from_csv("explain", csv("explain.csv")?));
            sheets.push(Table::from_csv("subsets", csv("subsets.csv")?));
        }
        Kind::Marginal | Kind::Sensitivity | Kind::Calibrate => {}
    }

    let mut wb = Workbook::new();
    // A fixed creation date, so that the same results give the same bytes.
    wb.set_properties(
        &DocProperties::new()
            .set_title("parcelsim results")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    for sheet in &sheets {
        let ws = wb.add_worksheet();
        fill(ws, sheet)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// How a column's numbers are shown, from its name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Yuan,
    Share,
    Hours,
    Km,
    Count,
    Plain,
}

fn unit_of(name: &str) -> Unit {
    let n = name
        .trim_end_matches("_mean")
        .trim_end_matches("_sd")
        .trim_end_matches("_ci_low")
        .trim_end_matches("_ci_high");
    if n.ends_with("_rate") || n.ends_with("share") || n.ends_with("utilisation") {
        Unit::Share
    } else if n.contains("yuan")
        || n.ends_with("_margin")
        || n.ends_with("_cost")
        || n.ends_with("_fee")
        || n.ends_with("price")
        || n.ends_with("_per_order")
        || n == "shapley"
    {
        Unit::Yuan
    } else if n.contains("hours") {
        Unit::Hours
    } else if n.ends_with("_km") || n.contains("_km_") {
        Unit::Km
    } else if n.contains("parcels")
        || n.starts_with("orders")
        || n.ends_with("departures")
        || n.ends_with("vehicles_sent")
        || n.ends_with("max_queue")
    {
        Unit::Count
    } else {
        Unit::Plain
    }
}

/// The header of a column: its name with the unit, e.g. `fill_rate (share, shown as %)`.
fn header(name: &str) -> String {
    let unit = match unit_of(name) {
        Unit::Yuan if !name.contains("yuan") => " (yuan)",
        Unit::Share => " (share, shown as %)",
        Unit::Hours if !name.ends_with("_h") => " (h)",
        Unit::Km if !name.contains("km") => " (km)",
        Unit::Count if !name.contains("parcels") => " (count)",
        _ => "",
    };
    format!("{name}{unit}")
}

fn fill(ws: &mut Worksheet, sheet: &Table) -> std::result::Result<(), Built> {
    ws.set_name(&sheet.name)?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let formats = |u: Unit| match u {
        Unit::Yuan => Format::new().set_num_format("#,##0.0000"),
        Unit::Share => Format::new().set_num_format("0.00%"),
        Unit::Hours | Unit::Km => Format::new().set_num_format("#,##0.0"),
        Unit::Count => Format::new().set_num_format("#,##0"),
        Unit::Plain => Format::new().set_num_format("General"),
    };
    let mut width: Vec<usize> = Vec::with_capacity(sheet.headers.len());
    for (c, h) in sheet.headers.iter().enumerate() {
        let text = header(h);
        width.push(text.chars().count());
        ws.write_string_with_format(0, col(c), &text, &bold)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        // A JSON sheet's unit comes from the figure's name in its first column.
        let row_unit = (sheet.headers.first().map(String::as_str) == Some("figure"))
            .then(|| unit_of(row.first().map_or("", String::as_str)));
        for (c, cell) in row.iter().enumerate() {
            let unit = row_unit
                .unwrap_or_else(|| unit_of(sheet.headers.get(c).map_or("", String::as_str)));
            let shown = match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && !cell.is_empty() => {
                    let f = formats(unit);
                    ws.write_number_with_format(r, col(c), v, &f)?;
                    shown_width(unit, v)
                }
                _ => {
                    ws.write_string(r, col(c), cell)?;
                    cell.chars().count()
                }
            };
            if c >= width.len() {
                width.resize(c + 1, 0);
            }
            width[c] = width[c].max(shown);
        }
    }
    for (c, w) in width.iter().enumerate() {
        ws.set_column_width(col(c), (*w as f64 + 2.0).clamp(6.0, 70.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Characters a number takes as formatted.
fn shown_width(unit: Unit, v: f64) -> usize {
    let digits = format!("{:.0}", v.abs()).len();
    let groups = (digits.saturating_sub(1)) / 3;
    match unit {
        Unit::Yuan => digits + groups + 5,
        Unit::Share => format!("{:.2}", v * 100.0).len() + 1,
        Unit::Hours | Unit::Km => digits + groups + 2,
        Unit::Count => digits + groups,
        Unit::Plain => v.to_string().len().min(18),
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}
