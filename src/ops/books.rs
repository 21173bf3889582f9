//! The carrier's books: every yuan spent, by activity and by when it was spent, and the
//! same money attributed to the parcels that used the resource, by class (warm-up,
//! measured, after the window). Periods of a resource (a shift, a centre-day, an
//! outlet-day) count their members by class instead of listing them, and split their cost
//! over the classes exactly when they close; the few tagged parcels (traced or sampled)
//! are listed and receive their own share, for cost distributions.

use super::parcel::{CLASSES, Class, NO_TAG};
use crate::cost::{Activity, CostVec, Money, split_by};
use crate::engine::SimTime;

/// Money by class of parcel.
pub type ByClass = [CostVec; 3];

/// One period of a resource: its members by class, and the tagged ones among them.
#[derive(Debug, Default, Clone)]
struct Period {
    counts: [u64; 3],
    tagged: Vec<u32>,
}

/// A period closed: its cost split over the classes of its members, and the share of
/// each tagged member (the period's cost over its members, rounded down).
#[derive(Debug)]
pub struct Closed<const K: usize> {
    /// What the period cost (its own costs plus any added to it), by component.
    pub incurred: [Money; K],
    /// Component k's money attributed to each class.
    pub by_class: [[Money; K]; 3],
    /// Tags of the period's tagged members, each of which receives `share`.
    pub tagged: Vec<u32>,
    /// A tagged member's share of each component: the cost over the members, rounded down.
    pub share: [Money; K],
}

/// A chain of periods of one resource: a period's cost (in `K` components, e.g. equipment
/// and floor space of a centre-day) is split over its members when it closes; a period
/// nobody used passes its cost on to the next one, and what is left when the run ends is
/// reported as unabsorbed. Components are exact integer amounts split alike: a component
/// may hold what the period emitted (mg CO2e, see `emissions`) beside its money, so both
/// are split by the same counts.
#[derive(Debug, Clone)]
pub struct Chain<const K: usize = 1> {
    periods: Vec<Period>,
    /// Costs added to a period on top of the regular one (e.g. a surge crew).
    extra: Vec<[Money; K]>,
    /// Periods close in order; this many have.
    closed: usize,
    carried: [Money; K],
    /// Cost incurred by this resource so far, by component.
    pub spent: [Money; K],
}

impl<const K: usize> Chain<K> {
    /// A chain of `periods` periods, all empty.
    pub fn new(periods: usize) -> Self {
        Chain {
            periods: vec![Period::default(); periods],
            extra: vec![[Money::ZERO; K]; periods],
            closed: 0,
            carried: [Money::ZERO; K],
            spent: [Money::ZERO; K],
        }
    }

    /// `n` parcels of class `class` used the resource in period `p`; false if `p` is past
    /// the horizon.
    #[inline]
    pub fn join_n(&mut self, p: usize, class: Class, n: u64) -> bool {
        match self.periods.get_mut(p) {
            Some(x) => {
                x.counts[class as usize] += n;
                true
            }
            None => false,
        }
    }

    /// A parcel of class `class` and tag `tag` ([`Parcel::class`], [`Parcel::tag`]) used
    /// the resource in period `period`.
    #[inline]
    pub fn join(&mut self, period: usize, class: Class, tag: u32) -> bool {
        self.join_n(period, class, 1) && (tag == NO_TAG || self.tag(period, tag))
    }

    /// Lists tagged parcel `tag` (already counted) among the members of period `p`.
    pub fn tag(&mut self, p: usize, tag: u32) -> bool {
        match self.periods.get_mut(p) {
            Some(x) => {
                x.tagged.push(tag);
                true
            }
            None => false,
        }
    }

    /// Closes period `p`, whose resource costs `costs` (plus any added to the period).
    pub fn close(&mut self, p: usize, costs: [Money; K]) -> Closed<K> {
        debug_assert_eq!(p, self.closed, "periods close in order");
        self.closed = p + 1;
        let mut totals = self.carried;
        let mut incurred = [Money::ZERO; K];
        for k in 0..K {
            let c = costs[k] + self.extra[p][k];
            incurred[k] = c;
            totals[k] += c;
            self.spent[k] += c;
        }
        let period = std::mem::take(&mut self.periods[p]);
        let n: u64 = period.counts.iter().sum();
        let mut by_class = [[Money::ZERO; K]; 3];
        if n == 0 {
            self.carried = totals;
            return Closed {
                incurred,
                by_class,
                tagged: Vec::new(),
                share: [Money::ZERO; K],
            };
        }
        self.carried = [Money::ZERO; K];
        for k in 0..K {
            for (c, m) in split_by(totals[k], &period.counts).enumerate() {
                by_class[c][k] = m;
            }
        }
        Closed {
            incurred,
            by_class,
            tagged: period.tagged,
            share: totals.map(|t| each(t, n)),
        }
    }

    /// Adds a cost to period `p` (or the first open one, if `p` has closed); false when
    /// past the horizon.
    pub fn add(&mut self, p: usize, costs: [Money; K]) -> bool {
        let p = p.max(self.closed);
        match self.extra.get_mut(p) {
            Some(e) => {
                for k in 0..K {
                    e[k] += costs[k];
                }
                true
            }
            None => false,
        }
    }

    /// Members of period `p` so far (0 past the horizon).
    pub fn members(&self, p: usize) -> u64 {
        self.periods.get(p).map_or(0, |x| x.counts.iter().sum())
    }

    /// The first period not closed yet.
    pub fn next_open(&self) -> usize {
        self.closed
    }

    /// Cost carried forward and not yet attributed to any parcel, by component.
    pub fn unabsorbed(&self) -> [Money; K] {
        self.carried
    }
}

/// One member's share of `total` over `n` members, rounded down (for tagged parcels;
/// the class accounts get the exact split).
pub fn each(total: Money, n: u64) -> Money {
    if total.is_overflow() {
        return Money::OVERFLOW;
    }
    Money((total.0 as i128).div_euclid(n.max(1) as i128) as i64)
}

/// Attributes `total` of activity `a`, used by `counts` parcels by class, to the classes
/// exactly; returns each member's share (rounded down) for tagged members.
pub fn attribute(to: &mut ByClass, a: Activity, total: Money, counts: &[u64; 3]) -> Money {
    let n: u64 = counts.iter().sum();
    for (c, m) in split_by(total, counts).enumerate() {
        to[c].add(a, m);
    }
    each(total, n)
}

/// Money spent, by activity: all of it, and the parts spent before and after the
/// measured window; and what has been attributed to parcels, by class.
#[derive(Debug, Clone, Default)]
pub struct Books {
    /// Everything spent, by activity.
    pub spent: CostVec,
    /// Spent before the measured window.
    pub spent_warmup: CostVec,
    /// Spent after the measured window.
    pub spent_after: CostVec,
    /// Attributed to parcels so far, by class and activity.
    pub attributed: ByClass,
}

impl Books {
    /// Books `m` of activity `a` spent at `now`; true when that is in the measured window
    /// `(from, until)` (the caller then adds it to the place that paid it).
    #[inline]
    pub fn spend(
        &mut self,
        now: SimTime,
        window: (SimTime, SimTime),
        a: Activity,
        m: Money,
    ) -> bool {
        self.spent.add(a, m);
        if now < window.0 {
            self.spent_warmup.add(a, m);
        } else if now >= window.1 {
            self.spent_after.add(a, m);
        } else {
            return true;
        }
        false
    }

    /// Adds another set of books (e.g. one outlet's, after a wave run in parallel).
    pub fn merge(&mut self, o: &Books) {
        self.spent.add_all(&o.spent);
        self.spent_warmup.add_all(&o.spent_warmup);
        self.spent_after.add_all(&o.spent_after);
        for c in CLASSES {
            self.attributed[c as usize].add_all(&o.attributed[c as usize]);
        }
    }

    /// Spends `m` of `a` at `now` on one parcel of class `class` (a per-parcel cost).
    #[inline]
    pub fn charge(
        &mut self,
        now: SimTime,
        window: (SimTime, SimTime),
        class: Class,
        a: Activity,
        m: Money,
    ) -> bool {
        self.attributed[class as usize].add(a, m);
        self.spend(now, window, a, m)
    }
}

/// A traced or sampled parcel: its costs by activity as they arrive, and how many of the
/// periods it joined are still open.
#[derive(Debug, Clone)]
pub struct Tagged {
    /// The parcel's serial number.
    pub serial: u64,
    /// Its costs so far, by activity.
    pub cost: CostVec,
    /// Periods it joined that have not closed yet: its cost is complete at 0.
    pub open: u32,
    /// Whether its journey has ended.
    pub finished: bool,
    /// Its trace (an index in the carrier's traces), or `NONE` when it is only sampled.
    pub trace: u32,
    /// Whether it belongs to the cost sample.
    pub sampled: bool,
    /// Seconds from its order to its pickup (the record holds the tag in their place).
    pub wait_s: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_periods_carry_their_cost_forward_and_splits_are_exact() {
        let mut chain = Chain::<2>::new(3);
        let c = chain.close(0, [Money(100), Money(1)]);
        assert_eq!(c.incurred, [Money(100), Money(1)]);
        assert_eq!(c.by_class, [[Money::ZERO; 2]; 3]);
        chain.join(1, Class::Measured, NO_TAG);
        chain.join(1, Class::Measured, 4);
        chain.join(1, Class::After, NO_TAG);
        let c = chain.close(1, [Money(50), Money(2)]);
        // 150 and 3 over 2 measured + 1 after.
        assert_eq!(c.by_class[1], [Money(100), Money(2)]);
        assert_eq!(c.by_class[2], [Money(50), Money(1)]);
        assert_eq!(c.tagged, vec![4]);
        assert_eq!(c.share, [Money(50), Money(1)]);
        let c = chain.close(2, [Money(9), Money(0)]);
        assert_eq!(c.incurred, [Money(9), Money(0)]);
        assert_eq!(chain.unabsorbed(), [Money(9), Money(0)]);
        assert_eq!(chain.spent, [Money(159), Money(3)]);
        assert!(!chain.join(3, Class::Warmup, NO_TAG), "past the horizon");
    }

    #[test]
    fn counts_split_adds_up_to_the_total() {
        let mut to = ByClass::default();
        let share = attribute(&mut to, Activity::Linehaul, Money(1_000_003), &[1, 5, 7]);
        let sum: Money = to.iter().map(|c| c.get(Activity::Linehaul)).sum();
        assert_eq!(sum, Money(1_000_003));
        assert_eq!(share, Money(76_923));
        assert_eq!(to[1].get(Activity::Linehaul), Money(384_616));
    }
}
