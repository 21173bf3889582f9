//! The future-event list: an implicit 4-ary min-heap over (time, sequence) keys.
//!
//! Keys are unique because the insertion sequence is, so the order is total and
//! deterministic: simultaneous events come out in the order they were scheduled.
//! A 4-ary heap is half as deep as a binary one and its children share a cache line,
//! which is what the hold benchmark rewards.

/// Min-priority queue of events keyed by (time, insertion sequence).
pub struct EventQueue<E> {
    keys: Vec<u128>,
    events: Vec<E>,
}

const D: usize = 4;

#[inline]
fn key(time: u64, seq: u64) -> u128 {
    ((time as u128) << 64) | seq as u128
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            keys: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Adds an event.
    #[inline]
    pub fn push(&mut self, time: u64, seq: u64, event: E) {
        let k = key(time, seq);
        let mut i = self.keys.len();
        self.keys.push(k);
        self.events.push(event);
        // Sift up: move parents down until the new key's place is found.
        while i > 0 {
            let p = (i - 1) / D;
            if self.keys[p] <= k {
                break;
            }
            self.keys[i] = self.keys[p];
            self.events.swap(i, p);
            i = p;
        }
        self.keys[i] = k;
    }

    /// Time of the earliest event.
    #[inline]
    pub fn peek_time(&self) -> Option<u64> {
        self.keys.first().map(|k| (k >> 64) as u64)
    }

    /// The earliest event and its time.
    #[inline]
    pub fn peek(&self) -> Option<(u64, &E)> {
        Some(((*self.keys.first()? >> 64) as u64, &self.events[0]))
    }

    /// Removes the earliest event, returning its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        let n = self.keys.len();
        if n == 0 {
            return None;
        }
        let top_key = self.keys[0];
        let last_key = self.keys.pop().expect("non-empty");
        let event = self.events.swap_remove(0);
        let n = n - 1;
        if n > 0 {
            // The former last event now sits at the root; sift it down.
            let mut i = 0;
            loop {
                let first = D * i + 1;
                if first >= n {
                    break;
                }
                let end = (first + D).min(n);
                let mut c = first;
                let mut ck = self.keys[first];
                for j in first + 1..end {
                    let kj = self.keys[j];
                    if kj < ck {
                        c = j;
                        ck = kj;
                    }
                }
                if ck >= last_key {
                    break;
                }
                self.keys[i] = ck;
                self.events.swap(i, c);
                i = c;
            }
            self.keys[i] = last_key;
        }
        Some(((top_key >> 64) as u64, event))
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[test]
    fn matches_a_binary_heap_under_random_monotone_use() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut q = EventQueue::new();
        let mut reference = BinaryHeap::new();
        let (mut now, mut seq) = (0u64, 0u64);
        for step in 0..200_000u32 {
            let pushes = rng.random_range(0..3u32);
            for _ in 0..pushes {
                // Many ties (small deltas) and some far-future events.
                let dt = if rng.random::<f64>() < 0.1 {
                    rng.random_range(0..1u64 << 40)
                } else {
                    rng.random_range(0..4u64)
                };
                q.push(now + dt, seq, step);
                reference.push(Reverse((now + dt, seq, step)));
                seq += 1;
            }
            assert_eq!(q.len(), reference.len());
            let got = q.pop();
            let want = reference.pop().map(|Reverse((t, _, e))| (t, e));
            assert_eq!(got, want);
            if let Some((t, _)) = got {
                now = t;
            }
        }
    }

    #[test]
    fn empty_queue_pops_nothing() {
        let mut q: EventQueue<()> = EventQueue::new();
        assert!(q.is_empty());
        assert_eq!(q.peek_time(), None);
        assert_eq!(q.pop(), None);
    }
}
