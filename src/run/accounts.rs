//! Each party's account per measured delivered parcel (`summary.json` `accounts`).

use super::ratio;
use crate::accounts::{Party, Transfer};
use crate::cost::{Activity, Money};
use crate::ops::Carrier;
use crate::ops::parcel::Class;
use serde::Serialize;
use std::collections::BTreeMap;

/// Each party's account per measured delivered parcel (yuan): receipts and payments of
/// transfers, the resources it pays for, and its margin. Transfers add up to zero over the
/// parties, so the carrier parties' margins add up to what the shop pays less the chain's
/// resources (`cost_per_parcel_yuan`).
#[derive(Debug, Clone, Serialize)]
pub struct Accounts {
    pub kind: &'static str,
    /// Franchise: who pays the feeder vans.
    pub feeder_paid_by: &'static str,
    /// Transfers per parcel by kind (what was paid).
    pub transfers: BTreeMap<&'static str, f64>,
    pub parties: BTreeMap<&'static str, PartyAccount>,
    /// The chain's resources per parcel, and the carrier parties' margins together.
    pub chain_resources: f64,
    pub chain_margin: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyAccount {
    pub received: f64,
    pub paid: f64,
    pub resources: f64,
    pub margin: f64,
    /// The resources it pays for, by activity.
    pub resources_by_activity: BTreeMap<&'static str, f64>,
}
pub(super) fn accounts(m: &Carrier, delivered: f64) -> Accounts {
    let prices = &m.cfg.prices;
    let l = &m.transfers_measured;
    let per = |x: Money| ratio(x.yuan(), delivered);
    let cost = &m.books.attributed[Class::Measured as usize];
    let parties: BTreeMap<&'static str, PartyAccount> = Party::ALL
        .iter()
        .filter(|&&p| !(prices.direct && p == Party::Outlets))
        .map(|&p| {
            let (r, paid) = l.received_and_paid(p);
            let res = prices.resources_of(p, cost);
            let by = Activity::ALL
                .iter()
                .filter(|&&a| prices.payer(a) == p && p != Party::Shop)
                .map(|&a| (a.name(), per(cost.get(a))))
                .collect();
            let account = PartyAccount {
                received: per(r),
                paid: per(paid),
                resources: if p == Party::Shop { 0.0 } else { per(res) },
                margin: per(r) - per(paid) - if p == Party::Shop { 0.0 } else { per(res) },
                resources_by_activity: by,
            };
            (p.name(), account)
        })
        .collect();
    let chain_margin = parties
        .iter()
        .filter(|(k, _)| **k != Party::Shop.name())
        .map(|(_, a)| a.margin)
        .sum();
    Accounts {
        kind: if prices.direct { "direct" } else { "franchise" },
        feeder_paid_by: match (prices.direct, prices.feeder_paid_by) {
            (false, crate::scenario::Payer::Outlets) => "outlets",
            _ => "head_office",
        },
        transfers: Transfer::ALL
            .iter()
            .map(|&k| (k.name(), per(l.paid(k))))
            .collect(),
        parties,
        chain_resources: per(cost.total()),
        chain_margin,
    }
}
