//! A parcel in flight as a compact record held by value (the queues that hold records
//! between stages are in `queue`).
//!
//! A record is 16 bytes: origin and destination node, pickup time (seconds), the wait from
//! order to pickup, and packed attributes. It carries no cost vector: what resources cost
//! is split over the parcels that used them by counts (see `books`), and only the few
//! parcels traced or sampled for cost distributions carry their own costs, in a side table
//! their tag indexes (a tagged record holds its tag where the others hold their wait; the
//! wait moves to the side table). Records wait between stages in the chunked queues of
//! `queue`.

use super::books::Tagged;
use crate::engine::SimTime;

/// No tag: the parcel is neither traced nor sampled.
pub const NO_TAG: u32 = u32::MAX;

/// Which part of the run a parcel belongs to, by the time it was picked up: its costs go
/// to that class's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Class {
    /// Picked up during the warm-up.
    Warmup = 0,
    /// Picked up in the measured window.
    Measured = 1,
    /// Picked up after the window (during the drain).
    After = 2,
}

/// The classes, in index order.
pub const CLASSES: [Class; 3] = [Class::Warmup, Class::Measured, Class::After];

/// Order, return or exchange (the shop's after-sales flow).
pub use super::shop::Kind;

/// Most tagged (traced or sampled) parcels in one run: tags are packed in [`WAIT_BITS`] bits.
pub const MAX_TAGS: usize = (1 << WAIT_BITS) - 1;

const NODE_BITS: u32 = 20; // node ids, below the network's limit
const _: () = assert!(crate::network::MAX_NODES == 1 << NODE_BITS);
const WAIT_BITS: u32 = 23; // seconds from order to pickup: up to 97 days, saturating

/// A field of the record: the word it lives in (`hi` or `lo`), its first bit and its width.
#[derive(Clone, Copy)]
struct Field {
    hi: bool,
    shift: u32,
    width: u32,
}

const fn lo(shift: u32, width: u32) -> Field {
    Field {
        hi: false,
        shift,
        width,
    }
}

const fn hi(shift: u32, width: u32) -> Field {
    Field {
        hi: true,
        shift,
        width,
    }
}

impl Field {
    #[inline]
    fn get(self, p: &Parcel) -> u64 {
        let w = if self.hi { p.hi } else { p.lo };
        (w >> self.shift) & self.max()
    }

    #[inline]
    fn set(self, p: &mut Parcel, v: u64) {
        let mask = self.max() << self.shift;
        let w = if self.hi { p.hi } else { p.lo };
        let w = (w & !mask) | ((v << self.shift) & mask);
        if self.hi {
            p.hi = w;
        } else {
            p.lo = w;
        }
    }

    #[inline]
    fn max(self) -> u64 {
        (1 << self.width) - 1
    }
}

// Bit layout of `lo`.
const PICKED: Field = lo(0, 32); // seconds
const ORIGIN: Field = lo(32, NODE_BITS);
const ATTEMPTS: Field = lo(52, 4); // saturating at 15
const SORTS: Field = lo(56, 4); // saturating at 15
const CLASS: Field = lo(60, 2);
const KIND: Field = lo(62, 2);
// Bit layout of `hi`.
const DEST: Field = hi(0, NODE_BITS);
const WEIGHT: Field = hi(20, 14); // decagrams, up to 163.83 kg
const PACKAGING: Field = hi(34, 3); // packaging types 0..7
const DAMAGED: Field = hi(37, 1);
const DIRECT: Field = hi(38, 1);
const EXCHANGE: Field = hi(39, 1);
const TAGGED: Field = hi(40, 1);
const WAIT: Field = hi(41, WAIT_BITS); // order to pickup (s), or the tag when tagged

/// Most packaging types a shop may offer (they are packed in three bits).
pub const MAX_PACKAGING: usize = 8;

/// One parcel in flight (16 bytes, aligned to 4 so that a ready second beside it makes 20).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(4))]
pub struct Parcel {
    lo: u64,
    hi: u64,
}

const _: () = assert!(std::mem::size_of::<Parcel>() == 16);
const _: () = assert!(std::mem::size_of::<(u32, Parcel)>() == 20);

impl std::fmt::Debug for Parcel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parcel")
            .field("origin", &self.origin())
            .field("dest", &self.dest())
            .field("picked", &self.picked())
            .field("tag", &self.tag())
            .field("class", &self.class())
            .finish_non_exhaustive()
    }
}

/// A weight in the record's unit (decagrams), saturating at the field's width.
fn decagrams(kg: f64) -> u64 {
    // Rounded half away from zero, as `f64::round` (a library call on baseline x86-64):
    // the field's range is far below 2⁵², where `x - trunc(x)` is exact.
    let x = (kg * 100.0).clamp(0.0, WEIGHT.max() as f64);
    let t = x as u32;
    t as u64 + u64::from(x - t as f64 >= 0.5)
}

#[inline]
fn secs(t: SimTime) -> u64 {
    (t.0 / 1000).min(u32::MAX as u64)
}

impl Parcel {
    /// A new parcel picked up at `picked`, of class `class`. Node ids are below
    /// `network::MAX_NODES` (the network's build refuses larger networks).
    pub fn new(
        origin: u32,
        dest: u32,
        placed: SimTime,
        picked: SimTime,
        weight_kg: f64,
        class: Class,
    ) -> Parcel {
        debug_assert!((origin.max(dest) as usize) < crate::network::MAX_NODES);
        let picked_s = secs(picked);
        let wait = picked_s.saturating_sub(secs(placed)).min(WAIT.max());
        let mut p = Parcel { lo: 0, hi: 0 };
        PICKED.set(&mut p, picked_s);
        ORIGIN.set(&mut p, origin as u64);
        CLASS.set(&mut p, class as u64);
        DEST.set(&mut p, dest as u64);
        WEIGHT.set(&mut p, decagrams(weight_kg));
        WAIT.set(&mut p, wait);
        p
    }

    /// Origin outlet (node index).
    #[inline]
    pub fn origin(&self) -> u32 {
        ORIGIN.get(self) as u32
    }

    /// Destination outlet (node index).
    #[inline]
    pub fn dest(&self) -> u32 {
        DEST.get(self) as u32
    }

    /// When the parcel was picked up (whole seconds).
    #[inline]
    pub fn picked(&self) -> SimTime {
        SimTime(PICKED.get(self) * 1000)
    }

    /// When the order was placed (whole seconds); a tagged parcel keeps this in `tags`.
    pub fn placed(&self, tags: &[Tagged]) -> SimTime {
        let wait = match self.tag() {
            NO_TAG => WAIT.get(self),
            t => tags[t as usize].wait_s as u64,
        };
        SimTime((PICKED.get(self) - wait) * 1000)
    }

    /// Index in the side table of traced and sampled parcels, or [`NO_TAG`].
    #[inline]
    pub fn tag(&self) -> u32 {
        if TAGGED.get(self) == 1 {
            WAIT.get(self) as u32
        } else {
            NO_TAG
        }
    }

    /// Tags the parcel with `tag` (below [`MAX_TAGS`]); gives back the seconds from order
    /// to pickup, which the tag's entry must keep from now on.
    pub fn set_tag(&mut self, tag: u32) -> u32 {
        debug_assert!((tag as usize) < MAX_TAGS && self.tag() == NO_TAG);
        let wait = WAIT.get(self) as u32;
        TAGGED.set(self, 1);
        WAIT.set(self, tag as u64);
        wait
    }

    /// Weight (kg, to 10 g).
    pub fn weight_kg(&self) -> f64 {
        WEIGHT.get(self) as f64 / 100.0
    }

    /// Which part of the run it belongs to.
    pub fn class(&self) -> Class {
        match CLASS.get(self) {
            0 => Class::Warmup,
            1 => Class::Measured,
            _ => Class::After,
        }
    }

    /// Whether it was picked up in the measured window.
    pub fn measured(&self) -> bool {
        self.class() == Class::Measured
    }

    fn bump(&mut self, field: Field) {
        let n = field.get(self);
        if n < field.max() {
            field.set(self, n + 1);
        }
    }

    /// Delivery attempts so far (saturating at 15).
    pub fn attempts(&self) -> u8 {
        ATTEMPTS.get(self) as u8
    }

    /// Counts one more delivery attempt.
    pub fn add_attempt(&mut self) {
        self.bump(ATTEMPTS);
    }

    /// Sorts so far (saturating at 15).
    pub fn sorts(&self) -> u8 {
        SORTS.get(self) as u8
    }

    /// Counts one more sort.
    pub fn add_sort(&mut self) {
        self.bump(SORTS);
    }

    fn flag(&self, f: Field) -> bool {
        f.get(self) == 1
    }

    /// Whether a sort damaged it.
    pub fn damaged(&self) -> bool {
        self.flag(DAMAGED)
    }

    /// Marks it damaged.
    pub fn set_damaged(&mut self) {
        DAMAGED.set(self, 1);
    }

    /// Travelled on a direct lane (one opened to skip a hub).
    pub fn on_direct(&self) -> bool {
        self.flag(DIRECT)
    }

    /// Marks it as having travelled on a direct lane.
    pub fn set_on_direct(&mut self) {
        DIRECT.set(self, 1);
    }

    /// A return whose arrival brings an exchange out to the customer.
    pub fn exchange_due(&self) -> bool {
        self.flag(EXCHANGE)
    }

    /// An order, a return or an exchange.
    pub fn kind(&self) -> Kind {
        match KIND.get(self) {
            0 => Kind::Order,
            1 => Kind::Return,
            _ => Kind::Exchange,
        }
    }

    /// Its packaging type (index into the shop's `packaging` list).
    pub fn packaging(&self) -> u8 {
        PACKAGING.get(self) as u8
    }

    /// Sets what the shop made of it: kind, packaging (below [`MAX_PACKAGING`]), exchange.
    pub fn set_shop(&mut self, kind: Kind, packaging: u8, exchange: bool, weight_kg: f64) {
        let k = match kind {
            Kind::Order => 0,
            Kind::Return => 1,
            Kind::Exchange => 2,
        };
        KIND.set(self, k);
        PACKAGING.set(self, packaging as u64 & 7);
        WEIGHT.set(self, decagrams(weight_kg));
        EXCHANGE.set(self, u64::from(exchange));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_round_to_the_decagram_as_f64_round_does() {
        let round = |kg: f64| (kg * 100.0).round().clamp(0.0, WEIGHT.max() as f64) as u64;
        let mut kgs = vec![0.0, -0.0, -1.0, 0.005, 0.015, 0.025, 163.825, 163.835, 1e9];
        kgs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        // Halves and their neighbours, and a spread of ordinary weights.
        for k in 0..20_000u32 {
            let half = (k as f64 + 0.5) / 100.0;
            kgs.extend([half, half.next_up(), half.next_down(), k as f64 * 0.00731]);
        }
        for kg in kgs {
            assert_eq!(decagrams(kg), round(kg), "{kg}");
        }
    }

    #[test]
    fn a_parcel_keeps_its_attributes_in_16_bytes() {
        let mut p = Parcel::new(
            7,
            1_000_000,
            SimTime(3_600_500),
            SimTime::from_days(3),
            2.345,
            Class::Measured,
        );
        assert_eq!(p.placed(&[]), SimTime(3_600_000), "seconds, rounded down");
        assert_eq!(p.origin(), 7);
        assert_eq!(p.dest(), 1_000_000);
        assert_eq!(p.picked(), SimTime::from_days(3));
        assert!((p.weight_kg() - 2.35).abs() < 1e-9);
        assert!(p.measured());
        for _ in 0..20 {
            p.add_attempt();
        }
        p.add_sort();
        p.add_sort();
        p.set_damaged();
        p.set_on_direct();
        p.set_shop(Kind::Return, 5, true, 3.0);
        assert_eq!(p.attempts(), 15, "saturates");
        assert_eq!(p.sorts(), 2);
        assert!(p.damaged() && p.on_direct() && p.exchange_due());
        assert_eq!(p.kind(), Kind::Return);
        assert_eq!(p.packaging(), 5);
        assert_eq!(p.class(), Class::Measured, "untouched by the other fields");
        assert!((p.weight_kg() - 3.0).abs() < 1e-9);
        assert_eq!(p.tag(), NO_TAG);
        assert_eq!((p.origin(), p.dest()), (7, 1_000_000), "untouched");
    }

    #[test]
    fn a_tagged_parcel_keeps_its_order_time_in_the_side_table() {
        let picked = SimTime::from_days(2);
        let placed = SimTime(picked.0 - 5_000_000);
        let mut p = Parcel::new(3, 4, placed, picked, 1.0, Class::Warmup);
        let before = p;
        let wait_s = p.set_tag(2);
        assert_eq!(wait_s, 5_000);
        assert_eq!(p.tag(), 2);
        let entry = Tagged {
            serial: 0,
            cost: Default::default(),
            open: 0,
            finished: false,
            trace: NO_TAG,
            sampled: true,
            wait_s,
        };
        let tags = vec![entry; 3];
        assert_eq!(p.placed(&tags), placed);
        assert_eq!(before.placed(&[]), placed);
        assert_eq!((p.origin(), p.dest(), p.picked()), (3, 4, picked));
        assert_eq!(p.class(), Class::Warmup);
        let mut q = before;
        q.set_tag(MAX_TAGS as u32 - 1);
        assert_eq!(q.tag(), MAX_TAGS as u32 - 1, "the widest tag fits");
        // A wait beyond the field saturates rather than spilling into the tag.
        let long = Parcel::new(
            1,
            2,
            SimTime::ZERO,
            SimTime::from_days(200),
            1.0,
            Class::After,
        );
        assert_eq!(long.tag(), NO_TAG);
        assert_eq!(
            long.picked() - long.placed(&[]),
            SimTime(MAX_TAGS as u64 * 1000)
        );
    }
}
