//! Applying waivers ([`crate::spec::waivers`], loaded by [`crate::evidence::waivers`]): [`apply`] marks matching
//! findings as waived (keeping them and the original state); a check whose every finding is waived becomes
//! `waived`. Expired waivers and waivers that match nothing are reported, never silently ignored.

use crate::assess::{CheckResult, State};
use crate::evidence::waivers::Waiver;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaiverStatus {
    /// Applied to at least one failing record or check.
    Applied,
    /// Past its expiry date: not applied.
    Expired,
    /// In date but matched nothing that failed.
    Unused,
    /// Names a check that is not in the pack.
    UnknownCheck,
}

/// What happened to one waiver in a run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WaiverReport {
    pub check: String,
    pub records: Vec<String>,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_ref: Option<String>,
    pub approver: String,
    pub expires: String,
    pub location: String,
    pub status: WaiverStatus,
    /// Findings it waived (0 for a whole-check waiver of a set-level failure).
    pub matched: usize,
}

/// Applies in-date waivers to the results and reports on every waiver.
pub fn apply(results: &mut [CheckResult], waivers: &[Waiver], as_of: jiff::civil::Date) -> Vec<WaiverReport> {
    let mut reports = Vec::new();
    for w in waivers {
        let mut report = WaiverReport {
            check: w.spec.check.clone(),
            records: w.spec.records.clone(),
            reason: w.spec.reason.clone(),
            risk_ref: w.spec.risk_ref.clone(),
            approver: w.spec.approver.clone(),
            expires: w.spec.expires.clone(),
            location: w.location.clone(),
            status: WaiverStatus::Unused,
            matched: 0,
        };
        let Some(result) = results.iter_mut().find(|r| r.id == w.spec.check) else {
            report.status = WaiverStatus::UnknownCheck;
            reports.push(report);
            continue;
        };
        if w.expires < as_of {
            report.status = WaiverStatus::Expired;
            reports.push(report);
            continue;
        }
        if result.state == State::Fail {
            let whole = w.spec.records.is_empty();
            for f in result.findings.iter_mut().filter(|f| f.waived_by.is_none()) {
                let key = f.match_key.as_deref().unwrap_or(&f.key);
                if whole || w.spec.records.iter().any(|p| wildcard_match(p, key)) {
                    f.waived_by = Some(w.location.clone());
                    report.matched += 1;
                }
            }
            if report.matched > 0 || (whole && result.findings.is_empty()) {
                report.status = WaiverStatus::Applied;
                if whole && result.findings.is_empty() {
                    result.waived_by = Some(w.location.clone());
                }
            }
        }
        reports.push(report);
    }
    for r in results.iter_mut().filter(|r| r.state == State::Fail) {
        let all_waived = if r.findings.is_empty() {
            r.waived_by.is_some()
        } else {
            r.findings.iter().all(|f| f.waived_by.is_some())
        };
        if all_waived {
            r.state = State::Waived;
            if r.waived_by.is_none() {
                r.waived_by = r.findings.first().and_then(|f| f.waived_by.clone());
            }
        }
    }
    reports
}

/// Whether `key` matches `pattern`, where `*` matches any run of characters and everything else is literal.
pub fn wildcard_match(pattern: &str, key: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == key;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !key.starts_with(first) || !key[first.len()..].ends_with(last) || key.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &key[first.len()..key.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("NSH-LAB-*", "NSH-LAB-007"));
        assert!(wildcard_match("*-LAB-*", "NSH-LAB-007"));
        assert!(wildcard_match("A", "A"));
        assert!(!wildcard_match("A*B", "AB-C"));
        assert!(!wildcard_match("AB*BA", "ABA"));
        assert!(!wildcard_match("NSH-LAB-*", "NSH-DT-1"));
    }
}
