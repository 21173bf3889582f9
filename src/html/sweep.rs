//! The page of a sweep folder: the design, each point's metrics with intervals, the charts.

use super::{Card, METRICS, Page, esc, scalar_text, text, with_ci};
use crate::error::Result;
use crate::folder::{Csv, read_json};
use crate::format::sweep::{POINT, RUNS_FAILED, RUNS_OK, Stat};
use serde_json::Value;
use std::path::Path;

pub(super) fn sweep_page(dir: &Path, page: &mut Page) -> Result<()> {
    let sj = read_json(&dir.join("sweep.json"))?;
    let points = Csv::read(&dir.join("points.csv"))?;
    let name = text(&sj, "name");
    page.h1(&format!("parcelsim sweep — {name}"));
    let params: Vec<String> = sj
        .get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|p| text(p, "path").to_string()).collect())
        .unwrap_or_default();
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "How do cost and service change with {} (base scenario {})? {} points × {} replications, {} design.",
            params.join(" and "),
            text(&sj, "base_scenario"),
            points.rows.len(),
            sj.get("replications").map(scalar_text).unwrap_or_default(),
            text(&sj, "design").to_lowercase()
        ),
    );
    if let Some(set) = sj
        .get("set")
        .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
    {
        page.h3("Set in every point");
        page.object_table(set, &[]);
    }

    page.h2("Headline figures");
    let ok: Vec<&Vec<String>> = points
        .rows
        .iter()
        .filter(|r| points.num(r, RUNS_OK).unwrap_or(0.0) > 0.0)
        .collect();
    let ci = |r: &Vec<String>, m: &str| {
        Some((
            points.num(r, &Stat::CiLow.of(m))?,
            points.num(r, &Stat::CiHigh.of(m))?,
        ))
    };
    let cost_mean = Stat::Mean.of("cost_per_parcel_yuan");
    let cheapest = ok.iter().min_by(|a, b| {
        let (x, y) = (
            points.num(a, &cost_mean).unwrap_or(f64::INFINITY),
            points.num(b, &cost_mean).unwrap_or(f64::INFINITY),
        );
        x.total_cmp(&y)
    });
    let dearest = ok.iter().max_by(|a, b| {
        let (x, y) = (
            points.num(a, &cost_mean).unwrap_or(f64::NEG_INFINITY),
            points.num(b, &cost_mean).unwrap_or(f64::NEG_INFINITY),
        );
        x.total_cmp(&y)
    });
    let at = |r: &Vec<String>| {
        params
            .iter()
            .map(|p| format!("{p} = {}", points.get(r, p)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut cards = Vec::new();
    if let Some(r) = cheapest {
        cards.push(Card::new(
            "cost_per_parcel_yuan",
            &format!("lowest cost per parcel ({})", at(r)),
            points.num(r, &cost_mean).unwrap_or(f64::NAN),
            ci(r, "cost_per_parcel_yuan"),
        ));
    }
    if let Some(r) = dearest {
        cards.push(Card::new(
            "cost_per_parcel_yuan",
            &format!("highest cost per parcel ({})", at(r)),
            points.num(r, &cost_mean).unwrap_or(f64::NAN),
            ci(r, "cost_per_parcel_yuan"),
        ));
    }
    page.cards(&cards);
    let failed: f64 = points
        .rows
        .iter()
        .filter_map(|r| points.num(r, RUNS_FAILED))
        .sum();
    if failed > 0.0 {
        page.p(
            "note",
            &format!("{failed} runs failed; their reasons are in runs.csv (column error)."),
        );
    }
    page.charts_here();

    page.h2("Sweep points");
    page.p(
        "note",
        "Mean over the successful replications, 95 % confidence interval below.",
    );
    let metrics: Vec<&(&str, &str)> = METRICS
        .iter()
        .filter(|m| points.col(&Stat::Mean.of(m.0)).is_some())
        .collect();
    let mut head: Vec<&str> = vec!["point"];
    head.extend(params.iter().map(String::as_str));
    head.push("runs ok");
    head.extend(metrics.iter().map(|m| m.1));
    let rows: Vec<Vec<String>> = points
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![esc(points.get(r, POINT))];
            row.extend(params.iter().map(|p| esc(points.get(r, p))));
            row.push(esc(points.get(r, RUNS_OK)));
            for m in &metrics {
                row.push(match points.num(r, &Stat::Mean.of(m.0)) {
                    Some(v) => with_ci(m.0, v, ci(r, m.0)),
                    None => "—".into(),
                });
            }
            row
        })
        .collect();
    let mut numeric = vec![true; head.len()];
    for n in numeric.iter_mut().skip(1).take(params.len()) {
        *n = false;
    }
    page.table(&head, &rows, &numeric);
    page.p(
        "note",
        "Every run is in runs.csv; every metric's mean, sd and interval in points.csv.",
    );

    let command = format!("parcelsim sweep {}", text(&sj, "sweep_file"));
    page.reproduce(
        &command,
        &[
            ("sweep file", text(&sj, "sweep_file").to_string()),
            ("base scenario", text(&sj, "base_scenario").to_string()),
            (
                "base seed",
                sj.get("base_seed").map(scalar_text).unwrap_or_default(),
            ),
            ("version", text(&sj, "version").to_string()),
            (
                "base scenario SHA-256",
                text(&sj, "base_scenario_sha256").to_string(),
            ),
        ],
    );
    Ok(())
}
