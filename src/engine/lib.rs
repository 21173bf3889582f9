//! parcelsim-engine: the generic discrete-event core of parcelsim — a clock, a future-event
//! list with deterministic tie-breaking, and schedule / step / run-until. It knows nothing of
//! parcels: a model is any type that handles its own events and schedules new ones. The
//! parcelsim library re-exports it as `parcelsim::engine`.
//!
//! Three types carry it:
//! - [`SimTime`]: a point on (or span of) the clock, in whole milliseconds — integer time, so
//!   event order never depends on floating-point rounding;
//! - [`Model`]: your state and its `handle(event, scheduler)`;
//! - [`Simulation`]: a model with its [`Scheduler`] (clock + [`EventQueue`]); `step` handles
//!   one event, `run_until` every event due by a time.
//!
//! Simultaneous events run in the order they were scheduled (each carries an insertion
//! sequence number), so a run is a pure function of its inputs.
//!
//! # Example
//!
//! A model that rings a bell every hour and counts the rings:
//!
//! ```
//! use parcelsim_engine::{Model, Scheduler, SimTime, Simulation};
//!
//! struct Bell {
//!     rings: u32,
//! }
//!
//! enum Event {
//!     Ring,
//! }
//!
//! impl Model for Bell {
//!     type Event = Event;
//!     fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
//!         match event {
//!             Event::Ring => {
//!                 self.rings += 1;
//!                 sched.schedule_in(SimTime::from_hours(1.0), Event::Ring);
//!             }
//!         }
//!     }
//! }
//!
//! let mut sim = Simulation::new(Bell { rings: 0 });
//! sim.sched.schedule_at(SimTime::ZERO, Event::Ring);
//! sim.run_until(SimTime::from_days(1));
//! // Rings at 00:00, 01:00, ..., 24:00 (an event at the limit still runs).
//! assert_eq!(sim.model.rings, 25);
//! assert_eq!(sim.sched.now().to_string(), "d1 00:00:00");
//! assert_eq!(sim.sched.pending(), 1);
//! ```

#![warn(missing_docs)]

mod queue;

pub use queue::EventQueue;

use std::fmt;
use std::ops::{Add, Sub};

/// A point on (or a span of) the simulation clock, in whole milliseconds.
///
/// Integer time makes event order exact: no two runs can disagree on which of two
/// events came first because of floating-point rounding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of a run.
    pub const ZERO: SimTime = SimTime(0);
    /// The end of time (a sentinel: nothing is ever due then).
    pub const MAX: SimTime = SimTime(u64::MAX);
    /// Milliseconds in an hour.
    pub const MS_PER_HOUR: u64 = 3_600_000;
    /// Milliseconds in a day.
    pub const MS_PER_DAY: u64 = 24 * Self::MS_PER_HOUR;

    /// Rounds a non-negative number of hours to the nearest millisecond (negative → 0).
    #[inline]
    pub fn from_hours(h: f64) -> SimTime {
        debug_assert!(h >= 0.0, "negative duration {h}");
        // `+ 0.5` then truncate: `f64::round` is a library call on baseline x86-64.
        SimTime((h * Self::MS_PER_HOUR as f64 + 0.5) as u64)
    }
    /// `d` whole days.
    #[inline]
    pub fn from_days(d: u64) -> SimTime {
        SimTime(d * Self::MS_PER_DAY)
    }
    /// The time in hours.
    #[inline]
    pub fn hours(self) -> f64 {
        self.0 as f64 / Self::MS_PER_HOUR as f64
    }
    /// Whole days since the start (day 0 is the first day).
    #[inline]
    pub fn day(self) -> u64 {
        self.0 / Self::MS_PER_DAY
    }
    /// Time since the last midnight.
    #[inline]
    pub fn time_of_day(self) -> SimTime {
        SimTime(self.0 % Self::MS_PER_DAY)
    }
    /// `self - other`, or zero when `other` is later.
    #[inline]
    pub fn saturating_sub(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(other.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    #[inline]
    fn sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 - rhs.0)
    }
}

impl fmt::Display for SimTime {
    /// `d3 14:05:00.250` — day and time of day, for logs and traces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tod = self.time_of_day().0;
        let (h, m, s, ms) = (
            tod / 3_600_000,
            tod / 60_000 % 60,
            tod / 1000 % 60,
            tod % 1000,
        );
        write!(f, "d{} {h:02}:{m:02}:{s:02}", self.day())?;
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        Ok(())
    }
}

/// A simulation model: owns its state and reacts to its own events.
pub trait Model {
    /// What the model's events are (typically one closed enum).
    type Event;
    /// Handles one event at `sched.now()`; may schedule further events.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
}

/// The clock and the future-event list, handed to the model while it handles an event.
pub struct Scheduler<E> {
    now: SimTime,
    next_seq: u64,
    queue: EventQueue<E>,
    processed: u64,
    /// The bound of the current `run_until` (events after it wait for the next call).
    until: SimTime,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// A clock at zero with no events.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            next_seq: 0,
            queue: EventQueue::new(),
            processed: 0,
            until: SimTime(u64::MAX),
        }
    }

    /// The current time: that of the event being handled.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `at`. Scheduling in the past is a model bug;
    /// in release builds such an event runs at `now` instead.
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) {
        debug_assert!(
            at >= self.now,
            "event scheduled in the past: {at} < {}",
            self.now
        );
        let at = at.max(self.now);
        self.queue.push(at.0, self.next_seq, event);
        self.next_seq += 1;
    }

    /// Schedules `event` after `delay`.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule_at(self.now + delay, event);
    }

    /// Events waiting in the future-event list.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Events handled so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Takes the next event if it is due before `before` (and within the bound of the
    /// current [`Simulation::run_until`]) and `want` accepts it; the clock does not move.
    ///
    /// For a model that handles a batch of events together: those it can handle out of
    /// event order because nothing they do reaches each other before `before`. An event
    /// taken is counted as handled; one the model cannot handle in the batch goes back
    /// with [`Scheduler::put_back`].
    pub fn take_due(&mut self, before: SimTime, want: impl Fn(&E) -> bool) -> Option<(SimTime, E)> {
        let (t, e) = self.queue.peek()?;
        if t >= before.0 || t > self.until.0 || !want(e) {
            return None;
        }
        self.processed += 1;
        self.queue.pop().map(|(t, e)| (SimTime(t), e))
    }

    /// Returns an event taken by [`Scheduler::take_due`] to the list, due at `at` (it
    /// now follows the events already scheduled at that time).
    pub fn put_back(&mut self, at: SimTime, event: E) {
        self.processed -= 1;
        self.schedule_at(at, event);
    }

    /// Time of the next event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.queue.peek_time().map(SimTime)
    }
}

/// A model together with its scheduler.
pub struct Simulation<M: Model> {
    /// The model's state, readable between steps.
    pub model: M,
    /// The clock and future-event list: schedule the first events here.
    pub sched: Scheduler<M::Event>,
}

impl<M: Model> Simulation<M> {
    /// `model` with an empty scheduler at time zero.
    pub fn new(model: M) -> Self {
        Simulation {
            model,
            sched: Scheduler::new(),
        }
    }

    /// Handles the next event; false when the future-event list is empty.
    #[inline]
    pub fn step(&mut self) -> bool {
        match self.sched.queue.pop() {
            Some((t, event)) => {
                self.sched.now = SimTime(t);
                self.sched.processed += 1;
                self.model.handle(event, &mut self.sched);
                true
            }
            None => false,
        }
    }

    /// Handles every event due at or before `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: SimTime) {
        self.sched.until = until;
        while let Some(t) = self.sched.queue.peek_time() {
            if t > until.0 {
                break;
            }
            self.step();
        }
        self.sched.now = self.sched.now.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder {
        log: Vec<(u64, u32)>,
    }
    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, ev: u32, s: &mut Scheduler<u32>) {
            self.log.push((s.now().0, ev));
            if ev < 3 {
                s.schedule_in(SimTime(10), ev + 10);
            }
        }
    }

    #[test]
    fn simultaneous_events_run_in_insertion_order() {
        let mut sim = Simulation::new(Recorder { log: vec![] });
        for ev in [2, 0, 1, 7] {
            sim.sched.schedule_at(SimTime(5), ev);
        }
        sim.sched.schedule_at(SimTime(1), 9);
        sim.run_until(SimTime(100));
        assert_eq!(
            sim.model.log,
            vec![
                (1, 9),
                (5, 2),
                (5, 0),
                (5, 1),
                (5, 7),
                (15, 12),
                (15, 10),
                (15, 11)
            ]
        );
        assert_eq!(sim.sched.now(), SimTime(100));
        assert_eq!(sim.sched.processed(), 8);
    }

    #[test]
    fn run_until_stops_before_later_events() {
        let mut sim = Simulation::new(Recorder { log: vec![] });
        sim.sched.schedule_at(SimTime(50), 5);
        sim.sched.schedule_at(SimTime(51), 6);
        sim.run_until(SimTime(50));
        assert_eq!(sim.model.log, vec![(50, 5)]);
        assert_eq!(sim.sched.pending(), 1);
    }

    #[test]
    fn a_batch_takes_only_what_is_due_before_its_end_and_within_run_until() {
        let mut s: Scheduler<u32> = Scheduler::new();
        for (t, e) in [(10, 1), (20, 2), (30, 3), (40, 4)] {
            s.schedule_at(SimTime(t), e);
        }
        s.until = SimTime(30);
        // Stops at an event it does not want, and at its end.
        assert_eq!(s.take_due(SimTime(35), |&e| e != 3), Some((SimTime(10), 1)));
        assert_eq!(s.take_due(SimTime(35), |&e| e != 3), Some((SimTime(20), 2)));
        assert_eq!(s.take_due(SimTime(35), |&e| e != 3), None);
        assert_eq!(
            s.take_due(SimTime(30), |_| true),
            None,
            "due before 30 only"
        );
        s.until = SimTime(25);
        assert_eq!(s.take_due(SimTime(35), |_| true), None, "past run_until");
        assert_eq!(s.processed(), 2);
        // An event put back follows those already due at its time, and is not counted.
        s.schedule_at(SimTime(20), 5);
        s.put_back(SimTime(20), 2);
        assert_eq!(s.processed(), 1);
        assert_eq!(s.queue.pop(), Some((20, 5)));
        assert_eq!(s.queue.pop(), Some((20, 2)));
    }

    #[test]
    fn time_formats_as_day_and_clock() {
        let t = SimTime::from_days(3) + SimTime::from_hours(14.0 + 5.0 / 60.0);
        assert_eq!(t.to_string(), "d3 14:05:00");
        assert_eq!(t.day(), 3);
    }
}
