//! Three standard queueing models on the engine (hold, M/M/c, tandem sortation), as
//! specified for cross-engine comparison, plus the Erlang C formulas they are checked
//! against. The `examples/` binaries and the criterion benches are thin wrappers.

use crate::engine::{Model, Scheduler, SimTime, Simulation};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::collections::VecDeque;
use std::time::Instant;

/// Exponential draw by inversion, `-ln(U)/rate` with U on (0, 1], in hours.
#[inline]
pub fn exp_hours(rng: &mut Xoshiro256PlusPlus, rate: f64) -> f64 {
    let u = 1.0 - rng.random::<f64>();
    -u.ln() / rate
}

/// The stream for purpose `k` of run `seed` (k = 1 arrivals, 2 first station, 3 second).
pub fn stream(seed: u64, k: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_mul(4).wrapping_add(k))
}

// ---------------------------------------------------------------- analytic values

/// Erlang C: probability that an arrival waits, for `c` servers and offered load `a` = λ/μ.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / c as f64;
    assert!(rho < 1.0, "unstable queue: rho = {rho}");
    // Sum a^k/k! for k < c iteratively to stay stable for large c.
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..c {
        sum += term;
        term *= a / (k + 1) as f64;
    }
    let tail = term / (1.0 - rho); // term = a^c / c!
    tail / (sum + tail)
}

/// Analytic M/M/c steady state: (P_wait, Wq, W, Lq, L), times in hours.
pub fn mmc_analytic(lam: f64, mu: f64, c: u32) -> (f64, f64, f64, f64, f64) {
    let p = erlang_c(c, lam / mu);
    let wq = p / (c as f64 * mu - lam);
    let w = wq + 1.0 / mu;
    (p, wq, w, lam * wq, lam * w)
}

// ---------------------------------------------------------------- hold model

/// What a hold-model run measured (the keys of `examples/hold.rs`'s JSON).
#[derive(Serialize, Debug)]
pub struct HoldResult {
    /// Processes in the model.
    pub n: u32,
    /// Events processed.
    pub events: u64,
    /// Simulated time at the end (h).
    pub sim_time: f64,
    /// Wall time to schedule the first `n` events (s).
    pub setup_s: f64,
    /// Wall time of the timed events (s).
    pub wall_s: f64,
    /// Events per wall-clock second.
    pub events_per_s: f64,
    /// Wall time per event (ns).
    pub ns_per_event: f64,
}

impl HoldResult {
    /// `events` handled in `wall_s` seconds, ending at simulated time `end`.
    fn timed(n: u32, events: u64, end: SimTime, setup_s: f64, wall_s: f64) -> HoldResult {
        HoldResult {
            n,
            events,
            sim_time: end.hours(),
            setup_s,
            wall_s,
            events_per_s: events as f64 / wall_s,
            ns_per_event: wall_s * 1e9 / events as f64,
        }
    }
}

struct Hold {
    rng: Xoshiro256PlusPlus,
}

impl Model for Hold {
    type Event = u32;
    #[inline]
    fn handle(&mut self, id: u32, s: &mut Scheduler<u32>) {
        let dt = SimTime::from_hours(exp_hours(&mut self.rng, 1.0));
        s.schedule_in(dt, id);
    }
}

/// The classic hold model: `n` processes, each waiting Exp(1) hours forever; times exactly
/// `events` hold completions.
pub fn hold(n: u32, events: u64, seed: u64) -> HoldResult {
    let t0 = Instant::now();
    let mut sim = Simulation::new(Hold {
        rng: stream(seed, 1),
    });
    for id in 0..n {
        let dt = SimTime::from_hours(exp_hours(&mut sim.model.rng, 1.0));
        sim.sched.schedule_at(dt, id);
    }
    let setup_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    for _ in 0..events {
        sim.step();
    }
    let wall_s = t1.elapsed().as_secs_f64();
    HoldResult::timed(n, sim.sched.processed(), sim.sched.now(), setup_s, wall_s)
}

/// The same hold model on a plain `BinaryHeap` loop (no engine: times in ms, ties by
/// insertion order as the engine breaks them): the yardstick for the engine's and the
/// carrier's speed, measured in the same session.
pub fn hold_plain(n: u32, events: u64, seed: u64) -> HoldResult {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let t0 = Instant::now();
    let mut rng = stream(seed, 1);
    let mut heap = BinaryHeap::with_capacity(n as usize);
    let mut seq = 0u64;
    for id in 0..n {
        let dt = SimTime::from_hours(exp_hours(&mut rng, 1.0));
        heap.push(Reverse((dt, seq, id)));
        seq += 1;
    }
    let setup_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut now = SimTime::ZERO;
    for _ in 0..events {
        let Reverse((t, _, id)) = heap.pop().expect("n > 0 processes");
        now = t;
        let dt = SimTime::from_hours(exp_hours(&mut rng, 1.0));
        heap.push(Reverse((now + dt, seq, id)));
        seq += 1;
    }
    let wall_s = t1.elapsed().as_secs_f64();
    HoldResult::timed(n, events, now, setup_s, wall_s)
}

// ---------------------------------------------------------------- stations

/// A customer in service: when it arrived at the first station, here, and started service.
#[derive(Clone, Copy)]
pub struct Job {
    first: SimTime,
    here: SimTime,
    start: SimTime,
}

/// A FIFO station with `c` identical exponential servers, measuring over [warmup, horizon].
struct Station {
    c: u32,
    mu: f64,
    rng: Xoshiro256PlusPlus,
    busy: u32,
    /// (arrival at the first station, arrival here) of each waiting customer.
    queue: VecDeque<(SimTime, SimTime)>,
    warmup: SimTime,
    horizon: SimTime,
    last_change: SimTime,
    busy_area: f64,
    queue_area: f64,
    served: u64,
    measured: u64,
    wait_sum: f64,
    system_sum: f64,
}

impl Station {
    fn new(c: u32, mu: f64, rng: Xoshiro256PlusPlus, warmup: SimTime, horizon: SimTime) -> Self {
        Station {
            c,
            mu,
            rng,
            busy: 0,
            queue: VecDeque::new(),
            warmup,
            horizon,
            last_change: SimTime::ZERO,
            busy_area: 0.0,
            queue_area: 0.0,
            served: 0,
            measured: 0,
            wait_sum: 0.0,
            system_sum: 0.0,
        }
    }

    /// Adds the time integrals of the current state up to `now`, clipped to the window.
    #[inline]
    fn integrate(&mut self, now: SimTime) {
        let from = self.last_change.max(self.warmup);
        let to = now.min(self.horizon);
        if to > from {
            let dt = (to - from).hours();
            self.busy_area += self.busy as f64 * dt;
            self.queue_area += self.queue.len() as f64 * dt;
        }
        self.last_change = now;
    }

    #[inline]
    fn start(&mut self, first: SimTime, here: SimTime, now: SimTime) -> (Job, SimTime) {
        let svc = SimTime::from_hours(exp_hours(&mut self.rng, self.mu));
        (
            Job {
                first,
                here,
                start: now,
            },
            svc,
        )
    }

    /// A customer arrives; returns the job and its service time if it starts at once.
    #[inline]
    fn arrive(&mut self, now: SimTime, first: SimTime) -> Option<(Job, SimTime)> {
        self.integrate(now);
        if self.busy < self.c {
            self.busy += 1;
            Some(self.start(first, now, now))
        } else {
            self.queue.push_back((first, now));
            None
        }
    }

    /// `job` ends at `now`; returns the next job and its service time if one starts.
    #[inline]
    fn depart(&mut self, job: Job, now: SimTime) -> Option<(Job, SimTime)> {
        self.integrate(now);
        self.served += 1;
        if job.first >= self.warmup {
            self.measured += 1;
            self.wait_sum += (job.start - job.here).hours();
            self.system_sum += (now - job.here).hours();
        }
        match self.queue.pop_front() {
            Some((first, here)) => Some(self.start(first, here, now)),
            None => {
                self.busy -= 1;
                None
            }
        }
    }

    fn window_hours(&self) -> f64 {
        (self.horizon - self.warmup).hours()
    }
}

// ---------------------------------------------------------------- M/M/c model

/// Speed figures common to the queueing models (the peers' JSON keys).
#[derive(Serialize, Debug)]
pub struct Timing {
    /// Wall time of the run (s).
    pub wall_s: f64,
    /// Events the engine processed.
    pub events: u64,
    /// What `events` counts ("future-event-list pops").
    pub events_kind: &'static str,
    /// Model events: arrivals and service completions (a peer simulator's count).
    pub model_events: u64,
    /// `events` per wall-clock second.
    pub events_per_s: f64,
    /// `model_events` per wall-clock second.
    pub model_events_per_s: f64,
}

impl Timing {
    fn new(wall_s: f64, events: u64, model_events: u64) -> Timing {
        Timing {
            wall_s,
            events,
            events_kind: "future-event-list pops",
            model_events,
            events_per_s: events as f64 / wall_s,
            model_events_per_s: model_events as f64 / wall_s,
        }
    }
}

/// What an M/M/c run measured; times in hours, over the window after the warm-up.
#[derive(Serialize, Debug)]
pub struct MmcResult {
    /// Customers that arrived.
    pub arrivals: u64,
    /// Customers whose service ended.
    pub served: u64,
    /// Of those, customers that arrived after the warm-up: the ones averaged.
    pub measured: u64,
    /// Mean wait before service, Wq (h).
    pub mean_wait_h: f64,
    /// Mean time in the system, W (h).
    pub mean_system_h: f64,
    /// Share of server time busy (-).
    pub utilization: f64,
    /// Time-average number waiting, Lq.
    pub mean_queue_len: f64,
    /// Time-average number in the system, L.
    pub mean_in_system: f64,
    /// Speed of the run.
    #[serde(flatten)]
    pub timing: Timing,
}

#[derive(Clone, Copy)]
enum MmcEvent {
    Arrival,
    Departure(Job),
}

struct Mmc {
    lam: f64,
    arrivals_rng: Xoshiro256PlusPlus,
    arrivals: u64,
    st: Station,
}

impl Model for Mmc {
    type Event = MmcEvent;
    #[inline]
    fn handle(&mut self, ev: MmcEvent, s: &mut Scheduler<MmcEvent>) {
        let now = s.now();
        let next = match ev {
            MmcEvent::Arrival => {
                self.arrivals += 1;
                let gap = SimTime::from_hours(exp_hours(&mut self.arrivals_rng, self.lam));
                s.schedule_in(gap, MmcEvent::Arrival);
                self.st.arrive(now, now)
            }
            MmcEvent::Departure(job) => self.st.depart(job, now),
        };
        if let Some((job, svc)) = next {
            s.schedule_in(svc, MmcEvent::Departure(job));
        }
    }
}

/// The M/M/c queue: Poisson(λ) arrivals, `c` servers with Exp(μ) service, FIFO.
pub fn mmc(lam: f64, mu: f64, c: u32, hours: f64, warmup: f64, seed: u64) -> MmcResult {
    let t0 = Instant::now();
    let (warmup, horizon) = (SimTime::from_hours(warmup), SimTime::from_hours(hours));
    let mut sim = Simulation::new(Mmc {
        lam,
        arrivals_rng: stream(seed, 1),
        arrivals: 0,
        st: Station::new(c, mu, stream(seed, 2), warmup, horizon),
    });
    let first = SimTime::from_hours(exp_hours(&mut sim.model.arrivals_rng, lam));
    sim.sched.schedule_at(first, MmcEvent::Arrival);
    sim.run_until(horizon);
    sim.model.st.integrate(horizon);
    let wall_s = t0.elapsed().as_secs_f64();
    let m = &sim.model;
    let st = &m.st;
    let win = st.window_hours();
    let n = st.measured.max(1) as f64;
    let model_events = m.arrivals + st.served;
    let events = sim.sched.processed();
    MmcResult {
        arrivals: m.arrivals,
        served: st.served,
        measured: st.measured,
        mean_wait_h: st.wait_sum / n,
        mean_system_h: st.system_sum / n,
        utilization: st.busy_area / win / c as f64,
        mean_queue_len: st.queue_area / win,
        mean_in_system: (st.queue_area + st.busy_area) / win,
        timing: Timing::new(wall_s, events, model_events),
    }
}

// ---------------------------------------------------------------- tandem model

/// What a tandem run measured: station A, the line-haul delay, station B; times in hours.
#[derive(Serialize, Debug)]
pub struct TandemResult {
    /// Customers that arrived at A.
    pub arrivals: u64,
    /// Customers whose service at A ended.
    pub served_a: u64,
    /// Customers whose service at B ended.
    pub served: u64,
    /// Of those, customers that arrived after the warm-up: the ones averaged.
    pub measured: u64,
    /// Mean time from arrival at A to leaving B, the delay included (h).
    pub mean_e2e_h: f64,
    /// The same as `mean_e2e_h` (the peers' key).
    pub mean_system_h: f64,
    /// Mean wait at A plus mean wait at B (h).
    pub mean_wait_h: f64,
    /// Mean wait before service at A (h).
    pub mean_wait_a_h: f64,
    /// Mean wait before service at B (h).
    pub mean_wait_b_h: f64,
    /// Mean time at A, waiting and in service (h).
    pub mean_system_a_h: f64,
    /// Mean time at B, waiting and in service (h).
    pub mean_system_b_h: f64,
    /// Share of all servers' time busy, A and B together (-).
    pub utilization: f64,
    /// Share of A's server time busy (-).
    pub utilization_a: f64,
    /// Share of B's server time busy (-).
    pub utilization_b: f64,
    /// Time-average number waiting at A and B.
    pub mean_queue_len: f64,
    /// Time-average number waiting at A.
    pub mean_queue_len_a: f64,
    /// Time-average number waiting at B.
    pub mean_queue_len_b: f64,
    /// Time-average number at the stations (the delay excluded).
    pub mean_in_system: f64,
    /// Speed of the run.
    #[serde(flatten)]
    pub timing: Timing,
}

#[derive(Clone, Copy)]
enum TandemEvent {
    Arrival,
    DepartA(Job),
    ArriveB { first: SimTime },
    DepartB(Job),
}

struct Tandem {
    lam: f64,
    delay: SimTime,
    arrivals_rng: Xoshiro256PlusPlus,
    arrivals: u64,
    a: Station,
    b: Station,
    e2e_sum: f64,
}

impl Model for Tandem {
    type Event = TandemEvent;
    #[inline]
    fn handle(&mut self, ev: TandemEvent, s: &mut Scheduler<TandemEvent>) {
        let now = s.now();
        match ev {
            TandemEvent::Arrival => {
                self.arrivals += 1;
                let gap = SimTime::from_hours(exp_hours(&mut self.arrivals_rng, self.lam));
                s.schedule_in(gap, TandemEvent::Arrival);
                if let Some((job, svc)) = self.a.arrive(now, now) {
                    s.schedule_in(svc, TandemEvent::DepartA(job));
                }
            }
            TandemEvent::DepartA(job) => {
                s.schedule_in(self.delay, TandemEvent::ArriveB { first: job.first });
                if let Some((next, svc)) = self.a.depart(job, now) {
                    s.schedule_in(svc, TandemEvent::DepartA(next));
                }
            }
            TandemEvent::ArriveB { first } => {
                if let Some((job, svc)) = self.b.arrive(now, first) {
                    s.schedule_in(svc, TandemEvent::DepartB(job));
                }
            }
            TandemEvent::DepartB(job) => {
                if job.first >= self.b.warmup {
                    self.e2e_sum += (now - job.first).hours();
                }
                if let Some((next, svc)) = self.b.depart(job, now) {
                    s.schedule_in(svc, TandemEvent::DepartB(next));
                }
            }
        }
    }
}

/// Parameters of the tandem model (times in hours, rates per hour).
#[derive(Clone, Copy, Debug)]
pub struct TandemParams {
    /// Arrival rate at A (per h).
    pub lam: f64,
    /// Servers at A.
    pub c_a: u32,
    /// Service rate of one server at A (per h).
    pub mu_a: f64,
    /// Fixed line-haul delay from A to B (h).
    pub d: f64,
    /// Servers at B.
    pub c_b: u32,
    /// Service rate of one server at B (per h).
    pub mu_b: f64,
    /// Simulated time, warm-up included (h).
    pub hours: f64,
    /// Warm-up not measured (h).
    pub warmup: f64,
    /// Seed of the random streams.
    pub seed: u64,
}

/// Two M/M/c sortation centres joined by a fixed line-haul delay.
pub fn tandem(p: TandemParams) -> TandemResult {
    let t0 = Instant::now();
    let (warmup, horizon) = (SimTime::from_hours(p.warmup), SimTime::from_hours(p.hours));
    let mut sim = Simulation::new(Tandem {
        lam: p.lam,
        delay: SimTime::from_hours(p.d),
        arrivals_rng: stream(p.seed, 1),
        arrivals: 0,
        a: Station::new(p.c_a, p.mu_a, stream(p.seed, 2), warmup, horizon),
        b: Station::new(p.c_b, p.mu_b, stream(p.seed, 3), warmup, horizon),
        e2e_sum: 0.0,
    });
    let first = SimTime::from_hours(exp_hours(&mut sim.model.arrivals_rng, p.lam));
    sim.sched.schedule_at(first, TandemEvent::Arrival);
    sim.run_until(horizon);
    sim.model.a.integrate(horizon);
    sim.model.b.integrate(horizon);
    let wall_s = t0.elapsed().as_secs_f64();
    let m = &sim.model;
    let win = m.a.window_hours();
    let na = m.a.measured.max(1) as f64;
    let nb = m.b.measured.max(1) as f64;
    let (wa, wb) = (m.a.wait_sum / na, m.b.wait_sum / nb);
    let e2e = m.e2e_sum / nb;
    let model_events = m.arrivals + m.a.served + m.a.served + m.b.served; // arrivals at B = departures from A
    let events = sim.sched.processed();
    let (qa, qb) = (m.a.queue_area / win, m.b.queue_area / win);
    TandemResult {
        arrivals: m.arrivals,
        served_a: m.a.served,
        served: m.b.served,
        measured: m.b.measured,
        mean_e2e_h: e2e,
        mean_system_h: e2e,
        mean_wait_h: wa + wb,
        mean_wait_a_h: wa,
        mean_wait_b_h: wb,
        mean_system_a_h: m.a.system_sum / na,
        mean_system_b_h: m.b.system_sum / nb,
        utilization: (m.a.busy_area + m.b.busy_area) / win / (p.c_a + p.c_b) as f64,
        utilization_a: m.a.busy_area / win / p.c_a as f64,
        utilization_b: m.b.busy_area / win / p.c_b as f64,
        mean_queue_len: qa + qb,
        mean_queue_len_a: qa,
        mean_queue_len_b: qb,
        mean_in_system: (m.a.queue_area + m.a.busy_area + m.b.queue_area + m.b.busy_area) / win,
        timing: Timing::new(wall_s, events, model_events),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_the_published_values() {
        let (p, wq, w, lq, l) = mmc_analytic(900.0, 100.0, 10);
        assert!((p - 0.668732).abs() < 1e-6);
        assert!((wq - 0.00668732).abs() < 1e-8);
        assert!((w - 0.01668732).abs() < 1e-8);
        assert!((lq - 6.018584).abs() < 1e-5);
        assert!((l - 15.018584).abs() < 1e-5);
        let (pb, wqb, ..) = mmc_analytic(900.0, 90.0, 12);
        assert!((pb - 0.449388).abs() < 1e-6);
        assert!((wqb - 0.00249660).abs() < 1e-8);
    }

    #[test]
    fn hold_processes_exactly_the_requested_events() {
        let r = hold(100, 50_000, 1);
        assert_eq!(r.events, 50_000);
        // Each process holds Exp(1) h on average: sim time ≈ events / n.
        assert!((r.sim_time - 500.0).abs() < 25.0, "{}", r.sim_time);
    }

    #[test]
    fn the_plain_loop_runs_the_same_hold_model_as_the_engine() {
        let (e, p) = (hold(100, 50_000, 3), hold_plain(100, 50_000, 3));
        assert_eq!(p.events, 50_000);
        assert_eq!(e.sim_time.to_bits(), p.sim_time.to_bits());
    }
}
