//! The `[operations.sorting]` section: automated and manual sorting technologies, staffing
//! schemes and shifts, with their defaults; the sorting technology a centre uses and what one
//! sort costs at planned rates.

use super::Scenario;
use super::load::parse_time_of_day;
use super::operations::{Service, Shift, validate_shifts};
use super::validate::Check;
use crate::error::{InputError, show_num};
use serde::{Deserialize, Serialize};

/// How one centre sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortingMode {
    /// Cross-belt sorter lines (the rates of `operations.sorting`).
    Automated,
    /// Teams at tables or pendulum sorters (`operations.sorting.manual`).
    Manual,
}

/// The sorting technology of one centre, resolved from the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SortTech {
    /// Which technology these figures are of.
    pub mode: SortingMode,
    /// Parcels one line or team sorts per hour (parcels/h).
    pub throughput_per_line: f64,
    /// People staffing one line or team (people).
    pub workers_per_line: f64,
    /// Capital cost of one line or team's equipment (yuan).
    pub line_capex: f64,
    /// Floor space of one line or team (m²).
    pub m2_per_line: f64,
    /// Share of parcels sent to the wrong chute (-).
    pub mis_sort_rate: f64,
    /// Probability that one sort damages a parcel (-).
    pub damage_per_sort: f64,
}

impl Scenario {
    /// What one sort costs at the planned rates of the default sorting technology (labour,
    /// equipment and floor space of a line working its shifts at full throughput, yuan):
    /// the price routing puts on each intermediate sort.
    pub fn planned_sort_cost(&self) -> f64 {
        let mode = match self.operations.sorting.automation {
            Automation::Manual => SortingMode::Manual,
            _ => SortingMode::Automated,
        };
        let t = self.sort_tech(mode);
        let c = &self.costs;
        let hours: f64 = self.operations.sorting.shifts.iter().map(|s| s.hours).sum();
        let per_day = t.line_capex / (c.sorter_life_years * 365.0)
            + t.m2_per_line * c.rent_per_m2_month * 12.0 / 365.0;
        (t.workers_per_line * c.sorter_wage_per_hour + per_day / hours.max(1.0))
            / t.throughput_per_line
    }

    /// The technology a centre of `mode` uses.
    pub fn sort_tech(&self, mode: SortingMode) -> SortTech {
        let s = &self.operations.sorting;
        match mode {
            SortingMode::Automated => SortTech {
                mode,
                throughput_per_line: s.throughput_per_line,
                workers_per_line: s.workers_per_line,
                line_capex: self.costs.sorter_line_capex,
                m2_per_line: self.costs.facility_m2_per_line,
                mis_sort_rate: s.mis_sort_rate,
                damage_per_sort: self.quality.damage_per_sort,
            },
            SortingMode::Manual => SortTech {
                mode,
                throughput_per_line: s.manual.throughput_per_line,
                workers_per_line: s.manual.workers_per_line,
                line_capex: s.manual.line_capex,
                m2_per_line: s.manual.m2_per_line,
                mis_sort_rate: s.manual.mis_sort_rate,
                damage_per_sort: s.manual.damage_per_sort,
            },
        }
    }
}

/// Sortation centres: shifts, the lines' throughput and crews, service times, which
/// centres are automated, mis-sorts, and how crews are staffed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sorting {
    /// Shifts worked every day; labour is paid for the whole shift. D10, S2.
    #[serde(default = "d_shifts")]
    pub shifts: Vec<Shift>,
    /// Parcels one sorter line handles per hour (parcels/h). S1, S7.
    #[serde(default = "d_throughput")]
    pub throughput_per_line: f64,
    /// Workers staffing one line during a shift (people). S4 (≈40 after automation).
    #[serde(default = "d_workers")]
    pub workers_per_line: f64,
    /// Distribution of the time one parcel occupies a line (mean 1/throughput).
    #[serde(default)]
    pub service: Service,
    /// Lines at a generated centre: enough for the expected arrivals of the peak hours
    /// (from the lanes' timetables and planned flows, with the planning slack) to be
    /// sorted within this many hours (h). Assumption (D10: 2-4 h between the feeder
    /// arrivals and the line-haul departures).
    #[serde(default = "d_plan_clear")]
    pub plan_clear_hours: f64,
    /// Share of parcels an automated line sends to the wrong chute (-). S5 (99 % accurate).
    #[serde(default = "d_mis_auto")]
    pub mis_sort_rate: f64,
    /// Time a mis-sorted parcel loses before it is found and sorted again (h). Assumption.
    #[serde(default = "d_mis_delay")]
    pub mis_sort_delay_hours: f64,
    /// Which centres are automated: `automated` (all), `manual` (none) or `by_volume`
    /// (those planned for more than `automate_above_daily` parcels a day). Explicit nodes
    /// may say so one by one.
    #[serde(default)]
    pub automation: Automation,
    /// `by_volume`: a centre planned for more than this many parcels a day gets automated
    /// lines (parcels/day). Assumption.
    #[serde(default = "d_automate_above")]
    pub automate_above_daily: f64,
    /// The manual alternative to the automated lines above.
    #[serde(default)]
    pub manual: ManualSorting,
    /// How lines are staffed: `fixed_shifts` (a whole crew on every line for every shift
    /// hour), `rostered` (lines staffed hour by hour from the expected arrivals at the
    /// centre) or `flexible` (a core of `core_share` of the roster, topped up by
    /// temporary workers the queue calls in).
    #[serde(default)]
    pub staffing: Staffing,
    /// Flexible: core crew as a share of the planned roster (-). Assumption.
    #[serde(default = "d_core_share")]
    pub core_share: f64,
    /// Flexible: temporary workers are called when the queue exceeds this many hours of
    /// the staffed lines' throughput (h). Assumption.
    #[serde(default = "d_temp_trigger")]
    pub temp_trigger_hours: f64,
    /// Flexible: time from the call until the temporary workers arrive (h). L22 (peak
    /// temporary hires; the delay is an assumption).
    #[serde(default = "d_temp_call_in")]
    pub temp_call_in_hours: f64,
    /// Flexible: hours a temporary worker stays and is paid for, at least (h). Assumption.
    #[serde(default = "d_temp_block")]
    pub temp_block_hours: f64,
    /// Flexible: agency premium: a temporary worker costs `1 + temp_premium` times
    /// `costs.sorter_wage_per_hour` (-). S15 (temporary hub wage; the premium is an
    /// assumption).
    #[serde(default = "d_temp_premium")]
    pub temp_premium: f64,
}

fn d_shifts() -> Vec<Shift> {
    vec![
        Shift {
            start: "16:00".into(),
            hours: 10.0,
        },
        Shift {
            start: "02:00".into(),
            hours: 10.0,
        },
    ]
}

fn d_throughput() -> f64 {
    18_000.0
}

fn d_workers() -> f64 {
    40.0
}

fn d_plan_clear() -> f64 {
    2.0
}

fn d_mis_auto() -> f64 {
    0.01
}

fn d_mis_delay() -> f64 {
    2.0
}

fn d_automate_above() -> f64 {
    100_000.0
}

fn d_core_share() -> f64 {
    0.6
}

fn d_temp_trigger() -> f64 {
    1.0
}

fn d_temp_call_in() -> f64 {
    1.0
}

fn d_temp_block() -> f64 {
    4.0
}

fn d_temp_premium() -> f64 {
    0.2
}

default_via_serde!(Sorting);

impl Sorting {
    /// Shifts that do not overlap on the daily clock, positive throughputs, rates in
    /// [0, 1], and the manual alternative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        validate_shifts(&self.shifts, &at.at("shifts"))?;
        let shift_hours: f64 = self.shifts.iter().map(|s| s.hours).sum();
        if shift_hours > 24.0 {
            return Err(at.error(
                "shifts",
                format!(
                    "shifts add up to {} h a day; they must not overlap",
                    show_num(shift_hours)
                ),
            ));
        }
        // Shifts repeat daily: two overlap if either starts inside the other (on a 24 h circle).
        let spans: Vec<(f64, f64)> = self
            .shifts
            .iter()
            .map(|s| {
                (
                    parse_time_of_day(&s.start).expect("checked").hours(),
                    s.hours,
                )
            })
            .collect();
        for (i, &(a, la)) in spans.iter().enumerate() {
            for (j, &(b, lb)) in spans.iter().enumerate().skip(i + 1) {
                let inside = |x: f64, start: f64, len: f64| (x - start).rem_euclid(24.0) < len;
                if inside(b, a, la) || inside(a, b, lb) {
                    return Err(at.error(
                        &format!("shifts[{j}]"),
                        format!("overlaps shift {i}; shifts must not overlap"),
                    ));
                }
            }
        }
        at.positive("throughput_per_line", self.throughput_per_line)?;
        at.non_negative("workers_per_line", self.workers_per_line)?;
        if let Service::Lognormal { cv } = self.service {
            at.at("service").positive("cv", cv)?;
        }
        at.positive("plan_clear_hours", self.plan_clear_hours)?;
        at.probability("mis_sort_rate", self.mis_sort_rate)?;
        at.non_negative("mis_sort_delay_hours", self.mis_sort_delay_hours)?;
        at.non_negative("automate_above_daily", self.automate_above_daily)?;
        self.manual.validate(&at.at("manual"))?;
        if !(self.core_share > 0.0 && self.core_share <= 1.0) {
            return Err(at.error(
                "core_share",
                format!("must be in (0, 1], got {}", self.core_share),
            ));
        }
        at.positive("temp_trigger_hours", self.temp_trigger_hours)?;
        at.non_negative("temp_call_in_hours", self.temp_call_in_hours)?;
        at.positive("temp_block_hours", self.temp_block_hours)?;
        at.non_negative("temp_premium", self.temp_premium)
    }
}

/// How sorter lines are staffed.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    /// A whole crew on every line for every shift hour.
    #[default]
    FixedShifts,
    /// Lines staffed hour by hour for the expected arrivals at the centre.
    Rostered,
    /// A core of `core_share` of the roster, topped up by temporary workers the queue
    /// calls in.
    Flexible,
}

impl Staffing {
    /// The name as a scenario file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Staffing::FixedShifts => "fixed_shifts",
            Staffing::Rostered => "rostered",
            Staffing::Flexible => "flexible",
        }
    }
}

/// Which centres sort with automated lines.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// Every centre.
    #[default]
    Automated,
    /// None: every centre sorts by hand.
    Manual,
    /// Centres planned for more than `automate_above_daily` parcels a day.
    ByVolume,
}

/// Manual sorting: a team at a table or pendulum sorter instead of a cross-belt line.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualSorting {
    /// Parcels a team sorts per hour (parcels/h). S6 (≈100 per worker-hour), S8.
    #[serde(default = "d_man_tp")]
    pub throughput_per_line: f64,
    /// Workers per team (people). S4 (200 people on a peak day before automation).
    #[serde(default = "d_man_workers")]
    pub workers_per_line: f64,
    /// Conveyors, scanners, tables per team (yuan). Assumption.
    #[serde(default = "d_man_capex")]
    pub line_capex: f64,
    /// Floor space per team (m²). Assumption.
    #[serde(default = "d_man_m2")]
    pub m2_per_line: f64,
    /// Share sent to the wrong chute (-). S5 (95 % accurate by hand).
    #[serde(default = "d_mis_manual")]
    pub mis_sort_rate: f64,
    /// Probability that one manual sort damages a parcel (-). Assumption (rougher than machines).
    #[serde(default = "d_man_damage")]
    pub damage_per_sort: f64,
}

fn d_man_tp() -> f64 {
    1_500.0
}

fn d_man_workers() -> f64 {
    12.0
}

fn d_man_capex() -> f64 {
    300_000.0
}

fn d_man_m2() -> f64 {
    1_000.0
}

fn d_mis_manual() -> f64 {
    0.05
}

fn d_man_damage() -> f64 {
    0.000_05
}

default_via_serde!(ManualSorting);

impl ManualSorting {
    /// A positive throughput; staff, capital and space not negative; rates in [0, 1].
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.positive("throughput_per_line", self.throughput_per_line)?;
        at.non_negative("workers_per_line", self.workers_per_line)?;
        at.non_negative("line_capex", self.line_capex)?;
        at.non_negative("m2_per_line", self.m2_per_line)?;
        at.probability("mis_sort_rate", self.mis_sort_rate)?;
        at.probability("damage_per_sort", self.damage_per_sort)
    }
}
