//! Traced and sampled parcels: which ones get a tag (two geometric streams over the
//! parcels' serial numbers), and what a tag collects: a traced parcel's steps, and every
//! tagged parcel's own share of each cost it took part in.

use super::Carrier;
use super::books::Tagged;
use super::parcel::{MAX_TAGS, NO_TAG, Parcel};
use super::queue::Queue;
use crate::cost::{self, CostVec, Money};
use crate::engine::SimTime;
use crate::network::NONE;
use crate::random::Rng;
use rand::RngExt;

/// A traced parcel: every step with its time.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Serial number of the parcel (order of creation).
    pub serial: u64,
    /// Node index of its origin outlet.
    pub origin: u32,
    /// Node index of its destination outlet.
    pub dest: u32,
    /// Its weight (kg).
    pub weight_kg: f32,
    /// Each step: when, what (`picked_up`, `sorted`, `signed`, …) and where or with what.
    pub steps: Vec<(SimTime, &'static str, String)>,
    /// Its share of every period it was a member of, by activity, once all have closed.
    pub cost: Option<CostVec>,
}

/// Which parcels get a tag: every parcel whose serial the stream's geometric gaps land on.
#[derive(Debug, Clone)]
pub(super) struct Tagging {
    /// Chance per measured parcel (0: none).
    p: f64,
    pub(super) next: u64,
    rng: Rng,
}

impl Tagging {
    pub(super) fn new(p: f64, rng: Rng) -> Tagging {
        let mut t = Tagging { p, next: 0, rng };
        t.next = if p > 0.0 { t.gap() } else { u64::MAX };
        t
    }

    fn gap(&mut self) -> u64 {
        if self.p >= 1.0 {
            return 0;
        }
        let u: f64 = self.rng.random();
        ((1.0 - u).ln() / (1.0 - self.p).ln()).floor().min(1e18) as u64
    }

    /// Whether serial `s` (asked in increasing order) is tagged.
    fn hits(&mut self, s: u64) -> bool {
        if self.next == u64::MAX || s < self.next {
            return false;
        }
        if s > self.next {
            // Serials were skipped (outside the window): the gaps restart from here.
            self.next = s + self.gap();
            if s < self.next {
                return false;
            }
        }
        self.next = s + 1 + self.gap();
        true
    }
}

impl Carrier<'_> {
    /// Gives the parcels numbered from `first` (a wave's, in `q`) their tags, where the
    /// tracing and sampling streams pick them.
    pub(super) fn tag_new(&mut self, first: u64, q: &mut Queue<Parcel>, now: SimTime) -> Vec<u32> {
        let n = q.len() as u64;
        if n == 0 || !self.cfg.in_window(now) {
            return Vec::new();
        }
        let end = first + n;
        let mut picks: Vec<(u64, bool, bool)> = Vec::new();
        let mut traced_here = 0;
        loop {
            // Jump straight to the nearer of the two streams' next serials.
            let due = self.tracing.next.min(self.sampling.next);
            if due >= end {
                break;
            }
            let s = due.max(first);
            let room = self.traces.len() + traced_here < self.trace_limit;
            let traced = self.tracing.hits(s) && room;
            let sampled = self.sampling.hits(s);
            if traced || sampled {
                traced_here += usize::from(traced);
                picks.push((s, traced, sampled));
            }
        }
        let mut tags = Vec::new();
        if picks.is_empty() {
            return tags;
        }
        for (serial, traced, sampled) in picks {
            if self.tags.len() >= MAX_TAGS {
                break; // the record has no room for more tags (a sample beyond any use)
            }
            let p = q
                .get_mut((serial - first) as usize)
                .expect("a serial of this wave");
            let tag = self.tags.len() as u32;
            let placed = p.placed(&[]);
            let wait_s = p.set_tag(tag);
            tags.push(tag);
            let trace = if traced {
                self.traces.push(Trace {
                    serial,
                    origin: p.origin(),
                    dest: p.dest(),
                    weight_kg: p.weight_kg() as f32,
                    steps: vec![(placed, "order_placed", String::new())],
                    cost: None,
                });
                (self.traces.len() - 1) as u32
            } else {
                NONE
            };
            self.tags.push(Tagged {
                serial,
                cost: CostVec::default(),
                open: 0,
                finished: false,
                trace,
                sampled,
                wait_s,
            });
        }
        tags
    }

    /// Records a step of tagged parcel `tag` at node `node` (if it is traced).
    #[inline]
    pub(super) fn step(&mut self, tag: u32, now: SimTime, what: &'static str, node: u32) {
        let net = self.net;
        self.step_text(tag, now, what, || {
            if node == NONE {
                String::new()
            } else {
                net.nodes[node as usize].id.clone()
            }
        });
    }

    /// Records a step of tagged parcel `tag` with the place given by `at`.
    #[inline]
    pub(super) fn step_text(
        &mut self,
        tag: u32,
        now: SimTime,
        what: &'static str,
        at: impl FnOnce() -> String,
    ) {
        if tag == NO_TAG {
            return;
        }
        let t = self.tags[tag as usize].trace;
        if t != NONE {
            self.traces[t as usize].steps.push((now, what, at()));
        }
    }

    /// Tagged parcel `tag` gets `m` of activity `a`.
    #[inline]
    pub(super) fn tag_cost(&mut self, tag: u32, a: cost::Activity, m: Money) {
        if tag != NO_TAG {
            self.tags[tag as usize].cost.add(a, m);
        }
    }

    /// Tagged parcel `tag` joined `n` more cost periods.
    #[inline]
    pub(super) fn tag_open(&mut self, tag: u32, n: u32) {
        if tag != NO_TAG {
            self.tags[tag as usize].open += n;
        }
    }

    /// A period tagged parcel `tag` joined has closed and given it its share.
    pub(super) fn tag_settle(&mut self, tag: u32, shares: &[(cost::Activity, Money)]) {
        let t = &mut self.tags[tag as usize];
        for &(a, m) in shares {
            t.cost.add(a, m);
        }
        t.open -= 1;
        self.tag_done(tag);
    }

    /// Tagged parcel `tag` has finished its journey.
    pub(super) fn tag_finish(&mut self, tag: u32) {
        if tag != NO_TAG {
            self.tags[tag as usize].finished = true;
            self.tag_done(tag);
        }
    }

    /// Records a tagged parcel whose journey and cost periods are all over.
    pub(super) fn tag_done(&mut self, tag: u32) {
        let t = &self.tags[tag as usize];
        if !t.finished || t.open > 0 {
            return;
        }
        if t.sampled {
            self.sample.push(t.cost.total().0);
        }
        if t.trace != NONE {
            self.traces[t.trace as usize].cost = Some(t.cost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::Activity;
    use crate::engine::Simulation;
    use crate::ops::{CarrierOptions, fixture};
    use crate::random::{Stream, rng};
    use crate::run::Loaded;

    /// How many of `n` serials, asked in increasing order every `every`-th, a stream of
    /// chance `p` tags.
    fn hits(p: f64, n: u64, every: u64) -> u64 {
        let mut t = Tagging::new(p, rng(11, Stream::Trace, 0));
        (0..n).filter(|&i| t.hits(i * every)).count() as u64
    }

    #[test]
    fn tagging_picks_serials_at_the_chance_asked_even_when_serials_are_skipped() {
        let n = 200_000;
        for p in [0.001, 0.02, 0.3] {
            for every in [1, 3] {
                let k = hits(p, n, every) as f64;
                let mean = n as f64 * p;
                let sd = (mean * (1.0 - p)).sqrt();
                assert!(
                    (k - mean).abs() < 4.0 * sd,
                    "p {p}, every {every}th serial: {k} tagged, binomial {mean} ± {sd:.1}"
                );
            }
        }
        assert_eq!(hits(0.0, n, 1), 0, "chance 0 tags none");
        assert_eq!(hits(1.0, n, 1), n, "chance 1 tags all");
        assert_eq!(hits(1.0, n, 7), n, "even when serials are skipped");
    }

    /// A carrier on `l` whose streams trace (up to `limit`) and sample every parcel.
    fn tagging_every_parcel(l: &Loaded, limit: usize) -> Simulation<Carrier<'_>> {
        let mut sim = fixture::sim(l);
        let m = &mut sim.model;
        m.trace_limit = limit;
        m.tracing = Tagging::new(1.0, rng(7, Stream::Trace, 0));
        m.sampling = Tagging::new(1.0, rng(7, Stream::Trace, 1));
        sim
    }

    /// Two parcels picked up when the window opens, tagged: (that time, their tags).
    fn two_tagged(m: &mut Carrier<'_>) -> (SimTime, u32, u32) {
        let now = m.cfg.window().0;
        let mut q = wave(m, 2, now);
        let tags = m.tag_new(0, &mut q, now);
        (now, tags[0], tags[1])
    }

    /// A wave's queue of `n` parcels picked up at `picked`, ordered two hours before.
    fn wave(m: &mut Carrier<'_>, n: usize, picked: SimTime) -> Queue<Parcel> {
        let (origin, dest) = (m.net.outlets[0], m.net.outlets[1]);
        let mut q = Queue::default();
        for p in fixture::parcels(m, n, (origin, dest), picked, 1) {
            let placed = picked - SimTime::from_hours(2.0);
            q.push_back(Parcel::new(
                p.origin(),
                p.dest(),
                placed,
                picked,
                1.0,
                p.class(),
            ));
        }
        q
    }

    #[test]
    fn new_parcels_are_tagged_in_the_window_only_and_traced_up_to_the_limit() {
        let l = fixture::small();
        let mut sim = tagging_every_parcel(&l, 3);
        let m = &mut sim.model;
        let start = m.cfg.window().0;
        // Before the window: nobody is tagged.
        let before = start - SimTime::from_hours(1.0);
        let mut q = wave(m, 10, before);
        assert!(m.tag_new(0, &mut q, before).is_empty());
        assert!(q.iter().all(|p| p.tag() == NO_TAG) && m.tags.is_empty());
        // In the window: every parcel sampled, the first three traced.
        let now = start + SimTime::from_hours(1.0);
        let mut q = wave(m, 10, now);
        let tags = m.tag_new(100, &mut q, now);
        assert_eq!(tags, (0..10).collect::<Vec<u32>>());
        assert_eq!(m.traces.len(), 3);
        let placed = SimTime::from_hours(now.hours() - 2.0);
        for (i, p) in q.iter().enumerate() {
            let t = &m.tags[p.tag() as usize];
            assert_eq!(t.serial, 100 + i as u64, "tags follow serials");
            assert!(t.sampled && !t.finished && t.open == 0);
            assert_eq!(p.placed(&m.tags), placed, "the order time moved to the tag");
            if i < 3 {
                let tr = &m.traces[t.trace as usize];
                assert_eq!(
                    (tr.serial, tr.origin, tr.dest),
                    (t.serial, p.origin(), p.dest())
                );
                assert_eq!(tr.steps, vec![(placed, "order_placed", String::new())]);
            } else {
                assert_eq!(t.trace, NONE, "beyond the trace limit: sampled only");
            }
        }
        // The limit holds across waves.
        let mut q = wave(m, 5, now);
        m.tag_new(110, &mut q, now);
        assert_eq!((m.traces.len(), m.tags.len()), (3, 15));
    }

    #[test]
    fn only_a_traced_parcel_records_its_steps_in_the_order_they_happen() {
        let l = fixture::small();
        let mut sim = tagging_every_parcel(&l, 1);
        let m = &mut sim.model;
        let (now, traced, untraced) = two_tagged(m);
        assert_eq!(m.tags[untraced as usize].trace, NONE);
        let centre = m.net.centres[0];
        let later = |h: f64| now + SimTime::from_hours(h);
        m.step(traced, later(1.0), "arrived", centre);
        m.step(untraced, later(1.0), "arrived", centre);
        m.step(NO_TAG, later(1.5), "sorted", centre);
        m.step(traced, later(2.0), "sorted", centre);
        m.step_text(traced, later(3.0), "departed", || "truck".to_string());
        m.step(traced, later(9.0), "lost", NONE);
        let name = m.net.nodes[centre as usize].id.clone();
        let steps: Vec<(SimTime, &str, String)> = m.traces[0].steps[1..].to_vec();
        assert_eq!(
            steps,
            vec![
                (later(1.0), "arrived", name.clone()),
                (later(2.0), "sorted", name),
                (later(3.0), "departed", "truck".to_string()),
                (later(9.0), "lost", String::new()),
            ]
        );
        assert_eq!(
            m.traces.len(),
            1,
            "the untraced parcel has no trace to write to"
        );
    }

    #[test]
    fn a_tag_counts_in_the_sample_once_its_journey_and_periods_are_all_over() {
        let l = fixture::small();
        let mut sim = tagging_every_parcel(&l, 1);
        let m = &mut sim.model;
        let (_, a, b) = two_tagged(m);
        let yuan = |y: i64| Money(y * 1_000_000);
        // `a` (traced) joins two periods and pays a waybill; it finishes first.
        m.tag_open(a, 2);
        m.tag_cost(a, Activity::WaybillIt, yuan(1));
        m.tag_cost(NO_TAG, Activity::WaybillIt, yuan(1000)); // no one's
        m.tag_finish(a);
        assert!(m.sample.is_empty(), "two periods still open");
        m.tag_settle(
            a,
            &[(Activity::SortLabour, yuan(2)), (Activity::Outlet, yuan(3))],
        );
        assert!(m.sample.is_empty() && m.traces[0].cost.is_none());
        assert_eq!(m.tags[a as usize].open, 1);
        m.tag_settle(a, &[(Activity::SortEquipment, yuan(4))]);
        assert_eq!(m.tags[a as usize].open, 0);
        assert_eq!(m.sample, vec![yuan(10).0]);
        let cost = m.traces[0].cost.expect("the trace has its cost");
        assert_eq!(cost.get(Activity::SortLabour), yuan(2));
        assert_eq!(cost.total(), yuan(10));
        // `b` (sampled only) settles its period before it finishes.
        m.tag_open(b, 1);
        m.tag_settle(b, &[(Activity::Linehaul, yuan(5))]);
        assert_eq!(m.sample.len(), 1, "still travelling");
        m.tag_finish(b);
        m.tag_finish(NO_TAG);
        assert_eq!(m.sample, vec![yuan(10).0, yuan(5).0]);
    }

    #[test]
    fn a_whole_run_traces_the_parcels_asked_with_their_steps_in_time_order() {
        let l = fixture::small();
        let opt = CarrierOptions {
            seed: 7,
            trace: 6,
            cost_sample: 300,
            ..CarrierOptions::default()
        };
        let carrier = Carrier::build(&l.scenario, &l.network, opt).expect("builds");
        let mut sim = Simulation::new(carrier);
        sim.model.schedule_all(&mut sim.sched);
        let end = sim.model.cfg.horizon;
        sim.run_until(end);
        let m = &sim.model;
        assert_eq!(m.traces.len(), 6);
        let traced: Vec<&Tagged> = m.tags.iter().filter(|t| t.trace != NONE).collect();
        assert_eq!(traced.len(), 6, "each trace belongs to one tag");
        let sampled = m.tags.iter().filter(|t| t.sampled).count();
        assert!(
            (150..=600).contains(&sampled),
            "{sampled} sampled for 300 asked"
        );
        for t in &traced {
            let tr = &m.traces[t.trace as usize];
            assert_eq!(tr.serial, t.serial);
            let names: Vec<&str> = tr.steps.iter().map(|s| s.1).collect();
            assert_eq!(names[..2], ["order_placed", "picked_up"], "{names:?}");
            assert_eq!(tr.steps[1].2, m.net.nodes[tr.origin as usize].id);
            let picked = tr.steps[1].0;
            assert!(m.cfg.in_window(picked), "traced in the window");
            assert!(
                tr.steps.windows(2).all(|w| w[0].0 <= w[1].0),
                "steps in time order: {:?}",
                tr.steps
            );
            let last = *names.last().expect("steps");
            assert_eq!(t.finished, last == "signed" || last == "lost", "{names:?}");
            if last == "signed" {
                let (_, _, at) = tr.steps.last().expect("steps");
                assert_eq!(
                    *at, m.net.nodes[tr.dest as usize].id,
                    "signed at its destination"
                );
            }
            assert_eq!(tr.cost.is_some(), t.finished && t.open == 0);
        }
        let done = m
            .tags
            .iter()
            .filter(|t| t.sampled && t.finished && t.open == 0);
        assert_eq!(
            m.sample.len(),
            done.count(),
            "the sample holds the settled ones"
        );
    }
}
