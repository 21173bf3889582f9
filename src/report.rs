//! Writing a run's folder: every file goes to a temporary name first and is renamed into
//! place, so an interrupted run never leaves a file that looks complete. `summary.json`
//! is written last.

use crate::cost::Activity;
use crate::error::{Error, Result};
use crate::files::{csv_bytes, json_bytes, write_atomic};
use crate::format::run_files::{CostRow, HistRow};
use crate::run::RunOutput;
use serde::Serialize;
use std::path::Path;

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
                activity: a.name().to_string(),
                total_yuan: per * n,
                yuan_per_parcel: per,
                share: if total > 0.0 { per * n / total } else { 0.0 },
            }
        })
        .collect();
    costs.push(CostRow {
        activity: "total".to_string(),
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
