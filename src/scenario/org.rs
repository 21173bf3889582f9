//! The `[org]` section: management layers, span of control, manager cost, decision delays and
//! surge crews, with their defaults.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// Management structure: layers between head office and the front line, span of control,
/// and how long a request for extra capacity takes to climb up and come back approved.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// Management layers above the front line (count). M5, M7.
    #[serde(default = "d_layers")]
    pub layers: u32,
    /// People reporting to one manager (count). Assumption.
    #[serde(default = "d_span")]
    pub span_of_control: f64,
    /// A manager's salary and benefits (yuan/day). Assumption (≈2× L20 courier income).
    #[serde(default = "d_manager")]
    pub manager_cost_per_day: f64,
    /// Time one layer takes to pass a request on (h). Assumption.
    #[serde(default = "d_delay")]
    pub decision_delay_hours: f64,
    /// A centre asks for a surge crew when its sorting backlog exceeds this many hours
    /// of its lines' throughput (h).
    #[serde(default = "d_surge_trigger")]
    pub surge_backlog_hours: f64,
    /// Extra sorter lines' worth of crew a surge brings (lines).
    #[serde(default = "d_surge_lines")]
    pub surge_lines: u32,
    /// How long a surge crew stays once it has arrived (h).
    #[serde(default = "d_surge_hours")]
    pub surge_hours: f64,
}

fn d_layers() -> u32 {
    3
}

fn d_span() -> f64 {
    15.0
}

fn d_manager() -> f64 {
    500.0
}

fn d_delay() -> f64 {
    8.0
}

fn d_surge_trigger() -> f64 {
    4.0
}

fn d_surge_lines() -> u32 {
    1
}

fn d_surge_hours() -> f64 {
    16.0
}

default_via_serde!(Org);

impl Org {
    /// A manager has at least two reports; costs and delays not negative; the surge
    /// trigger and stay positive.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        if self.span_of_control.is_nan() || self.span_of_control < 2.0 {
            return Err(at.error("span_of_control", "must be at least 2"));
        }
        at.non_negative("manager_cost_per_day", self.manager_cost_per_day)?;
        at.non_negative("decision_delay_hours", self.decision_delay_hours)?;
        at.positive("surge_backlog_hours", self.surge_backlog_hours)?;
        at.positive("surge_hours", self.surge_hours)
    }
}
