//! Green as an output: kg CO2e per parcel from what the chain consumes, booked and split
//! like money; a carbon price that adds exactly what it says and changes nothing else;
//! emissions that move with the mechanisms; located errors for bad values; sweeps over
//! the price and the factors.

mod common;

use common::{assert_places_add_up, run_output as run_text};
use parcelsim::run::{RunOutput, load};
use std::path::Path;
use std::process::Command;

fn small_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap()
}

/// `scenarios/small.toml` with `extra` appended.
fn small(extra: &str) -> RunOutput {
    run_text(&format!("{}\n{extra}\n", small_text()))
}

/// The summary as JSON, without what names the scenario file's bytes.
fn summary_json(o: &RunOutput) -> serde_json::Value {
    let mut v = serde_json::to_value(&o.summary).unwrap();
    v["scenario_sha256"] = serde_json::Value::Null;
    v
}

const CARBON: [&str; 2] = ["carbon_outlets", "carbon_head_office"];

#[test]
fn a_zero_carbon_price_changes_no_money_figure() {
    let plain = small("");
    let zero = small("[costs]\ncarbon_price = 0");
    assert_eq!(summary_json(&plain), summary_json(&zero));
    assert_eq!(plain.books.cost, zero.books.cost, "exact measured books");
    for (a, b) in plain.nodes.iter().zip(&zero.nodes) {
        assert_eq!(a.cost_yuan.to_bits(), b.cost_yuan.to_bits(), "{}", a.node);
    }
    for (a, b) in plain.lanes.iter().zip(&zero.lanes) {
        assert_eq!(a.cost_yuan.to_bits(), b.cost_yuan.to_bits());
    }
    // Nothing priced, but the emissions are there.
    let e = &plain.summary.emissions;
    assert!(e.co2e_kg_per_parcel > 0.0);
    assert_eq!(e.carbon_cost_per_parcel_yuan, 0.0);
    for c in CARBON {
        assert_eq!(plain.summary.cost_by_activity[c], 0.0);
    }
}

#[test]
fn a_carbon_price_adds_exactly_the_priced_emissions_and_nothing_else() {
    let p = 200.0;
    let base = small("");
    let priced = small(&format!("[costs]\ncarbon_price = {p}"));
    let (s0, s1) = (&base.summary, &priced.summary);
    // The dynamics do not move: every other activity, time and count is the same.
    for (a, v) in &s0.cost_by_activity {
        if !CARBON.contains(&a.as_str()) {
            assert_eq!(v.to_bits(), s1.cost_by_activity[a].to_bits(), "{a}");
        }
    }
    assert_eq!(s0.transit_hours_mean, s1.transit_hours_mean);
    assert_eq!(s0.measured_parcels_delivered, s1.measured_parcels_delivered);
    assert_eq!(
        serde_json::to_value(&s0.emissions.co2e_kg_per_parcel_by_activity).unwrap(),
        serde_json::to_value(&s1.emissions.co2e_kg_per_parcel_by_activity).unwrap()
    );
    // The chain's resources rise by the price on what the measured parcels' activities
    // emitted (not the shop's packaging), to the micro-yuan rounding of each booking.
    let delivered = s1.measured_parcels_delivered as f64;
    let e = &s1.emissions;
    let chain_kg =
        e.attributed_to_measured_kg - e.co2e_kg_per_parcel_by_activity["packaging"] * delivered;
    let carbon: i64 = CARBON
        .iter()
        .map(|c| {
            let a = parcelsim::cost::Activity::ALL
                .into_iter()
                .find(|a| a.name() == *c)
                .unwrap();
            priced.books.cost.get(a).0
        })
        .sum();
    let want = p * chain_kg / 1000.0;
    let got = carbon as f64 / 1e6;
    eprintln!("carbon at {p} yuan/t: {got} yuan over {chain_kg} kg (price × kg: {want})");
    assert!(got > 0.0);
    // One rounding of at most a micro-yuan per booking; far fewer than 10,000 bookings.
    assert!((got - want).abs() < 0.01, "{got} vs {want}");
    let rise = (priced.books.cost.total().0 - base.books.cost.total().0) as f64 / 1e6;
    assert_eq!(
        rise, got,
        "the rise is the carbon activities' cost, exactly"
    );
    assert!(
        (s1.cost_per_parcel_yuan - s0.cost_per_parcel_yuan - got / delivered).abs() < 1e-9,
        "{} → {}",
        s0.cost_per_parcel_yuan,
        s1.cost_per_parcel_yuan
    );
    assert!((e.carbon_cost_per_parcel_yuan - got / delivered).abs() < 1e-12);
    // The places that paid it carry it: nodes and lanes still add up to the window's
    // resources (less what is spent at no node or lane).
    assert_places_add_up(&priced);
    let w = &s1.money.spent_during_window_by_activity;
    assert!(w["carbon_head_office"] > 0.0 && w["carbon_outlets"] > 0.0);
    // Each party pays the price on the activities it pays for: the outlets' tours.
    let outlets = &s1.accounts.parties["outlets"];
    let before = &s0.accounts.parties["outlets"];
    assert!(outlets.resources > before.resources);
    assert!(
        (outlets.resources - before.resources - s1.cost_by_activity["carbon_outlets"]).abs() < 1e-9
    );
}

#[test]
fn fuller_trucks_emit_less_per_parcel() {
    let at = |daily: u32| {
        run_text(&small_text().replace("daily_parcels = 5000", &format!("daily_parcels = {daily}")))
    };
    let (lo, hi) = (at(3000), at(9000));
    let kg = |o: &RunOutput, a: &str| o.summary.emissions.co2e_kg_per_parcel_by_activity[a];
    eprintln!(
        "line-haul kg/parcel at 3,000 / 9,000 a day: {} / {}; fill {} / {}",
        kg(&lo, "linehaul"),
        kg(&hi, "linehaul"),
        lo.summary.truck_fill_rate,
        hi.summary.truck_fill_rate
    );
    assert!(hi.summary.truck_fill_rate > 2.0 * lo.summary.truck_fill_rate);
    // The timetabled trucks run anyway: three times the parcels share them.
    assert!(kg(&hi, "linehaul") < 0.5 * kg(&lo, "linehaul"));
    assert!(kg(&hi, "feeder") < kg(&lo, "feeder"));
    // Shifts' line-hours are paid and powered whatever the load: less per parcel.
    assert!(kg(&hi, "sorting_equipment") < 0.5 * kg(&lo, "sorting_equipment"));
    // Packaging is per parcel picked up: the same, but for the few still in flight.
    assert!((kg(&hi, "packaging") / kg(&lo, "packaging") - 1.0).abs() < 0.02);
}

#[test]
fn fewer_staffed_line_hours_emit_less_per_parcel() {
    // The same parcels sorted in a shorter shift: the lines run (and draw power) fewer hours.
    let long = small("");
    let short = run_text(&small_text().replace("hours = 12 }", "hours = 10 }"));
    let kg =
        |o: &RunOutput| o.summary.emissions.co2e_kg_per_parcel_by_activity["sorting_equipment"];
    let paid = |o: &RunOutput| o.summary.sorting.paid_worker_hours;
    eprintln!(
        "sorter electricity kg/parcel in 12 h / 10 h shifts: {} / {} (paid worker-hours {} / {})",
        kg(&long),
        kg(&short),
        paid(&long),
        paid(&short)
    );
    assert!(paid(&short) < paid(&long));
    assert!(kg(&short) < 0.9 * kg(&long));
    assert_eq!(
        long.summary.measured_parcels_delivered,
        short.summary.measured_parcels_delivered
    );
}

#[test]
fn vehicles_that_burn_nothing_remove_the_line_haul_share_only() {
    let base = small("");
    // The 9.6 m trucks of the line-haul lanes on carbon-free power; vans as before.
    let electric = small(
        r#"
[[vehicles]]
name = "van"
capacity = 1500
fixed_cost = 60
cost_per_km = 1.5

[[vehicles]]
name = "truck_9m6"
capacity = 6000
fixed_cost = 200
cost_per_km = 4.5
fuel_l_per_100km_empty = 0
fuel_l_per_100km_full = 0

[[vehicles]]
name = "trailer_17m5"
capacity = 16000
fixed_cost = 300
cost_per_km = 7.0
"#,
    );
    let by = |o: &RunOutput| o.summary.emissions.co2e_kg_per_parcel_by_activity.clone();
    let (b, e) = (by(&base), by(&electric));
    assert!(b["linehaul"] > 0.0);
    assert_eq!(e["linehaul"], 0.0);
    for (a, v) in &b {
        if *a != "linehaul" {
            assert_eq!(v.to_bits(), e[a].to_bits(), "{a}");
        }
    }
    let total = |o: &RunOutput| o.summary.emissions.co2e_kg_per_parcel;
    assert!((total(&base) - total(&electric) - b["linehaul"]).abs() < 1e-9);
}

#[test]
fn emissions_add_up_and_every_parcel_class_gets_its_share() {
    let o = small("");
    let e = &o.summary.emissions;
    let sum = e.attributed_to_measured_kg
        + e.attributed_to_parcels_before_window_kg
        + e.attributed_to_parcels_after_window_kg
        + e.unabsorbed_kg;
    assert!(
        (e.emitted_kg - sum).abs() < 1e-6,
        "{} vs {sum}",
        e.emitted_kg
    );
    let by_activity: f64 = e.co2e_kg_per_parcel_by_activity.values().sum();
    let by_party: f64 = e.co2e_kg_per_parcel_by_party.values().sum();
    assert!((by_activity - e.co2e_kg_per_parcel).abs() < 1e-9);
    assert!((by_party - e.co2e_kg_per_parcel).abs() < 1e-9);
    // The shop's share is its packaging.
    assert_eq!(
        e.co2e_kg_per_parcel_by_party["shop"],
        e.co2e_kg_per_parcel_by_activity["packaging"]
    );
}

/// Loads `text`; the input error's field, line and message.
fn bad(text: &str) -> (String, Option<usize>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    match load(&path) {
        Err(parcelsim::error::Error::Input(e)) => {
            assert_eq!(e.file, path, "the error names the file");
            (e.field.unwrap_or_default(), e.line, e.message)
        }
        Err(e) => panic!("not an input error: {e}"),
        Ok(_) => panic!("accepted: {text}"),
    }
}

#[test]
fn bad_emission_values_are_located() {
    let small = small_text();
    let lines = small.lines().count();
    for (extra, field) in [
        ("[costs]\ncarbon_price = -5", "costs.carbon_price"),
        (
            "[emissions]\ndiesel_kg_per_litre = -2.66",
            "emissions.diesel_kg_per_litre",
        ),
        (
            "[emissions]\ngrid_kg_per_kwh = nan",
            "emissions.grid_kg_per_kwh",
        ),
        (
            "[emissions]\nsorter_kw_per_line = -1",
            "emissions.sorter_kw_per_line",
        ),
        (
            "[emissions]\ncourier_kwh_per_km = inf",
            "emissions.courier_kwh_per_km",
        ),
        (
            "[emissions]\npackaging_kg_per_parcel = 1e9",
            "emissions.packaging_kg_per_parcel",
        ),
    ] {
        let (f, line, msg) = bad(&format!("{small}\n{extra}\n"));
        assert_eq!(f, field, "{extra}: {msg}");
        assert_eq!(line, Some(lines + 3), "{extra}: {msg}");
    }
    let (f, line, msg) = bad(&format!(
        "{small}\n[[vehicles]]\nname = \"trailer_17m5\"\ncapacity = 6000\nfixed_cost = 200\ncost_per_km = 4.5\nfuel_l_per_100km_full = -20\n"
    ));
    assert_eq!(f, "vehicles[0].fuel_l_per_100km_full", "{msg}");
    assert_eq!(line, Some(lines + 7), "{msg}");
    let (f, _, msg) = bad(&format!("{small}\n[emissions]\nbogus = 1\n"));
    assert_eq!(f, "emissions.bogus", "{msg}");
}

#[test]
fn a_sweep_over_the_carbon_price_and_a_factor_records_co2e() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("scenarios/small.toml"),
        tmp.path().join("small.toml"),
    )
    .unwrap();
    let sweep = tmp.path().join("sweep.toml");
    std::fs::write(
        &sweep,
        r#"
base = "small.toml"
replications = 1
seed = 3

[set]
days = 1
warmup_days = 1
drain_days = 3

[[vary]]
path = "costs.carbon_price"
values = [0, 500]

[[vary]]
path = "emissions.grid_kg_per_kwh"
values = [0.5366, 0.1]
"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_parcelsim"))
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .arg("--no-plot")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut lines = runs.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 4, "{runs}");
    let (price, grid) = (col("costs.carbon_price"), col("emissions.grid_kg_per_kwh"));
    let (co2, cost) = (col("co2e_kg_per_parcel"), col("cost_per_parcel_yuan"));
    let at = |p: f64, g: f64| {
        rows.iter()
            .find(|r| r[price] == p && r[grid] == g)
            .unwrap_or_else(|| panic!("no row {p}, {g}: {runs}"))
    };
    // A cleaner grid: less CO2e; a price: more cost, not more CO2e.
    assert!(at(0.0, 0.1)[co2] < at(0.0, 0.5366)[co2]);
    assert_eq!(at(0.0, 0.5366)[co2], at(500.0, 0.5366)[co2]);
    assert!(at(500.0, 0.5366)[cost] > at(0.0, 0.5366)[cost]);
    assert_eq!(at(0.0, 0.1)[cost], at(0.0, 0.5366)[cost]);
}
