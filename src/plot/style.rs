//! Shared style: colours, title, label and tick fonts, number formats for ticks and labels,
//! the mesh and legend styling every Cartesian chart uses.

use std::cmp::Ordering;

use plotters::chart::MeshStyle;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::render::{DrawResult, FAMILY};

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
pub(super) const MAX_LINES: usize = 10;

/// The `i`-th series colour.
pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Title size of a chart (pixels).
pub(super) const TITLE_PX: u32 = 28;
/// Title size of a panel that shares the chart with another one under a common title.
pub(super) const PANEL_TITLE_PX: u32 = 22;

/// Font of chart titles, `px` high.
pub(crate) fn title_font(px: u32) -> TextStyle<'static> {
    title_style(px)
}

/// The title size, at most `px`, at which `title` fits in `width` pixels (bold DejaVu Sans
/// averages about 0.62 em per character), so a long title is smaller rather than clipped.
pub(super) fn fitting_title_px(title: &str, px: u32, width: u32) -> u32 {
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
pub(super) fn fmt_num(v: f64) -> String {
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
pub(super) fn fmt_sig(v: f64) -> String {
    fmt_num(round_sig(v, 3))
}

/// [`fmt_num`] in the shape plotters' label formatters take.
pub(super) fn fmt_tick(v: &f64) -> String {
    fmt_num(*v)
}

/// `text` as a finite number, if it is one.
pub(super) fn finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Orders parameter values as written: numbers by value first, then text alphabetically. A
/// total order even when numbers and text mix, so sorting never sees contradictions.
pub(super) fn value_order(a: &str, b: &str) -> Ordering {
    match (finite(a), finite(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The mesh settings every chart shares: fonts, axis descriptions and a discreet grid.
pub(super) fn style_mesh<'m, 'a, 'b, X, Y, DB>(
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
pub(super) enum Corner {
    UpperLeft,
    UpperRight,
}

/// Draws the legend of the series that were given a label, in `corner`.
pub(super) fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    corner: Corner,
) -> DrawResult
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
