//! Checking a parsed scenario field by field (`validate`): ranges, references, names and list
//! lengths; every error names its dotted field and line.

use super::Scenario;
use super::bounds::bounds;
use super::load::{Source, parse_time_of_day};
use super::operations::Service;
use super::shop::CarrierPolicy;
use crate::error::{InputError, show_num, show_text};

/// Range checks of every field that has one, in file order.
pub fn validate(sc: &Scenario, src: &Source) -> Result<(), InputError> {
    let positive = |field: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be a positive number, got {}", show_num(v)),
            ))
        }
    };
    let non_negative = |field: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be zero or positive, got {}", show_num(v)),
            ))
        }
    };
    let probability = |field: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(src.error(
                field,
                format!("must be a probability in [0, 1], got {}", show_num(v)),
            ))
        }
    };
    let times = |field: &str, v: &[String]| -> Result<(), InputError> {
        if v.is_empty() {
            return Err(src.error(field, "needs at least one time of day"));
        }
        if v.len() > MAX_TIMES {
            return Err(src.error(
                field,
                format!("has {} times; at most {MAX_TIMES} a day", v.len()),
            ));
        }
        for (i, t) in v.iter().enumerate() {
            if parse_time_of_day(t).is_none() {
                return Err(src.error(
                    &format!("{field}[{i}]"),
                    format!("`{}` is not a time of day HH:MM", show_text(t)),
                ));
            }
        }
        Ok(())
    };
    check_name(&sc.name).map_err(|m| src.error("name", m))?;
    if sc.days == 0 {
        return Err(src.error("days", "must be at least 1"));
    }
    let d = &sc.demand;
    positive("demand.daily_parcels", d.daily_parcels)?;
    if d.intraday_profile.len() != 24
        || d.intraday_profile
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0)
        || d.intraday_profile.iter().sum::<f64>() <= 0.0
    {
        return Err(src.error(
            "demand.intraday_profile",
            "needs 24 non-negative numbers, not all zero",
        ));
    }
    probability("demand.intra_city_share", d.intra_city_share)?;
    positive("demand.distance_decay_km", d.distance_decay_km)?;
    positive("demand.weight_median_kg", d.weight_median_kg)?;
    non_negative("demand.weight_sigma", d.weight_sigma)?;
    positive("demand.weight_max_kg", d.weight_max_kg)?;
    positive("demand.peak_multiplier", d.peak_multiplier)?;
    let q = &sc.quality;
    for (f, v) in [
        ("quality.damage_per_sort", q.damage_per_sort),
        ("quality.loss_per_trip", q.loss_per_trip),
        ("quality.complaint_if_late", q.complaint_if_late),
        ("quality.complaint_if_damaged", q.complaint_if_damaged),
        ("quality.complaint_if_lost", q.complaint_if_lost),
    ] {
        probability(f, v)?;
    }
    for (f, v) in [
        ("quality.goods_value", q.goods_value),
        ("quality.postage", q.postage),
        ("quality.claim_cap_multiple", q.claim_cap_multiple),
        ("quality.complaint_cost", q.complaint_cost),
        ("org.manager_cost_per_day", sc.org.manager_cost_per_day),
        ("org.decision_delay_hours", sc.org.decision_delay_hours),
        ("revenue.other_per_parcel", sc.revenue.other_per_parcel),
    ] {
        non_negative(f, v)?;
    }
    let om = &sc.operating_model;
    for (f, v) in [
        ("operating_model.courier_daily_wage", om.courier_daily_wage),
        (
            "operating_model.outlet_quality_spread",
            om.outlet_quality_spread,
        ),
        ("operating_model.shop_price", om.shop_price),
        ("operating_model.transit_fee", om.transit_fee),
        ("operating_model.waybill_fee", om.waybill_fee),
        ("operating_model.delivery_fee", om.delivery_fee),
        ("operating_model.fine_per_complaint", om.fine_per_complaint),
        ("operating_model.fine_per_lost", om.fine_per_lost),
        (
            "operations.pickup.stop_minutes",
            sc.operations.pickup.stop_minutes,
        ),
        (
            "operations.pickup.seconds_per_parcel",
            sc.operations.pickup.seconds_per_parcel,
        ),
    ] {
        non_negative(f, v)?;
    }
    let per_stop = sc.operations.pickup.parcels_per_stop;
    if !per_stop.is_finite() || per_stop < 1.0 {
        return Err(src.error(
            "operations.pickup.parcels_per_stop",
            format!(
                "must be at least 1, got {}",
                sc.operations.pickup.parcels_per_stop
            ),
        ));
    }
    if let Some(shop) = &sc.shop {
        for (f, v) in [
            ("shop.address_error_rate", shop.address_error_rate),
            ("shop.error_cancel_share", shop.error_cancel_share),
            ("shop.stockout_switch_share", shop.stockout_switch_share),
            ("shop.stockout_cancel_share", shop.stockout_cancel_share),
            ("shop.payment_failure_rate", shop.payment_failure_rate),
            ("shop.defect_rate", shop.defect_rate),
            ("shop.return_if_damaged", shop.return_if_damaged),
            ("shop.return_if_late", shop.return_if_late),
            ("shop.exchange_share", shop.exchange_share),
            ("shop.complaint_if_returned", shop.complaint_if_returned),
        ] {
            probability(f, v)?;
        }
        if shop.stockout_switch_share + shop.stockout_cancel_share > 1.0 {
            return Err(src.error(
                "shop.stockout_cancel_share",
                "switch and cancel shares add up to more than 1",
            ));
        }
        for (f, v) in [
            ("shop.correction_hours", shop.correction_hours),
            ("shop.lead_time_hours", shop.lead_time_hours),
            ("shop.wage_per_hour", shop.wage_per_hour),
            ("shop.defect_cost", shop.defect_cost),
            ("shop.return_delay_hours", shop.return_delay_hours),
            ("shop.complaint_cost", shop.complaint_cost),
            ("shop.rating_penalty_late", shop.rating_penalty_late),
            ("shop.rating_penalty_damaged", shop.rating_penalty_damaged),
            ("shop.rating_penalty_return", shop.rating_penalty_return),
        ] {
            non_negative(f, v)?;
        }
        positive("shop.pack_minutes", shop.pack_minutes)?;
        if shop.products == 0 {
            return Err(src.error("shop.products", "must be at least 1"));
        }
        for (f, v) in [
            ("shop.initial_stock", shop.initial_stock),
            ("shop.reorder_point", shop.reorder_point),
        ] {
            if v < 0 {
                return Err(src.error(f, format!("stock levels cannot be negative, got {v}")));
            }
        }
        if shop.order_quantity <= 0 {
            return Err(src.error("shop.order_quantity", "must be at least 1"));
        }
        if shop.packers == 0 {
            return Err(src.error("shop.packers", "must be at least 1"));
        }
        if shop.pack_shifts.is_empty() {
            return Err(src.error("shop.pack_shifts", "needs at least one shift"));
        }
        for (i, sh) in shop.pack_shifts.iter().enumerate() {
            if parse_time_of_day(&sh.start).is_none() {
                return Err(src.error(
                    &format!("shop.pack_shifts[{i}].start"),
                    format!("`{}` is not a time of day HH:MM", show_text(&sh.start)),
                ));
            }
            if !(sh.hours > 0.0 && sh.hours <= 24.0) {
                return Err(src.error(
                    &format!("shop.pack_shifts[{i}].hours"),
                    format!("must be in (0, 24], got {}", show_num(sh.hours)),
                ));
            }
        }
        if shop.packaging.is_empty() || shop.packaging.iter().all(|p| p.share <= 0.0) {
            return Err(src.error(
                "shop.packaging",
                "needs at least one packaging with a positive share",
            ));
        }
        non_negative("shop.network_share", shop.network_share)?;
        positive("shop.network_expected_hours", shop.network_expected_hours)?;
        for (i, c) in shop.carriers.iter().enumerate() {
            non_negative(&format!("shop.carriers[{i}].price"), c.price)?;
            non_negative(
                &format!("shop.carriers[{i}].price_per_1000km"),
                c.price_per_1000km,
            )?;
            positive(
                &format!("shop.carriers[{i}].expected_hours"),
                c.expected_hours,
            )?;
            non_negative(&format!("shop.carriers[{i}].share"), c.share)?;
        }
        if shop.carrier_policy == CarrierPolicy::Shares
            && shop.network_share + shop.carriers.iter().map(|c| c.share).sum::<f64>() <= 0.0
        {
            return Err(src.error(
                "shop.carrier_policy",
                "`shares` needs a positive share somewhere",
            ));
        }
        for (i, p) in shop.packaging.iter().enumerate() {
            non_negative(&format!("shop.packaging[{i}].share"), p.share)?;
            non_negative(&format!("shop.packaging[{i}].cost"), p.cost)?;
            non_negative(&format!("shop.packaging[{i}].weight_kg"), p.weight_kg)?;
            non_negative(&format!("shop.packaging[{i}].protection"), p.protection)?;
            probability(&format!("shop.packaging[{i}].return_rate"), p.return_rate)?;
        }
    }
    if sc.org.span_of_control.is_nan() || sc.org.span_of_control < 2.0 {
        return Err(src.error("org.span_of_control", "must be at least 2"));
    }
    positive("org.surge_backlog_hours", sc.org.surge_backlog_hours)?;
    positive("org.surge_hours", sc.org.surge_hours)?;

    let n = &sc.network;
    let explicit = n.nodes.is_some() || n.nodes_file.is_some();
    match (&n.generate, explicit) {
        (Some(_), true) => {
            return Err(src.error(
                "network.generate",
                "give either `generate` or nodes and lanes, not both",
            ));
        }
        (None, false) => {
            return Err(src.error(
                "network",
                "needs `generate` or nodes (`nodes` / `nodes_file`) and lanes",
            ));
        }
        (Some(g), false) => {
            positive("network.generate.road_factor", g.road_factor)?;
            positive("network.generate.parcels_per_outlet", g.parcels_per_outlet)?;
            positive(
                "network.generate.outlet_service_area_km2",
                g.outlet_service_area_km2,
            )?;
            non_negative("network.generate.planning_slack", g.planning_slack)?;
            non_negative("network.generate.hub_spacing_km", g.hub_spacing_km)?;
            if g.hubs == 0 {
                return Err(src.error("network.generate.hubs", "must be at least 1"));
            }
            if let Some(t) = g.direct_lanes_above {
                positive("network.generate.direct_lanes_above", t)?;
                if g.direct_lanes_by_cost {
                    return Err(src.error(
                        "network.generate.direct_lanes_by_cost",
                        "choose `direct_lanes_above` or `direct_lanes_by_cost`, not both",
                    ));
                }
            }
            if g.max_cities == Some(0) {
                return Err(src.error("network.generate.max_cities", "must be at least 1"));
            }
        }
        (None, true) => {
            if n.nodes.is_some() && n.nodes_file.is_some() {
                return Err(src.error(
                    "network.nodes_file",
                    "give `nodes` or `nodes_file`, not both",
                ));
            }
            if n.lanes.is_some() && n.lanes_file.is_some() {
                return Err(src.error(
                    "network.lanes_file",
                    "give `lanes` or `lanes_file`, not both",
                ));
            }
            if n.lanes.is_none() && n.lanes_file.is_none() {
                return Err(src.error(
                    "network",
                    "an explicit network needs `lanes` or `lanes_file`",
                ));
            }
        }
    }

    if sc.vehicles.is_empty() {
        return Err(src.error("vehicles", "needs at least one vehicle type"));
    }
    for (i, v) in sc.vehicles.iter().enumerate() {
        if v.capacity == 0 {
            return Err(src.error(&format!("vehicles[{i}].capacity"), "must be at least 1"));
        }
        non_negative(&format!("vehicles[{i}].fixed_cost"), v.fixed_cost)?;
        non_negative(&format!("vehicles[{i}].cost_per_km"), v.cost_per_km)?;
        if sc.vehicles[..i].iter().any(|w| w.name == v.name) {
            return Err(src.error(
                &format!("vehicles[{i}].name"),
                format!("vehicle `{}` is defined twice", show_text(&v.name)),
            ));
        }
    }
    let o = &sc.operations;
    times("operations.pickup.waves", &o.pickup.waves)?;
    positive("operations.feeder.speed_kmh", o.feeder.speed_kmh)?;
    times("operations.feeder.to_centre", &o.feeder.to_centre)?;
    times("operations.feeder.from_centre", &o.feeder.from_centre)?;
    for (field, n, max) in [
        (
            "operations.sorting.shifts",
            o.sorting.shifts.len(),
            MAX_TIMES,
        ),
        ("vehicles", sc.vehicles.len(), MAX_KINDS),
        (
            "shop.pack_shifts",
            sc.shop.as_ref().map_or(0, |s| s.pack_shifts.len()),
            MAX_TIMES,
        ),
        (
            "shop.packaging",
            sc.shop.as_ref().map_or(0, |s| s.packaging.len()),
            MAX_KINDS,
        ),
        (
            "shop.carriers",
            sc.shop.as_ref().map_or(0, |s| s.carriers.len()),
            MAX_KINDS,
        ),
    ] {
        if n > max {
            return Err(src.error(field, format!("has {n} items; at most {max}")));
        }
    }
    if o.sorting.shifts.is_empty() {
        return Err(src.error("operations.sorting.shifts", "needs at least one shift"));
    }
    let mut shift_hours = 0.0;
    for (i, s) in o.sorting.shifts.iter().enumerate() {
        if parse_time_of_day(&s.start).is_none() {
            return Err(src.error(
                &format!("operations.sorting.shifts[{i}].start"),
                format!("`{}` is not a time of day HH:MM", show_text(&s.start)),
            ));
        }
        if !(s.hours > 0.0 && s.hours <= 24.0) {
            return Err(src.error(
                &format!("operations.sorting.shifts[{i}].hours"),
                format!("must be in (0, 24], got {}", show_num(s.hours)),
            ));
        }
        shift_hours += s.hours;
    }
    if shift_hours > 24.0 {
        return Err(src.error(
            "operations.sorting.shifts",
            format!(
                "shifts add up to {} h a day; they must not overlap",
                show_num(shift_hours)
            ),
        ));
    }
    // Shifts repeat daily: two overlap if either starts inside the other (on a 24 h circle).
    let spans: Vec<(f64, f64)> = o
        .sorting
        .shifts
        .iter()
        .map(|s| {
            (
                parse_time_of_day(&s.start).expect("checked").hours(),
                s.hours,
            )
        })
        .collect();
    for (i, &(a, la)) in spans.iter().enumerate() {
        for (j, &(b, lb)) in spans.iter().enumerate().skip(i + 1) {
            let inside = |x: f64, start: f64, len: f64| (x - start).rem_euclid(24.0) < len;
            if inside(b, a, la) || inside(a, b, lb) {
                return Err(src.error(
                    &format!("operations.sorting.shifts[{j}]"),
                    format!("overlaps shift {i}; shifts must not overlap"),
                ));
            }
        }
    }
    positive(
        "operations.sorting.throughput_per_line",
        o.sorting.throughput_per_line,
    )?;
    non_negative(
        "operations.sorting.workers_per_line",
        o.sorting.workers_per_line,
    )?;
    probability("operations.sorting.mis_sort_rate", o.sorting.mis_sort_rate)?;
    non_negative(
        "operations.sorting.mis_sort_delay_hours",
        o.sorting.mis_sort_delay_hours,
    )?;
    non_negative(
        "operations.sorting.automate_above_daily",
        o.sorting.automate_above_daily,
    )?;
    let so = &o.sorting;
    if !(so.core_share > 0.0 && so.core_share <= 1.0) {
        return Err(src.error(
            "operations.sorting.core_share",
            format!("must be in (0, 1], got {}", so.core_share),
        ));
    }
    positive(
        "operations.sorting.temp_trigger_hours",
        so.temp_trigger_hours,
    )?;
    non_negative(
        "operations.sorting.temp_call_in_hours",
        so.temp_call_in_hours,
    )?;
    positive("operations.sorting.temp_block_hours", so.temp_block_hours)?;
    non_negative("operations.sorting.temp_premium", so.temp_premium)?;
    let man = &o.sorting.manual;
    positive(
        "operations.sorting.manual.throughput_per_line",
        man.throughput_per_line,
    )?;
    for (f, v) in [
        (
            "operations.sorting.manual.workers_per_line",
            man.workers_per_line,
        ),
        ("operations.sorting.manual.line_capex", man.line_capex),
        ("operations.sorting.manual.m2_per_line", man.m2_per_line),
    ] {
        non_negative(f, v)?;
    }
    probability("operations.sorting.manual.mis_sort_rate", man.mis_sort_rate)?;
    probability(
        "operations.sorting.manual.damage_per_sort",
        man.damage_per_sort,
    )?;
    if let Service::Lognormal { cv } = o.sorting.service {
        positive("operations.sorting.service.cv", cv)?;
    }
    positive(
        "operations.sorting.plan_clear_hours",
        o.sorting.plan_clear_hours,
    )?;
    positive("operations.linehaul.speed_kmh", o.linehaul.speed_kmh)?;
    non_negative("operations.linehaul.dock_hours", o.linehaul.dock_hours)?;
    times("operations.linehaul.departures", &o.linehaul.departures)?;
    if !sc
        .vehicles
        .iter()
        .any(|v| v.name == o.linehaul.default_vehicle)
    {
        return Err(src.error(
            "operations.linehaul.default_vehicle",
            format!(
                "no vehicle named `{}`",
                show_text(&o.linehaul.default_vehicle)
            ),
        ));
    }
    times("operations.delivery.waves", &o.delivery.waves)?;
    if o.delivery.courier_daily_capacity == 0 {
        return Err(src.error(
            "operations.delivery.courier_daily_capacity",
            "must be at least 1",
        ));
    }
    non_negative("operations.delivery.stop_minutes", o.delivery.stop_minutes)?;
    positive("operations.delivery.speed_kmh", o.delivery.speed_kmh)?;
    probability("operations.delivery.failure_rate", o.delivery.failure_rate)?;
    if o.delivery.failure_rate >= 1.0 {
        return Err(src.error(
            "operations.delivery.failure_rate",
            "must be below 1, or no parcel is ever delivered",
        ));
    }
    positive(
        "operations.delivery.promise_hours",
        o.delivery.promise_hours,
    )?;
    positive(
        "operations.delivery.default_area_km2",
        o.delivery.default_area_km2,
    )?;

    let c = &sc.costs;
    for (field, v) in [
        ("costs.waybill_it", c.waybill_it),
        ("costs.courier_pay_per_pickup", c.courier_pay_per_pickup),
        ("costs.outlet_per_day", c.outlet_per_day),
        (
            "costs.outlet_staff_wage_per_day",
            c.outlet_staff_wage_per_day,
        ),
        (
            "costs.outlet_m2_per_daily_parcel",
            c.outlet_m2_per_daily_parcel,
        ),
        ("costs.outlet_rent_per_m2_month", c.outlet_rent_per_m2_month),
        ("costs.sorter_wage_per_hour", c.sorter_wage_per_hour),
        ("costs.sorter_line_capex", c.sorter_line_capex),
        ("costs.facility_m2_per_line", c.facility_m2_per_line),
        ("costs.rent_per_m2_month", c.rent_per_m2_month),
        ("costs.courier_pay_per_delivery", c.courier_pay_per_delivery),
        ("costs.courier_cost_per_km", c.courier_cost_per_km),
    ] {
        non_negative(field, v)?;
    }
    positive("costs.sorter_life_years", c.sorter_life_years)?;
    positive(
        "costs.outlet_parcels_per_staff_day",
        c.outlet_parcels_per_staff_day,
    )?;
    super::emissions::validate(sc, src)?;

    bounds(sc, src)
}

/// Most times of day in one list (waves, departures, shifts): one every 15 minutes.
pub const MAX_TIMES: usize = 96;

/// Most vehicle types, packaging kinds or other carriers.
pub const MAX_KINDS: usize = 100;

/// Longest scenario name (characters): with `output/<name>/run-NNN` it stays well inside
/// the 255-byte file-name limit of common file systems, in any script.
pub const MAX_NAME_CHARS: usize = 64;

/// A scenario name becomes a folder name: letters and digits of any script, `_`, `-`
/// and `.` (not first), at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 {
        return Err("is empty; give the scenario a name".into());
    }
    if n > MAX_NAME_CHARS {
        return Err(format!(
            "is {n} characters long; at most {MAX_NAME_CHARS} (it names the output folder)"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
    {
        return Err(format!(
            "`{}` contains `{}`; use letters, digits, `_`, `-` and `.` only",
            crate::error::show_text(name),
            crate::error::show_text(&c.to_string())
        ));
    }
    if name.starts_with('.') {
        return Err("must not start with `.`".into());
    }
    Ok(())
}
