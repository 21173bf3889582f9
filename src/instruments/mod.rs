//! The analyst's instruments on top of replicated runs: marginal cost ([`marginal`]),
//! which inputs matter ([`sensitivity`]) and fitting inputs to observations ([`calibrate`]).
//!
//! Each runs many independent runs on rayon with seeds derived from (base seed,
//! replication), puts their results in run order before computing anything, and writes a
//! folder like `compare` does (CSV, JSON with the inputs and seeds, charts): every file is
//! byte-identical whatever the thread count.

pub mod calibrate;
pub mod chart;
pub mod inputs;
pub mod marginal;
pub mod optimise;
pub mod sensitivity;
pub mod sobol;

use crate::error::{Error, Result};
use crate::progress::Progress;
use rayon::prelude::*;

/// Runs `f(i)` for `i` in `0..n` on a pool of `threads` workers (one per core by default)
/// and returns the results in index order; the first error in that order wins, so errors
/// too are independent of the thread count.
pub(crate) fn par_runs<T: Send>(
    n: usize,
    threads: Option<usize>,
    progress: &Progress,
    f: impl Fn(usize) -> Result<T> + Sync + Send,
) -> Result<Vec<T>> {
    let pool = crate::sweep::thread_pool(threads)?;
    let bar = progress.batch(n);
    let out: Vec<Result<T>> = pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let r = f(i);
                bar.done();
                r
            })
            .collect()
    });
    drop(bar);
    out.into_iter().collect()
}

/// A share given as `1%` or `0.01`.
pub fn parse_share(s: &str) -> std::result::Result<f64, String> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 0.01),
        None => (t, 1.0),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a share (e.g. 1% or 0.01)"))?;
    let v = v * scale;
    if !(v.is_finite() && v > 0.0 && v <= 1.0) {
        return Err(format!("`{s}`: a share must be above 0 and at most 100 %"));
    }
    Ok(v)
}

/// Replications must be at least two for an interval.
pub(crate) fn check_replications(n: u32) -> Result<()> {
    if n < 2 {
        return Err(Error::Usage(
            "--replications must be at least 2: an interval needs two replications".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_parse_as_percent_or_fraction() {
        assert_eq!(parse_share("1%"), Ok(0.01));
        assert_eq!(parse_share("0.05"), Ok(0.05));
        assert_eq!(parse_share(" 10 % "), Ok(0.1));
        assert!(parse_share("0").is_err());
        assert!(parse_share("-1%").is_err());
        assert!(parse_share("abc").is_err());
        assert!(parse_share("200%").is_err());
    }
}
