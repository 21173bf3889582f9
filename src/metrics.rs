//! Streaming statistics: fixed-bin histograms with exact means, for transit times and
//! queue lengths. Deterministic, and memory independent of the number of observations.

/// Histogram with bins of equal width from zero; values beyond the last bin are counted
/// in it (the mean and maximum stay exact).
#[derive(Debug, Clone)]
pub struct Histogram {
    width: f64,
    counts: Vec<u64>,
    n: u64,
    sum: f64,
    max: f64,
}

impl Histogram {
    /// An empty histogram of `bins` bins of `width` each.
    pub fn new(width: f64, bins: usize) -> Self {
        Histogram {
            width,
            counts: vec![0; bins],
            n: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    /// Counts one observation.
    #[inline]
    pub fn record(&mut self, x: f64) {
        let b = ((x / self.width) as usize).min(self.counts.len() - 1);
        self.counts[b] += 1;
        self.n += 1;
        self.sum += x;
        self.max = self.max.max(x);
    }

    /// The exact mean of the observations (0 when there are none).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    /// The largest observation (exact).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The q-quantile, interpolated linearly within its bin (exact to one bin width).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let target = q.clamp(0.0, 1.0) * self.n as f64;
        let mut acc = 0u64;
        for (b, &c) in self.counts.iter().enumerate() {
            if c > 0 && (acc + c) as f64 >= target {
                let within = (target - acc as f64) / c as f64;
                return ((b as f64 + within) * self.width).min(self.max);
            }
            acc += c;
        }
        self.max
    }

    /// (bin lower edge, count) of every non-empty bin.
    pub fn bins(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(b, c)| (b as f64 * self.width, *c))
    }
}

/// Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom (from `statrs`).
pub fn t_975(df: usize) -> f64 {
    t_quantile(0.975, df)
}

/// The `p`-quantile of Student's t with `df` degrees of freedom (`statrs`).
pub fn t_quantile(p: f64, df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    assert!(df >= 1, "t quantile needs at least one degree of freedom");
    StudentsT::new(0.0, 1.0, df as f64)
        .expect("df >= 1 is a valid t distribution")
        .inverse_cdf(p)
}

/// Mean, sample standard deviation and 95 % Student-t confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Sample size.
    pub n: usize,
    /// Sample mean (0 for an empty sample).
    pub mean: f64,
    /// `None` with fewer than two values: no spread can be estimated.
    pub sd: Option<f64>,
    /// 95 % confidence interval of the mean; `None` with fewer than two values.
    pub ci: Option<(f64, f64)>,
}

/// The [`Interval`] of a sample.
pub fn interval(xs: &[f64]) -> Interval {
    let n = xs.len();
    let mean = if n == 0 {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / n as f64
    };
    if n < 2 {
        return Interval {
            n,
            mean,
            sd: None,
            ci: None,
        };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_975(n - 1) * sd / (n as f64).sqrt();
    Interval {
        n,
        mean,
        sd: Some(sd),
        ci: Some((mean - half, mean + half)),
    }
}

/// MSER truncation point of a series of batch means (White 1997; with batches of 5
/// observations it is MSER-5): the number of leading batches to drop so that the
/// squared standard error of the mean of the rest, Σ(x − x̄)² / (n − d)², is smallest.
/// Only the first half of the series is considered, as the method prescribes; a point
/// past the warm-up means the series had not settled when measuring began.
pub fn mser(x: &[f64]) -> usize {
    let n = x.len();
    let mut best = (f64::INFINITY, 0);
    for d in 0..=n / 2 {
        let rest = &x[d..];
        if rest.is_empty() {
            break;
        }
        let k = rest.len() as f64;
        let mean = rest.iter().sum::<f64>() / k;
        let ss: f64 = rest.iter().map(|v| (v - mean) * (v - mean)).sum();
        let stat = ss / (k * k);
        // Ties keep the earlier point: drop no more than needed.
        if best.0.is_infinite() || stat < best.0 * (1.0 - 1e-12) {
            best = (stat, d);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mser_cuts_a_filling_transient_and_keeps_a_steady_series() {
        // A pipeline filling over three days, then steady with a little noise.
        let filling = [10.0, 60.0, 90.0, 100.0, 101.0, 99.0, 100.0, 102.0];
        assert_eq!(mser(&filling), 3);
        let steady = [100.0, 101.0, 99.0, 100.0, 102.0, 98.0];
        assert_eq!(mser(&steady), 0);
        // A series that grows without bound never settles: the cut is as late as allowed.
        let growing = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0];
        assert_eq!(mser(&growing), 3);
        assert_eq!(mser(&[]), 0);
        assert_eq!(mser(&[5.0]), 0);
    }

    #[test]
    fn confidence_interval_matches_a_hand_computation() {
        // x = 2, 4, 4, 5, 5: mean 4, s² = (4 + 0 + 0 + 1 + 1) / 4 = 1.5, s = 1.224745,
        // t(0.975, 4) = 2.776445, half-width = 2.776445 · 1.224745 / √5 = 1.520722.
        let i = interval(&[2.0, 4.0, 4.0, 5.0, 5.0]);
        assert_eq!(i.mean, 4.0);
        assert!((i.sd.unwrap() - 1.224745).abs() < 1e-6);
        let (lo, hi) = i.ci.unwrap();
        assert!(
            (lo - 2.479278).abs() < 1e-5 && (hi - 5.520722).abs() < 1e-5,
            "{lo} {hi}"
        );
        assert_eq!(interval(&[3.0]).ci, None);
        assert!((t_975(1) - 12.706205).abs() < 1e-5);
        assert!((t_975(40) - 2.021075).abs() < 1e-5);
        assert!((t_975(120) - 1.979930).abs() < 1e-5);
    }

    #[test]
    fn quantiles_of_a_uniform_sample() {
        let mut h = Histogram::new(0.1, 1000);
        for i in 0..10_000 {
            h.record(i as f64 / 100.0);
        }
        assert!((h.mean() - 49.995).abs() < 1e-9);
        assert!((h.quantile(0.5) - 50.0).abs() < 0.11);
        assert!((h.quantile(0.95) - 95.0).abs() < 0.11);
        assert_eq!(h.max(), 99.99);
    }
}
