//! Writing a run's folder: every file goes to a temporary name first and is renamed into
//! place, so an interrupted run never leaves a file that looks complete. `summary.json`
//! is written last.

use crate::cost::Activity;
use crate::error::{Error, Result};
use crate::run::RunOutput;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let io = |e| Error::io(path, e);
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// Serialises rows as CSV (header from the struct's fields).
pub fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))
}

pub fn json_bytes<T: Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s.into_bytes()
}

/// Picks the folder of a run or sweep: `--out DIR` (refused when non-empty unless
/// `force`), or the next free `output/<name>/<kind>-NNN`.
pub fn fresh_dir(out: Option<&Path>, force: bool, name: &str, kind: &str) -> Result<PathBuf> {
    match out {
        Some(dir) => {
            if dir.exists() {
                let non_empty = std::fs::read_dir(dir)
                    .map_err(|e| Error::io(dir, e))?
                    .next()
                    .is_some();
                if non_empty && !force {
                    return Err(Error::Usage(format!(
                        "{}: folder exists and is not empty; pass --force to write into it",
                        dir.display()
                    )));
                }
                if non_empty {
                    empty_output_dir(dir)?;
                }
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            Ok(dir.to_path_buf())
        }
        None => {
            let base = Path::new("output").join(name);
            std::fs::create_dir_all(&base).map_err(|e| Error::io(&base, e))?;
            for n in 1.. {
                let dir = base.join(format!("{kind}-{n:03}"));
                // create_dir fails if it exists, so two runs never share a folder.
                match std::fs::create_dir(&dir) {
                    Ok(()) => return Ok(dir),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(Error::io(&dir, e)),
                }
            }
            unreachable!()
        }
    }
}

/// Files one of parcelsim's folders (run, sweep, compare, explain, instruments) always holds.
const OUTPUT_MARKERS: &[&str] = &[
    "summary.json",
    "run_info.json",
    "sweep.json",
    "runs.csv",
    "compare.json",
    "explain.json",
    "marginal.json",
    "sensitivity.json",
    "calibrate.json",
];

/// Whether `dir` holds one of parcelsim's output files: only such a folder is emptied or
/// replaced by `--force`, so that a mistyped `--out` never wipes other files.
fn looks_like_output(dir: &Path) -> bool {
    OUTPUT_MARKERS.iter().any(|f| dir.join(f).exists())
}

/// Removes everything inside an output folder (`--force`), so that no old file survives
/// beside the new ones.
fn empty_output_dir(dir: &Path) -> Result<()> {
    if !looks_like_output(dir) {
        return Err(Error::Usage(format!(
            "{}: folder is not empty and holds no parcelsim output; --force only replaces \
             parcelsim output folders, choose another --out",
            dir.display()
        )));
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = entry.map_err(|e| Error::io(dir, e))?.path();
        let r = if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        r.map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// A fresh, empty folder beside `target` to write a run into before it replaces `target`
/// (see [`replace_dir`]). `target` must be absent, empty, or a parcelsim output folder.
pub fn staging_dir(target: &Path) -> Result<PathBuf> {
    if target.exists() {
        if !target.is_dir() {
            return Err(Error::Usage(format!(
                "{}: exists and is not a folder",
                target.display()
            )));
        }
        let non_empty = std::fs::read_dir(target)
            .map_err(|e| Error::io(target, e))?
            .next()
            .is_some();
        if non_empty && !looks_like_output(target) {
            return Err(Error::Usage(format!(
                "{}: folder is not empty and holds no parcelsim output; --force only replaces \
                 parcelsim output folders, choose another --out",
                target.display()
            )));
        }
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "run".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    Ok(tmp)
}

/// Puts the complete folder `staged` in the place of `target`: the old folder is moved
/// aside, the new one renamed into place, then the old one removed.
pub fn replace_dir(staged: &Path, target: &Path) -> Result<()> {
    if target.exists() {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "run".into());
        let old = target.with_file_name(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        std::fs::rename(staged, target).map_err(|e| Error::io(target, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))
    } else {
        std::fs::rename(staged, target).map_err(|e| Error::io(target, e))
    }
}

#[derive(Serialize)]
struct CostRow {
    activity: &'static str,
    total_yuan: f64,
    yuan_per_parcel: f64,
    share: f64,
}

#[derive(Serialize)]
struct HistRow {
    transit_hours_from: f64,
    parcels: u64,
}

/// Writes every file of a run into `dir`.
pub fn write_run(dir: &Path, out: &RunOutput) -> Result<()> {
    let s = &out.summary;
    let n = s.measured_parcels_delivered.max(1) as f64;
    let total: f64 = s.cost_per_parcel_yuan * n;
    let mut costs: Vec<CostRow> = Activity::ALL
        .iter()
        .map(|a| {
            let per = s.cost_by_activity[a.name()];
            CostRow {
                activity: a.name(),
                total_yuan: per * n,
                yuan_per_parcel: per,
                share: if total > 0.0 { per * n / total } else { 0.0 },
            }
        })
        .collect();
    costs.push(CostRow {
        activity: "total",
        total_yuan: total,
        yuan_per_parcel: s.cost_per_parcel_yuan,
        share: if total > 0.0 { 1.0 } else { 0.0 },
    });
    write_atomic(&dir.join("cost_breakdown.csv"), &csv_bytes(&costs)?)?;
    write_atomic(&dir.join("nodes.csv"), &csv_bytes(&out.nodes)?)?;
    write_atomic(&dir.join("lanes.csv"), &csv_bytes(&out.lanes)?)?;
    if !out.shops.is_empty() {
        write_atomic(&dir.join("shop.csv"), &csv_bytes(&out.shops)?)?;
    }
    let hist: Vec<HistRow> = out
        .transit_bins
        .iter()
        .map(|&(h, c)| HistRow {
            transit_hours_from: (h * 10.0).round() / 10.0,
            parcels: c,
        })
        .collect();
    write_atomic(&dir.join("transit_histogram.csv"), &csv_bytes(&hist)?)?;
    if !out.traces.is_empty() {
        write_atomic(&dir.join("parcels.csv"), &traces_csv(out)?)?;
        write_atomic(&dir.join("tracking.csv"), &tracking_csv(out)?)?;
    }
    write_atomic(&dir.join("run_info.json"), &json_bytes(&out.info))?;
    write_atomic(&dir.join("summary.json"), &json_bytes(&out.summary))
}

#[derive(Serialize)]
struct Scan<'a> {
    parcel: u64,
    time: String,
    hours: f64,
    event: &'a str,
    location: &'a str,
}

/// The traced parcels' scans, one row each in time order per parcel: the tracking log a
/// customer-service team reads.
fn tracking_csv(out: &RunOutput) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for t in &out.traces {
        let mut steps: Vec<&(crate::engine::SimTime, &'static str, String)> =
            t.steps.iter().collect();
        // Steps are recorded when decided; some (a sort's end) lie ahead of later records.
        steps.sort_by_key(|s| s.0);
        for (time, what, at) in steps {
            rows.push(Scan {
                parcel: t.serial,
                time: time.to_string(),
                hours: (time.hours() * 1000.0).round() / 1000.0,
                event: what,
                location: at,
            });
        }
    }
    csv_bytes(&rows)
}

fn traces_csv(out: &RunOutput) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "parcel",
        "origin",
        "destination",
        "weight_kg",
        "status",
        "transit_hours",
        "route",
        "steps",
        "cost_total_yuan",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(
        Activity::ALL
            .iter()
            .map(|a| format!("cost_{}_yuan", a.name())),
    );
    let err = |e: csv::Error| Error::Usage(format!("cannot write CSV: {e}"));
    w.write_record(&header).map_err(err)?;
    for t in &out.traces {
        let mut route: Vec<&str> = vec![&out.node_ids[t.origin as usize]];
        for (_, what, at) in &t.steps {
            if *what == "arrived" || *what == "at_delivery_outlet" {
                route.push(at);
            }
        }
        let steps: Vec<String> = t
            .steps
            .iter()
            .map(|(time, what, at)| {
                if at.is_empty() {
                    format!("{time} {what}")
                } else {
                    format!("{time} {what} {at}")
                }
            })
            .collect();
        let picked = t.steps.iter().find(|s| s.1 == "picked_up").map(|s| s.0);
        let signed = t.steps.iter().find(|s| s.1 == "signed").map(|s| s.0);
        let transit = match (picked, signed) {
            (Some(p), Some(s)) => format!("{:.3}", (s - p).hours()),
            _ => String::new(),
        };
        let mut row = vec![
            t.serial.to_string(),
            out.node_ids[t.origin as usize].clone(),
            out.node_ids[t.dest as usize].clone(),
            format!("{:.3}", t.weight_kg),
            if t.cost.is_some() {
                "delivered"
            } else {
                "in_flight"
            }
            .to_string(),
            transit,
            route.join(">"),
            steps.join("; "),
        ];
        match &t.cost {
            Some(c) => {
                row.push(format!("{:.6}", c.total().yuan()));
                row.extend(
                    Activity::ALL
                        .iter()
                        .map(|a| format!("{:.6}", c.get(*a).yuan())),
                );
            }
            None => row.extend((0..=Activity::ALL.len()).map(|_| String::new())),
        }
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("cannot write CSV: {e}")))
}
