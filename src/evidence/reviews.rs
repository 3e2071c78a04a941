//! Loading `reviews.yaml` ([`crate::spec::reviews`]): entries checked against their schema; an invalid one is
//! left out with a diagnostic. Attaching them to results is the assessment's job.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::spec::reviews::{REVIEWS, ReviewSpec};
use crate::spec::schema::Kind;

#[derive(Debug, Clone)]
pub struct Review {
    pub spec: ReviewSpec,
    pub location: String,
}

/// Loads `reviews.yaml` if present; invalid entries are left out, each with a diagnostic.
pub fn load(jail: &crate::core::repo_file::Jail, limit: u64) -> (Vec<Review>, Vec<Diagnostic>) {
    let (list, diags) = crate::evidence::repo_yaml::load::<ReviewSpec>(
        jail,
        limit,
        REVIEWS,
        "reviews",
        Kind::Reviews,
        Code::Review,
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
