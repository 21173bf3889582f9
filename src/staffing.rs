//! How a centre's sorter lines are staffed hour by hour: a whole crew for every shift
//! hour (`fixed_shifts`), a roster planned from the expected arrivals at the centre
//! (`rostered`), or a smaller core roster topped up by temporary workers the queue calls
//! in (`flexible`). The arrivals come from the timetables and planned flows of the lanes
//! into the centre, never from the simulation itself.

use crate::engine::SimTime;
use crate::network::Lane;
use crate::scenario::{Shift, Staffing, time_of_day};

/// A shift whose start is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadShift {
    /// Its position in the list of shifts.
    pub index: usize,
    /// What is wrong, in words.
    pub message: String,
}

impl BadShift {
    /// The dotted field of the bad start, for a list of shifts at `list`.
    pub fn field(&self, list: &str) -> String {
        format!("{list}[{}].start", self.index)
    }
}

/// Share of each hour of the day (0..24) that falls in a sorting shift; a shift whose
/// start is not a time of day is an error.
pub fn open_hours(shifts: &[Shift]) -> Result<[f64; 24], BadShift> {
    let mut open = [0.0; 24];
    for (index, s) in shifts.iter().enumerate() {
        let start = time_of_day(&s.start)
            .map_err(|message| BadShift { index, message })?
            .hours();
        let end = start + s.hours;
        for (h, o) in open.iter_mut().enumerate() {
            // The hour may be covered today or, for shifts past midnight, tomorrow.
            for day in [0.0, 24.0] {
                let (a, b) = (h as f64 + day, h as f64 + day + 1.0);
                *o += (b.min(end) - a.max(start)).max(0.0);
            }
        }
    }
    Ok(open.map(|o: f64| o.min(1.0)))
}

/// Parcels expected to reach each of `centres` centres in each hour of the day, by the
/// centre's position (`centre_of` gives the position of a lane's destination, `None` for
/// an outlet): every lane into a centre brings its planned daily flow, split evenly over
/// its departures, one travel time after each departure. One pass over the lanes.
pub fn arrival_profiles(
    lanes: &[Lane],
    centres: usize,
    centre_of: impl Fn(u32) -> Option<usize>,
) -> Vec<[f64; 24]> {
    let mut profiles = vec![[0.0; 24]; centres];
    for l in lanes {
        let Some(pos) = centre_of(l.to) else {
            continue;
        };
        if l.departures.is_empty() {
            continue;
        }
        let per = l.planned_daily / l.departures.len() as f64;
        for &d in &l.departures {
            let at = (d + l.travel).0 % SimTime::MS_PER_DAY;
            profiles[pos][(at / SimTime::MS_PER_HOUR) as usize] += per;
        }
    }
    profiles
}

/// Lines to staff in each hour so that the expected arrivals (times `1 + slack`) are
/// sorted as they come, a backlog carried into the next open hour; at least one line in
/// every open hour, at most `max_lines`. Two days are planned so that parcels arriving
/// while the centre is closed are waiting when it opens.
pub fn roster(
    arrivals: &[f64; 24],
    open: &[f64; 24],
    per_line_hour: f64,
    slack: f64,
    max_lines: u32,
) -> [u32; 24] {
    let mut n = [0u32; 24];
    let mut backlog = 0.0;
    for pass in 0..2 {
        for h in 0..24 {
            backlog += arrivals[h] * (1.0 + slack);
            if open[h] <= 0.0 {
                continue;
            }
            let capacity = per_line_hour * open[h];
            let need = (backlog / capacity)
                .ceil()
                .clamp(1.0, max_lines.max(1) as f64) as u32;
            backlog = (backlog - need as f64 * capacity).max(0.0);
            if pass == 1 {
                n[h] = need;
            }
        }
    }
    n
}

/// Lines a centre needs so that the expected arrivals (times `1 + slack`), sorted as
/// they come, never wait more than about `clear_hours` (the backlog left after any open
/// hour is at most `clear_hours` of the lines' throughput): sized for the peak hours of
/// the timetable, not for the daily average.
pub fn lines_for_peak(
    arrivals: &[f64; 24],
    open: &[f64; 24],
    per_line_hour: f64,
    slack: f64,
    clear_hours: f64,
) -> u32 {
    let daily: f64 = arrivals.iter().sum::<f64>() * (1.0 + slack);
    let open_h: f64 = open.iter().sum();
    if daily <= 0.0 || open_h <= 0.0 {
        return 1;
    }
    // At least the daily load over the open hours; more until the peaks clear in time.
    let mut lines = ((daily / (per_line_hour * open_h)).ceil() as u32).max(1);
    loop {
        let cap = lines as f64 * per_line_hour;
        let mut backlog = 0.0;
        let mut worst: f64 = 0.0;
        for pass in 0..2 {
            for h in 0..24 {
                backlog += arrivals[h] * (1.0 + slack);
                if open[h] > 0.0 {
                    backlog = (backlog - cap * open[h]).max(0.0);
                    if pass == 1 {
                        worst = worst.max(backlog);
                    }
                }
            }
        }
        if worst <= cap * clear_hours || lines >= 10_000 {
            return lines;
        }
        lines += 1;
    }
}

/// The lines a centre staffs in each hour of the day under `staffing`: all `lines` in
/// every shift hour (fixed shifts), the planned roster, or the core share of it.
pub fn staffed(
    staffing: Staffing,
    core_share: f64,
    lines: u32,
    open: &[f64; 24],
    planned: &[u32; 24],
) -> [u32; 24] {
    let mut s = [0u32; 24];
    for h in 0..24 {
        if open[h] <= 0.0 {
            continue;
        }
        s[h] = match staffing {
            Staffing::FixedShifts => lines,
            Staffing::Rostered => planned[h],
            Staffing::Flexible => ((planned[h] as f64 * core_share).floor() as u32).max(1),
        }
        .clamp(1, lines.max(1));
    }
    s
}

/// Line-hours staffed by the roster `staffed` between `from` and `to`.
pub fn line_hours(staffed: &[u32; 24], from: SimTime, to: SimTime) -> f64 {
    let mut total = 0.0;
    let mut t = from.0;
    while t < to.0 {
        let next_hour = (t / SimTime::MS_PER_HOUR + 1) * SimTime::MS_PER_HOUR;
        let end = next_hour.min(to.0);
        let h = ((t / SimTime::MS_PER_HOUR) % 24) as usize;
        total += staffed[h] as f64 * (end - t) as f64 / SimTime::MS_PER_HOUR as f64;
        t = end;
    }
    total
}

/// The extra lines above `core` that the roster staffs on day `day`: (from, until) for
/// each run of consecutive hours, one entry per line.
pub fn extra_lines(staffed: &[u32; 24], core: u32, day: u64) -> Vec<(SimTime, SimTime)> {
    let base = day * SimTime::MS_PER_DAY;
    let top = staffed.iter().copied().max().unwrap_or(0);
    let mut out = Vec::new();
    for j in core..top {
        let mut h = 0;
        while h < 24 {
            if staffed[h] > j {
                let start = h;
                while h < 24 && staffed[h] > j {
                    h += 1;
                }
                out.push((
                    SimTime(base + start as u64 * SimTime::MS_PER_HOUR),
                    SimTime(base + h as u64 * SimTime::MS_PER_HOUR),
                ));
            } else {
                h += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Open hours of valid shifts.
    fn open_hours(shifts: &[Shift]) -> [f64; 24] {
        super::open_hours(shifts).expect("valid shifts")
    }

    #[test]
    fn a_shift_start_that_is_not_a_time_of_day_is_an_error_naming_the_shift() {
        let e = super::open_hours(&[Shift::new("08:00", 4.0), Shift::new("25:00", 4.0)])
            .expect_err("25:00 is no time of day");
        assert_eq!(e.index, 1);
        assert_eq!(
            e.field("operations.sorting.shifts"),
            "operations.sorting.shifts[1].start"
        );
        assert_eq!(e.message, "`25:00` is not a time of day HH:MM");
    }

    #[test]
    fn open_hours_wrap_past_midnight() {
        let o = open_hours(&[Shift::new("17:00", 12.0)]);
        assert_eq!(o[16], 0.0);
        assert_eq!(o[17], 1.0);
        assert_eq!(o[4], 1.0);
        assert_eq!(o[5], 0.0);
        assert_eq!(o.iter().sum::<f64>(), 12.0);
        let half = open_hours(&[Shift::new("08:30", 2.0)]);
        assert_eq!((half[8], half[9], half[10]), (0.5, 1.0, 0.5));
    }

    #[test]
    fn a_peaky_profile_gets_a_peaky_roster() {
        let open = open_hours(&[Shift::new("18:00", 12.0)]);
        let mut a = [0.0; 24];
        a[20] = 9_000.0; // one truck wave
        a[2] = 1_000.0;
        let r = roster(&a, &open, 1_000.0, 0.0, 20);
        assert_eq!(r[18], 1, "an open hour keeps one line");
        assert_eq!(r[20], 9);
        assert_eq!(r[2], 1);
        // The cap holds, and what it cannot sort waits for the next hour.
        let capped = roster(&a, &open, 1_000.0, 0.0, 5);
        assert_eq!((capped[20], capped[21]), (5, 4));
        let fixed = staffed(Staffing::FixedShifts, 0.7, 9, &open, &r);
        let rost = staffed(Staffing::Rostered, 0.7, 9, &open, &r);
        let flex = staffed(Staffing::Flexible, 0.7, 9, &open, &r);
        assert_eq!(fixed.iter().sum::<u32>(), 9 * 12);
        assert!(rost.iter().sum::<u32>() < 30);
        assert_eq!(flex[20], 6);
        assert!(flex.iter().zip(&rost).all(|(f, r)| f <= r));
    }

    #[test]
    fn lines_are_sized_for_the_peak_not_the_average() {
        let open = open_hours(&[Shift::new("18:00", 12.0)]);
        let flat = open.map(|o| o * 1_000.0);
        // 12,000 a day spread over the open hours: one 1,000-an-hour line will do.
        assert_eq!(lines_for_peak(&flat, &open, 1_000.0, 0.0, 2.0), 1);
        // The same 12,000 in one truck wave at 20:00, to be sorted within 2 hours: 4 lines.
        let mut wave = [0.0; 24];
        wave[20] = 12_000.0;
        assert_eq!(lines_for_peak(&wave, &open, 1_000.0, 0.0, 2.0), 4);
        // Slack plans for more than expected.
        assert_eq!(lines_for_peak(&wave, &open, 1_000.0, 0.5, 2.0), 6);
    }

    #[test]
    fn line_hours_and_extra_lines_follow_the_roster() {
        let mut s = [0u32; 24];
        s[20] = 3;
        s[21] = 1;
        s[22] = 2;
        let h = SimTime::from_hours;
        assert!((line_hours(&s, h(20.5), h(22.5)) - (1.5 + 1.0 + 1.0)).abs() < 1e-9);
        assert!(
            (line_hours(&s, h(44.0), h(45.0)) - 3.0).abs() < 1e-9,
            "next day"
        );
        let x = extra_lines(&s, 1, 1);
        assert_eq!(x.len(), 3);
        assert!(x.contains(&(h(44.0), h(45.0))));
        assert!(x.contains(&(h(46.0), h(47.0))));
    }
}
