//! The generator: a network built from a city list — centres per province or per city,
//! outlets planned for the daily load, hub-and-spoke or meshed line-haul, and direct lanes by
//! flow threshold or by cost.

use super::explicit::{default_departures, default_vehicle, make_lane, named_file, read_csv};
use super::routing::finish;
use super::{Lane, LaneKind, NONE, Network, Node};
use crate::demand::{Zones, od_shares};
use crate::engine::SimTime;
use crate::error::{InputError, show_num};
use crate::scenario::{CentrePlacement, Generate, NodeKind, Scenario, Source, Topology};
use serde::Deserialize;

/// One row of the city list.
#[derive(Debug, Clone, Deserialize)]
pub struct City {
    /// City name (unique in the list).
    pub city: String,
    /// Province: one centre per province under `centres = "per_province"`.
    pub province: String,
    /// Region of the country.
    pub region: String,
    /// Latitude (degrees north).
    pub lat: f64,
    /// Longitude (degrees east).
    pub lon: f64,
    /// Urban population (millions).
    pub population_m: f64,
    /// Built-up area (km²), shared by the city's outlets.
    pub urban_area_km2: f64,
    /// Relative parcel origin and destination weight (only ratios matter).
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

pub(super) fn generate(sc: &Scenario, src: &Source, g: &Generate) -> Result<Network, InputError> {
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
    // Outlets per city, checked before anything is built on them.
    let counts: Vec<usize> = (0..nc)
        .map(|i| outlets_for_city(out_city[i] + in_city[i], cities[i].urban_area_km2, g))
        .collect();
    let total: usize = counts.iter().fold(0usize, |a, &n| a.saturating_add(n));
    if total > MAX_OUTLETS {
        let by_volume: f64 = (0..nc)
            .map(|i| ((out_city[i] + in_city[i]) / g.parcels_per_outlet).ceil())
            .sum();
        let field = if by_volume > MAX_OUTLETS as f64 {
            "network.generate.parcels_per_outlet"
        } else {
            "network.generate.outlet_service_area_km2"
        };
        return Err(src.error(
            field,
            format!(
                "plans {} outlets; at most {MAX_OUTLETS} (raise the capacity or the service area)",
                show_num(total as f64)
            ),
        ));
    }
    let ops = &sc.operations;
    let mut lanes: Vec<Lane> = Vec::new();
    let feeder_out = default_departures(src, &ops.feeder.to_centre, "operations.feeder.to_centre")?;
    let feeder_in = default_departures(
        src,
        &ops.feeder.from_centre,
        "operations.feeder.from_centre",
    )?;
    for i in 0..nc {
        let c = &cities[i];
        let n = counts[i];
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
        let fv = default_vehicle(sc, src, LaneKind::Feeder)?;
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
    let lh_times = default_departures(
        src,
        &ops.linehaul.departures,
        "operations.linehaul.departures",
    )?;
    let lv = default_vehicle(sc, src, LaneKind::Linehaul)?;
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

/// Most outlets a generated network may plan (ZTO had ≈31,000, N6): beyond it a run
/// would not fit in memory, so the generator refuses with a located error.
pub const MAX_OUTLETS: usize = 1_000_000;

/// Outlets a generated city gets: enough to carry its expected daily volume (picked up
/// plus delivered) at `parcels_per_outlet` each, and at least enough to cover its urban
/// area at `outlet_service_area_km2` each; so the count grows with volume once volume,
/// not area, binds. At least one.
pub fn outlets_for_city(daily_volume: f64, area_km2: f64, g: &Generate) -> usize {
    let by_volume = (daily_volume / g.parcels_per_outlet).ceil();
    let by_area = (area_km2 / g.outlet_service_area_km2).ceil();
    by_volume.max(by_area).max(1.0) as usize
}
