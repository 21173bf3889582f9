//! Routing and planning: least-cost next-hop tables from shortest-path trees on a petgraph
//! graph of the centres, the reachability check, and capacities (vehicles, lines, couriers)
//! planned from the expected flows.

use super::{Lane, LaneKind, NONE, Network, Node};
use crate::demand::{Zones, od_shares};
use crate::error::InputError;
use crate::scenario::{NodeKind, Scenario, Source};
use petgraph::algo::spfa;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{EdgeRef, Reversed};

/// Routes, checks reachability and, where asked, plans capacities from expected flows.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
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
    let mut outlet_all = vec![0.0; nodes.len()];
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
        outlet_all[o as usize] = out + inn;
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
    let open = crate::staffing::open_hours(&sorting.shifts).map_err(|bad| {
        let field = bad.field("operations.sorting.shifts");
        src.error(&field, bad.message)
    })?;
    let arrivals = crate::staffing::arrival_profiles(&lanes, centres.len(), |to| {
        let n = &nodes[to as usize];
        (n.kind == NodeKind::Centre).then_some(n.centre_pos as usize)
    });
    for (pos, &c) in centres.iter().enumerate() {
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
                &arrivals[pos],
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
        n.capacity = outlet_all[o as usize] * (1.0 + slack);
    }
    let homes = nodes
        .iter()
        .map(|n| match nodes.get(n.home as usize) {
            Some(h) => (h.centre_pos, n.lane_in),
            None => (NONE, NONE),
        })
        .collect();
    Ok(Network {
        nodes,
        lanes,
        centres,
        outlets,
        next_lane,
        homes,
        zones,
        centre_flows: cc.iter().flatten().map(|share| share * daily).collect(),
        open_hours: open,
        arrivals,
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
