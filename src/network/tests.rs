//! Tests of distances and departure times.

use super::explicit::parse_times;
use super::generate::great_circle_km;
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

/// A scenario of `scenarios/` as loaded and checked, to be spoiled before building.
fn scenario(name: &str) -> (Scenario, Source) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    crate::scenario::load(&path).expect("a valid scenario")
}

/// The field and message of the error building `sc` gives.
fn build_error(sc: &Scenario, src: &Source) -> (String, String) {
    let e = build(sc, src).expect_err("an error, not a network");
    assert_eq!(e.file, src.path);
    (e.field.expect("a field"), e.message)
}

#[test]
fn default_departures_that_are_not_times_are_errors_naming_their_field() {
    // Explicit network: lanes without their own departures take the defaults.
    let (mut sc, src) = scenario("small.toml");
    sc.operations.feeder.to_centre = vec!["7h".into()];
    let (field, msg) = build_error(&sc, &src);
    assert_eq!(field, "operations.feeder.to_centre");
    assert!(msg.contains("`7h` is not a time of day"), "{msg}");
    // Generated network: every lane takes them.
    let (mut sc, src) = scenario("baseline.toml");
    sc.operations.linehaul.departures = vec!["22:00".into(), "25:00".into()];
    let (field, msg) = build_error(&sc, &src);
    assert_eq!(field, "operations.linehaul.departures");
    assert!(msg.contains("`25:00`"), "{msg}");
    sc.operations.linehaul.departures = Vec::new();
    sc.operations.feeder.from_centre = Vec::new();
    let (field, msg) = build_error(&sc, &src);
    assert_eq!(field, "operations.feeder.from_centre");
    assert!(msg.contains("at least one"), "{msg}");
}

#[test]
fn an_unknown_default_vehicle_or_no_vehicle_is_an_error_naming_its_field() {
    let (mut sc, src) = scenario("baseline.toml");
    sc.operations.linehaul.default_vehicle = "zeppelin".into();
    let (field, msg) = build_error(&sc, &src);
    assert_eq!(field, "operations.linehaul.default_vehicle");
    assert!(msg.contains("`zeppelin`"), "{msg}");
    sc.vehicles.clear();
    assert_eq!(build_error(&sc, &src).0, "vehicles");
}

#[test]
fn a_sorting_shift_that_does_not_start_at_a_time_of_day_is_an_error_naming_it() {
    let (mut sc, src) = scenario("small.toml");
    sc.operations.sorting.shifts[0].start = "late".into();
    let (field, msg) = build_error(&sc, &src);
    assert_eq!(field, "operations.sorting.shifts[0].start");
    assert_eq!(msg, "`late` is not a time of day HH:MM");
}
