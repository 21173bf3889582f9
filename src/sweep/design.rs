//! The designs of a sweep: grids (linear or logarithmic) crossed into a Cartesian product,
//! and Latin hypercubes.

use super::spec::{Parameter, Range, SweepFile};
use crate::random::{Stream, rng};
use rand::RngExt;

/// `points` values from `from` to `to`, evenly spaced (in logs for a log range).
pub(super) fn grid(r: Range, log: bool) -> Vec<f64> {
    if r.points == 1 {
        return vec![r.from];
    }
    (0..r.points)
        .map(|i| {
            let f = i as f64 / (r.points - 1) as f64;
            if log {
                (r.from.ln() + f * (r.to.ln() - r.from.ln())).exp()
            } else {
                r.from + f * (r.to - r.from)
            }
        })
        .map(|x| {
            // Trim the noise of exp/ln so values print as the user wrote them.
            let digits = 12 - x.abs().log10().ceil() as i32;
            let scale = 10f64.powi(digits.clamp(0, 15));
            (x * scale).round() / scale
        })
        .collect()
}

pub(super) fn cartesian(columns: &[Vec<toml::Value>]) -> Vec<Vec<toml::Value>> {
    let mut out: Vec<Vec<toml::Value>> = vec![vec![]];
    for col in columns {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                col.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect();
    }
    out
}

/// Latin hypercube: each parameter's range is cut into `n` equal strata (in logs for a log
/// range), each used by exactly one point, at a random place within it.
pub(super) fn latin_hypercube(
    spec: &SweepFile,
    params: &[Parameter],
    n: usize,
) -> Vec<Vec<toml::Value>> {
    let mut r = rng(spec.seed, Stream::Trace, 0x5157);
    let unit = unit_latin_hypercube(n, params.len(), &mut r);
    let mut cols: Vec<Vec<f64>> = Vec::new();
    for ((v, p), u) in spec.vary.iter().zip(params).zip(unit) {
        let range = v.range.or(v.log_range).expect("checked: a range");
        let (lo, hi) = if p.log {
            (range.from.ln(), range.to.ln())
        } else {
            (range.from, range.to)
        };
        cols.push(
            u.into_iter()
                .map(|u| {
                    let x = lo + u * (hi - lo);
                    if p.log { x.exp() } else { x }
                })
                .collect(),
        );
    }
    (0..n)
        .map(|i| cols.iter().map(|c| toml::Value::Float(c[i])).collect())
        .collect()
}

/// A Latin hypercube of `n` points in the unit cube of `k` dimensions, by dimension
/// (`[dimension][point]`): each dimension cut into `n` equal strata, each used by exactly one
/// point, at a random place within it. Used by sweeps and by the Sobol' design.
pub(crate) fn unit_latin_hypercube(
    n: usize,
    k: usize,
    r: &mut crate::random::Rng,
) -> Vec<Vec<f64>> {
    (0..k)
        .map(|_| {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                strata.swap(i, r.random_range(0..=i));
            }
            strata
                .into_iter()
                .map(|s| (s as f64 + r.random::<f64>()) / n as f64)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_grid_hits_round_values() {
        let g = grid(
            Range {
                from: 1e3,
                to: 1e7,
                points: 5,
            },
            true,
        );
        assert_eq!(g, vec![1e3, 1e4, 1e5, 1e6, 1e7]);
    }

    #[test]
    fn latin_hypercube_uses_each_stratum_once() {
        let spec: SweepFile = toml::from_str(
            "base = \"x\"\ndesign = \"latin_hypercube\"\npoints = 10\n[[vary]]\npath = \"a\"\nrange = { from = 0, to = 10 }\n[[vary]]\npath = \"b\"\nlog_range = { from = 1, to = 1e10 }\n",
        )
        .unwrap();
        let params = vec![
            Parameter {
                path: "a".into(),
                log: false,
            },
            Parameter {
                path: "b".into(),
                log: true,
            },
        ];
        let pts = latin_hypercube(&spec, &params, 10);
        let mut a: Vec<usize> = pts
            .iter()
            .map(|p| p[0].as_float().unwrap() as usize)
            .collect();
        a.sort();
        assert_eq!(a, (0..10).collect::<Vec<_>>());
        let mut b: Vec<usize> = pts
            .iter()
            .map(|p| p[1].as_float().unwrap().log10() as usize)
            .collect();
        b.sort();
        assert_eq!(b, (0..10).collect::<Vec<_>>());
    }
}
