//! `compare` and `explain` as a user runs them: paired differences under common random
//! numbers, Shapley attributions that add up, thread-count independence, charts, and clear
//! refusals of input that cannot be explained.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcelsim"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The small scenario shortened for tests: one measured day after one warm-up day.
fn small() -> String {
    let text = std::fs::read_to_string(root().join("scenarios/small.toml")).unwrap();
    let short = text.replacen("\ndays = 2\n", "\ndays = 1\ndrain_days = 3\n", 1);
    assert_ne!(short, text, "small.toml no longer has `days = 2`");
    short
}

/// Writes `text` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// Courier pay per delivery up from the default 1.2 yuan.
const PAY_RISE: &str = "\n[costs]\ncourier_pay_per_delivery = 1.5\n";
/// Two more management layers than the default three.
const MORE_LAYERS: &str = "\n[org]\nlayers = 5\n";

fn parcelsim(args: &[&str], files: &[&Path], out: &Path) -> Output {
    bin()
        .args(args)
        .args(files)
        .arg("--out")
        .arg(out)
        .args(["--replications", "2"])
        .output()
        .unwrap()
}

/// A CSV file as rows of column → cell.
fn csv_rows(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?} is not a number", row[col]))
}

/// `explain.csv` as lever → Shapley value, and `explain.json`.
fn explanation(dir: &Path) -> (BTreeMap<String, f64>, serde_json::Value) {
    let phi = csv_rows(&dir.join("explain.csv"))
        .iter()
        .map(|r| (r["lever"].clone(), num(r, "shapley")))
        .collect();
    let json = serde_json::from_slice(&read(&dir.join("explain.json"))).unwrap();
    (phi, json)
}

/// `subsets.csv` as subset → mean.
fn subsets(dir: &Path) -> BTreeMap<String, f64> {
    csv_rows(&dir.join("subsets.csv"))
        .iter()
        .map(|r| (r["subset"].clone(), num(r, "mean")))
        .collect()
}

fn assert_chart(dir: &Path, stem: &str) {
    let png = read(&dir.join("plots").join(format!("{stem}.png")));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{stem}.png is not a PNG"
    );
    assert!(png.len() > 5_000, "{stem}.png is only {} bytes", png.len());
    let svg = String::from_utf8(read(&dir.join("plots").join(format!("{stem}.svg")))).unwrap();
    assert!(svg.contains("<svg"), "{stem}.svg is not an SVG");
}

#[test]
fn explain_splits_the_whole_change_between_two_levers() {
    let tmp = tempfile::tempdir().unwrap();
    let from = write(tmp.path(), "from.toml", &small());
    let to = write(
        tmp.path(),
        "to.toml",
        &format!("{}{PAY_RISE}{MORE_LAYERS}", small()),
    );
    let out = tmp.path().join("explain");
    let o = parcelsim(&["explain", "--threads", "2"], &[&from, &to], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let serial = tmp.path().join("serial");
    let o1 = parcelsim(&["explain", "--threads", "1"], &[&from, &to], &serial);
    assert!(o1.status.success(), "{}", stderr(&o1));
    for f in ["explain.csv", "subsets.csv", "explain.json"] {
        assert!(
            read(&out.join(f)) == read(&serial.join(f)),
            "{f} differs by thread count"
        );
    }
    let (phi, json) = explanation(&out);
    assert_eq!(json["levers"], serde_json::json!(["costs", "org"]));
    assert_eq!(phi.len(), 2, "{phi:?}");

    let v = subsets(&out);
    assert_eq!(v.len(), 4, "{v:?}");
    let (v_none, v_all) = (v["(none)"], v["costs+org"]);
    // (serde_json reads decimals to within an ulp, not exactly.)
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    assert!(close(json["from_value"].as_f64().unwrap(), v_none));
    assert!(close(json["to_value"].as_f64().unwrap(), v_all));
    let sum: f64 = phi.values().sum();
    let change = v_all - v_none;
    assert!(
        (sum - change).abs() <= 1e-9 * v_none.abs().max(v_all.abs()).max(1.0),
        "Shapley values sum to {sum}, the change is {change}"
    );
    // Higher pay per delivery raises the cost per parcel; so do more managers.
    assert!(phi["costs"] > 0.0, "{phi:?}");
    assert!(phi["org"] > 0.0, "{phi:?}");
    // The lever's value is the average of its effect with and without the other lever.
    let by_hand = ((v["costs"] - v_none) + (v_all - v["org"])) / 2.0;
    assert!((phi["costs"] - by_hand).abs() < 1e-12, "{phi:?} {v:?}");

    let table = stdout(&o);
    assert!(table.contains("costs") && table.contains("org"), "{table}");
    assert_chart(&out, "waterfall");
    let svg = String::from_utf8(read(&out.join("plots/waterfall.svg"))).unwrap();
    assert!(svg.contains("FROM: from") && svg.contains("TO: to"));
    assert!(svg.contains("raises the cost per parcel"));
}

#[test]
fn explain_of_one_section_is_the_plain_difference_and_compare_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    let from = write(tmp.path(), "from.toml", &small());
    let to = write(tmp.path(), "to.toml", &format!("{}{PAY_RISE}", small()));

    let out = tmp.path().join("explain");
    let o = parcelsim(&["explain"], &[&from, &to], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let (phi, json) = explanation(&out);
    let v = subsets(&out);
    let plain = v["costs"] - v["(none)"];
    assert_eq!(phi.len(), 1, "{phi:?}");
    assert_eq!(phi["costs"], plain);
    assert!((json["change"].as_f64().unwrap() - plain).abs() <= 1e-12);
    let share = &csv_rows(&out.join("explain.csv"))[0];
    assert_eq!(num(share, "share_of_change"), 1.0);

    // The same seeds: compare's paired difference is the same number.
    let cmp = tmp.path().join("compare");
    let o = parcelsim(&["compare"], &[&from, &to], &cmp);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&cmp.join("compare.csv"));
    let row = rows
        .iter()
        .find(|r| r["scenario"] == "to" && r["metric"] == "cost_per_parcel_yuan")
        .unwrap();
    let diff = num(row, "diff_vs_first");
    assert!((diff - plain).abs() < 1e-12, "{diff} vs {plain}");
}

#[test]
fn compare_sees_a_pay_rise_clearly_and_does_not_depend_on_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &small());
    let b = write(tmp.path(), "b.toml", &format!("{}{PAY_RISE}", small()));
    let one = tmp.path().join("one");
    let o = parcelsim(&["compare", "--threads", "1"], &[&a, &b], &one);
    assert!(o.status.success(), "{}", stderr(&o));
    let two = tmp.path().join("two");
    let o2 = parcelsim(&["compare", "--threads", "2"], &[&a, &b], &two);
    assert!(o2.status.success(), "{}", stderr(&o2));
    for f in ["compare.csv", "compare.json"] {
        assert!(
            read(&one.join(f)) == read(&two.join(f)),
            "{f} differs by thread count"
        );
    }

    let rows = csv_rows(&one.join("compare.csv"));
    let metrics = rows.iter().filter(|r| r["scenario"] == "a").count();
    assert_eq!(rows.len(), 2 * metrics);
    let get = |s: &str, m: &str| {
        rows.iter()
            .find(|r| r["scenario"] == s && r["metric"] == m)
            .unwrap_or_else(|| panic!("no row {s} {m}"))
    };
    let first = get("a", "cost_per_parcel_yuan");
    assert_eq!(
        first["diff_vs_first"], "",
        "the first scenario has no difference"
    );
    let b_cost = get("b", "cost_per_parcel_yuan");
    let (diff, lo, hi) = (
        num(b_cost, "diff_vs_first"),
        num(b_cost, "diff_ci_low"),
        num(b_cost, "diff_ci_high"),
    );
    assert!(diff > 0.0 && lo > 0.0, "{diff} [{lo}, {hi}]");
    // Common random numbers: the paired difference is far less noisy than either mean.
    let mean_half = (num(b_cost, "ci_high") - num(b_cost, "ci_low")) / 2.0;
    assert!(
        (hi - lo) / 2.0 < mean_half / 10.0,
        "{lo} {hi} vs ±{mean_half}"
    );
    // The pay rise shows up in the last mile and nowhere else in the cost.
    let last_mile = num(get("b", "cost_last_mile_yuan"), "diff_vs_first");
    assert!((last_mile - diff).abs() < 1e-9, "{last_mile} vs {diff}");
    for quality in ["late_rate", "complaints_per_million", "damaged_per_million"] {
        get("b", quality);
    }

    let json: serde_json::Value = serde_json::from_slice(&read(&one.join("compare.json"))).unwrap();
    assert_eq!(json["replications"], 2);
    assert_eq!(json["seeds"].as_array().unwrap().len(), 2);
    assert_eq!(json["scenarios"][1]["label"], "b");
    assert_eq!(json["scenarios"][1]["sha256"].as_str().unwrap().len(), 64);

    let table = stdout(&o);
    for text in [
        "cost per parcel",
        "on time",
        "transit p95",
        "complaints",
        "last_mile",
        "b − a",
    ] {
        assert!(table.contains(text), "the table lacks {text:?}:\n{table}");
    }
    assert_chart(&one, "compare");
    let svg = String::from_utf8(read(&one.join("plots/compare.svg"))).unwrap();
    assert!(svg.contains("price 2.00 yuan") && svg.contains("last mile"));
}

#[test]
fn explain_refuses_what_it_cannot_explain() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let from = write(t, "from.toml", &small());

    // Only the name and the seed differ: no lever.
    let same = small()
        .replacen("name = \"small\"", "name = \"other\"", 1)
        .replacen("seed = 7", "seed = 8", 1);
    let same = write(t, "same.toml", &same);
    let out = t.join("none");
    let o = parcelsim(&["explain"], &[&from, &same], &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing to explain"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written for refused input");

    // TO renames a vehicle and its lanes with it: FROM's lanes with TO's vehicles (and TO's
    // lanes with FROM's vehicles) name a vehicle that does not exist.
    let renamed = format!(
        "{}\n[[vehicles]]\nname = \"van\"\ncapacity = 1500\nfixed_cost = 60\ncost_per_km = 1.5\n\
         [[vehicles]]\nname = \"lorry\"\ncapacity = 6000\nfixed_cost = 200\ncost_per_km = 4.5\n\
         [[vehicles]]\nname = \"trailer_17m5\"\ncapacity = 16000\nfixed_cost = 300\ncost_per_km = 7\n",
        small().replace("truck_9m6", "lorry")
    );
    let renamed = write(t, "renamed.toml", &renamed);
    let o = parcelsim(&["explain"], &[&from, &renamed], &t.join("mix"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("from.toml with `network` taken from ")
            && e.contains("renamed.toml is not a valid scenario: field `network.lanes[12].vehicle`: unknown vehicle `lorry`"),
        "{e}"
    );

    // An unknown metric.
    let o = bin()
        .args(["explain", "--metric", "happiness"])
        .args([&from, &renamed])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown metric `happiness`"),
        "{}",
        stderr(&o)
    );

    // Two generated networks naming the same city list from different folders do not differ.
    let base = std::fs::read_to_string(root().join("scenarios/baseline.toml")).unwrap();
    std::fs::create_dir(t.join("data")).unwrap();
    std::fs::copy(
        root().join("scenarios/data/cities_cn.csv"),
        t.join("data/cities.csv"),
    )
    .unwrap();
    let near = base.replacen("\"data/cities_cn.csv\"", "\"../data/cities.csv\"", 1);
    let far = base.replacen("\"data/cities_cn.csv\"", "\"../../data/cities.csv\"", 1);
    assert_ne!(near, base);
    let near = write(t, "a/base.toml", &near);
    let far = write(t, "b/c/base.toml", &far);
    let o = parcelsim(&["explain"], &[&near, &far], &t.join("paths"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing to explain"), "{}", stderr(&o));
}

#[test]
fn compare_reports_bad_input_with_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &small());
    let bad = write(
        tmp.path(),
        "bad.toml",
        &small().replacen("daily_parcels = 5000", "daily_parcels = -5", 1),
    );
    let out = tmp.path().join("out");
    let o = parcelsim(&["compare"], &[&a, &bad], &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml") && e.contains("demand.daily_parcels"),
        "{e}"
    );
    assert!(!out.exists());
}
