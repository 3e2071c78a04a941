//! Managed exceptions as data: a register the pack declares (`exception_for` in datasets.yaml), such as the
//! medical devices that cannot be upgraded, whose complete, in-date records accept one check's findings.
//!
//! Each complete record becomes a waiver of that check for its record, located at the register's line, with
//! the register's reason, owner and last day: the finding stays in every output, marked as accepted by that
//! line, and lapses the day after the exception's last day, as any waiver does. A record missing one of the
//! `complete` fields (or holding `false` / `no` there) accepts nothing, so the finding stays failing; the
//! pack's own check on the register says what is missing.

use crate::evidence::waivers::Waiver;
use crate::evidence::{Evidence, Field};
use crate::pack::Pack;
use crate::spec::waivers::WaiverSpec;

/// Waivers from every exception register in the evidence, in dataset then record order.
pub fn waivers(pack: &Pack, evidence: &Evidence) -> Vec<Waiver> {
    let mut out = Vec::new();
    for (name, spec) in &pack.datasets {
        let Some(rule) = &spec.exception_for else {
            continue;
        };
        let Some(dataset) = evidence.datasets.get(name).filter(|d| d.error.is_none()) else {
            continue;
        };
        for r in &dataset.records {
            let text = |field: &str| -> Option<String> {
                match r.get(field)?.normalised() {
                    Field::Null => None,
                    Field::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
                    other => Some(other.to_value().to_string()),
                }
            };
            let complete = rule
                .complete
                .iter()
                .all(|f| text(f).is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "false" | "no" | "0")));
            let (Some(record), Some(expires_text), Some(approver)) =
                (text(&rule.record), text(&rule.expires), text(&rule.approver))
            else {
                continue;
            };
            let Some(expires) = crate::engine::types::parse_time(&expires_text).map(crate::engine::types::utc_date)
            else {
                continue;
            };
            if !complete {
                continue;
            }
            let reason = rule
                .reason
                .iter()
                .filter_map(|f| Some(format!("{f}: {}", text(f)?)))
                .collect::<Vec<_>>()
                .join("; ");
            out.push(Waiver {
                spec: WaiverSpec {
                    check: rule.check.clone(),
                    records: vec![record],
                    reason: format!("managed exception ({reason})"),
                    risk_ref: rule.risk_ref.as_deref().and_then(text),
                    approver,
                    expires: expires.to_string(),
                },
                expires,
                location: format!("{}:{}", evidence.file_path(r.file()), r.line()),
            });
        }
    }
    out
}
