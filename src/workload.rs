//! What a run will take before it starts: parcels simulated, memory held and money
//! booked, estimated from the volume, the days and the built network, and checked against
//! the machine's memory (or `--max-memory`), the range of exact money, and the minimum
//! volume a measurement needs. Every refusal names the fields that drive it.

use crate::error::{InputError, show_num};
use crate::network::Network;
use crate::scenario::{ModelKind, Scenario, Source};

/// Bytes a parcel in flight holds: its 16-byte record in a chunked queue (20 while it waits
/// for a departure with its ready time), the queues' spare room and its share of the run's
/// other memory. Measured: `franchise_national` at 3 million parcels a day and
/// `zto_scale.toml` (83 million) peak at 29–30 and 28 bytes of resident memory per parcel in
/// flight (`run_info.json`: `peak_rss_mb` over `peak_parcel_slots`, the program included);
/// earlier builds took up to 35, hence the room.
pub const BYTES_PER_PARCEL: f64 = 36.0;
/// Days of volume in the network at once, at most: a parcel leaves the run's memory when
/// it is signed for. Measured: about two days' volume on the national network (3 million
/// a day: 6.0 million in flight at the peak), one on `small.toml`; three leaves room.
pub const DAYS_HELD: f64 = 3.0;
/// Memory of a run besides its parcels: the program, the network and the output rows.
pub const BASE_BYTES: f64 = 64e6;
/// Fewest parcels the measured window must expect: below, a run may well measure nothing
/// (with 20 expected, a Poisson draw gives none with probability e⁻²⁰ ≈ 2·10⁻⁹).
pub const MIN_MEASURED_PARCELS: f64 = 20.0;
/// Largest amount of money the books of one run may reach (yuan): a ninth of what an
/// `i64` of micro-yuan holds, so that the estimate may be off by that much.
pub const MAX_MONEY_YUAN: f64 = 1e12;

/// Limits a run is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Memory a run may use (bytes).
    pub max_memory: f64,
}

impl Default for Limits {
    /// Four fifths of the machine's memory (8 GiB where the platform does not tell).
    fn default() -> Limits {
        Limits {
            max_memory: machine_memory().unwrap_or(8.0 * GIB) * 0.8,
        }
    }
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Total memory of the machine (bytes), from `/proc/meminfo`.
pub fn machine_memory() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// Parses a memory size: `512M`, `4G`, `4GiB`, `1.5T`, or plain bytes.
pub fn parse_memory(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 512M or 4G"))?;
    let mult = match unit.trim().to_ascii_uppercase().trim_end_matches("IB") {
        "" | "B" => 1.0,
        "K" | "KB" => 1024.0,
        "M" | "MB" => 1024.0 * 1024.0,
        "G" | "GB" => GIB,
        "T" | "TB" => 1024.0 * GIB,
        _ => return Err(format!("`{s}`: unknown unit (use K, M, G or T)")),
    };
    let bytes = n * mult;
    if !(bytes.is_finite() && bytes >= 1024.0 * 1024.0) {
        return Err(format!("`{s}`: give at least 1M"));
    }
    Ok(bytes)
}

/// The estimate of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Days simulated at most: warm-up, window and the whole drain.
    pub days: f64,
    /// Parcels in flight at once at most (returns and exchanges included).
    pub held: f64,
    /// Parcels generated at most (returns and exchanges included).
    pub parcels: f64,
    /// Parcels the measured window expects.
    pub measured_parcels: f64,
    /// Peak memory (bytes).
    pub memory: f64,
    /// Money booked, an upper bound (yuan).
    pub money_yuan: f64,
}

/// Estimates a run of `sc` on `net`.
pub fn estimate(sc: &Scenario, net: &Network) -> Estimate {
    let d = &sc.demand;
    let days = f64::from(sc.warmup_days) + f64::from(sc.days) + f64::from(sc.drain_days);
    // Peak days multiply their day's volume; they count at most once each.
    let mut peak_days: Vec<u32> = d.peak_days.clone();
    peak_days.sort_unstable();
    peak_days.dedup();
    let extra = peak_days.iter().filter(|&&p| f64::from(p) < days).count() as f64
        * (d.peak_multiplier - 1.0).max(0.0);
    // Returns and exchanges travel back as parcels of their own: at most two more each.
    let reverse = if sc.shop.is_some() { 3.0 } else { 1.0 };
    let parcels = d.daily_parcels * (days + extra) * reverse;
    let measured_parcels = d.daily_parcels * f64::from(sc.days);
    let shops = if sc.shop.is_some() {
        net.outlets.len() as f64
    } else {
        0.0
    };
    let products = sc.shop.as_ref().map_or(0.0, |s| f64::from(s.products));
    let surge = if extra > 0.0 {
        d.peak_multiplier.max(1.0)
    } else {
        1.0
    };
    let held = d.daily_parcels * surge * DAYS_HELD.min(days) * reverse;
    let memory = BASE_BYTES
        + held * BYTES_PER_PARCEL
        // The day chains of outlets and centres: a period each per day.
        + (net.outlets.len() + net.centres.len()) as f64 * days * 48.0
        + shops * products * 64.0
        + (net.nodes.len() + net.lanes.len()) as f64 * 1024.0
        + (net.centres.len() as f64).powi(2) * 16.0;
    Estimate {
        days,
        held,
        parcels,
        measured_parcels,
        memory,
        money_yuan: money(sc, net, days, parcels).iter().map(|p| p.1).sum(),
    }
}

/// An upper bound of the money a run books (yuan), by the field that drives each part:
/// every per-parcel rate charged a few times per parcel, every per-day resource paid every
/// simulated day.
fn money(sc: &Scenario, net: &Network, days: f64, parcels: f64) -> Vec<(&'static str, f64)> {
    let c = &sc.costs;
    let q = &sc.quality;
    let o = &sc.operations;
    let om = &sc.operating_model;
    // A parcel may be attempted, sorted and charged several times.
    let each = parcels * 4.0;
    let lost = (6.0 * q.loss_per_trip).min(1.0);
    let damage = o.sorting.manual.damage_per_sort.max(q.damage_per_sort);
    let protection = sc.shop.as_ref().map_or(1.0, |s| {
        s.packaging.iter().map(|p| p.protection).fold(1.0, f64::max)
    });
    let lost_or_damaged = (lost + 4.0 * damage * protection).min(1.0);
    let claims = q.goods_value.min(q.claim_cap_multiple * q.postage);
    let late = 1.0;
    let complained = (lost * q.complaint_if_lost
        + lost_or_damaged * q.complaint_if_damaged
        + late * q.complaint_if_late)
        .min(1.0);
    let mut parts: Vec<(&'static str, f64)> = vec![
        ("costs.waybill_it", c.waybill_it * each),
        (
            "costs.courier_pay_per_pickup",
            c.courier_pay_per_pickup * each,
        ),
        (
            "costs.courier_pay_per_delivery",
            c.courier_pay_per_delivery * each,
        ),
        (
            "operations.delivery.station_fee",
            o.delivery.station_fee * each,
        ),
        // Incidents are charged per incident: weighted by their probability over the
        // trips (about 6) and sorts (about 4) of a parcel, at worst every parcel.
        ("quality.goods_value", claims * lost_or_damaged * each),
        (
            "quality.complaint_cost",
            q.complaint_cost * complained * each,
        ),
        ("operating_model.shop_price", om.shop_price * each),
        ("operating_model.transit_fee", om.transit_fee * each),
        ("operating_model.waybill_fee", om.waybill_fee * each),
        ("operating_model.delivery_fee", om.delivery_fee * each),
        (
            "operating_model.fine_per_complaint",
            om.fine_per_complaint * complained * each,
        ),
        (
            "operating_model.fine_per_lost",
            om.fine_per_lost * lost * each,
        ),
        (
            "revenue.other_per_parcel",
            sc.revenue.other_per_parcel * each,
        ),
    ];
    if let Some(s) = &sc.shop {
        parts.push(("shop.defect_cost", s.defect_cost * each));
        parts.push(("shop.complaint_cost", s.complaint_cost * each));
        parts.push((
            "shop.packaging",
            s.packaging.iter().map(|p| p.cost).fold(0.0, f64::max) * each,
        ));
        parts.push((
            "shop.carriers",
            s.carriers
                .iter()
                .map(|k| k.price + k.price_per_1000km * 20.0)
                .fold(0.0, f64::max)
                * each,
        ));
        parts.push((
            "shop.wage_per_hour",
            net.outlets.len() as f64
                * f64::from(s.packers)
                * s.pack_shifts.iter().map(|p| p.hours).sum::<f64>()
                * s.wage_per_hour
                * days,
        ));
    }
    let shift_hours: f64 = o.sorting.shifts.iter().map(|s| s.hours).sum();
    let (mut labour, mut capex, mut rent) = (0.0, 0.0, 0.0);
    for &k in &net.centres {
        let n = &net.nodes[k as usize];
        let t = &n.tech;
        let lines = f64::from(n.lines) + f64::from(sc.org.surge_lines);
        labour += lines * t.workers_per_line * shift_hours * c.sorter_wage_per_hour;
        capex += lines * t.line_capex / (c.sorter_life_years * 365.0);
        rent += lines * t.m2_per_line * c.rent_per_m2_month * 12.0 / 365.0;
    }
    parts.push(("costs.sorter_wage_per_hour", labour * days));
    parts.push(("costs.sorter_line_capex", capex * days));
    parts.push(("costs.rent_per_m2_month", rent * days));
    let (mut staff, mut wages, mut km) = (0.0, 0.0, 0.0);
    for &k in &net.outlets {
        let n = &net.nodes[k as usize];
        let couriers = f64::from(n.couriers);
        staff += couriers;
        if om.kind == ModelKind::Direct {
            wages += couriers * om.courier_daily_wage;
        }
        // A tour through every stop of a day, every wave.
        km += couriers
            * crate::cost::tour_km(o.delivery.courier_daily_capacity as usize, n.area_km2)
            * o.delivery.waves.len() as f64;
    }
    parts.push((
        "costs.outlet_per_day",
        net.outlets.len() as f64 * c.outlet_per_day * days,
    ));
    // Outlet staff: a parcel is handled a few times at outlets, plus one worker per
    // outlet-day for the rounding up. Outlet space: its planned capacity.
    parts.push((
        "costs.outlet_staff_wage_per_day",
        (each / c.outlet_parcels_per_staff_day + net.outlets.len() as f64 * days)
            * c.outlet_staff_wage_per_day,
    ));
    let space: f64 = net
        .outlets
        .iter()
        .map(|&k| net.nodes[k as usize].capacity)
        .sum();
    parts.push((
        "costs.outlet_rent_per_m2_month",
        space * c.outlet_m2_per_daily_parcel * c.outlet_rent_per_m2_month * 12.0 / 365.0 * days,
    ));
    parts.push(("operating_model.courier_daily_wage", wages * days));
    parts.push((
        "costs.courier_cost_per_km",
        km * c.courier_cost_per_km * days,
    ));
    parts.push((
        "org.manager_cost_per_day",
        staff * sc.org.manager_cost_per_day * days,
    ));
    let trips: f64 = net
        .lanes
        .iter()
        .map(|l| l.departures.len() as f64 * f64::from(l.max_vehicles) * l.trip_cost)
        .sum();
    parts.push(("vehicles", trips * days));
    parts
}

/// Checks a run's estimate against `limits`; the error names the fields that drive it.
pub fn check(
    sc: &Scenario,
    src: &Source,
    net: &Network,
    limits: &Limits,
) -> Result<Estimate, InputError> {
    let e = estimate(sc, net);
    if e.measured_parcels < MIN_MEASURED_PARCELS {
        return Err(src.error(
            "demand.daily_parcels",
            format!(
                "the measured window expects {} parcels (demand.daily_parcels × days); at least {} are needed to measure anything",
                show_num(e.measured_parcels),
                show_num(MIN_MEASURED_PARCELS)
            ),
        ));
    }
    if e.memory > limits.max_memory {
        return Err(src.error(
            "demand.daily_parcels",
            format!(
                "this run would hold up to {} million parcels at once, about {} GiB of memory \
                 (demand.daily_parcels × {} days in the network{}), but {} GiB may be used; \
                 lower demand.daily_parcels, or raise --max-memory",
                show_num((e.held / 1e6 * 10.0).round() / 10.0),
                show_num((e.memory / GIB * 10.0).round() / 10.0),
                show_num(DAYS_HELD.min(e.days)),
                if sc.shop.is_some() {
                    " × 3 for returns and exchanges"
                } else {
                    ""
                },
                show_num((limits.max_memory / GIB * 10.0).round() / 10.0),
            ),
        ));
    }
    if e.money_yuan.is_nan() || e.money_yuan > MAX_MONEY_YUAN {
        let parts = money(sc, net, e.days, e.parcels);
        let (field, _) = parts
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or(("costs", 0.0));
        return Err(src.error(
            field,
            format!(
                "the run could book up to {} yuan, beyond the {} yuan its exact books hold; \
                 this field drives most of it (with demand.daily_parcels and the days)",
                show_num(e.money_yuan),
                show_num(MAX_MONEY_YUAN)
            ),
        ));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_parse() {
        assert_eq!(parse_memory("4G"), Ok(4.0 * GIB));
        assert_eq!(parse_memory("512MiB"), Ok(512.0 * 1024.0 * 1024.0));
        assert!(parse_memory("12").is_err());
        assert!(parse_memory("4X").is_err());
        assert!(parse_memory("lots").is_err());
    }
}
