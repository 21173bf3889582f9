//! Each party's account per measured delivered parcel (`summary.json` `accounts`).

use super::ratio;
use crate::accounts::{Party, Transfer};
use crate::cost::{Activity, Money};
use crate::format::summary::{Accounts, PartyAccount, owned};
use crate::ops::Carrier;
use crate::ops::parcel::Class;
use std::collections::BTreeMap;

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
                .map(|&a| (a.name().to_string(), per(cost.get(a))))
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
        kind: if prices.direct { "direct" } else { "franchise" }.to_string(),
        feeder_paid_by: match (prices.direct, prices.feeder_paid_by) {
            (false, crate::scenario::Payer::Outlets) => "outlets",
            _ => "head_office",
        }
        .to_string(),
        transfers: Transfer::ALL
            .iter()
            .map(|&k| (k.name().to_string(), per(l.paid(k))))
            .collect(),
        parties: owned(parties),
        chain_resources: per(cost.total()),
        chain_margin,
    }
}
