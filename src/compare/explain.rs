//! Explaining the change of a metric from one scenario (FROM) to another (TO) by its
//! **levers**: the top-level sections of the scenario (`costs`, `org`, `network`, `days`...)
//! whose values differ between the two, defaults filled in; `name` and `seed` are not levers.
//!
//! Why Shapley values: levers interact (another management layer costs less per parcel once
//! the volume has grown), so the share of the change one lever gets depends on the order in
//! which the levers are switched from FROM to TO. The Shapley value of a lever is its effect
//! averaged over every order: with `v(S)` the mean metric of FROM with the sections in `S`
//! taken from TO,
//!
//! ```text
//! φ_i = Σ over S ⊆ L \ {i} of |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))
//! ```
//!
//! The values add up to the whole change, `Σ φ_i = v(L) − v(∅)` (checked on every run), and
//! a single lever gets exactly the plain difference. Every subset is simulated (2^n mixed
//! scenarios, `n` ≤ [`MAX_LEVERS`]), all with the same seeds, so that `v(S ∪ {i}) − v(S)`
//! is not drowned in noise.
//!
//! Files: `explain.csv` (per lever: Shapley value, share of the change, and a 95 % CI from
//! the Shapley values of the single replications), `subsets.csv` (every mixed scenario's mean
//! and CI), `explain.json` (inputs, seeds, levers, the values the waterfall chart shows) and
//! `plots/waterfall.{png,svg}`.

use super::{InputJson, Job, Options, column, labels, metric_names, run_jobs};
use crate::error::{Error, InputError, Result};
use crate::files::{csv_bytes, json_bytes, write_atomic};
pub use crate::format::explain::{ExplainJson, LeverRow};
use crate::metrics::interval;
use crate::network::Network;
use crate::run::Loaded;
use crate::scenario::{Scenario, Source};
use crate::sweep::spec::{lookup, set_path, to_scenario};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Most levers explained: every subset of them is a scenario to simulate (2^8 = 256).
pub const MAX_LEVERS: usize = 8;

/// Top-level keys that are not levers: they name a run, seed it (every run gets its seed
/// from the replication) or set how long it measures. Every mixed scenario takes them from
/// FROM, so a lever's effect is measured over the same window.
const NOT_LEVERS: [&str; 5] = ["name", "seed", "days", "warmup_days", "drain_days"];

/// Fields holding a path relative to the scenario file. They are made absolute from each
/// file's own folder before the two trees are compared or mixed, so that a section taken from
/// TO still reads TO's files, and two files naming the same data from different folders do
/// not differ.
const RELATIVE_PATHS: [&str; 3] = [
    "network.generate.cities_file",
    "network.nodes_file",
    "network.lanes_file",
];

/// A scenario as a TOML tree with every default filled in and its relative paths absolute.
fn tree(l: &Loaded) -> Result<toml::Value> {
    let mut t = toml::Value::try_from(&l.scenario).expect("a scenario serialises");
    for field in RELATIVE_PATHS {
        let Some(toml::Value::String(rel)) = lookup(&t, field) else {
            continue;
        };
        let joined = l.source.resolve(rel);
        // Canonical where the file exists (it does: the scenario was built), so that `..`
        // and links do not make equal paths differ.
        let abs = std::fs::canonicalize(&joined)
            .or_else(|_| std::path::absolute(&joined))
            .map_err(|e| Error::io(&joined, e))?;
        let abs = abs.to_str().ok_or_else(|| {
            Error::Usage(format!(
                "{}: field `{field}`: the path {} is not valid UTF-8",
                l.source.path.display(),
                abs.display()
            ))
        })?;
        set_path(&mut t, field, toml::Value::String(abs.to_string()))
            .expect("the field was just read");
    }
    Ok(t)
}

/// The top-level keys whose values differ between two scenario trees, `name` and `seed`
/// left out, in the trees' key order.
pub fn levers(from: &toml::Value, to: &toml::Value) -> Vec<String> {
    let empty = toml::Table::new();
    let a = from.as_table().unwrap_or(&empty);
    let b = to.as_table().unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    keys.into_iter()
        .filter(|k| !NOT_LEVERS.contains(&k.as_str()))
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// `|S|! (n − |S| − 1)! / n!` for `|S|` = 0..n: the weight of adding a lever to a coalition of
/// that size (the share of orders in which exactly that coalition precedes it).
fn weights(n: usize) -> Vec<f64> {
    let fact = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
    (0..n)
        .map(|s| fact(s) * fact(n - s - 1) / fact(n))
        .collect()
}

/// Shapley values of `n` levers from `v`, the value of every subset indexed by its bit mask
/// (bit `i` set: lever `i` taken from TO).
pub fn shapley(n: usize, v: &[f64]) -> Vec<f64> {
    assert_eq!(v.len(), 1 << n, "one value per subset");
    let w = weights(n);
    (0..n)
        .map(|i| {
            let bit = 1 << i;
            (0..v.len())
                .filter(|s| s & bit == 0)
                .map(|s| w[(s as u32).count_ones() as usize] * (v[s | bit] - v[s]))
                .sum()
        })
        .collect()
}

/// How a subset is named in files and messages: `lever+lever`, or `(none)`.
fn subset_name(levers: &[String], mask: usize) -> String {
    let names: Vec<&str> = levers
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, l)| l.as_str())
        .collect();
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join("+")
    }
}

/// What is wrong with a mixed scenario's network: the field and message when the error is
/// in the scenario itself (its line would point into FROM's file, which is not what was
/// built), the whole located error when it is in a data file (a CSV).
fn reason(e: InputError, src: &Source) -> String {
    if e.file == src.path {
        match e.field {
            Some(f) => format!("field `{f}`: {}", e.message),
            None => e.message,
        }
    } else {
        e.to_string()
    }
}

/// One subset of levers, built: FROM with these sections taken from TO.
struct Subset {
    name: String,
    scenario: Scenario,
    network: Network,
}

/// Two scenarios loaded, their levers found and every mixed scenario checked and built.
pub struct Explain {
    /// The inputs; the results are added by [`Explain::run`].
    info: ExplainJson,
    metric_index: usize,
    /// FROM's hash, recorded in every mixed run's summary (no metric depends on it).
    sha256: String,
    subsets: Vec<Subset>,
    opts: Options,
}

impl Explain {
    /// Loads FROM and TO, finds the levers and builds every subset's scenario and network,
    /// so that every input error (an unknown metric, identical scenarios, too many levers, a
    /// mix the scenario rules reject) is reported before anything runs or is written.
    pub fn load(from: &Path, to: &Path, metric: &str, opts: Options) -> Result<Explain> {
        opts.check()?;
        let names = metric_names();
        let metric_index = names.iter().position(|m| m == metric).ok_or_else(|| {
            Error::Usage(format!(
                "unknown metric `{metric}`; choose one of: {}",
                names.join(", ")
            ))
        })?;
        let (a, b) = (crate::run::load(from)?, crate::run::load(to)?);
        let (ta, tb) = (tree(&a)?, tree(&b)?);
        let levers = levers(&ta, &tb);
        if levers.is_empty() {
            return Err(Error::Usage(format!(
                "{} and {} differ in no section besides `name` and `seed`: nothing to explain",
                from.display(),
                to.display()
            )));
        }
        if levers.len() > MAX_LEVERS {
            return Err(Error::Usage(format!(
                "{} sections differ ({}); explain simulates every subset of them and takes at most {MAX_LEVERS}: compare scenarios that are closer",
                levers.len(),
                levers.join(", ")
            )));
        }
        let mut label = labels(&[from, to]).into_iter();
        let (la, lb) = (label.next().expect("two"), label.next().expect("two"));
        let mut subsets = Vec::with_capacity(1 << levers.len());
        for mask in 0..1usize << levers.len() {
            let name = subset_name(&levers, mask);
            let invalid = |why: String| {
                Error::Usage(format!(
                    "{} with `{name}` taken from {} is not a valid scenario: {why}",
                    from.display(),
                    to.display()
                ))
            };
            let mut t = ta.clone();
            let table = t.as_table_mut().expect("a scenario is a table");
            for (i, lever) in levers.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    match tb.get(lever) {
                        Some(v) => table.insert(lever.clone(), v.clone()),
                        None => table.remove(lever),
                    };
                }
            }
            let scenario = to_scenario(t, &a.source).map_err(invalid)?;
            let network = crate::network::build(&scenario, &a.source)
                .map_err(|e| invalid(reason(e, &a.source)))?;
            subsets.push(Subset {
                name,
                scenario,
                network,
            });
        }
        let info = ExplainJson {
            version: env!("CARGO_PKG_VERSION").to_string(),
            metric: metric.to_string(),
            from: InputJson::new(la, from, &a),
            to: InputJson::new(lb, to, &b),
            replications: opts.replications,
            base_seed: opts.seed,
            seeds: opts.seeds(),
            common_random_numbers: true,
            levers,
            subsets: subsets.len(),
            // Filled in by `run`.
            from_value: f64::NAN,
            to_value: f64::NAN,
            change: f64::NAN,
            attribution: Vec::new(),
            failed_runs: Vec::new(),
        };
        Ok(Explain {
            info,
            metric_index,
            sha256: a.sha256,
            subsets,
            opts,
        })
    }

    /// The levers found, in the order of the scenario's sections.
    pub fn levers(&self) -> &[String] {
        &self.info.levers
    }

    /// Runs every subset × replication and attributes the change to the levers.
    pub fn run(&self) -> Result<Explanation> {
        let jobs: Vec<Job> = self
            .subsets
            .iter()
            .map(|s| Job {
                label: &s.name,
                scenario: &s.scenario,
                network: &s.network,
                sha256: &self.sha256,
            })
            .collect();
        let (values, failed_runs) = run_jobs(&jobs, &self.opts)?;
        // [subset][replication] of the explained metric.
        let per_rep: Vec<Vec<f64>> = values
            .iter()
            .map(|rows| column(rows, self.metric_index))
            .collect();
        let subsets: Vec<SubsetRow> = self
            .subsets
            .iter()
            .zip(&per_rep)
            .map(|(s, xs)| {
                let i = interval(xs);
                SubsetRow {
                    subset: s.name.clone(),
                    mean: i.mean,
                    ci_low: i.ci.map(|c| c.0),
                    ci_high: i.ci.map(|c| c.1),
                }
            })
            .collect();
        let n = self.info.levers.len();
        let v: Vec<f64> = subsets.iter().map(|s| s.mean).collect();
        let phi = shapley(n, &v);
        let (from_value, to_value) = (v[0], v[v.len() - 1]);
        let change = to_value - from_value;
        let sum: f64 = phi.iter().sum();
        let scale = 1f64.max(from_value.abs()).max(to_value.abs());
        // Written so that a NaN fails the check too.
        let adds_up = (sum - change).abs() <= 1e-9 * scale;
        if !adds_up {
            return Err(Error::Bookkeeping(format!(
                "the Shapley values of {} sum to {sum} but it changes by {change}",
                self.info.metric
            )));
        }
        // The Shapley value is linear in v: those of the single replications average to φ,
        // and their spread gives its interval.
        // Replications left after failed ones were taken out.
        let reps = per_rep.first().map_or(0, Vec::len);
        let phi_reps: Vec<Vec<f64>> = (0..reps)
            .map(|r| {
                let vr: Vec<f64> = per_rep.iter().map(|xs| xs[r]).collect();
                shapley(n, &vr)
            })
            .collect();
        let attribution = self
            .info
            .levers
            .iter()
            .enumerate()
            .map(|(i, lever)| {
                let ci = interval(&phi_reps.iter().map(|p| p[i]).collect::<Vec<_>>()).ci;
                LeverRow {
                    lever: lever.clone(),
                    shapley: phi[i],
                    share_of_change: (change != 0.0).then(|| phi[i] / change),
                    ci_low: ci.map(|c| c.0),
                    ci_high: ci.map(|c| c.1),
                }
            })
            .collect();
        let mut info = self.info.clone();
        info.from_value = from_value;
        info.to_value = to_value;
        info.change = change;
        info.attribution = attribution;
        info.failed_runs = failed_runs;
        Ok(Explanation { info, subsets })
    }
}

/// One row of `subsets.csv`: FROM with the subset's sections from TO.
#[derive(Debug, Clone, Serialize)]
pub struct SubsetRow {
    /// The sections taken from TO, joined by `+` (`(none)` for FROM itself).
    pub subset: String,
    /// The metric's mean over the replications.
    pub mean: f64,
    /// Low end of its 95 % interval (empty with one replication).
    pub ci_low: Option<f64>,
    /// High end of its 95 % interval.
    pub ci_high: Option<f64>,
}

/// The outcome of an explanation.
pub struct Explanation {
    /// What `explain.json` records.
    pub info: ExplainJson,
    /// Every subset, by bit mask (bit `i`: lever `i` from TO).
    pub subsets: Vec<SubsetRow>,
}

impl Explanation {
    /// Writes `explain.csv`, `subsets.csv`, then `explain.json`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_atomic(
            &dir.join("explain.csv"),
            &csv_bytes(&self.info.attribution)?,
        )?;
        write_atomic(&dir.join("subsets.csv"), &csv_bytes(&self.subsets)?)?;
        write_atomic(&dir.join("explain.json"), &json_bytes(&self.info))
    }

    /// The attribution table for the terminal.
    pub fn table(&self) -> String {
        let i = &self.info;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} {:.4} → {} {:.4}, change {:+.4} ({} subsets × {} replications with common random numbers)",
            i.metric,
            i.from.label,
            i.from_value,
            i.to.label,
            i.to_value,
            i.change,
            i.subsets,
            i.replications
        );
        let _ = writeln!(out);
        let mut rows = vec![vec![
            "lever".to_string(),
            "Shapley value".into(),
            "95 % CI".into(),
            "share of change".into(),
        ]];
        let share = |s: Option<f64>| s.map_or(String::new(), |s| format!("{:.1}%", s * 100.0));
        for a in &i.attribution {
            rows.push(vec![
                a.lever.clone(),
                format!("{:+.4}", a.shapley),
                match (a.ci_low, a.ci_high) {
                    (Some(lo), Some(hi)) => format!("[{lo:+.4}, {hi:+.4}]"),
                    _ => String::new(),
                },
                share(a.share_of_change),
            ]);
        }
        rows.push(vec![
            "total".into(),
            format!("{:+.4}", i.change),
            String::new(),
            share((i.change != 0.0).then_some(1.0)),
        ]);
        out.push_str(&super::columns(&rows));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapley_values_of_a_known_game() {
        // v(∅) = 0, v({0}) = 1, v({1}) = 2, v({0, 1}) = 6: the interaction 3 is split evenly.
        let phi = shapley(2, &[0.0, 1.0, 2.0, 6.0]);
        assert_eq!(phi, vec![2.5, 3.5]);
        // One lever: the plain difference.
        assert_eq!(shapley(1, &[2.0, 2.75]), vec![0.75]);
        // Additive game: each lever gets its own effect; the values sum to the change.
        let effects = [0.5, -1.0, 2.0];
        let v: Vec<f64> = (0..8usize)
            .map(|s| {
                (0..3)
                    .filter(|i| s & (1 << i) != 0)
                    .map(|i| effects[i])
                    .sum()
            })
            .collect();
        let phi = shapley(3, &v);
        for (p, e) in phi.iter().zip(effects) {
            assert!((p - e).abs() < 1e-12, "{phi:?}");
        }
        assert!(
            (weights(8)
                .iter()
                .enumerate()
                .map(|(s, w)| {
                    // Each coalition size s occurs C(7, s) times; the weights of one lever sum to 1.
                    let c = (0..s).fold(1.0, |acc, k| acc * (7 - k) as f64 / (k + 1) as f64);
                    c * w
                })
                .sum::<f64>()
                - 1.0)
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn levers_are_the_differing_sections_without_name_and_seed() {
        let a: toml::Value =
            toml::from_str("name = 'a'\nseed = 1\ndays = 2\n[costs]\nx = 1\n[org]\ny = 2").unwrap();
        let b: toml::Value = toml::from_str(
            "name = 'b'\nseed = 9\ndays = 2\n[costs]\nx = 3\n[org]\ny = 2\n[extra]\nz = 0",
        )
        .unwrap();
        let mut l = levers(&a, &b);
        l.sort();
        assert_eq!(l, ["costs", "extra"]);
        assert_eq!(subset_name(&l, 0), "(none)");
        assert_eq!(subset_name(&l, 3), "costs+extra");
        assert_eq!(subset_name(&l, 2), "extra");
    }
}
