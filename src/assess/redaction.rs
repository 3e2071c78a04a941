//! `--redact` beyond the evidence: the people and records that `waivers.yaml` and `reviews.yaml` name.
//!
//! Under `--redact` a finding's key is pseudonymised where its fields are `personal` (the engine renders it from
//! the printable copy of the record). A waiver or review names records by those keys, and names a person (a
//! waiver's approver, a review's assessor): both are shown in every output, so they are pseudonymised the same
//! way once the waivers and reviews have been applied with the real keys. A record key named in a review or
//! waiver gets the pseudonym its finding has, so a reader can still tell which finding it concerns; a pattern
//! with `*` is pseudonymised whole (it matches no pseudonym, and shows nothing of the names it matched).
//! Free text (a reason, a comment) is the author's to keep free of names.

use crate::assess::{Assessment, State};
use crate::core::path::Segment;
use crate::core::redact::Redaction;
use crate::engine::Check;

/// Pseudonymises the approvers, assessors and personal record keys named in the assessment's waivers and
/// reviews.
pub fn apply(assessment: &mut Assessment, checks: &[Check], redaction: &Redaction) {
    let check = |id: &str| checks.iter().find(|c| c.id == id);
    for w in &mut assessment.waivers {
        w.approver = redaction.pseudonym(&w.approver);
        if let Some(c) = check(&w.check) {
            w.records = w.records.iter().map(|k| key(c, k, redaction)).collect();
        }
    }
    for r in &mut assessment.results {
        let c = check(&r.id);
        for review in &mut r.reviews {
            let shown = redaction.pseudonym(&review.assessor);
            // A manual check's summary quotes the assessor's verdict: `assessor's verdict (NAME, DATE): ...`.
            if r.manual.is_some() && matches!(r.state, State::Pass | State::Fail) {
                r.summary = r
                    .summary
                    .replacen(&format!("({}, ", review.assessor), &format!("({shown}, "), 1);
            }
            review.assessor = shown;
            if let Some(c) = c {
                review.records = review.records.iter().map(|k| key(c, k, redaction)).collect();
            }
        }
    }
}

/// Whether each of the check's key fields is personal (of its own dataset, or of a lookup's for `alias.field`).
fn personal_parts(check: &Check) -> Vec<bool> {
    check
        .key
        .iter()
        .map(|path| {
            let head = match path.segments.first() {
                Some(Segment::Key(k)) => k.as_str(),
                _ => return false,
            };
            let (index, field) = match check.lookups.iter().position(|l| l.alias == head) {
                Some(i) => match path.segments.get(1) {
                    Some(Segment::Key(f)) => (i + 1, f.as_str()),
                    _ => return false,
                },
                None => (0, head),
            };
            check
                .confidential
                .get(index)
                .is_some_and(|(_, personal)| personal.iter().any(|p| p == field))
        })
        .collect()
}

/// A record key (or key pattern) as the check's findings show it under `--redact`: each personal part (parts
/// are joined by ` / `) pseudonymised; a key that does not split into the check's parts, whole.
pub fn key(check: &Check, key: &str, redaction: &Redaction) -> String {
    let personal = personal_parts(check);
    if !personal.contains(&true) {
        return key.to_string();
    }
    let parts: Vec<&str> = key.split(" / ").collect();
    if parts.len() != personal.len() {
        return redaction.pseudonym(key);
    }
    parts
        .iter()
        .zip(&personal)
        .map(|(part, personal)| {
            if *personal {
                redaction.pseudonym(part)
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" / ")
}
