//! The `[revenue]` section: revenue other than parcels, with its default.

use super::validate::Check;
use crate::error::InputError;
use serde::{Deserialize, Serialize};

/// Revenue besides carrying parcels, reported next to the cost, never netted into it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    /// Other revenue per parcel: waybill advertising, freight, retail at outlets (yuan).
    #[serde(default)]
    pub other_per_parcel: f64,
}

default_via_serde!(Revenue);

impl Revenue {
    /// Revenue not negative.
    pub(crate) fn validate(&self, at: &Check) -> Result<(), InputError> {
        at.non_negative("other_per_parcel", self.other_per_parcel)
    }
}
