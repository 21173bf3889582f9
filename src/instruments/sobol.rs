//! Sobol' indices: how much of the metric's variance over the box of inputs each input
//! explains, alone (first order, S) and with all its interactions (total, ST).
//!
//! Design (Saltelli 2010): two independent Latin hypercubes A and B of `n` points in the box
//! base × (1 ± range), and for each input i the matrix ABᵢ (A with column i taken from B):
//! n·(k + 2) runs. Row j of A, B and every ABᵢ runs with the same seed (common random
//! numbers), so the simulation's own noise largely cancels in the differences.
//! Estimators: V = variance of f(A) and f(B) pooled;
//! Sᵢ = mean((f(B) − f̄)·(f(ABᵢ) − f(A))) / V (Saltelli 2010, f(B) centred on the pooled
//! mean f̄ to cut the estimator's variance), STᵢ = mean((f(A) − f(ABᵢ))²) / 2V
//! (Jansen 1999). 95 % intervals: percentiles of a bootstrap over the rows, from a seeded
//! generator, so they too are the same on every machine.

use super::inputs::Model;
use crate::error::Result;
use crate::progress::Progress;
use crate::random::{Rng, mix64};
use rand::{RngExt, SeedableRng};

/// Bootstrap resamples of the rows for the intervals.
pub const BOOTSTRAP: usize = 1000;

/// First-order and total index of one input, with 95 % intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Index {
    /// First-order index: the share of the metric's variance due to this input alone.
    pub first: f64,
    /// 95 % bootstrap interval of `first`.
    pub first_ci: (f64, f64),
    /// Total index: the share due to this input with all its interactions.
    pub total: f64,
    /// 95 % bootstrap interval of `total`.
    pub total_ci: (f64, f64),
}

/// The metric at the rows of the design: `a[j]`, `b[j]`, `ab[i][j]`.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// At the rows of design A.
    pub a: Vec<f64>,
    /// At the rows of design B.
    pub b: Vec<f64>,
    /// At A with input `i`'s column from B, `ab[i][row]`.
    pub ab: Vec<Vec<f64>>,
}

/// The points of the design in the unit cube, `(A, B)`, each `[point][input]`.
pub fn design(n: usize, k: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let mut r = Rng::seed_from_u64(mix64(seed ^ 0x536f_626f_6c27));
    let by_point = |cols: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        (0..n)
            .map(|j| cols.iter().map(|c| c[j]).collect())
            .collect()
    };
    let a = by_point(crate::sweep::spec::unit_latin_hypercube(n, k, &mut r));
    let b = by_point(crate::sweep::spec::unit_latin_hypercube(n, k, &mut r));
    (a, b)
}

/// The estimates from the rows `rows` (indices into the outputs, repeats allowed).
fn estimate(o: &Outputs, rows: &[usize]) -> Vec<(f64, f64)> {
    let n = rows.len() as f64;
    let pooled: Vec<f64> = rows.iter().flat_map(|&j| [o.a[j], o.b[j]]).collect();
    let mean = pooled.iter().sum::<f64>() / pooled.len() as f64;
    let var =
        pooled.iter().map(|y| (y - mean) * (y - mean)).sum::<f64>() / (pooled.len() as f64 - 1.0);
    o.ab.iter()
        .map(|ab| {
            if var <= 0.0 {
                return (0.0, 0.0);
            }
            // f(B) centred on the pooled mean: the same expectation (f(ABᵢ) − f(A) has
            // mean zero), far less variance when the mean is large against the spread.
            let first = rows
                .iter()
                .map(|&j| (o.b[j] - mean) * (ab[j] - o.a[j]))
                .sum::<f64>()
                / n
                / var;
            let total = rows
                .iter()
                .map(|&j| (o.a[j] - ab[j]) * (o.a[j] - ab[j]))
                .sum::<f64>()
                / (2.0 * n)
                / var;
            (first, total)
        })
        .collect()
}

/// The indices of every input with bootstrap intervals (`seed` drives the resampling).
pub fn indices(o: &Outputs, seed: u64) -> Vec<Index> {
    let n = o.a.len();
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(o, &all);
    let mut r = Rng::seed_from_u64(mix64(seed ^ 0x426f_6f74));
    let mut firsts = vec![Vec::with_capacity(BOOTSTRAP); point.len()];
    let mut totals = vec![Vec::with_capacity(BOOTSTRAP); point.len()];
    for _ in 0..BOOTSTRAP {
        let rows: Vec<usize> = (0..n).map(|_| r.random_range(0..n)).collect();
        for (i, (f, t)) in estimate(o, &rows).into_iter().enumerate() {
            firsts[i].push(f);
            totals[i].push(t);
        }
    }
    let ci = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
        (at(0.025), at(0.975))
    };
    point
        .into_iter()
        .enumerate()
        .map(|(i, (first, total))| Index {
            first,
            first_ci: ci(&mut firsts[i]),
            total,
            total_ci: ci(&mut totals[i]),
        })
        .collect()
}

/// Runs the design for `paths` around `base` (± `range`) on the model, metric index
/// `metric`: `n` rows, one seed per row from `seeds`; returns the outputs and the runs made.
#[allow(clippy::too_many_arguments)]
pub fn run(
    model: &Model,
    paths: &[String],
    base: &[f64],
    range: f64,
    metric: usize,
    seeds: &[u64],
    design_seed: u64,
    threads: Option<usize>,
    progress: &Progress,
) -> Result<(Outputs, usize)> {
    let (n, k) = (seeds.len(), paths.len());
    let (ua, ub) = design(n, k, design_seed);
    let value = |i: usize, u: f64| base[i] * (1.0 - range + 2.0 * range * u);
    let at = |u: &[f64]| -> Vec<f64> { (0..k).map(|i| value(i, u[i])).collect() };
    // Points in row order: A_j, B_j, AB_1j .. AB_kj.
    let mut points = Vec::with_capacity(n * (k + 2));
    let mut point_seeds = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        points.push(at(&ua[j]));
        points.push(at(&ub[j]));
        for i in 0..k {
            let mut u = ua[j].clone();
            u[i] = ub[j][i];
            points.push(at(&u));
        }
        point_seeds.extend(std::iter::repeat_n(seeds[j], k + 2));
    }
    let y = model.evaluate_seeded(paths, &points, &point_seeds, threads, progress)?;
    let row = |j: usize, c: usize| y[j * (k + 2) + c][metric];
    let out = Outputs {
        a: (0..n).map(|j| row(j, 0)).collect(),
        b: (0..n).map(|j| row(j, 1)).collect(),
        ab: (0..k)
            .map(|i| (0..n).map(|j| row(j, 2 + i)).collect())
            .collect(),
    };
    Ok((out, points.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluates `f` on the design mapped to [0, 1]^k.
    fn outputs(n: usize, k: usize, f: impl Fn(&[f64]) -> f64) -> Outputs {
        let (a, b) = design(n, k, 7);
        let ab = (0..k)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        let mut u = a[j].clone();
                        u[i] = b[j][i];
                        f(&u)
                    })
                    .collect()
            })
            .collect();
        Outputs {
            a: a.iter().map(|u| f(u)).collect(),
            b: b.iter().map(|u| f(u)).collect(),
            ab,
        }
    }

    #[test]
    fn an_additive_function_has_the_known_indices() {
        // f = x0 + 2 x1 + 3 x2 on the unit cube: Vᵢ = aᵢ²/12, S = ST = aᵢ² / 14.
        let o = outputs(4096, 3, |u| u[0] + 2.0 * u[1] + 3.0 * u[2]);
        let s = indices(&o, 1);
        for (i, a) in [1.0, 2.0, 3.0].iter().enumerate() {
            let want = a * a / 14.0;
            assert!(
                (s[i].first - want).abs() < 0.03,
                "S{i} {:?} vs {want}",
                s[i]
            );
            assert!(
                (s[i].total - want).abs() < 0.03,
                "ST{i} {:?} vs {want}",
                s[i]
            );
            assert!(
                s[i].first_ci.0 <= want && want <= s[i].first_ci.1,
                "{:?}",
                s[i]
            );
            assert!(
                s[i].total_ci.0 <= want && want <= s[i].total_ci.1,
                "{:?}",
                s[i]
            );
        }
    }

    #[test]
    fn an_input_the_function_ignores_has_indices_of_exactly_zero() {
        let o = outputs(256, 3, |u| (4.0 * u[1]).sin());
        let s = indices(&o, 1);
        for i in [0, 2] {
            assert_eq!(s[i].first, 0.0);
            assert_eq!(s[i].total, 0.0);
            assert_eq!(s[i].total_ci, (0.0, 0.0));
        }
        assert!((s[1].total - 1.0).abs() < 0.15, "{:?}", s[1]);
        assert!((s[1].first - 1.0).abs() < 0.15, "{:?}", s[1]);
    }

    #[test]
    fn interactions_show_in_the_total_index_only() {
        // f = x0 · x1 (centred): no first-order effect of either, all by interaction.
        let o = outputs(4096, 2, |u| (u[0] - 0.5) * (u[1] - 0.5));
        let s = indices(&o, 1);
        for x in &s {
            assert!(x.first.abs() < 0.05, "{x:?}");
            assert!((x.total - 1.0).abs() < 0.1, "{x:?}");
        }
    }
}
