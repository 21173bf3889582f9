//! The chunked FIFO queue that holds parcels between stages: whole chunks move between
//! queues, so a truck's load moves as a few pointer moves and memory follows what is held
//! rather than each queue's peak; and the spare chunks a centre keeps to fill again.

use std::collections::VecDeque;

/// Items a queue kept in order ([`super::ordered::Ordered`]) puts in a chunk before it
/// starts the next: small enough that tens of thousands of mostly empty queues cost
/// little, large enough that moving a truck's load is a few pointer moves.
pub const CHUNK: usize = 128;

/// Extra room in the chunks of a queue kept in order ([`super::ordered::Ordered`]).
pub const SLACK: usize = 8;

/// Bytes of a chunk: [`CHUNK`] + [`SLACK`] parcels with their ready second (20 bytes
/// each), or 170 parcels (16 bytes each).
pub const CHUNK_BYTES: usize = (CHUNK + SLACK) * 20;

/// The memory of a spare chunk, whatever it held: 4-byte words, five at a time.
type Words = [u32; 5];

/// Emptied chunks one owner (a centre, an outlet) keeps to fill again, as memory of one
/// size that serves queues of parcels and of parcels with their ready second alike: the
/// chunks of a trip, emptied as the centre sorts its parcels, take the sorted parcels; the
/// chunks of parcels being sorted, emptied as they become ready, take the parcels ready to
/// load; the chunks an outlet's couriers empty take the parcels it picks up next.
/// Reuse keeps chunks out of the allocator, which is slow for blocks this size and slower
/// still when one thread frees what another allocated, as centres working in parallel do.
/// Each owner says how many it keeps.
#[derive(Debug)]
pub struct Spares {
    chunks: Vec<Vec<Words>>,
    /// Most chunks kept.
    keep: usize,
}

impl Spares {
    /// Spares that keep at most `keep` chunks.
    pub fn keeping(keep: usize) -> Spares {
        Spares {
            chunks: Vec::new(),
            keep,
        }
    }

    /// An empty chunk of [`CHUNK_BYTES`] bytes for items of type `T`.
    #[inline]
    pub fn take<T: Copy>(&mut self) -> Vec<T> {
        let words = self.chunks.pop().unwrap_or_else(fresh);
        recast(words)
    }

    /// Keeps `c` (emptied) if it is a chunk of [`CHUNK_BYTES`] bytes and fewer than the
    /// most are kept; otherwise frees it.
    #[inline]
    pub fn put<T: Copy>(&mut self, mut c: Vec<T>) {
        if self.chunks.len() < self.keep && c.capacity() * size_of::<T>() == CHUNK_BYTES {
            c.clear();
            self.chunks.push(recast(c));
        }
    }

    /// Bytes the kept chunks hold.
    pub fn bytes(&self) -> usize {
        self.chunks.len() * CHUNK_BYTES
    }
}

/// A new empty chunk of [`CHUNK_BYTES`] bytes for items of type `T`.
fn fresh<T>() -> Vec<T> {
    Vec::with_capacity(CHUNK_BYTES / size_of::<T>())
}

/// The empty chunk `v` of [`CHUNK_BYTES`] bytes, as a chunk for items of type `U`.
fn recast<T: Copy, U: Copy>(v: Vec<T>) -> Vec<U> {
    const {
        assert!(align_of::<T>() == align_of::<Words>() && align_of::<U>() == align_of::<Words>());
        assert!(CHUNK_BYTES.is_multiple_of(size_of::<U>()));
    };
    assert!(v.is_empty() && v.capacity() * size_of::<T>() == CHUNK_BYTES);
    let mut v = std::mem::ManuallyDrop::new(v);
    // SAFETY: the memory was allocated for `CHUNK_BYTES` bytes at the alignment of `T`,
    // which is `U`'s; `U`'s capacity covers exactly those bytes; the new vector is empty,
    // so no item of type `U` is read from memory written as `T`; and `v` is not dropped.
    unsafe { Vec::from_raw_parts(v.as_mut_ptr().cast::<U>(), 0, CHUNK_BYTES / size_of::<U>()) }
}

/// A FIFO queue stored in chunks of [`CHUNK_BYTES`] bytes; whole chunks move between
/// queues.
#[derive(Debug, Clone)]
pub struct Queue<T> {
    /// Each chunk holds its items from `head` on.
    chunks: VecDeque<(Vec<T>, usize)>,
    len: usize,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            chunks: VecDeque::new(),
            len: 0,
        }
    }
}

impl<T: Copy> Queue<T> {
    /// Items held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends an item at the back.
    #[inline]
    pub fn push_back(&mut self, x: T) {
        // A new chunk is of a spare's size, so that the centre it reaches can reuse it.
        self.push_back_or(x, fresh);
    }

    /// Appends an item at the back; a new chunk comes from `spares`.
    #[inline]
    pub fn push_back_from(&mut self, x: T, spares: &mut Spares) {
        self.push_back_or(x, || spares.take());
    }

    #[inline]
    fn push_back_or(&mut self, x: T, new_chunk: impl FnOnce() -> Vec<T>) {
        match self.chunks.back_mut() {
            Some((c, _)) if c.len() < c.capacity() => c.push(x),
            _ => {
                let mut c = new_chunk();
                c.push(x);
                self.chunks.push_back((c, 0));
            }
        }
        self.len += 1;
    }

    /// The oldest item.
    pub fn front(&self) -> Option<&T> {
        self.chunks.front().map(|(c, h)| &c[*h])
    }

    /// The newest item.
    pub fn back(&self) -> Option<&T> {
        self.chunks.back().and_then(|(c, _)| c.last())
    }

    /// Takes the oldest item.
    #[inline]
    pub fn pop_front(&mut self) -> Option<T> {
        let (c, h) = self.chunks.front_mut()?;
        let x = c[*h];
        *h += 1;
        if *h == c.len() {
            self.chunks.pop_front();
        }
        self.len -= 1;
        Some(x)
    }

    /// Takes the first `n` items (all, if fewer) as a queue of their own: whole chunks
    /// move, only a chunk cut in two is copied (into a new chunk of a spare's size).
    pub fn take_front(&mut self, n: usize) -> Queue<T> {
        self.take_front_or(n, fresh)
    }

    /// [`Queue::take_front`], the chunk cut in two copied into one of `spares`.
    pub fn take_front_from(&mut self, n: usize, spares: &mut Spares) -> Queue<T> {
        self.take_front_or(n, || spares.take())
    }

    fn take_front_or(&mut self, n: usize, new_chunk: impl FnOnce() -> Vec<T>) -> Queue<T> {
        let mut out = Queue {
            chunks: VecDeque::with_capacity(self.chunks.len().min(n / CHUNK + 2)),
            len: 0,
        };
        while out.len < n {
            let Some((c, h)) = self.chunks.front_mut() else {
                break;
            };
            let avail = c.len() - *h;
            let want = n - out.len;
            if avail > want {
                // The last chunk taken is cut in two.
                let mut part = new_chunk();
                part.extend_from_slice(&c[*h..*h + want]);
                *h += want;
                out.len += want;
                self.len -= want;
                out.chunks.push_back((part, 0));
                break;
            }
            let chunk = self.chunks.pop_front().expect("front");
            out.len += avail;
            self.len -= avail;
            out.chunks.push_back(chunk);
        }
        out
    }

    /// Appends the items of `src`, each as `f` makes it, filling the back chunk and then
    /// new ones from `spares` (the chunks [`Queue::push_back_from`] would make).
    #[inline]
    pub fn extend_from<U>(&mut self, mut src: &[U], f: impl Fn(&U) -> T, spares: &mut Spares) {
        while !src.is_empty() {
            if self
                .chunks
                .back()
                .is_none_or(|(c, _)| c.len() == c.capacity())
            {
                self.chunks.push_back((spares.take(), 0));
            }
            let (c, _) = self.chunks.back_mut().expect("a back chunk");
            let k = (c.capacity() - c.len()).min(src.len());
            c.extend(src[..k].iter().map(&f));
            self.len += k;
            src = &src[k..];
        }
    }

    /// Keeps only the items `keep` accepts, visiting them front to back, in place; a chunk
    /// left empty is dropped.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let mut len = 0;
        self.chunks.retain_mut(|(c, h)| {
            if *h > 0 {
                c.drain(..*h);
                *h = 0;
            }
            c.retain(&mut keep);
            len += c.len();
            !c.is_empty()
        });
        self.len = len;
    }

    /// Moves every item of `other` to the back of this queue (chunks move as they are).
    pub fn append(&mut self, other: Queue<T>) {
        self.len += other.len;
        self.chunks.extend(other.chunks);
    }

    /// Appends a chunk whose items from `head` on come after this queue's.
    pub fn push_chunk(&mut self, c: Vec<T>, head: usize) {
        self.len += c.len() - head;
        self.chunks.push_back((c, head));
    }

    /// Appends `x` to the last chunk if that chunk has room and `fits` accepts its last
    /// item; otherwise gives `x` back.
    pub fn push_onto_last(&mut self, x: T, fits: impl FnOnce(&T) -> bool) -> Result<(), T> {
        match self.chunks.back_mut() {
            Some((c, _)) if c.last().is_some_and(fits) && c.len() < c.capacity() => {
                c.push(x);
                self.len += 1;
                Ok(())
            }
            _ => Err(x),
        }
    }

    /// Bytes its chunks hold (capacity, not only the items in use). Every chunk is made
    /// with room for the items of [`CHUNK_BYTES`], so counting chunks is enough (the sum
    /// is taken hourly over every queue of the run).
    pub fn bytes(&self) -> usize {
        let chunk = CHUNK_BYTES / size_of::<T>();
        debug_assert!(self.chunks.iter().all(|(c, _)| c.capacity() == chunk));
        self.chunks.len() * chunk * size_of::<T>()
            + self.chunks.capacity() * size_of::<(Vec<T>, usize)>()
    }

    /// The items of the front chunk.
    pub fn front_chunk(&self) -> Option<&[T]> {
        self.chunks.front().map(|(c, h)| &c[*h..])
    }

    /// Removes the front chunk, giving its items.
    pub fn pop_front_chunk(&mut self) -> Option<Vec<T>> {
        let (mut c, h) = self.chunks.pop_front()?;
        self.len -= c.len() - h;
        if h > 0 {
            c.drain(..h);
        }
        Some(c)
    }

    /// The item `i` places from the front.
    pub fn get_mut(&mut self, mut i: usize) -> Option<&mut T> {
        for (c, h) in self.chunks.iter_mut() {
            let n = c.len() - *h;
            if i < n {
                return Some(&mut c[*h + i]);
            }
            i -= n;
        }
        None
    }

    /// Every item, front to back.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|(c, h)| c[*h..].iter())
    }

    /// Calls `f` on every item, front to back, a chunk at a time (a tighter loop than a
    /// flattened iterator's).
    #[inline]
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut T)) {
        for (c, h) in self.chunks.iter_mut() {
            c[*h..].iter_mut().for_each(&mut f);
        }
    }

    /// Empties the queue, chunk by chunk: each chunk with the index of its first item.
    pub fn into_chunks(self) -> impl Iterator<Item = (Vec<T>, usize)> {
        self.chunks.into_iter()
    }

    /// Empties the queue, items front to back; each chunk goes to `spares` once the iterator
    /// has moved past its last item (the chunk it stops in, and any not reached, are freed
    /// with it).
    pub fn drain_to<'a>(&'a mut self, spares: &'a mut Spares) -> DrainTo<'a, T> {
        self.len = 0;
        DrainTo {
            chunks: self.chunks.drain(..),
            now: None,
            spares,
        }
    }
}

/// The items of a queue, front to back, as [`Queue::drain_to`] gives them.
pub struct DrainTo<'a, T> {
    chunks: std::collections::vec_deque::Drain<'a, (Vec<T>, usize)>,
    /// The chunk being read, and its next item.
    now: Option<(Vec<T>, usize)>,
    spares: &'a mut Spares,
}

impl<T: Copy> Iterator for DrainTo<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some((c, i)) = &mut self.now {
                if let Some(&x) = c.get(*i) {
                    *i += 1;
                    return Some(x);
                }
                let (c, _) = self.now.take().expect("a chunk");
                self.spares.put(c);
            }
            self.now = Some(self.chunks.next()?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_move_whole_chunks_and_keep_order() {
        let mut q: Queue<u32> = Queue::default();
        for i in 0..1000 {
            q.push_back(i);
        }
        assert_eq!(q.pop_front(), Some(0));
        let mut load = q.take_front(300);
        assert_eq!(load.len(), 300);
        assert_eq!(q.len(), 699);
        assert_eq!(load.front(), Some(&1));
        assert_eq!(q.front(), Some(&301));
        let mut rest = Queue::default();
        rest.push_back(5000);
        rest.append(load.take_front(1000));
        assert!(load.is_empty());
        assert_eq!(rest.get_mut(1).copied(), Some(1));
        assert_eq!(rest.get_mut(301), None);
        // Drained, its chunks become spares, as many as are kept.
        let chunks = rest.bytes() / CHUNK_BYTES;
        assert!(chunks >= 2);
        let mut spares = Spares::keeping(chunks - 1);
        let v: Vec<u32> = rest.drain_to(&mut spares).collect();
        assert_eq!(v.len(), 301);
        assert_eq!(v[0], 5000);
        assert!(v[1..].windows(2).all(|w| w[1] == w[0] + 1));
        assert!(rest.is_empty());
        assert_eq!(spares.bytes(), (chunks - 1) * CHUNK_BYTES);
        assert_eq!(q.iter().count(), 699);
        assert_eq!(q.back(), Some(&999));
    }

    #[test]
    fn a_spare_chunk_is_the_same_memory_for_parcels_and_for_parcels_with_their_ready_second() {
        type Ready = (u32, [u32; 4]);
        let keep = 32;
        let mut spares = Spares::keeping(keep);
        let mut sorting: Vec<Ready> = spares.take();
        assert_eq!(sorting.capacity(), CHUNK + SLACK);
        sorting.extend((0..3).map(|i| (i, [i; 4])));
        let at = sorting.as_ptr() as usize;
        spares.put(sorting);
        assert_eq!(spares.bytes(), CHUNK_BYTES);
        let parcels: Vec<[u32; 4]> = spares.take();
        assert_eq!(parcels.as_ptr() as usize, at, "the same memory, reused");
        assert_eq!((parcels.len(), parcels.capacity()), (0, 170));
        // Chunks of another size are freed, and only so many are kept.
        spares.put(Vec::<[u32; 4]>::with_capacity(CHUNK));
        assert_eq!(spares.bytes(), 0);
        for _ in 0..100 {
            spares.put(Vec::<[u32; 4]>::with_capacity(170));
        }
        assert_eq!(
            spares.bytes(),
            keep * CHUNK_BYTES,
            "only as many as it keeps"
        );
    }

    #[test]
    fn bulk_appends_fill_chunks_as_pushes_would_and_retain_keeps_order() {
        let mut spares = Spares::keeping(32);
        let src: Vec<(u32, [u32; 4])> = (0..400).map(|i| (i, [i; 4])).collect();
        let mut bulk: Queue<[u32; 4]> = Queue::default();
        bulk.push_back([7; 4]);
        bulk.extend_from(&src, |x| x.1, &mut spares);
        let mut one_by_one: Queue<[u32; 4]> = Queue::default();
        one_by_one.push_back([7; 4]);
        for x in &src {
            one_by_one.push_back_from(x.1, &mut spares);
        }
        assert_eq!(bulk.len(), 401);
        assert!(bulk.iter().eq(one_by_one.iter()));
        assert_eq!(bulk.bytes(), one_by_one.bytes(), "the same chunks");
        // A cut chunk's part is a spare's memory, so the centre it reaches can reuse it.
        let spare: Vec<[u32; 4]> = spares.take();
        let at = spare.as_ptr() as usize;
        spares.put(spare);
        let load = bulk.take_front_from(200, &mut spares);
        assert_eq!((load.len(), bulk.len()), (200, 201));
        let (cut, _) = load.into_chunks().last().expect("a chunk");
        assert_eq!(cut.as_ptr() as usize, at);
        // Retain visits items front to back, keeps their order, and drops emptied chunks.
        let mut seen = Vec::new();
        bulk.retain(|x| {
            seen.push(x[0]);
            x[0] % 3 == 0 || x[0] >= 390
        });
        assert_eq!(seen, (199..400).collect::<Vec<u32>>());
        let kept: Vec<u32> = bulk.iter().map(|x| x[0]).collect();
        let want: Vec<u32> = (199..400).filter(|i| i % 3 == 0 || *i >= 390).collect();
        assert_eq!(kept, want);
        assert_eq!(bulk.len(), want.len());
        bulk.retain(|_| false);
        assert!(bulk.is_empty() && bulk.bytes() <= 8 * size_of::<(Vec<[u32; 4]>, usize)>());
    }
}
