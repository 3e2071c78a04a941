//! Assessor reviews: what a person concluded about a result, kept beside the automated one.
//!
//! They live in `reviews.yaml` at the root of the config repo:
//!
//! ```yaml
//! reviews:
//!   - check: NDG4-LEAVERS
//!     records: [E1005]             # optional: the findings concerned; omit for the whole check
//!     verdict: disputed            # disputed | incorrect | met | not_met
//!     comment: HR keyed the wrong leaving date; the account was disabled on the real one (INC-4411)
//!     assessor: A. Auditor, internal audit
//!     date: 2026-11-05
//!     evidence: INC-4411           # optional reference to what was reviewed
//! ```
//!
//! `disputed` (the organisation contests the result) and `incorrect` (the assessor judged the automated result
//! wrong) are shown with the result, which keeps its state: the fix is in the evidence or the standard, and
//! the record of the disagreement travels with the report. `met` and `not_met` are an assessor's verdict on a
//! manual check: they turn its `manual` state into `pass` or `fail`. Reviews of unknown checks, and verdicts
//! that do not fit the check, are reported, never silently ignored.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// File name of the reviews file at the root of a config repo.
pub const REVIEWS: &str = "reviews.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewsFile {
    pub reviews: Vec<ReviewSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The organisation contests the automated result.
    Disputed,
    /// The assessor judged the automated result wrong.
    Incorrect,
    /// A manual check's evidence was reviewed and meets the requirement.
    Met,
    /// A manual check's evidence was reviewed and does not meet it.
    NotMet,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewSpec {
    pub check: String,
    /// Keys of the findings concerned; omit for the whole check.
    #[serde(default)]
    pub records: Vec<String>,
    pub verdict: Verdict,
    #[schemars(length(min = 1))]
    pub comment: String,
    /// Who reviewed (name and role).
    #[schemars(length(min = 1))]
    pub assessor: String,
    /// When (YYYY-MM-DD).
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub date: String,
    /// What was reviewed (a document reference, a ticket).
    #[serde(default)]
    pub evidence: Option<String>,
}
