//! CSV improvement plan: one row per failing or unassessable check, most severe first, with empty owner,
//! target date and status columns for the trust to fill in (see `docs/ci.md`).
//!
//! Columns: `priority` (1..n, by severity then check id), `check_id`, `standard`, `severity`, `title`,
//! `state`, `failing_records`, `summary`, `remediation`, `owner`, `target_date`, `status`. UTF-8 without a
//! byte-order mark, RFC 4180 quoting and CRLF line endings.
//!
//! Safe against formula injection (OWASP "CSV Injection"): any cell beginning with `=`, `+`, `-`, `@`, tab,
//! carriage return or line feed (or their full-width forms) gets a leading `'`, so a spreadsheet shows it as
//! text instead of evaluating it. This applies to every cell, evidence-derived or not.

use crate::assess::{Assessment, CheckResult, State};
use std::cmp::Reverse;

/// The header row.
pub const COLUMNS: [&str; 12] = [
    "priority",
    "check_id",
    "standard",
    "severity",
    "title",
    "state",
    "failing_records",
    "summary",
    "remediation",
    "owner",
    "target_date",
    "status",
];

/// Renders the improvement plan of `assessment` as CSV.
pub fn render(assessment: &Assessment) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let rows = std::iter::once(COLUMNS.map(String::from))
        .chain(plan(assessment).into_iter().enumerate().map(|(i, r)| row(i + 1, r)));
    for record in rows {
        if let Err(e) = writer.write_record(record.iter().map(|cell| neutralise(cell))) {
            return format!("error: the CSV plan could not be written: {e}\r\n");
        }
    }
    match writer.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => format!("error: the CSV plan could not be written: {e}\r\n"),
    }
}

/// Failing and errored checks, most severe first, then by check id.
fn plan(a: &Assessment) -> Vec<&CheckResult> {
    let mut checks: Vec<&CheckResult> = a
        .results
        .iter()
        .filter(|r| matches!(r.state, State::Fail | State::Error))
        .collect();
    checks.sort_by(|x, y| (Reverse(x.severity), &x.id).cmp(&(Reverse(y.severity), &y.id)));
    checks
}

fn row(priority: usize, r: &CheckResult) -> [String; 12] {
    [
        priority.to_string(),
        r.id.clone(),
        r.standard.clone(),
        r.severity.as_str().to_string(),
        r.title.clone(),
        r.state.as_str().to_string(),
        r.failing.to_string(),
        r.summary.clone(),
        r.remediation.clone().unwrap_or_default(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// Prefixes `'` to a cell that a spreadsheet would read as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}
