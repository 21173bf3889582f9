//! A sortation centre's sorter: `c` parallel lines serving one FIFO queue, working only
//! during shifts. Parcels are processed in arrival order; each starts on the line that
//! frees up first (the Kiefer–Wolfowitz recursion), so waits are those of a FIFO c-server
//! queue without an event per parcel.

use crate::engine::SimTime;
use crate::random::Rng;
use crate::scenario::Service;
use rand::RngExt;
use rand_distr::{Distribution, LogNormal};
use std::collections::VecDeque;

/// Working intervals (shift instances) over the whole run, sorted and disjoint.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// (start, end) of each working interval, in order.
    pub intervals: Vec<(SimTime, SimTime)>,
    /// Which daily shift each interval is.
    pub shift_of: Vec<usize>,
}

impl Calendar {
    /// Shifts `(start of day offset, length)` repeated for `days` days.
    pub fn daily(shifts: &[(SimTime, SimTime)], days: u64) -> Calendar {
        let day = SimTime::MS_PER_DAY as i64;
        let mut iv: Vec<(SimTime, SimTime, usize)> = Vec::new();
        // From the day before day 0, so that a shift running past midnight into day 0 counts.
        for k in -1..days as i64 {
            for (s, &(start, len)) in shifts.iter().enumerate() {
                let a = k * day + start.0 as i64;
                let b = a + len.0 as i64;
                if b > 0 {
                    iv.push((SimTime(a.max(0) as u64), SimTime(b as u64), s));
                }
            }
        }
        iv.sort();
        Calendar {
            intervals: iv.iter().map(|x| (x.0, x.1)).collect(),
            shift_of: iv.iter().map(|x| x.2).collect(),
        }
    }

    /// A calendar that is always open (for queueing tests).
    pub fn always() -> Calendar {
        Calendar {
            intervals: vec![(SimTime::ZERO, SimTime::MAX)],
            shift_of: vec![0],
        }
    }

    /// The earliest working instant at or after `t`, and its interval.
    #[inline]
    pub fn next_working(&self, t: SimTime) -> Option<(SimTime, usize)> {
        let i = self.intervals.partition_point(|iv| iv.1 <= t);
        self.intervals.get(i).map(|iv| (t.max(iv.0), i))
    }

    /// [`Calendar::next_working`], trying interval `hint` first (the answer of the last
    /// call: times mostly move forward within a shift).
    #[inline]
    pub fn next_working_near(&self, t: SimTime, hint: usize) -> Option<(SimTime, usize)> {
        match self.intervals.get(hint) {
            Some(iv) if iv.1 > t && (hint == 0 || self.intervals[hint - 1].1 <= t) => {
                Some((t.max(iv.0), hint))
            }
            _ => self.next_working(t),
        }
    }
}

/// What sorting one parcel gave.
#[derive(Debug, Clone, Copy)]
pub struct Sorted {
    /// When sorting the parcel started.
    pub start: SimTime,
    /// When it was done.
    pub done: SimTime,
    /// Calendar interval in which the parcel was sorted.
    pub interval: usize,
}

/// Service-time sampler with a given mean.
#[derive(Debug, Clone, Copy)]
pub enum ServiceTime {
    /// Always this many ms (the mean, rounded once).
    Deterministic(u64),
    /// Exponential with this mean (ms).
    Exponential(f64),
    /// Lognormal in ms, with the scenario's mean and coefficient of variation.
    Lognormal(LogNormal<f64>),
}

impl ServiceTime {
    /// `mean_ms`: mean time one parcel occupies a line (ms).
    pub fn new(kind: Service, mean_ms: f64) -> Result<ServiceTime, rand_distr::NormalError> {
        Ok(match kind {
            Service::Deterministic => ServiceTime::fixed(mean_ms),
            Service::Exponential => ServiceTime::Exponential(mean_ms),
            Service::Lognormal { cv } => {
                ServiceTime::Lognormal(LogNormal::from_mean_cv(mean_ms, cv)?)
            }
        })
    }

    /// Always `mean_ms` (rounded to the ms).
    pub fn fixed(mean_ms: f64) -> ServiceTime {
        ServiceTime::Deterministic(ms(mean_ms))
    }

    #[inline]
    fn sample(&self, rng: &mut Rng) -> u64 {
        match self {
            ServiceTime::Deterministic(m) => *m,
            ServiceTime::Exponential(m) => ms(-(1.0 - rng.random::<f64>()).ln() * m),
            ServiceTime::Lognormal(d) => ms(d.sample(rng)),
        }
    }
}

/// A duration in ms, rounded to the nearest.
fn ms(x: f64) -> u64 {
    (x + 0.5) as u64
}

/// A sorter's lines, as (next free, leaves) in ascending order: only the least pair
/// matters, not which line it is. They sit in a ring of exactly as many slots as lines,
/// so that the front line, once it has taken a parcel and frees up no earlier than every
/// other (as with fixed sorting times, each parcel starting no earlier than the last),
/// becomes the back one by moving the head alone.
#[derive(Debug, Clone)]
struct Lines {
    ring: Vec<(u64, u64)>,
    head: usize,
}

impl Lines {
    /// `n` lines (at least one), free from time zero, that never leave.
    fn new(n: usize) -> Lines {
        Lines {
            ring: vec![(0, u64::MAX); n.max(1)],
            head: 0,
        }
    }

    /// The line that frees up first.
    #[inline]
    fn front(&self) -> (u64, u64) {
        self.ring[self.head]
    }

    /// The front line is next free at `line.0` (and leaves at `line.1`): it takes its
    /// place in order, after the lines not later than it.
    #[inline]
    fn requeue_front(&mut self, line: (u64, u64)) {
        let n = self.ring.len();
        let mut i = self.head;
        self.head = if i + 1 == n { 0 } else { i + 1 };
        // Slot `i` is now the back; move the later lines up one until `line`'s place.
        while i != self.head {
            let before = if i == 0 { n - 1 } else { i - 1 };
            if self.ring[before] <= line {
                break;
            }
            self.ring[i] = self.ring[before];
            i = before;
        }
        self.ring[i] = line;
    }

    /// Puts the ring in order from slot 0.
    fn straighten(&mut self) {
        self.ring.rotate_left(self.head);
        self.head = 0;
    }

    /// The front line leaves.
    fn remove_front(&mut self) {
        self.straighten();
        self.ring.remove(0);
    }

    /// Adds a line, in order (after the lines not later than it).
    fn insert(&mut self, line: (u64, u64)) {
        self.straighten();
        let at = self.ring.partition_point(|l| *l <= line);
        self.ring.insert(at, line);
    }
}

/// The sorter of one centre, with its statistics.
#[derive(Debug, Clone)]
pub struct Sorter {
    /// When each line is next free, and when it leaves (`u64::MAX` for the centre's own
    /// lines; surge crews leave).
    free: Lines,
    permanent: u32,
    service: ServiceTime,
    /// Start times of parcels that have arrived but not started (whole seconds, rounded
    /// up; non-decreasing but for a surge crew's first parcels), as runs of parcels that
    /// start in the same second: (second, parcels). A busy centre starts dozens of parcels
    /// a second, so a run stands for many of them. A ring buffer, so that a steady flow
    /// through it allocates nothing; it grows and shrinks by an eighth at a time, so that
    /// its room stays close to what it holds.
    waiting: VecDeque<(u32, u32)>,
    /// Parcels in `waiting`.
    waiting_len: usize,
    /// Statistics of parcels arriving in [from, until).
    pub window: (SimTime, SimTime),
    /// Parcels sorted that arrived in the window.
    pub handled: u64,
    /// Their waits before sorting, summed (ms).
    pub wait_ms: u128,
    /// Their sorting times, summed (ms).
    pub busy_ms: u128,
    /// Most parcels waiting at once, seen at a sort of the window.
    pub max_queue: usize,
    /// The calendar interval of the last sort (where the next one most likely falls).
    hint: usize,
}

impl Sorter {
    /// A sorter of `lines` permanent lines (at least one), measuring arrivals in `window`.
    pub fn new(lines: u32, service: ServiceTime, window: (SimTime, SimTime)) -> Sorter {
        Sorter {
            free: Lines::new(lines as usize),
            permanent: lines.max(1),
            service,
            waiting: VecDeque::new(),
            waiting_len: 0,
            window,
            handled: 0,
            wait_ms: 0,
            busy_ms: 0,
            max_queue: 0,
            hint: 0,
        }
    }

    /// The centre's own lines (surge crews not counted).
    pub fn lines(&self) -> u32 {
        self.permanent
    }

    /// Adds `n` lines from `from` until `until` (a surge crew).
    pub fn add_temporary(&mut self, n: u32, from: SimTime, until: SimTime) {
        for _ in 0..n {
            self.free.insert((from.0, until.0));
        }
    }

    /// Bytes the list of waiting parcels holds.
    pub fn bytes(&self) -> usize {
        self.waiting.capacity() * std::mem::size_of::<(u32, u32)>()
    }

    /// Parcels that have arrived but not started sorting by `t` (nothing is dropped).
    pub fn backlog_at(&self, t: SimTime) -> usize {
        self.waiting
            .iter()
            .filter(|r| r.0 as u64 * 1000 > t.0)
            .map(|r| r.1 as usize)
            .sum()
    }

    /// Parcels waiting (not yet started) at time `t`; `t` must not go backwards.
    #[inline]
    pub fn queue_at(&mut self, t: SimTime) -> usize {
        if self
            .waiting
            .front()
            .is_some_and(|&(s, _)| s as u64 * 1000 <= t.0)
        {
            self.started_by(t);
        }
        self.waiting_len
    }

    /// Drops the waiting parcels that have started by `t`.
    fn started_by(&mut self, t: SimTime) {
        while let Some(&(s, n)) = self.waiting.front()
            && s as u64 * 1000 <= t.0
        {
            self.waiting_len -= n as usize;
            self.waiting.pop_front();
        }
        let (len, room) = (self.waiting.len(), self.waiting.capacity());
        if room > 4096 && len < room / 2 {
            self.waiting.shrink_to(len + len / 8);
        }
    }

    /// A parcel that arrived will start at second `s`.
    #[inline]
    fn wait_until(&mut self, s: u32) {
        self.waiting_len += 1;
        let w = &mut self.waiting;
        if let Some(last) = w.back_mut()
            && last.0 == s
            && last.1 < u32::MAX
        {
            last.1 += 1;
            return;
        }
        if w.len() == w.capacity() {
            w.reserve_exact((w.len() / 8).max(1024));
        }
        w.push_back((s, 1));
    }

    /// Sorts a parcel arriving at `arrival` (arrivals must come in time order). `None`
    /// when no shift is left in the run to sort it. Inlined into a centre's loop over a
    /// trip's parcels, which calls it for each.
    #[inline(always)]
    pub fn sort(&mut self, arrival: SimTime, cal: &Calendar, rng: &mut Rng) -> Option<Sorted> {
        self.queue_at(arrival);
        let (start, interval, leaves) = loop {
            let (free, leaves) = self.free.front();
            let Some((start, interval)) =
                cal.next_working_near(arrival.max(SimTime(free)), self.hint)
            else {
                if leaves == u64::MAX {
                    // Nothing more is sorted in this run: the line stays blocked.
                    self.free.requeue_front((u64::MAX, u64::MAX));
                    return None;
                }
                self.free.remove_front();
                continue;
            };
            if start.0 < leaves {
                self.hint = interval;
                break (start, interval, leaves);
            }
            // A surge crew whose time is up: it leaves.
            self.free.remove_front();
        };
        let d = self.service.sample(rng);
        let done = start + SimTime(d);
        self.free.requeue_front((done.0, leaves));
        if start > arrival {
            self.wait_until(u32::try_from(start.0.div_ceil(1000)).unwrap_or(u32::MAX));
        }
        if arrival >= self.window.0 && arrival < self.window.1 {
            self.handled += 1;
            self.wait_ms += (start - arrival).0 as u128;
            self.busy_ms += d as u128;
            self.max_queue = self.max_queue.max(self.waiting_len);
        }
        Some(Sorted {
            start,
            done,
            interval,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queueing::mmc_analytic;
    use crate::random::{Stream, rng};

    /// The ring of lines gives the least pair as a sorted list would, whatever is put
    /// back: later than every line (the usual case), earlier, equal, or lines coming and
    /// leaving.
    #[test]
    fn lines_give_the_least_pair_as_a_sorted_list_does() {
        let mut r = rng(9, Stream::Service, 0);
        let mut lines = Lines::new(5);
        let mut list = vec![(0u64, u64::MAX); 5];
        let mut latest = 0;
        for k in 0..20_000u64 {
            assert_eq!(lines.front(), list[0], "step {k}");
            let mut next = (latest + r.random_range(0..40u64), u64::MAX);
            if k % 7 == 0 {
                // Earlier than some lines, or equal to the front's time with a leave time.
                next = (list[0].0 + r.random_range(0..3u64), 10_000 + k % 3);
            }
            latest = latest.max(next.0);
            match k % 53 {
                0 => {
                    lines.insert(next);
                    list.push(next);
                }
                1 if list[0].1 != u64::MAX => {
                    lines.remove_front();
                    list.remove(0);
                }
                _ => {
                    lines.requeue_front(next);
                    list[0] = next;
                }
            }
            list.sort();
            let ring: Vec<_> = (0..lines.ring.len())
                .map(|i| lines.ring[(lines.head + i) % lines.ring.len()])
                .collect();
            assert_eq!(ring, list, "the same lines, in order from the head");
        }
    }

    #[test]
    fn calendar_finds_the_next_shift() {
        let shifts = [(SimTime::from_hours(16.0), SimTime::from_hours(10.0))];
        let cal = Calendar::daily(&shifts, 3);
        // Day 0 opens with the tail of the shift that started the evening before.
        assert_eq!(cal.intervals[0], (SimTime::ZERO, SimTime::from_hours(2.0)));
        let (t, i) = cal.next_working(SimTime::from_hours(5.0)).unwrap();
        assert_eq!(t, SimTime::from_hours(16.0));
        assert_eq!(cal.intervals[i].1, SimTime::from_hours(26.0));
        let (t, _) = cal.next_working(SimTime::from_hours(17.0)).unwrap();
        assert_eq!(t, SimTime::from_hours(17.0));
    }

    /// One centre, Poisson arrivals, exponential sorting on c lines: the mean wait
    /// matches Erlang C, and Little's law links the mean queue to the mean wait.
    #[test]
    fn poisson_arrivals_wait_as_erlang_c_predicts() {
        let (lam, mu, c) = (900.0, 100.0, 10u32);
        let mean_ms = 3_600_000.0 / mu;
        let mut s = Sorter::new(
            c,
            ServiceTime::new(Service::Exponential, mean_ms).unwrap(),
            (SimTime::from_hours(100.0), SimTime::MAX),
        );
        let cal = Calendar::always();
        let mut arrivals = rng(3, Stream::Demand, 0);
        let mut service = rng(3, Stream::Service, 0);
        let mut t = 0.0;
        let horizon = 3000.0;
        let mut queue_samples = 0.0;
        let mut samples = 0u64;
        while t < horizon {
            t += -(1.0 - arrivals.random::<f64>()).ln() / lam;
            let now = SimTime::from_hours(t);
            if now >= s.window.0 {
                // PASTA: the queue Poisson arrivals find is the time-average queue.
                queue_samples += s.queue_at(now) as f64;
                samples += 1;
            }
            s.sort(now, &cal, &mut service).unwrap();
        }
        let (_, wq, _, lq, _) = mmc_analytic(lam, mu, c);
        let mean_wait_h = s.wait_ms as f64 / s.handled as f64 / 3.6e6;
        assert!(
            (mean_wait_h / wq - 1.0).abs() < 0.05,
            "Wq {mean_wait_h} vs {wq}"
        );
        let mean_queue = queue_samples / samples as f64;
        // Little: Lq = λ·Wq, both measured.
        assert!(
            (mean_queue / (lam * mean_wait_h) - 1.0).abs() < 0.05,
            "{mean_queue}"
        );
        assert!(
            (mean_queue / lq - 1.0).abs() < 0.06,
            "Lq {mean_queue} vs {lq}"
        );
        let util = s.busy_ms as f64 / 3.6e6 / ((horizon - 100.0) * c as f64);
        assert!((util - 0.9).abs() < 0.01, "{util}");
    }
}
