//! Service quality as outcomes: parcels are damaged in sorting and lost in transport by
//! chance, arrive late when queues and timetables delay them, and each incident costs a
//! claim and, sometimes, a complaint.

use crate::cost::{Money, claim};
pub use crate::format::summary::QualityCounts;
use crate::random::Rng;
use crate::scenario::Quality;
use rand::RngExt;

/// Draws incidents from their own random stream, so that changing a quality setting leaves
/// every other draw of the run alone.
#[derive(Debug)]
pub struct Incidents {
    q: Quality,
    rng: Rng,
    claim: Money,
    complaint: Money,
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
    /// Incidents of quality settings `q`, drawn from `rng`.
    pub fn new(q: &Quality, rng: Rng) -> Incidents {
        Incidents {
            claim: claim(q.goods_value, q.postage, q.claim_cap_multiple),
            complaint: Money::from_yuan(q.complaint_cost),
            q: q.clone(),
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
        self.rng.random::<f64>() < self.q.loss_per_trip
    }

    /// A parcel's journey ends (signed, or lost): the claim owed and whether a complaint
    /// follows; counted when `measured`.
    pub fn end(&mut self, late: bool, damaged: bool, lost: bool, measured: bool) -> Outcome {
        let u: f64 = self.rng.random();
        let claim = if damaged || lost {
            self.claim
        } else {
            Money::ZERO
        };
        // The worst cause decides the complaint.
        let (p, cause) = if lost {
            (self.q.complaint_if_lost, 2)
        } else if damaged {
            (self.q.complaint_if_damaged, 1)
        } else if late {
            (self.q.complaint_if_late, 0)
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
                self.complaint
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
    fn incidents_happen_at_their_rates_and_only_measured_ends_are_counted() {
        let l = fixture::small();
        let mut q = l.scenario.quality.clone();
        q.complaint_if_lost = 1.0;
        q.complaint_if_late = 0.0;
        let mut inc = Incidents::new(&q, rng(3, Stream::Incidents, 0));
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
