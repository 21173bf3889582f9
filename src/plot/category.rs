//! Categorical charts (comparison and explanation folders): a frame with one category per
//! bar, bar and label helpers, and the words and units of metrics and parameters.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::Span;
use super::panel::Frame;
use super::render::{DrawResult, SIZE};
use super::style::{TITLE_PX, fitting_title_px, fmt_tick, style_mesh, tick_font, title_font};

/// The x coordinate of a categorical chart: segment `i` holds category `i`.
type Categories = SegmentedCoord<RangedCoordi32>;

/// A chart context with categories along x and numbers along y.
type CategoryChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Categories, RangedCoordf64>>;

impl Frame {
    /// A full-size frame whose x axis holds `n` categories. Its x span, one unit per category,
    /// only places the legend ([`Frame::fit_legend`]); the chart itself is drawn on
    /// [`Categories`] by [`Frame::draw_categories`].
    pub(super) fn categorical(
        title: String,
        x_desc: &str,
        y_desc: &str,
        n: usize,
        y: Span,
    ) -> Frame {
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
    pub(super) fn draw_categories<'a, DB>(
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
    pub(super) fn bar_margin(&self) -> u32 {
        let segments = self.x.hi - self.x.lo;
        (self.plot_px().0 / segments * 0.15).round() as u32
    }

    /// A bar in segment `i` with its top at `top` as [`Frame::fit_legend`] sees it: a line
    /// across the bar's width.
    pub(super) fn bar_top(i: usize, top: f64) -> Vec<(f64, f64)> {
        vec![(i as f64 + 0.15, top), (i as f64 + 0.85, top)]
    }
}

/// A bar of segment `i` from `y0` to `y1` (either order), `margin` pixels in from each side.
pub(super) fn category_bar(
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
pub(super) fn centre(i: usize) -> SegmentValue<i32> {
    SegmentValue::CenterOf(i32::try_from(i).unwrap_or(i32::MAX - 1))
}

/// `text` centred just above the point `(centre(i), y)`.
pub(super) fn label_above<'a, DB: DrawingBackend + 'a>(
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
pub(super) const LABEL_SHARE: f64 = 0.05;

/// The y-axis description of a metric of `compare.csv`: its name and unit.
pub(super) fn metric_desc(metric: &str) -> String {
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
pub(super) fn parameter_desc(path: &str) -> String {
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
