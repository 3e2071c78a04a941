//! The data model report templates receive: the assessment plus what a report needs precomputed (per-standard
//! counts and chart geometry, findings cut to a limit, the improvement plan, a run id). Documented field by field
//! in `docs/reports.md` for people who write their own templates. With earlier results (`--history`) it also
//! holds the direction of travel ([`super::trend`]).

use crate::assess::waivers::WaiverReport;
use crate::assess::{Assessment, CheckResult, Finding, Pending, StandardInfo, State};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Findings shown per check unless the caller asks otherwise: a 100,000-finding report still opens fast.
pub const DEFAULT_FINDINGS_LIMIT: usize = 25;

#[derive(Debug, Serialize)]
pub struct ReportView<'a> {
    /// The whole assessment, as in `--format json`.
    pub assessment: &'a Assessment,
    /// Stable id of this run: the first 16 hex digits of SHA-256 over the pack hash, as-of date and evidence hashes.
    pub run_id: String,
    pub findings_limit: usize,
    pub standards: Vec<StandardView<'a>>,
    /// Failing and errored checks, most severe first.
    pub plan: Vec<&'a CheckResult>,
    pub not_applicable: Vec<&'a CheckResult>,
    pub errors: Vec<&'a CheckResult>,
    /// Manual checks awaiting an assessor's verdict.
    pub manual: Vec<&'a CheckResult>,
    /// Failing (or errored) checks per severity, most severe first, every severity listed.
    pub severities: Vec<SeverityCount>,
    /// Records read across the evidence files.
    pub records_read: usize,
    /// The most severe failing or errored checks (the first [`TOP_RISKS`] of the plan), for the first screen.
    pub top_risks: Vec<Risk<'a>>,
    /// The direction of travel, when earlier results were given.
    pub trend: Option<super::trend::TrendView<'a>>,
}

/// Risks shown on the first screen.
pub const TOP_RISKS: usize = 5;

#[derive(Debug, Serialize)]
pub struct Risk<'a> {
    pub result: &'a CheckResult,
    pub anchor: String,
    /// Findings new since the previous result (0 without history).
    pub new: usize,
}

/// A set-level expectation in plain words.
#[derive(Debug, Serialize)]
pub struct ExpectationView {
    pub text: String,
    pub holds: bool,
}

#[derive(Debug, Serialize)]
pub struct SeverityCount {
    pub severity: &'static str,
    pub failing: usize,
    pub checks: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct StateCounts {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub waived: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub total: usize,
}

/// One segment of a standard's stacked bar, in percent of the bar's width.
#[derive(Debug, Serialize)]
pub struct Segment {
    pub state: &'static str,
    pub label: &'static str,
    pub count: usize,
    /// Left edge and width in percent, rounded to 0.1.
    pub x: String,
    pub width: String,
}

#[derive(Debug, Serialize)]
pub struct StandardView<'a> {
    pub info: &'a StandardInfo,
    /// HTML id for links, e.g. `std-ndg1`.
    pub anchor: String,
    pub counts: StateCounts,
    pub chart: Vec<Segment>,
    pub checks: Vec<CheckView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct CheckView<'a> {
    pub result: &'a CheckResult,
    pub anchor: String,
    /// The first `findings_limit` findings.
    pub findings: &'a [Finding],
    /// Findings not shown.
    pub hidden: usize,
    /// The first `findings_limit` records whose deadline has not passed, soonest due first.
    pub pending: &'a [Pending],
    /// Pending records not shown.
    pub pending_hidden: usize,
    pub waivers: Vec<&'a WaiverReport>,
    /// The set-level expectations in plain words ([`super::expectation::plain`]).
    pub expectations: Vec<ExpectationView>,
}

pub fn anchor(prefix: &str, id: &str) -> String {
    let slug: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{slug}")
}

pub fn run_id(a: &Assessment) -> String {
    let mut h = Sha256::new();
    h.update(a.pack.sha256.as_bytes());
    h.update([0]);
    h.update(a.as_of.as_bytes());
    for f in &a.evidence {
        h.update([0]);
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update(f.sha256.as_bytes());
    }
    let digest = h.finalize();
    crate::core::hash::hex(&digest[..8])
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0
    }
}

fn chart(c: &StateCounts) -> Vec<Segment> {
    let parts = [
        ("pass", "passed", c.pass),
        ("waived", "waived", c.waived),
        ("fail", "failed", c.fail),
        ("error", "could not be assessed", c.error),
        ("not_applicable", "not applicable", c.not_applicable),
        ("manual", "manual evidence needed", c.manual),
    ];
    let mut x = 0.0;
    let mut out = Vec::new();
    for (state, label, count) in parts {
        if count == 0 {
            continue;
        }
        let width = percent(count, c.total);
        out.push(Segment {
            state,
            label,
            count,
            x: format!("{x:.1}"),
            width: format!("{width:.1}"),
        });
        x += width;
    }
    out
}

impl<'a> ReportView<'a> {
    pub fn new(a: &'a Assessment, findings_limit: usize) -> ReportView<'a> {
        Self::with_history(a, findings_limit, None)
    }

    /// The view with the direction of travel from `history` (earlier results and this run).
    pub fn with_history(
        a: &'a Assessment,
        findings_limit: usize,
        history: Option<&'a crate::assess::history::History>,
    ) -> ReportView<'a> {
        let standards = a
            .standards
            .iter()
            .map(|info| {
                let results: Vec<&CheckResult> = a.results.iter().filter(|r| r.standard == info.id).collect();
                let mut counts = StateCounts {
                    total: results.len(),
                    ..StateCounts::default()
                };
                for r in &results {
                    match r.state {
                        State::Pass => counts.pass += 1,
                        State::Fail => counts.fail += 1,
                        State::Error => counts.error += 1,
                        State::Waived => counts.waived += 1,
                        State::NotApplicable => counts.not_applicable += 1,
                        State::Manual => counts.manual += 1,
                    }
                }
                let checks = results
                    .into_iter()
                    .map(|r| {
                        let shown = r.findings.len().min(findings_limit);
                        let pending_shown = r.pending.len().min(findings_limit);
                        CheckView {
                            result: r,
                            anchor: anchor("check", &r.id),
                            findings: &r.findings[..shown],
                            hidden: r.findings.len() - shown,
                            pending: &r.pending[..pending_shown],
                            pending_hidden: r.pending.len() - pending_shown,
                            waivers: a.waivers.iter().filter(|w| w.check == r.id).collect(),
                            expectations: r
                                .expectations
                                .iter()
                                .map(|e| ExpectationView {
                                    text: super::expectation::plain(e),
                                    holds: e.holds,
                                })
                                .collect(),
                        }
                    })
                    .collect();
                StandardView {
                    info,
                    anchor: anchor("std", &info.id),
                    chart: chart(&counts),
                    counts,
                    checks,
                }
            })
            .collect();
        let mut plan: Vec<&CheckResult> = a
            .results
            .iter()
            .filter(|r| matches!(r.state, State::Fail | State::Error))
            .collect();
        plan.sort_by(|x, y| y.severity.cmp(&x.severity).then_with(|| x.id.cmp(&y.id)));
        let severities = [
            crate::core::vocab::Severity::Critical,
            crate::core::vocab::Severity::High,
            crate::core::vocab::Severity::Medium,
            crate::core::vocab::Severity::Low,
            crate::core::vocab::Severity::Info,
        ]
        .into_iter()
        .map(|s| SeverityCount {
            severity: s.as_str(),
            failing: plan.iter().filter(|r| r.severity == s).count(),
            checks: a.results.iter().filter(|r| r.severity == s).count(),
        })
        .collect();
        let trend = history.map(|h| super::trend::TrendView::new(h, &a.standards));
        let new_since = |id: &str| {
            history
                .and_then(|h| h.changes.as_ref())
                .and_then(|c| c.checks.iter().find(|c| c.id == id))
                .map_or(0, |c| c.new)
        };
        let top_risks = plan
            .iter()
            .take(TOP_RISKS)
            .map(|r| Risk {
                result: r,
                anchor: anchor("check", &r.id),
                new: new_since(&r.id),
            })
            .collect();
        ReportView {
            top_risks,
            trend,
            assessment: a,
            run_id: run_id(a),
            findings_limit,
            standards,
            plan,
            not_applicable: a.results.iter().filter(|r| r.state == State::NotApplicable).collect(),
            errors: a.results.iter().filter(|r| r.state == State::Error).collect(),
            manual: a.results.iter().filter(|r| r.state == State::Manual).collect(),
            severities,
            records_read: a.evidence.iter().map(|f| f.records).sum(),
        }
    }
}
