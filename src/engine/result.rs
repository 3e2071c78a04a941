//! What one check's run produced: its state, findings, pending records and expectations ([`CheckResult`]),
//! with the slots the assessment fills later (waivers, reviews, baseline changes). The engine makes these; the
//! assessment collects them; renderers read them.

use crate::core::vocab::Severity;
use crate::spec::reviews::Verdict;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pass,
    Fail,
    Error,
    NotApplicable,
    /// Failed, but every failing record (or the whole check) is covered by an in-date waiver.
    Waived,
    /// A manual check without an assessor's verdict: the evidence must be reviewed by hand.
    Manual,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Fail => "fail",
            State::Error => "error",
            State::NotApplicable => "not_applicable",
            State::Waived => "waived",
            State::Manual => "manual",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// The record's identity (its key fields, or file:line).
    pub key: String,
    pub file: String,
    pub line: u32,
    /// The field that decided the result, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<Value>,
    pub message: String,
    /// The waiver (`waivers.yaml:LINE`) that accepts this finding, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<String>,
    /// Against `--baseline`: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Change>,
    /// The key waivers match when `key` is pseudonymised (`--redact`): the record's own. Never written out.
    #[serde(skip)]
    #[schemars(skip)]
    pub match_key: Option<String>,
}

/// A record whose deadline has not passed (a clock still running): not a failure yet.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Pending {
    /// The record's identity (its key fields, or file:line).
    pub key: String,
    pub file: String,
    pub line: u32,
    /// When it fails if still not done: an RFC 3339 time, or a date for a deadline counted in dates.
    pub due: String,
    pub message: String,
}

/// One set-level expectation and whether it held.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Expectation {
    /// `count`, `passing`, `failing`, `ratio`, `min` or `max`.
    pub name: String,
    pub expected: String,
    pub actual: String,
    /// The measured value as a number, unrounded (a count, or a ratio between 0 and 1); absent for `min` and
    /// `max` of dates and versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<f64>,
    /// The threshold as a number (a ratio between 0 and 1), when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    pub holds: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckResult {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub standard: String,
    pub severity: Severity,
    pub state: State,
    pub summary: String,
    pub selected: usize,
    pub passing: usize,
    pub failing: usize,
    pub expectations: Vec<Expectation>,
    pub findings: Vec<Finding>,
    /// Records whose deadline has not passed yet, soonest due first (checks with a `deadline:`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Pending>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// Why the check matters (from the pack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub maps: BTreeMap<String, Vec<String>>,
    pub datasets: Vec<String>,
    /// For a waived check: the waiver covering it. Its findings keep their own `waived_by`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived_by: Option<String>,
    /// Against `--baseline`, for a failing check without findings: `new` or `unchanged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Change>,
    /// Assessor reviews of this result (`reviews.yaml`): disputes, and verdicts on manual checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewReport>,
    /// For a manual check: the evidence an assessor must review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
    /// Against `--baseline`: keys of findings in the baseline that are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<String>,
}

/// A review as reported with its result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReviewReport {
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
    pub comment: String,
    pub assessor: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// `reviews.yaml:LINE`.
    pub location: String,
}

// Against `--baseline`: whether a finding (or a failing check without findings) was there before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Unchanged,
}
