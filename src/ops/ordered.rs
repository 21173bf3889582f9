//! A queue kept in order of a key (a second), as a lane keeps the parcels being sorted for
//! it: in chunks like [`Queue`], but with its newest chunk and that chunk's newest key in
//! the queue's own record. A centre sorts each parcel onto one of its lanes, at random
//! among hundreds or thousands; appending then reads only the lane's record and writes
//! into the chunk, where a [`Queue`] would read its chunk list and the chunk's last item
//! first: two reads from memory fewer for every parcel sorted.

use super::queue::{CHUNK, Queue, Spares};

/// Items `(key, value)`, non-decreasing in key, in chunks: the older ones in a [`Queue`],
/// the newest here.
#[derive(Debug, Clone)]
pub struct Ordered<T> {
    /// The newest chunk (no chunk: empty, without memory), its items from `head` on.
    newest: Vec<(u32, T)>,
    head: usize,
    /// Key of the newest chunk's last item (`None` without a newest chunk).
    last: Option<u32>,
    /// The chunks before it.
    older: Queue<(u32, T)>,
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered {
            newest: Vec::new(),
            head: 0,
            last: None,
            older: Queue::default(),
        }
    }
}

impl<T: Copy> Ordered<T> {
    /// Items held.
    pub fn len(&self) -> usize {
        self.older.len() + self.newest.len() - self.head
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Inserts `x` in order of its key when its place is within the last two chunks (after
    /// the items of an equal key); otherwise gives it back. Chunks have room for
    /// [`super::queue::SLACK`] items beyond [`CHUNK`], so that a few late items fit
    /// without splitting them. New chunks come from `spares`.
    #[inline]
    pub fn insert_near_back(&mut self, x: (u32, T), spares: &mut Spares) -> Result<(), (u32, T)> {
        let kx = x.0;
        let Some(last) = self.last else {
            self.start_chunk(x, spares);
            return Ok(());
        };
        if last <= kx {
            if self.newest.len() < CHUNK {
                self.newest.push(x);
                self.last = Some(kx);
            } else {
                self.start_chunk(x, spares);
            }
            return Ok(());
        }
        // First position from the back whose item is not after x.
        let c = &mut self.newest;
        let mut i = c.len();
        while i > self.head && c[i - 1].0 > kx {
            i -= 1;
        }
        if i > self.head {
            if c.len() < c.capacity() {
                c.insert(i, x);
            } else {
                // A chunk without room is cut where `x` goes; the tail becomes the newest.
                let mut tail = spares.take();
                tail.extend(c.drain(i..));
                c.push(x);
                let cut = std::mem::replace(c, tail);
                self.older.push_chunk(cut, self.head);
                self.head = 0;
            }
            return Ok(());
        }
        // Before the whole newest chunk: at the end of the one before, if it fits there.
        self.older.push_onto_last(x, |b| b.0 <= kx)
    }

    /// Starts a new chunk holding `x`; the newest one becomes the last of the older.
    fn start_chunk(&mut self, x: (u32, T), spares: &mut Spares) {
        let mut c = spares.take();
        c.push(x);
        let before = std::mem::replace(&mut self.newest, c);
        if !before.is_empty() {
            self.older.push_chunk(before, self.head);
        }
        self.head = 0;
        self.last = Some(x.0);
    }

    /// The oldest item.
    pub fn front(&self) -> Option<&(u32, T)> {
        self.older.front().or_else(|| self.newest.get(self.head))
    }

    /// The newest item.
    pub fn back(&self) -> Option<&(u32, T)> {
        self.newest.last().or_else(|| self.older.back())
    }

    /// Takes the oldest item.
    pub fn pop_front(&mut self) -> Option<(u32, T)> {
        if !self.older.is_empty() {
            return self.older.pop_front();
        }
        let x = *self.newest.get(self.head)?;
        self.head += 1;
        if self.head == self.newest.len() {
            self.clear_newest();
        }
        Some(x)
    }

    /// The items of the front chunk.
    pub fn front_chunk(&self) -> Option<&[(u32, T)]> {
        self.older.front_chunk().or_else(|| {
            let c = &self.newest[self.head..];
            (!c.is_empty()).then_some(c)
        })
    }

    /// Removes the front chunk, giving its items.
    pub fn pop_front_chunk(&mut self) -> Option<Vec<(u32, T)>> {
        if !self.older.is_empty() {
            return self.older.pop_front_chunk();
        }
        if self.newest.is_empty() {
            return None;
        }
        let mut c = std::mem::take(&mut self.newest);
        c.drain(..self.head);
        self.clear_newest();
        Some(c)
    }

    /// No newest chunk any more (its memory is freed, as a [`Queue`] frees an emptied
    /// chunk).
    fn clear_newest(&mut self) {
        self.newest = Vec::new();
        self.head = 0;
        self.last = None;
    }

    /// Bytes its chunks hold (capacity, not only the items in use).
    pub fn bytes(&self) -> usize {
        self.older.bytes() + self.newest.capacity() * size_of::<(u32, T)>()
    }

    /// Every item, front to back.
    pub fn iter(&self) -> impl Iterator<Item = &(u32, T)> + '_ {
        self.older.iter().chain(&self.newest[self.head..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::queue::CHUNK_BYTES;

    #[test]
    fn near_back_insertion_keeps_keys_sorted_or_refuses() {
        let mut q: Ordered<u32> = Ordered::default();
        let mut spares = Spares::keeping(32);
        for (i, t) in [10, 20, 15, 30, 25, 25, 5].into_iter().enumerate() {
            let r = q.insert_near_back((t, i as u32), &mut spares);
            if t == 5 {
                assert!(r.is_err(), "would go before the chunk's first item");
            } else {
                assert!(r.is_ok());
            }
        }
        let keys: Vec<u32> = q.iter().map(|x| x.0).collect();
        assert_eq!(keys, vec![10, 15, 20, 25, 25, 30]);
        // Equal keys keep arrival order.
        let ids: Vec<u32> = q.iter().filter(|x| x.0 == 25).map(|x| x.1).collect();
        assert_eq!(ids, vec![4, 5]);
        assert_eq!((q.front(), q.back()), (Some(&(10, 0)), Some(&(30, 3))));
    }

    #[test]
    fn local_inversions_across_chunk_boundaries_stay_in_the_queue() {
        // Items the size of a parcel with its ready second.
        let mut q: Ordered<[u32; 4]> = Ordered::default();
        // Increasing keys after the first, each pair swapped: every other item is late.
        let mut keys = vec![0u32];
        let mut spares = Spares::keeping(32);
        keys.extend((0..500u32).flat_map(|j| [2 * j + 2, 2 * j + 1]));
        for &k in &keys {
            assert!(q.insert_near_back((k, [k; 4]), &mut spares).is_ok(), "{k}");
        }
        let got: Vec<u32> = q.iter().map(|x| x.0).collect();
        assert_eq!(got, (0..=1000).collect::<Vec<u32>>());
        assert_eq!(q.len(), 1001);
        // Chunks stay about full: their memory is close to the items'.
        assert!(q.bytes() < 1001 * 20 * 5 / 4 + 512, "{}", q.bytes());
    }

    /// Items leave from the front, one at a time or a chunk at a time, in order, across
    /// the older chunks and the newest; an emptied queue starts again.
    #[test]
    fn items_leave_in_order_by_item_and_by_chunk() {
        let mut q: Ordered<u32> = Ordered::default();
        let mut spares = Spares::keeping(32);
        for i in 0..3 * CHUNK as u32 + 5 {
            q.insert_near_back((i, i), &mut spares).expect("in order");
        }
        let mut seen = Vec::new();
        seen.push(q.pop_front().expect("an item").0);
        while let Some(c) = q.pop_front_chunk() {
            seen.extend(c.iter().map(|x| x.0));
            if let Some(x) = q.pop_front() {
                seen.push(x.0);
            }
        }
        assert_eq!(seen, (0..3 * CHUNK as u32 + 5).collect::<Vec<u32>>());
        assert!(q.is_empty() && q.front().is_none() && q.back().is_none());
        assert!(q.bytes() < CHUNK_BYTES, "no chunk held: {}", q.bytes());
        q.insert_near_back((7, 7), &mut spares)
            .expect("a new chunk");
        assert_eq!((q.len(), q.front_chunk()), (1, Some(&[(7, 7)][..])));
    }
}
