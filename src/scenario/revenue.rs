//! The `[revenue]` section: revenue other than parcels, with its default.

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
