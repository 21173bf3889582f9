//! The chart of an explanation folder: a waterfall from the metric of FROM, one floating
//! bar per lever (its Shapley value), to the metric of TO.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::Span;
use super::category::{LABEL_SHARE, category_bar, centre, label_above, metric_desc};
use super::panel::{CI_LABEL, Frame, legend_box, legend_line};
use super::read::{input_error, read_json};
use super::render::{Chart, DrawResult};
use super::style::{colour, draw_legend, fmt_sig};
use crate::error::Result;
use crate::format::explain::ExplainJson;

/// What a bar of the waterfall shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Step {
    /// The metric of FROM or TO, a bar from the axis base.
    Total,
    /// A lever that lowers the metric (green) or raises it (red): a floating bar.
    Lowers,
    Raises,
    /// A lever that leaves the metric as it is: a grey bar of no height.
    Unchanged,
}

impl Step {
    pub(super) fn colour(self) -> RGBColor {
        match self {
            Step::Total => colour(0),
            Step::Lowers => colour(2),
            Step::Raises => colour(3),
            Step::Unchanged => colour(7),
        }
    }
}

/// FROM's value, one floating bar per lever from the running level by its Shapley value, and
/// TO's value.
pub(super) struct Waterfall {
    pub(super) frame: Frame,
    pub(super) names: Vec<String>,
    /// (from, to, kind, value label) of each bar.
    pub(super) bars: Vec<(f64, f64, Step, String)>,
    /// 95 % CI of each bar's end (levers with an interval only).
    whiskers: Vec<Option<(f64, f64)>>,
    pub(super) metric: String,
}

/// A metric's name in words, without its unit: `cost per parcel`.
fn metric_words(metric: &str) -> String {
    let d = metric_desc(metric);
    match d.split_once(" (") {
        Some((w, _)) => w.to_string(),
        None => d,
    }
}

impl Waterfall {
    pub(super) fn load(file: &Path) -> Result<Waterfall> {
        let e: ExplainJson = read_json(file)?;
        if !(e.from_value.is_finite()
            && e.to_value.is_finite()
            && e.attribution.iter().all(|a| a.shapley.is_finite()))
        {
            return Err(input_error(
                file,
                None,
                None,
                "values must be finite numbers",
            ));
        }
        let mut names = vec![format!("FROM: {}", e.from.label)];
        let mut levels = vec![e.from_value];
        let mut level = e.from_value;
        let mut steps = Vec::new();
        let mut whiskers = vec![None];
        for a in &e.attribution {
            whiskers.push(match (a.ci_low, a.ci_high) {
                (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => {
                    Some((level + lo, level + hi))
                }
                _ => None,
            });
            let (kind, sign) = match a.shapley.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Less) => (Step::Lowers, "−"),
                Some(std::cmp::Ordering::Greater) => (Step::Raises, "+"),
                _ => (Step::Unchanged, ""),
            };
            steps.push((
                level,
                level + a.shapley,
                kind,
                format!("{sign}{}", fmt_sig(a.shapley.abs())),
            ));
            level += a.shapley;
            levels.push(level);
            names.push(a.lever.clone());
        }
        names.push(format!("TO: {}", e.to.label));
        levels.push(e.to_value);
        whiskers.push(None);
        let ends = whiskers.iter().flatten().flat_map(|w| [w.0, w.1]);
        let levels: Vec<f64> = levels.iter().copied().chain(ends).collect();

        // Bars from zero, unless the levels are so close together that the levers' bars would
        // be slivers: then the axis starts half their spread below the lowest level (so FROM
        // and TO still read as bars) and says that it does not start at zero.
        let data = Span::of(levels.iter().copied(), false).expect("finite levels");
        let spread = data.hi - data.lo;
        let from_zero = spread == 0.0 || spread >= 0.1 * data.lo.abs().max(data.hi.abs());
        let (y, base, y_desc) = if from_zero {
            let with_zero = Span::of(levels.iter().copied().chain([0.0]), false).expect("finite");
            let y = with_zero.padded(false).clip(with_zero, 0.0, f64::INFINITY);
            (y, 0.0, metric_desc(&e.metric))
        } else {
            let y = Span {
                lo: data.lo - 0.5 * spread,
                hi: data.hi + 0.08 * spread,
            };
            (
                y,
                y.lo,
                format!("{}, axis not from 0", metric_desc(&e.metric)),
            )
        };
        let mut bars = vec![(base, e.from_value, Step::Total, fmt_sig(e.from_value))];
        bars.extend(steps);
        bars.push((base, e.to_value, Step::Total, fmt_sig(e.to_value)));

        let mut frame = Frame::categorical(
            format!(
                "What changes the {} from {} to {} (Shapley values)",
                metric_words(&e.metric),
                e.from.label,
                e.to.label
            ),
            "scenario sections taken from TO (levers)",
            &y_desc,
            names.len(),
            y,
        );
        let allowance = LABEL_SHARE * (y.hi - y.lo);
        let lines: Vec<Vec<(f64, f64)>> = bars
            .iter()
            .zip(&whiskers)
            .enumerate()
            .map(|(i, (b, w))| {
                let top = b.0.max(b.1).max(w.map_or(f64::NEG_INFINITY, |w| w.1));
                Frame::bar_top(i, top + allowance)
            })
            .collect();
        let labels = Self::legend_labels(&bars, &e.metric);
        let mut labels: Vec<&str> = labels.iter().map(|l| l.1.as_str()).collect();
        if whiskers.iter().any(Option::is_some) {
            labels.push(CI_LABEL);
        }
        if !labels.is_empty() {
            frame.fit_legend(&lines, &labels);
        }
        Ok(Waterfall {
            frame,
            names,
            bars,
            whiskers,
            metric: e.metric,
        })
    }

    /// Legend entries of the lever colours that occur.
    fn legend_labels(bars: &[(f64, f64, Step, String)], metric: &str) -> Vec<(Step, String)> {
        [(Step::Lowers, "lowers"), (Step::Raises, "raises")]
            .into_iter()
            .filter(|(k, _)| bars.iter().any(|b| b.2 == *k))
            .map(|(k, verb)| (k, format!("{verb} the {}", metric_words(metric))))
            .collect()
    }
}

impl Chart for Waterfall {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let mut chart = self.frame.draw_categories(root, &self.names)?;
        let margin = self.frame.bar_margin();
        // Connectors at the running level, under the bars.
        for (i, pair) in self.bars.windows(2).enumerate() {
            let level = pair[0].1;
            chart.draw_series(DashedLineSeries::new(
                [(centre(i), level), (centre(i + 1), level)],
                6,
                4,
                BLACK.mix(0.5).stroke_width(1),
            ))?;
        }
        for (kind, label) in Self::legend_labels(&self.bars, &self.metric) {
            let c = kind.colour();
            let bars: Vec<_> = self
                .bars
                .iter()
                .enumerate()
                .filter(|(_, b)| b.2 == kind)
                .map(|(i, b)| category_bar(i, b.0, b.1, c.filled(), margin))
                .collect();
            chart.draw_series(bars)?.label(label).legend(legend_box(c));
        }
        // FROM, TO and levers without effect: no legend entry.
        let others: Vec<_> = self
            .bars
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b.2, Step::Total | Step::Unchanged))
            .map(|(i, b)| category_bar(i, b.0, b.1, b.2.colour().filled(), margin))
            .collect();
        chart.draw_series(others)?;
        let whisker = BLACK.stroke_width(2);
        let mut first = true;
        for (i, w) in self.whiskers.iter().enumerate() {
            let Some((lo, hi)) = *w else { continue };
            let drawn = chart.draw_series(std::iter::once(PathElement::new(
                vec![(centre(i), lo), (centre(i), hi)],
                whisker,
            )))?;
            if first {
                drawn.label(CI_LABEL).legend(legend_line(whisker));
                first = false;
            }
            chart.draw_series([lo, hi].map(|y| {
                EmptyElement::at((centre(i), y))
                    + PathElement::new(vec![(-10, 0), (10, 0)], whisker)
            }))?;
        }
        for (i, (b, w)) in self.bars.iter().zip(&self.whiskers).enumerate() {
            let top = b.0.max(b.1).max(w.map_or(f64::NEG_INFINITY, |w| w.1));
            label_above(&mut chart, i, top, b.3.clone())?;
        }
        if let Some(corner) = self.frame.legend {
            draw_legend(&mut chart, corner)?;
        }
        Ok(())
    }
}
