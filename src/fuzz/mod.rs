//! A mutation fuzzer of scenario files: tiny seed scenarios (an inline network, a network
//! in CSV files, a generated one, one with the shop) are mutated, as text and as parsed
//! structure, by a seeded random stream, then validated and run as the CLI does.
//!
//! Every case must end one of three ways: refused with a located error (file, line,
//! field), run with something measured and delivered and a finite cost, or a run failure
//! with its reason (overload, nothing measured). A panic, an unlocated error, a failed
//! bookkeeping check or a "successful" empty run is a violation. Used by `tests/fuzz.rs`
//! (a few thousand cases) and `examples/fuzz.rs` (the long run).
//!
//! Files: `seeds.rs` (the seed scenarios), `mutate.rs` (text and structural mutations),
//! `check.rs` (one case validated, run and classified); this one runs campaigns and tallies.

use crate::workload::Limits;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod check;
mod mutate;
mod seeds;

pub use check::{Outcome, check};
pub use mutate::{Case, Mutation, case};
pub use seeds::{Seed, seeds};

/// Memory allowed to a fuzzed run: a few tens of thousands of parcels, so that a case
/// takes milliseconds and a mutation to a huge volume is refused by the workload check.
pub const FUZZ_MEMORY: f64 = 80e6;

/// Counts of a campaign.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Cases generated.
    pub cases: u64,
    /// Cases refused with a located error.
    pub refused: u64,
    /// Single-field mutations refused, and of them those naming the field.
    pub field_refused: u64,
    /// Of `field_refused`, those whose error named the mutated field.
    pub right_field: u64,
    /// Cases that ran and measured something.
    pub ran: u64,
    /// Cases accepted by validation whose run then failed with a reason.
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
