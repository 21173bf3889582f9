//! The chart of a comparison folder: cost per parcel of each scenario as bars stacked by
//! activity, the 95 % CI of the total as a whisker, and a dashed line at the price.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::Span;
use super::category::{LABEL_SHARE, category_bar, centre, label_above};
use super::panel::{Frame, legend_box, legend_dashes};
use super::read::input_error;
use super::render::{Chart, DrawResult};
use super::style::{colour, draw_legend, fmt_sig};
use crate::error::Result;
use crate::files::read_rows;
use crate::format::compare::CompareRow;

/// A mean and its 95 % CI (`None` with one replication).
pub(super) type Total = (f64, Option<(f64, f64)>);

/// Cost per parcel of each scenario of a comparison: bars stacked by activity, the 95 % CI of
/// the total as a whisker, and a dashed line at the price.
pub(super) struct CompareChart {
    pub(super) frame: Frame,
    pub(super) names: Vec<String>,
    /// (activity, colour index, yuan per parcel of each scenario), bottom layer first. An
    /// activity keeps its place in the file as its colour (as on the sweep's stacked chart)
    /// even when activities that cost nothing anywhere are left out.
    pub(super) layers: Vec<(String, usize, Vec<f64>)>,
    /// Mean cost per parcel of each scenario and its 95 % CI.
    totals: Vec<Total>,
    price: f64,
}

impl CompareChart {
    pub(super) fn load(file: &Path, price: f64) -> Result<CompareChart> {
        let rows: Vec<CompareRow> = read_rows(file)?;
        let mut names: Vec<String> = Vec::new();
        let mut totals: Vec<Option<Total>> = Vec::new();
        let mut layers: Vec<(String, usize, Vec<f64>)> = Vec::new();
        for row in &rows {
            let name = row.scenario.as_str();
            let k = match names.iter().position(|n| n == name) {
                Some(k) => k,
                None => {
                    names.push(name.to_string());
                    totals.push(None);
                    layers.iter_mut().for_each(|l| l.2.push(0.0));
                    names.len() - 1
                }
            };
            let m = row.metric.as_str();
            if m == "cost_per_parcel_yuan" {
                let ci = match (row.ci_low, row.ci_high) {
                    (Some(l), Some(h)) => Some((l, h)),
                    _ => None,
                };
                totals[k] = Some((row.mean, ci));
            } else if let Some(a) = m
                .strip_prefix("cost_")
                .and_then(|a| a.strip_suffix("_yuan"))
            {
                // Legends name activities in words.
                let a = a.replace('_', " ");
                let l = match layers.iter().position(|l| l.0 == a) {
                    Some(l) => l,
                    None => {
                        layers.push((a, layers.len(), vec![0.0; names.len()]));
                        layers.len() - 1
                    }
                };
                layers[l].2[k] = row.mean;
            }
        }
        if names.is_empty() {
            return Err(input_error(
                file,
                None,
                None,
                "no scenario; nothing to plot",
            ));
        }
        let totals = names
            .iter()
            .zip(totals)
            .map(|(n, total)| {
                total.ok_or_else(|| {
                    input_error(
                        file,
                        None,
                        Some("metric"),
                        format!("no cost_per_parcel_yuan row for scenario `{n}`"),
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        layers.retain(|l| l.2.iter().any(|v| *v != 0.0));

        let n = names.len();
        let stack_top = |i: usize| layers.iter().map(|l| l.2[i]).sum::<f64>();
        let tops: Vec<f64> = totals
            .iter()
            .enumerate()
            .map(|(i, (m, ci))| stack_top(i).max(*m).max(ci.map_or(*m, |c| c.1)))
            .collect();
        let lows = totals.iter().filter_map(|t| t.1.map(|c| c.0));
        let y = Span::non_negative(tops.iter().copied().chain(lows).chain([0.0, price]));
        let mut frame = Frame::categorical(
            "Cost per parcel by scenario and activity".into(),
            "scenario (whisker: 95 % confidence interval of the total)",
            "yuan per delivered parcel",
            n,
            y,
        );
        let allowance = LABEL_SHARE * (y.hi - y.lo);
        let mut lines: Vec<Vec<(f64, f64)>> = tops
            .iter()
            .enumerate()
            .map(|(i, top)| Frame::bar_top(i, top + allowance))
            .collect();
        lines.push(vec![(0.0, price), (n as f64, price)]);
        let price_label = price_label(price);
        let mut labels: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
        labels.push(&price_label);
        frame.fit_legend(&lines, &labels);
        Ok(CompareChart {
            frame,
            names,
            layers,
            totals,
            price,
        })
    }
}

/// Legend entry of the dashed price line (the sweep's cost curve uses the same).
pub(super) fn price_label(price: f64) -> String {
    format!("price {price:.2} yuan")
}

impl Chart for CompareChart {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let mut chart = self.frame.draw_categories(root, &self.names)?;
        let margin = self.frame.bar_margin();
        let mut lower = vec![0.0; self.names.len()];
        for (name, c, values) in &self.layers {
            let c = colour(*c);
            let bars: Vec<_> = values
                .iter()
                .enumerate()
                .map(|(i, v)| category_bar(i, lower[i], lower[i] + v, c.mix(0.85).filled(), margin))
                .collect();
            chart
                .draw_series(bars)?
                .label(name.as_str())
                .legend(legend_box(c));
            lower.iter_mut().zip(values).for_each(|(l, v)| *l += v);
        }
        let whisker = BLACK.stroke_width(2);
        for (i, (mean, ci)) in self.totals.iter().enumerate() {
            if let Some((lo, hi)) = *ci {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(centre(i), lo), (centre(i), hi)],
                    whisker,
                )))?;
                chart.draw_series([lo, hi].map(|y| {
                    EmptyElement::at((centre(i), y))
                        + PathElement::new(vec![(-10, 0), (10, 0)], whisker)
                }))?;
            }
            let top = ci.map_or(*mean, |c| c.1).max(lower[i]).max(*mean);
            label_above(&mut chart, i, top, fmt_sig(*mean))?;
        }
        let n = i32::try_from(self.names.len()).unwrap_or(i32::MAX);
        let style = BLACK.stroke_width(2);
        chart
            .draw_series(DashedLineSeries::new(
                [
                    (SegmentValue::Exact(0), self.price),
                    (SegmentValue::Exact(n), self.price),
                ],
                12,
                8,
                style,
            ))?
            .label(price_label(self.price))
            .legend(legend_dashes(style));
        if let Some(corner) = self.frame.legend {
            draw_legend(&mut chart, corner)?;
        }
        Ok(())
    }
}
