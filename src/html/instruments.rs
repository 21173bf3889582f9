//! The pages of the instruments' folders (marginal, sensitivity, calibrate): the question,
//! headline figures with their intervals, the main table, the chart, the folder's other
//! tables (the [`Table`]s `results.xlsx` holds too) and how to make the folder again.

use super::{Card, Page, esc, fmt_value, num, scalar_text, text, with_ci, with_ci_as};
use crate::error::Result;
use crate::folder::{Csv, Kind, Table, instrument_tables, read_json};
use serde_json::Value;
use std::path::Path;

/// Rows of a folder's other tables shown on the page; every row is in the CSV file and in
/// `results.xlsx`.
const ROWS_SHOWN: usize = 40;

/// Fills `page` for an instrument folder; false for the other kinds.
pub(super) fn page(dir: &Path, kind: Kind, page: &mut Page) -> Result<bool> {
    match kind {
        Kind::Marginal => marginal(dir, page)?,
        Kind::Sensitivity => sensitivity(dir, page)?,
        Kind::Calibrate => calibrate(dir, page)?,
        Kind::Run | Kind::Sweep | Kind::Compare | Kind::Explain => return Ok(false),
    }
    Ok(true)
}

/// The interval of `mean` from two columns of a CSV row, when both are numbers.
fn ci(t: &Csv, r: &[String], lo: &str, hi: &str) -> Option<(f64, f64)> {
    Some((t.num(r, lo)?, t.num(r, hi)?))
}

/// A shared table shown as it is in the workbook: its columns in file order, numbers with
/// their units, at most [`ROWS_SHOWN`] rows.
fn plain_table(page: &mut Page, t: &Table, file: &str) {
    page.h3(&format!("{} ({file})", t.name));
    let numeric: Vec<bool> = (0..t.headers.len())
        .map(|c| {
            t.rows
                .iter()
                .any(|r| r.get(c).is_some_and(|x| x.parse::<f64>().is_ok()))
        })
        .collect();
    // A (figure, value) table takes each value's unit from its figure's name.
    let by_row = t.headers.first().map(String::as_str) == Some("figure");
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .take(ROWS_SHOWN)
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(c, cell)| {
                    let key = if by_row {
                        r.first().map_or("", String::as_str)
                    } else {
                        t.headers.get(c).map_or("", String::as_str)
                    };
                    match cell.parse::<f64>() {
                        Ok(v) if v.is_finite() && !(by_row && c == 0) => fmt_value(key, v),
                        _ => esc(cell),
                    }
                })
                .collect()
        })
        .collect();
    let head: Vec<String> = t.headers.iter().map(|h| h.replace('_', " ")).collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    page.table(&head, &rows, &numeric);
    if t.rows.len() > ROWS_SHOWN {
        page.p(
            "note",
            &format!(
                "The first {ROWS_SHOWN} of {} rows; every row is in {file} and results.xlsx.",
                t.rows.len()
            ),
        );
    }
}

/// The folder's tables after the first `shown` (which the page shows in its own way), under
/// one heading; `files` names the file of each table.
fn other_tables(
    page: &mut Page,
    dir: &Path,
    kind: Kind,
    files: &[&str],
    shown: usize,
) -> Result<()> {
    let tables = instrument_tables(dir, kind)?.unwrap_or_default();
    page.h2("The folder's tables");
    for (t, f) in tables.iter().zip(files).skip(shown) {
        plain_table(page, t, f);
    }
    Ok(())
}

/// An input's value without the noise of binary fractions: at most 9 significant digits.
fn short(v: f64) -> String {
    let s = format!("{v:.9e}");
    let v: f64 = s.parse().unwrap_or(v);
    v.to_string().replace('-', "−")
}

fn seeds_line(v: &Value) -> String {
    v.get("seeds")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(scalar_text).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn marginal(dir: &Path, page: &mut Page) -> Result<()> {
    let j = read_json(&dir.join("marginal.json"))?;
    let t = Csv::read(&dir.join("marginal.csv"))?;
    let step = num(&j, "volume_step").unwrap_or(f64::NAN);
    let daily = num(&j, "daily_parcels").unwrap_or(f64::NAN);
    page.h1(&format!("parcelsim marginal — {}", text(&j, "scenario")));
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "What does one more parcel cost at {} parcels a day? Each of {} replications is a pair of runs with the same seed on the same network: the scenario, and the scenario with {} % more orders on top (the same orders plus extra ones). The marginal cost is the change in resources over the change in parcels delivered; the average is the base run's cost per parcel.",
            fmt_value("parcels", daily),
            j.get("replications").map(scalar_text).unwrap_or_default(),
            step * 100.0
        ),
    );
    page.h2("Headline figures");
    let total = t.rows.iter().find(|r| t.get(r, "scope") == "total");
    if let Some(r) = total {
        page.cards(&[
            Card::new(
                "average_cost_yuan",
                "average cost per parcel (resources)",
                t.num(r, "average_yuan").unwrap_or(f64::NAN),
                ci(&t, r, "average_ci_low", "average_ci_high"),
            ),
            Card::new(
                "marginal_cost_yuan",
                "marginal cost per extra parcel",
                t.num(r, "marginal_yuan").unwrap_or(f64::NAN),
                ci(&t, r, "marginal_ci_low", "marginal_ci_high"),
            ),
        ]);
    }
    page.charts_here();
    page.h2("Average and marginal cost, line by line");
    page.p(
        "note",
        "Yuan per parcel: the average per delivered parcel of the base run, the marginal per extra delivered parcel; 95 % confidence interval below. Party margins include the transfers between parties.",
    );
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let (scope, item) = (t.get(r, "scope"), t.get(r, "item"));
            let key = |what: &str| format!("{scope}.{item}.{what}_yuan");
            vec![
                esc(&scope.replace('_', " ")),
                esc(&item.replace('_', " ")),
                with_ci(
                    &key("average"),
                    t.num(r, "average_yuan").unwrap_or(f64::NAN),
                    ci(&t, r, "average_ci_low", "average_ci_high"),
                ),
                with_ci(
                    &key("marginal"),
                    t.num(r, "marginal_yuan").unwrap_or(f64::NAN),
                    ci(&t, r, "marginal_ci_low", "marginal_ci_high"),
                ),
            ]
        })
        .collect();
    page.table(
        &["scope", "item", "average", "marginal"],
        &rows,
        &[false, false, true, true],
    );
    other_tables(
        page,
        dir,
        Kind::Marginal,
        &["marginal.csv", "replications.csv", "marginal.json"],
        1,
    )?;
    let file = text(&j, "scenario_file");
    page.reproduce(
        &format!(
            "parcelsim marginal {file} --volume-step {step} --replications {} --seed {}",
            j.get("replications").map(scalar_text).unwrap_or_default(),
            j.get("base_seed").map(scalar_text).unwrap_or_default()
        ),
        &[
            ("scenario file", file.to_string()),
            ("seeds", seeds_line(&j)),
            ("version", text(&j, "version").to_string()),
            ("scenario SHA-256", text(&j, "scenario_sha256").to_string()),
        ],
    );
    Ok(())
}

fn sensitivity(dir: &Path, page: &mut Page) -> Result<()> {
    let j = read_json(&dir.join("sensitivity.json"))?;
    let t = Csv::read(&dir.join("sensitivity.csv"))?;
    let metric = text(&j, "metric").to_string();
    let range = num(&j, "range").unwrap_or(f64::NAN);
    let trajectories = num(&j, "trajectories").unwrap_or(0.0);
    page.h1(&format!(
        "parcelsim sensitivity — {}: {}",
        text(&j, "scenario"),
        metric.replace('_', " ")
    ));
    page.h2("The question");
    let mut morris = if trajectories > 0.0 {
        format!(
            " Morris screening: {trajectories} one-at-a-time trajectories over the same box; μ* (mean absolute elementary effect, in metric units per whole range) ranks inputs whatever the others are, σ says how much the effect depends on them."
        )
    } else {
        String::new()
    };
    if let Some(rows) = num(&j, "sobol_rows").filter(|&r| r > 0.0) {
        morris.push_str(&format!(
            " Sobol' indices from {rows} rows of a Saltelli design (two Latin hypercubes over the box): the share of the metric's variance each input explains alone (first order) and with its interactions (total), with bootstrap intervals."
        ));
    }
    page.p(
        "lead",
        &format!(
            "Which inputs move {}? Each of {} inputs is set {} % below and above its value, the others as they are, with the same {} replication seeds as the base (common random numbers); the swing is the high end's value less the low end's, paired replication by replication.{morris}",
            metric.replace('_', " "),
            t.rows.len(),
            range * 100.0,
            j.get("replications").map(scalar_text).unwrap_or_default(),
        ),
    );
    page.h2("Headline figures");
    let mut cards = vec![Card::new(
        &metric,
        &format!("{} at base", metric.replace('_', " ")),
        num(&j, "metric_base").unwrap_or(f64::NAN),
        None,
    )];
    if let Some(r) = t.rows.first() {
        cards.push(Card::new(
            &metric,
            &format!("largest swing: {}", t.get(r, "input")),
            t.num(r, "swing").unwrap_or(f64::NAN),
            ci(&t, r, "swing_ci_low", "swing_ci_high"),
        ));
    }
    page.cards(&cards);
    page.charts_here();
    let sobol_rows = num(&j, "sobol_rows").unwrap_or(0.0);
    let sobol = sobol_rows > 0.0;
    page.h2("Inputs ranked by swing");
    page.p(
        "note",
        "Swing and Morris μ* in the metric's units, 95 % confidence interval below; elasticity: the swing relative to the base value over the input's relative change.",
    );
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let input = t.get(r, "input");
            let n = |c: &str| t.num(r, c).unwrap_or(f64::NAN);
            let plain = |c: &str| t.num(r, c).map_or("—".into(), short);
            let mut row = vec![
                esc(t.get(r, "rank")),
                esc(input),
                plain("base"),
                plain("low"),
                plain("high"),
                with_ci_as(
                    &format!("swing.{input}"),
                    &metric,
                    n("swing"),
                    ci(&t, r, "swing_ci_low", "swing_ci_high"),
                ),
                format!("{:.4}", n("elasticity")).replace('-', "−"),
                match t.num(r, "morris_mu_star") {
                    Some(m) => with_ci_as(
                        &format!("mu_star.{input}"),
                        &metric,
                        m,
                        ci(&t, r, "morris_mu_star_ci_low", "morris_mu_star_ci_high"),
                    ),
                    None => "—".into(),
                },
                match t.num(r, "morris_sigma") {
                    Some(s) => fmt_value(&metric, s),
                    None => "—".into(),
                },
            ];
            if sobol {
                for (what, col) in [("first", "sobol_first"), ("total", "sobol_total")] {
                    row.push(match t.num(r, col) {
                        Some(v) => with_ci_as(
                            &format!("sobol_{what}.{input}"),
                            "index",
                            v,
                            ci(&t, r, &format!("{col}_ci_low"), &format!("{col}_ci_high")),
                        ),
                        None => "—".into(),
                    });
                }
            }
            row
        })
        .collect();
    let mut head = vec![
        "rank",
        "input",
        "base",
        "low",
        "high",
        "swing (high − low)",
        "elasticity",
        "Morris μ*",
        "Morris σ",
    ];
    if sobol {
        head.extend(["Sobol' first order", "Sobol' total"]);
    }
    let mut numeric = vec![true; head.len()];
    numeric[1] = false;
    page.table(&head, &rows, &numeric);
    other_tables(
        page,
        dir,
        Kind::Sensitivity,
        &["sensitivity.csv", "sensitivity.json"],
        1,
    )?;
    let file = text(&j, "scenario_file");
    let inputs: Vec<String> = j
        .get("inputs")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(scalar_text).collect())
        .unwrap_or_default();
    page.reproduce(
        &format!(
            "parcelsim sensitivity {file} --inputs {} --range {range} --metric {metric} --trajectories {trajectories} --sobol {sobol_rows} --replications {} --seed {}",
            inputs.join(" "),
            j.get("replications").map(scalar_text).unwrap_or_default(),
            j.get("base_seed").map(scalar_text).unwrap_or_default()
        ),
        &[
            ("scenario file", file.to_string()),
            ("version", text(&j, "version").to_string()),
            ("scenario SHA-256", text(&j, "scenario_sha256").to_string()),
        ],
    );
    Ok(())
}

fn calibrate(dir: &Path, page: &mut Page) -> Result<()> {
    let j = read_json(&dir.join("calibrate.json"))?;
    let fitted = Csv::read(&dir.join("calibrate.csv"))?;
    let targets = Csv::read(&dir.join("targets.csv"))?;
    page.h1(&format!("parcelsim calibrate — {}", text(&j, "scenario")));
    page.h2("The question");
    let tf = j.get("targets").cloned().unwrap_or(Value::Null);
    page.p(
        "lead",
        &format!(
            "Which values of the {} free inputs make the model meet the {} observed targets of {}? Nelder–Mead minimised Σ z², z = (simulated mean − target) / sd, over runs with the same {} seeds at every evaluation; each input's 95 % interval comes from the Gauss–Newton covariance at the fit.",
            fitted.rows.len(),
            targets.rows.len(),
            text(&j, "targets_file"),
            tf.get("replications").map(scalar_text).unwrap_or_default(),
        ),
    );
    page.h2("Headline figures");
    page.cards(&[
        Card::new(
            "misfit",
            "misfit Σ z² at the fit",
            num(&j, "misfit").unwrap_or(f64::NAN),
            None,
        ),
        Card::new(
            "evaluations_count",
            if j.get("converged").and_then(Value::as_bool) == Some(true) {
                "evaluations (converged)"
            } else {
                "evaluations (budget spent before the tolerance)"
            },
            num(&j, "evaluations").unwrap_or(f64::NAN),
            None,
        ),
    ]);
    page.charts_here();
    page.h2("Fitted inputs");
    let rows: Vec<Vec<String>> = fitted
        .rows
        .iter()
        .map(|r| {
            let path = fitted.get(r, "path");
            let n = |c: &str| fitted.num(r, c).map_or("—".into(), short);
            let value = fitted.num(r, "value").unwrap_or(f64::NAN);
            let interval = match ci(&fitted, r, "ci_low", "ci_high") {
                Some((lo, hi)) => format!("[{lo:.6}, {hi:.6}]"),
                None => "not identified".into(),
            };
            vec![
                esc(path),
                n("min"),
                n("max"),
                n("start"),
                format!(
                    "<span data-key=\"fitted.{}\" data-value=\"{value}\">{value:.6}</span>",
                    esc(path)
                ),
                interval,
            ]
        })
        .collect();
    page.table(
        &["input", "min", "max", "start", "fitted", "95 % interval"],
        &rows,
        &[false, true, true, true, true, true],
    );
    page.h2("Targets at the fit");
    let rows: Vec<Vec<String>> = targets
        .rows
        .iter()
        .map(|r| {
            let m = targets.get(r, "metric");
            let n = |c: &str| targets.num(r, c).unwrap_or(f64::NAN);
            vec![
                esc(m),
                fmt_value(m, n("target")),
                fmt_value(m, n("target_sd")),
                with_ci_as(
                    &format!("target.{m}"),
                    m,
                    n("fitted"),
                    ci(&targets, r, "fitted_ci_low", "fitted_ci_high"),
                ),
                format!("{:.3}", n("z")).replace('-', "−"),
            ]
        })
        .collect();
    page.table(
        &["target", "observed", "sd", "simulated at the fit", "z"],
        &rows,
        &[false, true, true, true, true],
    );
    other_tables(
        page,
        dir,
        Kind::Calibrate,
        &[
            "calibrate.csv",
            "targets.csv",
            "evaluations.csv",
            "calibrate.json",
        ],
        2,
    )?;
    let (file, tfile) = (text(&j, "scenario_file"), text(&j, "targets_file"));
    page.reproduce(
        &format!("parcelsim calibrate {file} {tfile}"),
        &[
            ("scenario file", file.to_string()),
            ("targets file", tfile.to_string()),
            ("seeds", seeds_line(&j)),
            ("version", text(&j, "version").to_string()),
            ("scenario SHA-256", text(&j, "scenario_sha256").to_string()),
        ],
    );
    Ok(())
}
