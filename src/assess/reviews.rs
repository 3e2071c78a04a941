//! Attaching assessor reviews ([`crate::spec::reviews`], loaded by [`crate::evidence::reviews`]) to their
//! results: `disputed` and `incorrect` travel with the result, which keeps its state; `met` and `not_met` turn
//! a manual check's `manual` state into `pass` or `fail`. Reviews of unknown checks, and verdicts that do not
//! fit the check, are reported, never silently ignored.

use crate::assess::{CheckResult, State};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::engine::result::ReviewReport;
use crate::evidence::reviews::Review;
use crate::spec::reviews::Verdict;

/// Attaches reviews to their results and applies verdicts on manual checks. Returns diagnostics for reviews
/// that name no check or whose verdict does not fit.
pub fn apply(results: &mut [CheckResult], reviews: &[Review]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for review in reviews {
        let spec = &review.spec;
        let Some(result) = results.iter_mut().find(|r| r.id == spec.check) else {
            diags.push(
                Diagnostic::warning(
                    Code::Review,
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
                    Code::Review,
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
