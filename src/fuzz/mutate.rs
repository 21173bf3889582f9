//! Mutations of a seed scenario, as text (edits of lines, keys and values) and as parsed
//! structure (one field set to an awkward value), drawn from a seeded random stream: case `k`
//! of a campaign is reproducible from (seed, k).

use super::seeds::seeds;
use crate::random::{Rng, Stream, rng};
use rand::RngExt;

/// What was changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// One field of the parsed scenario set to a value: an error must name this field.
    Field {
        /// Dotted path of the field.
        path: String,
        /// The value, as TOML.
        value: String,
    },
    /// Any other edit (lines deleted, duplicated, swapped, truncated, bytes, CSV cells).
    Text(String),
}

/// One fuzz case: the files to write, and the mutations made.
#[derive(Debug, Clone)]
pub struct Case {
    /// The files to write: (name, text), the scenario first.
    pub files: Vec<(String, String)>,
    /// The mutations made, in order.
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
    "parcels_per_outlet",
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
