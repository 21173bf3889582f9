//! report.html and results.xlsx in every kind of folder: they exist, hold the headline
//! figures of the result files (read back and compared), ask nothing of another host, and
//! are byte-identical when the results are.

use calamine::{Data, Reader, Xlsx, open_workbook};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcelsim"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Every `data-key="K" data-value="V"` of a page, in page order.
fn data_values(html: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-key=\"") {
        rest = &rest[i + 10..];
        let key = &rest[..rest.find('"').unwrap()];
        let after = &rest[key.len()..];
        let v = after
            .strip_prefix("\" data-value=\"")
            .expect("value after key");
        let value = &v[..v.find('"').unwrap()];
        out.push((key.to_string(), value.parse().unwrap()));
    }
    out
}

fn first(values: &[(String, f64)], key: &str) -> f64 {
    values
        .iter()
        .find(|v| v.0 == key)
        .unwrap_or_else(|| panic!("no {key} in the page"))
        .1
}

/// The page asks for nothing outside itself: no script, stylesheet, image, frame or link
/// to another host (the SVG namespace is a name, not a request).
fn assert_self_contained(html: &str) {
    let stripped = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in [
        "http://", "https://", "<script", "<link", "<img", "<iframe", "url(",
    ] {
        assert!(!stripped.contains(bad), "report.html contains {bad}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
}

/// A workbook's sheet as rows of cells.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The (figure → number) rows of a figure/value sheet.
fn figures(rows: &[Vec<Data>]) -> BTreeMap<String, f64> {
    rows.iter()
        .skip(1)
        .filter_map(|r| match &r[1] {
            Data::Float(f) => Some((text(&r[0]), *f)),
            _ => None,
        })
        .collect()
}

fn small_run(dir: &Path) {
    ok(bin()
        .arg("run")
        .arg(root().join("scenarios/small.toml"))
        .arg("--out")
        .arg(dir)
        .arg("--quiet")
        .output()
        .unwrap());
}

#[test]
fn a_run_folder_has_a_report_and_a_workbook_that_match_its_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    small_run(&dir);
    let s = json(&dir.join("summary.json"));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    for key in [
        "cost_per_parcel_yuan",
        "on_time_rate",
        "transit_hours_mean",
        "transit_hours_p95",
        "truck_fill_rate",
        "measured_parcels_delivered",
    ] {
        assert_eq!(
            first(&values, key),
            s[key].as_f64().unwrap(),
            "{key} in report.html"
        );
    }
    // Cost by activity, in the order a parcel meets them, each equal to the summary's.
    let costs: Vec<(String, f64)> = values
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("cost.")?.to_string(), *v)))
        .collect();
    let names: Vec<&str> = costs.iter().map(|c| c.0.as_str()).collect();
    let journey: Vec<&str> = parcelsim::cost::Activity::ALL
        .iter()
        .map(|a| a.name())
        .chain(["total"])
        .collect();
    assert_eq!(names, journey);
    for (a, v) in &costs[..costs.len() - 1] {
        assert_eq!(*v, s["cost_by_activity"][a].as_f64().unwrap(), "{a}");
    }
    // Each party's account, as in summary.json, in the page and the workbook.
    let parties = s["accounts"]["parties"].as_object().unwrap();
    assert!(!parties.is_empty());
    let xlsx_parties = sheet(&dir.join("results.xlsx"), "parties");
    for (name, p) in parties {
        for k in ["received", "paid", "resources", "margin"] {
            assert_eq!(
                first(&values, &format!("party.{name}.{k}")),
                p[k].as_f64().unwrap(),
                "{name} {k}"
            );
        }
        let row = xlsx_parties
            .iter()
            .find(|r| text(&r[0]) == *name)
            .unwrap_or_else(|| panic!("no {name} in the parties sheet"));
        assert_eq!(float(&row[4]), p["margin"].as_f64().unwrap());
    }
    for heading in [
        "The question",
        "Key inputs",
        "Headline figures",
        "Cost by activity",
        "Each party",
        "Service and welfare",
        "Charts",
        "busiest of",
        "Bottleneck centres",
        "How to reproduce",
    ] {
        assert!(html.contains(heading), "no `{heading}` in report.html");
    }
    assert!(html.contains("<svg"), "no inline chart");
    assert!(html.contains("id=\"chart-network\""), "no network map");
    assert!(html.contains(s["scenario_sha256"].as_str().unwrap()));
    assert!(html.contains("parcelsim run "), "no command to reproduce");
    // The busiest-nodes table has at most 20 rows of the 9 nodes here: all of them.
    assert!(html.contains("The 9 busiest of 9 nodes"));

    let xlsx = dir.join("results.xlsx");
    let summary = figures(&sheet(&xlsx, "summary"));
    for key in ["cost_per_parcel_yuan", "on_time_rate", "transit_hours_p95"] {
        assert_eq!(
            summary[key],
            s[key].as_f64().unwrap(),
            "{key} in results.xlsx"
        );
    }
    let by = sheet(&xlsx, "cost by activity");
    let header: Vec<String> = by[0].iter().map(text).collect();
    assert_eq!(header[0], "activity");
    assert!(
        header
            .iter()
            .any(|h| h.contains("share") && h.contains('%'))
    );
    let rows: Vec<String> = by.iter().skip(1).map(|r| text(&r[0])).collect();
    assert_eq!(rows, journey);
    for r in by.iter().skip(1).take(journey.len() - 1) {
        let a = text(&r[0]);
        assert_eq!(float(&r[2]), s["cost_by_activity"][&a].as_f64().unwrap());
    }
    let nodes = sheet(&xlsx, "nodes");
    let csv_rows = std::fs::read_to_string(dir.join("nodes.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(nodes.len(), csv_rows);
    // Numbers are stored as numbers.
    let handled = nodes[0]
        .iter()
        .position(|h| text(h).starts_with("parcels_handled"))
        .unwrap();
    assert!(nodes.iter().skip(1).all(|r| float(&r[handled]) >= 0.0));
    for name in ["lanes", "transit histogram"] {
        assert!(sheet(&xlsx, name).len() > 1, "sheet {name} is empty");
    }
}

#[test]
fn report_and_workbook_are_byte_identical_for_the_same_seed_and_can_be_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    small_run(&a);
    small_run(&b);
    for f in [
        "report.html",
        "results.xlsx",
        "inputs.json",
        "plots/network.svg",
    ] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two runs of the same seed"
        );
    }
    let c = tmp.path().join("c");
    ok(bin()
        .arg("run")
        .arg(root().join("scenarios/small.toml"))
        .args(["--quiet", "--no-xlsx", "--no-plot", "--out"])
        .arg(&c)
        .output()
        .unwrap());
    assert!(!c.join("results.xlsx").exists());
    assert!(!c.join("plots").exists());
    // The report still has its charts, inline.
    let html = std::fs::read_to_string(c.join("report.html")).unwrap();
    assert!(html.contains("<svg"));
    // `plot` writes them later from the folder's files.
    ok(bin().arg("plot").arg(&c).output().unwrap());
    assert!(c.join("results.xlsx").is_file() && c.join("plots/network.png").is_file());
    assert!(
        std::fs::read(c.join("report.html")).unwrap()
            == std::fs::read(a.join("report.html")).unwrap()
    );
}

fn small_copy(dir: &Path, name: &str, daily: u32) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/small.toml"))
        .unwrap()
        .replace("name = \"small\"", &format!("name = \"{name}\""))
        .replace("daily_parcels = 5000", &format!("daily_parcels = {daily}"))
        .replace("days = 2", "days = 1");
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn compare_and_explain_folders_report_their_means_and_differences() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (a, b) = (small_copy(t, "low", 3000), small_copy(t, "high", 6000));
    let cmp = t.join("cmp");
    ok(bin()
        .arg("compare")
        .args([&a, &b])
        .args(["--replications", "2", "--out"])
        .arg(&cmp)
        .output()
        .unwrap());
    let html = std::fs::read_to_string(cmp.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let csv = std::fs::read_to_string(cmp.join("compare.csv")).unwrap();
    let mut means = Vec::new();
    let mut diff = None;
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] == "cost_per_parcel_yuan" {
            means.push(f[2].parse::<f64>().unwrap());
            if !f[5].is_empty() {
                diff = Some(f[5].parse::<f64>().unwrap());
            }
        }
    }
    let cards: Vec<f64> = values
        .iter()
        .filter(|v| v.0 == "cost_per_parcel_yuan")
        .map(|v| v.1)
        .collect();
    assert_eq!(&cards[..2], &means[..], "the two scenarios' cost cards");
    assert!(cards.contains(&diff.unwrap()), "the paired difference");
    assert!(html.contains("paired"));
    assert!(html.contains("parcelsim compare "));
    let rows = sheet(&cmp.join("results.xlsx"), "compare");
    assert_eq!(rows.len(), csv.lines().count());
    let mean_col = rows[0].iter().position(|h| text(h) == "mean").unwrap();
    let first = rows
        .iter()
        .find(|r| text(&r[1]) == "cost_per_parcel_yuan")
        .unwrap();
    assert_eq!(float(&first[mean_col]), means[0]);

    let exp = t.join("exp");
    ok(bin()
        .arg("explain")
        .args([&a, &b])
        .args(["--replications", "2", "--out"])
        .arg(&exp)
        .output()
        .unwrap());
    let e = json(&exp.join("explain.json"));
    let html = std::fs::read_to_string(exp.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let all: Vec<f64> = values.iter().map(|v| v.1).collect();
    for k in ["from_value", "to_value", "change"] {
        assert!(all.contains(&e[k].as_f64().unwrap()), "{k} in report.html");
    }
    let shapley = e["attribution"][0]["shapley"].as_f64().unwrap();
    assert!(all.contains(&shapley));
    assert!(html.contains("id=\"chart-waterfall\""));
    let rows = sheet(&exp.join("results.xlsx"), "explain");
    assert_eq!(float(&rows[1][1]), shapley);
}

#[test]
fn a_sweep_folder_reports_its_points_with_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::copy(root().join("scenarios/small.toml"), t.join("small.toml")).unwrap();
    let file = t.join("sweep.toml");
    std::fs::write(
        &file,
        "base = \"small.toml\"\nreplications = 2\n[set]\ndays = 1\nwarmup_days = 1\ndrain_days = 3\n[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [2000, 4000]\n",
    )
    .unwrap();
    let out = t.join("sw");
    let o = ok(bin()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap());
    // Off a terminal, progress is plain lines: runs done of the total and time left.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("runs done") && err.contains("left"), "{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    let header: Vec<&str> = points.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "cost_per_parcel_yuan_mean")
        .unwrap();
    let means: Vec<f64> = points
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect();
    let lowest = means.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(first(&values, "cost_per_parcel_yuan"), lowest);
    for m in &means {
        assert!(
            values.iter().any(|v| v.1 == *m),
            "point mean {m} in the table"
        );
    }
    assert!(html.contains("95 % CI"));
    assert!(html.contains("id=\"chart-cost_curve\""));
    let rows = sheet(&out.join("results.xlsx"), "points");
    assert_eq!(rows.len(), means.len() + 1);
    let c = rows[0]
        .iter()
        .position(|h| text(h).starts_with("cost_per_parcel_yuan_mean"))
        .unwrap();
    let read: Vec<f64> = rows.iter().skip(1).map(|r| float(&r[c])).collect();
    assert_eq!(read, means);
    assert!(sheet(&out.join("results.xlsx"), "runs").len() == 5);
}

#[test]
fn off_a_terminal_a_run_prints_plain_progress_lines_and_quiet_silences_them() {
    let tmp = tempfile::tempdir().unwrap();
    let o = ok(bin()
        .arg("run")
        .arg(root().join("scenarios/small.toml"))
        .arg("--out")
        .arg(tmp.path().join("a"))
        .output()
        .unwrap());
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("run: simulated"))
        .collect();
    assert!(!lines.is_empty(), "{err}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains(" h, ") && l.contains("elapsed")),
        "{err}"
    );
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    let o = ok(bin()
        .arg("run")
        .arg(root().join("scenarios/small.toml"))
        .arg("--out")
        .arg(tmp.path().join("b"))
        .arg("--quiet")
        .output()
        .unwrap());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("simulated"));
}

/// The rows of a CSV file as (header → cell) maps.
fn csv_rows(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn cell(row: &BTreeMap<String, String>, k: &str) -> f64 {
    row[k].parse().unwrap()
}

/// `parcelsim plot DIR` makes the charts, workbook and report again from the folder's
/// files: byte for byte what the command wrote.
fn assert_plot_redraws(dir: &Path, files: &[&str]) {
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    for f in files {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    ok(bin().arg("plot").arg(dir).output().unwrap());
    for (f, b) in files.iter().zip(before) {
        assert!(
            std::fs::read(dir.join(f)).unwrap() == b,
            "{f} differs when drawn again by plot"
        );
    }
}

#[test]
fn instrument_folders_have_a_report_and_a_workbook_that_match_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let small = root().join("scenarios/small.toml");

    // Marginal cost: the cards and every line's average and marginal are marginal.csv's.
    let m = t.join("m");
    ok(bin()
        .arg("marginal")
        .arg(&small)
        .args([
            "--volume-step",
            "5%",
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&m)
        .output()
        .unwrap());
    let html = std::fs::read_to_string(m.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let rows = csv_rows(&m.join("marginal.csv"));
    assert_eq!(rows[0]["scope"], "total");
    assert_eq!(
        first(&values, "average_cost_yuan"),
        cell(&rows[0], "average_yuan")
    );
    assert_eq!(
        first(&values, "marginal_cost_yuan"),
        cell(&rows[0], "marginal_yuan")
    );
    for r in &rows {
        for what in ["average", "marginal"] {
            let key = format!("{}.{}.{what}_yuan", r["scope"], r["item"]);
            assert_eq!(
                first(&values, &key),
                cell(r, &format!("{what}_yuan")),
                "{key}"
            );
        }
    }
    assert!(html.contains("id=\"chart-marginal\""));
    assert!(html.contains("parcelsim marginal "));
    let sheet_rows = sheet(&m.join("results.xlsx"), "marginal");
    assert_eq!(sheet_rows.len(), rows.len() + 1);
    let c = sheet_rows[0]
        .iter()
        .position(|h| text(h).starts_with("marginal_yuan"))
        .unwrap();
    assert_eq!(float(&sheet_rows[1][c]), cell(&rows[0], "marginal_yuan"));
    assert_eq!(sheet(&m.join("results.xlsx"), "replications").len(), 3);
    assert_plot_redraws(
        &m,
        &[
            "plots/marginal.png",
            "plots/marginal.svg",
            "results.xlsx",
            "report.html",
        ],
    );

    // Sensitivity: the base value and each input's swing.
    let s = t.join("s");
    ok(bin()
        .arg("sensitivity")
        .arg(&small)
        .args([
            "--inputs",
            "costs.waybill_it",
            "costs.courier_pay_per_delivery",
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(&s)
        .output()
        .unwrap());
    let html = std::fs::read_to_string(s.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let j = json(&s.join("sensitivity.json"));
    assert_eq!(
        first(&values, "cost_per_parcel_yuan"),
        j["metric_base"].as_f64().unwrap()
    );
    let rows = csv_rows(&s.join("sensitivity.csv"));
    assert_eq!(rows.len(), 2);
    for r in &rows {
        let key = format!("swing.{}", r["input"]);
        assert_eq!(first(&values, &key), cell(r, "swing"), "{key}");
    }
    assert!(html.contains("id=\"chart-tornado\""));
    let sheet_rows = sheet(&s.join("results.xlsx"), "sensitivity");
    assert_eq!(sheet_rows.len(), 3);
    assert_eq!(text(&sheet_rows[1][1]), rows[0]["input"]);
    assert_plot_redraws(&s, &["plots/tornado.svg", "results.xlsx", "report.html"]);

    // Calibration: the fitted inputs and the misfit.
    let targets = t.join("t.toml");
    std::fs::write(
        &targets,
        "replications = 2\nmax_evaluations = 6\n[[target]]\nmetric = \"cost_outlet_handling_yuan\"\nvalue = 0.9\nsd = 0.01\n[[free]]\npath = \"costs.outlet_per_day\"\nmin = 300\nmax = 900\n",
    )
    .unwrap();
    let c = t.join("c");
    ok(bin()
        .arg("calibrate")
        .arg(&small)
        .arg(&targets)
        .arg("--out")
        .arg(&c)
        .output()
        .unwrap());
    let html = std::fs::read_to_string(c.join("report.html")).unwrap();
    assert_self_contained(&html);
    let values = data_values(&html);
    let j = json(&c.join("calibrate.json"));
    assert_eq!(first(&values, "misfit"), j["misfit"].as_f64().unwrap());
    let fitted = csv_rows(&c.join("calibrate.csv"));
    assert_eq!(
        first(&values, "fitted.costs.outlet_per_day"),
        cell(&fitted[0], "value")
    );
    assert!(html.contains("id=\"chart-misfit\""));
    let ev = sheet(&c.join("results.xlsx"), "evaluations");
    assert_eq!(
        ev.len(),
        std::fs::read_to_string(c.join("evaluations.csv"))
            .unwrap()
            .lines()
            .count()
    );
    assert_plot_redraws(&c, &["plots/misfit.svg", "results.xlsx", "report.html"]);
}
