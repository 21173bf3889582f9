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
//!   that is not a number, or an empty sweep is reported as an [`InputError`](crate::error::InputError) naming the file,
//!   line and column, never a panic.
//! * **Axes from the data.** plotters draws out-of-range values along the chart edge, so every
//!   axis range is computed from what is drawn on it (reference lines included), padded a
//!   little, and widened when all values are equal (`Span`).
//! * **No half-written charts.** Each file is rendered under a temporary name and renamed into
//!   place, so a chart that exists is complete.
//!
//! Files: `render.rs` (the `Chart` trait, fonts, atomic PNG + SVG), `style.rs` (colours,
//! fonts, number formats, mesh and legend), `axes.rs` (ranges and ticks), `panel.rs`
//! (Cartesian frame and layers), `read.rs` (reading result files), then one file per chart
//! family: `sweep.rs`, `run.rs`, `category.rs` with `compare.rs` and `explain.rs`, `map.rs`
//! (the network map); `text.rs` is the PNG text backend.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod axes;
mod category;
mod compare;
mod explain;
mod map;
mod panel;
mod read;
mod render;
mod run;
mod style;
mod sweep;
#[cfg(test)]
mod tests;
mod text;

use compare::CompareChart;
use explain::Waterfall;
use render::render_svg;
use run::RunData;
use sweep::{Sweep, SweepCharts};

// The drawing kit other modules' charts use (the instruments' bar chart).
pub(crate) use render::{Chart, DrawResult, render};
pub(crate) use style::{colour, label_font, tick_font, title_font};

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
