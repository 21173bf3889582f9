//! The sortation network: outlets (网点) and sortation centres (分拨中心), lanes with
//! vehicles and timetables, least-cost routing tables (shortest-path trees on a petgraph
//! graph of the centres), and the
//! generator that builds a network from a city list.
//!
//! Every outlet hangs off one home centre by a feeder lane each way; centres are joined
//! by line-haul lanes. A parcel goes outlet → home centre → … → destination centre →
//! destination outlet, choosing at each centre the next hop of a precomputed table.

use crate::demand::{Zones, od_shares};
use crate::engine::SimTime;
use crate::error::{InputError, show_num, show_text};
use crate::scenario::{
    CentrePlacement, Generate, LaneSpec, NodeKind, NodeSpec, Scenario, Source, Topology,
    parse_time_of_day,
};
use petgraph::algo::spfa;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeRef, Reversed};
use serde::Deserialize;
use std::path::Path;

pub const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKind {
    /// Outlet ↔ centre (支线).
    Feeder,
    /// Centre → centre (干线).
    Linehaul,
}

impl LaneKind {
    pub fn name(self) -> &'static str {
        match self {
            LaneKind::Feeder => "feeder",
            LaneKind::Linehaul => "linehaul",
        }
    }
}

/// A node of the network.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    /// Demand zone (a city, or for explicit networks the home centre's area).
    pub zone: usize,
    /// Outlets: relative demand weight.
    pub weight: f64,
    /// Outlets: area its couriers cover (km²).
    pub area_km2: f64,
    /// Outlets: couriers.
    pub couriers: u32,
    /// Centres: parallel sorter lines.
    pub lines: u32,
    /// Centres: sorting mode asked for by the scenario (None: decided by planning), and
    /// the technology resolved for the centre.
    pub sorting: Option<crate::scenario::SortingMode>,
    pub tech: crate::scenario::SortTech,
    /// Outlets: home centre and the feeder lanes to and from it.
    pub home: u32,
    pub lane_out: u32,
    pub lane_in: u32,
    /// Centres: position in `Network::centres`.
    pub centre_pos: u32,
    /// Latitude and longitude (degrees) for maps: the city of a generated node, or what an
    /// explicit node gives; `None` when unknown.
    pub lat_lon: Option<(f64, f64)>,
}

/// A lane: vehicles of one type leave `from` for `to` on a daily timetable.
#[derive(Debug, Clone)]
pub struct Lane {
    pub from: u32,
    pub to: u32,
    pub kind: LaneKind,
    pub distance_km: f64,
    /// Driving plus docking time.
    pub travel: SimTime,
    pub vehicle: usize,
    /// Vehicles that may leave at one departure.
    pub max_vehicles: u32,
    /// Departure times of day, sorted.
    pub departures: Vec<SimTime>,
    /// Cost of one vehicle's trip (yuan).
    pub trip_cost: f64,
    /// Parcels per day the planning expected (0 for explicit lanes).
    pub planned_daily: f64,
    /// Opened by the routing lever to skip a hub.
    pub direct: bool,
}

/// The whole network, ready to simulate.
#[derive(Debug, Clone)]
pub struct Network {
    pub nodes: Vec<Node>,
    pub lanes: Vec<Lane>,
    /// Node indices of centres, and of outlets.
    pub centres: Vec<u32>,
    pub outlets: Vec<u32>,
    /// `next_lane[from_pos * centres + to_pos]`: the lane a parcel at centre `from_pos`
    /// takes toward centre `to_pos` (`NONE` on the diagonal).
    pub next_lane: Vec<u32>,
    /// Demand zones (cities) with their distances.
    pub zones: Zones,
    /// Planned parcels per day from centre to centre (`from_pos * centres + to_pos`).
    pub centre_flows: Vec<f64>,
}

impl Node {
    /// A node with nothing planned yet: no couriers or lines, no lanes, automated sorting
    /// until planning decides.
    fn new(id: String, kind: NodeKind, zone: usize, sc: &Scenario) -> Node {
        Node {
            id,
            kind,
            zone,
            weight: 0.0,
            area_km2: sc.operations.delivery.default_area_km2,
            couriers: 0,
            lines: 0,
            sorting: None,
            tech: sc.sort_tech(crate::scenario::SortingMode::Automated),
            home: NONE,
            lane_out: NONE,
            lane_in: NONE,
            centre_pos: NONE,
            lat_lon: None,
        }
    }
}

impl Network {
    /// The lane out of `centre` (a node index) toward the destination outlet.
    #[inline]
    /// Sorts per parcel the routes plan for the expected flows (one at the origin centre,
    /// one at every centre a lane reaches), with next-hop table `next` (e.g. `next_lane`).
    pub fn planned_sorts_per_parcel(&self, next: &[u32]) -> f64 {
        let nc = self.centres.len();
        let (mut sorts, mut flow) = (0.0, 0.0);
        for a in 0..nc {
            for b in 0..nc {
                let f = self.centre_flows[a * nc + b];
                if f <= 0.0 {
                    continue;
                }
                let (mut at, mut hops) = (a, 0);
                while at != b && hops <= nc {
                    let li = next[at * nc + b];
                    if li == NONE {
                        break;
                    }
                    at = self.nodes[self.lanes[li as usize].to as usize].centre_pos as usize;
                    hops += 1;
                }
                sorts += f * (1 + hops) as f64;
                flow += f;
            }
        }
        if flow > 0.0 { sorts / flow } else { 0.0 }
    }

    pub fn lane_toward(&self, centre: u32, dest_outlet: u32) -> u32 {
        let dest = &self.nodes[dest_outlet as usize];
        if dest.home == centre {
            dest.lane_in
        } else {
            let from = self.nodes[centre as usize].centre_pos as usize;
            let to = self.nodes[dest.home as usize].centre_pos as usize;
            self.next_lane[from * self.centres.len() + to]
        }
    }
}

/// Builds the network a scenario describes, checking every reference.
pub fn build(sc: &Scenario, src: &Source) -> Result<Network, InputError> {
    match &sc.network.generate {
        Some(g) => generate(sc, src, g),
        None => explicit(sc, src),
    }
}

// ------------------------------------------------------------------ explicit networks

/// Where a node or lane spec came from, to point errors at it.
enum Origin {
    Inline(&'static str, usize),
    Csv(std::path::PathBuf, usize),
}

impl Origin {
    fn error(&self, src: &Source, field: &str, msg: String) -> InputError {
        match self {
            Origin::Inline(list, i) => src.error(&format!("network.{list}[{i}].{field}"), msg),
            Origin::Csv(path, line) => InputError {
                file: path.clone(),
                line: Some(*line),
                field: Some(field.to_string()),
                message: msg,
            },
        }
    }
}

/// A file that is missing or unreadable as a whole (no line of its own) is an error of the
/// scenario field that names it.
fn named_file(e: InputError, src: &Source, field: &str) -> InputError {
    if e.line.is_some() {
        return e;
    }
    src.error(field, format!("`{}`: {}", e.file.display(), e.message))
}

/// Reads a CSV file of `T` rows, each with its line.
pub fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<(T, usize)>, InputError> {
    let err = |line: Option<usize>, field: Option<String>, message: String| InputError {
        file: path.to_path_buf(),
        line,
        field,
        message,
    };
    if path.is_dir() {
        return Err(err(None, None, "is a folder, not a CSV file".into()));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| err(None, None, format!("cannot read: {e}")))?;
    let headers = rdr
        .headers()
        .map_err(|e| err(Some(1), Some("header".into()), e.to_string()))?
        .clone();
    if headers.iter().all(str::is_empty) {
        return Err(err(
            Some(1),
            Some("header".into()),
            "the file is empty or has no header line".into(),
        ));
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            // A row with too few or too many cells: name the first column it lacks (or
            // the extra one).
            let field = match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => Some(
                    headers
                        .get(*len as usize)
                        .filter(|h| !h.is_empty())
                        .map_or_else(|| format!("column {}", len + 1), str::to_string),
                ),
                _ => Some("row".to_string()),
            };
            let msg = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    len, expected_len, ..
                } => format!(
                    "the row has {len} cells but the header names {}",
                    expected_len
                ),
                _ => e.to_string(),
            };
            err(line, field, msg)
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let row: T = rec.deserialize(Some(&headers)).map_err(|e| {
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.field().map(|i| {
                    headers
                        .get(i as usize)
                        .filter(|h| !h.is_empty())
                        .map_or_else(|| format!("column {}", i + 1), str::to_string)
                }),
                _ => None,
            };
            // Unknown or missing columns are header errors: the message names the column.
            let msg_text = e.to_string();
            let field = field.or_else(|| {
                let q = msg_text.split('`').nth(1).map(str::to_string);
                if msg_text.contains("unknown field") || msg_text.contains("missing field") {
                    q.filter(|c| !c.is_empty()).or(Some("header".into()))
                } else {
                    Some("row".into())
                }
            });
            let line = if msg_text.contains("unknown field") || msg_text.contains("missing field") {
                1
            } else {
                line
            };
            let msg = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                _ => e.to_string(),
            };
            err(Some(line), field, msg)
        })?;
        out.push((row, line));
    }
    Ok(out)
}

/// Specs given inline (`network.<list>`) or in a CSV file, each with where it came from.
fn specs<T: Clone + for<'de> Deserialize<'de>>(
    inline: &Option<Vec<T>>,
    file: &Option<String>,
    list: &'static str,
    src: &Source,
) -> Result<Vec<(T, Origin)>, InputError> {
    Ok(match (inline, file) {
        (Some(v), _) => v
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, n)| (n, Origin::Inline(list, i)))
            .collect(),
        (None, Some(f)) => {
            let p = src.resolve(f);
            read_csv::<T>(&p)
                .map_err(|e| named_file(e, src, &format!("network.{list}_file")))?
                .into_iter()
                .map(|(n, l)| (n, Origin::Csv(p.clone(), l)))
                .collect()
        }
        (None, None) => Vec::new(),
    })
}

fn explicit(sc: &Scenario, src: &Source) -> Result<Network, InputError> {
    let net = &sc.network;
    let node_specs = specs::<NodeSpec>(&net.nodes, &net.nodes_file, "nodes", src)?;
    let lane_specs = specs::<LaneSpec>(&net.lanes, &net.lanes_file, "lanes", src)?;
    if node_specs.is_empty() {
        return Err(src.error("network.nodes", "the network has no nodes"));
    }

    let mut nodes = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (spec, origin) in &node_specs {
        if spec.id.is_empty() {
            return Err(origin.error(src, "id", "is empty".into()));
        }
        if index.insert(spec.id.clone(), nodes.len() as u32).is_some() {
            return Err(origin.error(
                src,
                "id",
                format!("node `{}` is defined twice", show_text(&spec.id)),
            ));
        }
        for (f, v) in [
            ("weight", spec.weight),
            ("area_km2", spec.area_km2),
            ("couriers", spec.couriers.map(f64::from)),
            ("lines", spec.lines.map(f64::from)),
        ] {
            if let Some(m) = v.and_then(|v| crate::scenario::out_of_bounds(f, v)) {
                return Err(origin.error(src, f, m));
            }
        }
        let weight = spec.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(origin.error(
                src,
                "weight",
                format!("must be zero or positive, got {}", show_num(weight)),
            ));
        }
        let area = spec
            .area_km2
            .unwrap_or(sc.operations.delivery.default_area_km2);
        if !(area.is_finite() && area > 0.0) {
            return Err(origin.error(
                src,
                "area_km2",
                format!("must be positive, got {}", show_num(area)),
            ));
        }
        if spec.couriers == Some(0) {
            return Err(origin.error(src, "couriers", "must be at least 1".into()));
        }
        if spec.lines == Some(0) {
            return Err(origin.error(src, "lines", "must be at least 1".into()));
        }
        let lat_lon = match (spec.lat, spec.lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(origin.error(
                        src,
                        "lat",
                        format!("must be within -90..90, got {lat}"),
                    ));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(origin.error(
                        src,
                        "lon",
                        format!("must be within -180..180, got {lon}"),
                    ));
                }
                Some((lat, lon))
            }
            (Some(_), None) => return Err(origin.error(src, "lon", "is needed with lat".into())),
            (None, Some(_)) => return Err(origin.error(src, "lat", "is needed with lon".into())),
        };
        nodes.push(Node {
            lat_lon,
            weight: if spec.kind == NodeKind::Outlet {
                weight
            } else {
                0.0
            },
            area_km2: area,
            couriers: spec.couriers.unwrap_or(0),
            lines: spec.lines.unwrap_or(0),
            sorting: spec.sorting,
            ..Node::new(spec.id.clone(), spec.kind, 0, sc)
        });
    }

    let ops = &sc.operations;
    let mut lanes = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (spec, origin) in &lane_specs {
        let find = |field: &str, id: &str| {
            index.get(id).copied().ok_or_else(|| {
                origin.error(src, field, format!("unknown node `{}`", show_text(id)))
            })
        };
        for (f, v) in [
            ("distance_km", Some(spec.distance_km)),
            ("hours", spec.hours),
            ("max_vehicles", spec.max_vehicles.map(f64::from)),
        ] {
            if let Some(m) = v.and_then(|v| crate::scenario::out_of_bounds(f, v)) {
                return Err(origin.error(src, f, m));
            }
        }
        let (from, to) = (find("from", &spec.from)?, find("to", &spec.to)?);
        if from == to {
            return Err(origin.error(src, "to", "a lane must join two different nodes".into()));
        }
        if let Some(first) = seen.insert((from, to), lanes.len()) {
            return Err(origin.error(
                src,
                "to",
                format!(
                    "the lane `{}` → `{}` is given twice (first as lane {}); one lane per direction",
                    show_text(&spec.from),
                    show_text(&spec.to),
                    first + 1
                ),
            ));
        }
        let (kf, kt) = (nodes[from as usize].kind, nodes[to as usize].kind);
        let kind = match (kf, kt) {
            (NodeKind::Centre, NodeKind::Centre) => LaneKind::Linehaul,
            (NodeKind::Outlet, NodeKind::Outlet) => {
                return Err(origin.error(
                    src,
                    "to",
                    "outlets connect to centres only, not to other outlets".into(),
                ));
            }
            _ => LaneKind::Feeder,
        };
        if !(spec.distance_km.is_finite() && spec.distance_km > 0.0) {
            return Err(origin.error(
                src,
                "distance_km",
                format!("must be positive, got {}", show_num(spec.distance_km)),
            ));
        }
        let speed = match kind {
            LaneKind::Feeder => ops.feeder.speed_kmh,
            LaneKind::Linehaul => ops.linehaul.speed_kmh,
        };
        let hours = match spec.hours {
            Some(h) if !(h.is_finite() && h > 0.0) => {
                return Err(origin.error(
                    src,
                    "hours",
                    format!("must be positive, got {}", show_num(h)),
                ));
            }
            Some(h) => h,
            None => spec.distance_km / speed,
        };
        let vehicle = match &spec.vehicle {
            Some(name) => sc
                .vehicles
                .iter()
                .position(|v| &v.name == name)
                .ok_or_else(|| {
                    origin.error(
                        src,
                        "vehicle",
                        format!("unknown vehicle `{}`", show_text(name)),
                    )
                })?,
            None => default_vehicle(sc, kind),
        };
        if spec.max_vehicles == Some(0) {
            return Err(origin.error(src, "max_vehicles", "must be at least 1".into()));
        }
        let default_times = match (kind, kf) {
            (LaneKind::Linehaul, _) => &ops.linehaul.departures,
            (LaneKind::Feeder, NodeKind::Outlet) => &ops.feeder.to_centre,
            (LaneKind::Feeder, NodeKind::Centre) => &ops.feeder.from_centre,
        };
        let departures = match &spec.departures {
            Some(t) => {
                parse_times(&t.items()).map_err(|bad| origin.error(src, "departures", bad))?
            }
            None => parse_times(default_times).expect("validated"),
        };
        lanes.push(make_lane(
            sc,
            from,
            to,
            kind,
            spec.distance_km,
            hours,
            vehicle,
            departures,
        ));
        lanes.last_mut().expect("pushed").max_vehicles = spec.max_vehicles.unwrap_or(1);
    }

    // Outlets attach to exactly one home centre, by a feeder lane each way.
    for (li, lane) in lanes.iter().enumerate() {
        if lane.kind != LaneKind::Feeder {
            continue;
        }
        let (outlet, centre, outbound) = if nodes[lane.from as usize].kind == NodeKind::Outlet {
            (lane.from, lane.to, true)
        } else {
            (lane.to, lane.from, false)
        };
        let origin = &lane_specs[li].1;
        let n = &mut nodes[outlet as usize];
        if n.home != NONE && n.home != centre {
            return Err(origin.error(
                src,
                if outbound { "to" } else { "from" },
                format!(
                    "outlet `{}` already has its home centre; an outlet serves one centre",
                    n.id
                ),
            ));
        }
        n.home = centre;
        let slot = if outbound {
            &mut n.lane_out
        } else {
            &mut n.lane_in
        };
        if *slot != NONE {
            return Err(origin.error(
                src,
                "from",
                format!("outlet `{}` has two feeder lanes in this direction", n.id),
            ));
        }
        *slot = li as u32;
    }
    for (i, n) in nodes.iter().enumerate() {
        if n.kind == NodeKind::Outlet && (n.lane_out == NONE || n.lane_in == NONE) {
            let missing = if n.lane_out == NONE { "to" } else { "from" };
            return Err(node_specs[i].1.error(
                src,
                "id",
                format!("outlet `{}` needs a feeder lane {missing} its centre", n.id),
            ));
        }
    }
    // Zones: one per centre; an outlet lives in its home centre's zone.
    let centres: Vec<u32> = (0..nodes.len() as u32)
        .filter(|&i| nodes[i as usize].kind == NodeKind::Centre)
        .collect();
    if centres.is_empty() {
        return Err(src.error("network.nodes", "the network has no sortation centre"));
    }
    for (pos, &c) in centres.iter().enumerate() {
        nodes[c as usize].centre_pos = pos as u32;
        nodes[c as usize].zone = pos;
    }
    for i in 0..nodes.len() {
        if nodes[i].kind == NodeKind::Outlet {
            let home = nodes[i].home as usize;
            nodes[i].zone = nodes[home].centre_pos as usize;
        }
    }
    let zone_dist = centre_distances(&nodes, &lanes, &centres);
    let zones = Zones {
        names: centres
            .iter()
            .map(|&c| nodes[c as usize].id.clone())
            .collect(),
        distance_km: zone_dist,
    };
    let lanes_field = if net.lanes.is_some() {
        "network.lanes"
    } else {
        "network.lanes_file"
    };
    finish(sc, src, nodes, lanes, centres, zones, lanes_field, false)
}

fn default_vehicle(sc: &Scenario, kind: LaneKind) -> usize {
    match kind {
        LaneKind::Linehaul => sc
            .vehicles
            .iter()
            .position(|v| v.name == sc.operations.linehaul.default_vehicle)
            .expect("validated"),
        LaneKind::Feeder => (0..sc.vehicles.len())
            .min_by_key(|&i| sc.vehicles[i].capacity)
            .expect("validated: at least one vehicle"),
    }
}

fn parse_times(items: &[String]) -> Result<Vec<SimTime>, String> {
    if items.is_empty() {
        return Err("needs at least one departure time".into());
    }
    if items.len() > crate::scenario::MAX_TIMES {
        return Err(format!(
            "has {} departure times; at most {}",
            items.len(),
            crate::scenario::MAX_TIMES
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for t in items {
        out.push(
            parse_time_of_day(t)
                .ok_or_else(|| format!("`{}` is not a time of day HH:MM", show_text(t)))?,
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn make_lane(
    sc: &Scenario,
    from: u32,
    to: u32,
    kind: LaneKind,
    km: f64,
    hours: f64,
    vehicle: usize,
    departures: Vec<SimTime>,
) -> Lane {
    let dock = match kind {
        LaneKind::Linehaul => sc.operations.linehaul.dock_hours,
        LaneKind::Feeder => sc.operations.linehaul.dock_hours / 2.0,
    };
    let v = &sc.vehicles[vehicle];
    Lane {
        from,
        to,
        kind,
        distance_km: km,
        travel: SimTime::from_hours(hours + dock),
        vehicle,
        max_vehicles: 1,
        departures,
        trip_cost: v.fixed_cost + v.cost_per_km * km,
        planned_daily: 0.0,
        direct: false,
    }
}

/// Shortest road distance between centres over line-haul lanes (km); unreachable = ∞.
fn centre_distances(nodes: &[Node], lanes: &[Lane], centres: &[u32]) -> Vec<Vec<f64>> {
    let c = centres.len();
    let mut d = vec![vec![f64::INFINITY; c]; c];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for l in lanes.iter().filter(|l| l.kind == LaneKind::Linehaul) {
        let (a, b) = (
            nodes[l.from as usize].centre_pos as usize,
            nodes[l.to as usize].centre_pos as usize,
        );
        d[a][b] = d[a][b].min(l.distance_km);
    }
    for k in 0..c {
        for i in 0..c {
            for j in 0..c {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    d
}

// ------------------------------------------------------------------ generated networks

/// One row of the city list.
#[derive(Debug, Clone, Deserialize)]
pub struct City {
    pub city: String,
    pub province: String,
    pub region: String,
    pub lat: f64,
    pub lon: f64,
    pub population_m: f64,
    pub urban_area_km2: f64,
    pub ecommerce_weight: f64,
}

/// Great-circle distance (km).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

fn generate(sc: &Scenario, src: &Source, g: &Generate) -> Result<Network, InputError> {
    let path = src.resolve(&g.cities_file);
    let rows =
        read_csv::<City>(&path).map_err(|e| named_file(e, src, "network.generate.cities_file"))?;
    for (c, line) in &rows {
        let bad = |field: &str, msg: &str| InputError {
            file: path.clone(),
            line: Some(*line),
            field: Some(field.into()),
            message: msg.into(),
        };
        if !(-90.0..=90.0).contains(&c.lat) {
            return Err(bad("lat", "must be within -90..90"));
        }
        if !(-180.0..=180.0).contains(&c.lon) {
            return Err(bad("lon", "must be within -180..180"));
        }
        if !(c.urban_area_km2.is_finite() && c.urban_area_km2 > 0.0) {
            return Err(bad("urban_area_km2", "must be positive"));
        }
        if !(c.ecommerce_weight.is_finite() && c.ecommerce_weight >= 0.0) {
            return Err(bad("ecommerce_weight", "must be zero or positive"));
        }
        for (f, v) in [
            ("population_m", c.population_m),
            ("urban_area_km2", c.urban_area_km2),
            ("ecommerce_weight", c.ecommerce_weight),
        ] {
            if let Some(m) = crate::scenario::out_of_bounds(f, v) {
                return Err(bad(f, &m));
            }
        }
    }
    let mut cities: Vec<City> = rows.into_iter().map(|(c, _)| c).collect();
    cities.sort_by(|a, b| {
        b.ecommerce_weight
            .total_cmp(&a.ecommerce_weight)
            .then_with(|| a.city.cmp(&b.city))
    });
    if let Some(n) = g.max_cities {
        cities.truncate(n);
    }
    cities.retain(|c| c.ecommerce_weight > 0.0);
    if cities.len() < 2 {
        // Too few kept by `max_cities`, or too few in the file.
        let field = if g.max_cities.is_some_and(|m| m < 2) {
            "network.generate.max_cities"
        } else {
            "network.generate.cities_file"
        };
        return Err(src.error(
            field,
            "needs at least two cities with a positive ecommerce_weight",
        ));
    }
    let nc = cities.len();
    let dist: Vec<Vec<f64>> = (0..nc)
        .map(|i| {
            (0..nc)
                .map(|j| {
                    let (a, b) = (&cities[i], &cities[j]);
                    great_circle_km(a.lat, a.lon, b.lat, b.lon) * g.road_factor
                })
                .collect()
        })
        .collect();
    let zones = Zones {
        names: cities.iter().map(|c| c.city.clone()).collect(),
        distance_km: dist.clone(),
    };

    // Which city hosts the centre serving each city.
    let host: Vec<usize> = match g.centres {
        CentrePlacement::PerCity => (0..nc).collect(),
        CentrePlacement::PerProvince => (0..nc)
            .map(|i| {
                // Cities are sorted by weight, so the first of the province is its heaviest.
                (0..nc)
                    .find(|&j| cities[j].province == cities[i].province)
                    .expect("the city itself")
            })
            .collect(),
    };

    // Expected daily parcels leaving and arriving at each city (zone-level gravity model).
    let zone_weight: Vec<f64> = cities.iter().map(|c| c.ecommerce_weight).collect();
    let od = od_shares(&zones, &zone_weight, &sc.demand);
    let daily = sc.demand.daily_parcels;
    let out_city: Vec<f64> = (0..nc).map(|i| daily * od[i].iter().sum::<f64>()).collect();
    let in_city: Vec<f64> = (0..nc)
        .map(|j| daily * (0..nc).map(|i| od[i][j]).sum::<f64>())
        .collect();

    let mut nodes: Vec<Node> = Vec::new();
    let mut centre_of_city = vec![NONE; nc];
    for i in 0..nc {
        if host[i] == i {
            centre_of_city[i] = nodes.len() as u32;
            nodes.push(Node {
                area_km2: cities[i].urban_area_km2,
                lat_lon: Some((cities[i].lat, cities[i].lon)),
                ..Node::new(format!("{}-C", cities[i].city), NodeKind::Centre, i, sc)
            });
        }
    }
    let ops = &sc.operations;
    let mut lanes: Vec<Lane> = Vec::new();
    let feeder_out = parse_times(&ops.feeder.to_centre).expect("validated");
    let feeder_in = parse_times(&ops.feeder.from_centre).expect("validated");
    for i in 0..nc {
        let c = &cities[i];
        let volume = out_city[i] + in_city[i];
        let by_volume = (volume / g.parcels_per_outlet).ceil().max(1.0);
        let by_area = (c.urban_area_km2 / g.min_outlet_area_km2).floor().max(1.0);
        let n = by_volume.min(by_area) as usize;
        let centre = centre_of_city[host[i]];
        let hub_city = &cities[host[i]];
        // Feeder distance: from the outlet's district to the centre (half the city's width
        // within the city, plus the road to another city's centre, driven at truck speed).
        let local = 0.5 * c.urban_area_km2.sqrt();
        let road = if host[i] == i {
            0.0
        } else {
            great_circle_km(c.lat, c.lon, hub_city.lat, hub_city.lon) * g.road_factor
        };
        let km = local + road;
        let hours = local / ops.feeder.speed_kmh + road / ops.linehaul.speed_kmh;
        let fv = default_vehicle(sc, LaneKind::Feeder);
        for k in 0..n {
            let id = nodes.len() as u32;
            let lane_out = lanes.len() as u32;
            lanes.push(make_lane(
                sc,
                id,
                centre,
                LaneKind::Feeder,
                km,
                hours,
                fv,
                feeder_out.clone(),
            ));
            lanes.push(make_lane(
                sc,
                centre,
                id,
                LaneKind::Feeder,
                km,
                hours,
                fv,
                feeder_in.clone(),
            ));
            nodes.push(Node {
                weight: c.ecommerce_weight / n as f64,
                area_km2: c.urban_area_km2 / n as f64,
                home: centre,
                lane_out,
                lane_in: lane_out + 1,
                lat_lon: Some((c.lat, c.lon)),
                ..Node::new(format!("{}-O{}", c.city, k + 1), NodeKind::Outlet, i, sc)
            });
        }
    }
    let centres: Vec<u32> = (0..nodes.len() as u32)
        .filter(|&i| nodes[i as usize].kind == NodeKind::Centre)
        .collect();
    for (pos, &c) in centres.iter().enumerate() {
        nodes[c as usize].centre_pos = pos as u32;
    }

    // Line-haul lanes.
    let lh_times = parse_times(&ops.linehaul.departures).expect("validated");
    let lv = default_vehicle(sc, LaneKind::Linehaul);
    let city_of = |node: u32| nodes[node as usize].zone;
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    match g.linehaul {
        Topology::Meshed => {
            for &a in &centres {
                for &b in &centres {
                    if a != b {
                        pairs.push((a, b));
                    }
                }
            }
        }
        Topology::HubAndSpoke => {
            let mut hubs: Vec<u32> = Vec::new();
            // Centres are in weight order; take the heaviest that are far enough apart.
            for &c in &centres {
                if hubs.len() == g.hubs {
                    break;
                }
                if hubs
                    .iter()
                    .all(|&h| dist[city_of(h)][city_of(c)] >= g.hub_spacing_km)
                {
                    hubs.push(c);
                }
            }
            for &a in &hubs {
                for &b in &hubs {
                    if a != b {
                        pairs.push((a, b));
                    }
                }
            }
            for &c in &centres {
                if hubs.contains(&c) {
                    continue;
                }
                let hub = *hubs
                    .iter()
                    .min_by(|&&x, &&y| {
                        dist[city_of(c)][city_of(x)].total_cmp(&dist[city_of(c)][city_of(y)])
                    })
                    .expect("at least one hub");
                pairs.push((c, hub));
                pairs.push((hub, c));
            }
        }
    }
    for (a, b) in pairs {
        let km = dist[city_of(a)][city_of(b)].max(1.0);
        lanes.push(make_lane(
            sc,
            a,
            b,
            LaneKind::Linehaul,
            km,
            km / ops.linehaul.speed_kmh,
            lv,
            lh_times.clone(),
        ));
    }
    let net = finish(
        sc,
        src,
        nodes,
        lanes,
        centres,
        zones,
        "network.generate",
        true,
    )?;
    match g.direct_lanes_above {
        Some(threshold) => with_direct_lanes(sc, src, net, Some(threshold), &lh_times, lv),
        None if g.direct_lanes_by_cost => with_direct_lanes(sc, src, net, None, &lh_times, lv),
        None => Ok(net),
    }
}

/// The routing lever: opens a direct line-haul lane wherever the planned flow between two
/// centres reaches `threshold` parcels a day, or (without a threshold) wherever a direct
/// trip per parcel at the planned flow costs less than the route's trips and intermediate
/// sorts; then routes and plans the network again.
fn with_direct_lanes(
    sc: &Scenario,
    src: &Source,
    net: Network,
    threshold: Option<f64>,
    times: &[SimTime],
    vehicle: usize,
) -> Result<Network, InputError> {
    let nc = net.centres.len();
    let mut lanes = net.lanes.clone();
    let exists = |lanes: &[Lane], a: u32, b: u32| {
        lanes
            .iter()
            .any(|l| l.kind == LaneKind::Linehaul && l.from == a && l.to == b)
    };
    let mut added = 0;
    for a in 0..nc {
        for b in 0..nc {
            let (ca, cb) = (net.centres[a], net.centres[b]);
            let flow = net.centre_flows[a * nc + b];
            if a == b || flow <= 0.0 || exists(&lanes, ca, cb) {
                continue;
            }
            let (za, zb) = (net.nodes[ca as usize].zone, net.nodes[cb as usize].zone);
            let km = net.zones.distance_km[za][zb].max(1.0);
            let open = match threshold {
                Some(t) => flow >= t,
                None => {
                    direct_trip_per_parcel(sc, flow, km, times.len())
                        < route_per_parcel(sc, &net, a, b)
                }
            };
            if open {
                let hours = km / sc.operations.linehaul.speed_kmh;
                lanes.push(make_lane(
                    sc,
                    ca,
                    cb,
                    LaneKind::Linehaul,
                    km,
                    hours,
                    vehicle,
                    times.to_vec(),
                ));
                lanes.last_mut().expect("pushed").direct = true;
                added += 1;
            }
        }
    }
    if added == 0 {
        return Ok(net);
    }
    let mut nodes = net.nodes;
    for n in &mut nodes {
        // Plan lines and couriers again for the new flows.
        n.lines = 0;
        n.couriers = 0;
    }
    finish(
        sc,
        src,
        nodes,
        lanes,
        net.centres,
        net.zones,
        "network.generate",
        true,
    )
}

/// What a parcel pays per day's flow `flow` on a direct lane of `km` with `departures` a
/// day: the smallest vehicle that carries a departure's planned load (with slack), or
/// several of the largest, paid whole, shared by the flow (yuan/parcel).
fn direct_trip_per_parcel(sc: &Scenario, flow: f64, km: f64, departures: usize) -> f64 {
    let slack = sc
        .network
        .generate
        .as_ref()
        .map_or(0.3, |g| g.planning_slack);
    let per_departure = flow * (1.0 + slack) / departures.max(1) as f64;
    let mut order: Vec<&crate::scenario::Vehicle> = sc.vehicles.iter().collect();
    order.sort_by_key(|v| v.capacity);
    let v = order
        .iter()
        .find(|v| v.capacity as f64 >= per_departure)
        .unwrap_or_else(|| order.last().expect("at least one vehicle"));
    let vehicles = (per_departure / v.capacity as f64).ceil().max(1.0);
    departures as f64 * vehicles * (v.fixed_cost + v.cost_per_km * km) / flow
}

/// What a parcel pays on its current route from centre `a` to centre `b`: each lane's
/// trip per parcel with its vehicle full, and a sort at every centre before `b`.
fn route_per_parcel(sc: &Scenario, net: &Network, a: usize, b: usize) -> f64 {
    let nc = net.centres.len();
    let sort = sc.planned_sort_cost();
    let mut at = a;
    let mut cost = 0.0;
    let mut hops = 0;
    while at != b && hops <= nc {
        let li = net.next_lane[at * nc + b];
        if li == NONE {
            return f64::INFINITY;
        }
        let l = &net.lanes[li as usize];
        cost += l.trip_cost / sc.vehicles[l.vehicle].capacity as f64;
        at = net.nodes[l.to as usize].centre_pos as usize;
        if at != b {
            cost += sort;
        }
        hops += 1;
    }
    cost
}

// ------------------------------------------------------------------ routing and planning

/// Routes, checks reachability and, where asked, plans capacities from expected flows.
#[allow(clippy::too_many_arguments)]
fn finish(
    sc: &Scenario,
    src: &Source,
    mut nodes: Vec<Node>,
    mut lanes: Vec<Lane>,
    centres: Vec<u32>,
    zones: Zones,
    lanes_field: &str,
    size_lanes: bool,
) -> Result<Network, InputError> {
    let next_lane = route(
        &nodes,
        &lanes,
        &centres,
        &sc.vehicles,
        sc.planned_sort_cost(),
    );
    let outlets: Vec<u32> = (0..nodes.len() as u32)
        .filter(|&i| nodes[i as usize].kind == NodeKind::Outlet)
        .collect();
    if outlets.is_empty() {
        return Err(src.error("network", "the network has no outlet"));
    }
    if outlets.iter().all(|&o| nodes[o as usize].weight == 0.0) {
        return Err(src.error("network", "every outlet has weight 0: there is no demand"));
    }

    // Expected flows, by zone-level demand routed along the tables.
    let nz = zones.names.len();
    let mut zone_weight = vec![0.0; nz];
    for &o in &outlets {
        zone_weight[nodes[o as usize].zone] += nodes[o as usize].weight;
    }
    for (i, z) in sc.demand.origin_zones.iter().enumerate() {
        if !zones.names.contains(z) {
            return Err(src.error(
                &format!("demand.origin_zones[{i}]"),
                format!("unknown zone `{z}` (a city of a generated network, a centre id of an explicit one)"),
            ));
        }
    }
    let od = od_shares(&zones, &zone_weight, &sc.demand);
    let nc = centres.len();
    // Zone-to-zone demand becomes centre-to-centre demand through the outlets' homes.
    let mut zone_home_share = vec![vec![0.0; nc]; nz];
    for &o in &outlets {
        let n = &nodes[o as usize];
        if zone_weight[n.zone] > 0.0 {
            zone_home_share[n.zone][nodes[n.home as usize].centre_pos as usize] +=
                n.weight / zone_weight[n.zone];
        }
    }
    // Every centre that sends or receives parcels must reach every other such centre.
    let serves: Vec<bool> = (0..nc)
        .map(|c| (0..nz).any(|z| zone_home_share[z][c] > 0.0))
        .collect();
    for a in (0..nc).filter(|&a| serves[a]) {
        for b in (0..nc).filter(|&b| serves[b] && b != a) {
            let mut at = a;
            for _ in 0..nc {
                if at == b {
                    break;
                }
                let li = next_lane[at * nc + b];
                if li == NONE {
                    break;
                }
                at = nodes[lanes[li as usize].to as usize].centre_pos as usize;
            }
            if at != b {
                let (x, y) = (
                    &nodes[centres[a] as usize].id,
                    &nodes[centres[b] as usize].id,
                );
                return Err(src.error(
                    lanes_field,
                    format!("unreachable destination: no line-haul path from centre `{x}` to centre `{y}`"),
                ));
            }
        }
    }
    let mut cc = vec![vec![0.0; nc]; nc];
    for (zi, row) in od.iter().enumerate() {
        for (zj, &share) in row.iter().enumerate() {
            if share == 0.0 {
                continue;
            }
            for a in 0..nc {
                let sa = zone_home_share[zi][a];
                if sa == 0.0 {
                    continue;
                }
                for b in 0..nc {
                    let sb = zone_home_share[zj][b];
                    if sb > 0.0 {
                        cc[a][b] += share * sa * sb;
                    }
                }
            }
        }
    }
    let daily = sc.demand.daily_parcels;
    let mut lane_flow = vec![0.0; lanes.len()];
    let mut centre_flow = vec![0.0; nc];
    for (a, row) in cc.iter().enumerate() {
        for (b, &share) in row.iter().enumerate() {
            if share == 0.0 {
                continue;
            }
            let f = share * daily;
            let mut at = a;
            centre_flow[at] += f;
            let mut hops = 0;
            while at != b {
                let li = next_lane[at * nc + b];
                lane_flow[li as usize] += f;
                at = nodes[lanes[li as usize].to as usize].centre_pos as usize;
                centre_flow[at] += f;
                hops += 1;
                debug_assert!(hops <= nc, "routing loop");
            }
        }
    }
    // Feeder flows and deliveries per outlet.
    let mut outlet_in = vec![0.0; nodes.len()];
    for &o in &outlets {
        let n = &nodes[o as usize];
        if zone_weight[n.zone] == 0.0 {
            continue;
        }
        let share_of_zone = n.weight / zone_weight[n.zone];
        let out = daily * od[n.zone].iter().sum::<f64>() * share_of_zone;
        let inn = daily * (0..nz).map(|z| od[z][n.zone]).sum::<f64>() * share_of_zone;
        lane_flow[n.lane_out as usize] += out;
        lane_flow[n.lane_in as usize] += inn;
        outlet_in[o as usize] = inn;
    }

    let slack = sc
        .network
        .generate
        .as_ref()
        .map_or(0.3, |g| g.planning_slack);
    for (li, l) in lanes.iter_mut().enumerate() {
        l.planned_daily = lane_flow[li];
        if size_lanes {
            // Smallest vehicle that carries one departure's expected load; several of the
            // largest when none does. Up to a whole day's volume may leave at once.
            let per_departure = lane_flow[li] * (1.0 + slack) / l.departures.len() as f64;
            let mut order: Vec<usize> = (0..sc.vehicles.len()).collect();
            order.sort_by_key(|&v| (sc.vehicles[v].capacity, v));
            let v = order
                .iter()
                .copied()
                .find(|&v| sc.vehicles[v].capacity as f64 >= per_departure)
                .unwrap_or(*order.last().expect("at least one vehicle"));
            let veh = &sc.vehicles[v];
            l.vehicle = v;
            l.trip_cost = veh.fixed_cost + veh.cost_per_km * l.distance_km;
            l.max_vehicles =
                ((lane_flow[li] * (1.0 + slack) / veh.capacity as f64).ceil() as u32).max(1);
        }
    }
    let sorting = &sc.operations.sorting;
    let open = crate::staffing::open_hours(&sorting.shifts);
    for (pos, &c) in centres.iter().enumerate() {
        let arrivals = crate::staffing::arrival_profile(&lanes, c);
        let n = &mut nodes[c as usize];
        use crate::scenario::{Automation, SortingMode};
        let mode = n.sorting.unwrap_or(match sorting.automation {
            Automation::Automated => SortingMode::Automated,
            Automation::Manual => SortingMode::Manual,
            Automation::ByVolume if centre_flow[pos] >= sorting.automate_above_daily => {
                SortingMode::Automated
            }
            Automation::ByVolume => SortingMode::Manual,
        });
        n.tech = sc.sort_tech(mode);
        if n.lines == 0 {
            n.lines = crate::staffing::lines_for_peak(
                &arrivals,
                &open,
                n.tech.throughput_per_line,
                slack,
                sorting.plan_clear_hours,
            );
        }
    }
    let cap = sc.operations.delivery.courier_daily_capacity as f64;
    for &o in &outlets {
        let n = &mut nodes[o as usize];
        if n.couriers == 0 {
            n.couriers = ((outlet_in[o as usize] * (1.0 + slack) / cap).ceil() as u32).max(1);
        }
    }
    Ok(Network {
        nodes,
        lanes,
        centres,
        outlets,
        next_lane,
        zones,
        centre_flows: cc.iter().flatten().map(|share| share * daily).collect(),
    })
}

/// Least-cost next-hop table between centres over line-haul lanes. A lane's cost is its
/// trip cost per parcel with its vehicle full plus the sort at the centre it reaches, so
/// a route pays for every transfer it makes and prefers cheap, direct lanes.
pub fn route(
    nodes: &[Node],
    lanes: &[Lane],
    centres: &[u32],
    vehicles: &[crate::scenario::Vehicle],
    sort_cost: f64,
) -> Vec<u32> {
    let nc = centres.len();
    let mut g = DiGraph::<(), (f64, u32)>::new();
    for _ in 0..nc {
        g.add_node(());
    }
    for (li, l) in lanes.iter().enumerate() {
        if l.kind == LaneKind::Linehaul {
            let cost = l.trip_cost / vehicles[l.vehicle].capacity as f64 + sort_cost;
            g.add_edge(
                NodeIndex::new(nodes[l.from as usize].centre_pos as usize),
                NodeIndex::new(nodes[l.to as usize].centre_pos as usize),
                (cost, li as u32),
            );
        }
    }
    let mut next = vec![NONE; nc * nc];
    for t in 0..nc {
        let tree = spfa(Reversed(&g), NodeIndex::new(t), |e| e.weight().0)
            .expect("lane costs are non-negative");
        for v in 0..nc {
            if v == t {
                continue;
            }
            if let Some(p) = tree.predecessors[v] {
                // The cheapest lane v → p (there may be parallel lanes).
                let lane = g
                    .edges_connecting(NodeIndex::new(v), p)
                    .min_by(|a, b| {
                        a.weight()
                            .0
                            .total_cmp(&b.weight().0)
                            .then(a.weight().1.cmp(&b.weight().1))
                    })
                    .map(|e| e.weight().1)
                    .expect("tree edge exists");
                next[v * nc + t] = lane;
            }
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_shanghai_beijing() {
        let d = great_circle_km(31.23, 121.47, 39.90, 116.41);
        assert!((d - 1068.0).abs() < 15.0, "{d}");
    }

    #[test]
    fn departure_times_are_sorted_and_checked() {
        let t = parse_times(&["23:00".into(), "04:00".into()]).unwrap();
        assert_eq!(t, vec![SimTime::from_hours(4.0), SimTime::from_hours(23.0)]);
        assert!(parse_times(&["25:00".into()]).is_err());
    }
}
