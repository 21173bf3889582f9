//! Charts of sweep, run, comparison and explanation folders, drawn with plotters.
//!
//! Every chart is written twice into `DIR/plots/`: a 1200×800 PNG for quick looks and an SVG
//! for reports. Both are rendered by the same drawing code (`Chart::draw` is generic over
//! the plotters backend), so they always show the same thing.
//!
//! Design points:
//! * **Hermetic text.** The machines this runs on have no system fonts, so plotters is built
//!   with `ab_glyph` and DejaVu Sans from the `dejavu` crate is registered as `sans-serif`
//!   before anything is drawn (`register_fonts`).
//! * **Input is data.** The CSV and JSON files are read defensively: a missing column, a cell
//!   that is not a number, or an empty sweep is reported as an [`InputError`] naming the file,
//!   line and column, never a panic.
//! * **Axes from the data.** plotters draws out-of-range values along the chart edge, so every
//!   axis range is computed from what is drawn on it (reference lines included), padded a
//!   little, and widened when all values are equal (`Span`).
//! * **No half-written charts.** Each file is rendered under a temporary name and renamed into
//!   place, so a chart that exists is complete.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use serde::Deserialize;

use crate::error::{Error, InputError, Result};
use crate::report::write_atomic;

mod map;
mod text;

/// Size of every chart in pixels (PNG) or user units (SVG).
const SIZE: (u32, u32) = (1200, 800);
/// Font family every text is drawn with; registered by [`register_fonts`].
const FAMILY: &str = "sans-serif";

/// Distinguishable line and area colours (Tableau 20: ten strong, then their light
/// variants), used in order and then cycled.
const PALETTE: [RGBColor; 20] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(174, 199, 232),
    RGBColor(255, 187, 120),
    RGBColor(152, 223, 138),
    RGBColor(255, 152, 150),
    RGBColor(197, 176, 213),
    RGBColor(196, 156, 148),
    RGBColor(247, 182, 210),
    RGBColor(199, 199, 199),
    RGBColor(219, 219, 141),
    RGBColor(158, 218, 229),
];
/// Most lines one chart draws for the groups of a sweep; beyond it a legend is unreadable
/// and the points are drawn unconnected instead.
const MAX_LINES: usize = 10;

/// The `i`-th series colour.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

// ---------------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------------

/// Draws the sweep charts of a sweep folder into DIR/plots/: PNG and SVG of each chart.
/// Returns the paths written.
///
/// The charts are `cost_curve` (cost per parcel with its 95 % band and a dashed line at
/// `price_yuan`, the price the shop pays, so the break-even point is visible),
/// `cost_by_activity` (where the money goes) and `service` (on-time rate and p95 transit time).
pub fn plot_sweep(dir: &Path, price_yuan: f64) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::files(dir)?;
    sweep_charts(dir, price_yuan, &mut sink)?;
    Ok(sink.written)
}

fn sweep_charts(dir: &Path, price_yuan: f64, sink: &mut Sink) -> Result<()> {
    check_price(price_yuan)?;
    let sweep = Sweep::load(dir)?;
    let charts = SweepCharts::new(&sweep, price_yuan)?;
    sink.add("cost_curve", &charts.cost_curve)?;
    sink.add("cost_by_activity", &charts.by_activity)?;
    sink.add("service", &charts.service)
}

/// Draws the charts of a single run folder into DIR/plots/.
///
/// The charts are `transit_histogram` (parcels by transit time, 2 h bars), `cost_breakdown`
/// (yuan per parcel by activity), `network` (the map, when nodes.csv has coordinates) and
/// with a shop `shop_cost` and `shop_time`. Returns the paths written.
pub fn plot_run(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::files(dir)?;
    run_charts(dir, &mut sink)?;
    Ok(sink.written)
}

fn run_charts(dir: &Path, sink: &mut Sink) -> Result<()> {
    let run = RunData::load(dir)?;
    sink.add("transit_histogram", &run.histogram_chart())?;
    sink.add("cost_breakdown", &run.breakdown_chart())?;
    if let Some(map) = map::NetworkMap::load(dir)? {
        sink.add("network", &map)?;
    }
    if let Some((cost, time)) = run.shop_charts() {
        sink.add("shop_cost", &cost)?;
        sink.add("shop_time", &time)?;
    }
    Ok(())
}

/// Draws the chart of a `compare` folder into DIR/plots/: `compare`, the cost per parcel of
/// each scenario as bars stacked by activity, the 95 % CI of the total as a whisker, and a
/// dashed line at `price_yuan`. Reads `compare.csv`; returns the paths written.
pub fn plot_compare(dir: &Path, price_yuan: f64) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::files(dir)?;
    compare_charts(dir, price_yuan, &mut sink)?;
    Ok(sink.written)
}

fn compare_charts(dir: &Path, price_yuan: f64, sink: &mut Sink) -> Result<()> {
    check_price(price_yuan)?;
    let chart = CompareChart::load(&dir.join("compare.csv"), price_yuan)?;
    sink.add("compare", &chart)
}

/// Draws the chart of an `explain` folder into DIR/plots/: `waterfall`, the explained metric
/// of FROM, one floating bar per lever (its Shapley value: green if it lowers the metric, red
/// if it raises it) and the metric of TO. Reads `explain.json`; returns the paths written.
pub fn plot_explain(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::files(dir)?;
    explain_charts(dir, &mut sink)?;
    Ok(sink.written)
}

fn explain_charts(dir: &Path, sink: &mut Sink) -> Result<()> {
    let chart = Waterfall::load(&dir.join("explain.json"))?;
    sink.add("waterfall", &chart)
}

/// Dispatches on the folder's files: points.csv is a sweep, summary.json a run, compare.csv a
/// comparison, explain.json an explanation; else a Usage error naming the folder.
pub fn plot_dir(dir: &Path, price_yuan: f64) -> Result<Vec<PathBuf>> {
    let mut sink = Sink::files(dir)?;
    charts_of(dir, price_yuan, &mut sink)?;
    Ok(sink.written)
}

/// The charts of a folder as SVG documents in memory, (name, SVG text) in drawing order:
/// the same charts [`plot_dir`] writes, for pages that inline them.
pub fn svg_charts(dir: &Path, price_yuan: f64) -> Result<Vec<(String, String)>> {
    let mut sink = Sink::memory();
    charts_of(dir, price_yuan, &mut sink)?;
    Ok(sink.svgs)
}

fn charts_of(dir: &Path, price_yuan: f64, sink: &mut Sink) -> Result<()> {
    match crate::folder::Kind::of(dir)? {
        crate::folder::Kind::Sweep => sweep_charts(dir, price_yuan, sink),
        crate::folder::Kind::Run => run_charts(dir, sink),
        crate::folder::Kind::Compare => compare_charts(dir, price_yuan, sink),
        crate::folder::Kind::Explain => explain_charts(dir, sink),
        kind => {
            for (name, chart) in crate::instruments::chart::folder_charts(dir, kind)? {
                sink.add(name, &chart)?;
            }
            Ok(())
        }
    }
}

/// Where drawn charts go: PNG and SVG files in a `plots/` folder, or SVG text in memory.
struct Sink {
    /// The `plots/` folder, or `None` to keep SVG text in memory.
    dir: Option<PathBuf>,
    written: Vec<PathBuf>,
    svgs: Vec<(String, String)>,
}

impl Sink {
    /// Files in `DIR/plots/` (created).
    fn files(dir: &Path) -> Result<Sink> {
        Ok(Sink {
            dir: Some(plots_dir(dir)?),
            written: Vec::new(),
            svgs: Vec::new(),
        })
    }

    fn memory() -> Sink {
        Sink {
            dir: None,
            written: Vec::new(),
            svgs: Vec::new(),
        }
    }

    fn add<C: Chart>(&mut self, stem: &str, chart: &C) -> Result<()> {
        match &self.dir {
            Some(dir) => self.written.extend(render(dir, stem, chart)?),
            None => self.svgs.push((stem.to_string(), render_svg(stem, chart)?)),
        }
        Ok(())
    }
}

/// A reference price must be a number that can be drawn.
fn check_price(price_yuan: f64) -> Result<()> {
    if price_yuan.is_finite() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "price must be a finite number of yuan, got {price_yuan}"
        )))
    }
}

/// Creates `DIR/plots/` and returns it.
pub(crate) fn plots_dir(dir: &Path) -> Result<PathBuf> {
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Fonts and rendering
// ---------------------------------------------------------------------------------------------

/// Registers the embedded DejaVu Sans (regular and bold) as [`FAMILY`], once per process.
///
/// Without it ab_glyph has no font and every text fails with `FontUnavailable`. The outcome is
/// kept so that a failure is reported on every call rather than only the first.
fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
                .and_then(|()| register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()))
                .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_string())
        })
        .clone()
        .map_err(Error::Usage)
}

/// What drawing code returns: any plotters error, boxed so both backends share the code.
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A chart that can be drawn on any plotters backend (PNG bitmap or SVG).
pub(crate) trait Chart {
    /// Draws the whole chart onto `root`, which is already filled white.
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static;
}

/// Fills `root` white, draws `chart` and flushes the backend.
fn draw_root<DB, C>(root: &DrawingArea<DB, Shift>, chart: &C) -> DrawResult
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    C: Chart,
{
    root.fill(&WHITE)?;
    chart.draw(root)?;
    root.present()?;
    Ok(())
}

/// Writes `DIR/STEM.png` and `DIR/STEM.svg`, each complete or not at all.
///
/// The PNG is written by plotters itself (it picks the encoder from the extension, hence the
/// temporary name ends in `.png`) and renamed; the SVG is rendered into memory and written with
/// [`write_atomic`].
pub(crate) fn render<C: Chart>(dir: &Path, stem: &str, chart: &C) -> Result<Vec<PathBuf>> {
    register_fonts()?;
    let drawing_error = |path: &Path, e: Box<dyn std::error::Error>| {
        Error::Usage(format!("cannot draw {}: {e}", path.display()))
    };

    let png = dir.join(format!("{stem}.png"));
    let tmp = dir.join(format!(".{stem}.tmp.png"));
    let drawn = {
        let root = text::EvenText {
            inner: BitMapBackend::new(&tmp, SIZE),
        }
        .into_drawing_area();
        draw_root(&root, chart)
        // The backend is dropped here; after a failure its drop may still write `tmp`.
    };
    if let Err(e) = drawn {
        let _ = std::fs::remove_file(&tmp);
        return Err(drawing_error(&png, e));
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, &png))
        .map_err(|e| Error::io(&png, e))?;

    let svg = dir.join(format!("{stem}.svg"));
    write_atomic(&svg, render_svg(stem, chart)?.as_bytes())?;
    Ok(vec![png, svg])
}

/// The chart as an SVG document.
fn render_svg<C: Chart>(stem: &str, chart: &C) -> Result<String> {
    register_fonts()?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        draw_root(&root, chart)
            .map_err(|e| Error::Usage(format!("cannot draw {stem}.svg: {e}")))?;
    }
    Ok(text)
}

/// Title size of a chart (pixels).
const TITLE_PX: u32 = 28;
/// Title size of a panel that shares the chart with another one under a common title.
const PANEL_TITLE_PX: u32 = 22;

/// Font of chart titles, `px` high.
pub(crate) fn title_font(px: u32) -> TextStyle<'static> {
    title_style(px)
}

/// The title size, at most `px`, at which `title` fits in `width` pixels (bold DejaVu Sans
/// averages about 0.62 em per character), so a long title is smaller rather than clipped.
fn fitting_title_px(title: &str, px: u32, width: u32) -> u32 {
    let chars = title.chars().count().max(1) as f64;
    let fits = (f64::from(width) - 40.0) / (0.62 * chars);
    (fits.floor() as u32).clamp(12, px)
}

fn title_style(px: u32) -> TextStyle<'static> {
    // The style must be part of the tuple: `FontDesc::style` keeps the already loaded face.
    (FAMILY, px, FontStyle::Bold).into_font().into()
}

/// Font of axis descriptions and legends.
pub(crate) fn label_font() -> TextStyle<'static> {
    (FAMILY, 20).into_font().into()
}

/// Font of tick labels.
pub(crate) fn tick_font() -> TextStyle<'static> {
    (FAMILY, 16).into_font().into()
}

/// Formats a tick or legend value: at most 6 significant digits and no trailing zeros, so
/// `1000.0` reads `1000` and `0.30000000000000004` reads `0.3`.
fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let digits = if v == 0.0 {
        0
    } else {
        6 - 1 - v.abs().log10().floor() as i32
    };
    let text = format!("{:.*}", digits.clamp(0, 12) as usize, v);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    // A tick a rounding error below zero would otherwise read "-0".
    if text == "-0" { "0" } else { text }.to_string()
}

/// `v` rounded to `digits` significant figures.
fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// A data value as printed on a chart: three significant figures (`-0.200351` reads
/// `-0.2`, `5.50341` reads `5.5`, `11278333` reads `11300000`).
fn fmt_sig(v: f64) -> String {
    fmt_num(round_sig(v, 3))
}

/// [`fmt_num`] in the shape plotters' label formatters take.
fn fmt_tick(v: &f64) -> String {
    fmt_num(*v)
}

/// `text` as a finite number, if it is one.
fn finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Orders parameter values as written: numbers by value first, then text alphabetically. A
/// total order even when numbers and text mix, so sorting never sees contradictions.
fn value_order(a: &str, b: &str) -> Ordering {
    match (finite(a), finite(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The mesh settings every chart shares: fonts, axis descriptions and a discreet grid.
fn style_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    x_desc: &str,
    y_desc: &str,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(tick_font())
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(BLACK.mix(0.04))
        .max_light_lines(4)
}

/// The upper corner of the plot that holds the legend.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Corner {
    UpperLeft,
    UpperRight,
}

/// Draws the legend of the series that were given a label, in `corner`.
fn draw_legend<'a, DB, CT>(chart: &mut ChartContext<'a, DB, CT>, corner: Corner) -> DrawResult
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(match corner {
            Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
            Corner::UpperRight => SeriesLabelPosition::UpperRight,
        })
        .label_font(label_font())
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Axis ranges
// ---------------------------------------------------------------------------------------------

/// A closed interval of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    lo: f64,
    hi: f64,
}

impl Span {
    /// The smallest interval holding every finite value (positive ones only when `log`, since a
    /// log axis cannot show the rest); `None` when there is no such value.
    fn of(values: impl IntoIterator<Item = f64>, log: bool) -> Option<Span> {
        values
            .into_iter()
            .filter(|v| v.is_finite() && (!log || *v > 0.0))
            .fold(None, |s: Option<Span>, v| {
                Some(match s {
                    None => Span { lo: v, hi: v },
                    Some(s) => Span {
                        lo: s.lo.min(v),
                        hi: s.hi.max(v),
                    },
                })
            })
    }

    /// The interval with a 5 % margin on each side (in log space for a log axis), widened
    /// around the value when it is a single point so the axis is never degenerate.
    fn padded(self, log: bool) -> Span {
        if log {
            let (lo, hi) = (self.lo.ln(), self.hi.ln());
            let pad = if hi > lo { (hi - lo) * 0.05 } else { 2f64.ln() };
            Span {
                lo: (lo - pad).exp(),
                hi: (hi + pad).exp(),
            }
        } else {
            let pad = if self.hi > self.lo {
                (self.hi - self.lo) * 0.05
            } else if self.lo != 0.0 {
                self.lo.abs() * 0.1
            } else {
                1.0
            };
            Span {
                lo: self.lo - pad,
                hi: self.hi + pad,
            }
        }
    }

    /// Pulls padded ends back to hard limits (e.g. 0 yuan, 100 %) that the data respects, so the
    /// axis does not invite reading impossible values. `data` is the unpadded span.
    fn clip(self, data: Span, min: f64, max: f64) -> Span {
        Span {
            lo: if data.lo >= min {
                self.lo.max(min)
            } else {
                self.lo
            },
            hi: if data.hi <= max {
                self.hi.min(max)
            } else {
                self.hi
            },
        }
    }

    /// Axis span of quantities that cannot be negative (costs, hours, shares, counts): padded
    /// and clipped at zero; `[0, 1]` when there is nothing to show.
    fn non_negative(values: impl IntoIterator<Item = f64>) -> Span {
        let data = Span::of(values, false).unwrap_or(Span { lo: 0.0, hi: 1.0 });
        data.padded(false).clip(data, 0.0, f64::INFINITY)
    }

    fn range(self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Estimated width in pixels of the tick label of `v` (16 px DejaVu Sans digits).
fn tick_label_px(v: f64) -> f64 {
    fmt_num(v).chars().count() as f64 * 10.5
}

/// Tick positions for a log axis over `span`, `plot_px` pixels long: the densest of the usual
/// steps (0.1, 0.5, 1 per unit of each decade, then 1-2-5, 1-3, powers of ten, every other
/// power of ten, ...) whose labels do not touch.
///
/// plotters' own log ticks are only the powers of ten, so an axis spanning e.g. 2000..8000
/// would get no tick label at all, and on a narrow panel its labels can overlap.
fn log_ticks(span: Span, plot_px: f64) -> Vec<f64> {
    let first = span.lo.log10().floor() as i32;
    let last = span.hi.log10().ceil() as i32;
    let ticks = |mantissas: &[f64], every: i32| -> Vec<f64> {
        (first..=last)
            .filter(|d| (d - first) % every == 0)
            .flat_map(|d| mantissas.iter().map(move |m| m * 10f64.powi(d)))
            .filter(|v| *v >= span.lo && *v <= span.hi)
            .collect()
    };
    let px_per_ln = plot_px / (span.hi.ln() - span.lo.ln());
    let fits = |t: &[f64]| {
        t.len() >= 2
            && t.windows(2).all(|w| {
                let gap = (w[1].ln() - w[0].ln()) * px_per_ln;
                gap >= (tick_label_px(w[0]) + tick_label_px(w[1])) / 2.0 + 14.0
            })
    };
    let tenths: Vec<f64> = (10..100).map(|m| f64::from(m) / 10.0).collect();
    let halves: Vec<f64> = (2..20).map(|m| f64::from(m) / 2.0).collect();
    let units: Vec<f64> = (1..10).map(f64::from).collect();
    let steps: [&[f64]; 6] = [
        &tenths,
        &halves,
        &units,
        &[1.0, 2.0, 5.0],
        &[1.0, 3.0],
        &[1.0],
    ];
    for mantissas in steps {
        let t = ticks(mantissas, 1);
        if fits(&t) {
            return t;
        }
    }
    for every in 2..=(last - first).max(2) {
        let t = ticks(&[1.0], every);
        if fits(&t) {
            return t;
        }
    }
    // Narrower than the finest step, or too short for any: label the ends.
    vec![span.lo, span.hi]
}

// ---------------------------------------------------------------------------------------------
// Single-panel Cartesian charts: a frame (title, axes) plus layers (what is drawn in it)
// ---------------------------------------------------------------------------------------------

/// Title, axis descriptions and axis ranges of one Cartesian panel.
struct Frame {
    title: String,
    /// Title height in pixels: [`TITLE_PX`], or [`PANEL_TITLE_PX`] for a panel.
    title_px: u32,
    x_desc: String,
    y_desc: String,
    x: Span,
    log_x: bool,
    y: Span,
    /// Where the legend of the labelled series goes; `None` for no legend.
    legend: Option<Corner>,
    /// Size in pixels of the drawing area the frame gets (the whole chart, or a panel of it).
    area: (u32, u32),
}

impl Frame {
    /// Estimated width and height in pixels of the plotting area, inside margins, caption and
    /// label areas (see [`Panel::draw_with`]).
    fn plot_px(&self) -> (f64, f64) {
        let w = f64::from(self.area.0) - 140.0;
        let h = f64::from(self.area.1) - 110.0 - 1.5 * f64::from(self.title_px);
        (w.max(1.0), h.max(1.0))
    }

    /// Gives the frame a legend of `labels` in the upper corner where the data is lowest, and
    /// raises the top of the y axis until the legend box covers none of `lines` there.
    ///
    /// The legend's size is estimated from the label lengths and the fonts used.
    fn fit_legend(&mut self, lines: &[Vec<(f64, f64)>], labels: &[&str]) {
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
trait Layers {
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
struct Panel<L> {
    frame: Frame,
    layers: L,
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
fn legend_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style)
}

/// A legend sample of a filled area or bar: a small box in `c`.
fn legend_box(c: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 7), (x + 24, y + 7)], c.filled())
}

/// A legend sample of a dashed reference line: two dashes in `style`.
fn legend_dashes(
    style: ShapeStyle,
) -> impl Fn((i32, i32)) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, u32> {
    move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 24, y)], 9, 6, style)
}

/// One point of a mean with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BandPoint {
    x: f64,
    mean: f64,
    low: f64,
    high: f64,
}

/// A mean line with its confidence band, e.g. one value of the second sweep parameter.
#[derive(Debug, Clone, PartialEq)]
struct BandSeries {
    /// Legend entry, e.g. `network.hubs = 3`; `None` when there is a single series.
    label: Option<String>,
    /// Sorted by x.
    points: Vec<BandPoint>,
    /// Whether the points form a line with a band (one group of a grid), or stand alone
    /// with their own interval whiskers (points of different groups).
    connect: bool,
}

/// Layers of mean lines with shaded bands, plus an optional dashed horizontal reference line.
struct Bands {
    series: Vec<BandSeries>,
    reference: Option<(f64, String)>,
}

/// Legend entry of interval whiskers.
const CI_LABEL: &str = "95 % confidence interval";

/// Legend entry of the shaded confidence bands.
const BAND_LABEL: &str = "95 % confidence band";

impl Bands {
    /// Whether a band with some width is drawn (a connected series whose interval is not
    /// just its mean).
    fn has_band(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.connect && s.points.iter().any(|p| p.high > p.low))
    }

    /// Every y value drawn, for the axis range.
    fn ys(&self) -> impl Iterator<Item = f64> + '_ {
        let points = self.series.iter().flat_map(|s| &s.points);
        points
            .flat_map(|p| [p.mean, p.low, p.high])
            .chain(self.reference.iter().map(|r| r.0))
    }

    /// Every x value drawn, for the axis range.
    fn xs(&self) -> impl Iterator<Item = f64> + '_ {
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
struct Stack {
    xs: Vec<f64>,
    /// (legend name, value at each x), bottom layer first.
    layers: Vec<(String, Vec<f64>)>,
}

impl Stack {
    /// The cumulative top of each layer at each x, bottom layer first.
    fn tops(&self) -> Vec<Vec<f64>> {
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
struct Bars {
    bars: Vec<(f64, f64, f64)>,
    marker: Option<(f64, String)>,
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

// ---------------------------------------------------------------------------------------------
// Reading input files
// ---------------------------------------------------------------------------------------------

/// An [`Error::Input`] about `file`.
fn input_error(
    file: &Path,
    line: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
) -> Error {
    Error::Input(InputError {
        file: file.to_path_buf(),
        line,
        field: field.map(str::to_string),
        message: message.into(),
    })
}

/// Reads and parses a JSON file into `T`, reporting syntax and shape errors with their line.
fn read_json<T: for<'de> Deserialize<'de>>(file: &Path) -> Result<T> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the line goes into its own field.
        let message = match message.rfind(" at line ") {
            Some(i) if e.line() > 0 => message[..i].to_string(),
            _ => message,
        };
        input_error(file, (e.line() > 0).then_some(e.line()), None, message)
    })
}

/// A CSV file held in memory, with helpers that turn bad cells into errors naming the file,
/// line and column.
struct Table {
    file: PathBuf,
    headers: Vec<String>,
    rows: Vec<Row>,
}

/// One data record and the 1-based line it starts on.
struct Row {
    line: usize,
    record: csv::StringRecord,
}

impl Table {
    fn read(file: &Path) -> Result<Table> {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let csv_error = |e: csv::Error| {
            let line = e.position().map(|p| p.line() as usize);
            input_error(file, line, None, e.to_string())
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let headers = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                let record = r.map_err(csv_error)?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                Ok(Row { line, record })
            })
            .collect::<Result<_>>()?;
        Ok(Table {
            file: file.to_path_buf(),
            headers,
            rows,
        })
    }

    /// Index of the column named `name`, if there is one.
    fn find(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Index of the column named `name`, or an error saying it is missing.
    fn column(&self, name: &str) -> Result<usize> {
        self.find(name)
            .ok_or_else(|| input_error(&self.file, Some(1), Some(name), "missing column"))
    }

    fn cell<'r>(&self, row: &'r Row, col: usize) -> &'r str {
        row.record.get(col).unwrap_or("")
    }

    fn cell_error(&self, row: &Row, col: usize, message: String) -> Error {
        let field = self.headers.get(col).map(String::as_str);
        input_error(&self.file, Some(row.line), field, message)
    }

    /// The cell as a finite number; empty, unparsable and non-finite cells are errors.
    fn number(&self, row: &Row, col: usize) -> Result<f64> {
        let text = self.cell(row, col);
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ if text.is_empty() => {
                Err(self.cell_error(row, col, "expected a number, found an empty cell".into()))
            }
            _ => Err(self.cell_error(
                row,
                col,
                format!("expected a finite number, found `{text}`"),
            )),
        }
    }

    /// The cell as a number; `None` when empty or NaN (e.g. the CI of a single replication).
    fn optional(&self, row: &Row, col: usize) -> Result<Option<f64>> {
        let text = self.cell(row, col);
        if text.is_empty() || text.eq_ignore_ascii_case("nan") {
            return Ok(None);
        }
        self.number(row, col).map(Some)
    }

    /// The cell as a whole number ≥ 0 (a count).
    fn count(&self, row: &Row, col: usize) -> Result<u64> {
        let text = self.cell(row, col);
        text.parse::<u64>().map_err(|_| {
            self.cell_error(
                row,
                col,
                format!("expected a whole number ≥ 0, found `{text}`"),
            )
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Sweep folders
// ---------------------------------------------------------------------------------------------

/// The parts of `sweep.json` the charts need.
#[derive(Debug, Deserialize)]
struct SweepFile {
    name: String,
    parameters: Vec<SweepParameter>,
}

/// One swept parameter: its dotted scenario path (also its column in points.csv) and whether
/// its values are spread logarithmically.
#[derive(Debug, Deserialize)]
struct SweepParameter {
    path: String,
    #[serde(default)]
    log: bool,
}

/// A sweep point with at least one successful replication.
struct SweepPoint {
    /// Index into `Sweep::table.rows`.
    row: usize,
    /// Value of parameters[0].
    x: f64,
    /// Values of parameters[1..] as written (numbers or text): one line is drawn per distinct
    /// group.
    group: Vec<String>,
}

/// A loaded sweep folder.
struct Sweep {
    name: String,
    parameters: Vec<SweepParameter>,
    table: Table,
    points: Vec<SweepPoint>,
    /// Cost activities found in the header (`cost_<activity>_yuan_mean`), in header order.
    activities: Vec<String>,
    /// Labels of a text x parameter, in the order of their positions 0, 1, 2...
    x_labels: Vec<String>,
}

impl Sweep {
    fn load(dir: &Path) -> Result<Sweep> {
        let json = dir.join("sweep.json");
        let file: SweepFile = read_json(&json)?;
        if file.parameters.is_empty() {
            return Err(input_error(
                &json,
                None,
                Some("parameters"),
                "lists no parameter; the first one is the x axis of the charts",
            ));
        }
        let table = Table::read(&dir.join("points.csv"))?;
        let runs_ok = table.column("runs_ok")?;
        let param_cols = file
            .parameters
            .iter()
            .map(|p| table.column(&p.path))
            .collect::<Result<Vec<_>>>()?;
        // A text parameter on the x axis (say `manual`, `automated`) is drawn at positions
        // 0, 1, 2... in value order, named in the axis description.
        let mut x_labels: Vec<String> = table
            .rows
            .iter()
            .map(|row| table.cell(row, param_cols[0]).to_string())
            .filter(|c| !c.is_empty() && finite(c).is_none())
            .collect();
        if !x_labels.is_empty() {
            x_labels = table
                .rows
                .iter()
                .map(|row| table.cell(row, param_cols[0]).to_string())
                .collect();
            x_labels.sort_by(|a, b| value_order(a, b));
            x_labels.dedup();
        }
        let mut points = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            if table.count(row, runs_ok)? == 0 {
                continue;
            }
            let x = if x_labels.is_empty() {
                table.number(row, param_cols[0])?
            } else {
                let cell = table.cell(row, param_cols[0]);
                x_labels.iter().position(|l| l == cell).unwrap_or(0) as f64
            };
            if file.parameters[0].log && x <= 0.0 {
                return Err(table.cell_error(
                    row,
                    param_cols[0],
                    format!("{x} is not > 0, but the parameter is swept on a log scale"),
                ));
            }
            points.push(SweepPoint {
                row: i,
                x,
                group: param_cols[1..]
                    .iter()
                    .map(|&c| table.cell(row, c).to_string())
                    .collect(),
            });
        }
        if points.is_empty() {
            return Err(input_error(
                &table.file,
                None,
                Some("runs_ok"),
                "no sweep point has a successful run (runs_ok > 0); nothing to plot",
            ));
        }
        let activities = table
            .headers
            .iter()
            .filter_map(|h| h.strip_prefix("cost_")?.strip_suffix("_yuan_mean"))
            .filter(|a| !a.is_empty() && *a != "per_parcel")
            .map(str::to_string)
            .collect();
        Ok(Sweep {
            name: file.name,
            parameters: file.parameters,
            table,
            points,
            activities,
            x_labels,
        })
    }

    /// The x-axis parameter.
    fn x_parameter(&self) -> &SweepParameter {
        &self.parameters[0]
    }

    /// Description of the x axis: the parameter in words with its unit, its scenario path,
    /// and whether the scale is logarithmic.
    fn x_desc(&self) -> String {
        let p = self.x_parameter();
        let words = parameter_desc(&p.path);
        if !self.x_labels.is_empty() {
            let named: Vec<String> = self
                .x_labels
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{i} = {l}"))
                .collect();
            format!("{words} ({})", named.join(", "))
        } else if p.log {
            format!("{words} — log scale")
        } else {
            words
        }
    }

    /// The points grouped by the values of parameters[1..] (groups in ascending order, see
    /// [`value_order`]), each group sorted by x.
    fn groups(&self) -> Vec<(&[String], Vec<&SweepPoint>)> {
        let mut groups: Vec<(&[String], Vec<&SweepPoint>)> = Vec::new();
        for p in &self.points {
            match groups.iter_mut().find(|(g, _)| *g == p.group.as_slice()) {
                Some((_, members)) => members.push(p),
                None => groups.push((&p.group, vec![p])),
            }
        }
        groups.sort_by(|a, b| {
            a.0.iter()
                .zip(b.0)
                .map(|(x, y)| value_order(x, y))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        for (_, members) in &mut groups {
            members.sort_by(|a, b| a.x.total_cmp(&b.x));
        }
        groups
    }

    /// Legend entry of a group, e.g. `network.hubs = 3`; `None` with a single parameter.
    fn group_label(&self, group: &[String]) -> Option<String> {
        if group.is_empty() {
            return None;
        }
        let parts: Vec<String> = self.parameters[1..]
            .iter()
            .zip(group)
            .map(|(p, v)| match finite(v) {
                Some(n) => format!("{} = {}", p.path, fmt_num(n)),
                None => format!("{} = {v}", p.path),
            })
            .collect();
        Some(parts.join(", "))
    }

    /// Mean and 95 % CI of `metric` (columns `<metric>_mean`, `_ci_low`, `_ci_high`), times
    /// `scale`, one series per group.
    ///
    /// A point whose mean is empty (no successful run measured it) is left out; a missing or
    /// empty CI cell (a single replication) collapses the band to the mean. With more groups
    /// than [`MAX_LINES`], as in a Latin hypercube where every point has its own values of the other
    /// parameters, lines would connect unrelated points: all points then form one unconnected
    /// series.
    fn bands(&self, metric: &str, scale: f64) -> Result<Vec<BandSeries>> {
        let t = &self.table;
        let mean = t.column(&format!("{metric}_mean"))?;
        let low = t.find(&format!("{metric}_ci_low"));
        let high = t.find(&format!("{metric}_ci_high"));
        let bound = |row: &Row, col: Option<usize>, mean: f64| -> Result<f64> {
            Ok(match col {
                Some(c) => t.optional(row, c)?.unwrap_or(mean),
                None => mean,
            })
        };
        let band_point = |p: &SweepPoint| -> Result<Option<BandPoint>> {
            let row = &t.rows[p.row];
            let Some(m) = t.optional(row, mean)? else {
                return Ok(None);
            };
            Ok(Some(BandPoint {
                x: p.x,
                mean: m * scale,
                low: bound(row, low, m)? * scale,
                high: bound(row, high, m)? * scale,
            }))
        };
        let groups = self.groups();
        let series: Vec<(Option<String>, Vec<&SweepPoint>, bool)> = if groups.len() > MAX_LINES {
            let mut all: Vec<&SweepPoint> = self.points.iter().collect();
            all.sort_by(|a, b| a.x.total_cmp(&b.x));
            let others: Vec<&str> = self.parameters[1..]
                .iter()
                .map(|p| p.path.as_str())
                .collect();
            let verb = if others.len() == 1 { "varies" } else { "vary" };
            let label = format!("sweep points ({} {verb})", others.join(", "));
            vec![(Some(label), all, false)]
        } else {
            groups
                .into_iter()
                .map(|(group, members)| {
                    let label = self
                        .group_label(group)
                        .unwrap_or_else(|| "mean of the replications".to_string());
                    (Some(label), members, true)
                })
                .collect()
        };
        let mut out = Vec::new();
        for (label, members, connect) in series {
            let mut points = Vec::new();
            for p in members {
                points.extend(band_point(p)?);
            }
            if !points.is_empty() {
                out.push(BandSeries {
                    label,
                    points,
                    connect,
                });
            }
        }
        Ok(out)
    }

    /// Mean cost of each activity over the first group, as stacked layers.
    fn activity_stack(&self) -> Result<(Stack, Option<String>)> {
        if self.activities.is_empty() {
            return Err(input_error(
                &self.table.file,
                Some(1),
                None,
                "no cost_<activity>_yuan_mean column; cannot draw the cost by activity",
            ));
        }
        let groups = self.groups();
        let Some((group, members)) = groups.first() else {
            return Err(input_error(
                &self.table.file,
                None,
                None,
                "no sweep point to plot",
            ));
        };
        let t = &self.table;
        let cols = self
            .activities
            .iter()
            .map(|a| t.column(&format!("cost_{a}_yuan_mean")))
            .collect::<Result<Vec<_>>>()?;
        let mut xs = Vec::new();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); cols.len()];
        for p in members {
            let row = &t.rows[p.row];
            let costs = cols
                .iter()
                .map(|&c| t.optional(row, c))
                .collect::<Result<Option<Vec<f64>>>>()?;
            // A point without every activity's cost cannot be stacked: leave it out.
            if let Some(costs) = costs {
                xs.push(p.x);
                values.iter_mut().zip(costs).for_each(|(v, c)| v.push(c));
            }
        }
        let stack = Stack {
            xs,
            layers: self
                .activities
                .iter()
                .map(|a| a.replace('_', " "))
                .zip(values)
                .collect(),
        };
        Ok((stack, self.group_label(group)))
    }

    /// Axis span of the swept parameter over the given x values.
    fn x_span(&self, xs: impl IntoIterator<Item = f64>) -> Span {
        let log = self.x_parameter().log;
        let data = Span::of(xs, log).unwrap_or(Span { lo: 1.0, hi: 1.0 });
        let padded = data.padded(log);
        if log {
            padded
        } else {
            padded.clip(data, 0.0, f64::INFINITY)
        }
    }

    /// A [`Frame`] on the swept parameter with the given title, y axis and range, no legend.
    fn frame(&self, title: String, y_desc: &str, x: Span, y: Span, area: (u32, u32)) -> Frame {
        Frame {
            title,
            title_px: TITLE_PX,
            x_desc: self.x_desc(),
            y_desc: y_desc.to_string(),
            x,
            log_x: self.x_parameter().log,
            y,
            legend: None,
            area,
        }
    }

    /// A panel of mean lines with bands, drawn on an `area` of that many pixels, with axis
    /// ranges taken from what it shows.
    ///
    /// `possible` is the range the metric can take (e.g. 0..100 %): a Student-t interval from
    /// a few replications can reach past it (below 0 hours, above 100 %), so the bands are
    /// cut there rather than show impossible values.
    fn band_panel(
        &self,
        title: String,
        title_px: u32,
        y_desc: &str,
        mut bands: Bands,
        possible: Span,
        area: (u32, u32),
    ) -> Panel<Bands> {
        for p in bands.series.iter_mut().flat_map(|s| &mut s.points) {
            p.low = p.low.max(possible.lo).min(possible.hi);
            p.high = p.high.max(possible.lo).min(possible.hi);
        }
        let x = self.x_span(bands.xs());
        let data = Span::of(bands.ys(), false).unwrap_or(Span { lo: 0.0, hi: 1.0 });
        let y = data.padded(false).clip(data, 0.0, possible.hi);
        let mut frame = self.frame(title, y_desc, x, y, area);
        frame.title_px = title_px;
        // Tops of what is drawn; unconnected points each stand alone.
        let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
        for s in &bands.series {
            let tops = s.points.iter().map(|p| (p.x, p.high));
            if s.connect {
                lines.push(tops.collect());
            } else {
                lines.extend(tops.map(|t| vec![t]));
            }
        }
        let mut labels: Vec<&str> = bands
            .series
            .iter()
            .filter_map(|s| s.label.as_deref())
            .collect();
        if bands.has_band() {
            labels.push(BAND_LABEL);
        }
        if let Some((price, label)) = &bands.reference {
            lines.push(vec![(x.lo, *price), (x.hi, *price)]);
            labels.push(label);
        }
        if !labels.is_empty() {
            frame.fit_legend(&lines, &labels);
        }
        Panel {
            frame,
            layers: bands,
        }
    }
}

/// The three sweep charts, ready to draw.
struct SweepCharts {
    cost_curve: Panel<Bands>,
    by_activity: Panel<Stack>,
    service: Service,
}

impl SweepCharts {
    fn new(sweep: &Sweep, price_yuan: f64) -> Result<SweepCharts> {
        let cost_curve = sweep.band_panel(
            format!("Cost per parcel — {}", sweep.name),
            TITLE_PX,
            "yuan per delivered parcel",
            Bands {
                series: sweep.bands("cost_per_parcel_yuan", 1.0)?,
                reference: Some((price_yuan, price_label(price_yuan))),
            },
            // Net of other revenue a cost may in principle be negative.
            Span {
                lo: f64::NEG_INFINITY,
                hi: f64::INFINITY,
            },
            SIZE,
        );

        let (stack, group) = sweep.activity_stack()?;
        let title = match group {
            Some(g) => format!("Cost per parcel by activity ({g})"),
            None => "Cost per parcel by activity".to_string(),
        };
        let x = sweep.x_span(stack.xs.iter().copied());
        let tops = stack.tops();
        let y = Span::non_negative(tops.iter().flatten().copied().chain([0.0]));
        let mut frame = sweep.frame(title, "yuan per parcel", x, y, SIZE);
        let total: Vec<(f64, f64)> = match tops.last() {
            Some(top) => stack.xs.iter().copied().zip(top.iter().copied()).collect(),
            None => Vec::new(),
        };
        let labels: Vec<&str> = stack.layers.iter().map(|l| l.0.as_str()).collect();
        frame.fit_legend(&[total], &labels);
        let by_activity = Panel {
            frame,
            layers: stack,
        };

        // Each service panel gets half the width, under the common title.
        let panel_area = (SIZE.0 / 2, SIZE.1 - 2 * TITLE_PX);

        let on_time = sweep.band_panel(
            "On-time rate".into(),
            PANEL_TITLE_PX,
            "parcels signed within the promise (%)",
            Bands {
                series: sweep.bands("on_time_rate", 100.0)?,
                reference: None,
            },
            Span { lo: 0.0, hi: 100.0 },
            panel_area,
        );
        let p95 = sweep.band_panel(
            "Transit time, 95th percentile".into(),
            PANEL_TITLE_PX,
            "hours from pickup to signature",
            Bands {
                series: sweep.bands("transit_hours_p95", 1.0)?,
                reference: None,
            },
            Span {
                lo: 0.0,
                hi: f64::INFINITY,
            },
            panel_area,
        );
        let service = Service {
            title: format!("Service level — {}", sweep.name),
            panels: [on_time, p95],
        };
        Ok(SweepCharts {
            cost_curve,
            by_activity,
            service,
        })
    }
}

/// Two band panels side by side under a common title.
struct Service {
    title: String,
    panels: [Panel<Bands>; 2],
}

impl Chart for Service {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let px = fitting_title_px(&self.title, TITLE_PX, SIZE.0);
        let body = root.titled(&self.title, title_font(px))?;
        for (area, panel) in body.split_evenly((1, 2)).iter().zip(&self.panels) {
            panel.draw(area)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Run folders
// ---------------------------------------------------------------------------------------------

/// The parts of `summary.json` the charts need.
#[derive(Debug, Deserialize)]
struct RunSummary {
    scenario: String,
    cost_per_parcel_yuan: f64,
    #[serde(default)]
    order_to_pickup_hours_mean: f64,
    #[serde(default)]
    transit_hours_mean: f64,
    /// The delivery promise (h); 0 when the file has none.
    #[serde(default)]
    promise_hours: f64,
    shop: Option<ShopFigures>,
}

/// The parts of `summary.json`'s `shop` the shop charts need (yuan per shipped order, h).
#[derive(Debug, Deserialize)]
struct ShopFigures {
    placed_to_packed_hours_mean: f64,
    fulfilment_labour_per_order: f64,
    packaging_per_order: f64,
    defect_replacement_per_order: f64,
    shipping_price_per_order: f64,
    returns_shipping_per_order: f64,
    complaint_handling_per_order: f64,
    claims_recovered_per_order: f64,
    cost_per_order: f64,
}

/// Width of the histogram bars (hours); the run writes 0.1 h bins, too fine to read.
const HIST_BIN_HOURS: f64 = 2.0;

/// A loaded run folder.
struct RunData {
    summary: RunSummary,
    /// (bar start in hours, parcels), ascending, bars [`HIST_BIN_HOURS`] wide.
    transit: Vec<(f64, f64)>,
    /// (activity, yuan per parcel) in file order, without the `total` row.
    breakdown: Vec<(String, f64)>,
}

impl RunData {
    fn load(dir: &Path) -> Result<RunData> {
        let summary: RunSummary = read_json(&dir.join("summary.json"))?;

        let hist = Table::read(&dir.join("transit_histogram.csv"))?;
        let (from, parcels) = (hist.column("transit_hours_from")?, hist.column("parcels")?);
        let mut bins: BTreeMap<i64, f64> = BTreeMap::new();
        for row in &hist.rows {
            let hours = hist.number(row, from)?;
            let n = hist.count(row, parcels)? as f64;
            // Bin starts are multiples of 0.1 h written with one decimal; the tiny nudge keeps
            // 3.9999999 (= 4.0 in the file) out of the 2–4 h bar.
            let bin = ((hours + 1e-9) / HIST_BIN_HOURS).floor() as i64;
            *bins.entry(bin).or_default() += n;
        }
        let transit = bins
            .into_iter()
            .map(|(b, n)| (b as f64 * HIST_BIN_HOURS, n))
            .collect();

        let costs = Table::read(&dir.join("cost_breakdown.csv"))?;
        let (activity, per_parcel) = (costs.column("activity")?, costs.column("yuan_per_parcel")?);
        let breakdown = costs
            .rows
            .iter()
            .filter(|row| costs.cell(row, activity) != "total")
            .map(|row| {
                Ok((
                    costs.cell(row, activity).to_string(),
                    costs.number(row, per_parcel)?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(RunData {
            summary,
            transit,
            breakdown,
        })
    }

    fn histogram_chart(&self) -> Panel<Bars> {
        let all: Vec<(f64, f64, f64)> = self
            .transit
            .iter()
            .map(|&(from, n)| (from, from + HIST_BIN_HOURS, n))
            .collect();
        let parcels: f64 = all.iter().map(|b| b.2).sum();
        // The long thin tail is cut where 99.9 % of the parcels have arrived (but never
        // before the promise), and the title says how many parcels lie beyond.
        let promise = self.summary.promise_hours;
        let mut seen = 0.0;
        let mut end = f64::INFINITY;
        for b in &all {
            seen += b.2;
            if seen >= 0.999 * parcels {
                end = b.1.max(promise + HIST_BIN_HOURS);
                break;
            }
        }
        let bars: Vec<(f64, f64, f64)> = all.iter().copied().filter(|b| b.0 < end).collect();
        let hidden: f64 = parcels - bars.iter().map(|b| b.2).sum::<f64>();
        let marker = (promise > 0.0).then(|| (promise, format!("promise: {} h", fmt_num(promise))));
        let x = Span::non_negative(
            bars.iter()
                .flat_map(|b| [b.0, b.1])
                .chain([0.0])
                .chain(marker.as_ref().map(|m| m.0)),
        );
        let y = Span::non_negative(bars.iter().map(|b| b.2).chain([0.0]));
        let beyond = if hidden > 0.0 {
            format!(
                "; {} beyond {} h not shown",
                fmt_num(hidden),
                fmt_num(bars.last().map_or(0.0, |b| b.1))
            )
        } else {
            String::new()
        };
        let mut frame = Frame {
            title_px: TITLE_PX,
            title: format!(
                "Transit time — {} ({} parcels, {} h bars{beyond})",
                self.summary.scenario,
                fmt_num(parcels),
                fmt_num(HIST_BIN_HOURS)
            ),
            x_desc: "transit time, pickup to signature (hours)".into(),
            y_desc: format!("parcels per {} h bar", fmt_num(HIST_BIN_HOURS)),
            x,
            log_x: false,
            y,
            legend: None,
            area: SIZE,
        };
        let mut tops: Vec<Vec<(f64, f64)>> =
            bars.iter().map(|b| vec![(b.0, b.2), (b.1, b.2)]).collect();
        let mut labels = vec!["parcels"];
        if let Some(m) = &marker {
            // The marker runs the full height: keep the legend off it.
            tops.push(vec![(m.0, y.hi)]);
            labels.push(&m.1);
        }
        frame.fit_legend(&tops, &labels);
        Panel {
            frame,
            layers: Bars { bars, marker },
        }
    }

    /// With a shop: its cost per shipped order by item (claims recovered are netted into
    /// the title's total, not drawn below zero), and where an order's time goes.
    fn shop_charts(&self) -> Option<(Breakdown, Breakdown)> {
        let s = &self.summary;
        let shop = s.shop.as_ref()?;
        let cost = Breakdown {
            unit: "yuan per shipped order",
            title: format!(
                "Shop cost per shipped order — {}: {} yuan (after {} claims recovered)",
                s.scenario,
                fmt_sig(shop.cost_per_order),
                fmt_sig(shop.claims_recovered_per_order)
            ),
            starts: Vec::new(),
            rows: vec![
                ("packing labour".into(), shop.fulfilment_labour_per_order),
                ("packaging".into(), shop.packaging_per_order),
                ("defects replaced".into(), shop.defect_replacement_per_order),
                ("shipping".into(), shop.shipping_price_per_order),
                (
                    "returns and exchanges".into(),
                    shop.returns_shipping_per_order,
                ),
                (
                    "complaint handling".into(),
                    shop.complaint_handling_per_order,
                ),
            ],
        };
        // Nested intervals, each drawn where it lies on the order's clock: they overlap,
        // they do not add up (the carrier's part starts at pickup).
        let pickup = s.order_to_pickup_hours_mean;
        let time = Breakdown {
            unit: "hours after the order was placed (mean)",
            title: format!(
                "Where an order's time goes — {} (nested intervals, mean hours)",
                s.scenario
            ),
            starts: vec![0.0, 0.0, pickup, 0.0],
            rows: vec![
                (
                    "order placed → packed".into(),
                    shop.placed_to_packed_hours_mean,
                ),
                (
                    "order placed → picked up".into(),
                    s.order_to_pickup_hours_mean,
                ),
                (
                    "picked up → signed (carrier)".into(),
                    pickup + s.transit_hours_mean,
                ),
                (
                    "order placed → signed".into(),
                    s.order_to_pickup_hours_mean + s.transit_hours_mean,
                ),
            ],
        };
        Some((cost, time))
    }

    fn breakdown_chart(&self) -> Breakdown {
        Breakdown {
            unit: "yuan per delivered parcel",
            title: format!(
                "Cost per parcel by activity — {}: total {} yuan",
                self.summary.scenario,
                fmt_sig(self.summary.cost_per_parcel_yuan)
            ),
            starts: Vec::new(),
            rows: self
                .breakdown
                .iter()
                .map(|(a, v)| (a.replace('_', " "), *v))
                .collect(),
        }
    }
}

/// Horizontal bars, one per row, first row at the top: yuan per parcel by activity, or
/// intervals on a clock.
///
/// Not a [`Panel`]: its y axis is categorical (activity names), not a number.
struct Breakdown {
    title: String,
    /// What the bars measure, with the unit.
    unit: &'static str,
    /// (name, where the bar ends).
    rows: Vec<(String, f64)>,
    /// Where each bar starts (empty: all at 0). The label after a bar is its length.
    starts: Vec<f64>,
}

impl Chart for Breakdown {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let n = self.rows.len();
        let data = Span::of(self.rows.iter().map(|r| r.1).chain([0.0]), false)
            .unwrap_or(Span { lo: 0.0, hi: 1.0 });
        // Extra room on the right for the value printed after each bar.
        let x = data.padded(false).clip(data, 0.0, f64::INFINITY);
        let x = Span {
            lo: x.lo,
            hi: x.hi + (x.hi - x.lo) * 0.1,
        };
        // Segment i (from the bottom) holds row n-1-i, so the file order reads top-down.
        let name_of = |seg: &SegmentValue<i32>| match seg {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| n.checked_sub(i + 1))
                .and_then(|r| self.rows.get(r))
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        // Integer ranges include their end: segments 0..=segments-1, one per activity.
        let segments = i32::try_from(n.max(1)).unwrap_or(i32::MAX);
        let px = fitting_title_px(&self.title, TITLE_PX, SIZE.0);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_font(px))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(240)
            .build_cartesian_2d(x.range(), (0..segments - 1).into_segmented())?;
        style_mesh(&mut chart.configure_mesh(), self.unit, "")
            .disable_y_mesh()
            .y_labels(n.max(1))
            .x_label_formatter(&fmt_tick)
            .y_label_formatter(&name_of)
            .draw()?;
        let segment = |i: usize| i32::try_from(n - 1 - i).unwrap_or(0);
        let start = |i: usize| self.starts.get(i).copied().unwrap_or(0.0);
        chart.draw_series(self.rows.iter().enumerate().map(|(i, (_, v))| {
            let s = segment(i);
            let mut r = Rectangle::new(
                [
                    (start(i), SegmentValue::Exact(s)),
                    (*v, SegmentValue::Exact(s + 1)),
                ],
                colour(0).filled(),
            );
            r.set_margin(8, 8, 0, 0);
            r
        }))?;
        chart.draw_series(self.rows.iter().enumerate().map(|(i, (_, v))| {
            Text::new(
                format!(" {}", fmt_sig(v - start(i))),
                (v.max(0.0), SegmentValue::CenterOf(segment(i))),
                tick_font().pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Categorical charts: comparison and explanation folders
// ---------------------------------------------------------------------------------------------

/// The x coordinate of a categorical chart: segment `i` holds category `i`.
type Categories = SegmentedCoord<RangedCoordi32>;

/// A chart context with categories along x and numbers along y.
type CategoryChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Categories, RangedCoordf64>>;

impl Frame {
    /// A full-size frame whose x axis holds `n` categories. Its x span, one unit per category,
    /// only places the legend ([`Frame::fit_legend`]); the chart itself is drawn on
    /// [`Categories`] by [`Frame::draw_categories`].
    fn categorical(title: String, x_desc: &str, y_desc: &str, n: usize, y: Span) -> Frame {
        Frame {
            title,
            title_px: TITLE_PX,
            x_desc: x_desc.to_string(),
            y_desc: y_desc.to_string(),
            x: Span {
                lo: 0.0,
                hi: n.max(1) as f64,
            },
            log_x: false,
            y,
            legend: None,
            area: SIZE,
        }
    }

    /// Builds the chart of a categorical frame, `names[i]` under segment `i`, and draws its
    /// mesh (same margins and label areas as a [`Panel`], so [`Frame::plot_px`] holds).
    fn draw_categories<'a, DB>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        names: &[String],
    ) -> std::result::Result<CategoryChart<'a, DB>, Box<dyn std::error::Error>>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        // Integer ranges include their end: segments 0..=n-1, one per category.
        let last = i32::try_from(names.len().max(1)).unwrap_or(i32::MAX) - 1;
        let px = fitting_title_px(&self.title, self.title_px, self.area.0);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, title_font(px))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(100)
            .build_cartesian_2d((0..last).into_segmented(), self.y.range())?;
        let name_of = |seg: &SegmentValue<i32>| match seg {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| names.get(i))
                .cloned()
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        style_mesh(&mut chart.configure_mesh(), &self.x_desc, &self.y_desc)
            .disable_x_mesh()
            .x_labels(names.len().max(1))
            .x_label_formatter(&name_of)
            .y_label_formatter(&fmt_tick)
            .draw()?;
        Ok(chart)
    }

    /// Pixels left free on each side of a bar in a segment, so bars are 70 % of it.
    fn bar_margin(&self) -> u32 {
        let segments = self.x.hi - self.x.lo;
        (self.plot_px().0 / segments * 0.15).round() as u32
    }

    /// A bar in segment `i` with its top at `top` as [`Frame::fit_legend`] sees it: a line
    /// across the bar's width.
    fn bar_top(i: usize, top: f64) -> Vec<(f64, f64)> {
        vec![(i as f64 + 0.15, top), (i as f64 + 0.85, top)]
    }
}

/// A bar of segment `i` from `y0` to `y1` (either order), `margin` pixels in from each side.
fn category_bar(
    i: usize,
    y0: f64,
    y1: f64,
    style: ShapeStyle,
    margin: u32,
) -> Rectangle<(SegmentValue<i32>, f64)> {
    let s = i32::try_from(i).unwrap_or(i32::MAX - 1);
    let mut r = Rectangle::new(
        [
            (SegmentValue::Exact(s), y0.min(y1)),
            (SegmentValue::Exact(s + 1), y0.max(y1)),
        ],
        style,
    );
    r.set_margin(0, 0, margin, margin);
    r
}

/// The centre of segment `i`, where its text and whisker go.
fn centre(i: usize) -> SegmentValue<i32> {
    SegmentValue::CenterOf(i32::try_from(i).unwrap_or(i32::MAX - 1))
}

/// `text` centred just above the point `(centre(i), y)`.
fn label_above<'a, DB: DrawingBackend + 'a>(
    chart: &mut CategoryChart<'a, DB>,
    i: usize,
    y: f64,
    text: String,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(std::iter::once(
        EmptyElement::at((centre(i), y))
            + Text::new(
                text,
                (0, -6),
                tick_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
            ),
    ))?;
    Ok(())
}

/// Share of the y span a value label above a bar takes, for the legend placement.
const LABEL_SHARE: f64 = 0.05;

/// The y-axis description of a metric of `compare.csv`: its name and unit.
fn metric_desc(metric: &str) -> String {
    let unit = if (metric.starts_with("cost_") && metric.ends_with("_yuan"))
        || metric.ends_with("_yuan_per_parcel")
    {
        "yuan per delivered parcel"
    } else if metric.ends_with("_yuan") {
        "yuan"
    } else if metric.starts_with("transit_hours") {
        "hours, pickup to signature"
    } else if metric.ends_with("_rate") {
        "share, 0 to 1"
    } else if metric.ends_with("_per_million") {
        "per million parcels"
    } else if metric == "delivery_attempts_per_parcel" {
        "attempts per delivered parcel"
    } else if metric.starts_with("days") {
        "days"
    } else if metric.contains("parcels") {
        "parcels"
    } else {
        return metric.replace('_', " ");
    };
    let words = metric
        .trim_end_matches("_yuan_per_parcel")
        .trim_end_matches("_yuan")
        .trim_end_matches("_per_million")
        .replace("transit_hours", "transit_time")
        .replace("_hours", "")
        .replace('_', " ");
    format!("{words} ({unit})")
}

/// A swept parameter in words with its unit, and its path in the scenario file, e.g.
/// `parcels handed over per day — demand.daily_parcels`.
fn parameter_desc(path: &str) -> String {
    let known: &[(&str, &str)] = &[
        ("demand.daily_parcels", "parcels handed over per day"),
        ("org.layers", "management layers"),
        ("network.generate.hubs", "line-haul hubs"),
        ("network.generate.max_cities", "cities served"),
        (
            "operating_model.shop_price",
            "price the shop pays (yuan per parcel)",
        ),
        (
            "operating_model.delivery_fee",
            "delivery fee (yuan per parcel)",
        ),
        (
            "operating_model.transit_fee",
            "transit fee (yuan per parcel)",
        ),
        ("costs.sorter_wage_per_hour", "sorter wage (yuan per hour)"),
        (
            "operations.delivery.failure_rate",
            "failed delivery attempts (share)",
        ),
        (
            "revenue.other_per_parcel",
            "other revenue (yuan per parcel)",
        ),
    ];
    if let Some((_, words)) = known.iter().find(|k| k.0 == path) {
        return format!("{words} — {path}");
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    let unit = if last.ends_with("_km2") {
        " (km²)"
    } else if last.ends_with("_km") {
        " (km)"
    } else if last.ends_with("_kmh") {
        " (km/h)"
    } else if last.ends_with("_hours") || last.ends_with("_h") {
        " (hours)"
    } else if last.ends_with("_rate") || last.ends_with("_share") {
        " (share)"
    } else if last.contains("yuan") || last.ends_with("_fee") || last.ends_with("_price") {
        " (yuan)"
    } else if last.ends_with("_per_hour") {
        " (yuan per hour)"
    } else {
        ""
    };
    let words = last
        .trim_end_matches("_km2")
        .trim_end_matches("_kmh")
        .trim_end_matches("_km")
        .trim_end_matches("_yuan")
        .replace('_', " ");
    format!("{words}{unit} — {path}")
}

/// A mean and its 95 % CI (`None` with one replication).
type Total = (f64, Option<(f64, f64)>);

/// Cost per parcel of each scenario of a comparison: bars stacked by activity, the 95 % CI of
/// the total as a whisker, and a dashed line at the price.
struct CompareChart {
    frame: Frame,
    names: Vec<String>,
    /// (activity, colour index, yuan per parcel of each scenario), bottom layer first. An
    /// activity keeps its place in the file as its colour (as on the sweep's stacked chart)
    /// even when activities that cost nothing anywhere are left out.
    layers: Vec<(String, usize, Vec<f64>)>,
    /// Mean cost per parcel of each scenario and its 95 % CI.
    totals: Vec<Total>,
    price: f64,
}

impl CompareChart {
    fn load(file: &Path, price: f64) -> Result<CompareChart> {
        let t = Table::read(file)?;
        let [scenario, metric, mean, low, high] =
            ["scenario", "metric", "mean", "ci_low", "ci_high"].map(|c| t.column(c));
        let (scenario, metric, mean, low, high) = (scenario?, metric?, mean?, low?, high?);
        let mut names: Vec<String> = Vec::new();
        let mut totals: Vec<Option<Total>> = Vec::new();
        let mut layers: Vec<(String, usize, Vec<f64>)> = Vec::new();
        for row in &t.rows {
            let name = t.cell(row, scenario);
            let k = match names.iter().position(|n| n == name) {
                Some(k) => k,
                None => {
                    names.push(name.to_string());
                    totals.push(None);
                    layers.iter_mut().for_each(|l| l.2.push(0.0));
                    names.len() - 1
                }
            };
            let m = t.cell(row, metric);
            if m == "cost_per_parcel_yuan" {
                let ci = match (t.optional(row, low)?, t.optional(row, high)?) {
                    (Some(l), Some(h)) => Some((l, h)),
                    _ => None,
                };
                totals[k] = Some((t.number(row, mean)?, ci));
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
                layers[l].2[k] = t.number(row, mean)?;
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
fn price_label(price: f64) -> String {
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

/// The parts of `explain.json` the waterfall needs.
#[derive(Debug, Deserialize)]
struct ExplainFile {
    metric: String,
    from: ExplainInput,
    to: ExplainInput,
    from_value: f64,
    to_value: f64,
    attribution: Vec<ExplainLever>,
}

#[derive(Debug, Deserialize)]
struct ExplainInput {
    label: String,
}

#[derive(Debug, Deserialize)]
struct ExplainLever {
    lever: String,
    shapley: f64,
    /// 95 % CI of the Shapley value (absent with one replication).
    #[serde(default)]
    ci_low: Option<f64>,
    #[serde(default)]
    ci_high: Option<f64>,
}

/// What a bar of the waterfall shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// The metric of FROM or TO, a bar from the axis base.
    Total,
    /// A lever that lowers the metric (green) or raises it (red): a floating bar.
    Lowers,
    Raises,
    /// A lever that leaves the metric as it is: a grey bar of no height.
    Unchanged,
}

impl Step {
    fn colour(self) -> RGBColor {
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
struct Waterfall {
    frame: Frame,
    names: Vec<String>,
    /// (from, to, kind, value label) of each bar.
    bars: Vec<(f64, f64, Step, String)>,
    /// 95 % CI of each bar's end (levers with an interval only).
    whiskers: Vec<Option<(f64, f64)>>,
    metric: String,
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
    fn load(file: &Path) -> Result<Waterfall> {
        let e: ExplainFile = read_json(file)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Activities of the synthetic fixtures, as the simulator names them.
    const ACTIVITIES: [&str; 9] = [
        "waybill",
        "first_mile_pickup",
        "outlet_handling",
        "feeder",
        "sorting_labour",
        "sorting_equipment",
        "sorting_facility",
        "linehaul",
        "last_mile",
    ];

    /// Writes `name` with `text` into `dir`.
    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).expect("write fixture");
    }

    /// Every metric of points.csv, each with the columns `M_mean,M_sd,M_ci_low,M_ci_high`.
    fn metric_names() -> Vec<String> {
        let mut m: Vec<String> = [
            "cost_per_parcel_yuan",
            "on_time_rate",
            "transit_hours_p95",
            "transit_hours_mean",
            "truck_fill_rate",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        m.extend(ACTIVITIES.iter().map(|a| format!("cost_{a}_yuan")));
        m
    }

    /// Writes `sweep.json` and `points.csv` in the layout the sweep runner writes (including
    /// its `runs_failed` column). Each row is (parameter cells, runs_ok); `mean(row, metric)`
    /// gives a metric's mean, `None` for an empty cell. Rows with runs_ok = 0 get empty cells,
    /// and so do sd and CI with a single run.
    fn write_sweep(
        dir: &Path,
        name: &str,
        params: &[(&str, bool)],
        rows: &[(Vec<String>, u32)],
        mean: impl Fn(usize, &str) -> Option<f64>,
    ) {
        let list: Vec<String> = params
            .iter()
            .map(|(p, log)| format!(r#"{{"path": "{p}", "log": {log}}}"#))
            .collect();
        let json = format!(
            r#"{{"name": "{name}", "design": "grid", "replications": 3, "parameters": [{}]}}"#,
            list.join(", ")
        );
        write(dir, "sweep.json", &json);
        let metrics = metric_names();
        let mut csv = String::from("point");
        for (p, _) in params {
            write!(csv, ",{p}").expect("string");
        }
        csv.push_str(",runs_ok,runs_failed");
        for m in &metrics {
            write!(csv, ",{m}_mean,{m}_sd,{m}_ci_low,{m}_ci_high").expect("string");
        }
        csv.push('\n');
        for (i, (cells, runs_ok)) in rows.iter().enumerate() {
            write!(csv, "{i},{},{runs_ok},{}", cells.join(","), 3 - runs_ok).expect("string");
            for m in &metrics {
                match mean(i, m).filter(|_| *runs_ok > 0) {
                    Some(v) if *runs_ok > 1 => {
                        let half = v.abs() * 0.04;
                        write!(csv, ",{v},{},{},{}", half / 2.0, v - half, v + half)
                    }
                    Some(v) => write!(csv, ",{v},,,"),
                    None => write!(csv, ",,,,"),
                }
                .expect("string");
            }
            csv.push('\n');
        }
        write(dir, "points.csv", &csv);
    }

    /// Plausible means of a sweep point with `parcels` a day and `hubs` hubs.
    fn plausible(parcels: f64, hubs: f64, metric: &str) -> f64 {
        let decades = parcels.log10();
        let activity = |i: usize| (0.1 + 0.05 * i as f64) * 3.0 / decades * (1.0 + hubs / 10.0);
        match metric {
            "cost_per_parcel_yuan" => (0..ACTIVITIES.len()).map(activity).sum(),
            "on_time_rate" => 0.95 - 0.02 * hubs / decades,
            "transit_hours_p95" => 40.0 + 5.0 * hubs - decades,
            "transit_hours_mean" => 30.0 + hubs,
            "truck_fill_rate" => 0.6 + 0.05 * decades,
            cost => {
                let a = cost.trim_start_matches("cost_").trim_end_matches("_yuan");
                ACTIVITIES
                    .iter()
                    .position(|x| *x == a)
                    .map_or(0.0, activity)
            }
        }
    }

    /// A grid sweep over daily parcels (log) × hubs: 3 × 2 points, the last one failed
    /// (runs_ok = 0).
    fn sweep_fixture(dir: &Path) {
        let mut grid = Vec::new();
        for hubs in [2.0, 4.0] {
            for parcels in [1000.0, 10_000.0, 100_000.0_f64] {
                grid.push((parcels, hubs));
            }
        }
        let rows: Vec<(Vec<String>, u32)> = grid
            .iter()
            .map(|&(p, h)| {
                let ok = if (p, h) == (100_000.0, 4.0) { 0 } else { 3 };
                (vec![p.to_string(), h.to_string()], ok)
            })
            .collect();
        let params = [("demand.daily_parcels", true), ("network.hubs", false)];
        write_sweep(dir, "volume-vs-hubs", &params, &rows, |i, m| {
            Some(plausible(grid[i].0, grid[i].1, m))
        });
    }

    /// A run folder with a two-peaked transit histogram and a cost breakdown.
    fn run_fixture(dir: &Path) {
        write(
            dir,
            "summary.json",
            r#"{"scenario": "east-china", "seed": 7, "cost_per_parcel_yuan": 2.475,
                "cost_by_activity": {"waybill": 0.1, "linehaul": 0.9}, "on_time_rate": 0.93}"#,
        );
        let mut hist = String::from("transit_hours_from,parcels\n");
        for i in 120..700 {
            let h = i as f64 / 10.0;
            let n = 1000.0 * (-((h - 26.0) / 6.0).powi(2)).exp()
                + 400.0 * (-((h - 50.0) / 5.0).powi(2)).exp();
            if n >= 1.0 {
                writeln!(hist, "{h:.1},{}", n.round()).expect("string");
            }
        }
        write(dir, "transit_histogram.csv", &hist);
        let mut costs = String::from("activity,total_yuan,yuan_per_parcel,share\n");
        let per: Vec<f64> = (0..ACTIVITIES.len())
            .map(|i| 0.1 + 0.05 * i as f64)
            .collect();
        let total: f64 = per.iter().sum();
        for (a, p) in ACTIVITIES.iter().zip(&per) {
            writeln!(costs, "{a},{},{p},{}", p * 1000.0, p / total).expect("string");
        }
        writeln!(costs, "total,{},{total},1", total * 1000.0).expect("string");
        write(dir, "cost_breakdown.csv", &costs);
    }

    /// Checks that `written` is exactly the PNG and SVG of each stem, that every PNG is a real,
    /// non-trivial PNG and that every SVG carries the expected text.
    fn assert_charts(dir: &Path, written: &[PathBuf], expected: &[(&str, &str)]) {
        let mut want = Vec::new();
        for (stem, _) in expected {
            want.push(dir.join("plots").join(format!("{stem}.png")));
            want.push(dir.join("plots").join(format!("{stem}.svg")));
        }
        assert_eq!(written, want.as_slice());
        for (stem, text) in expected {
            let png = std::fs::read(dir.join("plots").join(format!("{stem}.png"))).expect("png");
            assert!(
                png.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{stem}.png is not a PNG"
            );
            assert!(png.len() > 5_000, "{stem}.png is only {} bytes", png.len());
            let svg = std::fs::read_to_string(dir.join("plots").join(format!("{stem}.svg")))
                .expect("svg");
            assert!(svg.contains("<svg"), "{stem}.svg is not an SVG");
            assert!(svg.contains(text), "{stem}.svg lacks the text {text:?}");
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("plots"))
            .expect("plots dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }

    #[test]
    fn plot_sweep_writes_every_chart_as_png_and_svg() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        sweep_fixture(tmp.path());
        let written = plot_sweep(tmp.path(), 0.5).expect("plot sweep");
        assert_charts(
            tmp.path(),
            &written,
            &[
                ("cost_curve", "Cost per parcel — volume-vs-hubs"),
                ("cost_by_activity", "Cost per parcel by activity"),
                ("service", "On-time rate"),
            ],
        );
        let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
        for text in [
            "price 0.50 yuan",
            "network.hubs = 2",
            "network.hubs = 4",
            "parcels handed over per day — demand.daily_parcels — log scale",
            "yuan per delivered parcel",
        ] {
            assert!(curve.contains(text), "cost_curve.svg lacks {text:?}");
        }
        let stack =
            std::fs::read_to_string(tmp.path().join("plots/cost_by_activity.svg")).expect("svg");
        for a in ACTIVITIES {
            assert!(
                stack.contains(&a.replace('_', " ")),
                "cost_by_activity.svg lacks activity {a}"
            );
        }
        let service = std::fs::read_to_string(tmp.path().join("plots/service.svg")).expect("svg");
        assert!(service.contains("95th percentile"));
    }

    #[test]
    fn plot_run_writes_every_chart_as_png_and_svg() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        run_fixture(tmp.path());
        let written = plot_dir(tmp.path(), 2.0).expect("plot run");
        assert_charts(
            tmp.path(),
            &written,
            &[
                (
                    "transit_histogram",
                    "transit time, pickup to signature (hours)",
                ),
                ("cost_breakdown", "total 2.48 yuan"),
            ],
        );
        let breakdown =
            std::fs::read_to_string(tmp.path().join("plots/cost_breakdown.svg")).expect("svg");
        assert!(breakdown.contains("last mile"));
        assert!(!breakdown.contains(">total<"), "the total row is not a bar");
    }

    #[test]
    fn plot_dir_without_points_or_summary_is_a_usage_error_naming_the_folder() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        let err = plot_dir(tmp.path(), 2.0).expect_err("nothing to plot");
        assert!(matches!(err, Error::Usage(_)), "{err:?}");
        assert!(
            err.to_string().contains(&tmp.path().display().to_string()),
            "{err}"
        );
        let missing = tmp.path().join("no-such-folder");
        let err = plot_dir(&missing, 2.0).expect_err("no folder");
        assert!(err.to_string().contains("no-such-folder"), "{err}");
    }

    #[test]
    fn single_point_sweep_on_a_linear_axis_still_draws() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        // One replication: no spread, so sd and CI are empty.
        let rows = [(vec!["7.5".to_string()], 1)];
        write_sweep(
            tmp.path(),
            "one",
            &[("costs.fuel_price", false)],
            &rows,
            |_, _| Some(0.5),
        );
        let written = plot_sweep(tmp.path(), 2.0).expect("plot one point");
        assert_eq!(written.len(), 6);
    }

    #[test]
    fn scattered_sweep_with_text_values_and_empty_means_still_draws() {
        // A Latin hypercube: every point has its own second value, so no lines can be drawn.
        let tmp = tempfile::TempDir::new().expect("tempdir");
        let rows: Vec<(Vec<String>, u32)> = (0..12)
            .map(|i| {
                let parcels = 1000.0 * 1.8_f64.powi(i);
                let share = 0.05 + 0.07 * f64::from((i * 5) % 12);
                (vec![format!("{parcels:.1}"), format!("{share:.3}")], 3)
            })
            .collect();
        let params = [("demand.daily_parcels", true), ("demand.cod_share", false)];
        write_sweep(tmp.path(), "lhs", &params, &rows, |i, m| {
            // No run of point 3 measured transit times.
            (i != 3 || !m.starts_with("transit"))
                .then(|| plausible(1000.0 * 1.8_f64.powi(i as i32), 2.0, m))
        });
        plot_sweep(tmp.path(), 2.0).expect("plot scattered sweep");
        let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
        assert!(curve.contains("sweep points (demand.cod_share varies)"));

        // A second parameter with text values groups the lines by that text.
        let tmp = tempfile::TempDir::new().expect("tempdir");
        let mut rows = Vec::new();
        for design in ["hub", "direct"] {
            for parcels in ["1000", "5000"] {
                rows.push((vec![parcels.to_string(), design.to_string()], 2));
            }
        }
        let params = [("demand.daily_parcels", false), ("network.design", false)];
        write_sweep(tmp.path(), "designs", &params, &rows, |i, m| {
            Some(plausible(
                1000.0 + 4000.0 * (i % 2) as f64,
                1.0 + (i / 2) as f64,
                m,
            ))
        });
        plot_sweep(tmp.path(), 2.0).expect("plot text-valued groups");
        let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
        assert!(curve.contains("network.design = direct"));
        assert!(curve.contains("network.design = hub"));
    }

    #[test]
    fn bad_cells_and_files_are_input_errors_naming_file_line_and_column() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        sweep_fixture(tmp.path());
        let points = tmp.path().join("points.csv");
        let text = std::fs::read_to_string(&points).expect("read");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let col = lines[0]
            .split(',')
            .position(|h| h == "cost_per_parcel_yuan_mean")
            .expect("column");
        let mut cells: Vec<&str> = lines[1].split(',').collect();
        cells[col] = "abc";
        lines[1] = cells.join(",");
        std::fs::write(&points, lines.join("\n")).expect("write");
        match plot_sweep(tmp.path(), 2.0) {
            Err(Error::Input(e)) => {
                assert_eq!(e.file, points);
                assert_eq!(e.line, Some(2));
                assert_eq!(e.field.as_deref(), Some("cost_per_parcel_yuan_mean"));
            }
            other => panic!("expected an input error, got {other:?}"),
        }

        write(
            tmp.path(),
            "sweep.json",
            r#"{"name": "x", "parameters": []}"#,
        );
        let err = plot_sweep(tmp.path(), 2.0).expect_err("no parameters");
        assert!(err.to_string().contains("sweep.json"), "{err}");

        write(
            tmp.path(),
            "sweep.json",
            "{\"name\": \"x\",\n \"parameters\": 3}",
        );
        match plot_sweep(tmp.path(), 2.0) {
            Err(Error::Input(e)) => assert_eq!(e.line, Some(2), "{e}"),
            other => panic!("expected an input error, got {other:?}"),
        }

        let run = tempfile::TempDir::new().expect("tempdir");
        run_fixture(run.path());
        write(
            run.path(),
            "transit_histogram.csv",
            "hours,parcels\n1.0,3\n",
        );
        let err = plot_run(run.path()).expect_err("missing column");
        assert!(err.to_string().contains("transit_hours_from"), "{err}");
        assert!(err.to_string().contains("transit_histogram.csv"), "{err}");
    }

    /// A comparison folder's compare.csv: two scenarios, the second 20 % dearer.
    fn compare_fixture(dir: &Path) {
        let mut csv = String::from(
            "scenario,metric,mean,ci_low,ci_high,diff_vs_first,diff_ci_low,diff_ci_high\n",
        );
        for (s, scale) in [("base", 1.0), ("dear", 1.2)] {
            let per: Vec<f64> = (0..ACTIVITIES.len())
                .map(|i| (0.1 + 0.05 * i as f64) * scale)
                .collect();
            let total: f64 = per.iter().sum();
            let (lo, hi) = (total - 0.05, total + 0.05);
            writeln!(csv, "{s},cost_per_parcel_yuan,{total},{lo},{hi},,,").expect("string");
            for (a, p) in ACTIVITIES.iter().zip(&per) {
                writeln!(csv, "{s},cost_{a}_yuan,{p},,,,,").expect("string");
            }
            writeln!(csv, "{s},on_time_rate,0.9,0.85,0.95,,,").expect("string");
        }
        write(dir, "compare.csv", &csv);
    }

    #[test]
    fn compare_and_explain_folders_draw_their_charts() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        compare_fixture(tmp.path());
        let written = plot_dir(tmp.path(), 2.0).expect("plot compare");
        assert_charts(tmp.path(), &written, &[("compare", "price 2.00 yuan")]);
        let svg = std::fs::read_to_string(tmp.path().join("plots/compare.svg")).expect("svg");
        for text in ["base", "dear", "last mile", "yuan per delivered parcel"] {
            assert!(svg.contains(text), "compare.svg lacks {text:?}");
        }

        let tmp = tempfile::TempDir::new().expect("tempdir");
        write(
            tmp.path(),
            "explain.json",
            r#"{"metric": "cost_per_parcel_yuan", "from": {"label": "base"},
                "to": {"label": "dear"}, "from_value": 2.0, "to_value": 2.3,
                "attribution": [{"lever": "costs", "shapley": 0.5},
                                {"lever": "network", "shapley": -0.2},
                                {"lever": "org", "shapley": 0.0}]}"#,
        );
        let written = plot_dir(tmp.path(), 2.0).expect("plot explain");
        assert_charts(tmp.path(), &written, &[("waterfall", "FROM: base")]);
        let svg = std::fs::read_to_string(tmp.path().join("plots/waterfall.svg")).expect("svg");
        for text in [
            "TO: dear",
            "+0.5",
            "−0.2",
            "lowers the cost per parcel",
            "raises the cost per parcel",
            "cost per parcel (yuan per delivered parcel)",
        ] {
            assert!(svg.contains(text), "waterfall.svg lacks {text:?}");
        }
        assert!(
            !svg.contains("axis not from 0"),
            "a 15 % change is drawn from 0"
        );
    }

    #[test]
    fn bad_compare_and_explain_files_are_input_errors() {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        write(
            tmp.path(),
            "compare.csv",
            "scenario,metric,mean,ci_low,ci_high\nbase,cost_waybill_yuan,0.1,,\n",
        );
        let err = plot_dir(tmp.path(), 2.0).expect_err("no total");
        assert!(
            err.to_string().contains("no cost_per_parcel_yuan row"),
            "{err}"
        );
        let err = plot_compare(tmp.path(), f64::NAN).expect_err("no price");
        assert!(matches!(err, Error::Usage(_)), "{err}");

        let tmp = tempfile::TempDir::new().expect("tempdir");
        write(
            tmp.path(),
            "explain.json",
            "{\"metric\": \"x\", \"from\": {\"label\": \"a\"},\n \"to\": {\"label\": \"b\"},\n \"from_value\": null, \"to_value\": 1, \"attribution\": []}",
        );
        match plot_dir(tmp.path(), 2.0) {
            Err(Error::Input(e)) => {
                assert!(e.file.ends_with("explain.json"), "{e}");
                assert_eq!(e.line, Some(3), "{e}");
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn metrics_are_described_with_their_units() {
        assert_eq!(
            metric_desc("cost_linehaul_yuan"),
            "cost linehaul (yuan per delivered parcel)"
        );
        assert_eq!(
            metric_desc("cost_per_parcel_yuan"),
            "cost per parcel (yuan per delivered parcel)"
        );
        assert_eq!(
            metric_desc("transit_hours_p95"),
            "transit time p95 (hours, pickup to signature)"
        );
        assert_eq!(metric_desc("on_time_rate"), "on time rate (share, 0 to 1)");
        assert_eq!(
            metric_desc("complaints_per_million"),
            "complaints (per million parcels)"
        );
        assert_eq!(metric_desc("unabsorbed_yuan"), "unabsorbed (yuan)");
        assert_eq!(
            metric_desc("measured_parcels_delivered"),
            "measured parcels delivered (parcels)"
        );
    }

    #[test]
    fn spans_are_padded_and_never_degenerate() {
        let s = Span::of([2.0, 4.0], false).expect("span").padded(false);
        assert!(s.lo < 2.0 && s.hi > 4.0);
        for v in [0.0, 5.0, -3.0] {
            let s = Span::of([v], false).expect("span").padded(false);
            assert!(s.lo < v && v < s.hi, "{v}: {s:?}");
        }
        let s = Span::of([100.0], true).expect("span").padded(true);
        assert!(s.lo > 0.0 && s.lo < 100.0 && s.hi > 100.0);
        assert_eq!(Span::of([-1.0, 0.0, f64::NAN], true), None);
        let data = Span::of([90.0, 100.0], false).expect("span");
        assert_eq!(data.padded(false).clip(data, 0.0, 100.0).hi, 100.0);
        assert_eq!(Span::non_negative([0.0, 10.0]).lo, 0.0);
    }

    #[test]
    fn legend_goes_where_the_data_is_low_and_never_covers_it() {
        let frame = |log_x| Frame {
            title: "t".into(),
            title_px: TITLE_PX,
            x_desc: String::new(),
            y_desc: String::new(),
            x: Span { lo: 1.0, hi: 100.0 },
            log_x,
            y: Span { lo: 0.0, hi: 10.0 },
            legend: None,
            area: SIZE,
        };
        let falling = vec![(1.0, 10.0), (10.0, 5.0), (100.0, 1.0)];
        let rising: Vec<(f64, f64)> = falling.iter().map(|&(x, y)| (101.0 - x, y)).collect();
        let mut f = frame(true);
        f.fit_legend(&[falling], &["series"]);
        assert_eq!(f.legend, Some(Corner::UpperRight));
        assert_eq!(f.y.hi, 10.0, "room enough above the low end");
        let mut f = frame(false);
        f.fit_legend(&[rising], &["series"]);
        assert_eq!(f.legend, Some(Corner::UpperLeft));
        // A flat line at the top on both sides: the axis grows so the legend box clears it.
        let mut f = frame(false);
        f.fit_legend(&[vec![(1.0, 10.0), (100.0, 10.0)]], &["a", "b", "c"]);
        assert!(f.y.hi > 11.0, "{:?}", f.y);
    }

    #[test]
    fn log_ticks_label_narrow_and_wide_ranges() {
        let wide = Span {
            lo: 800.0,
            hi: 120_000.0,
        };
        let t = log_ticks(wide, 1060.0);
        assert_eq!(
            t,
            vec![
                1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0
            ]
        );
        // Half the width: fewer ticks, so the labels do not touch.
        let t = log_ticks(wide, 460.0);
        assert_eq!(t, vec![1000.0, 3000.0, 10_000.0, 30_000.0, 100_000.0]);
        let narrow = Span {
            lo: 2100.0,
            hi: 7900.0,
        };
        let t = log_ticks(narrow, 1060.0);
        assert!(
            t.len() >= 3 && t.iter().all(|v| (2100.0..=7900.0).contains(v)),
            "{t:?}"
        );
        let t = log_ticks(Span { lo: 1e-3, hi: 1e9 }, 1060.0);
        assert!((2..=12).contains(&t.len()), "{t:?}");
        let t = log_ticks(
            Span {
                lo: 5000.0,
                hi: 5001.0,
            },
            1060.0,
        );
        assert_eq!(t, vec![5000.0, 5001.0]);
    }

    #[test]
    fn numbers_are_formatted_without_float_noise() {
        assert_eq!(fmt_num(1000.0), "1000");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-12.25), "-12.25");
        assert_eq!(fmt_num(123_456_789.0), "123456789");
        assert_eq!(fmt_num(-1e-17), "0");
        let mut values = ["b", "10", "a", "9", "1e1", "1f", "2"];
        values.sort_by(|a, b| value_order(a, b));
        assert_eq!(values, ["2", "9", "10", "1e1", "1f", "a", "b"]);
    }
}
