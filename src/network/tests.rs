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
