//! Whether the measured window started in steady state (`summary.json` `steady_state`),
//! and the warnings a run leaves for the terminal.

use super::{Summary, ratio};
use crate::format::summary::SteadyState;

impl SteadyState {
    pub(super) fn new(
        hourly_in_network: &[u64],
        sorted_by_day: &[u64],
        warmup_days: u32,
    ) -> SteadyState {
        let daily_in_network: Vec<f64> = hourly_in_network
            .chunks_exact(24)
            .map(|d| d.iter().sum::<u64>() as f64 / 24.0)
            .collect();
        let days = daily_in_network.len();
        let daily_sorted = sorted_by_day[..days.min(sorted_by_day.len())].to_vec();
        let sorted_f: Vec<f64> = daily_sorted.iter().map(|&x| x as f64).collect();
        let a = crate::metrics::mser(&daily_in_network);
        let b = crate::metrics::mser(&sorted_f);
        let w = warmup_days as usize;
        let gap = |x: &[f64], d: usize| {
            if d <= w || w >= x.len() {
                return 0.0;
            }
            let settled = x[d..].iter().sum::<f64>() / (x.len() - d) as f64;
            (x[w] - settled).abs() / settled.max(1.0)
        };
        let (ga, gb) = (gap(&daily_in_network, a), gap(&sorted_f, b));
        SteadyState {
            method: "MSER on daily means (24 hourly samples of parcels in the network; parcels sorted per day)"
                .to_string(),
            daily_in_network,
            daily_sorted,
            truncation_day_in_network: a,
            truncation_day_sorted: b,
            window_start_gap_in_network: ga,
            window_start_gap_sorted: gb,
            steady_at_window_start: ga <= 0.05 && gb <= 0.05,
        }
    }

    /// A warning for the terminal when measured parcels were still travelling when the
    /// drain ran out: their resources so far count in the cost per delivered parcel.
    pub fn drain_warning(s: &Summary) -> Option<String> {
        let share = ratio(
            s.measured_parcels_in_flight as f64,
            s.measured_parcels_picked_up as f64,
        );
        (share > 0.005).then(|| {
            format!(
                "{} of the measured parcels ({:.1} %) were still in flight when the drain ran out after {} days; the resources they used so far are in the cost per delivered parcel: raise drain_days",
                s.measured_parcels_in_flight,
                share * 100.0,
                s.days_simulated - s.warmup_days as f64 - s.days_measured as f64
            )
        })
    }

    /// A warning for the terminal when the window did not start in steady state.
    pub fn warning(&self, warmup_days: u32) -> Option<String> {
        (!self.steady_at_window_start).then(|| {
            format!(
                "the measured window starts before steady state: MSER puts the end of the warm-up at day {} (parcels in the network, first measured day {:.0} % off the settled mean) and day {} (parcels sorted, {:.0} % off), after the {} warm-up days; set warmup_days = {} or more",
                self.truncation_day_in_network,
                self.window_start_gap_in_network * 100.0,
                self.truncation_day_sorted,
                self.window_start_gap_sorted * 100.0,
                warmup_days,
                self.truncation_day_in_network.max(self.truncation_day_sorted)
            )
        })
    }
}
