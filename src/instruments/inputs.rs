//! Inputs named by dotted path (`costs.waybill_it`, `vehicles[2].fixed_cost`) and the
//! scenario they make: the base scenario as a TOML tree with every default filled in, edited
//! with the sweep's dotted-path edits and checked like a sweep point. `Model::evaluate` runs
//! a set of input points × seeds in parallel and returns the `compare` metrics in order.

use crate::error::{Error, Result};
use crate::network::Network;
use crate::progress::Progress;
use crate::run::{self, Loaded, RunOptions};
use crate::scenario::Scenario;
use crate::sweep::spec::{lookup, set_path, to_scenario};

/// The base scenario and its tree, ready to be edited.
pub struct Model<'a> {
    /// The loaded base scenario.
    pub loaded: &'a Loaded,
    tree: toml::Value,
}

/// The value of a numeric leaf of a tree.
fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

impl<'a> Model<'a> {
    /// The model of a loaded scenario: its defaults-filled tree.
    pub fn new(loaded: &'a Loaded) -> Model<'a> {
        let tree = toml::Value::try_from(&loaded.scenario).expect("a scenario serialises");
        Model { loaded, tree }
    }

    /// The base value of the numeric input at `path`, or a usage error saying why not.
    pub fn nominal(&self, path: &str) -> Result<f64> {
        match lookup(&self.tree, path) {
            Some(v) => number(v)
                .ok_or_else(|| Error::Usage(format!("input `{path}` is not a number (it is {v})"))),
            None => Err(Error::Usage(format!(
                "input `{path}` does not exist in the scenario (defaults filled in)"
            ))),
        }
    }

    /// Whether `path` names a numeric input of this scenario.
    pub fn has_number(&self, path: &str) -> bool {
        lookup(&self.tree, path).and_then(number).is_some()
    }

    /// Whether the input at `path` is an integer (values are rounded when set).
    pub fn is_integer(&self, path: &str) -> bool {
        matches!(lookup(&self.tree, path), Some(toml::Value::Integer(_)))
    }

    /// The scenario and network with `paths` set to `values`; a value the scenario rules
    /// refuse is a usage error naming the inputs.
    pub fn build(&self, paths: &[String], values: &[f64]) -> Result<(Scenario, Network)> {
        let mut tree = self.tree.clone();
        let what = || {
            paths
                .iter()
                .zip(values)
                .map(|(p, v)| format!("{p} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (p, &v) in paths.iter().zip(values) {
            set_path(&mut tree, p, toml::Value::Float(v))
                .map_err(|m| Error::Usage(format!("{}: {m}", what())))?;
        }
        let sc = to_scenario(tree, &self.loaded.source)
            .map_err(|m| Error::Usage(format!("{}: {m}", what())))?;
        let net = crate::network::build(&sc, &self.loaded.source)
            .map_err(|e| Error::Usage(format!("{}: {}", what(), e.message)))?;
        Ok((sc, net))
    }

    /// Runs every point (values of `paths`) with every seed, all in parallel, and returns
    /// the `compare` metric values by point and seed, in that order whatever the threads.
    pub fn evaluate(
        &self,
        paths: &[String],
        points: &[Vec<f64>],
        seeds: &[u64],
        threads: Option<usize>,
        progress: &Progress,
    ) -> Result<Vec<Vec<Vec<f64>>>> {
        self.evaluate_with(paths, points, seeds, threads, progress, |s| {
            Ok(crate::compare::metric_values(s))
        })
    }

    /// [`Model::evaluate`] with the values taken from each run's summary by `values`.
    pub fn evaluate_with(
        &self,
        paths: &[String],
        points: &[Vec<f64>],
        seeds: &[u64],
        threads: Option<usize>,
        progress: &Progress,
        values: impl Fn(&crate::run::Summary) -> Result<Vec<f64>> + Sync,
    ) -> Result<Vec<Vec<Vec<f64>>>> {
        let built = points
            .iter()
            .map(|p| self.build(paths, p))
            .collect::<Result<Vec<_>>>()?;
        let reps = seeds.len();
        let flat = super::par_runs(built.len() * reps, threads, progress, |i| {
            let ((sc, net), r) = (&built[i / reps], i % reps);
            let ro = RunOptions {
                seed: Some(seeds[r]),
                ..RunOptions::default()
            };
            run::run(sc, net, &self.loaded.sha256, &ro)
                .and_then(|o| values(&o.summary))
                .map_err(|e| match e {
                    Error::Bookkeeping(m) => {
                        Error::Bookkeeping(format!("point {} seed {}: {m}", i / reps, seeds[r]))
                    }
                    e => e,
                })
        })?;
        let mut it = flat.into_iter();
        Ok(built
            .iter()
            .map(|_| it.by_ref().take(reps).collect())
            .collect())
    }
}

impl Model<'_> {
    /// The `compare` metrics of each point run once with its own seed (`seeds[p]` for
    /// `points[p]`), in point order. Each scenario is built inside its run, so a large
    /// design does not hold every network at once; the first error in point order wins.
    pub fn evaluate_seeded(
        &self,
        paths: &[String],
        points: &[Vec<f64>],
        seeds: &[u64],
        threads: Option<usize>,
        progress: &Progress,
    ) -> Result<Vec<Vec<f64>>> {
        super::par_runs(points.len(), threads, progress, |i| {
            let (sc, net) = self.build(paths, &points[i])?;
            let ro = RunOptions {
                seed: Some(seeds[i]),
                ..RunOptions::default()
            };
            run::run(&sc, &net, &self.loaded.sha256, &ro)
                .map(|o| crate::compare::metric_values(&o.summary))
                .map_err(|e| match e {
                    Error::Bookkeeping(m) => {
                        Error::Bookkeeping(format!("point {i} seed {}: {m}", seeds[i]))
                    }
                    e => e,
                })
        })
    }
}

/// Index of `metric` among the `compare` metrics, or a usage error listing them.
pub fn metric_index(metric: &str) -> Result<usize> {
    let names = crate::compare::metric_names();
    names.iter().position(|m| m == metric).ok_or_else(|| {
        Error::Usage(format!(
            "unknown metric `{metric}`; one of: {}",
            names.join(", ")
        ))
    })
}

/// The numeric inputs a scenario file marks as assumptions: every `key = number` line
/// whose comment says "assumption", as a dotted path (`[[vehicles]]` tables indexed).
pub fn assumptions_in(text: &str) -> Vec<String> {
    let mut table = String::new();
    let mut arrays: std::collections::BTreeMap<String, usize> = Default::default();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = arrays.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
            continue;
        }
        let Some((code, comment)) = t.split_once('#') else {
            continue;
        };
        if !comment.to_lowercase().contains("assumption") {
            continue;
        }
        let Some((key, value)) = code.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if value.parse::<f64>().is_err() || key.is_empty() || key.contains(' ') {
            continue;
        }
        out.push(if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        });
    }
    out
}

/// The default inputs of `loaded`: the assumptions marked in its own file, or, for a file
/// that marks none, those marked in `scenarios/baseline.toml`; only those that are numbers
/// in this scenario.
pub fn default_inputs(model: &Model) -> Vec<String> {
    let own = assumptions_in(&model.loaded.source.text);
    let list = if own.is_empty() {
        assumptions_in(BASELINE)
    } else {
        own
    };
    list.into_iter().filter(|p| model.has_number(p)).collect()
}

/// The baseline scenario, whose comments mark the assumptions.
const BASELINE: &str = include_str!("../../scenarios/baseline.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumptions_are_found_by_their_comments() {
        let text = "a = 1 # sourced\nb = 2 # assumption\n[costs]\nx = 0.5 # (L1, assumption)\ny = \"s\" # assumption\n[[vehicles]]\nc = 3\n[[vehicles]]\nc = 4 # Assumption\n";
        assert_eq!(assumptions_in(text), ["b", "costs.x", "vehicles[1].c"]);
        let base = assumptions_in(BASELINE);
        assert!(base.contains(&"costs.waybill_it".to_string()), "{base:?}");
        assert!(
            base.contains(&"vehicles[0].fixed_cost".to_string()),
            "{base:?}"
        );
    }
}
