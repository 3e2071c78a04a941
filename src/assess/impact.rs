//! The impact of a new pack version on an organisation: assessed with both packs, which checks' results would
//! change and how (`assure diff OLD NEW REPO...`).

use super::{Assessment, State};
use crate::pack::Pack;
use crate::pack::versions::{PackDiff, current_id};
use serde::Serialize;

/// One check whose result differs for an organisation.
#[derive(Debug, Serialize)]
pub struct ResultChange {
    /// Id in the new pack (or the old id when the check was retired).
    pub check: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// `None`: the check did not exist (added) or no longer exists (retired).
    pub old_state: Option<State>,
    pub new_state: Option<State>,
    pub old_findings: usize,
    pub new_findings: usize,
}

#[derive(Debug, Serialize)]
pub struct Impact {
    pub organisation: String,
    pub ods_code: String,
    pub old_status: String,
    pub new_status: String,
    pub changes: Vec<ResultChange>,
}

#[derive(Debug, Serialize)]
pub struct DiffReport {
    #[serde(flatten)]
    pub pack: PackDiff,
    pub impact: Vec<Impact>,
}

/// Results that differ between the assessment under the old pack and under the new one.
pub fn impact(old_pack: &Pack, new_pack: &Pack, old: &Assessment, new: &Assessment) -> Impact {
    let mut changes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &old.results {
        let now_id = current_id(new_pack, &r.id);
        let now = now_id.and_then(|id| new.results.iter().find(|n| n.id == id));
        if let Some(n) = now {
            seen.insert(n.id.clone());
        }
        let same = now.is_some_and(|n| n.state == r.state && n.findings.len() == r.findings.len());
        if !same {
            changes.push(ResultChange {
                check: now.map_or_else(|| r.id.clone(), |n| n.id.clone()),
                old_id: now.filter(|n| n.id != r.id).map(|_| r.id.clone()),
                old_state: Some(r.state),
                new_state: now.map(|n| n.state),
                old_findings: r.findings.len(),
                new_findings: now.map_or(0, |n| n.findings.len()),
            });
        }
    }
    for n in new.results.iter().filter(|n| !seen.contains(&n.id)) {
        // A check is new to this organisation unless the old pack had it under the same id (already compared).
        if old_pack.check(&n.id).is_none() {
            changes.push(ResultChange {
                check: n.id.clone(),
                old_id: None,
                old_state: None,
                new_state: Some(n.state),
                old_findings: 0,
                new_findings: n.findings.len(),
            });
        }
    }
    Impact {
        organisation: new.organisation.name.clone(),
        ods_code: new.organisation.ods_code.clone(),
        old_status: old.status.status.clone(),
        new_status: new.status.status.clone(),
        changes,
    }
}
