//! Human output for a terminal or a CI log: checks grouped by standard, each finding with `file:line`, and a
//! closing summary. Colour comes from `anstyle` and is stripped by `anstream` when the stream is not a
//! terminal or `NO_COLOR` is set.

use crate::assess::waivers::WaiverStatus;
use crate::assess::{Assessment, CheckResult, State};
use crate::core::text::visible;
use crate::core::vocab::Severity;
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

/// Findings shown per check before the rest are counted.
pub const MAX_FINDINGS: usize = 25;
/// Pending records listed per check; the rest are counted.
pub const MAX_PENDING: usize = 5;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BLUE: Style = AnsiColor::Blue.on_default();

pub fn render(a: &Assessment) -> String {
    render_filtered(a, |_| true)
}

/// Only the checks that need attention (failing, errored or waived), and the summary.
pub fn render_quiet(a: &Assessment) -> String {
    render_filtered(a, |r| matches!(r.state, State::Fail | State::Error | State::Waived))
}

fn render_filtered(a: &Assessment, show: impl Fn(&CheckResult) -> bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}{}{BOLD:#} ({}) · as of {} · {} {}",
        visible(&a.organisation.name),
        visible(&a.organisation.ods_code),
        a.as_of,
        a.pack.name,
        a.pack.version
    );
    // A critical site (a major trauma centre) sees its failing critical checks before anything else.
    if let Some(why) = &a.organisation.critical {
        let _ = writeln!(out, "{RED}critical site{RED:#}: {}", one_line(why));
        let first: Vec<&CheckResult> = a
            .results
            .iter()
            .filter(|r| r.severity == Severity::Critical && r.state == State::Fail)
            .collect();
        if !first.is_empty() {
            let _ = writeln!(out, "\n{BOLD}Critical findings first{BOLD:#}");
            for r in first {
                check(&mut out, r);
            }
        }
    }
    for standard in &a.standards {
        let results: Vec<&CheckResult> = a
            .results
            .iter()
            .filter(|r| r.standard == standard.id && show(r))
            .collect();
        if results.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{BOLD}{} {}{BOLD:#}", standard.id, standard.title);
        for r in results {
            check(&mut out, r);
        }
    }
    let s = &a.summary;
    let _ = writeln!(
        out,
        "\n{BOLD}{} checks{BOLD:#}: {GREEN}{} pass{GREEN:#}, {RED}{} fail{RED:#}, {YELLOW}{} error{YELLOW:#}, {} not applicable, {} waived{} · {} findings{}",
        s.checks,
        s.pass,
        s.fail,
        s.error,
        s.not_applicable,
        s.waived,
        if s.manual > 0 {
            format!(", {} need manual evidence", s.manual)
        } else {
            String::new()
        },
        s.findings,
        if s.pending > 0 {
            format!(" · {} pending", s.pending)
        } else {
            String::new()
        }
    );
    if let Some(b) = &a.baseline {
        let _ = writeln!(
            out,
            "against {}: {} new, {} unchanged, {} fixed",
            visible(&b.file),
            b.new,
            b.unchanged,
            b.fixed
        );
    }
    for w in a.waivers.iter().filter(|w| w.status != WaiverStatus::Applied) {
        let why = match w.status {
            WaiverStatus::Expired => format!("expired on {}: no longer applied", w.expires),
            WaiverStatus::Unused => "matches nothing that failed: remove it or correct its records".to_string(),
            WaiverStatus::UnknownCheck => format!("names `{}`, which is not a check in the pack", visible(&w.check)),
            WaiverStatus::Applied => String::new(),
        };
        let _ = writeln!(
            out,
            "{YELLOW}waiver{YELLOW:#} {} for {}: {why}",
            visible(&w.location),
            visible(&w.check)
        );
    }
    if let Some(d) = &a.dspt {
        let _ = writeln!(out, "{}", dspt_line(d));
    }
    if !a.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "{YELLOW}{} evidence problem(s){YELLOW:#}: the checks that need those datasets report an error",
            a.diagnostics.len()
        );
    }
    out
}

/// One line on the DSPT view: how many outcomes meet the expected profile (or assertions are met).
pub fn dspt_line(d: &crate::assess::DsptView) -> String {
    let (view, unit, expected) = match d.view {
        crate::spec::DsptViewKind::CafAligned => ("CAF-aligned", "outcomes", "NHS England's expected profile"),
        crate::spec::DsptViewKind::Assertions => ("assertions", "assertions", "met"),
    };
    let verified = if d.profile_verified {
        ""
    } else {
        " (profile unverified)"
    };
    format!(
        "DSPT {} {view}: {} {unit} meet {expected}, {} below{}, {} need an assessor's evidence{verified}",
        d.edition,
        d.meeting,
        d.below.len(),
        if d.below.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.below.join(", "))
        },
        d.undetermined.len()
    )
}

fn check(out: &mut String, r: &CheckResult) {
    let (mark, style) = match r.state {
        State::Pass => ("✓ pass", GREEN),
        State::Fail => ("✗ FAIL", RED),
        State::Error => ("! ERROR", YELLOW),
        State::NotApplicable => ("- n/a", DIM),
        State::Waived => ("~ waived", DIM),
        State::Manual => ("? manual", YELLOW),
    };
    let _ = writeln!(
        out,
        "  {style}{mark:<7}{style:#} {:<8} {BOLD}{}{BOLD:#}  {}",
        r.severity.as_str(),
        r.id,
        r.title
    );
    let _ = writeln!(out, "          {DIM}{}{DIM:#}", one_line(&r.summary));
    for f in r.findings.iter().take(MAX_FINDINGS) {
        let mut waived = f
            .waived_by
            .as_ref()
            .map_or(String::new(), |w| format!("  {DIM}(waived: {}){DIM:#}", visible(w)));
        if f.baseline == Some(crate::assess::Change::New) {
            waived.push_str(&format!("  {YELLOW}new{YELLOW:#}"));
        }
        let _ = writeln!(
            out,
            "          {BLUE}{}:{}{BLUE:#}  {}  {}{waived}",
            visible(&f.file),
            f.line,
            visible(&f.key),
            one_line(&f.message)
        );
    }
    if r.findings.len() > MAX_FINDINGS {
        let _ = writeln!(
            out,
            "          … and {} more (use --format json for all)",
            r.findings.len() - MAX_FINDINGS
        );
    }
    // Clocks still running: not failures, but the next to fail if nothing is done by their due time.
    for p in r.pending.iter().take(MAX_PENDING) {
        let _ = writeln!(
            out,
            "          {YELLOW}pending{YELLOW:#} due {}  {BLUE}{}:{}{BLUE:#}  {}  {}",
            p.due,
            visible(&p.file),
            p.line,
            visible(&p.key),
            one_line(&p.message)
        );
    }
    if r.pending.len() > MAX_PENDING {
        let _ = writeln!(
            out,
            "          … and {} more pending (use --format json for all)",
            r.pending.len() - MAX_PENDING
        );
    }
    for rv in &r.reviews {
        let _ = writeln!(
            out,
            "          {YELLOW}{:?}{YELLOW:#} by {} on {}: {}  {DIM}({}){DIM:#}",
            rv.verdict,
            one_line(&rv.assessor),
            one_line(&rv.date),
            one_line(&rv.comment),
            visible(&rv.location)
        );
    }
    if !r.fixed.is_empty() {
        let _ = writeln!(
            out,
            "          {GREEN}fixed since the baseline:{GREEN:#} {}",
            visible(&r.fixed.join(", "))
        );
    }
    if r.state == State::Fail
        && let Some(rem) = &r.remediation
    {
        let _ = writeln!(out, "          {DIM}fix: {}{DIM:#}", one_line(rem));
    }
}

/// Keeps a finding on one line (line breaks and tabs become spaces) and shows other control characters and
/// bidirectional overrides from evidence as visible escapes, so none reaches the terminal.
fn one_line(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| if c.is_whitespace() && c.is_control() { ' ' } else { c })
        .collect();
    visible(&spaced.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}
