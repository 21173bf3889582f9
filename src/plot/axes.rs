//! Axis ranges from the data ([`Span`]: padded, never degenerate, linear or log) and log
//! ticks labelled without overlap.

use std::ops::Range;

use super::style::fmt_num;

/// A closed interval of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    pub(super) lo: f64,
    pub(super) hi: f64,
}

impl Span {
    /// The smallest interval holding every finite value (positive ones only when `log`, since a
    /// log axis cannot show the rest); `None` when there is no such value.
    pub(super) fn of(values: impl IntoIterator<Item = f64>, log: bool) -> Option<Span> {
        values
            .into_iter()
            .filter(|v| v.is_finite() && (!log || *v > 0.0))
            .fold(None, |s: Option<Span>, v| {
                Some(match s {
                    None => Span { lo: v, hi: v },
                    Some(s) => Span {
                        lo: s.lo.min(v),
                        hi: s.hi.max(v),
                    },
                })
            })
    }

    /// The interval with a 5 % margin on each side (in log space for a log axis), widened
    /// around the value when it is a single point so the axis is never degenerate.
    pub(super) fn padded(self, log: bool) -> Span {
        if log {
            let (lo, hi) = (self.lo.ln(), self.hi.ln());
            let pad = if hi > lo { (hi - lo) * 0.05 } else { 2f64.ln() };
            Span {
                lo: (lo - pad).exp(),
                hi: (hi + pad).exp(),
            }
        } else {
            let pad = if self.hi > self.lo {
                (self.hi - self.lo) * 0.05
            } else if self.lo != 0.0 {
                self.lo.abs() * 0.1
            } else {
                1.0
            };
            Span {
                lo: self.lo - pad,
                hi: self.hi + pad,
            }
        }
    }

    /// Pulls padded ends back to hard limits (e.g. 0 yuan, 100 %) that the data respects, so the
    /// axis does not invite reading impossible values. `data` is the unpadded span.
    pub(super) fn clip(self, data: Span, min: f64, max: f64) -> Span {
        Span {
            lo: if data.lo >= min {
                self.lo.max(min)
            } else {
                self.lo
            },
            hi: if data.hi <= max {
                self.hi.min(max)
            } else {
                self.hi
            },
        }
    }

    /// Axis span of quantities that cannot be negative (costs, hours, shares, counts): padded
    /// and clipped at zero; `[0, 1]` when there is nothing to show.
    pub(super) fn non_negative(values: impl IntoIterator<Item = f64>) -> Span {
        let data = Span::of(values, false).unwrap_or(Span { lo: 0.0, hi: 1.0 });
        data.padded(false).clip(data, 0.0, f64::INFINITY)
    }

    pub(super) fn range(self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Estimated width in pixels of the tick label of `v` (16 px DejaVu Sans digits).
fn tick_label_px(v: f64) -> f64 {
    fmt_num(v).chars().count() as f64 * 10.5
}

/// Tick positions for a log axis over `span`, `plot_px` pixels long: the densest of the usual
/// steps (0.1, 0.5, 1 per unit of each decade, then 1-2-5, 1-3, powers of ten, every other
/// power of ten, ...) whose labels do not touch.
///
/// plotters' own log ticks are only the powers of ten, so an axis spanning e.g. 2000..8000
/// would get no tick label at all, and on a narrow panel its labels can overlap.
pub(super) fn log_ticks(span: Span, plot_px: f64) -> Vec<f64> {
    let first = span.lo.log10().floor() as i32;
    let last = span.hi.log10().ceil() as i32;
    let ticks = |mantissas: &[f64], every: i32| -> Vec<f64> {
        (first..=last)
            .filter(|d| (d - first) % every == 0)
            .flat_map(|d| mantissas.iter().map(move |m| m * 10f64.powi(d)))
            .filter(|v| *v >= span.lo && *v <= span.hi)
            .collect()
    };
    let px_per_ln = plot_px / (span.hi.ln() - span.lo.ln());
    let fits = |t: &[f64]| {
        t.len() >= 2
            && t.windows(2).all(|w| {
                let gap = (w[1].ln() - w[0].ln()) * px_per_ln;
                gap >= (tick_label_px(w[0]) + tick_label_px(w[1])) / 2.0 + 14.0
            })
    };
    let tenths: Vec<f64> = (10..100).map(|m| f64::from(m) / 10.0).collect();
    let halves: Vec<f64> = (2..20).map(|m| f64::from(m) / 2.0).collect();
    let units: Vec<f64> = (1..10).map(f64::from).collect();
    let steps: [&[f64]; 6] = [
        &tenths,
        &halves,
        &units,
        &[1.0, 2.0, 5.0],
        &[1.0, 3.0],
        &[1.0],
    ];
    for mantissas in steps {
        let t = ticks(mantissas, 1);
        if fits(&t) {
            return t;
        }
    }
    for every in 2..=(last - first).max(2) {
        let t = ticks(&[1.0], every);
        if fits(&t) {
            return t;
        }
    }
    // Narrower than the finest step, or too short for any: label the ends.
    vec![span.lo, span.hi]
}
