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
