//! The instruments' chart: horizontal bars by item, one bar per series, each with its
//! 95 % interval as a whisker (marginal vs average cost by activity; the tornado, whose
//! bars run from the base value to the low and high ends of each input's range).
//! Drawn with the `plot` module's fonts and atomic PNG + SVG rendering, from the folder's
//! own files ([`folder_charts`]), like every other chart of a result folder.

use crate::error::Result;
use crate::folder::{Csv, Kind, read_json};
use crate::plot::{
    Chart, DrawResult, colour, label_font, plots_dir, render, tick_font, title_font,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One item (a row of the chart).
#[derive(Debug, Clone)]
pub struct Bar {
    /// The row's label, left of the bars.
    pub label: String,
    /// Per series: the value and its 95 % interval.
    pub values: Vec<(f64, Option<(f64, f64)>)>,
}

/// Horizontal bars, top to bottom in the order given.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Title above the chart.
    pub title: String,
    /// Label of the value axis, with its unit.
    pub x_label: String,
    /// Names of the series, in the order of `Bar::values`.
    pub series: Vec<String>,
    /// The rows, top to bottom.
    pub bars: Vec<Bar>,
    /// Bars start from this value instead of 0 (the tornado's base value), marked by a line.
    pub centre: Option<f64>,
}

impl Bars {
    /// Writes `DIR/plots/STEM.{png,svg}`.
    pub fn render(&self, dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
        render(&plots_dir(dir)?, stem, self)
    }

    /// The x range covering every bar end, interval and the centre, padded.
    fn x_range(&self) -> (f64, f64) {
        let base = self.centre.unwrap_or(0.0);
        let (mut lo, mut hi) = (base, base);
        for b in &self.bars {
            for (v, ci) in &b.values {
                for x in [Some(*v), ci.map(|c| c.0), ci.map(|c| c.1)]
                    .into_iter()
                    .flatten()
                    .filter(|x| x.is_finite())
                {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
        let pad = if hi > lo {
            (hi - lo) * 0.06
        } else {
            lo.abs().max(1.0) * 0.1
        };
        (lo - pad, hi + pad)
    }
}

/// The chart of an instrument folder, drawn from its own files (so `parcelsim plot DIR`
/// draws it again): (name, chart); empty for the other kinds of folder.
pub fn folder_charts(dir: &Path, kind: Kind) -> Result<Vec<(&'static str, Bars)>> {
    Ok(match kind {
        Kind::Marginal => vec![("marginal", marginal(dir)?)],
        Kind::Sensitivity => vec![("tornado", tornado(dir)?)],
        Kind::Calibrate => vec![("misfit", misfit(dir)?)],
        Kind::Run | Kind::Sweep | Kind::Compare | Kind::Explain => Vec::new(),
    })
}

/// A number of a CSV row; an empty cell is NaN.
fn number(t: &Csv, row: &[String], col: &str) -> f64 {
    t.num(row, col).unwrap_or(f64::NAN)
}

/// An interval from two columns, when both are numbers.
fn pair(t: &Csv, row: &[String], lo: &str, hi: &str) -> Option<(f64, f64)> {
    Some((t.num(row, lo)?, t.num(row, hi)?))
}

fn text(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn float(v: &serde_json::Value, key: &str) -> f64 {
    v.get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(f64::NAN)
}

/// Average and marginal cost of the total and of every activity that costs something
/// (`marginal.csv`).
fn marginal(dir: &Path) -> Result<Bars> {
    let info = read_json(&dir.join("marginal.json"))?;
    let t = Csv::read(&dir.join("marginal.csv"))?;
    let bars = t
        .rows
        .iter()
        .filter(|r| {
            let scope = t.get(r, "scope");
            scope == "total"
                || (scope == "activity"
                    && (number(&t, r, "average_yuan") != 0.0
                        || number(&t, r, "marginal_yuan") != 0.0))
        })
        .map(|r| Bar {
            label: if t.get(r, "scope") == "total" {
                "total resources".to_string()
            } else {
                t.get(r, "item").to_string()
            },
            values: vec![
                (
                    number(&t, r, "average_yuan"),
                    pair(&t, r, "average_ci_low", "average_ci_high"),
                ),
                (
                    number(&t, r, "marginal_yuan"),
                    pair(&t, r, "marginal_ci_low", "marginal_ci_high"),
                ),
            ],
        })
        .collect();
    Ok(Bars {
        title: format!(
            "{}: average and marginal cost (+{} % volume), yuan per parcel",
            text(&info, "scenario"),
            float(&info, "volume_step") * 100.0
        ),
        x_label: "yuan per parcel (95 % CI)".into(),
        series: vec!["average".into(), "marginal".into()],
        bars,
        centre: None,
    })
}

/// The tornado: each input's low and high end as bars from the base value, each with the
/// 95 % interval of its paired change from the base (`sensitivity.csv`).
fn tornado(dir: &Path) -> Result<Bars> {
    let info = read_json(&dir.join("sensitivity.json"))?;
    let t = Csv::read(&dir.join("sensitivity.csv"))?;
    let base = float(&info, "metric_base");
    let metric = text(&info, "metric");
    let end = |r: &[String], side: &str| {
        let c = format!("change_{side}");
        (
            base + number(&t, r, &c),
            pair(&t, r, &format!("{c}_ci_low"), &format!("{c}_ci_high"))
                .map(|(lo, hi)| (base + lo, base + hi)),
        )
    };
    let bars = t
        .rows
        .iter()
        .map(|r| Bar {
            label: t.get(r, "input").to_string(),
            values: vec![end(r, "low"), end(r, "high")],
        })
        .collect();
    let pct = float(&info, "range") * 100.0;
    Ok(Bars {
        title: format!(
            "{}: {metric} with each input at −/+ {pct} % (base {base:.4})",
            text(&info, "scenario"),
        ),
        x_label: format!("{metric} (whiskers: 95 % CI of the paired change from the base)"),
        series: vec![format!("input − {pct} %"), format!("input + {pct} %")],
        bars,
        centre: Some(base),
    })
}

/// The standardised misfit of every target at the fit (`targets.csv`).
fn misfit(dir: &Path) -> Result<Bars> {
    let info = read_json(&dir.join("calibrate.json"))?;
    let t = Csv::read(&dir.join("targets.csv"))?;
    let bars = t
        .rows
        .iter()
        .map(|r| {
            let (target, sd) = (number(&t, r, "target"), number(&t, r, "target_sd"));
            Bar {
                label: t.get(r, "metric").to_string(),
                values: vec![(
                    number(&t, r, "z"),
                    pair(&t, r, "fitted_ci_low", "fitted_ci_high")
                        .map(|(lo, hi)| ((lo - target) / sd, (hi - target) / sd)),
                )],
            }
        })
        .collect();
    Ok(Bars {
        title: format!(
            "{}: misfit per target at the fit, (fitted − target) / sd",
            text(&info, "scenario")
        ),
        x_label: "standardised misfit (whiskers: 95 % CI over replications)".into(),
        series: vec!["z".into()],
        bars,
        centre: None,
    })
}

impl Chart for Bars {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let n = self.bars.len().max(1);
        let (x0, x1) = self.x_range();
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_font(24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size((longest as u32 * 10).clamp(60, 360))
            .build_cartesian_2d(x0..x1, 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|y| {
                // Labels at the middle of each row (row i spans [n-1-i, n-i]).
                let k = (n as f64 - y - 0.5).round();
                if (n as f64 - y - 0.5 - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len()
                {
                    labels[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_desc(self.x_label.as_str())
            .axis_desc_style(label_font())
            .label_style(tick_font())
            .draw()?;
        let series = self.series.len().max(1);
        let band = 0.8 / series as f64;
        let base = self.centre.unwrap_or(0.0);
        for s in 0..series {
            let c = colour(s);
            let mut rects = Vec::new();
            let mut whiskers = Vec::new();
            for (i, b) in self.bars.iter().enumerate() {
                let Some(&(v, ci)) = b.values.get(s) else {
                    continue;
                };
                let top = (n - i) as f64 - 0.1 - band * s as f64;
                let bottom = top - band * 0.9;
                if v.is_finite() {
                    rects.push(Rectangle::new(
                        [(base, bottom), (v, top)],
                        c.mix(0.85).filled(),
                    ));
                }
                if let Some((lo, hi)) = ci {
                    let mid = (top + bottom) / 2.0;
                    whiskers.push(PathElement::new(
                        vec![(lo, mid), (hi, mid)],
                        BLACK.stroke_width(2),
                    ));
                    for x in [lo, hi] {
                        whiskers.push(PathElement::new(
                            vec![(x, bottom + band * 0.2), (x, top - band * 0.2)],
                            BLACK.stroke_width(2),
                        ));
                    }
                }
            }
            let name = self.series.get(s).cloned().unwrap_or_default();
            chart
                .draw_series(rects)?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()));
            chart.draw_series(whiskers)?;
        }
        if let Some(c) = self.centre {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(c, 0.0), (c, n as f64)],
                BLACK.stroke_width(1),
            )))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(label_font())
            .draw()?;
        Ok(())
    }
}
