//! Nelder–Mead simplex minimisation in the unit box (Lagarias et al. 1998 coefficients:
//! reflection 1, expansion 2, contraction ½, shrink ½), points projected onto [0, 1]ⁿ.
//!
//! Written here rather than taken from `argmin`: argmin's `Vec<f64>` parameters need
//! argmin-math's `vec` feature, which brings a second generation of `rand` (0.9) next to the
//! project's 0.10, for about seventy lines of well-known, deterministic code tested below.

/// The result of a minimisation.
#[derive(Debug, Clone)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The function's value there.
    pub value: f64,
    /// Function evaluations spent.
    pub evaluations: usize,
    /// Whether the simplex shrank below the tolerance before the evaluation budget ran out.
    pub converged: bool,
}

/// Minimises `f` over [0, 1]ⁿ from `start`, with an initial simplex of side `step`, until
/// the simplex's values and points are within `tol` or `max_evals` evaluations are spent.
/// An evaluation that fails stops the search with its error.
pub fn nelder_mead<E>(
    mut f: impl FnMut(&[f64]) -> Result<f64, E>,
    start: &[f64],
    step: f64,
    tol: f64,
    max_evals: usize,
) -> Result<Minimum, E> {
    let n = start.len();
    let clamp = |x: Vec<f64>| -> Vec<f64> { x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect() };
    let mut evals = 0;
    let mut eval = |x: &[f64], evals: &mut usize| -> Result<f64, E> {
        *evals += 1;
        f(x)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let x0 = clamp(start.to_vec());
    simplex.push((x0.clone(), eval(&x0, &mut evals)?));
    for i in 0..n {
        let mut x = x0.clone();
        // Step inwards from a face of the box.
        x[i] = if x[i] + step <= 1.0 {
            x[i] + step
        } else {
            x[i] - step
        };
        let x = clamp(x);
        let v = eval(&x, &mut evals)?;
        simplex.push((x, v));
    }
    let mut converged = false;
    while evals < max_evals {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        let size = simplex
            .iter()
            .flat_map(|(x, _)| x.iter().zip(&simplex[0].0).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if (worst - best).abs() <= tol * (1.0 + best.abs()) && size <= tol.sqrt() {
            converged = true;
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(x, _)| x[j]).sum::<f64>() / n as f64)
            .collect();
        let towards = |t: f64| -> Vec<f64> {
            clamp(
                centroid
                    .iter()
                    .zip(&simplex[n].0)
                    .map(|(c, w)| c + t * (w - c))
                    .collect(),
            )
        };
        let xr = towards(-1.0);
        let fr = eval(&xr, &mut evals)?;
        if fr < simplex[0].1 {
            let xe = towards(-2.0);
            let fe = eval(&xe, &mut evals)?;
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            // Contract outside (reflected point better than the worst) or inside.
            let (xc, outside) = if fr < worst {
                (towards(-0.5), true)
            } else {
                (towards(0.5), false)
            };
            let fc = eval(&xc, &mut evals)?;
            if (outside && fc <= fr) || (!outside && fc < worst) {
                simplex[n] = (xc, fc);
            } else {
                let x0 = simplex[0].0.clone();
                for s in simplex.iter_mut().skip(1) {
                    let x = clamp(
                        x0.iter()
                            .zip(&s.0)
                            .map(|(a, b)| a + 0.5 * (b - a))
                            .collect(),
                    );
                    let v = eval(&x, &mut evals)?;
                    *s = (x, v);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, value) = simplex.swap_remove(0);
    Ok(Minimum {
        x,
        value,
        evaluations: evals,
        converged,
    })
}

/// Inverse of a small symmetric positive-definite matrix by Gauss–Jordan elimination with
/// partial pivoting; `None` when it is (numerically) singular.
pub fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))?;
        if m[p][c].abs() <= 1e-12 * scale {
            return None;
        }
        m.swap(c, p);
        let d = m[c][c];
        m[c].iter_mut().for_each(|v| *v /= d);
        for r in 0..n {
            if r != c {
                let k = m[r][c];
                let pivot = m[c].clone();
                m[r].iter_mut().zip(pivot).for_each(|(v, p)| *v -= k * p);
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrock_in_the_box() {
        // Rosenbrock scaled into the unit box: minimum 0 at (0.6, 0.6) ↔ (1, 1) on [-2, 3].
        let f = |u: &[f64]| -> Result<f64, ()> {
            let (x, y) = (u[0] * 5.0 - 2.0, u[1] * 5.0 - 2.0);
            Ok((1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2))
        };
        let m = nelder_mead(f, &[0.1, 0.9], 0.2, 1e-12, 2000).unwrap();
        assert!(m.converged, "{m:?}");
        assert!(
            (m.x[0] - 0.6).abs() < 1e-3 && (m.x[1] - 0.6).abs() < 1e-3,
            "{m:?}"
        );
    }

    #[test]
    fn a_minimum_on_the_boundary_is_reached() {
        let f = |u: &[f64]| -> Result<f64, ()> { Ok((u[0] + 0.5).powi(2) + (u[1] - 0.3).powi(2)) };
        let m = nelder_mead(f, &[0.5, 0.5], 0.25, 1e-12, 500).unwrap();
        assert!(m.x[0] < 1e-4 && (m.x[1] - 0.3).abs() < 1e-3, "{m:?}");
    }

    #[test]
    fn inverse_of_a_known_matrix_and_a_singular_one() {
        let inv = invert(&[vec![4.0, 7.0], vec![2.0, 6.0]]).unwrap();
        let want = [[0.6, -0.7], [-0.2, 0.4]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-12);
            }
        }
        assert!(invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }
}
