//! Issue 12: inputs that used to panic, abort, overflow, hang or "succeed" with nothing
//! measured. Each gets a located error (file, line, the right field) and exit 2, or a run
//! failure with a reason; never a panic or a number that is not one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcelsim"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn small() -> String {
    std::fs::read_to_string(root().join("scenarios/small.toml")).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// `small.toml` with `from` replaced by `to`, written as `bad.toml` in a temp folder.
fn scenario(from: &str, to: &str) -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let text = small();
    assert!(text.contains(from), "{from}");
    let text = text.replacen(from, to, 1);
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, &text).unwrap();
    (tmp, path, text)
}

fn cmd(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// `validate` and `run` both refuse the file with exit 2, naming the file, `line` (the
/// line holding `needle` in the edited text) and `field`, and with `words` in the message.
fn refused(from: &str, to: &str, needle: &str, field: &str, words: &str) {
    let (tmp, path, text) = scenario(from, to);
    let line = line_of(&text, needle);
    let out = tmp.path().join("out");
    for args in [
        vec!["validate", path.to_str().unwrap()],
        vec![
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let o = cmd(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
        let want = format!("bad.toml:{line}: field `{field}`: ");
        assert!(e.contains(&want), "want `{want}` in: {e}");
        assert!(e.contains(words), "want `{words}` in: {e}");
        assert!(e.lines().all(|l| l.chars().count() < 400), "long line: {e}");
        assert!(!out.join("summary.json").exists());
    }
}

#[test]
fn huge_volumes_are_bounded_not_panics_or_aborts() {
    let dp = "daily_parcels = 5000";
    refused(
        dp,
        "daily_parcels = 1e30",
        "daily_parcels",
        "demand.daily_parcels",
        "at most 1000000000",
    );
    refused(
        dp,
        "daily_parcels = 4294967296",
        "daily_parcels",
        "demand.daily_parcels",
        "at most",
    );
    refused(
        dp,
        "daily_parcels = 5000\npeak_multiplier = 1e30",
        "peak_multiplier",
        "demand.peak_multiplier",
        "at most 100",
    );
}

#[test]
fn memory_is_estimated_against_the_limit() {
    // 100 million parcels a day for 12 days is far beyond 1 GiB.
    let (_t, path, text) = scenario("daily_parcels = 5000", "daily_parcels = 100000000");
    let o = cmd(&["validate", path.to_str().unwrap(), "--max-memory", "1G"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    let line = line_of(&text, "daily_parcels");
    assert!(
        e.contains(&format!(":{line}: field `demand.daily_parcels`")),
        "{e}"
    );
    assert!(
        e.contains("GiB of memory") && e.contains("--max-memory"),
        "{e}"
    );
    // The same file passes with enough memory allowed.
    let o = cmd(&["validate", path.to_str().unwrap(), "--max-memory", "1T"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn long_runs_are_bounded() {
    refused(
        "days = 2",
        "days = 100000",
        "days = 100000",
        "days",
        "at most 3650",
    );
    refused(
        "days = 2",
        "days = 4294967295",
        "days =",
        "days",
        "at most 3650",
    );
    refused(
        "days = 2\n",
        "days = 2\ndrain_days = 4294967295\n",
        "drain_days",
        "drain_days",
        "at most 3650",
    );
}

#[test]
fn money_overflow_is_an_input_error_never_a_number() {
    refused(
        "[operations.sorting]",
        "[costs]\ncourier_pay_per_delivery = 1e30\n\n[operations.sorting]",
        "courier_pay_per_delivery",
        "costs.courier_pay_per_delivery",
        "at most",
    );
    // Within every field's bound, but together too much for the exact books.
    refused(
        "daily_parcels = 5000\n",
        "daily_parcels = 500000\n[costs]\ncourier_pay_per_delivery = 900000\n",
        "courier_pay_per_delivery",
        "costs.courier_pay_per_delivery",
        "exact books",
    );
    refused(
        "[operations.sorting]",
        "[costs]\noutlet_per_day = 1e11\n\n[operations.sorting]",
        "outlet_per_day",
        "costs.outlet_per_day",
        "at most",
    );
    refused(
        "distance_km = 180",
        "distance_km = 1e30",
        "distance_km = 1e30",
        "network.lanes[12].distance_km",
        "at most 20000",
    );
}

#[test]
fn checked_money_keeps_an_overflow() {
    use parcelsim::cost::{Money, split_by};
    use parcelsim::ops::books::each;
    let big = Money(i64::MAX - 1);
    assert!((big + Money(5)).is_overflow());
    assert!((Money(i64::MIN + 1) - Money(5)).is_overflow());
    assert!(((big + Money(5)) - Money(10)).is_overflow(), "sticky");
    assert!(Money::from_yuan(1e30).is_overflow());
    assert!(Money::from_yuan(f64::NAN).is_overflow());
    assert!(Money::from_yuan(1e30).yuan().is_nan());
    assert!(Money(4_000_000_000_000_000_000).times(3).is_overflow());
    assert!(each(Money::OVERFLOW, 3).is_overflow());
    let parts: Vec<Money> = split_by(Money::OVERFLOW, &[1, 2]).collect();
    assert!(parts.len() == 2 && parts.iter().all(|m| m.is_overflow()));
    assert_eq!([Money(1), Money(2)].into_iter().sum::<Money>(), Money(3));
}

#[test]
fn a_run_expecting_almost_nothing_is_refused() {
    refused(
        "daily_parcels = 5000",
        "daily_parcels = 0.5",
        "daily_parcels",
        "demand.daily_parcels",
        "at least 20",
    );
    refused(
        "[demand]",
        "[demand]\nintraday_profile = [1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308, 1e308]",
        "intraday_profile",
        "demand.intraday_profile[0]",
        "at most 1000000",
    );
}

#[test]
fn a_run_that_measures_nothing_fails() {
    // Every parcel is lost on its first trip: nothing measured is delivered, and the run
    // says so instead of reporting a cost of 0.
    let (tmp, path, _) = scenario("[demand]", "[quality]\nloss_per_trip = 1.0\n\n[demand]");
    let out = tmp.path().join("out");
    let o = cmd(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("run failed") && e.contains("was delivered"),
        "{e}"
    );
    assert!(!out.exists() || !out.join("summary.json").exists());
}

#[test]
fn errors_name_the_field_not_the_value() {
    refused(
        "days = 2",
        "days = true",
        "days = true",
        "days",
        "invalid type",
    );
    refused(
        "daily_parcels = 5000",
        "daily_parcels = \"-1\"",
        "daily_parcels",
        "demand.daily_parcels",
        "invalid type",
    );
    refused(
        "lines = 1",
        "lines = -1",
        "lines = -1",
        "network.nodes[0].lines",
        "invalid value",
    );
    // `initial_stock = -1` is reported on its own line, not on the next field's.
    let shop = "[shop]\ninitial_stock = -1\nreorder_point = 80\n\n[operations.sorting]";
    refused(
        "[operations.sorting]",
        shop,
        "initial_stock",
        "shop.initial_stock",
        "cannot be negative",
    );
}

#[test]
fn values_in_messages_are_short_and_visible() {
    refused(
        "days = 2",
        "days = 1e-300",
        "days = 1e-300",
        "days",
        "1e-300",
    );
    let (_t, path, _) = scenario("id = \"Hangzhou-C\"", "id = \"Hangzhou\u{200b}-C\"");
    let o = cmd(&["validate", path.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("unknown node `Hangzhou-C`"), "{e}");
    let (_t, path, _) = scenario(
        "id = \"Hangzhou-C\"\nkind = \"centre\"",
        "id = \"Hangzhou-C\"\nkind = \"centre\"\n\n[[network.nodes]]\nid = \"Hangzhou\u{200b}-C\"\nkind = \"centre\"",
    );
    let o = cmd(&["validate", path.to_str().unwrap()]);
    // The node with the invisible character is accepted; if named, it is escaped.
    assert!(!stderr(&o).contains('\u{200b}'), "{}", stderr(&o));
}

#[test]
fn names_are_bounded_and_may_be_chinese() {
    let long = format!("name = \"{}\"", "a".repeat(300));
    refused("name = \"small\"", &long, "name =", "name", "at most 64");
    let (tmp, path, _) = scenario("name = \"small\"", "name = \"杭州\"");
    let o = cmd(&["validate", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("out");
    let o = cmd(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    refused(
        "name = \"small\"",
        "name = \"a/b\"",
        "name =",
        "name",
        "letters",
    );
    refused("name = \"small\"", "name = \"..\"", "name =", "name", "`.`");
}

#[test]
fn a_duplicate_line_haul_lane_is_refused() {
    let text = small();
    // The first line-haul lane (centre to centre), given a second time.
    let at = text
        .find("from = \"Hangzhou-C\"\nto = \"Shanghai-C\"")
        .unwrap();
    let start = text[..at].rfind("[[network.lanes]]").unwrap();
    let end = text[at..].find("[[network.lanes]]").unwrap() + at;
    let lane = &text[start..end];
    let edited = format!("{}{lane}", text);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bad.toml");
    std::fs::write(&path, &edited).unwrap();
    let o = cmd(&["validate", path.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    let lanes = text.matches("[[network.lanes]]").count();
    let line = text.lines().count() + lane[..lane.find("to = ").unwrap()].lines().count() + 1;
    let want = format!(":{line}: field `network.lanes[{lanes}].to`");
    assert!(e.contains(&want), "want {want} in {e}");
    assert!(e.contains("given twice"), "{e}");
}

#[test]
fn the_plain_form_and_the_snippet_point_at_the_value() {
    let (_t, path, _) = scenario("daily_parcels = 5000", "daily_parcels = -5");
    let (sc, src) = {
        let text = std::fs::read_to_string(&path).unwrap();
        let src = parcelsim::scenario::Source {
            path: path.clone(),
            text,
        };
        (parcelsim::scenario::parse(&src).unwrap(), src)
    };
    let e = parcelsim::scenario::validate(&sc, &src).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("demand.daily_parcels"));
    let plain = e.to_string();
    assert!(plain.ends_with("field `demand.daily_parcels`: must be a positive number, got -5"));
    let snip = e.snippet(false).unwrap();
    let lines: Vec<&str> = snip.lines().collect();
    let code = lines
        .iter()
        .position(|l| l.contains("daily_parcels = -5"))
        .unwrap();
    let marker = lines[code + 1];
    let col = lines[code].find("-5").unwrap();
    assert_eq!(marker.find('^'), Some(col), "{snip}");
    assert_eq!(marker.matches('^').count(), 2, "{snip}");
}

fn small_run(out: &Path, force: bool) -> Output {
    let mut args = vec![
        "run".to_string(),
        root().join("scenarios/small.toml").display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "-q".into(),
    ];
    if force {
        args.push("--force".into());
    }
    bin().args(&args).output().unwrap()
}

#[test]
fn run_force_leaves_no_old_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = bin()
        .args([
            "run",
            root().join("scenarios/small.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
            "--trace",
            "3",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("parcels.csv").exists());
    std::fs::create_dir_all(out.join("plots")).unwrap();
    std::fs::write(out.join("plots/old.png"), "old").unwrap();
    let o = small_run(&out, true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("summary.json").exists());
    for old in ["parcels.csv", "tracking.csv", "plots/old.png"] {
        assert!(!out.join(old).exists(), "{old} survived --force");
    }
    // Nothing is left beside it.
    let beside: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
}

#[test]
fn a_bad_force_run_keeps_the_old_folder_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    assert!(small_run(&out, false).status.success());
    let before = std::fs::read(out.join("summary.json")).unwrap();
    // Input errors are found before anything is touched.
    let (_t, path, _) = scenario("daily_parcels = 5000", "daily_parcels = -1");
    let o = cmd(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    // A run killed midway leaves the old folder as it was (its own summary).
    let mut child = bin()
        .args([
            "run",
            root().join("scenarios/small.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--force",
            "-q",
            "--seed",
            "99",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(30));
    let _ = child.kill();
    let _ = child.wait();
    let now = std::fs::read(out.join("summary.json")).unwrap();
    let s: serde_json::Value = serde_json::from_slice(&now).unwrap();
    // Either the old run (seed 7), whole, or the new one (seed 99), whole.
    let files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(files.iter().all(|f| !f.starts_with('.')), "{files:?}");
    match s["seed"].as_u64() {
        Some(7) => assert_eq!(now, before),
        Some(99) => {}
        other => panic!("seed {other:?}"),
    }
}

fn write_sweep(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("sw.toml");
    let base = root().join("scenarios/small.toml");
    std::fs::write(
        &p,
        format!("base = {:?}\n{body}", base.display().to_string()),
    )
    .unwrap();
    p
}

#[test]
fn a_text_parameter_sweeps_into_labels_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let sw = write_sweep(
        tmp.path(),
        "[[vary]]\npath = \"operations.sorting.automation\"\nvalues = [\"manual\", \"automated\"]\n",
    );
    let out = tmp.path().join("out");
    let o = cmd(&[
        "sweep",
        sw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert!(
        points.lines().nth(1).unwrap().starts_with("0,manual,1,0,"),
        "{points}"
    );
    assert!(
        points
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("1,automated,1,0,"),
        "{points}"
    );
    assert!(out.join("plots/cost_curve.png").exists());
}

#[test]
fn large_sweeps_ask_for_yes_and_huge_ones_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let sw = write_sweep(
        tmp.path(),
        "[[vary]]\npath = \"demand.daily_parcels\"\nrange = { from = 1000, to = 2000, points = 1000000 }\n",
    );
    let out = tmp.path().join("out");
    let o = cmd(&[
        "sweep",
        sw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("sw.toml:") && e.contains("1000000 runs") && e.contains("--yes"),
        "{e}"
    );
    assert!(!out.join("sweep.json").exists());
    let sw = write_sweep(
        tmp.path(),
        "replications = 1000000000\n[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [1000]\n",
    );
    let o = cmd(&[
        "sweep",
        sw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--yes",
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("field `replications`") && e.contains("at most 1000000"),
        "{e}"
    );
    // Few runs, but long ones: the estimated time asks for --yes too.
    let sw = write_sweep(
        tmp.path(),
        "replications = 5000\n[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [2000000]\n",
    );
    let o = cmd(&[
        "sweep",
        sw.to_str().unwrap(),
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("estimated to take about") && e.contains("--yes"),
        "{e}"
    );
}

#[test]
fn a_failing_run_inside_a_sweep_is_recorded_and_the_sweep_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    // Parcels all lost deliver nothing: that point's runs fail, the other's succeed.
    let sw = write_sweep(
        tmp.path(),
        "[[vary]]\npath = \"quality.loss_per_trip\"\nvalues = [0.00001, 1.0]\n",
    );
    let out = tmp.path().join("out");
    let o = cmd(&[
        "sweep",
        sw.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("1 runs failed"), "{e}");
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert!(runs.lines().nth(1).unwrap().contains(",ok,"), "{runs}");
    let failed = runs.lines().nth(2).unwrap();
    assert!(
        failed.contains(",failed,") && failed.contains("was delivered"),
        "{runs}"
    );
    assert!(out.join("plots/cost_curve.png").exists());
}

#[test]
fn sweep_and_compare_piped_into_head_end_quietly() {
    use std::io::Read;
    let tmp = tempfile::tempdir().unwrap();
    let sw = write_sweep(
        tmp.path(),
        "[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [1000, 2000]\n",
    );
    let out = tmp.path().join("out");
    let small = root().join("scenarios/small.toml");
    let cmp_out = tmp.path().join("cmp");
    let runs: [Vec<&str>; 2] = [
        vec![
            "sweep",
            sw.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "compare",
            small.to_str().unwrap(),
            small.to_str().unwrap(),
            "--replications",
            "2",
            "--out",
            cmp_out.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the pipe at once, as `head -0` would.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {err}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("panicked"),
            "{err}"
        );
    }
    assert!(out.join("plots/cost_curve.png").exists());
    assert!(cmp_out.join("compare.json").exists());
}

/// Two shards of a 2-run sweep in `dir`/s1 and `dir`/s2.
fn shards(dir: &Path) -> (PathBuf, PathBuf) {
    let sw = write_sweep(
        dir,
        "[[vary]]\npath = \"demand.daily_parcels\"\nvalues = [1000, 2000]\n",
    );
    let (s1, s2) = (dir.join("s1"), dir.join("s2"));
    for (s, k) in [(&s1, "1/2"), (&s2, "2/2")] {
        let o = cmd(&[
            "sweep",
            sw.to_str().unwrap(),
            "--out",
            s.to_str().unwrap(),
            "--shard",
            k,
            "--no-plot",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    (s1, s2)
}

#[test]
fn merge_refuses_missing_duplicated_runs_and_a_full_out() {
    let tmp = tempfile::tempdir().unwrap();
    let (s1, s2) = shards(tmp.path());
    let out = tmp.path().join("merged");
    let (a, b, o_) = (
        s1.to_str().unwrap(),
        s2.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    // One shard only: runs are missing.
    let o = cmd(&["merge", a, "--out", o_, "--no-plot"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 of 2 runs are missing"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // The same shard twice.
    let o = cmd(&["merge", a, a, b, "--out", o_, "--no-plot"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("more than one folder"),
        "{}",
        stderr(&o)
    );
    // A missing shard folder.
    let nowhere = tmp.path().join("nowhere");
    let o = cmd(&[
        "merge",
        a,
        nowhere.to_str().unwrap(),
        "--out",
        o_,
        "--no-plot",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no such shard folder"),
        "{}",
        stderr(&o)
    );
    // --partial merges what is there.
    let o = cmd(&["merge", a, "--out", o_, "--no-plot", "--partial"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Now --out is not empty: refused without --force, replaced with it.
    let o = cmd(&["merge", a, b, "--out", o_, "--no-plot"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    let o = cmd(&["merge", a, b, "--out", o_, "--no-plot", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("stale.txt").exists());
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 3, "{runs}");
}

#[test]
fn compare_with_a_failing_scenario_reports_it_without_dying() {
    let tmp = tempfile::tempdir().unwrap();
    let (_t, bad, _) = scenario("[demand]", "[quality]\nloss_per_trip = 1.0\n\n[demand]");
    let small = root().join("scenarios/small.toml");
    let out = tmp.path().join("cmp");
    let o = cmd(&[
        "compare",
        small.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("every replication failed") && e.contains("bad, replication 0"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn csv_shape_errors_name_a_column() {
    use parcelsim::scenario::NodeSpec;
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("nodes.csv");
    // A header with an empty name, and a row shorter than the header.
    std::fs::write(&p, "id,kind,\nA-C,centre\n").unwrap();
    let e = parcelsim::network::read_csv::<NodeSpec>(&p).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(2), Some("column 3")),
        "{e}"
    );
    std::fs::write(&p, "id,kind,weight\nA-C\n").unwrap();
    let e = parcelsim::network::read_csv::<NodeSpec>(&p).unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("kind")), "{e}");
    assert!(e.message.contains("1 cells but the header names 3"), "{e}");
}

#[test]
fn pick_up_station_settings_are_checked() {
    let at = "[operations.sorting]";
    refused(
        at,
        "[operations.delivery]\nstation_share = 2\n[operations.sorting]",
        "station_share",
        "operations.delivery.station_share",
        "probability in [0, 1]",
    );
    refused(
        at,
        "[operations.delivery]\nstation_fee = -1\n[operations.sorting]",
        "station_fee",
        "operations.delivery.station_fee",
        "zero or positive",
    );
    refused(
        at,
        "[operations.delivery]\nstation_collect_hours = -3\n[operations.sorting]",
        "station_collect_hours",
        "operations.delivery.station_collect_hours",
        "zero or positive",
    );
}
