//! The instruments' chart: horizontal bars by item, one bar per series, each with its
//! 95 % interval as a whisker (marginal vs average cost by activity; the tornado, whose
//! bars run from the base value to the low and high ends of each input's range).
//! Drawn with the `plot` module's fonts and atomic PNG + SVG rendering.

use crate::error::Result;
use crate::plot::{
    Chart, DrawResult, colour, label_font, plots_dir, render, tick_font, title_font,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// One item (a row of the chart).
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// Per series: the value and its 95 % interval.
    pub values: Vec<(f64, Option<(f64, f64)>)>,
}

/// Horizontal bars, top to bottom in the order given.
#[derive(Debug, Clone)]
pub struct Bars {
    pub title: String,
    pub x_label: String,
    /// Names of the series, in the order of `Bar::values`.
    pub series: Vec<String>,
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
