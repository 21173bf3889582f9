//! The `parcelsim` command as a user runs it: outputs, determinism, bookkeeping and
//! located errors for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcelsim"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(root())
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The small scenario, run into a fresh folder.
fn small_run(dir: &Path, extra: &[&str]) -> Output {
    let out = dir.to_str().unwrap();
    let mut args = vec!["run", "scenarios/small.toml", "--out", out, "--quiet"];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn run_writes_every_file_and_the_books_balance() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    let o = small_run(&dir, &["--trace", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "summary.json",
        "cost_breakdown.csv",
        "nodes.csv",
        "lanes.csv",
        "parcels.csv",
        "transit_histogram.csv",
        "run_info.json",
    ] {
        assert!(dir.join(f).metadata().unwrap().len() > 0, "{f} missing");
    }
    let s = json(&dir.join("summary.json"));
    let g = s["parcels_generated"].as_u64().unwrap();
    let d = s["parcels_delivered"].as_u64().unwrap();
    let l = s["parcels_lost"].as_u64().unwrap();
    let f = s["parcels_in_flight"].as_u64().unwrap();
    assert!(g > 5_000, "{g}");
    assert_eq!(g, d + l + f);
    assert!(s["measured_parcels_delivered"].as_u64().unwrap() > 1_000);
    let m = &s["money"];
    let parts = [
        "attributed_to_measured",
        "attributed_to_parcels_before_window",
        "attributed_to_parcels_after_window",
        "unabsorbed",
    ];
    let sum: f64 = parts.iter().map(|k| m[k].as_f64().unwrap()).sum();
    let spent = m["spent_total"].as_f64().unwrap();
    assert!(
        (sum - spent).abs() < 1e-3 * spent.max(1.0),
        "{sum} vs {spent}"
    );
    // Cost by activity adds up to the cost per parcel.
    let by: f64 = s["cost_by_activity"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    let cpp = s["cost_per_parcel_yuan"].as_f64().unwrap();
    assert!(cpp > 0.0 && (by - cpp).abs() < 1e-9 * cpp.max(1.0) + 1e-9);
    for key in [
        "transit_hours_mean",
        "transit_hours_p50",
        "transit_hours_p95",
        "on_time_rate",
        "truck_fill_rate",
        "scenario_sha256",
        "version",
        "seed",
    ] {
        assert!(!s[key].is_null(), "{key} missing");
    }
    let traced = std::fs::read_to_string(dir.join("parcels.csv")).unwrap();
    assert_eq!(traced.lines().count(), 5, "header + 4 traced parcels");
    let scans = std::fs::read_to_string(dir.join("tracking.csv")).unwrap();
    for event in [
        "order_placed",
        "picked_up",
        "departed",
        "arrived",
        "sorted",
        "signed",
    ] {
        assert!(scans.contains(event), "no {event} scan in {scans}");
    }
    let order = s["order_to_signed_hours_mean"].as_f64().unwrap();
    let carrier = s["transit_hours_mean"].as_f64().unwrap();
    let shop = s["order_to_pickup_hours_mean"].as_f64().unwrap();
    assert!(shop > 0.0 && (order - shop - carrier).abs() < 1e-9);
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    assert!(small_run(&a, &["--trace", "3"]).status.success());
    assert!(small_run(&b, &["--trace", "3"]).status.success());
    assert!(
        small_run(&c, &["--trace", "3", "--seed", "99"])
            .status
            .success()
    );
    for f in [
        "summary.json",
        "cost_breakdown.csv",
        "nodes.csv",
        "lanes.csv",
        "parcels.csv",
        "transit_histogram.csv",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x == y, "{f} differs between two runs of the same seed");
    }
    assert_ne!(
        std::fs::read(a.join("summary.json")).unwrap(),
        std::fs::read(c.join("summary.json")).unwrap()
    );
}

#[test]
fn a_non_empty_out_folder_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "precious").unwrap();
    let o = small_run(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(!tmp.path().join("summary.json").exists());
    // --force replaces parcelsim output folders only: a folder of other files is kept.
    let o = small_run(tmp.path(), &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no parcelsim output"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "precious"
    );
    assert!(!tmp.path().join("summary.json").exists());
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    for s in ["scenarios/baseline.toml", "scenarios/small.toml"] {
        let o = run(&["validate", s]);
        assert!(o.status.success(), "{s}: {}", stderr(&o));
    }
}

#[test]
fn a_bad_cli_argument_is_a_usage_error() {
    let o = run(&["run", "scenarios/small.toml", "--trace", "many"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--trace"));
    let o = run(&["run", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.toml"));
    // Tags are packed in the parcel record: the cost sample has a ceiling.
    let o = run(&["run", "scenarios/small.toml", "--cost-sample", "2000000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--cost-sample 2000000"),
        "{}",
        stderr(&o)
    );
}

/// Writes `scenarios/small.toml` with `edit` applied into a temp folder and runs it.
fn broken(edit: impl Fn(String) -> String) -> (Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/small.toml")).unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, edit(text)).unwrap();
    let out = tmp.path().join("out");
    let o = bin()
        .args([
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        !out.join("summary.json").exists(),
        "no output after bad input"
    );
    (o, tmp)
}

fn assert_located(o: &Output, line: Option<usize>, field: &str, words: &str) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    assert!(
        e.contains("bad.toml") || e.contains(".csv"),
        "no file in: {e}"
    );
    if let Some(l) = line {
        assert!(e.contains(&format!(":{l}:")), "line {l} not in: {e}");
    }
    assert!(e.contains(field), "field {field} not in: {e}");
    assert!(e.contains(words), "`{words}` not in: {e}");
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn malformed_toml_names_its_line() {
    let (o, _t) = broken(|t| t.replace("daily_parcels = 5000", "daily_parcels = = 5000"));
    let text = std::fs::read_to_string(root().join("scenarios/small.toml")).unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!(":{}:", line_of(&text, "daily_parcels"))),
        "{e}"
    );
}

#[test]
fn an_unknown_field_is_named() {
    let (o, _t) = broken(|t| {
        t.replace(
            "daily_parcels = 5000",
            "daily_parcels = 5000\ndaily_parcles = 3",
        )
    });
    let text = std::fs::read_to_string(root().join("scenarios/small.toml")).unwrap();
    assert_located(
        &o,
        Some(line_of(&text, "daily_parcels") + 1),
        "daily_parcles",
        "unknown field",
    );
}

#[test]
fn a_lane_to_an_unknown_node_is_named() {
    let (o, _t) = broken(|t| {
        t.replacen(
            "to = \"Shanghai-C\"\ndistance_km = 180",
            "to = \"Shanghia-C\"\ndistance_km = 180",
            1,
        )
    });
    assert_located(
        &o,
        None,
        "network.lanes[12].to",
        "unknown node `Shanghia-C`",
    );
}

#[test]
fn zero_or_negative_capacities_and_rates_are_refused() {
    let (o, _t) = broken(|t| {
        t + "\n[[vehicles]]\nname = \"cart\"\ncapacity = 0\nfixed_cost = 1\ncost_per_km = 1\n"
    });
    assert_located(&o, None, "vehicles[0].capacity", "at least 1");
    let (o, _t) = broken(|t| t.replace("daily_parcels = 5000", "daily_parcels = -5"));
    assert_located(&o, None, "demand.daily_parcels", "positive");
    let (o, _t) = broken(|t| t + "\n[operations.sorting.manual]\nthroughput_per_line = 0\n");
    assert_located(
        &o,
        None,
        "operations.sorting.manual.throughput_per_line",
        "positive",
    );
    let (o, _t) = broken(|t| t.replace("couriers = 12", "couriers = 0"));
    assert_located(&o, None, "network.nodes[3].couriers", "at least 1");
}

#[test]
fn a_probability_outside_zero_one_is_refused() {
    let (o, _t) = broken(|t| t.replace("[demand]\n", "[demand]\nintra_city_share = 1.5\n"));
    assert_located(&o, None, "demand.intra_city_share", "[0, 1]");
}

#[test]
fn an_unreachable_destination_is_a_validation_error() {
    // Remove every lane into Yiwu-C from the other centres.
    fn without_lane(t: &str, from_to: &str) -> String {
        let at = t.find(from_to).unwrap();
        let start = t[..at].rfind("[[network.lanes]]").unwrap();
        let end = t[at..].find("[[").map_or(t.len(), |e| e + at);
        format!("{}{}", &t[..start], &t[end..])
    }
    let (o, _t) = broken(|t| {
        let t = without_lane(&t, "from = \"Hangzhou-C\"\nto = \"Yiwu-C\"");
        without_lane(&t, "from = \"Shanghai-C\"\nto = \"Yiwu-C\"")
    });
    assert_located(&o, None, "network.lanes", "unreachable destination");
}

#[test]
fn a_missing_csv_file_is_named() {
    let (o, _t) = broken(|t| {
        let start = t.find("[[network.nodes]]").unwrap();
        format!(
            "{}[network]\nnodes_file = \"missing_nodes.csv\"\nlanes_file = \"missing_lanes.csv\"\n",
            &t[..start]
        )
    });
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("missing_nodes.csv"), "{e}");
}

#[test]
fn csv_networks_run_and_bad_rows_name_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let nodes = "id,kind,weight,area_km2,couriers,lines\nA-C,centre,,,,1\nB-C,centre,,,,1\nA-O,outlet,1,20,4,\nB-O,outlet,2,20,4,\n";
    let lanes = "from,to,distance_km,hours,vehicle,max_vehicles,departures\nA-O,A-C,10,,,,17:00\nA-C,A-O,10,,,,06:00 11:00\nB-O,B-C,10,,,,\nB-C,B-O,10,,,,\nA-C,B-C,200,,,,23:00\nB-C,A-C,200,,,,23:00\n";
    std::fs::write(tmp.path().join("nodes.csv"), nodes).unwrap();
    std::fs::write(tmp.path().join("lanes.csv"), lanes).unwrap();
    let sc = "name = \"csv\"\ndays = 1\nwarmup_days = 1\n[demand]\ndaily_parcels = 500\n[network]\nnodes_file = \"nodes.csv\"\nlanes_file = \"lanes.csv\"\n";
    std::fs::write(tmp.path().join("s.toml"), sc).unwrap();
    let out = tmp.path().join("out");
    let o = bin()
        .args([
            "run",
            tmp.path().join("s.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        json(&out.join("summary.json"))["parcels_delivered"]
            .as_u64()
            .unwrap()
            > 100
    );

    std::fs::write(
        tmp.path().join("lanes.csv"),
        lanes.replace("B-C,A-C,200", "B-C,A-C,-200"),
    )
    .unwrap();
    let o = bin()
        .args(["validate", tmp.path().join("s.toml").to_str().unwrap()])
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("lanes.csv:7") && e.contains("distance_km"),
        "{e}"
    );

    std::fs::write(
        tmp.path().join("lanes.csv"),
        lanes.replace("B-C,A-C,200", "B-C,A-C,far"),
    )
    .unwrap();
    let o = bin()
        .args(["validate", tmp.path().join("s.toml").to_str().unwrap()])
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("lanes.csv:7") && e.contains("distance_km"),
        "{e}"
    );
}

#[test]
fn parcel_memory_is_reused_once_parcels_are_delivered() {
    let path = root().join("scenarios/small.toml");
    let l = parcelsim::run::load(&path).unwrap();
    let out = parcelsim::run::run(&l.scenario, &l.network, &l.sha256, &Default::default()).unwrap();
    // Slots are recycled: the slab holds about the parcels in flight, not all ever made.
    assert!(
        (out.info.peak_parcel_slots as u64) * 2 < out.summary.parcels_generated,
        "{} slots for {} parcels",
        out.info.peak_parcel_slots,
        out.summary.parcels_generated
    );
}

#[test]
fn a_run_reports_its_hours_to_the_progress_callback_it_is_given() {
    use parcelsim::progress::{Event, Progress};
    use std::sync::{Arc, Mutex};
    let l = parcelsim::run::load(&root().join("scenarios/small.toml")).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let opts = parcelsim::run::RunOptions {
        progress: Progress::new(move |e| s.lock().unwrap().push(e)),
        ..Default::default()
    };
    let out = parcelsim::run::run(&l.scenario, &l.network, &l.sha256, &opts).unwrap();
    let seen = seen.lock().unwrap();
    let Some(Event::RunStarted { hours }) = seen.first().copied() else {
        panic!("first event {:?}", seen.first());
    };
    assert_eq!(seen.last(), Some(&Event::RunFinished));
    // One event per simulated hour, in order, up to the hours the run simulated.
    let at: Vec<(u64, u64)> = seen[1..seen.len() - 1]
        .iter()
        .map(|e| match *e {
            Event::RunAt {
                hour, generated, ..
            } => (hour, generated),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(at.len() as f64, out.summary.days_simulated * 24.0);
    assert!(at.iter().enumerate().all(|(i, &(h, _))| h == i as u64 + 1));
    assert!(at.last().unwrap().0 <= hours);
    assert!(at.windows(2).all(|w| w[0].1 <= w[1].1));
    assert_eq!(at.last().unwrap().1, out.summary.parcels_generated);
}

#[test]
fn direct_lanes_open_where_planned_flow_fills_a_truck() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/baseline.toml")).unwrap();
    let text = text
        .replace("daily_parcels = 1000000 ", "daily_parcels = 200000 ")
        .replace(
            "cities_file = \"data/cities_cn.csv\"",
            &format!(
                "cities_file = \"{}\"",
                root().join("scenarios/data/cities_cn.csv").display()
            ),
        );
    let hub = tmp.path().join("hub.toml");
    std::fs::write(&hub, &text).unwrap();
    let direct = tmp.path().join("direct.toml");
    std::fs::write(
        &direct,
        text.replace(
            "planning_slack = 0.3 ",
            "direct_lanes_above = 1000\nplanning_slack = 0.3 ",
        ),
    )
    .unwrap();
    let a = parcelsim::run::load(&hub).unwrap();
    let b = parcelsim::run::load(&direct).unwrap();
    let count = |n: &parcelsim::network::Network| {
        n.lanes
            .iter()
            .filter(|l| l.kind == parcelsim::network::LaneKind::Linehaul)
            .count()
    };
    assert!(
        count(&b.network) > count(&a.network),
        "{} vs {}",
        count(&b.network),
        count(&a.network)
    );
    // Every direct lane carries at least the threshold by plan.
    assert!(
        b.network
            .lanes
            .iter()
            .filter(|l| l.kind == parcelsim::network::LaneKind::Linehaul)
            .any(|l| l.planned_daily >= 1000.0)
    );
}
