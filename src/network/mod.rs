//! The sortation network: outlets (网点) and sortation centres (分拨中心), lanes with
//! vehicles and timetables, least-cost routing tables (shortest-path trees on a petgraph
//! graph of the centres), and the
//! generator that builds a network from a city list.
//!
//! Every outlet hangs off one home centre by a feeder lane each way; centres are joined
//! by line-haul lanes. A parcel goes outlet → home centre → … → destination centre →
//! destination outlet, choosing at each centre the next hop of a precomputed table.
//!
//! Files: this one holds the types ([`Node`], [`Lane`], [`Network`]) and [`build`];
//! `explicit.rs` reads networks given node by node (TOML or CSV), `generate.rs` builds one
//! from a city list, `routing.rs` routes and plans capacities; both builders end there.

use crate::demand::Zones;
use crate::engine::SimTime;
use crate::error::InputError;
use crate::scenario::{NodeKind, Scenario, Source};

mod explicit;
mod generate;
mod routing;
#[cfg(test)]
mod tests;

pub use explicit::read_csv;
pub use generate::{City, great_circle_km};
pub use routing::route;

/// "No node or lane" in index fields (`home`, `lane_out`, `next_lane`, ...).
pub const NONE: u32 = u32::MAX;

/// Which kind of run a lane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneKind {
    /// Outlet ↔ centre (支线).
    Feeder,
    /// Centre → centre (干线).
    Linehaul,
}

impl LaneKind {
    /// The name in output files (`feeder`, `linehaul`).
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
    /// The id the scenario or generator gave it.
    pub id: String,
    /// Outlet or centre.
    pub kind: NodeKind,
    /// Demand zone (a city, or for explicit networks the home centre's area).
    pub zone: usize,
    /// Outlets: relative demand weight.
    pub weight: f64,
    /// Outlets: area its couriers cover (km²).
    pub area_km2: f64,
    /// Outlets: couriers.
    pub couriers: u32,
    /// Outlets: daily capacity planned, parcels picked up plus delivered (the expected
    /// flow with the planning slack); sizes the outlet's floor space.
    pub capacity: f64,
    /// Centres: parallel sorter lines.
    pub lines: u32,
    /// Centres: sorting mode asked for by the scenario (None: decided by planning), and
    /// the technology resolved for the centre.
    pub sorting: Option<crate::scenario::SortingMode>,
    /// Centres: the sorting technology resolved for the centre.
    pub tech: crate::scenario::SortTech,
    /// Outlets: home centre and the feeder lanes to and from it.
    pub home: u32,
    /// Outlets: the feeder lane to the home centre.
    pub lane_out: u32,
    /// Outlets: the feeder lane from the home centre.
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
    /// Node the vehicles leave.
    pub from: u32,
    /// Node they arrive at.
    pub to: u32,
    /// Feeder or line-haul.
    pub kind: LaneKind,
    /// Road distance (km).
    pub distance_km: f64,
    /// Driving plus docking time.
    pub travel: SimTime,
    /// Index of the vehicle type in the scenario's `vehicles`.
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
    /// Every node; indices into it are the `u32` node ids used everywhere.
    pub nodes: Vec<Node>,
    /// Every lane; indices into it are the `u32` lane ids.
    pub lanes: Vec<Lane>,
    /// Node indices of centres, and of outlets.
    pub centres: Vec<u32>,
    /// Node indices of outlets.
    pub outlets: Vec<u32>,
    /// `next_lane[from_pos * centres + to_pos]`: the lane a parcel at centre `from_pos`
    /// takes toward centre `to_pos` (`NONE` on the diagonal).
    pub next_lane: Vec<u32>,
    /// Each node's home centre (its position in `centres`) and the lane into it (`NONE`
    /// for a centre): the two fields of a destination a route reads, packed, so that a
    /// sort touches 8 bytes of it rather than its whole node.
    pub homes: Vec<(u32, u32)>,
    /// Demand zones (cities) with their distances.
    pub zones: Zones,
    /// Planned parcels per day from centre to centre (`from_pos * centres + to_pos`).
    pub centre_flows: Vec<f64>,
    /// Share of each hour of the day in a sorting shift (`operations.sorting.shifts`).
    pub open_hours: [f64; 24],
    /// Parcels expected to reach each centre in each hour of the day, by the centre's
    /// position (see [`crate::staffing::arrival_profiles`]): its lines were sized for
    /// them, and its crews are rostered for them.
    pub arrivals: Vec<[f64; 24]>,
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
            capacity: 0.0,
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

    /// The lane a parcel at the centre at position `pos` in `centres` takes toward outlet
    /// `dest_outlet`: the feeder in when the outlet is the centre's own, else the routing
    /// table's next hop.
    #[inline]
    pub fn lane_from(&self, pos: usize, dest_outlet: u32) -> u32 {
        let (home, lane_in) = self.homes[dest_outlet as usize];
        if home as usize == pos {
            lane_in
        } else {
            self.next_lane[pos * self.centres.len() + home as usize]
        }
    }
}

/// Most nodes (outlets and centres) a network may have: a parcel in flight packs its origin
/// and destination in 20 bits each.
pub const MAX_NODES: usize = 1 << 20;

/// Builds the network a scenario describes, checking every reference.
pub fn build(sc: &Scenario, src: &Source) -> Result<Network, InputError> {
    let net = match &sc.network.generate {
        Some(g) => generate::generate(sc, src, g)?,
        None => explicit::explicit(sc, src)?,
    };
    if net.nodes.len() > MAX_NODES {
        return Err(src.error(
            "network",
            format!(
                "has {} nodes; at most {MAX_NODES} (outlets and centres together)",
                net.nodes.len()
            ),
        ));
    }
    Ok(net)
}
