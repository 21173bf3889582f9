//! The checks every run passes before its results count: parcels and money balance
//! exactly, the network carried its load, and the window measured something.

use super::SteadyState;
use crate::accounts::Transfer;
use crate::cost::{Activity, CostVec, Money};
use crate::engine::SimTime;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::ops::Carrier;
use crate::scenario::Scenario;

/// A network that cannot carry its load is not a cost: most measured parcels still in
/// flight when the drain ran out, or parcels piling up day after day since the window
/// began, end the run with the places where they pile up.
pub(super) fn overload(
    m: &Carrier,
    net: &Network,
    end: SimTime,
    steady: &SteadyState,
) -> Result<()> {
    let stuck = m.measured_open as f64 > 0.5 * m.generated_measured as f64;
    let x = &steady.daily_in_network;
    let from = (m.cfg.warmup.hours() / 24.0) as usize;
    // Growing, and already holding more parcels than the promise allows: by Little's law
    // a network that delivers within the promise holds at most a day's parcels times the
    // promise in days.
    let per_day = m.generated as f64 / (end.hours() / 24.0).max(1.0);
    let allowed = per_day * m.cfg.promise.hours() / 24.0;
    let growing = x.len() >= from + 3
        && x[from..].windows(2).all(|w| w[1] > w[0])
        && x[x.len() - 1] > allowed;
    if !stuck && !growing {
        return Ok(());
    }
    let why = if stuck {
        format!(
            "{} of the {} parcels picked up in the measured window were still in the network when the drain ran out",
            m.measured_open, m.generated_measured
        )
    } else {
        let days: Vec<String> = x[from..].iter().map(|v| format!("{v:.0}")).collect();
        format!(
            "parcels in the network grew every day after the warm-up (daily means {}), past the {allowed:.0} that {per_day:.0} parcels a day delivered within the promise would keep there",
            days.join(", ")
        )
    };
    let mut places: Vec<(usize, String)> = Vec::new();
    for (pos, &c) in net.centres.iter().enumerate() {
        let n = m.centres[pos].sorter.backlog_at(end);
        places.push((
            n,
            format!(
                "centre {}: {n} parcels waiting to be sorted",
                net.nodes[c as usize].id
            ),
        ));
    }
    for (k, &o) in net.outlets.iter().enumerate() {
        let n = m.outlets[k].backlog();
        places.push((
            n,
            format!(
                "outlet {}: {n} parcels waiting for delivery",
                net.nodes[o as usize].id
            ),
        ));
    }
    for (li, l) in net.lanes.iter().enumerate() {
        let n = m.lane(li).waiting();
        places.push((
            n,
            format!(
                "lane {}>{}: {n} parcels waiting for a vehicle",
                net.nodes[l.from as usize].id, net.nodes[l.to as usize].id
            ),
        ));
    }
    places.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let worst: Vec<String> = places
        .into_iter()
        .take(5)
        .filter(|p| p.0 > 0)
        .map(|p| p.1)
        .collect();
    Err(Error::Overload(format!(
        "the network cannot carry this load: {why}. Bottlenecks: {}",
        worst.join("; ")
    )))
}

/// A run that measured nothing is a failure, not a cost of zero.
pub(super) fn check_measured(sc: &Scenario, m: &Carrier) -> Result<()> {
    if m.generated_measured == 0 {
        return Err(Error::Run(format!(
            "no parcel was picked up in the measured window ({} generated in the whole run); \
             raise demand.daily_parcels or days",
            m.generated
        )));
    }
    if m.out.delivered == 0 {
        return Err(Error::Run(format!(
            "none of the {} parcels picked up in the measured window was delivered within \
             drain_days = {} days after it; check the network's times and capacities",
            m.generated_measured, sc.drain_days
        )));
    }
    Ok(())
}

/// Parcels and money must both balance exactly.
pub(super) fn check_books(m: &Carrier) -> Result<()> {
    let b = &m.books;
    let attributed_total = |a: Activity| -> Money { b.attributed.iter().map(|c| c.get(a)).sum() };
    for a in Activity::ALL {
        if b.spent.get(a).is_overflow() || attributed_total(a).is_overflow() {
            return Err(Error::Run(format!(
                "money overflow: {} amounts exceed what the exact books hold (about 9.2e12 \
                 yuan); lower the cost rates or the volume",
                a.name()
            )));
        }
    }
    if b.spent.total().is_overflow()
        || m.unabsorbed().is_overflow()
        || b.attributed.iter().any(|c| c.total().is_overflow())
    {
        return Err(Error::Run(
            "money overflow: the run's total exceeds what the exact books hold (about 9.2e12 \
             yuan); lower the cost rates or the volume"
                .into(),
        ));
    }
    let o = &m.out;
    let delivered = o.delivered + o.outside_delivered;
    let lost = o.lost + o.outside_lost;
    let in_flight = m.in_network;
    if m.generated != delivered + lost + in_flight {
        return Err(Error::Bookkeeping(format!(
            "parcels generated {} != delivered {} + lost {} + in flight {}",
            m.generated, delivered, lost, in_flight
        )));
    }
    if m.generated_measured != o.delivered + o.lost + m.measured_open {
        return Err(Error::Bookkeeping(format!(
            "measured parcels picked up {} != delivered {} + lost {} + in flight {}",
            m.generated_measured, o.delivered, o.lost, m.measured_open
        )));
    }
    // The counts against the parcels actually held in the queues, lanes and trips.
    let (mut held, mut held_measured) = (0u64, 0u64);
    for p in m.live() {
        held += 1;
        held_measured += u64::from(p.measured());
    }
    if held != in_flight || held_measured != m.measured_open {
        return Err(Error::Bookkeeping(format!(
            "{held} parcels held ({held_measured} measured) but {in_flight} counted in the \
             network ({} measured)",
            m.measured_open
        )));
    }
    if let Some(shops) = &m.shops {
        let c = &shops.totals();
        let ended = c.shipped + c.cancelled() + shops.waiting_measured();
        if c.orders_placed != ended {
            return Err(Error::Bookkeeping(format!(
                "orders placed {} != shipped + cancelled + waiting at the shop {}",
                c.orders_placed, ended
            )));
        }
        let fates = c.kept
            + c.returned
            + c.exchanged
            + c.lost
            + c.shipped_other_carriers
            + m.orders_in_flight();
        if c.shipped != fates {
            return Err(Error::Bookkeeping(format!(
                "orders shipped {} != kept + returned + exchanged + lost + other carriers + in flight {}",
                c.shipped, fates
            )));
        }
    }
    let mut attributed = CostVec::default();
    for c in &b.attributed {
        attributed.add_all(c);
    }
    let unabsorbed = m.unabsorbed();
    let lhs = b.spent.total();
    let rhs = attributed.total() + unabsorbed;
    if lhs != rhs {
        return Err(Error::Bookkeeping(format!(
            "money spent {:.6} yuan != attributed {:.6} + unabsorbed {:.6} (difference {} micro-yuan)",
            lhs.yuan(),
            attributed.total().yuan(),
            unabsorbed.yuan(),
            (lhs - rhs).0
        )));
    }
    // Emissions balance like money, to the milligram.
    crate::emissions::check(&m.co2, m.unabsorbed_co2()).map_err(Error::Bookkeeping)?;
    // Transfers move money between parties: every kind adds up to zero, and the totals
    // match the parcels they are paid for.
    for (name, l) in [("", &m.transfers), ("measured ", &m.transfers_measured)] {
        if let Some((kind, sum)) = l.unbalanced().first() {
            return Err(Error::Bookkeeping(format!(
                "{name}transfers of {kind} add up to {} micro-yuan over the parties, not 0",
                sum.0
            )));
        }
    }
    let prices = &m.cfg.prices;
    let expected = [
        (
            Transfer::ShopPrice,
            prices.shop_price.0 * m.generated as i64,
        ),
        (
            Transfer::DeliveryFee,
            if prices.direct {
                0
            } else {
                prices.delivery_fee.0 * delivered as i64
            },
        ),
        (
            Transfer::DeliveryFeeCollected,
            if prices.direct {
                0
            } else {
                prices.delivery_fee.0 * m.generated as i64
            },
        ),
    ];
    for (kind, want) in expected {
        if m.transfers.paid(kind) != Money(want) {
            return Err(Error::Bookkeeping(format!(
                "{} paid {} micro-yuan, but the parcels call for {want}",
                kind.name(),
                m.transfers.paid(kind).0
            )));
        }
    }
    // Activities whose costs are never pooled must balance one by one.
    for a in [
        Activity::WaybillIt,
        Activity::Pickup,
        Activity::Feeder,
        Activity::Linehaul,
        Activity::Claims,
        Activity::Complaints,
    ] {
        if b.spent.get(a) != attributed.get(a) {
            return Err(Error::Bookkeeping(format!(
                "{}: spent {} != attributed {} micro-yuan",
                a.name(),
                b.spent.get(a).0,
                attributed.get(a).0
            )));
        }
    }
    Ok(())
}
