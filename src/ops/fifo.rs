//! A first-in first-out ring of copyable items, of a power-of-two room so that a position
//! is found with a mask: the sorter's list of waiting parcels is read at the front and
//! written at the back for every parcel sorted, where a `VecDeque`'s general wrap-around
//! arithmetic costs more than the work itself.

/// Items in `buf`, oldest first, from `head` on, wrapping around.
#[derive(Debug, Clone)]
pub struct Fifo<T> {
    buf: Vec<T>,
    head: usize,
    len: usize,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo {
            buf: Vec::new(),
            head: 0,
            len: 0,
        }
    }
}

impl<T: Copy + Default> Fifo<T> {
    /// Items held.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Items it has room for without allocating.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    #[inline]
    fn at(&self, i: usize) -> usize {
        (self.head + i) & (self.buf.len() - 1)
    }

    /// The oldest item.
    #[inline]
    pub fn front(&self) -> Option<&T> {
        (self.len > 0).then(|| &self.buf[self.head])
    }

    /// The newest item.
    #[inline]
    pub fn back_mut(&mut self) -> Option<&mut T> {
        if self.len == 0 {
            return None;
        }
        let i = self.at(self.len - 1);
        Some(&mut self.buf[i])
    }

    /// Takes the oldest item.
    #[inline]
    pub fn pop_front(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let x = self.buf[self.head];
        self.head = (self.head + 1) & (self.buf.len() - 1);
        self.len -= 1;
        Some(x)
    }

    /// Adds `x` at the back, doubling the room when full.
    #[inline]
    pub fn push_back(&mut self, x: T) {
        if self.len == self.buf.len() {
            self.resize((self.len * 2).max(4));
        }
        let i = self.at(self.len);
        self.buf[i] = x;
        self.len += 1;
    }

    /// Moves the items into a new room of `room` (a power of two, at least `len`) items.
    #[cold]
    fn resize(&mut self, room: usize) {
        debug_assert!(room.is_power_of_two() && room >= self.len);
        let mut buf = vec![T::default(); room];
        for (k, slot) in buf.iter_mut().take(self.len).enumerate() {
            *slot = self.buf[self.at(k)];
        }
        self.buf = buf;
        self.head = 0;
    }

    /// Halves the room while the items fill less than a quarter of it.
    pub fn shrink(&mut self) {
        let mut room = self.buf.len();
        while room > 4 && self.len < room / 4 {
            room /= 2;
        }
        if room < self.buf.len() {
            self.resize(room);
        }
    }

    /// The items, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len).map(|k| &self.buf[self.at(k)])
    }
}

impl<T: Copy + Default> FromIterator<T> for Fifo<T> {
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Self {
        let mut f = Fifo::default();
        for x in it {
            f.push_back(x);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_leave_in_the_order_they_came_and_the_room_is_reused() {
        let mut f = Fifo::default();
        for i in 0..100u32 {
            f.push_back(i);
        }
        let room = f.capacity();
        assert_eq!(room, 128);
        let mut next = 0;
        // A steady flow: one in, one out, many times round the ring.
        for i in 100..10_000u32 {
            assert_eq!(f.pop_front(), Some(next));
            next += 1;
            f.push_back(i);
            assert_eq!(f.len(), 100);
        }
        assert_eq!(f.capacity(), room, "a steady flow allocates nothing");
        assert_eq!(f.front(), Some(&next));
        assert_eq!(
            f.iter().copied().collect::<Vec<_>>(),
            (next..10_000).collect::<Vec<_>>()
        );
        while f.len() > 10 {
            f.pop_front();
        }
        f.shrink();
        assert_eq!(f.capacity(), 32, "shrunk while under a quarter full");
        assert_eq!(
            f.iter().copied().collect::<Vec<_>>(),
            (9_990..10_000).collect::<Vec<_>>()
        );
        while f.pop_front().is_some() {}
        assert!(f.is_empty() && f.back_mut().is_none() && f.front().is_none());
    }

    #[test]
    fn the_newest_item_is_found_across_the_wrap() {
        let mut f: Fifo<(u32, u32)> = (0..4).map(|i| (i, 1)).collect();
        for i in 4..50 {
            f.pop_front();
            f.push_back((i, 1));
            // The newest run grows in place wherever the ring has wrapped to.
            f.back_mut().unwrap().1 += 1;
            assert_eq!(f.iter().last(), Some(&(i, 2)));
        }
        assert_eq!((f.len(), f.capacity()), (4, 4));
        assert_eq!(f.front(), Some(&(46, 2)));
    }
}
