//! Waivers: a trust's recorded, approved and expiring acceptance of a failing check or some of its records.
//!
//! They live in `waivers.yaml` at the root of the config repo:
//!
//! ```yaml
//! waivers:
//!   - check: NDG8-OS
//!     records: [NSH-LAB-*]          # record keys, `*` as a wildcard; omit to waive the whole check
//!     reason: Lab analysers on an isolated VLAN until the supplier certifies Windows 11
//!     risk_ref: RR-231
//!     approver: J. Smith, SIRO
//!     expires: 2027-03-31
//! ```
//!
//! A waiver without `reason`, `approver` or `expires` is rejected with a diagnostic. [`apply`] marks matching
//! findings as waived (keeping them and the original state); a check whose every finding is waived becomes
//! `waived`. Expired waivers and waivers that match nothing are reported, never silently ignored.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// File name of the waivers file at the root of a config repo.
pub const WAIVERS: &str = "waivers.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiversFile {
    pub waivers: Vec<WaiverSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverSpec {
    /// The check id.
    pub check: String,
    /// Keys of the waived records (`*` matches any run of characters); omit to waive the whole check.
    #[serde(default)]
    pub records: Vec<String>,
    /// Why the risk is accepted, and what mitigates it.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// Reference in the risk register.
    #[serde(default)]
    pub risk_ref: Option<String>,
    /// Who approved it (name and role).
    #[schemars(length(min = 1))]
    pub approver: String,
    /// Last day the waiver applies (YYYY-MM-DD).
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub expires: String,
}
