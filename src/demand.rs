//! Demand: orders arrive at each outlet as a non-homogeneous Poisson process (daily volume
//! times an intraday profile), destinations follow a gravity model over zones (cities),
//! parcel weights are lognormal.
//!
//! Orders are drawn in batches at each pickup cut-off: the number placed at an outlet in
//! (previous cut-off, cut-off] is Poisson with the integrated intensity, and each order's
//! time is placed within the interval by the profile. That is an exact sample of the
//! NHPP without one event per order.

use crate::engine::SimTime;
use crate::random::Rng;
use crate::scenario::Demand;
use rand::RngExt;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, LogNormal, Poisson};

/// Demand zones (cities, or centre areas) and the road distances between them.
#[derive(Debug, Clone)]
pub struct Zones {
    /// Zone names: cities of a generated network, centre ids of an explicit one.
    pub names: Vec<String>,
    /// Road distance between zones `i` and `j` (km), `distance_km[i][j]`.
    pub distance_km: Vec<Vec<f64>>,
}

/// Joint shares `od[i][j]` of parcels from zone i to zone j (summing to 1): origins in
/// proportion to weight (only the `origin_zones`, when the scenario names some); within-zone
/// share fixed; other destinations by weight times exp(-distance / decay).
pub fn od_shares(zones: &Zones, weight: &[f64], d: &Demand) -> Vec<Vec<f64>> {
    let dist = &zones.distance_km;
    let n = weight.len();
    let sends = |i: usize| d.origin_zones.is_empty() || d.origin_zones.contains(&zones.names[i]);
    let total: f64 = (0..n).filter(|&i| sends(i)).map(|i| weight[i]).sum();
    let mut od = vec![vec![0.0; n]; n];
    if total <= 0.0 {
        return od;
    }
    for i in 0..n {
        if weight[i] == 0.0 || !sends(i) {
            continue;
        }
        let origin = weight[i] / total;
        let pull: Vec<f64> = (0..n)
            .map(|j| {
                if j == i || !dist[i][j].is_finite() {
                    0.0
                } else {
                    weight[j] * (-dist[i][j] / d.distance_decay_km).exp()
                }
            })
            .collect();
        let z: f64 = pull.iter().sum();
        let intra = if z > 0.0 { d.intra_city_share } else { 1.0 };
        od[i][i] = origin * intra;
        if z > 0.0 {
            for j in 0..n {
                od[i][j] += origin * (1.0 - intra) * pull[j] / z;
            }
        }
    }
    od
}

/// One pickup interval's slice of the intraday profile.
#[derive(Debug, Clone)]
struct Window {
    /// Share of a day's orders placed in this window.
    share: f64,
    /// (start offset from the window start, length, cumulative share) of each hour piece.
    pieces: Vec<(SimTime, SimTime, f64)>,
    /// For each 1/[`BUCKETS`] of the unit interval, the first piece whose cumulative share
    /// reaches its lower end: where the search for a uniform draw in it starts.
    first_piece: [u8; BUCKETS],
    /// Length of the window.
    length: SimTime,
}

/// Buckets of [`Window::first_piece`] (a power of two: `u * BUCKETS` is exact).
const BUCKETS: usize = 64;

impl Window {
    /// The piece a uniform draw `u` in [0, 1) falls in: the first whose cumulative share
    /// reaches `u` (the last if rounding leaves none).
    #[inline]
    fn piece(&self, u: f64) -> usize {
        // (Through u32: converting a float to a 64-bit unsigned takes more instructions.)
        let b = ((u * BUCKETS as f64) as u32 as usize).min(BUCKETS - 1);
        let mut i = self.first_piece[b] as usize;
        while i < self.pieces.len() && self.pieces[i].2 < u {
            i += 1;
        }
        i.min(self.pieces.len() - 1)
    }
}

/// An order drawn at a cut-off.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// When the customer placed the order (before the cut-off it is drawn at).
    pub placed: SimTime,
    /// Node index of the outlet that delivers it.
    pub dest_outlet: u32,
    /// Weight of the parcel, within the scenario's cap (kg).
    pub weight_kg: f32,
}

/// Samples orders for every outlet.
pub struct DemandModel {
    /// Mean parcels per day originating at each outlet (indexed like `outlets`).
    pub outlet_daily: Vec<f64>,
    outlet_zone: Vec<usize>,
    /// Per origin zone: destination zone sampler (None when the zone sends nothing).
    dest_zone: Vec<Option<WeightedAliasIndex<f64>>>,
    /// Per zone: its outlets and a sampler by weight.
    zone_outlets: Vec<(Vec<u32>, Option<WeightedAliasIndex<f64>>)>,
    /// Pickup cut-offs (times of day, sorted) and the window ending at each.
    cutoffs: Vec<SimTime>,
    windows: Vec<Window>,
    weight: LogNormal<f64>,
    weight_max: f64,
    peak_days: Vec<u32>,
    peak_multiplier: f64,
}

impl DemandModel {
    /// `outlets`: node ids of outlets with their zone and weight. A parcel weight spread
    /// the log-normal cannot take is an error naming `demand.weight_sigma`.
    pub fn new(
        d: &Demand,
        zones: &Zones,
        outlets: &[(u32, usize, f64)],
        cutoffs: &[SimTime],
    ) -> Result<DemandModel, String> {
        let weight = LogNormal::new(d.weight_median_kg.ln(), d.weight_sigma).map_err(|e| {
            format!(
                "demand.weight_sigma: {} is not a spread of parcel weights ({e})",
                crate::error::show_num(d.weight_sigma)
            )
        })?;
        let nz = zones.names.len();
        let mut zone_weight = vec![0.0; nz];
        for &(_, z, w) in outlets {
            zone_weight[z] += w;
        }
        let od = od_shares(zones, &zone_weight, d);
        let dest_zone = od
            .iter()
            .map(|row| WeightedAliasIndex::new(row.clone()).ok())
            .collect();
        let mut zone_outlets: Vec<(Vec<u32>, Vec<f64>)> = vec![(vec![], vec![]); nz];
        for &(id, z, w) in outlets {
            zone_outlets[z].0.push(id);
            zone_outlets[z].1.push(w);
        }
        let zone_outlets = zone_outlets
            .into_iter()
            .map(|(ids, ws)| (ids, WeightedAliasIndex::new(ws).ok()))
            .collect();
        // An outlet sends its zone's share of the parcels, in proportion to its weight.
        let outlet_daily = outlets
            .iter()
            .map(|&(_, z, w)| {
                let zone_out: f64 = od[z].iter().sum();
                if zone_weight[z] > 0.0 {
                    d.daily_parcels * zone_out * w / zone_weight[z]
                } else {
                    0.0
                }
            })
            .collect();
        let mut cutoffs = cutoffs.to_vec();
        cutoffs.sort();
        let windows = windows(&d.intraday_profile, &cutoffs);
        Ok(DemandModel {
            outlet_daily,
            outlet_zone: outlets.iter().map(|o| o.1).collect(),
            dest_zone,
            zone_outlets,
            cutoffs,
            windows,
            weight,
            weight_max: d.weight_max_kg,
            peak_days: d.peak_days.clone(),
            peak_multiplier: d.peak_multiplier,
        })
    }

    /// The pickup cut-offs of a day, in order (times of day).
    pub fn cutoffs(&self) -> &[SimTime] {
        &self.cutoffs
    }

    /// Orders placed at outlet `k` (position in `outlets`) in the window ending at cut-off
    /// `w`, which falls at `cutoff_at`. Orders "before time zero" are not drawn.
    pub fn draw(
        &self,
        k: usize,
        w: usize,
        cutoff_at: SimTime,
        rng: &mut Rng,
        out: &mut Vec<Order>,
    ) {
        out.clear();
        self.draw_more(k, w, cutoff_at, 1.0, rng, out);
    }

    /// Appends to `out` the orders of an independent Poisson stream of `share` times the
    /// demand (same outlet, window, profile, destinations and weights). Drawn from its own
    /// random stream after [`DemandModel::draw`], it leaves the base orders untouched: the
    /// superposition is the demand grown by `share`, with the same orders plus the extra
    /// ones (common random numbers for marginal cost).
    pub fn draw_extra(
        &self,
        k: usize,
        w: usize,
        cutoff_at: SimTime,
        share: f64,
        rng: &mut Rng,
        out: &mut Vec<Order>,
    ) {
        self.draw_more(k, w, cutoff_at, share, rng, out);
    }

    /// Appends the orders of `scale` times the demand at outlet `k` in window `w`.
    fn draw_more(
        &self,
        k: usize,
        w: usize,
        cutoff_at: SimTime,
        scale: f64,
        rng: &mut Rng,
        out: &mut Vec<Order>,
    ) {
        let win = &self.windows[w];
        let peak = if self.peak_days.contains(&(cutoff_at.day() as u32)) {
            self.peak_multiplier
        } else {
            1.0
        };
        let mean = self.outlet_daily[k] * win.share * peak * scale;
        // Validation bounds the mean (volume, peak multiplier); a mean the distribution
        // still refuses draws nothing rather than stopping the run.
        let Ok(poisson) = Poisson::new(mean) else {
            return;
        };
        if mean.is_nan() || mean <= 0.0 {
            return;
        }
        let n = poisson.sample(rng) as usize;
        // The window may reach back before time zero on the first day.
        let start = cutoff_at.0 as i64 - win.length.0 as i64;
        let origin_zone = self.outlet_zone[k];
        let Some(dz) = &self.dest_zone[origin_zone] else {
            return;
        };
        out.reserve_exact(n);
        for _ in 0..n {
            // Time within the window, by the profile.
            let u: f64 = rng.random();
            let (off, len, _) = win.pieces[win.piece(u)];
            // A piece is at most an hour: its ms fit 32 bits (cheaper float conversions).
            let within = (rng.random::<f64>() * len.0 as i64 as f64) as u32 as u64;
            let placed = start + (off.0 + within) as i64;
            if placed < 0 {
                // Before the simulation began: not an order of this run.
                continue;
            }
            let placed = SimTime(placed as u64);
            let z = dz.sample(rng);
            let (ids, sampler) = &self.zone_outlets[z];
            let dest = ids[sampler
                .as_ref()
                .expect("a destination zone has outlets")
                .sample(rng)];
            let weight = self.weight.sample(rng).min(self.weight_max) as f32;
            out.push(Order {
                placed: placed.min(cutoff_at),
                dest_outlet: dest,
                weight_kg: weight,
            });
        }
    }
}

/// Splits the daily profile into the windows ending at each cut-off.
fn windows(profile: &[f64], cutoffs: &[SimTime]) -> Vec<Window> {
    let total: f64 = profile.iter().sum();
    let hour = SimTime::MS_PER_HOUR;
    let day = SimTime::MS_PER_DAY;
    (0..cutoffs.len())
        .map(|w| {
            let end = cutoffs[w].0;
            let start = cutoffs[(w + cutoffs.len() - 1) % cutoffs.len()].0;
            // Window [start, end) on the clock, wrapping past midnight.
            let length = if end > start {
                end - start
            } else {
                end + day - start
            };
            let mut pieces = Vec::new();
            let mut t = 0u64;
            let mut acc = 0.0;
            while t < length {
                let clock = (start + t) % day;
                let h = (clock / hour) as usize;
                let piece = (hour - clock % hour).min(length - t);
                let mass = profile[h] / total * piece as f64 / hour as f64;
                acc += mass;
                pieces.push((SimTime(t), SimTime(piece), acc));
                t += piece;
            }
            for p in &mut pieces {
                p.2 /= acc.max(f64::MIN_POSITIVE);
            }
            let first_piece = std::array::from_fn(|b| {
                let lower = b as f64 / BUCKETS as f64;
                pieces
                    .partition_point(|p| p.2 < lower)
                    .min(u8::MAX as usize) as u8
            });
            Window {
                share: acc,
                pieces,
                first_piece,
                length: SimTime(length),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, rng};

    fn demand() -> Demand {
        toml::from_str::<Demand>("daily_parcels = 10000").unwrap()
    }

    #[test]
    fn a_draw_falls_in_the_piece_a_binary_search_finds() {
        let profile: Vec<f64> = (0..24).map(|h| 1.0 + (h * 7 % 5) as f64).collect();
        let cutoffs = [SimTime::from_hours(9.5), SimTime::from_hours(17.0)];
        let mut r = rng(5, Stream::Demand, 0);
        for win in windows(&profile, &cutoffs) {
            let search = |u: f64| {
                win.pieces
                    .partition_point(|p| p.2 < u)
                    .min(win.pieces.len() - 1)
            };
            let mut us: Vec<f64> = (0..=BUCKETS).map(|b| b as f64 / BUCKETS as f64).collect();
            us.extend(
                win.pieces
                    .iter()
                    .flat_map(|p| [p.2, p.2.next_up(), p.2.next_down()]),
            );
            us.extend((0..10_000).map(|_| r.random::<f64>()));
            for u in us.into_iter().filter(|u| (0.0..1.0).contains(u)) {
                assert_eq!(win.piece(u), search(u), "{u}");
            }
        }
    }

    #[test]
    fn od_shares_sum_to_one_and_keep_the_intra_city_share() {
        let d = demand();
        let zones = Zones {
            names: vec!["a".into(), "b".into(), "c".into()],
            distance_km: vec![
                vec![0.0, 100.0, 900.0],
                vec![100.0, 0.0, 800.0],
                vec![900.0, 800.0, 0.0],
            ],
        };
        let od = od_shares(&zones, &[3.0, 1.0, 1.0], &d);
        let total: f64 = od.iter().flatten().sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((od[0][0] - 0.6 * d.intra_city_share).abs() < 1e-12);
        // Nearer zones pull more.
        assert!(od[0][1] > od[0][2] * 0.9);
        // Only the named origins send; every zone still receives.
        let only_b = Demand {
            origin_zones: vec!["b".into()],
            ..d.clone()
        };
        let od = od_shares(&zones, &[3.0, 1.0, 1.0], &only_b);
        assert!(od[0].iter().chain(&od[2]).all(|&x| x == 0.0));
        assert!((od[1].iter().sum::<f64>() - 1.0).abs() < 1e-12 && od[1][0] > 0.0);
    }

    #[test]
    fn windows_cover_the_day_once() {
        let cut = [SimTime::from_hours(13.0), SimTime::from_hours(19.0)];
        let w = windows(&crate::scenario::d_profile(), &cut);
        let share: f64 = w.iter().map(|x| x.share).sum();
        assert!((share - 1.0).abs() < 1e-9);
        assert_eq!(w[0].length, SimTime::from_hours(18.0));
        assert_eq!(w[1].length, SimTime::from_hours(6.0));
    }

    #[test]
    fn extra_orders_leave_the_base_orders_untouched() {
        let d = demand();
        let zones = Zones {
            names: vec!["a".into(), "b".into()],
            distance_km: vec![vec![0.0, 300.0], vec![300.0, 0.0]],
        };
        let cut = [SimTime::from_hours(13.0), SimTime::from_hours(19.0)];
        let m = DemandModel::new(&d, &zones, &[(0, 0, 1.0), (1, 1, 3.0)], &cut).expect("valid");
        let at = SimTime::from_days(2) + cut[1];
        let (mut alone, mut both) = (Vec::new(), Vec::new());
        m.draw(1, 1, at, &mut rng(5, Stream::Demand, 0), &mut alone);
        m.draw(1, 1, at, &mut rng(5, Stream::Demand, 0), &mut both);
        m.draw_extra(
            1,
            1,
            at,
            0.5,
            &mut rng(5, Stream::ExtraDemand, 0),
            &mut both,
        );
        let key = |o: &Order| (o.placed, o.dest_outlet, o.weight_kg.to_bits());
        assert!(
            both.len() > alone.len() + 100,
            "{} {}",
            alone.len(),
            both.len()
        );
        assert!(alone.iter().zip(&both).all(|(a, b)| key(a) == key(b)));
    }

    #[test]
    fn a_weight_spread_the_log_normal_cannot_take_is_an_error_naming_the_field() {
        let zones = Zones {
            names: vec!["a".into()],
            distance_km: vec![vec![0.0]],
        };
        let cut = [SimTime::from_hours(19.0)];
        for sigma in [f64::NAN, f64::INFINITY] {
            let d = Demand {
                weight_sigma: sigma,
                ..demand()
            };
            let e = DemandModel::new(&d, &zones, &[(0, 0, 1.0)], &cut)
                .err()
                .expect("not a spread");
            assert!(e.starts_with("demand.weight_sigma: "), "{e}");
        }
    }

    #[test]
    fn daily_draws_average_the_daily_volume() {
        let d = demand();
        let zones = Zones {
            names: vec!["a".into(), "b".into()],
            distance_km: vec![vec![0.0, 300.0], vec![300.0, 0.0]],
        };
        let cut = [SimTime::from_hours(13.0), SimTime::from_hours(19.0)];
        let m = DemandModel::new(&d, &zones, &[(0, 0, 1.0), (1, 1, 3.0)], &cut).expect("valid");
        let mut r = rng(1, Stream::Demand, 0);
        let mut out = Vec::new();
        let mut n = 0;
        let days = 50;
        for day in 1..=days {
            for (w, c) in cut.iter().enumerate() {
                for k in 0..2 {
                    let at = SimTime::from_days(day) + *c;
                    m.draw(k, w, at, &mut r, &mut out);
                    assert!(out.iter().all(|o| o.placed <= at));
                    n += out.len();
                }
            }
        }
        let per_day = n as f64 / days as f64;
        assert!((per_day - 10_000.0).abs() < 300.0, "{per_day}");
    }
}
