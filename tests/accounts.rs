//! The accounts: per-node and per-lane costs, resources apart from transfers, each
//! party's account, and runs that say when they are not at steady state or overloaded.

mod common;

use common::{assert_places_add_up, run_output};
use parcelsim::run::{RunOutput, load};
use std::path::Path;

/// Runs `scenarios/small.toml` edited by `edit`.
fn small(edit: impl Fn(String) -> String) -> RunOutput {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
    run_output(&edit(text))
}

#[test]
fn node_and_lane_costs_add_up_to_the_window_resources() {
    // One measured day and a long drain: the old rows divided the whole run's cost by
    // the window's parcels, several times too much.
    let out = small(|t| t.replace("days = 2\n", "days = 1\n"));
    let s = &out.summary;
    assert_places_add_up(&out);
    // Each lane's cost per parcel is its own trips over its own parcels.
    for l in &out.lanes {
        if l.parcels > 0 {
            assert!((l.cost_per_parcel_yuan - l.cost_yuan / l.parcels as f64).abs() < 1e-9);
        }
    }
    // Per parcel, the line-haul lanes cost what the measured parcels carry, give or take
    // the parcels crossing the window's edges: not several times more.
    let lh: Vec<_> = out.lanes.iter().filter(|l| l.kind == "linehaul").collect();
    let lh_cost: f64 = lh.iter().map(|l| l.cost_yuan).sum();
    let lh_parcels: u64 = lh.iter().map(|l| l.parcels).sum();
    let per_trip_parcel = lh_cost / lh_parcels as f64;
    let per_parcel = s.cost_by_activity["linehaul"];
    let legs = lh_parcels as f64 / s.measured_parcels_picked_up as f64;
    assert!(
        (per_trip_parcel * legs / per_parcel - 1.0).abs() < 0.3,
        "{per_trip_parcel} × {legs} legs vs {per_parcel}"
    );
}

#[test]
fn transfers_balance_and_the_margins_add_up_to_price_less_resources() {
    let out = small(|t| t);
    let s = &out.summary;
    let a = &s.accounts;
    // The headline is resources only: no fee is a cost.
    assert!(!s.cost_by_activity.contains_key("waybill"));
    assert!((s.cost_by_activity["waybill_it"] - 0.05).abs() < 0.01);
    assert!((a.chain_resources - s.cost_per_parcel_yuan).abs() < 1e-9);
    let net: f64 = a.parties.values().map(|p| p.received - p.paid).sum();
    assert!(net.abs() < 1e-9, "transfers add up to {net}");
    let shop = &a.parties["shop"];
    // The shop pays 3 yuan (the default) for every measured parcel, lost ones included.
    let lost_share =
        (s.measured_parcels_picked_up as f64 / s.measured_parcels_delivered as f64).max(1.0);
    assert!((shop.paid - 3.0 * lost_share).abs() < 1e-6, "{}", shop.paid);
    assert!(
        (a.chain_margin - (shop.paid - a.chain_resources)).abs() < 1e-9,
        "margins {} vs price {} less resources {}",
        a.chain_margin,
        shop.paid,
        a.chain_resources
    );
    let outlets = &a.parties["outlets"];
    let hq = &a.parties["head_office"];
    // The outlets receive the shop price and the delivery fee, and pay the waybill,
    // transit and delivery fees (and fines); head office the other way round.
    assert!((outlets.received - (shop.paid + a.transfers["delivery_fee"])).abs() < 1e-9);
    assert!((hq.paid - a.transfers["delivery_fee"]).abs() < 1e-9);
    assert!(
        (hq.received
            - (a.transfers["waybill_fee"]
                + a.transfers["transit_fee"]
                + a.transfers["delivery_fee_collected"]
                + a.transfers["fines"]))
            .abs()
            < 1e-9
    );
    // Head office collects the delivery fee with each parcel and passes it on (L7): it
    // keeps it only for parcels never delivered.
    assert!(a.transfers["delivery_fee_collected"] >= a.transfers["delivery_fee"]);
    // Resources are split between the parties without a remainder.
    let res = outlets.resources + hq.resources;
    assert!((res - a.chain_resources).abs() < 1e-9);
    assert!(outlets.resources_by_activity.contains_key("last_mile"));
    assert!(hq.resources_by_activity.contains_key("linehaul"));
    // Who pays the feeder follows the operating model.
    let hq_feeder =
        small(|t| format!("{t}\n[operating_model]\nfeeder_paid_by = \"head_office\"\n"));
    let b = &hq_feeder.summary.accounts;
    assert!(
        b.parties["head_office"]
            .resources_by_activity
            .contains_key("feeder")
    );
    assert!(b.parties["head_office"].resources > hq.resources);
    assert_eq!(b.chain_resources, a.chain_resources);
}

#[test]
fn pickup_is_a_courier_tour_cheaper_where_shops_hand_over_more_at_once() {
    let pickup = |per_stop: u32, pay: f64| {
        let out = small(|t| {
            format!(
                "{t}\n[operations.pickup]\nparcels_per_stop = {per_stop}\n[costs]\ncourier_pay_per_pickup = {pay}\n"
            )
        });
        out.summary.cost_by_activity["first_mile_pickup"]
    };
    let (scattered, batched) = (pickup(2, 0.0), pickup(50, 0.0));
    // Van kilometres only: more stops mean longer tours, by about √(stops) (BHH).
    assert!(scattered > 2.0 * batched, "{scattered} vs {batched}");
    assert!(batched > 0.0 && scattered < 0.5, "{scattered} vs {batched}");
    // The franchise piece rate is paid on top, per parcel.
    let paid = pickup(50, 0.1);
    assert!((paid - batched - 0.1).abs() < 0.005, "{paid} vs {batched}");
    // Salaried couriers pick up within their paid day: no piece rate.
    let direct = small(|t| format!("{t}\n[operating_model]\nkind = \"direct\"\n"));
    assert!(direct.summary.cost_by_activity["first_mile_pickup"] < paid - 0.09);
}

/// Loads `scenarios/small.toml` with `extra` appended; the input error's field and line.
fn bad(extra: &str) -> (String, Option<usize>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
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
fn bad_account_fields_are_located() {
    let lines =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/small.toml"))
            .unwrap()
            .lines()
            .count();
    for (extra, field) in [
        ("[costs]\nwaybill_it = -0.1", "costs.waybill_it"),
        (
            "[costs]\ncourier_pay_per_pickup = -1",
            "costs.courier_pay_per_pickup",
        ),
        (
            "[operations.pickup]\nparcels_per_stop = 0.5",
            "operations.pickup.parcels_per_stop",
        ),
        (
            "[operations.pickup]\nstop_minutes = -3",
            "operations.pickup.stop_minutes",
        ),
        (
            "[operations.pickup]\nseconds_per_parcel = nan",
            "operations.pickup.seconds_per_parcel",
        ),
        (
            "[operating_model]\nfine_per_complaint = -5",
            "operating_model.fine_per_complaint",
        ),
        (
            "[operating_model]\nfine_per_lost = inf",
            "operating_model.fine_per_lost",
        ),
    ] {
        let (f, line, msg) = bad(extra);
        assert_eq!(f, field, "{extra}: {msg}");
        assert_eq!(line, Some(lines + 3), "{extra}: {msg}");
    }
    let (_, line, msg) = bad("[operating_model]\nfeeder_paid_by = \"shop\"");
    assert!(
        msg.contains("feeder_paid_by") || msg.contains("unknown variant"),
        "{msg}"
    );
    assert_eq!(line, Some(lines + 3));
    // The old fee fields are gone: an old file fails loudly, not with a silent default.
    let (_, _, msg) = bad("[costs]\nwaybill = 0.3");
    assert!(msg.contains("waybill"), "{msg}");
}

#[test]
fn a_short_warm_up_is_flagged_and_enough_warm_up_is_steady() {
    let cold = small(|t| t.replace("warmup_days = 2", "warmup_days = 0"));
    let st = &cold.summary.steady_state;
    assert!(!st.steady_at_window_start);
    assert!(st.truncation_day_in_network >= 1, "{st:?}");
    // The pipeline fills: the first day holds far fewer parcels than the settled ones.
    assert!(
        st.daily_in_network[0] < 0.5 * st.daily_in_network[2],
        "{st:?}"
    );
    assert!(st.warning(0).unwrap().contains("warmup_days"));
    let warm = small(|t| t);
    let st = &warm.summary.steady_state;
    assert!(st.steady_at_window_start, "{st:?}");
    assert!(st.warning(2).is_none());
}

#[test]
fn an_overloaded_network_is_an_error_naming_its_bottlenecks_not_a_cost() {
    // The small network at 200,000 parcels a day: the old runs reported a cost here.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/small.toml"))
        .unwrap()
        .replace("daily_parcels = 5000", "daily_parcels = 200000")
        .replace("warmup_days = 2", "warmup_days = 1\ndrain_days = 2")
        .replace("days = 2\n", "days = 1\n");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_parcelsim"))
        .args([
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("the network cannot carry this load"), "{err}");
    assert!(err.contains("Bottlenecks: "), "{err}");
    // A centre, outlet or lane of the scenario is named.
    assert!(err.contains("-C") || err.contains("-O"), "{err}");
    assert!(!out.exists(), "no run folder for an overloaded run");
}

/// The small network with ten slow sorting teams per centre, staffed by `staffing`.
fn staffed(staffing: &str, demand: &str) -> RunOutput {
    small(|t| {
        t.replace("lines = 1\n", "lines = 10\n")
            .replace(
                "automation = \"manual\"",
                &format!("automation = \"manual\"\nstaffing = \"{staffing}\""),
            )
            .replace(
                "daily_parcels = 5000",
                &format!("daily_parcels = 5000\n{demand}"),
            )
            + "\n[operations.sorting.manual]\nthroughput_per_line = 300\n"
    })
}

#[test]
fn rosters_follow_the_arrivals_and_cut_idle_paid_hours() {
    let fixed = staffed("fixed_shifts", "");
    let rostered = staffed("rostered", "");
    let flexible = staffed("flexible", "");
    let (f, r, x) = (
        &fixed.summary.sorting,
        &rostered.summary.sorting,
        &flexible.summary.sorting,
    );
    // Ten teams for twelve hours at three centres, 12 workers each, two measured days.
    assert!(
        (f.paid_worker_hours - 10.0 * 12.0 * 3.0 * 12.0 * 2.0).abs() < 1e-6,
        "{f:?}"
    );
    assert!(f.idle_paid_share > 0.85, "{f:?}");
    // A roster planned from the timetabled arrivals pays a fraction of that, and much
    // less of it idle; productivity per paid hour rises accordingly.
    assert!(
        r.paid_worker_hours < 0.3 * f.paid_worker_hours,
        "{r:?} vs {f:?}"
    );
    assert!(
        r.idle_paid_share < f.idle_paid_share - 0.2,
        "{r:?} vs {f:?}"
    );
    assert!(r.parcels_per_paid_worker_hour > 3.0 * f.parcels_per_paid_worker_hour);
    let cost = |o: &RunOutput| o.summary.cost_by_activity["sorting_labour"];
    assert!(cost(&rostered) < 0.3 * cost(&fixed));
    // A flexible core calls temporary crews in when the queue grows.
    assert!(x.call_ins > 0, "{x:?}");
    assert!(x.paid_worker_hours < 0.4 * f.paid_worker_hours, "{x:?}");
    // Fewer hands at the peaks: parcels wait longer, but none is lost to it.
    assert!(rostered.summary.transit_hours_mean >= fixed.summary.transit_hours_mean);
    assert_eq!(
        rostered.summary.measured_parcels_delivered,
        rostered.summary.measured_parcels_picked_up
    );
    // nodes.csv: paid and idle worker-hours per centre add up to the summary's.
    let paid: f64 = rostered.nodes.iter().map(|n| n.paid_worker_hours).sum();
    assert!((paid - r.paid_worker_hours).abs() < 1e-6);
    for n in rostered.nodes.iter().filter(|n| n.kind == "centre") {
        assert!(n.idle_paid_worker_hours < n.paid_worker_hours);
        assert_eq!(n.planned_per_line_hour, 300.0);
        assert!(n.achieved_per_line_hour > 0.0 && n.achieved_per_line_hour <= 300.0);
    }
}

#[test]
fn bad_staffing_fields_are_located() {
    for (extra, field) in [
        (
            "[operations.sorting]\ncore_share = 0",
            "operations.sorting.core_share",
        ),
        (
            "[operations.sorting]\ncore_share = 1.5",
            "operations.sorting.core_share",
        ),
        (
            "[operations.sorting]\ntemp_trigger_hours = 0",
            "operations.sorting.temp_trigger_hours",
        ),
        (
            "[operations.sorting]\ntemp_call_in_hours = -1",
            "operations.sorting.temp_call_in_hours",
        ),
        (
            "[operations.sorting]\ntemp_block_hours = nan",
            "operations.sorting.temp_block_hours",
        ),
        (
            "[operations.sorting]\ntemp_premium = -0.5",
            "operations.sorting.temp_premium",
        ),
    ] {
        // small.toml has an [operations.sorting] table already: edit it in place.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
        let line = extra.lines().nth(1).unwrap();
        let edited = text.replace(
            "[operations.sorting]\n",
            &format!("[operations.sorting]\n{line}\n"),
        );
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.toml");
        std::fs::write(&path, &edited).unwrap();
        let want = edited.lines().position(|l| l == line).unwrap() + 1;
        match load(&path) {
            Err(parcelsim::error::Error::Input(e)) => {
                assert_eq!(e.field.as_deref(), Some(field), "{e}");
                assert_eq!(e.line, Some(want), "{e}");
            }
            _ => panic!("accepted: {extra}"),
        }
    }
}

/// The baseline network generated (not run) at `daily` parcels a day, with `extra` lines
/// in `[network.generate]`.
fn generated(daily: u32, extra: &str) -> parcelsim::network::Network {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/baseline.toml"))
        .unwrap()
        .replace(
            "daily_parcels = 1000000 ",
            &format!("daily_parcels = {daily} "),
        )
        .replace(
            "cities_file = \"data/cities_cn.csv\"",
            &format!(
                "cities_file = \"{}\"\n{extra}",
                root.join("scenarios/data/cities_cn.csv").display()
            ),
        );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("g.toml");
    std::fs::write(&path, text).unwrap();
    load(&path).unwrap().network
}

/// Sorts per parcel the network's routes plan.
fn planned_sorts(n: &parcelsim::network::Network) -> f64 {
    n.planned_sorts_per_parcel(&n.next_lane)
}

#[test]
fn routes_that_price_each_transfer_sort_make_fewer_of_them() {
    let n = generated(1_000_000, "");
    let vehicles = parcelsim::scenario::d_vehicles();
    let free = parcelsim::network::route(&n.nodes, &n.lanes, &n.centres, &vehicles, 0.0);
    let (counted, ignored) = (planned_sorts(&n), n.planned_sorts_per_parcel(&free));
    eprintln!("planned sorts per parcel: transfers priced {counted}, free {ignored}");
    assert!(counted < ignored, "{counted} vs {ignored}");
}

#[test]
fn direct_lanes_open_where_they_cost_less_than_the_transfer_and_follow_volume() {
    let by_cost = "direct_lanes_by_cost = true";
    let hub = generated(3_000_000, "");
    let low = generated(200_000, by_cost);
    let small = generated(1_000_000, by_cost);
    let large = generated(3_000_000, by_cost);
    let direct = |n: &parcelsim::network::Network| n.lanes.iter().filter(|l| l.direct).count();
    assert_eq!(direct(&hub), 0);
    // At 200,000 a day no pair fills a direct truck well enough to beat the transfer.
    assert_eq!(direct(&low), 0);
    assert!(
        direct(&small) > 0,
        "some pairs pay for a direct trip at a million a day"
    );
    // More volume, fuller direct trucks: more pairs where a direct trip beats the transfer.
    assert!(
        direct(&large) as f64 > 1.5 * direct(&small) as f64,
        "{} vs {}",
        direct(&large),
        direct(&small)
    );
    // At 3 M a day, skipping hubs saves sorts.
    let (h, l) = (planned_sorts(&hub), planned_sorts(&large));
    eprintln!("planned sorts per parcel at 3 M: hubs only {h}, direct lanes by cost {l}");
    assert!(h > 1.8 && h < 3.1, "{h}");
    assert!(l < h - 0.05, "{h} → {l}");
}

#[test]
fn routes_count_their_sorts_and_runs_report_them() {
    let out = small(|t| t);
    let s = &out.summary;
    // The small network is a full mesh: origin and destination centre only (one sort for
    // parcels that stay within a centre's area).
    assert!(
        s.sorts_per_parcel > 1.5 && s.sorts_per_parcel <= 2.0,
        "{}",
        s.sorts_per_parcel
    );
    assert_eq!(
        s.direct_lane_share, 0.0,
        "no lane was opened by the routing lever"
    );
}

#[test]
fn both_direct_lane_rules_at_once_is_a_located_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/baseline.toml"))
        .unwrap()
        .replace(
            "planning_slack = 0.3 ",
            "direct_lanes_above = 16000\ndirect_lanes_by_cost = true\nplanning_slack = 0.3 ",
        );
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("g.toml");
    std::fs::write(&path, &text).unwrap();
    let want = text
        .lines()
        .position(|l| l.starts_with("direct_lanes_by_cost"))
        .unwrap()
        + 1;
    match load(&path) {
        Err(parcelsim::error::Error::Input(e)) => {
            assert_eq!(
                e.field.as_deref(),
                Some("network.generate.direct_lanes_by_cost")
            );
            assert_eq!(e.line, Some(want), "{e}");
        }
        _ => panic!("accepted both rules"),
    }
}
