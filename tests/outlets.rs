//! Outlets that follow volume: the generator plans outlets from a service area and a daily
//! capacity, and an outlet-day costs staff for its parcels and space for its capacity.

use parcelsim::run::{RunOptions, RunOutput, load, run};
use std::path::Path;

/// The baseline network generated (not run) at `daily` parcels a day, with the line of
/// `[network.generate]` that starts `from` replaced by `to` ("" for none).
fn generated(daily: u64, (from, to): (&str, &str)) -> parcelsim::network::Network {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = std::fs::read_to_string(root.join("scenarios/baseline.toml"))
        .unwrap()
        .replace(
            "daily_parcels = 1000000 ",
            &format!("daily_parcels = {daily} "),
        )
        .replace(
            "cities_file = \"data/cities_cn.csv\"",
            &format!(
                "cities_file = \"{}\"",
                root.join("scenarios/data/cities_cn.csv").display()
            ),
        );
    if !from.is_empty() {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("g.toml");
    std::fs::write(&path, text).unwrap();
    // Built, not checked for a run's memory: only the plan is looked at.
    let (sc, src) = parcelsim::scenario::load(&path).unwrap();
    parcelsim::network::build(&sc, &src).unwrap()
}

#[test]
fn outlets_grow_with_volume_once_volume_not_area_binds() {
    let count = |daily: u64| generated(daily, ("", "")).outlets.len();
    let (low, m1, m10, m83) = (
        count(100_000),
        count(1_000_000),
        count(10_000_000),
        count(83_000_000),
    );
    eprintln!("outlets at 0.1 / 1 / 10 / 83 M a day: {low} / {m1} / {m10} / {m83}");
    // At low volume the service area sets the count: one outlet per 80 km² of the 100
    // cities' 36,540 km² of urban area (at least one per city, rounded up by city).
    assert!((457..=560).contains(&low), "{low}");
    // Then volume: 2 × daily / 5,400 parcels per outlet (plus rounding up by city).
    assert!(m1 > low, "{m1} vs {low}");
    let by_volume = |daily: f64| 2.0 * daily / 5400.0;
    assert!(m10 as f64 >= by_volume(10e6), "{m10}");
    assert!((m10 as f64) < by_volume(10e6) + 200.0, "{m10}");
    // ZTO had >31,000 outlets at ≈83 M a day (N6): the count the capacity gives.
    assert!(
        (30_700..31_000).contains(&m83),
        "{m83} outlets at 83 M a day"
    );
    // No outlet is planned above its capacity (with the planning slack, 1.3).
    let n = generated(10_000_000, ("", ""));
    for &o in &n.outlets {
        let c = n.nodes[o as usize].capacity;
        assert!(c > 0.0 && c <= 5400.0 * 1.3 + 1e-6, "{c}");
    }
}

#[test]
fn a_larger_service_area_or_capacity_means_fewer_outlets() {
    let base = generated(100_000, ("", "")).outlets.len();
    let wide = generated(
        100_000,
        (
            "outlet_service_area_km2 = 80 ",
            "outlet_service_area_km2 = 200 ",
        ),
    )
    .outlets
    .len();
    assert!(wide < base, "{wide} vs {base}");
    let m = generated(10_000_000, ("", "")).outlets.len();
    let big = generated(
        10_000_000,
        ("parcels_per_outlet = 5400 ", "parcels_per_outlet = 10800 "),
    )
    .outlets
    .len();
    assert!((big as f64) < 0.6 * m as f64, "{big} vs {m}");
}

/// Runs `scenarios/small.toml` at `daily` parcels a day with `extra` appended.
fn small(daily: u32, extra: &str) -> RunOutput {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/small.toml"))
        .unwrap()
        .replace("daily_parcels = 5000", &format!("daily_parcels = {daily}"));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, format!("{text}\n{extra}\n")).unwrap();
    let l = load(&path).unwrap();
    run(&l.scenario, &l.network, &l.sha256, &RunOptions::default()).unwrap()
}

#[test]
fn outlet_cost_grows_with_the_parcels_handled_in_staff_steps() {
    // Space fixed by the network (explicit couriers and a capacity planned from the same
    // flows scale with volume, so rent is set to zero here): only staff follows parcels.
    let no_rent = "[costs]\noutlet_rent_per_m2_month = 0\noutlet_per_day = 0";
    let spent = |o: &RunOutput| o.summary.money.spent_by_activity["outlet_handling"];
    let (a, b) = (small(3000, no_rent), small(6000, no_rent));
    let (ca, cb) = (spent(&a), spent(&b));
    eprintln!("outlet staff spent at 3,000 / 6,000 a day: {ca} / {cb}");
    assert!(cb > 1.3 * ca, "{ca} → {cb}");
    // With rent, the space grows with the planned capacity too; and the flat part stays.
    let with_rent = spent(&small(6000, ""));
    assert!(with_rent > cb, "{with_rent} vs {cb}");
}

/// Loads `text` (a scenario) with `extra` appended; the input error's field and message.
fn bad_in(text: &str, extra: &str) -> (String, Option<usize>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, format!("{text}\n{extra}\n")).unwrap();
    match load(&path) {
        Err(parcelsim::error::Error::Input(e)) => (e.field.unwrap_or_default(), e.line, e.message),
        Err(e) => panic!("not an input error: {e}"),
        Ok(_) => panic!("accepted: {extra}"),
    }
}

#[test]
fn bad_outlet_fields_are_located() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let small = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
    let lines = small.lines().count();
    for (extra, field) in [
        ("[costs]\noutlet_per_day = -1", "costs.outlet_per_day"),
        (
            "[costs]\noutlet_staff_wage_per_day = nan",
            "costs.outlet_staff_wage_per_day",
        ),
        (
            "[costs]\noutlet_parcels_per_staff_day = 0",
            "costs.outlet_parcels_per_staff_day",
        ),
        (
            "[costs]\noutlet_m2_per_daily_parcel = -0.1",
            "costs.outlet_m2_per_daily_parcel",
        ),
        (
            "[costs]\noutlet_rent_per_m2_month = inf",
            "costs.outlet_rent_per_m2_month",
        ),
        (
            "[costs]\noutlet_rent_per_m2_month = 1e9",
            "costs.outlet_rent_per_m2_month",
        ),
    ] {
        let (f, line, msg) = bad_in(&small, extra);
        assert_eq!(f, field, "{extra}: {msg}");
        assert_eq!(line, Some(lines + 3), "{extra}: {msg}");
    }
    // The generator's fields, on a generated network.
    let base = std::fs::read_to_string(root.join("scenarios/baseline.toml"))
        .unwrap()
        .replace(
            "cities_file = \"data/cities_cn.csv\"",
            &format!(
                "cities_file = \"{}\"",
                root.join("scenarios/data/cities_cn.csv").display()
            ),
        );
    for (from, to, field) in [
        (
            "outlet_service_area_km2 = 80 ",
            "outlet_service_area_km2 = 0 ",
            "network.generate.outlet_service_area_km2",
        ),
        (
            "parcels_per_outlet = 5400 ",
            "parcels_per_outlet = -5400 ",
            "network.generate.parcels_per_outlet",
        ),
        // Too many outlets to build: refused before anything is built, at the field.
        (
            "parcels_per_outlet = 5400 ",
            "parcels_per_outlet = 0.5 ",
            "network.generate.parcels_per_outlet",
        ),
        (
            "outlet_service_area_km2 = 80 ",
            "outlet_service_area_km2 = 0.001 ",
            "network.generate.outlet_service_area_km2",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let text = base.replace(from, to);
        let line = text.lines().position(|l| l.starts_with(to.trim())).unwrap() + 1;
        let (f, l, msg) = bad_in(&text, "");
        assert_eq!(f, field, "{to}: {msg}");
        assert_eq!(l, Some(line), "{to}: {msg}");
    }
    // The old field is gone: an old file fails loudly, not with a silent default.
    let (_, _, msg) = bad_in(
        &base.replace("outlet_service_area_km2 = 80 ", "min_outlet_area_km2 = 10 "),
        "",
    );
    assert!(msg.contains("min_outlet_area_km2"), "{msg}");
}
