//! Service quality as outcomes: parcels are damaged in sorting and lost in transport by
//! chance, arrive late when queues and timetables delay them, and each incident costs a
//! claim and, sometimes, a complaint.

use crate::cost::{Money, claim};
pub use crate::format::summary::QualityCounts;
use crate::random::Rng;
use crate::scenario::Quality;
use rand::RngExt;

/// What incidents the run draws and what they cost, typed once from the scenario's
/// `quality` section: probabilities as f64, money in micro-yuan. (The damage and mis-sort
/// rates are each centre's, passed in per sort.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Probability that a parcel is lost on one trip (-).
    pub loss_per_trip: f64,
    /// Probability that a late parcel brings a complaint (-).
    pub complaint_if_late: f64,
    /// Probability that a damaged parcel brings a complaint (-).
    pub complaint_if_damaged: f64,
    /// Probability that a lost parcel brings a complaint (-).
    pub complaint_if_lost: f64,
    /// Compensation for a damaged or lost parcel: the lesser of the goods' value and the
    /// cap on the postage.
    pub claim: Money,
    /// Staff time to handle one complaint.
    pub complaint: Money,
}

impl Rates {
    /// The rates of a checked `quality` section.
    pub fn new(q: &Quality) -> Rates {
        Rates {
            loss_per_trip: q.loss_per_trip,
            complaint_if_late: q.complaint_if_late,
            complaint_if_damaged: q.complaint_if_damaged,
            complaint_if_lost: q.complaint_if_lost,
            claim: claim(q.goods_value, q.postage, q.claim_cap_multiple),
            complaint: Money::from_yuan(q.complaint_cost),
        }
    }
}

/// Draws incidents from their own random stream, so that changing a quality setting leaves
/// every other draw of the run alone.
#[derive(Debug)]
pub struct Incidents {
    r: Rates,
    rng: Rng,
    /// Incidents so far and their money.
    pub counts: QualityCounts,
}

/// What the end of a parcel's journey costs.
pub struct Outcome {
    /// Compensation owed to the customer.
    pub claim: Money,
    /// Staff time to handle the complaint, if one was made.
    pub complaint: Money,
    /// Whether a complaint was made (its handling may cost nothing).
    pub complained: bool,
}

impl QualityCounts {
    /// Adds another set of counts (an outlet's, merged in outlet order).
    pub fn merge(&mut self, o: &QualityCounts) {
        self.late += o.late;
        self.damaged += o.damaged;
        self.lost += o.lost;
        self.claims_yuan += o.claims_yuan;
        self.complaints_late += o.complaints_late;
        self.complaints_damaged += o.complaints_damaged;
        self.complaints_lost += o.complaints_lost;
    }
}

impl Incidents {
    /// Incidents at rates `r`, drawn from `rng`.
    pub fn new(r: Rates, rng: Rng) -> Incidents {
        Incidents {
            r,
            rng,
            counts: QualityCounts::default(),
        }
    }

    /// Whether one sort, with this centre's damage rate, damages the parcel.
    #[inline]
    pub fn damaged_by_sort(&mut self, rate: f64) -> bool {
        self.rng.random::<f64>() < rate
    }

    /// Whether a sort, with this centre's error rate, sends the parcel to the wrong chute.
    #[inline]
    pub fn mis_sorted(&mut self, rate: f64) -> bool {
        self.rng.random::<f64>() < rate
    }

    /// Whether the parcel is lost on one trip.
    #[inline]
    pub fn lost_on_trip(&mut self) -> bool {
        self.rng.random::<f64>() < self.r.loss_per_trip
    }

    /// A parcel's journey ends (signed, or lost): the claim owed and whether a complaint
    /// follows; counted when `measured`.
    pub fn end(&mut self, late: bool, damaged: bool, lost: bool, measured: bool) -> Outcome {
        let u: f64 = self.rng.random();
        let claim = if damaged || lost {
            self.r.claim
        } else {
            Money::ZERO
        };
        // The worst cause decides the complaint.
        let (p, cause) = if lost {
            (self.r.complaint_if_lost, 2)
        } else if damaged {
            (self.r.complaint_if_damaged, 1)
        } else if late {
            (self.r.complaint_if_late, 0)
        } else {
            (0.0, 0)
        };
        let complains = u < p;
        if measured {
            let c = &mut self.counts;
            c.late += u64::from(late);
            c.damaged += u64::from(damaged);
            c.lost += u64::from(lost);
            c.claims_yuan += claim.yuan();
            if complains {
                match cause {
                    0 => c.complaints_late += 1,
                    1 => c.complaints_damaged += 1,
                    _ => c.complaints_lost += 1,
                }
            }
        }
        Outcome {
            claim,
            complained: complains,
            complaint: if complains {
                self.r.complaint
            } else {
                Money::ZERO
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::fixture;
    use crate::random::{Stream, rng};

    #[test]
    fn the_rates_keep_the_probabilities_and_type_the_claim_and_complaint_in_micro_yuan() {
        let mut q = fixture::small().scenario.quality.clone();
        (q.goods_value, q.postage, q.claim_cap_multiple) = (137.0, 8.0, 3.0);
        q.complaint_cost = 12.5;
        q.loss_per_trip = 5e-5;
        let r = Rates::new(&q);
        // The claim is the lesser of the goods' value and 3 × the postage: 24 yuan.
        assert_eq!(r.claim, Money(24_000_000));
        assert_eq!(r.complaint, Money(12_500_000));
        assert_eq!(r.loss_per_trip, 5e-5);
        assert_eq!(
            (
                r.complaint_if_late,
                r.complaint_if_damaged,
                r.complaint_if_lost
            ),
            (
                q.complaint_if_late,
                q.complaint_if_damaged,
                q.complaint_if_lost
            )
        );
        // Cheap goods are paid at their value.
        q.goods_value = 10.0;
        assert_eq!(Rates::new(&q).claim, Money(10_000_000));
    }

    #[test]
    fn incidents_happen_at_their_rates_and_only_measured_ends_are_counted() {
        let l = fixture::small();
        let mut q = l.scenario.quality.clone();
        q.complaint_if_lost = 1.0;
        q.complaint_if_late = 0.0;
        let mut inc = Incidents::new(Rates::new(&q), rng(3, Stream::Incidents, 0));
        let n = 200_000;
        let damaged = (0..n).filter(|_| inc.damaged_by_sort(0.01)).count();
        assert!(
            (damaged as f64 / n as f64 - 0.01).abs() < 0.002,
            "{damaged}"
        );
        assert_eq!((0..1000).filter(|_| inc.mis_sorted(0.0)).count(), 0);
        // A lost parcel is paid for and always complained about; a late one here never.
        let lost = inc.end(false, false, true, true);
        assert!(lost.claim > Money::ZERO);
        let late = inc.end(true, false, false, true);
        assert_eq!(late.claim, Money::ZERO);
        inc.end(false, true, false, false); // outside the window: not counted
        let c = &inc.counts;
        assert_eq!((c.lost, c.late, c.damaged), (1, 1, 0));
        assert_eq!((c.complaints_lost, c.complaints_late), (1, 0));
    }
}
