//! Random streams. Every stream is derived explicitly from (seed, concern, ...) with a hash
//! this crate owns, so results never depend on thread count, run order or library hashing.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator used everywhere: portable and fast.
pub type Rng = Xoshiro256PlusPlus;

/// SplitMix64 finaliser: a bijective 64-bit mixer.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One concern of a run, each with its own stream, so that changing how much one concern
/// draws leaves the others' draws alone (common random numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Order arrivals, origins, destinations, weights.
    Demand = 1,
    /// Sorting service times.
    Service = 2,
    /// Delivery attempts that fail.
    Failures = 3,
    /// Choice of traced parcels.
    Trace = 4,
    /// Damage, loss and complaints.
    Incidents = 5,
    /// The shop: order errors, stock-outs, payments, packaging, defects.
    Shop = 6,
    /// Extra orders superposed on the demand (marginal cost): drawn apart so that the
    /// base orders stay the same.
    ExtraDemand = 7,
    /// Claims and complaints at the end of an outlet's deliveries (one stream per outlet,
    /// so that outlets can deliver in parallel).
    OutletIncidents = 8,
    /// A centre's sorter service times (one stream per centre, so that centres sort in
    /// parallel).
    CentreService = 9,
    /// Losses on the trips into a centre, damage and mis-sorts there (one per centre).
    CentreIncidents = 10,
}

/// Seed of a stream of run `seed`, optionally specialised by a sub-index (e.g. an outlet).
pub fn stream_seed(seed: u64, stream: Stream, sub: u64) -> u64 {
    mix64(mix64(mix64(seed) ^ stream as u64) ^ sub)
}

/// The random stream `stream` (sub-index `sub`) of run `seed`.
pub fn rng(seed: u64, stream: Stream, sub: u64) -> Rng {
    Rng::seed_from_u64(stream_seed(seed, stream, sub))
}

/// Seed of replication `rep` at sweep point `point` of a sweep with base seed `base`.
pub fn run_seed(base: u64, point: u64, rep: u64) -> u64 {
    mix64(mix64(mix64(base) ^ point) ^ rep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn golden_values_are_stable() {
        // Pinned so that a dependency update that changes the streams is caught.
        let mut r = Rng::seed_from_u64(run_seed(1, 2, 3));
        assert_eq!(r.random::<u64>(), 0x49866c4afe18581f);
        assert_ne!(
            stream_seed(1, Stream::Demand, 0),
            stream_seed(1, Stream::Service, 0)
        );
    }
}
