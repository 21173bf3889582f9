//! Run folders: `summary.json`, `cost_breakdown.csv` and `transit_histogram.csv` read back,
//! and their charts — transit histogram, cost breakdown, the shop's cost and time.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::Span;
use super::panel::{Bars, Frame, Panel};
use super::read::read_json;
use super::render::{Chart, DrawResult, SIZE};
use super::style::{
    TITLE_PX, colour, fitting_title_px, fmt_num, fmt_sig, fmt_tick, style_mesh, tick_font,
    title_font,
};
use crate::error::Result;
use crate::files::read_rows;
use crate::format::run_files::{CostRow, HistRow};
use crate::format::summary::Summary;

/// Width of the histogram bars (hours); the run writes 0.1 h bins, too fine to read.
const HIST_BIN_HOURS: f64 = 2.0;

/// A loaded run folder.
pub(super) struct RunData {
    summary: Summary,
    /// (bar start in hours, parcels), ascending, bars [`HIST_BIN_HOURS`] wide.
    transit: Vec<(f64, f64)>,
    /// (activity, yuan per parcel) in file order, without the `total` row.
    breakdown: Vec<(String, f64)>,
}

impl RunData {
    pub(super) fn load(dir: &Path) -> Result<RunData> {
        let summary: Summary = read_json(&dir.join("summary.json"))?;

        let mut bins: BTreeMap<i64, f64> = BTreeMap::new();
        for row in read_rows::<HistRow>(&dir.join("transit_histogram.csv"))? {
            // Bin starts are multiples of 0.1 h written with one decimal; the tiny nudge keeps
            // 3.9999999 (= 4.0 in the file) out of the 2–4 h bar.
            let bin = ((row.transit_hours_from + 1e-9) / HIST_BIN_HOURS).floor() as i64;
            *bins.entry(bin).or_default() += row.parcels as f64;
        }
        let transit = bins
            .into_iter()
            .map(|(b, n)| (b as f64 * HIST_BIN_HOURS, n))
            .collect();

        let breakdown = read_rows::<CostRow>(&dir.join("cost_breakdown.csv"))?
            .into_iter()
            .filter(|row| row.activity != "total")
            .map(|row| (row.activity, row.yuan_per_parcel))
            .collect();
        Ok(RunData {
            summary,
            transit,
            breakdown,
        })
    }

    pub(super) fn histogram_chart(&self) -> Panel<Bars> {
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
    pub(super) fn shop_charts(&self) -> Option<(Breakdown, Breakdown)> {
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

    pub(super) fn breakdown_chart(&self) -> Breakdown {
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
pub(super) struct Breakdown {
    pub(super) title: String,
    /// What the bars measure, with the unit.
    pub(super) unit: &'static str,
    /// (name, where the bar ends).
    pub(super) rows: Vec<(String, f64)>,
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
