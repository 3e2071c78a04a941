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

use crate::assessment::{CheckResult, State};
use crate::diagnostic::Diagnostic;
use crate::standards::schema::Kind;
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

#[derive(Debug, Clone)]
pub struct Review {
    pub spec: ReviewSpec,
    pub location: String,
}

/// Loads `reviews.yaml` if present; invalid entries are left out, each with a diagnostic.
pub fn load(jail: &crate::repo_file::Jail, limit: u64) -> (Vec<Review>, Vec<Diagnostic>) {
    let (list, diags) = crate::repo_yaml::load::<ReviewSpec>(
        jail,
        limit,
        REVIEWS,
        "reviews",
        Kind::Reviews,
        "assure::review",
        "every review needs check, verdict (disputed, incorrect, met or not_met), comment, assessor and date",
    );
    let reviews = list
        .entries
        .into_iter()
        .map(|e| Review {
            spec: e.spec,
            location: format!("{REVIEWS}:{}", e.line),
        })
        .collect();
    (reviews, diags)
}

/// Attaches reviews to their results and applies verdicts on manual checks. Returns diagnostics for reviews
/// that name no check or whose verdict does not fit.
pub fn apply(results: &mut [CheckResult], reviews: &[Review]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for review in reviews {
        let spec = &review.spec;
        let Some(result) = results.iter_mut().find(|r| r.id == spec.check) else {
            diags.push(
                Diagnostic::warning(
                    "assure::review",
                    format!("review of `{}`, which is not a check in the pack", spec.check),
                )
                .in_path(review.location.clone())
                .help("run `assure list` for the check ids"),
            );
            continue;
        };
        let manual_verdict = matches!(spec.verdict, Verdict::Met | Verdict::NotMet);
        if manual_verdict && result.state != State::Manual {
            diags.push(
                Diagnostic::warning(
                    "assure::review",
                    format!(
                        "`{}` is automated: record `disputed` or `incorrect`, not a met/not_met verdict",
                        spec.check
                    ),
                )
                .in_path(review.location.clone()),
            );
            continue;
        }
        match spec.verdict {
            Verdict::Met => result.state = State::Pass,
            Verdict::NotMet => result.state = State::Fail,
            Verdict::Disputed | Verdict::Incorrect => {}
        }
        if manual_verdict {
            result.summary = format!(
                "assessor's verdict ({}, {}): {}",
                spec.assessor, spec.date, spec.comment
            );
        }
        result.reviews.push(ReviewReport {
            verdict: spec.verdict,
            records: spec.records.clone(),
            comment: spec.comment.clone(),
            assessor: spec.assessor.clone(),
            date: spec.date.clone(),
            evidence: spec.evidence.clone(),
            location: review.location.clone(),
        });
    }
    diags
}
