//! Sweep folders: `sweep.json` and `points.csv` read back, and their charts — the cost
//! curve with its band and the price line, cost by activity, and service.

use std::cmp::Ordering;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::Span;
use super::category::parameter_desc;
use super::compare::price_label;
use super::panel::{BAND_LABEL, BandPoint, BandSeries, Bands, Frame, Panel, Stack};
use super::read::{Row, Table, input_error, read_json};
use super::render::{Chart, DrawResult, SIZE};
use super::style::{
    MAX_LINES, PANEL_TITLE_PX, TITLE_PX, finite, fitting_title_px, fmt_num, title_font, value_order,
};
use crate::error::Result;
use crate::format::sweep::{Parameter, RUNS_OK, Stat, SweepJson, activity_cost, cost_activity};

/// A sweep point with at least one successful replication.
pub(super) struct SweepPoint {
    /// Index into `Sweep::table.rows`.
    pub(super) row: usize,
    /// Value of parameters[0].
    pub(super) x: f64,
    /// Values of parameters[1..] as written (numbers or text): one line is drawn per distinct
    /// group.
    group: Vec<String>,
}

/// A loaded sweep folder.
pub(super) struct Sweep {
    pub(super) name: String,
    parameters: Vec<Parameter>,
    table: Table,
    pub(super) points: Vec<SweepPoint>,
    /// Cost activities found in the header (the means of `cost_<activity>_yuan`), in header
    /// order.
    pub(super) activities: Vec<String>,
    /// Labels of a text x parameter, in the order of their positions 0, 1, 2...
    pub(super) x_labels: Vec<String>,
    /// The sweep file's `marginal_volume_step`, when its runs were paired for the marginal
    /// cost.
    marginal_volume_step: Option<f64>,
}

impl Sweep {
    pub(super) fn load(dir: &Path) -> Result<Sweep> {
        let json = dir.join("sweep.json");
        let file: SweepJson = read_json(&json)?;
        if file.parameters.is_empty() {
            return Err(input_error(
                &json,
                None,
                Some("parameters"),
                "lists no parameter; the first one is the x axis of the charts",
            ));
        }
        let table = Table::read(&dir.join("points.csv"))?;
        let runs_ok = table.column(RUNS_OK)?;
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
                Some(RUNS_OK),
                "no sweep point has a successful run (runs_ok > 0); nothing to plot",
            ));
        }
        let activities = table
            .headers
            .iter()
            .filter_map(|h| cost_activity(Stat::Mean.metric_of(h)?))
            .map(str::to_string)
            .collect();
        Ok(Sweep {
            name: file.name,
            parameters: file.parameters,
            table,
            points,
            activities,
            x_labels,
            marginal_volume_step: file.marginal_volume_step,
        })
    }

    /// The cost curve's series: the average cost per parcel, and with the sweep's marginal
    /// columns the marginal cost per extra parcel beside it (each with its band; a group's
    /// label says which is which).
    fn cost_series(&self) -> Result<(Vec<BandSeries>, bool)> {
        let average = self.bands("cost_per_parcel_yuan", 1.0)?;
        if self
            .table
            .find(&Stat::Mean.of("marginal_cost_per_parcel_yuan"))
            .is_none()
        {
            return Ok((average, false));
        }
        let step = self
            .marginal_volume_step
            .map(|s| format!(" (+{} % volume)", fmt_num(s * 100.0)))
            .unwrap_or_default();
        let named = |series: Vec<BandSeries>, what: &str| -> Vec<BandSeries> {
            series
                .into_iter()
                .map(|mut s| {
                    s.label = Some(match s.label.as_deref() {
                        None | Some("mean of the replications") => what.to_string(),
                        Some(group) => format!("{what}, {group}"),
                    });
                    s
                })
                .collect()
        };
        let mut all = named(average, "average cost per parcel");
        all.extend(named(
            self.bands("marginal_cost_per_parcel_yuan", 1.0)?,
            &format!("marginal cost per extra parcel{step}"),
        ));
        Ok((all, true))
    }

    /// The x-axis parameter.
    fn x_parameter(&self) -> &Parameter {
        &self.parameters[0]
    }

    /// Description of the x axis: the parameter in words with its unit, its scenario path,
    /// and whether the scale is logarithmic.
    pub(super) fn x_desc(&self) -> String {
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
    pub(super) fn bands(&self, metric: &str, scale: f64) -> Result<Vec<BandSeries>> {
        let t = &self.table;
        let mean = t.column(&Stat::Mean.of(metric))?;
        let low = t.find(&Stat::CiLow.of(metric));
        let high = t.find(&Stat::CiHigh.of(metric));
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
            .map(|a| t.column(&Stat::Mean.of(&activity_cost(a))))
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
    pub(super) fn frame(
        &self,
        title: String,
        y_desc: &str,
        x: Span,
        y: Span,
        area: (u32, u32),
    ) -> Frame {
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
pub(super) struct SweepCharts {
    pub(super) cost_curve: Panel<Bands>,
    pub(super) by_activity: Panel<Stack>,
    pub(super) service: Service,
}

impl SweepCharts {
    pub(super) fn new(sweep: &Sweep, price_yuan: f64) -> Result<SweepCharts> {
        let (series, marginal) = sweep.cost_series()?;
        let cost_curve = sweep.band_panel(
            if marginal {
                format!("Average and marginal cost per parcel — {}", sweep.name)
            } else {
                format!("Cost per parcel — {}", sweep.name)
            },
            TITLE_PX,
            if marginal {
                "yuan per delivered parcel (marginal: per extra parcel)"
            } else {
                "yuan per delivered parcel"
            },
            Bands {
                series,
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
pub(super) struct Service {
    pub(super) title: String,
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
