//! Marginal cost: what one more parcel costs the chain, in resources, when the daily volume
//! grows by a small step.
//!
//! Each replication is a pair of runs with the same seed on the same network (planned for
//! the base volume, so this is the short-run marginal cost: the lines, couriers and lanes
//! stay as they are): the base run, and the run whose demand is the base demand plus an
//! independent Poisson stream of `step` times it, drawn from its own random stream
//! (`Stream::ExtraDemand`). The base orders are therefore the same in both runs and the
//! second has the extra ones on top; service times, failures and incidents come from the
//! runs' other streams. The marginal cost of the replication is the difference in the
//! measured parcels' resources (exact micro-yuan, `run::MeasuredBooks`) over the difference
//! in measured parcels delivered; its 95 % interval is the Student-t interval over the
//! replications. The same is done for each activity and for each party's resources and
//! margin (transfers included), next to the average (the run's `cost_per_parcel_yuan`).
//!
//! Files: `marginal.csv` (one row per line: average and marginal with intervals),
//! `replications.csv` (the pairs), `marginal.json` (inputs, seeds, method); from them
//! `plots/marginal.{png,svg}`, `results.xlsx` and `report.html`.

use crate::accounts::Party;
use crate::cost::{Activity, Money};
use crate::error::{Error, Result};
use crate::files::{csv_bytes, json_bytes, write_atomic};
use crate::metrics::{Interval, interval};
use crate::network::Network;
use crate::run::{self, Loaded, MeasuredBooks, RunOptions};
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// How a marginal cost is measured: the extra volume and the replications (the same
/// options as a comparison's, seeds included).
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra volume as a share of the daily volume (e.g. 0.01).
    pub step: f64,
    /// Pairs of runs (at least 2), their seeds, threads and progress.
    pub runs: crate::compare::Options,
}

/// The two runs of one replication.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// Seed of the replication, shared by both runs.
    pub seed: u64,
    /// The measured books at the base volume.
    pub base: MeasuredBooks,
    /// The measured books with the extra Poisson volume on top.
    pub plus: MeasuredBooks,
}

/// Runs the pairs of every replication (2 × replications runs in parallel), in
/// replication order.
pub fn pairs(sc: &Scenario, net: &Network, sha256: &str, opts: &Options) -> Result<Vec<Pair>> {
    super::check_replications(opts.runs.replications)?;
    let seeds = opts.runs.seeds();
    let books = super::par_runs(
        2 * seeds.len(),
        opts.runs.threads,
        &opts.runs.progress,
        |i| {
            let (r, plus) = (i / 2, i % 2 == 1);
            let ro = RunOptions {
                seed: Some(seeds[r]),
                extra_demand: if plus { opts.step } else { 0.0 },
                ..RunOptions::default()
            };
            run::run(sc, net, sha256, &ro)
                .map(|o| o.books)
                .map_err(|e| match e {
                    Error::Bookkeeping(m) => Error::Bookkeeping(format!(
                        "replication {r} (seed {}){}: {m}",
                        seeds[r],
                        if plus { ", with the extra volume" } else { "" }
                    )),
                    e => e,
                })
        },
    )?;
    let pairs: Vec<Pair> = books
        .chunks_exact(2)
        .zip(&seeds)
        .map(|(b, &seed)| Pair {
            seed,
            base: b[0],
            plus: b[1],
        })
        .collect();
    for (r, p) in pairs.iter().enumerate() {
        p.extra_parcels().map_err(|m| {
            Error::Usage(format!(
                "replication {r} (seed {}): {m}; use a larger --volume-step or more measured days",
                p.seed
            ))
        })?;
    }
    Ok(pairs)
}

impl Pair {
    /// The measured parcels the extra volume added; an error when it added none (the
    /// marginal cost is then undefined).
    pub fn extra_parcels(&self) -> std::result::Result<u64, String> {
        if self.plus.delivered <= self.base.delivered {
            return Err(format!(
                "the extra volume added no measured parcel ({} → {})",
                self.base.delivered, self.plus.delivered
            ));
        }
        Ok(self.plus.delivered - self.base.delivered)
    }

    /// Average (per base parcel) and marginal (per extra parcel) yuan of every line of
    /// [`lines`], in that order.
    fn per_line(&self) -> (Vec<f64>, Vec<f64>) {
        let (b, x) = (values(&self.base), values(&self.plus));
        let n = self.base.delivered as i64;
        let dn = self.plus.delivered as i64 - n;
        b.iter()
            .zip(&x)
            .map(|(&b, &x)| (per_parcel(b, n), per_parcel(x - b, dn)))
            .unzip()
    }

    /// Marginal cost of the total resources and of each activity (in
    /// [`Activity::ALL`] order), yuan per extra parcel: the columns a sweep records.
    pub fn marginal_by_activity(&self) -> Vec<f64> {
        let mut m = self.per_line().1;
        m.truncate(1 + Activity::ALL.len());
        m
    }
}

/// One line of the account that gets an average and a marginal cost: the total, an
/// activity, or a party's resources or margin.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// `total`, `activity`, `party_resources` or `party_margin`.
    pub scope: &'static str,
    /// The activity or party's name; `total` for the total.
    pub item: &'static str,
}

/// The lines, in table order, for the operating model of `b`.
fn lines(b: &MeasuredBooks) -> Vec<Line> {
    let mut v = vec![Line {
        scope: "total",
        item: "resources",
    }];
    v.extend(Activity::ALL.iter().map(|a| Line {
        scope: "activity",
        item: a.name(),
    }));
    for p in parties(b) {
        if p != Party::Shop {
            v.push(Line {
                scope: "party_resources",
                item: p.name(),
            });
        }
    }
    v.extend(parties(b).map(|p| Line {
        scope: "party_margin",
        item: p.name(),
    }));
    v
}

/// The parties of the operating model (a direct network has no outlet businesses).
fn parties(b: &MeasuredBooks) -> impl Iterator<Item = Party> + '_ {
    Party::ALL
        .into_iter()
        .filter(move |&p| !(b.prices.direct && p == Party::Outlets))
}

/// Exact values of [`lines`] in the books of one run.
fn values(b: &MeasuredBooks) -> Vec<Money> {
    let resources = |p: Party| {
        if p == Party::Shop {
            Money::ZERO
        } else {
            b.prices.resources_of(p, &b.cost)
        }
    };
    let mut v = vec![b.cost.total()];
    v.extend(Activity::ALL.iter().map(|&a| b.cost.get(a)));
    for p in parties(b) {
        if p != Party::Shop {
            v.push(resources(p));
        }
    }
    for p in parties(b) {
        let (received, paid) = b.transfers.received_and_paid(p);
        v.push(received - paid - resources(p));
    }
    v
}

/// Yuan per parcel of `m` over `n` parcels, computed so that `k·n` micro-yuan over `n`
/// parcels gives the same value for every `n` (exact comparisons of average and marginal).
fn per_parcel(m: Money, n: i64) -> f64 {
    (m.0 as f64 / n as f64) / 1e6
}

/// Average and marginal cost of one line.
#[derive(Debug, Clone, Serialize)]
pub struct LineResult {
    /// Which line.
    #[serde(flatten)]
    pub line: Line,
    /// Per replication: base value per base parcel, and the difference per extra parcel.
    pub average_by_replication: Vec<f64>,
    /// Per replication: the difference per extra parcel (yuan).
    pub marginal_by_replication: Vec<f64>,
    /// Average cost per parcel with its 95 % interval over replications (yuan).
    #[serde(skip)]
    pub average: Interval,
    /// Marginal cost per extra parcel with its 95 % interval (yuan).
    #[serde(skip)]
    pub marginal: Interval,
}

/// Average and marginal cost of every line from the pairs.
pub fn results(pairs: &[Pair]) -> Vec<LineResult> {
    let Some(first) = pairs.first() else {
        return Vec::new();
    };
    let per_pair: Vec<(Vec<f64>, Vec<f64>)> = pairs.iter().map(Pair::per_line).collect();
    lines(&first.base)
        .into_iter()
        .enumerate()
        .map(|(k, line)| {
            let avg: Vec<f64> = per_pair.iter().map(|(a, _)| a[k]).collect();
            let marg: Vec<f64> = per_pair.iter().map(|(_, m)| m[k]).collect();
            LineResult {
                line,
                average: interval(&avg),
                marginal: interval(&marg),
                average_by_replication: avg,
                marginal_by_replication: marg,
            }
        })
        .collect()
}

/// `marginal.json`: what was measured and how to reproduce it.
#[derive(Debug, Clone, Serialize)]
pub struct MarginalJson {
    /// parcelsim version that wrote the file.
    pub version: String,
    /// The scenario file, as given.
    pub scenario_file: String,
    /// The scenario's `name`.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Base volume (parcels/day).
    pub daily_parcels: f64,
    /// Extra volume as a share of the base (-).
    pub volume_step: f64,
    /// Pairs of runs.
    pub replications: u32,
    /// Seed the replications' seeds derive from.
    pub base_seed: u64,
    /// Seed of each replication, used by both runs of its pair.
    pub seeds: Vec<u64>,
    /// Whether both runs of a pair share their orders (always true: the extra volume has its own stream).
    pub common_random_numbers: bool,
    /// How the figures were measured, in words.
    pub method: &'static str,
}

/// The method as recorded in `marginal.json`.
pub const METHOD: &str = "paired runs per replication on the network planned for the base volume (short-run marginal cost): base demand, and base demand plus an independent Poisson stream of volume_step times it from its own random stream (the same orders plus extra ones); marginal = difference in the measured parcels' resources (micro-yuan) / difference in measured parcels delivered; 95 % Student-t interval over replications";

/// A measured marginal cost.
pub struct Marginal {
    /// What `marginal.json` records.
    pub info: MarginalJson,
    /// The runs, one pair per replication.
    pub pairs: Vec<Pair>,
    /// Average and marginal cost of each line, in table order.
    pub lines: Vec<LineResult>,
}

impl Marginal {
    /// Measures the marginal cost of a loaded scenario.
    pub fn measure(file: &Path, l: &Loaded, opts: &Options) -> Result<Marginal> {
        let pairs = pairs(&l.scenario, &l.network, &l.sha256, opts)?;
        let info = MarginalJson {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: file.display().to_string(),
            scenario: l.scenario.name.clone(),
            scenario_sha256: l.sha256.clone(),
            daily_parcels: l.scenario.demand.daily_parcels,
            volume_step: opts.step,
            replications: opts.runs.replications,
            base_seed: opts.runs.seed,
            seeds: opts.runs.seeds(),
            common_random_numbers: true,
            method: METHOD,
        };
        Ok(Marginal {
            info,
            lines: results(&pairs),
            pairs,
        })
    }

    /// The result of a line.
    pub fn get(&self, scope: &str, item: &str) -> Option<&LineResult> {
        self.lines
            .iter()
            .find(|r| r.line.scope == scope && r.line.item == item)
    }

    /// The total: average and marginal cost per parcel in resources.
    pub fn total(&self) -> &LineResult {
        &self.lines[0]
    }

    /// Writes `marginal.csv`, `replications.csv` and `marginal.json` (the chart, workbook
    /// and report are drawn from them: [`crate::folder::write_extras`]).
    pub fn write(&self, dir: &Path) -> Result<()> {
        #[derive(Serialize)]
        struct Row<'a> {
            scope: &'a str,
            item: &'a str,
            average_yuan: f64,
            average_ci_low: Option<f64>,
            average_ci_high: Option<f64>,
            marginal_yuan: f64,
            marginal_ci_low: Option<f64>,
            marginal_ci_high: Option<f64>,
            marginal_sd: Option<f64>,
        }
        let rows: Vec<Row> = self
            .lines
            .iter()
            .map(|r| Row {
                scope: r.line.scope,
                item: r.line.item,
                average_yuan: r.average.mean,
                average_ci_low: r.average.ci.map(|c| c.0),
                average_ci_high: r.average.ci.map(|c| c.1),
                marginal_yuan: r.marginal.mean,
                marginal_ci_low: r.marginal.ci.map(|c| c.0),
                marginal_ci_high: r.marginal.ci.map(|c| c.1),
                marginal_sd: r.marginal.sd,
            })
            .collect();
        #[derive(Serialize)]
        struct Rep {
            replication: usize,
            seed: u64,
            parcels_base: u64,
            parcels_plus: u64,
            extra_parcels: u64,
            resources_base_yuan: f64,
            resources_plus_yuan: f64,
            average_yuan: f64,
            marginal_yuan: f64,
        }
        let total = self.total();
        let reps: Vec<Rep> = self
            .pairs
            .iter()
            .enumerate()
            .map(|(r, p)| Rep {
                replication: r,
                seed: p.seed,
                parcels_base: p.base.delivered,
                parcels_plus: p.plus.delivered,
                extra_parcels: p.plus.delivered - p.base.delivered,
                resources_base_yuan: p.base.cost.total().yuan(),
                resources_plus_yuan: p.plus.cost.total().yuan(),
                average_yuan: total.average_by_replication[r],
                marginal_yuan: total.marginal_by_replication[r],
            })
            .collect();
        write_atomic(&dir.join("marginal.csv"), &csv_bytes(&rows)?)?;
        write_atomic(&dir.join("replications.csv"), &csv_bytes(&reps)?)?;
        write_atomic(&dir.join("marginal.json"), &json_bytes(&self.info))?;
        Ok(())
    }

    /// The terminal table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} parcels/day + {} %, {} paired replications with common random numbers (base seed {}); yuan per parcel, mean ± half-width of the 95 % CI",
            self.info.scenario,
            self.info.daily_parcels,
            self.info.volume_step * 100.0,
            self.info.replications,
            self.info.base_seed
        );
        let _ = writeln!(out, "\n{:<34} {:>20} {:>20}", "", "average", "marginal");
        let pm = |i: &Interval| match i.ci {
            Some((lo, hi)) => format!("{:.4} ± {:.4}", i.mean, (hi - lo) / 2.0),
            None => format!("{:.4}", i.mean),
        };
        let mut scope = "";
        for r in &self.lines {
            if r.line.scope != scope {
                scope = r.line.scope;
                if scope != "total" {
                    let _ = writeln!(out, "{}", scope.replace('_', " "));
                }
            }
            let name = if scope == "total" {
                "total resources".to_string()
            } else {
                format!("  {}", r.line.item)
            };
            let _ = writeln!(
                out,
                "{name:<34} {:>20} {:>20}",
                pm(&r.average),
                pm(&r.marginal)
            );
        }
        out
    }
}
