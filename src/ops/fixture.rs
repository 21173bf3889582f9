//! Test fixture: a carrier built from `scenarios/small.toml`, ready to be driven one stage
//! at a time, and parcels to feed it.

use super::parcel::{Class, Parcel};
use super::{Carrier, CarrierOptions};
use crate::engine::{SimTime, Simulation};
use crate::run::{self, Loaded};

/// `scenarios/small.toml`, loaded and checked.
pub fn small() -> Loaded {
    load("small.toml")
}

/// `scenarios/<name>`, loaded and checked.
pub fn load(name: &str) -> Loaded {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    run::load(&path).expect("the scenario loads")
}

/// A carrier on `l` with nothing scheduled yet, at time zero.
pub fn sim(l: &Loaded) -> Simulation<Carrier<'_>> {
    let opt = CarrierOptions {
        seed: 7,
        ..CarrierOptions::default()
    };
    Simulation::new(Carrier::build(&l.scenario, &l.network, opt).expect("builds"))
}

/// `n` parcels from `origin` to `dest` picked up at `picked`, every `every`-th measured and
/// the others of the warm-up, counted in the network as a pickup wave counts them.
pub fn parcels(
    m: &mut Carrier<'_>,
    n: usize,
    (origin, dest): (u32, u32),
    picked: SimTime,
    every: usize,
) -> Vec<Parcel> {
    let out: Vec<Parcel> = (0..n)
        .map(|i| {
            let class = if i % every == 0 {
                Class::Measured
            } else {
                Class::Warmup
            };
            Parcel::new(origin, dest, picked, picked, 1.0, class)
        })
        .collect();
    let measured = out.iter().filter(|p| p.measured()).count() as u64;
    m.generated += n as u64;
    m.in_network += n as u64;
    m.generated_measured += measured;
    m.measured_open += measured;
    out
}

/// The sum over the classes of what activity `a` was attributed.
pub fn attributed(m: &Carrier<'_>, a: crate::cost::Activity) -> i64 {
    m.books.attributed.iter().map(|c| c.get(a).0).sum()
}
