//! The check of one case: validated and run as the CLI does, and classified — refused with
//! a located error, ran, failed at run time with its reason, or a violation.

use super::FUZZ_MEMORY;
use super::mutate::{Case, Mutation};
use crate::error::{Error, InputError};
use crate::workload::Limits;
use std::path::Path;

/// How a case ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Refused with a located error; for a single field mutation, whether the error named
    /// that field (`None` for other mutations).
    Refused {
        /// Whether the error named the mutated field; `None` for other mutations.
        right_field: Option<bool>,
    },
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
