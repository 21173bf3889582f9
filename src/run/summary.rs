//! `summary.json`: a run's headline figures, and the cost-per-parcel sample's statistics.

use super::ratio;
use crate::cost::{CostVec, Money};
use crate::format::summary::CostSampleSummary;
use crate::ops::Carrier;

pub(super) fn cost_sample(m: &Carrier, cost: &CostVec) -> CostSampleSummary {
    let mut v: Vec<f64> = m.sample.iter().map(|&x| Money(x).yuan()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n.max(1) as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
    let ci = if n >= 2 {
        crate::metrics::t_975(n - 1) * (var / n as f64).sqrt()
    } else {
        0.0
    };
    let q = |p: f64| {
        if n == 0 {
            0.0
        } else {
            v[((p * n as f64).ceil() as usize).clamp(1, n) - 1]
        }
    };
    // Resources per measured parcel, however it ended: delivered, lost or still in flight
    // (with what it has used so far), like the sample.
    let exact = ratio(cost.total().yuan(), m.generated_measured as f64);
    CostSampleSummary {
        parcels: n,
        mean_yuan: mean,
        ci95_yuan: ci,
        p50_yuan: q(0.5),
        p95_yuan: q(0.95),
        exact_mean_yuan: exact,
        exact_within_interval: n >= 2 && (exact - mean).abs() <= ci,
    }
}
