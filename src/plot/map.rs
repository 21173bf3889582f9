//! The network map of a run folder: centres and outlets at their coordinates, lanes drawn
//! with a width by the parcels they carried and a colour by how full their vehicles ran,
//! centres sized by the parcels they sorted and ringed where queues formed.
//!
//! Read from `nodes.csv` (`lat`, `lon`) and `lanes.csv` as the rows `run` writes them
//! (`format::run_files`); a network whose nodes have no coordinates has no map. Longitude and latitude are drawn on an equirectangular grid
//! scaled by the cosine of the middle latitude, so distances look right at that latitude.
//! No province outline is drawn: no outline data with a licence compatible with this
//! project's is bundled.

use super::render::{Chart, DrawResult, SIZE};
use super::style::{TITLE_PX, fmt_num, fmt_sig, label_font, style_mesh, tick_font, title_font};
use crate::error::Result;
use crate::files::read_rows;
use crate::format::run_files::{LaneRow, NodeRow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;
use std::path::Path;

/// A centre's mean wait at the sorter (hours) from which the map says a queue formed.
pub const QUEUE_HOURS: f64 = 1.0;

/// A place on the map.
#[derive(Debug, Clone)]
struct Place {
    id: String,
    lat: f64,
    lon: f64,
    parcels: f64,
    wait_hours: f64,
}

/// A lane drawn on the map: both directions between two places together.
#[derive(Debug, Clone)]
struct Link {
    a: (f64, f64),
    b: (f64, f64),
    parcels: f64,
    /// Parcels over capacity sent, both directions; `None` when nothing was sent.
    fill: Option<f64>,
    linehaul: bool,
}

/// The map, ready to draw.
pub struct NetworkMap {
    title: String,
    centres: Vec<Place>,
    outlets: Vec<Place>,
    links: Vec<Link>,
    /// (lon, lat) ranges drawn.
    lon: (f64, f64),
    lat: (f64, f64),
}

/// Colour of a fill rate (0..1): red when nearly empty, amber half full, green when full.
pub fn fill_colour(fill: f64) -> RGBColor {
    let stops = [
        (0.0, (215, 48, 39)),
        (0.5, (230, 160, 30)),
        (1.0, (26, 140, 70)),
    ];
    let f = fill.clamp(0.0, 1.0);
    let (i, j) = if f <= 0.5 { (0, 1) } else { (1, 2) };
    let t = (f - stops[i].0) / (stops[j].0 - stops[i].0);
    let mix = |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (stops[i].1, stops[j].1);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl NetworkMap {
    /// The map of a run folder, or `None` when its nodes have no coordinates (or the folder
    /// has no `nodes.csv` or `lanes.csv`).
    pub fn load(dir: &Path) -> Result<Option<NetworkMap>> {
        let (nodes, lanes) = (dir.join("nodes.csv"), dir.join("lanes.csv"));
        if !nodes.is_file() || !lanes.is_file() {
            return Ok(None);
        }
        let nodes: Vec<NodeRow> = read_rows(&nodes)?;
        let lanes: Vec<LaneRow> = read_rows(&lanes)?;
        let mut at: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        let (mut centres, mut outlets) = (Vec::new(), Vec::new());
        for n in &nodes {
            // Nodes without coordinates (every node of a folder written before nodes had
            // them) are not drawn.
            let (Some(lat), Some(lon)) = (n.lat, n.lon) else {
                continue;
            };
            let p = Place {
                id: n.node.clone(),
                lat,
                lon,
                parcels: n.parcels_handled as f64,
                wait_hours: n.mean_wait_hours,
            };
            at.insert(&n.node, (lon, lat));
            if n.kind == "centre" {
                centres.push(p);
            } else {
                outlets.push(p);
            }
        }
        if centres.is_empty() {
            return Ok(None);
        }
        let scenario = crate::folder::read_json(&dir.join("summary.json"))?["scenario"]
            .as_str()
            .unwrap_or("")
            .to_string();
        // Both directions of a pair of places together: parcels add, and so do capacities
        // (parcels / fill rate of each direction).
        let mut pairs: BTreeMap<(String, String), (f64, f64, bool)> = BTreeMap::new();
        for l in &lanes {
            let (from, to) = (l.from.as_str(), l.to.as_str());
            let (Some(a), Some(b)) = (at.get(from), at.get(to)) else {
                continue;
            };
            if a == b {
                continue; // a feeder inside one city: no length on the map
            }
            let key = if from < to {
                (from.to_string(), to.to_string())
            } else {
                (to.to_string(), from.to_string())
            };
            let (parcels, fill) = (l.parcels as f64, l.fill_rate);
            let e = pairs.entry(key).or_insert((0.0, 0.0, false));
            e.0 += parcels;
            if fill > 0.0 {
                e.1 += parcels / fill;
            }
            e.2 |= l.kind == "linehaul";
        }
        let mut links: Vec<Link> = pairs
            .into_iter()
            .map(|((a, b), (parcels, cap, linehaul))| Link {
                a: at[a.as_str()],
                b: at[b.as_str()],
                parcels,
                fill: (cap > 0.0).then(|| parcels / cap),
                linehaul,
            })
            .collect();
        // The busiest lanes drawn last, on top.
        links.sort_by(|x, y| x.parcels.total_cmp(&y.parcels));
        centres.sort_by(|x, y| y.parcels.total_cmp(&x.parcels).then(x.id.cmp(&y.id)));

        let all = centres.iter().chain(&outlets);
        let (mut lo_lon, mut hi_lon, mut lo_lat, mut hi_lat) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in all {
            lo_lon = lo_lon.min(p.lon);
            hi_lon = hi_lon.max(p.lon);
            lo_lat = lo_lat.min(p.lat);
            hi_lat = hi_lat.max(p.lat);
        }
        let (lon, lat) = fit_aspect((lo_lon, hi_lon), (lo_lat, hi_lat));
        let queued = centres
            .iter()
            .filter(|c| c.wait_hours >= QUEUE_HOURS)
            .count();
        Ok(Some(NetworkMap {
            title: format!(
                "Network map — {scenario}: {} centres ({queued} with queues), {} outlets",
                centres.len(),
                outlets.len()
            ),
            centres,
            outlets,
            links,
            lon,
            lat,
        }))
    }
}

/// Plot area of the map (pixels), inside margins, title, axis labels and the key on the right.
const PLOT_PX: (f64, f64) = (1200.0 - 40.0 - 80.0 - 300.0, 800.0 - 40.0 - 60.0 - 42.0);

/// Pads the data ranges and widens one of them so that a degree of latitude and a degree of
/// longitude times cos(latitude) take the same number of pixels.
fn fit_aspect(lon: (f64, f64), lat: (f64, f64)) -> ((f64, f64), (f64, f64)) {
    let pad = |r: (f64, f64), min: f64| {
        let w = (r.1 - r.0).max(min);
        let mid = (r.0 + r.1) / 2.0;
        (mid - w * 0.55, mid + w * 0.55)
    };
    let (mut lon, mut lat) = (pad(lon, 0.5), pad(lat, 0.5));
    let k = ((lat.0 + lat.1) / 2.0).to_radians().cos().max(0.1);
    let x_per_px = (lon.1 - lon.0) * k / PLOT_PX.0;
    let y_per_px = (lat.1 - lat.0) / PLOT_PX.1;
    if x_per_px > y_per_px {
        let h = x_per_px * PLOT_PX.1;
        let mid = (lat.0 + lat.1) / 2.0;
        lat = (mid - h / 2.0, mid + h / 2.0);
    } else {
        let w = y_per_px * PLOT_PX.0 / k;
        let mid = (lon.0 + lon.1) / 2.0;
        lon = (mid - w / 2.0, mid + w / 2.0);
    }
    (lon, lat)
}

impl Chart for NetworkMap {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let (map_area, key_area) = root.split_horizontally(SIZE.0 - 300);
        let mut chart = ChartBuilder::on(&map_area)
            .caption(&self.title, title_font(TITLE_PX - 4))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(self.lon.0..self.lon.1, self.lat.0..self.lat.1)?;
        style_mesh(
            &mut chart.configure_mesh(),
            "longitude (degrees east)",
            "latitude (degrees north)",
        )
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .draw()?;

        let max_parcels = self.links.iter().map(|l| l.parcels).fold(0.0, f64::max);
        let width = |p: f64| {
            if max_parcels > 0.0 {
                1.0 + 9.0 * (p / max_parcels).sqrt()
            } else {
                1.0
            }
        };
        for l in &self.links {
            let c = match l.fill {
                Some(f) => fill_colour(f).mix(if l.linehaul { 0.85 } else { 0.6 }),
                None => BLACK.mix(0.15),
            };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![l.a, l.b],
                c.stroke_width(width(l.parcels).round() as u32),
            )))?;
        }
        chart.draw_series(
            self.outlets
                .iter()
                .map(|o| Circle::new((o.lon, o.lat), 2, BLACK.mix(0.45).filled())),
        )?;
        let max_sorted = self.centres.iter().map(|c| c.parcels).fold(0.0, f64::max);
        let radius = |p: f64| {
            if max_sorted > 0.0 {
                (4.0 + 16.0 * (p / max_sorted).sqrt()).round() as i32
            } else {
                4
            }
        };
        for c in self.centres.iter().rev() {
            let r = radius(c.parcels);
            chart.draw_series(std::iter::once(Circle::new(
                (c.lon, c.lat),
                r,
                RGBColor(31, 119, 180).mix(0.55).filled(),
            )))?;
            let ring = if c.wait_hours >= QUEUE_HOURS {
                RGBColor(200, 0, 0).stroke_width(3)
            } else {
                RGBColor(31, 119, 180).stroke_width(1)
            };
            chart.draw_series(std::iter::once(Circle::new((c.lon, c.lat), r, ring)))?;
        }
        // Names of the busiest centres.
        let label = tick_font().pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(self.centres.iter().take(8).map(|c| {
            let name = c.id.strip_suffix("-C").unwrap_or(&c.id).to_string();
            EmptyElement::at((c.lon, c.lat))
                + Text::new(name, (radius(c.parcels) + 3, 0), label.clone())
        }))?;

        // The key, on the right.
        let key = key_area.margin(90, 20, 10, 10);
        let text = label_font();
        let small = tick_font();
        let mut y = 0;
        key.draw(&Text::new("Lanes (both ways)", (0, y), text.clone()))?;
        y += 30;
        key.draw(&Text::new("colour: fill rate", (0, y), small.clone()))?;
        y += 24;
        for i in 0..=10 {
            let f = f64::from(i) / 10.0;
            key.draw(&Rectangle::new(
                [(i * 22, y), (i * 22 + 22, y + 14)],
                fill_colour(f).filled(),
            ))?;
        }
        y += 18;
        key.draw(&Text::new("0 %", (0, y), small.clone()))?;
        key.draw(&Text::new("50 %", (100, y), small.clone()))?;
        key.draw(&Text::new("100 %", (200, y), small.clone()))?;
        y += 34;
        key.draw(&Text::new("width: parcels carried", (0, y), small.clone()))?;
        y += 26;
        for share in [1.0, 0.25, 0.04] {
            let p = max_parcels * share;
            key.draw(&PathElement::new(
                vec![(0, y + 8), (60, y + 8)],
                BLACK.mix(0.6).stroke_width(width(p).round() as u32),
            ))?;
            key.draw(&Text::new(
                format!("{} parcels", fmt_sig(p)),
                (72, y),
                small.clone(),
            ))?;
            y += 26;
        }
        y += 20;
        key.draw(&Text::new("Centres", (0, y), text.clone()))?;
        y += 30;
        key.draw(&Text::new("size: parcels sorted", (0, y), small.clone()))?;
        y += 30;
        for share in [1.0, 0.25] {
            let r = radius(max_sorted * share);
            key.draw(&Circle::new(
                (20, y + r),
                r,
                RGBColor(31, 119, 180).mix(0.55).filled(),
            ))?;
            key.draw(&Text::new(
                format!("{} parcels", fmt_sig(max_sorted * share)),
                (50, y + r - 8),
                small.clone(),
            ))?;
            y += 2 * r + 12;
        }
        key.draw(&Circle::new(
            (20, y + 10),
            10,
            RGBColor(200, 0, 0).stroke_width(3),
        ))?;
        key.draw(&Text::new(
            format!("queue: mean wait ≥ {} h", fmt_num(QUEUE_HOURS)),
            (50, y + 2),
            small.clone(),
        ))?;
        y += 34;
        key.draw(&Circle::new((20, y + 8), 2, BLACK.mix(0.45).filled()))?;
        key.draw(&Text::new("outlet", (50, y), small))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANES: &str = "from,to,kind,distance_km,vehicle,max_vehicles,planned_parcels_per_day,departures,vehicles_sent,parcels,fill_rate,cost_yuan,cost_per_parcel_yuan\n\
        A-C,B-C,linehaul,170.5,truck,2,900,3,3,2700,0.75,1500,0.5556\n\
        B-C,A-C,linehaul,170.5,truck,2,900,3,3,900,0.25,1500,1.6667\n";

    fn folder(nodes: &str) -> tempfile::TempDir {
        let tmp = tempfile::TempDir::new().expect("tempdir");
        std::fs::write(tmp.path().join("nodes.csv"), nodes).expect("nodes");
        std::fs::write(tmp.path().join("lanes.csv"), LANES).expect("lanes");
        std::fs::write(tmp.path().join("summary.json"), r#"{"scenario": "two"}"#).expect("json");
        tmp
    }

    /// A folder written before nodes had coordinates (and before the centres' staffing
    /// columns) still reads, and has no map; one with them has.
    #[test]
    fn map_reads_nodes_and_lanes_of_old_and_new_folders() {
        let old = folder(
            "node,kind,capacity_units,parcels_handled,utilisation,mean_queue,max_queue,mean_wait_hours,cost_yuan,cost_per_parcel_yuan\n\
             A-C,centre,4,3600,0.5,10,40,1.5,2000,0.55\n\
             B-C,centre,2,3600,0.5,1,4,0.1,1000,0.28\n",
        );
        assert!(NetworkMap::load(old.path()).expect("old folder").is_none());

        let header = "node,kind,lat,lon,capacity_units,parcels_handled,utilisation,mean_queue,max_queue,mean_wait_hours,cost_yuan,cost_per_parcel_yuan,paid_worker_hours,idle_paid_worker_hours,planned_per_line_hour,achieved_per_line_hour,parcels_per_paid_worker_hour,call_ins";
        let new = folder(&format!(
            "{header}\nA-C,centre,30.27,120.15,4,3600,0.5,10,40,1.5,2000,0.55,80,8,1000,900,45,0\n\
             B-C,centre,31.23,121.47,2,1200,0.5,1,4,0.1,1000,0.28,40,4,1000,600,30,1\n\
             B-O1,outlet,31.2,121.4,10,500,0.7,5,9,0,300,0.6,0,0,0,0,0,0\n\
             X-O1,outlet,,,10,500,0.7,5,9,0,300,0.6,0,0,0,0,0,0\n"
        ));
        let map = NetworkMap::load(new.path())
            .expect("new folder")
            .expect("a map");
        let ids: Vec<&str> = map.centres.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["A-C", "B-C"], "busiest first");
        assert_eq!(
            map.outlets.len(),
            1,
            "the outlet without coordinates is left out"
        );
        assert_eq!(map.centres[0].wait_hours, 1.5);
        assert_eq!(map.links.len(), 1, "both directions drawn as one link");
        let link = &map.links[0];
        assert!(link.linehaul);
        assert_eq!(link.parcels, 3600.0);
        // Capacity: 2700 / 0.75 + 900 / 0.25 = 7200 parcels.
        assert_eq!(link.fill, Some(0.5));
        assert!(
            map.title
                .contains("two: 2 centres (1 with queues), 1 outlets")
        );

        // A kind the writer never writes is a located error.
        let bad = folder(&format!(
            "{header}\nA-C,hub,30.27,120.15,4,3600,0.5,10,40,1.5,2000,0.55,80,8,1000,900,45,0\n"
        ));
        let Err(crate::error::Error::Input(e)) = NetworkMap::load(bad.path()) else {
            panic!("expected an input error");
        };
        assert_eq!(e.line, Some(2));
        assert!(
            e.message
                .contains("unknown kind `hub`, expected centre or outlet"),
            "{}",
            e.message
        );
    }
}
