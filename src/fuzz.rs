//! A mutation fuzzer of scenario files: tiny seed scenarios (an inline network, a network
//! in CSV files, a generated one, one with the shop) are mutated, as text and as parsed
//! structure, by a seeded random stream, then validated and run as the CLI does.
//!
//! Every case must end one of three ways: refused with a located error (file, line,
//! field), run with something measured and delivered and a finite cost, or a run failure
//! with its reason (overload, nothing measured). A panic, an unlocated error, a failed
//! bookkeeping check or a "successful" empty run is a violation. Used by `tests/fuzz.rs`
//! (a few thousand cases) and `examples/fuzz.rs` (the long run).

use crate::error::{Error, InputError};
use crate::random::{Rng, Stream, rng};
use crate::workload::Limits;
use rand::RngExt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Memory allowed to a fuzzed run: a few tens of thousands of parcels, so that a case
/// takes milliseconds and a mutation to a huge volume is refused by the workload check.
pub const FUZZ_MEMORY: f64 = 80e6;

/// An explicit network given inline: three centres, an outlet each.
const INLINE: &str = r#"name = "fz_inline"
seed = 3
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 300
peak_days = [1]
peak_multiplier = 1.5

[operations.sorting]
shifts = [{ start = "17:00", hours = 12 }]
automation = "manual"

[operations.delivery]
waves = ["08:30", "13:30"]
failure_rate = 0.05

[costs]
courier_pay_per_delivery = 1.2
outlet_per_day = 600

[[vehicles]]
name = "van"
capacity = 1500
fixed_cost = 60
cost_per_km = 1.5

[[vehicles]]
name = "truck"
capacity = 6000
fixed_cost = 200
cost_per_km = 4.5

[operations.linehaul]
default_vehicle = "truck"

[[network.nodes]]
id = "A-C"
kind = "centre"
lines = 1

[[network.nodes]]
id = "B-C"
kind = "centre"
lines = 1

[[network.nodes]]
id = "A-O"
kind = "outlet"
weight = 2.0
area_km2 = 30
couriers = 4

[[network.nodes]]
id = "B-O"
kind = "outlet"
weight = 1.0
couriers = 3

[[network.lanes]]
from = "A-O"
to = "A-C"
distance_km = 12

[[network.lanes]]
from = "A-C"
to = "A-O"
distance_km = 12

[[network.lanes]]
from = "B-O"
to = "B-C"
distance_km = 15

[[network.lanes]]
from = "B-C"
to = "B-O"
distance_km = 15

[[network.lanes]]
from = "A-C"
to = "B-C"
distance_km = 180
departures = ["22:00"]

[[network.lanes]]
from = "B-C"
to = "A-C"
distance_km = 180
"#;

/// The same kind of network in CSV files.
const CSV_SCENARIO: &str = r#"name = "fz_csv"
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 250

[network]
nodes_file = "nodes.csv"
lanes_file = "lanes.csv"
"#;

const NODES_CSV: &str = "id,kind,weight,area_km2,couriers,lines,sorting
X-C,centre,,,,1,manual
Y-C,centre,,,,1,
X-O,outlet,1.5,25,3,,
Y-O,outlet,1,,2,,
";

const LANES_CSV: &str = "from,to,distance_km,hours,vehicle,max_vehicles,departures
X-O,X-C,10,,,,
X-C,X-O,10,,,,
Y-O,Y-C,20,,,,
Y-C,Y-O,20,,,,
X-C,Y-C,300,,,2,22:00 04:00
Y-C,X-C,300,5,,,
";

/// A network generated from a city list.
const GENERATED: &str = r#"name = "fz_generated"
days = 1
warmup_days = 1
drain_days = 3

[demand]
daily_parcels = 400
intra_city_share = 0.2

[network.generate]
cities_file = "cities.csv"
max_cities = 3
hubs = 2
parcels_per_outlet = 2700
direct_lanes_above = 100

[operations.sorting]
automation = "by_volume"
"#;

const CITIES_CSV: &str = "city,province,region,lat,lon,population_m,urban_area_km2,ecommerce_weight
Hangzhou,Zhejiang,East,30.27,120.15,12.2,1000,10
Shanghai,Shanghai,East,31.23,121.47,24.9,2000,20
Nanjing,Jiangsu,East,32.06,118.80,9.3,900,6
Hefei,Anhui,Central,31.82,117.23,9.4,800,3
";

/// The inline network with the shop's side.
fn shop_scenario() -> String {
    INLINE.replace("name = \"fz_inline\"", "name = \"fz_shop\"")
        + r#"
[shop]
products = 5
initial_stock = 20
reorder_point = 5
order_quantity = 30
lead_time_hours = 24
packers = 2
carrier_policy = "cheapest"

[[shop.carriers]]
name = "other"
price = 5.5
price_per_1000km = 0.5
expected_hours = 40
share = 1

[[shop.packaging]]
name = "bag"
share = 1
cost = 0.1
protection = 1
"#
}

/// A seed: the scenario file and the files it names, by name.
#[derive(Debug, Clone)]
pub struct Seed {
    pub files: Vec<(String, String)>,
}

/// The seeds every case starts from.
pub fn seeds() -> Vec<Seed> {
    let f = |files: &[(&str, &str)]| Seed {
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };
    let shop = shop_scenario();
    vec![
        f(&[("s.toml", INLINE)]),
        f(&[
            ("s.toml", CSV_SCENARIO),
            ("nodes.csv", NODES_CSV),
            ("lanes.csv", LANES_CSV),
        ]),
        f(&[("s.toml", GENERATED), ("cities.csv", CITIES_CSV)]),
        f(&[("s.toml", &shop)]),
    ]
}

/// What was changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// One field of the parsed scenario set to a value: an error must name this field.
    Field { path: String, value: String },
    /// Any other edit (lines deleted, duplicated, swapped, truncated, bytes, CSV cells).
    Text(String),
}

/// One fuzz case: the files to write, and the mutations made.
#[derive(Debug, Clone)]
pub struct Case {
    pub files: Vec<(String, String)>,
    pub mutations: Vec<Mutation>,
}

/// Values that broke parsers and models before.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1e-9",
    "1e-300",
    "1e30",
    "-1e30",
    "1e308",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "-inf",
    "100000",
    "3650",
    "24",
    "25",
    "1e6",
    "1e9",
    "2.5",
];

fn texts(r: &mut Rng) -> String {
    let pick = [
        "\"\"".to_string(),
        "\"x\"".to_string(),
        "\"杭州\"".to_string(),
        "\"A-C\"".to_string(),
        "\"A\u{200b}-C\"".to_string(),
        "\"manual\"".to_string(),
        "\"automated\"".to_string(),
        "\"25:00\"".to_string(),
        "\"08:30\"".to_string(),
        "\"van\"".to_string(),
        "\"../x\"".to_string(),
        format!("\"{}\"", "n".repeat(300)),
        "true".to_string(),
        "[]".to_string(),
        "{}".to_string(),
        "[1, 2]".to_string(),
        "[\"08:00\"]".to_string(),
        "1979-05-27".to_string(),
    ];
    pick[r.random_range(0..pick.len())].clone()
}

fn value(r: &mut Rng) -> String {
    if r.random_bool(0.6) {
        NUMBERS[r.random_range(0..NUMBERS.len())].to_string()
    } else {
        texts(r)
    }
}

/// Every leaf of a TOML tree with its dotted path, and every array item.
fn leaves(v: &toml::Value, path: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(x, &p, out);
            }
        }
        toml::Value::Array(a) => {
            out.push(path.to_string());
            for (i, x) in a.iter().enumerate() {
                leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => out.push(path.to_string()),
    }
}

/// Keys a mutation may add to a table (known and unknown).
const KEYS: &[&str] = &[
    "daily_parcels",
    "days",
    "drain_days",
    "peak_multiplier",
    "intraday_profile",
    "hours",
    "speed_kmh",
    "capacity",
    "lines",
    "couriers",
    "max_vehicles",
    "weight",
    "distance_km",
    "name",
    "bogus",
    "failure_rate",
    "outlet_per_day",
    "courier_pay_per_delivery",
    "initial_stock",
    "products",
];

/// A random edit of the text of a TOML or CSV file.
fn text_edit(text: &str, csv: bool, r: &mut Rng) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    let i = r.random_range(0..n);
    let j = r.random_range(0..n);
    let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    let kind = r.random_range(0..10u32);
    let what = match kind {
        0 if !out.is_empty() => {
            out.remove(i);
            format!("delete line {}", i + 1)
        }
        1 if !out.is_empty() => {
            let l = out[i].clone();
            out.insert(i, l);
            format!("duplicate line {}", i + 1)
        }
        2 if !out.is_empty() => {
            out.swap(i, j);
            format!("swap lines {} and {}", i + 1, j + 1)
        }
        3 => {
            let cut = r.random_range(0..=text.len());
            let mut cut = cut;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return (text[..cut].to_string(), format!("truncate at byte {cut}"));
        }
        4 => {
            let bytes: String = (0..r.random_range(1..8))
                .map(|_| char::from_u32(r.random_range(0..0x3000u32)).unwrap_or('\u{fffd}'))
                .collect();
            if !out.is_empty() {
                out[i].push_str(&bytes);
            }
            format!("append {:?} to line {}", bytes, i + 1)
        }
        5 if csv && !out.is_empty() => {
            // Replace one cell of a row.
            let mut cells: Vec<String> = out[i].split(',').map(str::to_string).collect();
            let c = r.random_range(0..cells.len());
            cells[c] = value(r).trim_matches('"').to_string();
            out[i] = cells.join(",");
            format!("cell {c} of line {} set", i + 1)
        }
        6 if !csv => {
            let key = KEYS[r.random_range(0..KEYS.len())];
            let v = value(r);
            out.insert(i, format!("{key} = {v}"));
            format!("insert `{key} = {v}` before line {}", i + 1)
        }
        7 if !csv && !out.is_empty() => {
            // Replace a value in place, keeping the key.
            match out[i].split_once('=') {
                Some((k, _)) => {
                    let v = value(r);
                    let line = format!("{}= {v}", k);
                    out[i] = line;
                    format!("line {} value set to {v}", i + 1)
                }
                None => {
                    out.insert(i, "[[network.lanes]]".into());
                    format!("insert a table header before line {}", i + 1)
                }
            }
        }
        8 => return (String::new(), "empty file".into()),
        _ => {
            if !out.is_empty() {
                out[i] = out[i].replace(['=', ','], " ");
            }
            format!("separators removed on line {}", i + 1)
        }
    };
    let mut s = out.join("\n");
    s.push('\n');
    (s, what)
}

/// Case number `k` of the campaign seeded with `seed`: reproducible from (seed, k).
pub fn case(seed: u64, k: u64) -> Case {
    let mut r = rng(seed, Stream::Trace, 0xF0_0000 + k);
    let seeds = seeds();
    let s = &seeds[r.random_range(0..seeds.len())];
    let mut files = s.files.clone();
    let mut mutations = Vec::new();
    // Mostly one mutation, so that the field an error must name is known.
    let count = if r.random_bool(0.8) {
        1
    } else {
        r.random_range(2..5)
    };
    for _ in 0..count {
        let f = r.random_range(0..files.len());
        let csv = files[f].0.ends_with(".csv");
        if f == 0 && r.random_bool(0.6) {
            // A structural edit: one leaf of the parsed tree.
            let Ok(mut tree) = files[0].1.parse::<toml::Table>() else {
                continue;
            };
            let mut paths = Vec::new();
            leaves(&toml::Value::Table(tree.clone()), "", &mut paths);
            if paths.is_empty() {
                continue;
            }
            let path = paths[r.random_range(0..paths.len())].clone();
            let v = value(&mut r);
            let parsed: Result<toml::Value, _> = format!("x = {v}")
                .parse::<toml::Table>()
                .map(|mut t| t.remove("x").expect("x"));
            let Ok(parsed) = parsed else { continue };
            let mut root = toml::Value::Table(tree);
            if crate::sweep::spec::set_path(&mut root, &path, parsed).is_err() {
                continue;
            }
            tree = match root {
                toml::Value::Table(t) => t,
                _ => continue,
            };
            let Ok(text) = toml::to_string(&tree) else {
                continue;
            };
            files[0].1 = text;
            mutations.push(Mutation::Field { path, value: v });
        } else {
            let (text, what) = text_edit(&files[f].1, csv, &mut r);
            files[f].1 = text;
            mutations.push(Mutation::Text(format!("{}: {what}", files[f].0)));
        }
    }
    Case { files, mutations }
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Refused with a located error; for a single field mutation, whether the error named
    /// that field (`None` for other mutations).
    Refused { right_field: Option<bool> },
    /// Ran and measured something.
    Ran,
    /// Accepted by validation, then the run failed with a reason (overload, nothing
    /// measured). Allowed, but counted: validation should have caught most.
    RunFailed(String),
    /// A violation of the rules: panic, unlocated error, bookkeeping, empty success.
    Violation(String),
}

/// Whether error field `f` names mutated field `p` (or an item or part of it).
fn names(f: &str, p: &str) -> bool {
    f == p
        || f.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        || p.strip_prefix(f).is_some_and(|rest| rest.starts_with('['))
}

fn located(e: &InputError, files: &[(String, String)], dir: &Path) -> Result<(), String> {
    let text = files
        .iter()
        .find(|(n, _)| dir.join(n) == e.file)
        .map(|(_, t)| t.as_str());
    // A file that is missing, empty or unreadable has no line to point at.
    let has_lines = text.is_some_and(|t| !t.trim().is_empty());
    if has_lines && e.line.is_none() {
        return Err(format!("no line: {e}"));
    }
    if has_lines && e.field.as_deref().is_none_or(str::is_empty) {
        return Err(format!("no field: {e}"));
    }
    if let (Some(t), Some(l)) = (text, e.line)
        && l > t.lines().count().max(1)
    {
        return Err(format!("line {l} past the end: {e}"));
    }
    Ok(())
}

/// Writes the case's files into `dir`, then validates and runs it as the CLI does.
pub fn check(c: &Case, dir: &Path) -> Outcome {
    for (name, text) in &c.files {
        if std::fs::write(dir.join(name), text).is_err() {
            return Outcome::Violation(format!("cannot write {name}"));
        }
    }
    let path = dir.join(&c.files[0].0);
    let limits = Limits {
        max_memory: FUZZ_MEMORY,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let l = match crate::run::load_with(&path, &limits) {
            Ok(l) => l,
            Err(Error::Input(e)) => {
                if let Err(m) = located(&e, &c.files, dir) {
                    return Outcome::Violation(m);
                }
                let right_field = match c.mutations.as_slice() {
                    // A renamed node or vehicle is missed where it is referenced: either
                    // place is right.
                    [Mutation::Field { path, .. }]
                        if path.ends_with(".id") || path.starts_with("vehicles[") =>
                    {
                        None
                    }
                    [Mutation::Field { path, .. }] => {
                        Some(e.field.as_deref().is_some_and(|f| names(f, path)))
                    }
                    _ => None,
                };
                return Outcome::Refused { right_field };
            }
            Err(e) => return Outcome::Violation(format!("not an input error: {e}")),
        };
        match crate::run::run(&l.scenario, &l.network, &l.sha256, &Default::default()) {
            Ok(o) => {
                let s = &o.summary;
                if s.measured_parcels_delivered == 0 {
                    Outcome::Violation("a successful run delivered nothing measured".into())
                } else if !s.cost_per_parcel_yuan.is_finite() || s.cost_per_parcel_yuan < 0.0 {
                    Outcome::Violation(format!("cost per parcel {}", s.cost_per_parcel_yuan))
                } else {
                    Outcome::Ran
                }
            }
            Err(e @ (Error::Run(_) | Error::Overload(_))) => Outcome::RunFailed(e.to_string()),
            Err(e) => Outcome::Violation(format!("run: {e}")),
        }
    }));
    for (name, _) in &c.files {
        let _ = std::fs::remove_file(dir.join(name));
    }
    outcome.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Outcome::Violation(format!("panic: {what}"))
    })
}

/// Counts of a campaign.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub cases: u64,
    pub refused: u64,
    /// Single-field mutations refused, and of them those naming the field.
    pub field_refused: u64,
    pub right_field: u64,
    pub ran: u64,
    pub run_failed: u64,
    /// Violations: (case number, mutations, what).
    pub violations: Vec<(u64, String, String)>,
    /// Run failures by their first words (what validation let through).
    pub run_failures: BTreeMap<String, u64>,
    /// Fields named wrongly, a few examples: (case, mutation, error field).
    pub wrong_fields: Vec<(u64, String)>,
    /// A few cases that validation accepted and the run refused: (case, mutations, why).
    pub run_failure_cases: Vec<(u64, String, String)>,
    /// Slowest case (s) and its number.
    pub slowest: (f64, u64),
}

impl Tally {
    /// Share of refused single-field mutations whose error names the mutated field.
    pub fn right_field_share(&self) -> f64 {
        self.right_field as f64 / self.field_refused.max(1) as f64
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} cases: {} refused with a located error, {} ran, {} accepted then failed at run time, {} violations",
            self.cases,
            self.refused,
            self.ran,
            self.run_failed,
            self.violations.len()
        )?;
        writeln!(
            f,
            "single-field mutations refused: {}, naming the mutated field: {} ({:.2} %)",
            self.field_refused,
            self.right_field,
            100.0 * self.right_field_share()
        )?;
        writeln!(
            f,
            "slowest case: {:.3} s (case {})",
            self.slowest.0, self.slowest.1
        )?;
        for (k, n) in &self.run_failures {
            writeln!(f, "  run failure `{k}`: {n}")?;
        }
        for (k, m, w) in self.violations.iter().take(20) {
            writeln!(f, "  VIOLATION case {k} ({m}): {w}")?;
        }
        for (k, m, w) in self.run_failure_cases.iter().take(10) {
            writeln!(f, "  accepted then failed, case {k} ({m}): {w}")?;
        }
        for (k, w) in self.wrong_fields.iter().take(20) {
            writeln!(f, "  wrong field, case {k}: {w}")?;
        }
        Ok(())
    }
}

fn describe(c: &Case) -> String {
    c.mutations
        .iter()
        .map(|m| match m {
            Mutation::Field { path, value } => {
                format!("{path} = {}", crate::error::show_text(value))
            }
            Mutation::Text(t) => crate::error::show_text(t),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs cases `from..to` of campaign `seed` in `dir` (a scratch folder of its own).
pub fn campaign(seed: u64, from: u64, to: u64, dir: &Path) -> Tally {
    let mut t = Tally::default();
    for k in from..to {
        let c = case(seed, k);
        let t0 = std::time::Instant::now();
        let o = check(&c, dir);
        let dt = t0.elapsed().as_secs_f64();
        if dt > t.slowest.0 {
            t.slowest = (dt, k);
        }
        t.cases += 1;
        match o {
            Outcome::Refused { right_field } => {
                t.refused += 1;
                if let Some(ok) = right_field {
                    t.field_refused += 1;
                    if ok {
                        t.right_field += 1;
                    } else if t.wrong_fields.len() < 50 {
                        let e = recheck_message(&c, dir);
                        t.wrong_fields.push((k, format!("{} → {e}", describe(&c))));
                    }
                }
            }
            Outcome::Ran => t.ran += 1,
            Outcome::RunFailed(m) => {
                t.run_failed += 1;
                let key: String = m.chars().take(60).collect();
                *t.run_failures.entry(key).or_default() += 1;
                if t.run_failure_cases.len() < 50 {
                    t.run_failure_cases
                        .push((k, describe(&c), m.chars().take(200).collect()));
                }
            }
            Outcome::Violation(m) => t.violations.push((k, describe(&c), m)),
        }
    }
    t
}

/// The error message of a refused case, for the report.
fn recheck_message(c: &Case, dir: &Path) -> String {
    for (name, text) in &c.files {
        let _ = std::fs::write(dir.join(name), text);
    }
    let r = crate::run::load_with(
        &dir.join(&c.files[0].0),
        &Limits {
            max_memory: FUZZ_MEMORY,
        },
    );
    for (name, _) in &c.files {
        let _ = std::fs::remove_file(dir.join(name));
    }
    match r {
        Err(e) => e
            .to_string()
            .replace(&dir.display().to_string(), "")
            .chars()
            .take(240)
            .collect(),
        Ok(_) => "accepted".into(),
    }
}

/// Merges the tallies of several workers.
pub fn merge(parts: Vec<Tally>) -> Tally {
    let mut t = Tally::default();
    for p in parts {
        t.cases += p.cases;
        t.refused += p.refused;
        t.field_refused += p.field_refused;
        t.right_field += p.right_field;
        t.ran += p.ran;
        t.run_failed += p.run_failed;
        t.violations.extend(p.violations);
        for (k, n) in p.run_failures {
            *t.run_failures.entry(k).or_default() += n;
        }
        t.wrong_fields.extend(p.wrong_fields);
        t.run_failure_cases.extend(p.run_failure_cases);
        if p.slowest.0 > t.slowest.0 {
            t.slowest = p.slowest;
        }
    }
    t.violations.sort();
    t.wrong_fields.sort();
    t
}

/// A scratch folder for worker `w`.
pub fn scratch(base: &Path, w: usize) -> PathBuf {
    let d = base.join(format!("w{w}"));
    let _ = std::fs::create_dir_all(&d);
    d
}
