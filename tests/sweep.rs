//! Sweeps as a researcher runs them: validation, thread-count independence, resume,
//! shards and merge, recorded failures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parcelsim"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A temp folder with a copy of the small scenario and a sweep file `text` next to it.
fn setup(text: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("scenarios/small.toml"),
        tmp.path().join("small.toml"),
    )
    .unwrap();
    let sweep = tmp.path().join("sweep.toml");
    std::fs::write(&sweep, text).unwrap();
    (tmp, sweep)
}

const SWEEP: &str = r#"
base = "small.toml"
replications = 2
seed = 11

[set]
days = 1
warmup_days = 1
drain_days = 3

[[vary]]
path = "demand.daily_parcels"
values = [1500, 3000]

[[vary]]
path = "operations.delivery.failure_rate"
values = [0.02, 0.2]
"#;

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--no-plot")
        .args(extra)
        .output()
        .unwrap()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn results_do_not_depend_on_threads_shards_or_interruptions() {
    let (tmp, file) = setup(SWEEP);
    let t = tmp.path();
    let one = sweep(&file, &t.join("one"), &["--threads", "1"]);
    assert!(one.status.success(), "{}", stderr(&one));
    let two = sweep(&file, &t.join("two"), &["--threads", "2"]);
    assert!(two.status.success(), "{}", stderr(&two));
    for f in ["runs.csv", "points.csv", "sweep.json"] {
        assert!(
            read(&t.join("one").join(f)) == read(&t.join("two").join(f)),
            "{f} differs by thread count"
        );
    }
    let runs = String::from_utf8(read(&t.join("one/runs.csv"))).unwrap();
    assert_eq!(runs.lines().count(), 1 + 4 * 2, "{runs}");
    assert!(runs.lines().skip(1).all(|l| l.contains(",ok,")), "{runs}");

    // Shards 1/2 and 2/2, merged, equal the whole.
    for k in ["1/2", "2/2"] {
        let o = sweep(&file, &t.join(format!("shard{}", &k[..1])), &["--shard", k]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let m = bin()
        .args(["merge", "--no-plot", "--out"])
        .arg(t.join("merged"))
        .arg(t.join("shard1"))
        .arg(t.join("shard2"))
        .output()
        .unwrap();
    assert!(m.status.success(), "{}", stderr(&m));
    for f in ["runs.csv", "points.csv", "sweep.json"] {
        assert!(
            read(&t.join("one").join(f)) == read(&t.join("merged").join(f)),
            "{f} differs after merge"
        );
    }

    // A sweep killed after three runs, with a torn fourth line, resumes to the same files.
    let killed = t.join("killed");
    std::fs::create_dir(&killed).unwrap();
    std::fs::copy(t.join("one/sweep.json"), killed.join("sweep.json")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    let torn = format!(
        "{}\n{}",
        lines[..4].join("\n"),
        &lines[4][..lines[4].len() / 2]
    );
    std::fs::write(killed.join("runs.csv"), torn).unwrap();
    let o = sweep(&file, &killed, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("5 runs done now, 3 already done"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for f in ["runs.csv", "points.csv"] {
        assert!(
            read(&t.join("one").join(f)) == read(&killed.join(f)),
            "{f} differs after resume"
        );
    }
}

#[test]
fn common_random_numbers_share_seeds_across_points() {
    let (tmp, file) = setup(SWEEP);
    let o = sweep(&file, &tmp.path().join("o"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_slice(&read(&tmp.path().join("o/sweep.json"))).unwrap();
    let pts = j["points"].as_array().unwrap();
    assert_eq!(pts.len(), 4);
    assert_eq!(pts[0]["seeds"], pts[3]["seeds"]);
    assert_ne!(pts[0]["seeds"][0], pts[0]["seeds"][1]);
    // Same seeds, lower failure rate: fewer attempts per parcel (paired comparison).
    let p = String::from_utf8(read(&tmp.path().join("o/points.csv"))).unwrap();
    let rows: Vec<Vec<String>> = p
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let col = rows[0]
        .iter()
        .position(|h| h == "delivery_attempts_per_parcel_mean")
        .unwrap();
    let attempts = |i: usize| rows[i][col].parse::<f64>().unwrap();
    assert!(
        attempts(1) < attempts(2),
        "{} vs {}",
        attempts(1),
        attempts(2)
    );

    let no_crn = SWEEP.replace("seed = 11", "seed = 11\ncommon_random_numbers = false");
    let (tmp2, file2) = setup(&no_crn);
    let o = sweep(&file2, &tmp2.path().join("o"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value =
        serde_json::from_slice(&read(&tmp2.path().join("o/sweep.json"))).unwrap();
    assert_ne!(j["points"][0]["seeds"], j["points"][3]["seeds"]);
}

#[test]
fn a_bad_path_or_value_is_reported_with_the_sweep_file_line_before_running() {
    let (tmp, file) = setup(&SWEEP.replace(
        "operations.delivery.failure_rate",
        "operations.delivery.failure_rat",
    ));
    let o = sweep(&file, &tmp.path().join("o"), &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    let line = SWEEP
        .lines()
        .position(|l| l.contains("operations.delivery.failure_rate"))
        .unwrap()
        + 1;
    assert!(e.contains(&format!("sweep.toml:{line}:")), "{e}");
    assert!(e.contains("failure_rat"), "{e}");
    assert!(!tmp.path().join("o/runs.csv").exists());

    let (tmp, file) = setup(&SWEEP.replace("values = [0.02, 0.2]", "values = [0.02, 1.5]"));
    let o = sweep(&file, &tmp.path().join("o"), &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("1.5") && e.contains("failure_rate"), "{e}");

    let (tmp, file) = setup(&SWEEP.replace(
        "values = [1500, 3000]",
        "log_range = { from = -1, to = 10 }",
    ));
    let o = sweep(&file, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_failing_combination_is_recorded_and_the_sweep_goes_on() {
    // Each change alone is fine; together the two shifts overlap.
    let text = r#"
base = "small.toml"
[set]
days = 1
warmup_days = 1
"operations.sorting.shifts" = [{ start = "17:00", hours = 6 }, { start = "05:00", hours = 6 }]
[[vary]]
path = "operations.sorting.shifts[0].hours"
values = [6, 11]
[[vary]]
path = "operations.sorting.shifts[1].start"
values = ["05:00", "03:00"]
"#;
    let (tmp, file) = setup(text);
    let o = sweep(&file, &tmp.path().join("o"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let runs = String::from_utf8(read(&tmp.path().join("o/runs.csv"))).unwrap();
    let failed: Vec<&str> = runs.lines().filter(|l| l.contains(",failed,")).collect();
    assert_eq!(failed.len(), 1, "{runs}");
    assert!(failed[0].contains("overlaps shift 0"), "{runs}");
    assert_eq!(runs.lines().filter(|l| l.contains(",ok,")).count(), 3);
}
