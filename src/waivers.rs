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

use crate::assessment::{CheckResult, State};
use crate::diagnostic::Diagnostic;
use crate::standards::schema::Kind;
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

/// A loaded waiver and where it was written.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub spec: WaiverSpec,
    pub expires: jiff::civil::Date,
    /// `waivers.yaml:LINE`.
    pub location: String,
}

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

/// Loads `waivers.yaml` if present. Invalid waivers are left out, each with a diagnostic.
pub fn load(jail: &crate::repo_file::Jail, limit: u64) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let (list, mut diags) = crate::repo_yaml::load::<WaiverSpec>(
        jail,
        limit,
        WAIVERS,
        "waivers",
        Kind::Waivers,
        "assure::waiver",
        "every waiver needs check, reason, approver and expires (YYYY-MM-DD)",
    );
    let mut waivers = Vec::new();
    for entry in list.entries {
        match entry.spec.expires.parse::<jiff::civil::Date>() {
            Ok(expires) => waivers.push(Waiver {
                spec: entry.spec,
                expires,
                location: format!("{WAIVERS}:{}", entry.line),
            }),
            Err(_) => {
                let mut d = Diagnostic::error(
                    "assure::waiver",
                    format!("waiver rejected: `{}` is not a date", entry.spec.expires),
                );
                if let Some((file, spans)) = &list.file {
                    d = d.at(file, spans.value(&format!("{}/expires", entry.pointer)), "here");
                }
                diags.push(d);
            }
        }
    }
    (waivers, diags)
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
