//! Tests of the charts on synthetic result folders, and of the result files read back
//! through plot's reader as the writers wrote them. One file over 600 lines because it is
//! one thing: plot's tests with the fixtures they share.

use super::axes::{Span, log_ticks};
use super::category::metric_desc;
use super::panel::Frame;
use super::render::SIZE;
use super::style::{Corner, TITLE_PX, fmt_num, value_order};
use super::*;
use std::fmt::Write as _;

/// Activities of the synthetic fixtures, as the simulator names them.
const ACTIVITIES: [&str; 9] = [
    "waybill",
    "first_mile_pickup",
    "outlet_handling",
    "feeder",
    "sorting_labour",
    "sorting_equipment",
    "sorting_facility",
    "linehaul",
    "last_mile",
];

/// Writes `name` with `text` into `dir`.
fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

/// Every metric of points.csv, each with the columns `M_mean,M_sd,M_ci_low,M_ci_high`.
fn metric_names() -> Vec<String> {
    let mut m: Vec<String> = [
        "cost_per_parcel_yuan",
        "on_time_rate",
        "transit_hours_p95",
        "transit_hours_mean",
        "truck_fill_rate",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    m.extend(
        ACTIVITIES
            .iter()
            .map(|a| crate::format::sweep::activity_cost(a)),
    );
    m
}

/// Writes `sweep.json` and `points.csv` in the layout the sweep runner writes (including
/// its `runs_failed` column). Each row is (parameter cells, runs_ok); `mean(row, metric)`
/// gives a metric's mean, `None` for an empty cell. Rows with runs_ok = 0 get empty cells,
/// and so do sd and CI with a single run.
fn write_sweep(
    dir: &Path,
    name: &str,
    params: &[(&str, bool)],
    rows: &[(Vec<String>, u32)],
    mean: impl Fn(usize, &str) -> Option<f64>,
) {
    // sweep.json through the type the sweep writes it with.
    let sj = crate::format::sweep::SweepJson {
        name: name.to_string(),
        sweep_file: "sweep.toml".into(),
        base_scenario: "base.toml".into(),
        base_scenario_sha256: String::new(),
        version: "test".into(),
        replications: 3,
        base_seed: 1,
        common_random_numbers: true,
        design: "grid".into(),
        set: serde_json::json!({}),
        parameters: params
            .iter()
            .map(|&(p, log)| crate::format::sweep::Parameter {
                path: p.to_string(),
                log,
            })
            .collect(),
        metrics: metric_names(),
        marginal_volume_step: None,
        points: Vec::new(),
    };
    write(
        dir,
        "sweep.json",
        &String::from_utf8(crate::files::json_bytes(&sj)).expect("utf-8"),
    );
    let metrics = metric_names();
    let mut csv = crate::format::sweep::points_header(&sj.parameters, &metrics).join(",");
    csv.push('\n');
    for (i, (cells, runs_ok)) in rows.iter().enumerate() {
        write!(csv, "{i},{},{runs_ok},{}", cells.join(","), 3 - runs_ok).expect("string");
        for m in &metrics {
            use crate::format::sweep::Stat;
            let v = mean(i, m).filter(|_| *runs_ok > 0);
            let half = v.filter(|_| *runs_ok > 1).map(|v| v.abs() * 0.04);
            for stat in Stat::ALL {
                let cell = match stat {
                    Stat::Mean => v,
                    Stat::Sd => half.map(|h| h / 2.0),
                    Stat::CiLow => v.zip(half).map(|(v, h)| v - h),
                    Stat::CiHigh => v.zip(half).map(|(v, h)| v + h),
                };
                write!(csv, ",{}", cell.map_or(String::new(), |c| c.to_string())).expect("string");
            }
        }
        csv.push('\n');
    }
    write(dir, "points.csv", &csv);
}

/// Plausible means of a sweep point with `parcels` a day and `hubs` hubs.
fn plausible(parcels: f64, hubs: f64, metric: &str) -> f64 {
    let decades = parcels.log10();
    let activity = |i: usize| (0.1 + 0.05 * i as f64) * 3.0 / decades * (1.0 + hubs / 10.0);
    match metric {
        "cost_per_parcel_yuan" => (0..ACTIVITIES.len()).map(activity).sum(),
        "on_time_rate" => 0.95 - 0.02 * hubs / decades,
        "transit_hours_p95" => 40.0 + 5.0 * hubs - decades,
        "transit_hours_mean" => 30.0 + hubs,
        "truck_fill_rate" => 0.6 + 0.05 * decades,
        cost => {
            let a = cost.trim_start_matches("cost_").trim_end_matches("_yuan");
            ACTIVITIES
                .iter()
                .position(|x| *x == a)
                .map_or(0.0, activity)
        }
    }
}

/// A grid sweep over daily parcels (log) × hubs: 3 × 2 points, the last one failed
/// (runs_ok = 0).
fn sweep_fixture(dir: &Path) {
    let mut grid = Vec::new();
    for hubs in [2.0, 4.0] {
        for parcels in [1000.0, 10_000.0, 100_000.0_f64] {
            grid.push((parcels, hubs));
        }
    }
    let rows: Vec<(Vec<String>, u32)> = grid
        .iter()
        .map(|&(p, h)| {
            let ok = if (p, h) == (100_000.0, 4.0) { 0 } else { 3 };
            (vec![p.to_string(), h.to_string()], ok)
        })
        .collect();
    let params = [("demand.daily_parcels", true), ("network.hubs", false)];
    write_sweep(dir, "volume-vs-hubs", &params, &rows, |i, m| {
        Some(plausible(grid[i].0, grid[i].1, m))
    });
}

/// A run folder with a two-peaked transit histogram and a cost breakdown.
fn run_fixture(dir: &Path) {
    write(
        dir,
        "summary.json",
        r#"{"scenario": "east-china", "seed": 7, "cost_per_parcel_yuan": 2.475,
            "cost_by_activity": {"waybill": 0.1, "linehaul": 0.9}, "on_time_rate": 0.93}"#,
    );
    let mut hist = String::from("transit_hours_from,parcels\n");
    for i in 120..700 {
        let h = i as f64 / 10.0;
        let n = 1000.0 * (-((h - 26.0) / 6.0).powi(2)).exp()
            + 400.0 * (-((h - 50.0) / 5.0).powi(2)).exp();
        if n >= 1.0 {
            writeln!(hist, "{h:.1},{}", n.round()).expect("string");
        }
    }
    write(dir, "transit_histogram.csv", &hist);
    let mut costs = String::from("activity,total_yuan,yuan_per_parcel,share\n");
    let per: Vec<f64> = (0..ACTIVITIES.len())
        .map(|i| 0.1 + 0.05 * i as f64)
        .collect();
    let total: f64 = per.iter().sum();
    for (a, p) in ACTIVITIES.iter().zip(&per) {
        writeln!(costs, "{a},{},{p},{}", p * 1000.0, p / total).expect("string");
    }
    writeln!(costs, "total,{},{total},1", total * 1000.0).expect("string");
    write(dir, "cost_breakdown.csv", &costs);
}

/// Checks that `written` is exactly the PNG and SVG of each stem, that every PNG is a real,
/// non-trivial PNG and that every SVG carries the expected text.
fn assert_charts(dir: &Path, written: &[PathBuf], expected: &[(&str, &str)]) {
    let mut want = Vec::new();
    for (stem, _) in expected {
        want.push(dir.join("plots").join(format!("{stem}.png")));
        want.push(dir.join("plots").join(format!("{stem}.svg")));
    }
    assert_eq!(written, want.as_slice());
    for (stem, text) in expected {
        let png = std::fs::read(dir.join("plots").join(format!("{stem}.png"))).expect("png");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{stem}.png is not a PNG"
        );
        assert!(png.len() > 5_000, "{stem}.png is only {} bytes", png.len());
        let svg =
            std::fs::read_to_string(dir.join("plots").join(format!("{stem}.svg"))).expect("svg");
        assert!(svg.contains("<svg"), "{stem}.svg is not an SVG");
        assert!(svg.contains(text), "{stem}.svg lacks the text {text:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("plots"))
        .expect("plots dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn plot_sweep_writes_every_chart_as_png_and_svg() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    sweep_fixture(tmp.path());
    let written = plot_sweep(tmp.path(), 0.5).expect("plot sweep");
    assert_charts(
        tmp.path(),
        &written,
        &[
            ("cost_curve", "Cost per parcel — volume-vs-hubs"),
            ("cost_by_activity", "Cost per parcel by activity"),
            ("service", "On-time rate"),
        ],
    );
    let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
    for text in [
        "price 0.50 yuan",
        "network.hubs = 2",
        "network.hubs = 4",
        "parcels handed over per day — demand.daily_parcels — log scale",
        "yuan per delivered parcel",
    ] {
        assert!(curve.contains(text), "cost_curve.svg lacks {text:?}");
    }
    let stack =
        std::fs::read_to_string(tmp.path().join("plots/cost_by_activity.svg")).expect("svg");
    for a in ACTIVITIES {
        assert!(
            stack.contains(&a.replace('_', " ")),
            "cost_by_activity.svg lacks activity {a}"
        );
    }
    let service = std::fs::read_to_string(tmp.path().join("plots/service.svg")).expect("svg");
    assert!(service.contains("95th percentile"));
}

#[test]
fn plot_run_writes_every_chart_as_png_and_svg() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    run_fixture(tmp.path());
    let written = plot_dir(tmp.path(), 2.0).expect("plot run");
    assert_charts(
        tmp.path(),
        &written,
        &[
            (
                "transit_histogram",
                "transit time, pickup to signature (hours)",
            ),
            ("cost_breakdown", "total 2.48 yuan"),
        ],
    );
    let breakdown =
        std::fs::read_to_string(tmp.path().join("plots/cost_breakdown.svg")).expect("svg");
    assert!(breakdown.contains("last mile"));
    assert!(!breakdown.contains(">total<"), "the total row is not a bar");
}

#[test]
fn plot_dir_without_points_or_summary_is_a_usage_error_naming_the_folder() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    let err = plot_dir(tmp.path(), 2.0).expect_err("nothing to plot");
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert!(
        err.to_string().contains(&tmp.path().display().to_string()),
        "{err}"
    );
    let missing = tmp.path().join("no-such-folder");
    let err = plot_dir(&missing, 2.0).expect_err("no folder");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
}

#[test]
fn single_point_sweep_on_a_linear_axis_still_draws() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    // One replication: no spread, so sd and CI are empty.
    let rows = [(vec!["7.5".to_string()], 1)];
    write_sweep(
        tmp.path(),
        "one",
        &[("costs.fuel_price", false)],
        &rows,
        |_, _| Some(0.5),
    );
    let written = plot_sweep(tmp.path(), 2.0).expect("plot one point");
    assert_eq!(written.len(), 6);
}

#[test]
fn scattered_sweep_with_text_values_and_empty_means_still_draws() {
    // A Latin hypercube: every point has its own second value, so no lines can be drawn.
    let tmp = tempfile::TempDir::new().expect("tempdir");
    let rows: Vec<(Vec<String>, u32)> = (0..12)
        .map(|i| {
            let parcels = 1000.0 * 1.8_f64.powi(i);
            let share = 0.05 + 0.07 * f64::from((i * 5) % 12);
            (vec![format!("{parcels:.1}"), format!("{share:.3}")], 3)
        })
        .collect();
    let params = [("demand.daily_parcels", true), ("demand.cod_share", false)];
    write_sweep(tmp.path(), "lhs", &params, &rows, |i, m| {
        // No run of point 3 measured transit times.
        (i != 3 || !m.starts_with("transit"))
            .then(|| plausible(1000.0 * 1.8_f64.powi(i as i32), 2.0, m))
    });
    plot_sweep(tmp.path(), 2.0).expect("plot scattered sweep");
    let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
    assert!(curve.contains("sweep points (demand.cod_share varies)"));

    // A second parameter with text values groups the lines by that text.
    let tmp = tempfile::TempDir::new().expect("tempdir");
    let mut rows = Vec::new();
    for design in ["hub", "direct"] {
        for parcels in ["1000", "5000"] {
            rows.push((vec![parcels.to_string(), design.to_string()], 2));
        }
    }
    let params = [("demand.daily_parcels", false), ("network.design", false)];
    write_sweep(tmp.path(), "designs", &params, &rows, |i, m| {
        Some(plausible(
            1000.0 + 4000.0 * (i % 2) as f64,
            1.0 + (i / 2) as f64,
            m,
        ))
    });
    plot_sweep(tmp.path(), 2.0).expect("plot text-valued groups");
    let curve = std::fs::read_to_string(tmp.path().join("plots/cost_curve.svg")).expect("svg");
    assert!(curve.contains("network.design = direct"));
    assert!(curve.contains("network.design = hub"));
}

#[test]
fn bad_cells_and_files_are_input_errors_naming_file_line_and_column() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    sweep_fixture(tmp.path());
    let points = tmp.path().join("points.csv");
    let text = std::fs::read_to_string(&points).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let col = lines[0]
        .split(',')
        .position(|h| h == "cost_per_parcel_yuan_mean")
        .expect("column");
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    cells[col] = "abc";
    lines[1] = cells.join(",");
    std::fs::write(&points, lines.join("\n")).expect("write");
    match plot_sweep(tmp.path(), 2.0) {
        Err(Error::Input(e)) => {
            assert_eq!(e.file, points);
            assert_eq!(e.line, Some(2));
            assert_eq!(e.field.as_deref(), Some("cost_per_parcel_yuan_mean"));
        }
        other => panic!("expected an input error, got {other:?}"),
    }

    write(
        tmp.path(),
        "sweep.json",
        r#"{"name": "x", "parameters": []}"#,
    );
    let err = plot_sweep(tmp.path(), 2.0).expect_err("no parameters");
    assert!(err.to_string().contains("sweep.json"), "{err}");

    write(
        tmp.path(),
        "sweep.json",
        "{\"name\": \"x\",\n \"parameters\": 3}",
    );
    match plot_sweep(tmp.path(), 2.0) {
        Err(Error::Input(e)) => assert_eq!(e.line, Some(2), "{e}"),
        other => panic!("expected an input error, got {other:?}"),
    }

    let run = tempfile::TempDir::new().expect("tempdir");
    run_fixture(run.path());
    write(
        run.path(),
        "transit_histogram.csv",
        "hours,parcels\n1.0,3\n",
    );
    let err = plot_run(run.path()).expect_err("missing column");
    assert!(err.to_string().contains("transit_hours_from"), "{err}");
    assert!(err.to_string().contains("transit_histogram.csv"), "{err}");
}

/// A comparison folder's compare.csv: two scenarios, the second 20 % dearer.
fn compare_fixture(dir: &Path) {
    let mut csv = String::from(
        "scenario,metric,mean,ci_low,ci_high,diff_vs_first,diff_ci_low,diff_ci_high\n",
    );
    for (s, scale) in [("base", 1.0), ("dear", 1.2)] {
        let per: Vec<f64> = (0..ACTIVITIES.len())
            .map(|i| (0.1 + 0.05 * i as f64) * scale)
            .collect();
        let total: f64 = per.iter().sum();
        let (lo, hi) = (total - 0.05, total + 0.05);
        writeln!(csv, "{s},cost_per_parcel_yuan,{total},{lo},{hi},,,").expect("string");
        for (a, p) in ACTIVITIES.iter().zip(&per) {
            writeln!(csv, "{s},cost_{a}_yuan,{p},,,,,").expect("string");
        }
        writeln!(csv, "{s},on_time_rate,0.9,0.85,0.95,,,").expect("string");
    }
    write(dir, "compare.csv", &csv);
}

#[test]
fn compare_and_explain_folders_draw_their_charts() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    compare_fixture(tmp.path());
    let written = plot_dir(tmp.path(), 2.0).expect("plot compare");
    assert_charts(tmp.path(), &written, &[("compare", "price 2.00 yuan")]);
    let svg = std::fs::read_to_string(tmp.path().join("plots/compare.svg")).expect("svg");
    for text in ["base", "dear", "last mile", "yuan per delivered parcel"] {
        assert!(svg.contains(text), "compare.svg lacks {text:?}");
    }

    let tmp = tempfile::TempDir::new().expect("tempdir");
    write(
        tmp.path(),
        "explain.json",
        r#"{"metric": "cost_per_parcel_yuan", "from": {"label": "base"},
            "to": {"label": "dear"}, "from_value": 2.0, "to_value": 2.3,
            "attribution": [{"lever": "costs", "shapley": 0.5},
                            {"lever": "network", "shapley": -0.2},
                            {"lever": "org", "shapley": 0.0}]}"#,
    );
    let written = plot_dir(tmp.path(), 2.0).expect("plot explain");
    assert_charts(tmp.path(), &written, &[("waterfall", "FROM: base")]);
    let svg = std::fs::read_to_string(tmp.path().join("plots/waterfall.svg")).expect("svg");
    for text in [
        "TO: dear",
        "+0.5",
        "−0.2",
        "lowers the cost per parcel",
        "raises the cost per parcel",
        "cost per parcel (yuan per delivered parcel)",
    ] {
        assert!(svg.contains(text), "waterfall.svg lacks {text:?}");
    }
    assert!(
        !svg.contains("axis not from 0"),
        "a 15 % change is drawn from 0"
    );
}

#[test]
fn bad_compare_and_explain_files_are_input_errors() {
    let tmp = tempfile::TempDir::new().expect("tempdir");
    write(
        tmp.path(),
        "compare.csv",
        "scenario,metric,mean,ci_low,ci_high\nbase,cost_waybill_yuan,0.1,,\n",
    );
    let err = plot_dir(tmp.path(), 2.0).expect_err("no total");
    assert!(
        err.to_string().contains("no cost_per_parcel_yuan row"),
        "{err}"
    );
    let err = plot_compare(tmp.path(), f64::NAN).expect_err("no price");
    assert!(matches!(err, Error::Usage(_)), "{err}");

    let tmp = tempfile::TempDir::new().expect("tempdir");
    write(
        tmp.path(),
        "explain.json",
        "{\"metric\": \"x\", \"from\": {\"label\": \"a\"},\n \"to\": {\"label\": \"b\"},\n \"from_value\": null, \"to_value\": 1, \"attribution\": []}",
    );
    match plot_dir(tmp.path(), 2.0) {
        Err(Error::Input(e)) => {
            assert!(e.file.ends_with("explain.json"), "{e}");
            assert_eq!(e.line, Some(3), "{e}");
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn metrics_are_described_with_their_units() {
    assert_eq!(
        metric_desc("cost_linehaul_yuan"),
        "cost linehaul (yuan per delivered parcel)"
    );
    assert_eq!(
        metric_desc("cost_per_parcel_yuan"),
        "cost per parcel (yuan per delivered parcel)"
    );
    assert_eq!(
        metric_desc("transit_hours_p95"),
        "transit time p95 (hours, pickup to signature)"
    );
    assert_eq!(metric_desc("on_time_rate"), "on time rate (share, 0 to 1)");
    assert_eq!(
        metric_desc("complaints_per_million"),
        "complaints (per million parcels)"
    );
    assert_eq!(metric_desc("unabsorbed_yuan"), "unabsorbed (yuan)");
    assert_eq!(
        metric_desc("measured_parcels_delivered"),
        "measured parcels delivered (parcels)"
    );
}

#[test]
fn spans_are_padded_and_never_degenerate() {
    let s = Span::of([2.0, 4.0], false).expect("span").padded(false);
    assert!(s.lo < 2.0 && s.hi > 4.0);
    for v in [0.0, 5.0, -3.0] {
        let s = Span::of([v], false).expect("span").padded(false);
        assert!(s.lo < v && v < s.hi, "{v}: {s:?}");
    }
    let s = Span::of([100.0], true).expect("span").padded(true);
    assert!(s.lo > 0.0 && s.lo < 100.0 && s.hi > 100.0);
    assert_eq!(Span::of([-1.0, 0.0, f64::NAN], true), None);
    let data = Span::of([90.0, 100.0], false).expect("span");
    assert_eq!(data.padded(false).clip(data, 0.0, 100.0).hi, 100.0);
    assert_eq!(Span::non_negative([0.0, 10.0]).lo, 0.0);
}

#[test]
fn legend_goes_where_the_data_is_low_and_never_covers_it() {
    let frame = |log_x| Frame {
        title: "t".into(),
        title_px: TITLE_PX,
        x_desc: String::new(),
        y_desc: String::new(),
        x: Span { lo: 1.0, hi: 100.0 },
        log_x,
        y: Span { lo: 0.0, hi: 10.0 },
        legend: None,
        area: SIZE,
    };
    let falling = vec![(1.0, 10.0), (10.0, 5.0), (100.0, 1.0)];
    let rising: Vec<(f64, f64)> = falling.iter().map(|&(x, y)| (101.0 - x, y)).collect();
    let mut f = frame(true);
    f.fit_legend(&[falling], &["series"]);
    assert_eq!(f.legend, Some(Corner::UpperRight));
    assert_eq!(f.y.hi, 10.0, "room enough above the low end");
    let mut f = frame(false);
    f.fit_legend(&[rising], &["series"]);
    assert_eq!(f.legend, Some(Corner::UpperLeft));
    // A flat line at the top on both sides: the axis grows so the legend box clears it.
    let mut f = frame(false);
    f.fit_legend(&[vec![(1.0, 10.0), (100.0, 10.0)]], &["a", "b", "c"]);
    assert!(f.y.hi > 11.0, "{:?}", f.y);
}

#[test]
fn log_ticks_label_narrow_and_wide_ranges() {
    let wide = Span {
        lo: 800.0,
        hi: 120_000.0,
    };
    let t = log_ticks(wide, 1060.0);
    assert_eq!(
        t,
        vec![
            1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0
        ]
    );
    // Half the width: fewer ticks, so the labels do not touch.
    let t = log_ticks(wide, 460.0);
    assert_eq!(t, vec![1000.0, 3000.0, 10_000.0, 30_000.0, 100_000.0]);
    let narrow = Span {
        lo: 2100.0,
        hi: 7900.0,
    };
    let t = log_ticks(narrow, 1060.0);
    assert!(
        t.len() >= 3 && t.iter().all(|v| (2100.0..=7900.0).contains(v)),
        "{t:?}"
    );
    let t = log_ticks(Span { lo: 1e-3, hi: 1e9 }, 1060.0);
    assert!((2..=12).contains(&t.len()), "{t:?}");
    let t = log_ticks(
        Span {
            lo: 5000.0,
            hi: 5001.0,
        },
        1060.0,
    );
    assert_eq!(t, vec![5000.0, 5001.0]);
}

#[test]
fn numbers_are_formatted_without_float_noise() {
    assert_eq!(fmt_num(1000.0), "1000");
    assert_eq!(fmt_num(0.1 + 0.2), "0.3");
    assert_eq!(fmt_num(2.5), "2.5");
    assert_eq!(fmt_num(0.0), "0");
    assert_eq!(fmt_num(-12.25), "-12.25");
    assert_eq!(fmt_num(123_456_789.0), "123456789");
    assert_eq!(fmt_num(-1e-17), "0");
    let mut values = ["b", "10", "a", "9", "1e1", "1f", "2"];
    values.sort_by(|a, b| value_order(a, b));
    assert_eq!(values, ["2", "9", "10", "1e1", "1f", "a", "b"]);
}

/// `points.csv` as the sweep writes it, read back through plot's reader: every metric's
/// mean and interval at every point as the sweep computed them from its runs, and every
/// activity's cost column found.
#[test]
fn points_csv_reads_back_through_plot_as_the_sweep_wrote_it() {
    use crate::format::sweep::SweepJson;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::TempDir::new().expect("tempdir");
    write(
        tmp.path(),
        "sweep.toml",
        &format!(
            "name = \"pts\"\nbase = {:?}\nreplications = 2\n[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [3000, 6000]\n",
            root.join("scenarios/small.toml").display().to_string()
        ),
    );
    let sw = crate::sweep::spec::load(&tmp.path().join("sweep.toml")).expect("sweep file");
    let dir = tmp.path().join("out");
    std::fs::create_dir(&dir).expect("mkdir");
    crate::sweep::run_sweep(&sw, &dir, &Default::default()).expect("sweep");
    let sj: SweepJson = super::read::read_json(&dir.join("sweep.json")).expect("sweep.json");
    let sweep = super::sweep::Sweep::load(&dir).expect("plot reads the sweep");

    // What the sweep computed: each metric's interval over a point's runs in runs.csv.
    let runs = crate::folder::Csv::read(&dir.join("runs.csv")).expect("runs.csv");
    let expected = |metric: &str| -> Vec<(f64, f64, f64, f64)> {
        sj.points
            .iter()
            .filter_map(|p| {
                let xs: Vec<f64> = runs
                    .rows
                    .iter()
                    .filter(|r| runs.get(r, "point") == p.point.to_string())
                    .map(|r| runs.num(r, metric).expect("a number"))
                    .collect();
                let i = crate::metrics::interval(&xs);
                let (low, high) = i.ci.unwrap_or((i.mean, i.mean));
                let x = p.values[0].as_f64().expect("numeric x");
                i.mean.is_finite().then_some((x, i.mean, low, high))
            })
            .collect()
    };
    assert_eq!(sj.points.len(), 2);
    for metric in &sj.metrics {
        let series = sweep.bands(metric, 1.0).expect(metric);
        let read: Vec<(f64, f64, f64, f64)> = series
            .iter()
            .flat_map(|s| &s.points)
            .map(|p| (p.x, p.mean, p.low, p.high))
            .collect();
        assert_eq!(read, expected(metric), "{metric}");
    }
    let activities: Vec<&str> = crate::cost::Activity::ALL
        .iter()
        .map(|a| a.name())
        .collect();
    assert_eq!(sweep.activities, activities);
    // The charts find every metric they draw by name among the columns the sweep wrote.
    let charts = super::svg_charts(&dir, 2.0).expect("the sweep's charts");
    let names: Vec<&str> = charts.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["cost_curve", "cost_by_activity", "service"]);
}

/// The files plot reads are the writers' own types: a run folder, a sweep file and an
/// explanation written by the writers read back through plot's reader, field for field.
#[test]
fn result_files_read_back_through_plot_as_the_writers_wrote_them() {
    use super::read::read_json;
    use crate::format::{compare::FailedRun, explain, summary::Summary, sweep::SweepJson};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::TempDir::new().expect("tempdir");

    // summary.json: a real run's folder, with the shop's part.
    let l = crate::run::load(&root.join("scenarios/shop_yiwu.toml")).expect("load");
    let out =
        crate::run::run(&l.scenario, &l.network, &l.sha256, &Default::default()).expect("run");
    let run_dir = tmp.path().join("run");
    std::fs::create_dir(&run_dir).expect("mkdir");
    crate::report::write_run(&run_dir, &out).expect("write run");
    let back: Summary = read_json(&run_dir.join("summary.json")).expect("read summary");
    assert_eq!(
        serde_json::to_value(&back).expect("json"),
        serde_json::to_value(&out.summary).expect("json")
    );
    assert!(back.shop.is_some_and(|s| s.counts.orders_placed > 0));
    super::run::RunData::load(&run_dir).expect("plot loads the run folder");
    // Its CSV tables that plot reads, through the same row types.
    use crate::files::read_rows;
    use crate::format::run_files::{CostRow, HistRow};
    let costs: Vec<CostRow> = read_rows(&run_dir.join("cost_breakdown.csv")).expect("costs");
    let (total, by_activity) = costs.split_last().expect("rows");
    assert_eq!(by_activity.len(), crate::cost::Activity::ALL.len());
    for row in by_activity {
        assert_eq!(
            row.yuan_per_parcel,
            out.summary.cost_by_activity[row.activity.as_str()]
        );
    }
    assert_eq!(
        (total.activity.as_str(), total.yuan_per_parcel),
        ("total", out.summary.cost_per_parcel_yuan)
    );
    let hist: Vec<HistRow> = read_rows(&run_dir.join("transit_histogram.csv")).expect("hist");
    let bins: Vec<u64> = out.transit_bins.iter().map(|b| b.1).collect();
    assert_eq!(hist.iter().map(|h| h.parcels).collect::<Vec<_>>(), bins);
    use crate::format::run_files::{LaneRow, NodeRow};
    let nodes: Vec<NodeRow> = read_rows(&run_dir.join("nodes.csv")).expect("nodes");
    assert_eq!(nodes, out.nodes);
    let lanes: Vec<LaneRow> = read_rows(&run_dir.join("lanes.csv")).expect("lanes");
    assert_eq!(lanes, out.lanes);
    assert!(lanes.iter().any(|l| l.kind == "feeder") && lanes.iter().any(|l| l.kind == "linehaul"));

    // compare.csv: rows as the comparison writes them, empty cells included.
    use crate::format::compare::CompareRow;
    let row = |scenario: &str, mean: f64, diff: Option<f64>| CompareRow {
        scenario: scenario.into(),
        metric: "cost_per_parcel_yuan".into(),
        mean,
        ci_low: Some(mean - 0.1),
        ci_high: Some(mean + 0.1),
        diff_vs_first: diff,
        diff_ci_low: None,
        diff_ci_high: diff.map(|d| d + 0.2),
    };
    let rows = vec![row("a", 2.5, None), row("b", 3.0, Some(0.5))];
    let file = tmp.path().join("compare.csv");
    std::fs::write(&file, crate::files::csv_bytes(&rows).expect("csv")).expect("write");
    assert_eq!(read_rows::<CompareRow>(&file).expect("read"), rows);

    // sweep.json: a sweep file resolved as the sweep writes it.
    let sweep_toml = tmp.path().join("sweep.toml");
    write(
        tmp.path(),
        "sweep.toml",
        &format!(
            "name = \"sw\"\nbase = {:?}\nreplications = 2\n[[vary]]\npath = \"demand.daily_parcels\"\nlog_range = {{ from = 3000, to = 6000, points = 2 }}\n[[vary]]\npath = \"org.layers\"\nvalues = [2, 3]\n",
            root.join("scenarios/small.toml").display().to_string()
        ),
    );
    let sw = crate::sweep::spec::load(&sweep_toml).expect("sweep file");
    let sj = SweepJson::from_sweep(&sw);
    write(
        tmp.path(),
        "sweep.json",
        &String::from_utf8(crate::files::json_bytes(&sj)).expect("utf-8"),
    );
    let back: SweepJson = read_json(&tmp.path().join("sweep.json")).expect("read sweep");
    assert_eq!(back, sj);

    // explain.json, with every optional part present and absent.
    let input = |label: &str| crate::format::compare::InputJson {
        label: label.into(),
        file: format!("{label}.toml"),
        scenario: label.into(),
        sha256: "ab".into(),
    };
    let ej = explain::ExplainJson {
        version: "v".into(),
        metric: "cost_per_parcel_yuan".into(),
        from: input("a"),
        to: input("b"),
        replications: 2,
        base_seed: 1,
        seeds: vec![3, 4],
        common_random_numbers: true,
        levers: vec!["costs".into(), "org".into()],
        subsets: 4,
        from_value: 2.5,
        to_value: 2.25,
        change: -0.25,
        attribution: vec![
            explain::LeverRow {
                lever: "costs".into(),
                shapley: -0.3,
                share_of_change: Some(1.2),
                ci_low: Some(-0.4),
                ci_high: Some(-0.2),
            },
            explain::LeverRow {
                lever: "org".into(),
                shapley: 0.05,
                share_of_change: None,
                ci_low: None,
                ci_high: None,
            },
        ],
        failed_runs: vec![FailedRun {
            scenario: "a".into(),
            replication: 1,
            seed: 4,
            error: "overload".into(),
        }],
    };
    let bytes = crate::files::json_bytes(&ej);
    write(
        tmp.path(),
        "explain.json",
        &String::from_utf8(bytes).expect("utf-8"),
    );
    let back: explain::ExplainJson = read_json(&tmp.path().join("explain.json")).expect("read");
    assert_eq!(
        serde_json::to_value(&back).expect("json"),
        serde_json::to_value(&ej).expect("json")
    );
}
