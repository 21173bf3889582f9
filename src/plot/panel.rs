//! Single-panel Cartesian charts: a [`Frame`] (title, axes) plus [`Layers`] drawn in it —
//! confidence bands, stacked areas, bars — and their legend marks.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axes::{Span, log_ticks};
use super::render::{Chart, DrawResult};
use super::style::{
    Corner, colour, draw_legend, fitting_title_px, fmt_tick, style_mesh, title_font,
};

/// Title, axis descriptions and axis ranges of one Cartesian panel.
pub(super) struct Frame {
    pub(super) title: String,
    /// Title height in pixels: [`TITLE_PX`], or [`PANEL_TITLE_PX`] for a panel.
    pub(super) title_px: u32,
    pub(super) x_desc: String,
    pub(super) y_desc: String,
    pub(super) x: Span,
    pub(super) log_x: bool,
    pub(super) y: Span,
    /// Where the legend of the labelled series goes; `None` for no legend.
    pub(super) legend: Option<Corner>,
    /// Size in pixels of the drawing area the frame gets (the whole chart, or a panel of it).
    pub(super) area: (u32, u32),
}

impl Frame {
    /// Estimated width and height in pixels of the plotting area, inside margins, caption and
    /// label areas (see [`Panel::draw_with`]).
    pub(super) fn plot_px(&self) -> (f64, f64) {
        let w = f64::from(self.area.0) - 140.0;
        let h = f64::from(self.area.1) - 110.0 - 1.5 * f64::from(self.title_px);
        (w.max(1.0), h.max(1.0))
    }

    /// Gives the frame a legend of `labels` in the upper corner where the data is lowest, and
    /// raises the top of the y axis until the legend box covers none of `lines` there.
    ///
    /// The legend's size is estimated from the label lengths and the fonts used.
    pub(super) fn fit_legend(&mut self, lines: &[Vec<(f64, f64)>], labels: &[&str]) {
        let (plot_w, plot_h) = self.plot_px();
        let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let box_w = ((longest as f64 * 11.0 + 60.0) / plot_w).min(1.0);
        let box_h = ((labels.len() as f64 * 25.0 + 25.0) / plot_h).min(0.8);
        // Position of x across the axis, 0 at the left and 1 at the right.
        let (lo, hi) = (self.x.lo, self.x.hi);
        let across = |x: f64| {
            if self.log_x {
                (x.ln() - lo.ln()) / (hi.ln() - lo.ln())
            } else {
                (x - lo) / (hi - lo)
            }
        };
        // Highest point under a legend spanning `band` of the width. A segment that enters the
        // band has an end point in it or next to it, and its highest point is an end point.
        let highest = |band: &dyn Fn(f64) -> bool| {
            let mut top = f64::NEG_INFINITY;
            for line in lines {
                let inside: Vec<bool> = line.iter().map(|p| band(across(p.0))).collect();
                for (i, p) in line.iter().enumerate() {
                    let near = inside[i.saturating_sub(1)..(i + 2).min(line.len())]
                        .iter()
                        .any(|&b| b);
                    if near {
                        top = top.max(p.1);
                    }
                }
            }
            top
        };
        let left = highest(&|u| u <= box_w);
        let right = highest(&|u| u >= 1.0 - box_w);
        let (corner, top) = if right <= left {
            (Corner::UpperRight, right)
        } else {
            (Corner::UpperLeft, left)
        };
        if top.is_finite() {
            // The legend's lower edge, hi - box_h * (hi - lo), must clear `top` (plus 2 %).
            let top = top + 0.02 * (self.y.hi - self.y.lo);
            let needed = (top - box_h * self.y.lo) / (1.0 - box_h);
            self.y.hi = self.y.hi.max(needed);
        }
        self.legend = Some(corner);
    }
}

/// What is drawn inside a [`Frame`]; generic over the x coordinate so the same layers work on
/// a linear and on a log axis.
pub(super) trait Layers {
    fn draw<'a, DB, X>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    ) -> DrawResult
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        X: Ranged<ValueType = f64>;
}

/// A frame and its layers: a complete single-panel chart.
pub(super) struct Panel<L> {
    pub(super) frame: Frame,
    pub(super) layers: L,
}

impl<L: Layers> Chart for Panel<L> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let x = self.frame.x;
        if self.frame.log_x {
            let ticks = log_ticks(x, self.frame.plot_px().0);
            self.draw_with(root, x.range().log_scale().with_key_points(ticks))
        } else {
            self.draw_with(root, x.range())
        }
    }
}

impl<L: Layers> Panel<L> {
    /// Builds the chart on the x coordinate `x_spec` (linear or log), draws mesh, layers and
    /// legend.
    fn draw_with<DB, XS>(&self, root: &DrawingArea<DB, Shift>, x_spec: XS) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
        XS: AsRangedCoord<Value = f64>,
        XS::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let f = &self.frame;
        let px = fitting_title_px(&f.title, f.title_px, f.area.0);
        let mut chart = ChartBuilder::on(root)
            .caption(&f.title, title_font(px))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d(x_spec, f.y.range())?;
        // A label per 90 pixels at most (linear axes; a log axis has its own ticks).
        let x_labels = (f.plot_px().0 / 90.0).max(2.0) as usize;
        style_mesh(&mut chart.configure_mesh(), &f.x_desc, &f.y_desc)
            .x_labels(x_labels)
            .x_label_formatter(&fmt_tick)
            .y_label_formatter(&fmt_tick)
            .draw()?;
        self.layers.draw(&mut chart)?;
        if let Some(corner) = f.legend {
            draw_legend(&mut chart, corner)?;
        }
        Ok(())
    }
}

/// Fills the region between `lower` and `upper` over `xs` with `style`. With a single x the
/// region has no width, so it is drawn as a vertical bar `width` pixels wide instead.
fn fill_between<'a, DB, X>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    xs: &[f64],
    lower: &[f64],
    upper: &[f64],
    colour: RGBAColor,
    width: u32,
) -> DrawResult
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    X: Ranged<ValueType = f64>,
{
    match (xs, lower, upper) {
        ([], _, _) => return Ok(()),
        ([x], [lo], [hi]) => {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*x, *lo), (*x, *hi)],
                colour.stroke_width(width),
            )))?;
            return Ok(());
        }
        _ => {}
    }
    let outline: Vec<(f64, f64)> = xs
        .iter()
        .zip(upper)
        .map(|(x, y)| (*x, *y))
        .chain(xs.iter().zip(lower).rev().map(|(x, y)| (*x, *y)))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(outline, colour.filled())))?;
    Ok(())
}

/// A legend sample: a short line in `style`.
pub(super) fn legend_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style)
}

/// A legend sample of a filled area or bar: a small box in `c`.
pub(super) fn legend_box(c: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 7), (x + 24, y + 7)], c.filled())
}

/// A legend sample of a dashed reference line: two dashes in `style`.
pub(super) fn legend_dashes(
    style: ShapeStyle,
) -> impl Fn((i32, i32)) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, u32> {
    move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 24, y)], 9, 6, style)
}

/// One point of a mean with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BandPoint {
    pub(super) x: f64,
    pub(super) mean: f64,
    pub(super) low: f64,
    pub(super) high: f64,
}

/// A mean line with its confidence band, e.g. one value of the second sweep parameter.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BandSeries {
    /// Legend entry, e.g. `network.hubs = 3`; `None` when there is a single series.
    pub(super) label: Option<String>,
    /// Sorted by x.
    pub(super) points: Vec<BandPoint>,
    /// Whether the points form a line with a band (one group of a grid), or stand alone
    /// with their own interval whiskers (points of different groups).
    pub(super) connect: bool,
}

/// Layers of mean lines with shaded bands, plus an optional dashed horizontal reference line.
pub(super) struct Bands {
    pub(super) series: Vec<BandSeries>,
    pub(super) reference: Option<(f64, String)>,
}

/// Legend entry of interval whiskers.
pub(super) const CI_LABEL: &str = "95 % confidence interval";

/// Legend entry of the shaded confidence bands.
pub(super) const BAND_LABEL: &str = "95 % confidence band";

impl Bands {
    /// Whether a band with some width is drawn (a connected series whose interval is not
    /// just its mean).
    pub(super) fn has_band(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.connect && s.points.iter().any(|p| p.high > p.low))
    }

    /// Every y value drawn, for the axis range.
    pub(super) fn ys(&self) -> impl Iterator<Item = f64> + '_ {
        let points = self.series.iter().flat_map(|s| &s.points);
        points
            .flat_map(|p| [p.mean, p.low, p.high])
            .chain(self.reference.iter().map(|r| r.0))
    }

    /// Every x value drawn, for the axis range.
    pub(super) fn xs(&self) -> impl Iterator<Item = f64> + '_ {
        self.series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.x))
    }
}

impl Layers for Bands {
    fn draw<'a, DB, X>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    ) -> DrawResult
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        X: Ranged<ValueType = f64>,
    {
        for (i, s) in self.series.iter().enumerate() {
            let c = colour(i);
            let line = c.stroke_width(2);
            if s.connect {
                let xs: Vec<f64> = s.points.iter().map(|p| p.x).collect();
                let low: Vec<f64> = s.points.iter().map(|p| p.low).collect();
                let high: Vec<f64> = s.points.iter().map(|p| p.high).collect();
                fill_between(chart, &xs, &low, &high, c.mix(0.2), 3)?;
                let anno = chart.draw_series(
                    LineSeries::new(s.points.iter().map(|p| (p.x, p.mean)), line).point_size(4),
                )?;
                if let Some(label) = &s.label {
                    anno.label(label.as_str()).legend(legend_line(line));
                }
            } else {
                chart.draw_series(s.points.iter().map(|p| {
                    PathElement::new(
                        vec![(p.x, p.low), (p.x, p.high)],
                        c.mix(0.5).stroke_width(2),
                    )
                }))?;
                let anno = chart.draw_series(
                    s.points
                        .iter()
                        .map(|p| Circle::new((p.x, p.mean), 4, c.filled())),
                )?;
                if let Some(label) = &s.label {
                    anno.label(label.as_str())
                        .legend(move |pos| Circle::new(pos, 4, c.filled()));
                }
            }
        }
        if self.has_band() {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(BAND_LABEL)
                .legend(legend_box(if self.series.len() == 1 {
                    // The band's own shade: the series colour at 20 % over white.
                    let RGBColor(r, g, b) = colour(0);
                    let tint = |c: u8| (f64::from(c) * 0.2 + 255.0 * 0.8).round() as u8;
                    RGBColor(tint(r), tint(g), tint(b))
                } else {
                    RGBColor(170, 170, 170)
                }));
        }
        if let Some((y, label)) = &self.reference {
            let x = chart.x_range();
            let style = BLACK.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    [(x.start, *y), (x.end, *y)],
                    12,
                    8,
                    style,
                ))?
                .label(label.as_str())
                .legend(legend_dashes(style));
        }
        Ok(())
    }
}

/// Stacked areas: each layer's values added on top of the previous layers.
pub(super) struct Stack {
    pub(super) xs: Vec<f64>,
    /// (legend name, value at each x), bottom layer first.
    pub(super) layers: Vec<(String, Vec<f64>)>,
}

impl Stack {
    /// The cumulative top of each layer at each x, bottom layer first.
    pub(super) fn tops(&self) -> Vec<Vec<f64>> {
        let mut acc = vec![0.0; self.xs.len()];
        self.layers
            .iter()
            .map(|(_, v)| {
                acc.iter_mut().zip(v).for_each(|(a, v)| *a += v);
                acc.clone()
            })
            .collect()
    }
}

impl Layers for Stack {
    fn draw<'a, DB, X>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    ) -> DrawResult
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        X: Ranged<ValueType = f64>,
    {
        let mut lower = vec![0.0; self.xs.len()];
        for (i, ((name, _), upper)) in self.layers.iter().zip(self.tops()).enumerate() {
            let c = colour(i);
            fill_between(chart, &self.xs, &lower, &upper, c.mix(0.75), 40)?;
            chart
                .draw_series(LineSeries::new(
                    self.xs.iter().copied().zip(upper.iter().copied()),
                    c.stroke_width(1),
                ))?
                .label(name.as_str())
                .legend(legend_box(c));
            lower = upper;
        }
        Ok(())
    }
}

/// Vertical bars `[from, to) × [0, height)` on a linear x axis, as in a histogram, and a
/// dashed vertical marker (x, legend entry).
pub(super) struct Bars {
    pub(super) bars: Vec<(f64, f64, f64)>,
    pub(super) marker: Option<(f64, String)>,
}

impl Layers for Bars {
    fn draw<'a, DB, X>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    ) -> DrawResult
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        X: Ranged<ValueType = f64>,
    {
        chart
            .draw_series(self.bars.iter().map(|&(from, to, h)| {
                let mut r = Rectangle::new([(from, 0.0), (to, h)], colour(0).filled());
                r.set_margin(0, 0, 1, 1);
                r
            }))?
            .label("parcels")
            .legend(legend_box(colour(0)));
        if let Some((x, label)) = &self.marker {
            let y = chart.y_range();
            let style = colour(3).stroke_width(3);
            chart
                .draw_series(DashedLineSeries::new(
                    [(*x, y.start), (*x, y.end)],
                    12,
                    8,
                    style,
                ))?
                .label(label.as_str())
                .legend(legend_dashes(style));
        }
        Ok(())
    }
}
