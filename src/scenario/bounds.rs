//! Upper bounds of every numeric field by dotted path, checked on the scenario as serialised
//! so that fields added later are bounded too.

use super::Scenario;
use super::load::Source;
use crate::error::{InputError, show_num};

/// Upper bound of a numeric field, by dotted path: the first rule whose pattern matches
/// wins. A pattern is a full path (`demand.daily_parcels`), `*.leaf` for a last segment
/// anywhere, or `*` for every other field. Bounds are far beyond any real network; they
/// exist so that no value can overflow time, money or memory inside a run.
const BOUNDS: &[(&str, f64, &str)] = &[
    ("seed", f64::INFINITY, ""),
    ("days", 3_650.0, "ten years"),
    ("warmup_days", 3_650.0, "ten years"),
    ("drain_days", 3_650.0, "ten years"),
    ("demand.daily_parcels", 1e9, "parcels a day"),
    ("demand.intraday_profile", 1e6, "relative weight"),
    ("demand.peak_multiplier", 100.0, "times the normal volume"),
    ("demand.peak_days", 3_650.0, "ten years"),
    ("demand.distance_decay_km", 100_000.0, "km"),
    ("demand.weight_sigma", 5.0, "-"),
    ("*.weight_median_kg", 1_000.0, "kg"),
    ("*.weight_max_kg", 1_000.0, "kg"),
    ("*.weight_kg", 1_000.0, "kg"),
    ("*.speed_kmh", 1_000.0, "km/h"),
    (
        "*.distance_km",
        20_000.0,
        "km, half the Earth's circumference",
    ),
    ("*.hub_spacing_km", 20_000.0, "km"),
    ("*.area_km2", 100_000.0, "km²"),
    ("*.default_area_km2", 100_000.0, "km²"),
    ("*.outlet_service_area_km2", 100_000.0, "km²"),
    ("*.hours", 8_760.0, "h, a year"),
    ("*.road_factor", 10.0, "-"),
    ("*.planning_slack", 100.0, "-"),
    ("*.hubs", 10_000.0, "hubs"),
    ("*.max_cities", 1_000_000.0, "cities"),
    ("*.parcels_per_outlet", 1e7, "parcels a day"),
    ("*.direct_lanes_above", 1e10, "parcels a day"),
    ("*.automate_above_daily", 1e10, "parcels a day"),
    ("*.throughput_per_line", 1e6, "parcels/h"),
    ("*.workers_per_line", 10_000.0, "people"),
    ("*.cv", 10.0, "-"),
    ("*.courier_daily_capacity", 100_000.0, "parcels a day"),
    ("*.stop_minutes", 1_440.0, "min, a day"),
    ("*.pack_minutes", 1_440.0, "min, a day"),
    ("*.packers", 100_000.0, "people"),
    ("*.products", 100_000.0, "products a shop"),
    ("*.initial_stock", 1e9, "units"),
    ("*.reorder_point", 1e9, "units"),
    ("*.order_quantity", 1e9, "units"),
    ("*.layers", 20.0, "layers"),
    ("*.span_of_control", 100_000.0, "people"),
    ("*.surge_lines", 1_000.0, "lines"),
    ("*.capacity", 1e7, "parcels"),
    ("*.max_vehicles", 10_000.0, "vehicles"),
    ("*.couriers", 1_000_000.0, "couriers"),
    ("*.lines", 100_000.0, "lines"),
    ("*.weight", 1e9, "relative weight"),
    ("*.share", 1e6, "relative weight"),
    ("*.network_share", 1e6, "relative weight"),
    ("*.protection", 1_000.0, "times the damage probability"),
    ("*.claim_cap_multiple", 1_000.0, "times the postage"),
    ("*.rating_penalty_late", 5.0, "rating points"),
    ("*.rating_penalty_damaged", 5.0, "rating points"),
    ("*.rating_penalty_return", 5.0, "rating points"),
    ("*.sorter_life_years", 100.0, "years"),
    ("*.rent_per_m2_month", 10_000.0, "yuan/m²/month"),
    ("*.m2_per_line", 1e6, "m²"),
    ("*.facility_m2_per_line", 1e6, "m²"),
    ("*.sorter_line_capex", 1e10, "yuan"),
    ("*.line_capex", 1e10, "yuan"),
    ("*.outlet_per_day", 1e7, "yuan a day"),
    ("*.outlet_staff_wage_per_day", 1e7, "yuan a day"),
    ("*.outlet_parcels_per_staff_day", 1e7, "parcels a day"),
    ("*.outlet_m2_per_daily_parcel", 1e4, "m² per parcel a day"),
    ("*.outlet_rent_per_m2_month", 10_000.0, "yuan/m²/month"),
    ("*.manager_cost_per_day", 1e7, "yuan a day"),
    ("*.courier_daily_wage", 1e7, "yuan a day"),
    ("*.wage_per_hour", 10_000.0, "yuan/h"),
    ("*.sorter_wage_per_hour", 10_000.0, "yuan/h"),
    ("*.cost_per_km", 100_000.0, "yuan/km"),
    ("*.courier_cost_per_km", 100_000.0, "yuan/km"),
    ("*.price_per_1000km", 1e6, "yuan"),
    ("*.population_m", 1e4, "million people"),
    ("*.urban_area_km2", 1e5, "km²"),
    ("*.ecommerce_weight", 1e9, "relative weight"),
    // Every other number: money per parcel or per event (yuan), rates, counts.
    ("*", 1e6, ""),
];

/// `None` when `v` is a finite number within the bound of field `bare` (a dotted path
/// without indices, or a CSV column name), else the message saying why not.
pub fn out_of_bounds(bare: &str, v: f64) -> Option<String> {
    let (max, unit) = bound_of(bare);
    if !v.is_finite() {
        return Some(format!("must be a finite number, got {}", show_num(v)));
    }
    (v.abs() > max).then(|| {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" ({unit})")
        };
        format!(
            "{} is beyond the bound of this field: at most {}{unit}",
            show_num(v),
            show_num(max)
        )
    })
}

/// The bound of the numeric field at `path` (array indices removed) and what it is in.
pub fn bound_of(path: &str) -> (f64, &'static str) {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    for &(pat, max, unit) in BOUNDS {
        let hit = match pat.strip_prefix("*.") {
            Some(l) => l == leaf,
            None => pat == "*" || pat == path,
        };
        if hit {
            return (max, unit);
        }
    }
    (1e6, "")
}

/// Every number of the scenario is finite and within its bound; lists are not absurdly
/// long. Checked on the scenario as serialised, so fields added later are bounded too.
pub(super) fn bounds(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let tree = match toml::Value::try_from(sc) {
        Ok(t) => t,
        Err(e) => return Err(src.error("", format!("cannot be represented: {e}"))),
    };
    fn walk(
        v: &toml::Value,
        path: &mut String,
        bare: &mut String,
        src: &Source,
    ) -> Result<(), InputError> {
        let check = |x: f64, path: &str, bare: &str| {
            let (max, unit) = bound_of(bare);
            if !x.is_finite() {
                return Err(src.error(
                    path,
                    format!("must be a finite number, got {}", crate::error::show_num(x)),
                ));
            }
            if x.abs() > max {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" ({unit})")
                };
                return Err(src.error(
                    path,
                    format!(
                        "{} is beyond the bound of this field: at most {}{unit}",
                        crate::error::show_num(x),
                        crate::error::show_num(max)
                    ),
                ));
            }
            Ok(())
        };
        match v {
            toml::Value::Float(x) => check(*x, path, bare),
            toml::Value::Integer(i) => check(*i as f64, path, bare),
            toml::Value::Array(a) => {
                const MAX_ITEMS: usize = 100_000;
                if a.len() > MAX_ITEMS {
                    return Err(
                        src.error(path, format!("has {} items; at most {MAX_ITEMS}", a.len()))
                    );
                }
                for (i, x) in a.iter().enumerate() {
                    let (pl, bl) = (path.len(), bare.len());
                    path.push_str(&format!("[{i}]"));
                    walk(x, path, bare, src)?;
                    path.truncate(pl);
                    bare.truncate(bl);
                }
                Ok(())
            }
            toml::Value::Table(t) => {
                for (k, x) in t {
                    let (pl, bl) = (path.len(), bare.len());
                    if !path.is_empty() {
                        path.push('.');
                        bare.push('.');
                    }
                    path.push_str(k);
                    bare.push_str(k);
                    walk(x, path, bare, src)?;
                    path.truncate(pl);
                    bare.truncate(bl);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(&tree, &mut String::new(), &mut String::new(), src)
}
