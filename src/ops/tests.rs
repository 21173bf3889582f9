//! Unit tests of `ops/mod.rs`: the carrier's build, its schedule, its accounting of
//! finished parcels and its end-of-run queries.

use super::*;
use crate::cost::{Activity, CostVec};
use crate::run::Loaded;
use crate::scenario::NodeKind;

#[test]
fn build_gives_each_node_its_state_and_each_lane_the_centre_that_loads_it() {
    let l = fixture::small();
    let net = &l.network;
    let sim = fixture::sim(&l);
    let m = &sim.model;
    assert_eq!(m.centres.len(), net.centres.len());
    assert_eq!(m.outlets.len(), net.outlets.len());
    for (k, &o) in net.outlets.iter().enumerate() {
        assert_eq!(m.outlet_pos[o as usize], k as u32);
    }
    assert!(
        net.centres
            .iter()
            .all(|&c| m.outlet_pos[c as usize] == NONE)
    );
    // A lane belongs to the centre it leaves, or that a lane from an outlet feeds; a
    // centre numbers its lanes 0, 1, … in lane order.
    let mut numbers = vec![Vec::new(); m.centres.len()];
    for (li, lane) in net.lanes.iter().enumerate() {
        let (pos, k) = m.lane_at[li];
        let leaves_a_centre = net.nodes[lane.from as usize].kind == NodeKind::Centre;
        let owner = if leaves_a_centre { lane.from } else { lane.to };
        assert_eq!(net.centres[pos as usize], owner, "lane {li}");
        numbers[pos as usize].push(k);
    }
    for (pos, ks) in numbers.iter().enumerate() {
        assert_eq!(
            *ks,
            (0..ks.len() as u32).collect::<Vec<u32>>(),
            "centre {pos}"
        );
        assert_eq!(m.centres[pos].lanes.len(), ks.len());
    }
    assert!(numbers.iter().all(|ks| !ks.is_empty()));
    // An outlet's feeder is loaded by its home centre.
    for &o in &net.outlets {
        let (pos, _) = m.lane_at[net.nodes[o as usize].lane_out as usize];
        assert_eq!(net.centres[pos as usize], net.nodes[o as usize].home);
    }
}

#[test]
fn settings_the_build_cannot_read_are_errors_naming_their_field_not_panics() {
    let l = fixture::small();
    let build = |sc: &Scenario| {
        Carrier::build(sc, &l.network, CarrierOptions::default())
            .err()
            .expect("an error, not a carrier")
    };
    let mut sc = l.scenario.clone();
    sc.demand.weight_sigma = f64::NAN;
    let e = build(&sc);
    assert!(e.starts_with("demand.weight_sigma: NaN"), "{e}");
    let mut sc = l.scenario.clone();
    sc.operations.sorting.shifts[0].start = "late".into();
    let e = build(&sc);
    assert!(e.starts_with("operations.sorting.shifts"), "{e}");
    let mut sc = l.scenario.clone();
    sc.shop.get_or_insert_default().pack_shifts[0].start = "noon".into();
    let e = build(&sc);
    assert!(e.starts_with("shop.pack_shifts.start: `noon`"), "{e}");
}

#[test]
fn under_the_direct_model_every_courier_counts_as_front_line_staff() {
    let l = fixture::small();
    let net = &l.network;
    let franchise = fixture::sim(&l).model;
    let mut sc = l.scenario.clone();
    sc.operating_model.kind = ModelKind::Direct;
    let direct = Carrier::build(&sc, net, CarrierOptions::default()).expect("builds");
    // Franchise: one owner per outlet; direct: every courier.
    let couriers: f64 = net
        .outlets
        .iter()
        .map(|&o| net.nodes[o as usize].couriers as f64)
        .sum();
    let extra = direct.front_line_staff - franchise.front_line_staff;
    assert_eq!(extra, couriers - net.outlets.len() as f64);
    assert!(extra > 0.0 && direct.managers > franchise.managers);
}

#[test]
fn schedule_all_schedules_each_recurring_event_once_a_day_within_the_run() {
    let l = fixture::small();
    let net = &l.network;
    let mut sim = fixture::sim(&l);
    sim.model.schedule_all(&mut sim.sched);
    let m = &sim.model;
    let mut events = Vec::new();
    while let Some(e) = sim.sched.take_due(SimTime::MAX, |_| true) {
        events.push(e);
    }
    let days = m.cfg.days as u64;
    let (mut pickups, mut deliveries, mut shift_ends, mut day_ends) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut departs = vec![Vec::new(); net.lanes.len()];
    for &(t, e) in &events {
        assert!(t <= m.cfg.horizon, "{e:?} at {t} after the run");
        match e {
            Event::Pickup(w) => pickups.push((t, w)),
            Event::Delivery(w) => deliveries.push((t, w)),
            Event::ShiftEnd(i) => shift_ends.push((t, i)),
            Event::DayEnd(d) => day_ends.push((t, d)),
            Event::Depart(li) => departs[li as usize].push(t),
            other => panic!("{other:?} is not a recurring event"),
        }
    }
    let each_day = |times: &[SimTime]| {
        let mut v: Vec<(SimTime, u8)> = (0..days)
            .flat_map(|d| {
                let day = SimTime::from_days(d);
                times
                    .iter()
                    .enumerate()
                    .map(move |(w, &t)| (day + t, w as u8))
            })
            .collect();
        v.sort();
        v
    };
    assert!(!m.demand.cutoffs().is_empty() && !m.cfg.delivery_waves.is_empty());
    pickups.sort();
    deliveries.sort();
    assert_eq!(pickups, each_day(m.demand.cutoffs()));
    assert_eq!(deliveries, each_day(&m.cfg.delivery_waves));
    let ends: Vec<(SimTime, u32)> = (m.calendar.intervals.iter().enumerate())
        .filter(|(_, iv)| iv.1 <= m.cfg.horizon)
        .map(|(i, iv)| (iv.1, i as u32))
        .collect();
    assert!(ends.len() as u64 >= days, "a shift a day");
    assert_eq!(shift_ends, ends);
    let days_end: Vec<(SimTime, u32)> = (0..m.cfg.days)
        .map(|d| (SimTime::from_days(d as u64 + 1), d))
        .collect();
    assert_eq!(day_ends, days_end);
    for (li, lane) in net.lanes.iter().enumerate() {
        assert_eq!(departs[li], lane.departures, "lane {li}");
    }
    assert!(departs.iter().any(|d| !d.is_empty()));
}

#[test]
fn a_finished_parcel_is_counted_by_its_class_and_outcome() {
    let l = fixture::small();
    let mut sim = fixture::sim(&l);
    let m = &mut sim.model;
    let (a, b) = (m.net.outlets[0], m.net.outlets[1]);
    let now = m.cfg.window().0;
    fixture::parcels(m, 20, (a, b), now, 2); // 10 measured, 10 not
    assert_eq!((m.in_network, m.measured_open), (20, 10));
    m.count_finished(Class::Measured, false, 6);
    m.count_finished(Class::Measured, true, 4);
    m.count_finished(Class::Warmup, false, 3);
    m.count_finished(Class::After, true, 2);
    m.count_finished(Class::Warmup, true, 5);
    let o = &m.out;
    assert_eq!(
        (o.delivered, o.lost, o.outside_delivered, o.outside_lost),
        (6, 4, 3, 7)
    );
    assert_eq!((m.in_network, m.measured_open), (0, 0));
}

/// A fresh carrier on small.toml whose books are closed at `t`.
fn closed_at(l: &Loaded, t: SimTime) -> Carrier<'_> {
    let mut m = fixture::sim(l).model;
    m.close_books(t);
    m
}

#[test]
fn closing_the_books_closes_the_periods_begun_and_pays_the_part_elapsed() {
    let l = fixture::small();
    let h = SimTime::from_hours;
    // small.toml: one shift a day, 17:00 to 05:00; shift instances start at 0 (the
    // night of day −1), 17 h, 41 h, …
    let m = closed_at(&l, h(44.0));
    let intervals = &m.calendar.intervals;
    assert_eq!((intervals[1].0, intervals[2].0), (h(17.0), h(41.0)));
    for c in &m.centres {
        assert_eq!(c.labour.next_open(), 3, "three shifts begun");
        assert_eq!(c.days.next_open(), 2, "days 0 and 1 begun");
    }
    assert!(m.outlets.iter().all(|o| o.day_cost.next_open() == 2));
    // Equipment: day 0 in full, 20 hours of day 1.
    let eq = |m: &Carrier| m.books.spent.get(Activity::SortEquipment).0;
    let per_day: f64 = l
        .network
        .centres
        .iter()
        .zip(&m.centres)
        .map(|(&c, st)| {
            let tech = &l.network.nodes[c as usize].tech;
            cost::equipment_per_day(st.lines, tech.line_capex, m.cfg.life_years).0 as f64
        })
        .sum();
    let expected = per_day * (1.0 + 20.0 / 24.0);
    assert!(
        (eq(&m) as f64 - expected).abs() <= 3.0,
        "{} vs {expected}",
        eq(&m)
    );
    // A shift not begun is not paid; one begun is paid for the hours elapsed.
    let labour = |m: &Carrier| m.books.spent.get(Activity::SortLabour).0;
    let before = closed_at(&l, h(40.0));
    let later = closed_at(&l, h(50.0));
    assert!(before.centres.iter().all(|c| c.labour.next_open() == 2));
    assert!(labour(&before) < labour(&m) && labour(&m) < labour(&later));
    // Nobody used anything: all of it is carried, unabsorbed, and nothing attributed.
    for m in [&before, &m, &later] {
        assert_eq!(m.unabsorbed(), m.books.spent.total());
        assert_eq!(m.unabsorbed_co2(), m.co2.books.spent.total());
        assert!(m.books.attributed.iter().all(|c| c.total() == Money::ZERO));
    }
}

#[test]
fn live_and_storage_see_parcels_in_every_kind_of_place() {
    let l = fixture::small();
    let net = &l.network;
    let mut sim = fixture::sim(&l);
    let m = &mut sim.model;
    let t0 = m.cfg.window().0;
    let (a, b) = (net.outlets[0], net.outlets[1]);
    let lane = net.nodes[a as usize].lane_out as usize;
    assert_eq!((m.live().count(), m.storage_bytes()), (0, 0));
    // Place i holds i + 1 parcels picked up at hour i.
    let mut bytes = 0;
    for place in 0..6u64 {
        let at = t0 + SimTime::from_hours(place as f64);
        let ps = fixture::parcels(m, place as usize + 1, (a, b), at, 1);
        match place {
            0 => ps
                .into_iter()
                .for_each(|p| m.lane_mut(lane).ready.push_back(p)),
            1 => ps.into_iter().for_each(|p| {
                m.lane_mut(lane)
                    .push_later(at, p, &mut queue::Spares::keeping(1))
            }),
            2 => ps
                .into_iter()
                .for_each(|p| m.lane_mut(lane).push_late(at, p)),
            3 => {
                let mut q = Queue::default();
                ps.into_iter().for_each(|p| q.push_back(p));
                m.trips.push((lane as u32, q));
            }
            4 => ps.into_iter().for_each(|p| m.outlets[1].queue.push_back(p)),
            _ => ps
                .into_iter()
                .for_each(|p| m.centres[0].stranded.push_back(p)),
        }
        let now = m.storage_bytes();
        assert!(now > bytes, "place {place} holds bytes");
        bytes = now;
    }
    let mut by_hour = [0; 6];
    for p in m.live() {
        by_hour[((p.picked() - t0).hours()) as usize] += 1;
    }
    assert_eq!(
        by_hour,
        [1, 2, 3, 4, 5, 6],
        "each parcel seen once, where it is"
    );
    // Parcels waiting at a sorter hold bytes too (a sorter closed before 17:00).
    let mut r = rng(1, Stream::CentreService, 0);
    let c = &mut m.centres[0];
    for _ in 0..3 {
        c.sorter
            .sort(t0, &m.calendar, &mut r)
            .expect("a shift left");
    }
    assert!(m.storage_bytes() > bytes);
    // So do the chunks an outlet keeps for its next pickup.
    let bytes = m.storage_bytes();
    let o = &mut m.outlets[0];
    let chunk: Vec<Parcel> = o.spares.take();
    o.spares.put(chunk);
    assert_eq!(m.storage_bytes(), bytes + crate::ops::queue::CHUNK_BYTES);
}

#[test]
fn measured_parcels_past_the_promise_are_overdue_and_orders_of_the_window_in_flight() {
    let l = fixture::small();
    let mut sim = fixture::sim(&l);
    let m = &mut sim.model;
    let (a, b) = (m.net.outlets[0], m.net.outlets[1]);
    let picked = m.cfg.window().0 + SimTime::from_hours(1.0);
    for p in fixture::parcels(m, 10, (a, b), picked, 2) {
        m.outlets[1].queue.push_back(p); // 5 measured, 5 not
    }
    let promise = m.cfg.promise;
    assert_eq!(m.measured_overdue(picked + promise), 0, "due, not late yet");
    assert_eq!(m.measured_overdue(picked + promise + SimTime(1)), 5);
    // Orders placed in the window: the ten; not one placed before it, nor a return.
    assert_eq!(m.orders_in_flight(), 10);
    let early = m.cfg.window().0 - SimTime::from_hours(1.0);
    let mut ret = Parcel::new(b, a, picked, picked, 1.0, Class::Measured);
    ret.set_shop(shop::Kind::Return, 0, false, 1.0);
    let late_order = Parcel::new(a, b, early, picked, 1.0, Class::Measured);
    m.outlets[0].queue.push_back(ret);
    m.outlets[0].queue.push_back(late_order);
    assert_eq!(m.orders_in_flight(), 10);
    assert_eq!(m.measured_overdue(picked + promise + SimTime(1)), 7);
}

#[test]
fn sampled_parcels_still_travelling_join_the_sample_once_their_periods_closed() {
    let l = fixture::small();
    let mut sim = fixture::sim(&l);
    let m = &mut sim.model;
    let tagged = |sampled, finished, open, micro| {
        let mut cost = CostVec::default();
        cost.add(Activity::Linehaul, Money(micro));
        Tagged {
            serial: 0,
            cost,
            open,
            finished,
            trace: NONE,
            sampled,
            wait_s: 0,
        }
    };
    m.tags = vec![
        tagged(true, false, 0, 7),   // travelling, all its periods closed: joins
        tagged(true, false, 1, 11),  // a period still open: its cost is not known
        tagged(true, true, 0, 13),   // finished: already in the sample
        tagged(false, false, 0, 17), // not in the sample
    ];
    m.sample = vec![13];
    m.sample_in_flight();
    assert_eq!(m.sample, vec![13, 7]);
}
