//! The parties of the chain and the money that moves between them.
//!
//! A *resource* is something the chain consumes and pays someone outside it for (labour,
//! vehicle trips, equipment, space, IT and waybill material, claims to customers): those
//! are the `cost` activities. A *transfer* moves money between two parties of the chain
//! (shop → outlets → head office → outlets: the shop price, waybill and transit fees, the
//! delivery fee, fines); it costs the chain nothing, so the transfers of every kind add up
//! to zero over the parties. Each party's account is its transfers in and out, the
//! resources it pays for, and what is left: its margin.

use crate::cost::{Activity, CostVec, Money};
use crate::scenario::{ModelKind, OperatingModel, Payer};

/// A party of the chain. In a franchise network the outlets (加盟网点) are one party: the
/// same businesses pick up in their area and deliver in it. Couriers are the outlets'
/// (or head office's) labour, paid by the scheme of the operating model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Party {
    /// The online shop (one per origin outlet): pays the shop price, bears its own packing.
    Shop,
    /// The outlets, taken together: pick up, deliver, earn fees, pay fines.
    Outlets,
    /// Head office: sorting centres and line-haul, the waybill, the fees between outlets.
    HeadOffice,
}

/// Number of parties.
pub const N_PARTIES: usize = 3;

impl Party {
    /// Every party, in output order.
    pub const ALL: [Party; N_PARTIES] = [Party::Shop, Party::Outlets, Party::HeadOffice];

    /// The party's name in output files.
    pub fn name(self) -> &'static str {
        match self {
            Party::Shop => "shop",
            Party::Outlets => "outlets",
            Party::HeadOffice => "head_office",
        }
    }
}

/// Kinds of transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// The shop pays for each parcel it hands over.
    ShopPrice,
    /// Franchise: the origin outlet pays head office for each parcel's waybill.
    WaybillFee,
    /// Franchise: the origin outlet pays head office for the transit (sorting and line-haul).
    TransitFee,
    /// Franchise: head office collects the delivery fee from the origin outlet with each
    /// parcel (L7: ZTO passes it through) ...
    DeliveryFeeCollected,
    /// ... and pays it to the destination outlet for each delivery.
    DeliveryFee,
    /// Franchise: head office fines the outlets for complaints and lost parcels.
    Fine,
}

/// Number of kinds of transfer.
pub const N_TRANSFERS: usize = 6;

impl Transfer {
    /// Every kind of transfer, in output order.
    pub const ALL: [Transfer; N_TRANSFERS] = [
        Transfer::ShopPrice,
        Transfer::WaybillFee,
        Transfer::TransitFee,
        Transfer::DeliveryFeeCollected,
        Transfer::DeliveryFee,
        Transfer::Fine,
    ];

    /// The kind's name in output files.
    pub fn name(self) -> &'static str {
        match self {
            Transfer::ShopPrice => "shop_price",
            Transfer::WaybillFee => "waybill_fee",
            Transfer::TransitFee => "transit_fee",
            Transfer::DeliveryFeeCollected => "delivery_fee_collected",
            Transfer::DeliveryFee => "delivery_fee",
            Transfer::Fine => "fines",
        }
    }
}

/// Transfers booked, as each party's net receipts by kind (micro-yuan): what one party
/// pays is booked as another's receipt in the same step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    net: [[Money; N_PARTIES]; N_TRANSFERS],
    /// Paid out, by kind (for checking the totals against the parcel counts).
    paid: [Money; N_TRANSFERS],
}

impl Ledger {
    /// `from` pays `to` the amount `m` for `kind`.
    #[inline]
    pub fn book(&mut self, kind: Transfer, from: Party, to: Party, m: Money) {
        let row = &mut self.net[kind as usize];
        row[from as usize] = row[from as usize] - m;
        row[to as usize] += m;
        self.paid[kind as usize] += m;
    }

    /// Adds another ledger's transfers (e.g. one outlet's, after a parallel wave).
    pub fn merge(&mut self, o: &Ledger) {
        for (row, orow) in self.net.iter_mut().zip(&o.net) {
            for (x, &y) in row.iter_mut().zip(orow) {
                *x += y;
            }
        }
        for (x, &y) in self.paid.iter_mut().zip(&o.paid) {
            *x += y;
        }
    }

    /// Net receipts of `party` from transfers of `kind` (negative: it paid).
    pub fn net(&self, kind: Transfer, party: Party) -> Money {
        self.net[kind as usize][party as usize]
    }

    /// Everything paid as `kind`.
    pub fn paid(&self, kind: Transfer) -> Money {
        self.paid[kind as usize]
    }

    /// Receipts and payments of `party` over all kinds.
    pub fn received_and_paid(&self, party: Party) -> (Money, Money) {
        let (mut r, mut p) = (Money::ZERO, Money::ZERO);
        for row in &self.net {
            let x = row[party as usize];
            if x > Money::ZERO {
                r += x;
            } else {
                p = p - x;
            }
        }
        (r, p)
    }

    /// The kinds whose transfers do not add up to zero over the parties (none, unless
    /// something was booked one-sidedly).
    pub fn unbalanced(&self) -> Vec<(&'static str, Money)> {
        Transfer::ALL
            .iter()
            .filter_map(|&k| {
                let sum: Money = self.net[k as usize].iter().copied().sum();
                (sum != Money::ZERO).then_some((k.name(), sum))
            })
            .collect()
    }
}

/// The transfers of one parcel event under the operating model.
#[derive(Clone, Copy, Debug)]
pub struct Prices {
    /// Direct-operated: no fees or fines between outlets and head office, one employer.
    pub direct: bool,
    /// What the shop pays the origin outlet per parcel.
    pub shop_price: Money,
    /// Franchise: the waybill fee per parcel, origin outlet to head office.
    pub waybill_fee: Money,
    /// Franchise: the transit fee per parcel, origin outlet to head office.
    pub transit_fee: Money,
    /// Franchise: what head office pays the destination outlet per delivery.
    pub delivery_fee: Money,
    /// Franchise: fine per complaint, outlets to head office.
    pub fine_per_complaint: Money,
    /// Franchise: fine per lost parcel, outlets to head office.
    pub fine_per_lost: Money,
    /// Franchise: who pays the feeder vans.
    pub feeder_paid_by: Payer,
}

impl Prices {
    /// The prices of the scenario's operating model, in micro-yuan.
    pub fn new(om: &OperatingModel) -> Prices {
        Prices {
            direct: om.kind == ModelKind::Direct,
            shop_price: Money::from_yuan(om.shop_price),
            waybill_fee: Money::from_yuan(om.waybill_fee),
            transit_fee: Money::from_yuan(om.transit_fee),
            delivery_fee: Money::from_yuan(om.delivery_fee),
            fine_per_complaint: Money::from_yuan(om.fine_per_complaint),
            fine_per_lost: Money::from_yuan(om.fine_per_lost),
            feeder_paid_by: om.feeder_paid_by,
        }
    }

    /// `n` parcels handed over: the shop pays for them; in a franchise network the origin
    /// outlet pays head office the waybill and transit fees and the delivery fee that head
    /// office will pass on to the destination outlet (L7).
    pub fn picked_up(&self, l: &mut Ledger, n: u64) {
        let n = n as i64;
        if self.direct {
            l.book(
                Transfer::ShopPrice,
                Party::Shop,
                Party::HeadOffice,
                self.shop_price.times(n),
            );
        } else {
            l.book(
                Transfer::ShopPrice,
                Party::Shop,
                Party::Outlets,
                self.shop_price.times(n),
            );
            let (o, h) = (Party::Outlets, Party::HeadOffice);
            l.book(Transfer::WaybillFee, o, h, self.waybill_fee.times(n));
            l.book(Transfer::TransitFee, o, h, self.transit_fee.times(n));
            l.book(
                Transfer::DeliveryFeeCollected,
                o,
                h,
                self.delivery_fee.times(n),
            );
        }
    }

    /// `parcels` signed for: head office pays the destination outlets their delivery fees.
    pub fn delivered(&self, l: &mut Ledger, parcels: u64) {
        if !self.direct {
            l.book(
                Transfer::DeliveryFee,
                Party::HeadOffice,
                Party::Outlets,
                self.delivery_fee.times(parcels as i64),
            );
        }
    }

    /// A complaint or a lost parcel: head office fines the outlets.
    pub fn fined(&self, l: &mut Ledger, complaint: bool, lost: bool) {
        if self.direct {
            return;
        }
        let m = Money(
            i64::from(complaint) * self.fine_per_complaint.0
                + i64::from(lost) * self.fine_per_lost.0,
        );
        if m > Money::ZERO {
            l.book(Transfer::Fine, Party::Outlets, Party::HeadOffice, m);
        }
    }

    /// Who pays for the resources of activity `a`.
    pub fn payer(&self, a: Activity) -> Party {
        if self.direct {
            return Party::HeadOffice;
        }
        match a {
            Activity::Pickup | Activity::Outlet | Activity::LastMile | Activity::CarbonOutlets => {
                Party::Outlets
            }
            Activity::Feeder => match self.feeder_paid_by {
                Payer::Outlets => Party::Outlets,
                Payer::HeadOffice => Party::HeadOffice,
            },
            Activity::WaybillIt
            | Activity::SortLabour
            | Activity::SortEquipment
            | Activity::SortFacility
            | Activity::Linehaul
            | Activity::Claims
            | Activity::Complaints
            | Activity::Management
            | Activity::CarbonHeadOffice => Party::HeadOffice,
        }
    }

    /// The activity under which the carbon price on `a`'s emissions is booked: the one
    /// of the party that pays for `a`'s resources (it buys the fuel and the power).
    pub fn carbon_of(&self, a: Activity) -> Activity {
        match self.payer(a) {
            Party::Outlets => Activity::CarbonOutlets,
            _ => Activity::CarbonHeadOffice,
        }
    }

    /// The resources of `cost` that `party` pays for.
    pub fn resources_of(&self, party: Party, cost: &CostVec) -> Money {
        Activity::ALL
            .iter()
            .filter(|&&a| self.payer(a) == party)
            .map(|&a| cost.get(a))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices(direct: bool) -> Prices {
        let mut om: OperatingModel = toml::from_str("").unwrap();
        if direct {
            om.kind = ModelKind::Direct;
        }
        Prices::new(&om)
    }

    #[test]
    fn franchise_transfers_balance_and_the_outlets_keep_the_delivery_fee() {
        let p = prices(false);
        let mut l = Ledger::default();
        p.picked_up(&mut l, 1);
        p.delivered(&mut l, 1);
        p.fined(&mut l, true, false);
        assert!(l.unbalanced().is_empty());
        let (r, paid) = l.received_and_paid(Party::Outlets);
        assert_eq!(r, p.shop_price + p.delivery_fee);
        assert_eq!(
            paid,
            p.waybill_fee + p.transit_fee + p.delivery_fee + p.fine_per_complaint
        );
        assert_eq!(
            l.net(Transfer::ShopPrice, Party::Shop),
            Money(-p.shop_price.0)
        );
        // A one-sided booking is caught.
        l.net[Transfer::Fine as usize][0] += Money(1);
        assert_eq!(l.unbalanced(), vec![("fines", Money(1))]);
    }

    #[test]
    fn direct_operation_has_one_transfer_and_one_payer() {
        let p = prices(true);
        let mut l = Ledger::default();
        p.picked_up(&mut l, 1);
        p.delivered(&mut l, 1);
        p.fined(&mut l, true, true);
        assert_eq!(
            l.received_and_paid(Party::HeadOffice),
            (p.shop_price, Money::ZERO)
        );
        assert_eq!(
            l.received_and_paid(Party::Outlets),
            (Money::ZERO, Money::ZERO)
        );
        assert!(
            Activity::ALL
                .iter()
                .all(|&a| p.payer(a) == Party::HeadOffice)
        );
    }
}
