//! Explicit networks: nodes and lanes given inline in the scenario or in CSV files (read
//! with located errors), checked and joined into a [`Network`], with the feeder lanes
//! each outlet needs; departure times and default vehicles.

use super::routing::finish;
use super::{Lane, LaneKind, NONE, Network, Node};
use crate::demand::Zones;
use crate::engine::SimTime;
use crate::error::{InputError, show_num, show_text};
use crate::scenario::{LaneSpec, NodeKind, NodeSpec, Scenario, Source, time_of_day};
use serde::Deserialize;
use std::path::Path;

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
pub(super) fn named_file(e: InputError, src: &Source, field: &str) -> InputError {
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

pub(super) fn explicit(sc: &Scenario, src: &Source) -> Result<Network, InputError> {
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
            None => default_vehicle(sc, src, kind)?,
        };
        if spec.max_vehicles == Some(0) {
            return Err(origin.error(src, "max_vehicles", "must be at least 1".into()));
        }
        let (default_times, default_field) = match (kind, kf) {
            (LaneKind::Linehaul, _) => (&ops.linehaul.departures, "operations.linehaul.departures"),
            (LaneKind::Feeder, NodeKind::Outlet) => {
                (&ops.feeder.to_centre, "operations.feeder.to_centre")
            }
            (LaneKind::Feeder, NodeKind::Centre) => {
                (&ops.feeder.from_centre, "operations.feeder.from_centre")
            }
        };
        let departures = match &spec.departures {
            Some(t) => {
                parse_times(&t.items()).map_err(|bad| origin.error(src, "departures", bad))?
            }
            None => default_departures(src, default_times, default_field)?,
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

/// The vehicle a lane of `kind` gets when it names none: line-haul the scenario's
/// `operations.linehaul.default_vehicle`, a feeder the smallest vehicle.
pub(super) fn default_vehicle(
    sc: &Scenario,
    src: &Source,
    kind: LaneKind,
) -> Result<usize, InputError> {
    match kind {
        LaneKind::Linehaul => {
            let name = &sc.operations.linehaul.default_vehicle;
            sc.vehicles
                .iter()
                .position(|v| &v.name == name)
                .ok_or_else(|| {
                    src.error(
                        "operations.linehaul.default_vehicle",
                        format!("unknown vehicle `{}`", show_text(name)),
                    )
                })
        }
        LaneKind::Feeder => (0..sc.vehicles.len())
            .min_by_key(|&i| sc.vehicles[i].capacity)
            .ok_or_else(|| src.error("vehicles", "needs at least one vehicle")),
    }
}

/// The departure times of scenario field `field` (`operations.linehaul.departures`, ...)
/// that lanes without their own take.
pub(super) fn default_departures(
    src: &Source,
    items: &[String],
    field: &str,
) -> Result<Vec<SimTime>, InputError> {
    parse_times(items).map_err(|bad| src.error(field, bad))
}

pub(super) fn parse_times(items: &[String]) -> Result<Vec<SimTime>, String> {
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
        out.push(time_of_day(t)?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn make_lane(
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
