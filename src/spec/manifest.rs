//! The config repo's manifest, `assure.yaml`: who the organisation is, the default assessment date, where each
//! dataset's exports live and how to read them, and parameter overrides.
//!
//! ```yaml
//! organisation: { name: Northshire Hospitals NHS Foundation Trust, ods_code: RNS }
//! as_of: 2026-11-01
//! datasets:
//!   devices:
//!     files: exports/intune/managedDevices.json
//!     records: value[*]
//! params:
//!   NDG3-ANNUAL: { threshold: 90 }
//! ```

use crate::core::vocab::{Format, OneOrMany};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// File name of the manifest at the root of a config repo.
pub const MANIFEST: &str = "assure.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub organisation: OrganisationSpec,
    /// Default assessment date (YYYY-MM-DD); `--as-of` overrides it.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Dataset name -> where its exports are and how to read them.
    #[serde(default)]
    pub datasets: BTreeMap<String, DatasetSource>,
    /// Check id -> parameter -> value.
    #[serde(default)]
    pub params: BTreeMap<String, BTreeMap<String, Value>>,
    /// Pack list name -> items added to it (e.g. a firewall vendor's own allow action).
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<Value>>,
    /// Size limits on the files assure reads (docs/reliability.md); the defaults are well above real exports.
    #[serde(default)]
    pub limits: LimitsSpec,
}

/// Size limits, in MiB (1 MiB = 1,048,576 bytes).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    /// Largest evidence file (and `--baseline`) read, in MiB; default 2048 (2 GiB).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub evidence_mib: Option<u64>,
    /// Largest `waivers.yaml`, `reviews.yaml` or template read, in MiB; default 16. The manifest itself is
    /// always limited to 16 MiB, as it is read before its limits are known.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub config_mib: Option<u64>,
}

impl LimitsSpec {
    /// The limits in bytes, defaults filled in.
    pub fn limits(&self) -> crate::core::repo_file::Limits {
        let default = crate::core::repo_file::Limits::default();
        let mib = |m: Option<u64>, d: u64| m.map_or(d, |m| m.saturating_mul(1 << 20));
        crate::core::repo_file::Limits {
            evidence: mib(self.evidence_mib, default.evidence),
            config: mib(self.config_mib, default.config),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationSpec {
    pub name: String,
    /// NHS Organisation Data Service code, e.g. `RXX` for a trust.
    #[schemars(regex(pattern = r"^[A-Z0-9]{3,6}$"))]
    pub ods_code: String,
    /// What kind of organisation it is, which decides the DSPT it answers: trusts, ICBs, CSUs and arm's-length
    /// bodies (Category 1) answer the CAF-aligned DSPT, others the standards-met assertions. Default: read from
    /// the ODS code (three characters starting R: a trust; Q: an ICB), and said so in the report.
    #[serde(default, rename = "type")]
    pub kind: Option<OrganisationType>,
    /// Why the organisation is critical (e.g. "Major trauma centre"): shown on the report's cover, with its
    /// critical findings first.
    #[serde(default)]
    pub critical: Option<String>,
}

/// Kinds of organisation that answer the DSPT.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationType {
    Trust,
    Icb,
    Csu,
    /// Arm's-length body.
    Alb,
    GpPractice,
    SocialCare,
    Pharmacy,
    Dental,
    Other,
}

impl OrganisationType {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationType::Trust => "trust",
            OrganisationType::Icb => "icb",
            OrganisationType::Csu => "csu",
            OrganisationType::Alb => "alb",
            OrganisationType::GpPractice => "gp_practice",
            OrganisationType::SocialCare => "social_care",
            OrganisationType::Pharmacy => "pharmacy",
            OrganisationType::Dental => "dental",
            OrganisationType::Other => "other",
        }
    }

    /// The kind an ODS code suggests: NHS trusts have three-character codes starting R, ICBs starting Q, GP
    /// practices a letter and five digits. `None` when the code says nothing.
    pub fn from_ods(code: &str) -> Option<OrganisationType> {
        let b = code.as_bytes();
        match (b.len(), b.first()) {
            (3, Some(b'R')) => Some(OrganisationType::Trust),
            (3, Some(b'Q')) => Some(OrganisationType::Icb),
            (6, Some(c)) if c.is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit) => {
                Some(OrganisationType::GpPractice)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetSource {
    /// Glob(s) relative to the repo, e.g. `exports/ad/*.csv`.
    pub files: OneOrMany<String>,
    /// A preset from the pack (`assure list-presets`) giving format, record path and renames for a known
    /// export; keys set here override it.
    #[serde(default)]
    pub preset: Option<String>,
    /// Format; by default from the extension.
    #[serde(default)]
    pub format: Option<Format>,
    /// Path to the records in a JSON/YAML file, e.g. `value[*]`.
    #[serde(default)]
    pub records: Option<String>,
    /// Renames: the name checks use -> the name in the export.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// `lines` format: a regex whose named groups become fields; other lines are skipped.
    #[serde(default)]
    pub pattern: Option<String>,
    /// `csv` format: the field delimiter (one character).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// The order of day and month in the export's slashed dates (`4/1/2021`): `uk` (day first) or `us`
    /// (month first, with or without AM/PM). Unset, they are read day first and AM/PM times are refused.
    #[serde(default)]
    pub dates: Option<crate::core::vocab::DateOrder>,
    /// When true, no matching file means an empty dataset rather than an error.
    #[serde(default)]
    pub optional: bool,
    /// When true, files holding no records (an empty export, a JSON list with nothing in it) are an empty
    /// dataset; otherwise they are a dataset error, since an export that lost its rows would pass checks.
    #[serde(default)]
    pub allow_empty: bool,
    /// `assure collect` refreshes this dataset from Microsoft Graph or Defender for Endpoint: `true` (the source
    /// that writes the dataset's preset, into its one `files` path) or `{ source, file }` (docs/exports.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect: Option<CollectSpec>,
}

/// A dataset's `collect:` setting.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum CollectSpec {
    /// `true`: collect with the source that writes the dataset's preset, into its `files` path; `false`: never.
    Enabled(bool),
    /// Which source, and which file to write.
    Detailed(CollectDetail),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CollectDetail {
    /// The source to collect from (`intune-managed-devices`, `entra-sign-in-activity`,
    /// `entra-registration-details`, `defender-machines-api`, `defender-vulnerabilities-hunting`,
    /// `defender-software-hunting`); default: the one named like the dataset's preset.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub source: Option<String>,
    /// The file to write, relative to the repo; default: `files`, when it is one path without wildcards. It must
    /// be a file `files` matches, so `assure check` reads what was collected.
    #[serde(default)]
    pub file: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::OrganisationType as T;

    #[test]
    fn ods_codes_suggest_the_kind_of_organisation() {
        assert_eq!(T::from_ods("RNS"), Some(T::Trust));
        assert_eq!(T::from_ods("QWE"), Some(T::Icb));
        assert_eq!(T::from_ods("A81001"), Some(T::GpPractice));
        // Four characters, a lowercase letter, or letters after the first say nothing.
        for code in ["RNSX", "rns", "AB1234", "8JK12"] {
            assert_eq!(T::from_ods(code), None, "{code}");
        }
    }
}
