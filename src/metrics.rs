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
    pub fn new(width: f64, bins: usize) -> Self {
        Histogram {
            width,
            counts: vec![0; bins],
            n: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    #[inline]
    pub fn record(&mut self, x: f64) {
        let b = ((x / self.width) as usize).min(self.counts.len() - 1);
        self.counts[b] += 1;
        self.n += 1;
        self.sum += x;
        self.max = self.max.max(x);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

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
