//! The pages of compare and explain folders.

use super::{Card, Page, esc, fmt_value, num, scalar_text, text, with_ci};
use crate::error::Result;
use crate::files::read_rows;
use crate::folder::read_json;
use crate::format::compare::CompareRow;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

pub(super) fn labels_and_files(inputs: &[Value]) -> (Vec<String>, Vec<String>) {
    (
        inputs
            .iter()
            .map(|i| text(i, "label").to_string())
            .collect(),
        inputs.iter().map(|i| text(i, "file").to_string()).collect(),
    )
}

pub(super) fn compare_page(dir: &Path, page: &mut Page) -> Result<()> {
    let cj = read_json(&dir.join("compare.json"))?;
    let t: Vec<CompareRow> = read_rows(&dir.join("compare.csv"))?;
    let inputs = cj
        .get("scenarios")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (labels, files) = labels_and_files(&inputs);
    page.h1(&format!("parcelsim compare — {}", labels.join(" vs ")));
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "How do {} differ from {}, run with the same random numbers ({} replications each)? Differences are paired replication by replication.",
            labels.get(1..).map(|l| l.join(", ")).unwrap_or_default(),
            labels.first().cloned().unwrap_or_default(),
            cj.get("replications").map(scalar_text).unwrap_or_default()
        ),
    );
    let find =
        |label: &str, metric: &str| t.iter().find(|r| r.scenario == label && r.metric == metric);

    page.h2("Headline figures");
    let cards: Vec<Card> = labels
        .iter()
        .filter_map(|l| {
            let r = find(l, "cost_per_parcel_yuan")?;
            Some(Card::new(
                "cost_per_parcel_yuan",
                &format!("cost per parcel — {l}"),
                finite(Some(r.mean))?,
                pair(r.ci_low, r.ci_high),
            ))
        })
        .collect();
    page.cards(&cards);
    page.charts_here();

    page.h2("Every scenario against the first");
    page.p(
        "note",
        "Mean with its 95 % confidence interval; the difference to the first scenario is paired (same seeds), in bold where its interval excludes zero.",
    );
    let metrics: Vec<String> = {
        let mut m: Vec<String> = Vec::new();
        for r in &t {
            if !m.contains(&r.metric) {
                m.push(r.metric.clone());
            }
        }
        m
    };
    let mut head: Vec<String> = vec!["metric".into()];
    for (i, l) in labels.iter().enumerate() {
        head.push(l.clone());
        if i > 0 {
            head.push(format!("{l} − {}", labels[0]));
        }
    }
    let rows: Vec<Vec<String>> = metrics
        .iter()
        .map(|m| {
            let mut row = vec![esc(&m.replace('_', " "))];
            for (i, l) in labels.iter().enumerate() {
                let r = find(l, m);
                row.push(match r.and_then(|r| Some((r, finite(Some(r.mean))?))) {
                    Some((r, v)) => with_ci(m, v, pair(r.ci_low, r.ci_high)),
                    None => "—".into(),
                });
                if i > 0 {
                    row.push(match r.and_then(|r| Some((r, finite(r.diff_vs_first)?))) {
                        Some((r, d)) => {
                            let ci = pair(r.diff_ci_low, r.diff_ci_high);
                            let cell = with_ci(m, d, ci);
                            if ci.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0) {
                                format!("<b>{cell}</b>")
                            } else {
                                cell
                            }
                        }
                        None => "—".into(),
                    });
                }
            }
            row
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut numeric = vec![true; head.len()];
    numeric[0] = false;
    page.table(&head, &rows, &numeric);

    let mut command = String::from("parcelsim compare");
    for f in &files {
        command.push(' ');
        command.push_str(f);
    }
    let _ = write!(
        command,
        " --replications {} --seed {}",
        cj.get("replications").map(scalar_text).unwrap_or_default(),
        cj.get("base_seed").map(scalar_text).unwrap_or_default()
    );
    let mut facts: Vec<(&str, String)> = vec![
        ("version", text(&cj, "version").to_string()),
        (
            "base seed",
            cj.get("base_seed").map(scalar_text).unwrap_or_default(),
        ),
    ];
    for i in &inputs {
        facts.push((
            "scenario SHA-256",
            format!("{}  {}", text(i, "sha256"), text(i, "file")),
        ));
    }
    page.reproduce(&command, &facts);
    Ok(())
}

pub(super) fn explain_page(dir: &Path, page: &mut Page) -> Result<()> {
    let e = read_json(&dir.join("explain.json"))?;
    let metric = text(&e, "metric").to_string();
    let from = e.get("from").cloned().unwrap_or(Value::Null);
    let to = e.get("to").cloned().unwrap_or(Value::Null);
    page.h1(&format!(
        "parcelsim explain — {} from {} to {}",
        metric,
        text(&from, "label"),
        text(&to, "label")
    ));
    page.h2("The question");
    page.p(
        "lead",
        &format!(
            "Why does {} change from {} to {}? Each section of the scenario that differs is a lever; its Shapley value is its average effect over every order of switching the levers from FROM to TO. The values add up to the whole change.",
            metric.replace('_', " "),
            text(&from, "label"),
            text(&to, "label")
        ),
    );
    page.h2("Headline figures");
    let v = |k: &str| num(&e, k).unwrap_or(f64::NAN);
    page.cards(&[
        Card::new(
            &metric,
            &format!("FROM: {}", text(&from, "label")),
            v("from_value"),
            None,
        ),
        Card::new(
            &metric,
            &format!("TO: {}", text(&to, "label")),
            v("to_value"),
            None,
        ),
        Card::new(&metric, "change", v("change"), None),
    ]);
    page.charts_here();
    page.h2("Attribution");
    let rows: Vec<Vec<String>> = e
        .get("attribution")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|l| {
                    let s = num(l, "shapley").unwrap_or(f64::NAN);
                    let ci = num(l, "ci_low").zip(num(l, "ci_high"));
                    vec![
                        esc(text(l, "lever")),
                        with_ci(&metric, s, ci),
                        fmt_value("share", num(l, "share_of_change").unwrap_or(f64::NAN)),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    page.table(
        &[
            "lever (section taken from TO)",
            "Shapley value [95 % CI]",
            "share of the change",
        ],
        &rows,
        &[false, true, true],
    );
    page.p(
        "note",
        "The metric of every subset of levers is in subsets.csv.",
    );
    let command = format!(
        "parcelsim explain {} {} --metric {} --replications {} --seed {}",
        text(&from, "file"),
        text(&to, "file"),
        metric,
        e.get("replications").map(scalar_text).unwrap_or_default(),
        e.get("base_seed").map(scalar_text).unwrap_or_default()
    );
    page.reproduce(
        &command,
        &[
            ("version", text(&e, "version").to_string()),
            ("FROM SHA-256", text(&from, "sha256").to_string()),
            ("TO SHA-256", text(&to, "sha256").to_string()),
        ],
    );
    Ok(())
}

/// A figure of `compare.csv` that the page shows as a number (`NaN` when no run measured
/// it shows as a dash).
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// An interval of `compare.csv`, when both its ends are numbers.
fn pair(low: Option<f64>, high: Option<f64>) -> Option<(f64, f64)> {
    Some((finite(low)?, finite(high)?))
}
