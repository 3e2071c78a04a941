//! GitHub Actions workflow commands: one annotation per finding, shown on the run and on the changed files of
//! a pull request (see `docs/ci.md`).
//!
//! `::error file=PATH,line=N,title=CHECK-ID (severity)::message`, with critical/high → `error`, medium →
//! `warning`, low/info → `notice`. A failing check without findings gives one annotation without a file, with
//! its summary; a check that could not be assessed gives an `::error` with the cause. A record whose
//! deadline has not passed is a `::notice` with its due time (the first [`MAX_PENDING`] per check, then one
//! notice counting the rest). Every annotation is
//! emitted (GitHub shows only some per step in its UI), and a closing `::notice` gives the counts.
//!
//! Values are escaped as the runner expects (message: `%` `\r` `\n`; properties also `:` `,`), and other
//! control characters are replaced by spaces, so evidence can neither end the command line early nor start a
//! workflow command of its own.

use crate::assess::{Assessment, CheckResult, Finding, State};
use crate::core::vocab::Severity;
use crate::render::sarif::repo_path;

/// Pending records annotated per check before the rest are counted in one notice.
pub const MAX_PENDING: usize = 10;

/// Renders `assessment` as workflow commands, one per line.
///
/// `base` is the config repo's path relative to the repository root (`""` or `"."` when it is the root), so
/// that annotation paths resolve in the checkout.
pub fn render(assessment: &Assessment, base: &str) -> String {
    let mut lines = Vec::new();
    for r in &assessment.results {
        match r.state {
            State::Fail if r.findings.is_empty() => lines.push(set_annotation(r)),
            State::Fail => lines.extend(
                r.findings
                    .iter()
                    .filter(|f| f.waived_by.is_none())
                    .map(|f| finding_annotation(r, f, base)),
            ),
            State::Error => lines.push(error_annotation(r)),
            State::Pass | State::NotApplicable | State::Waived | State::Manual => {}
        }
        if r.state != State::Error {
            lines.extend(pending_annotations(r, base));
        }
    }
    let count = lines.len();
    lines.push(summary(assessment, count));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

fn title(r: &CheckResult) -> String {
    format!("{} ({})", r.id, r.severity.as_str())
}

fn finding_annotation(r: &CheckResult, f: &Finding, base: &str) -> String {
    let mut props = Vec::new();
    if !f.file.is_empty() {
        props.push(("file", repo_path(base, &f.file)));
        if f.line > 0 {
            props.push(("line", f.line.to_string()));
        }
    }
    props.push(("title", title(r)));
    annotation(command(r.severity), &props, &f.message)
}

/// Records whose deadline has not passed, as notices with their due times: the first [`MAX_PENDING`] at their
/// lines, then one notice counting the rest.
fn pending_annotations(r: &CheckResult, base: &str) -> Vec<String> {
    let title = format!("{} (pending)", r.id);
    let mut out: Vec<String> = r
        .pending
        .iter()
        .take(MAX_PENDING)
        .map(|p| {
            let mut props = Vec::new();
            if !p.file.is_empty() {
                props.push(("file", repo_path(base, &p.file)));
                if p.line > 0 {
                    props.push(("line", p.line.to_string()));
                }
            }
            props.push(("title", title.clone()));
            annotation("notice", &props, &format!("due {}: {}", p.due, p.message))
        })
        .collect();
    if r.pending.len() > MAX_PENDING {
        out.push(annotation(
            "notice",
            &[("title", title.clone())],
            &format!(
                "{} more records are pending (use --format json for all)",
                r.pending.len() - MAX_PENDING
            ),
        ));
    }
    out
}

fn set_annotation(r: &CheckResult) -> String {
    annotation(command(r.severity), &[("title", title(r))], &r.summary)
}

fn error_annotation(r: &CheckResult) -> String {
    let detail = r.error.as_deref().unwrap_or(&r.summary);
    annotation(
        "error",
        &[("title", format!("{} (could not be assessed)", r.id))],
        detail,
    )
}

fn summary(a: &Assessment, annotations: usize) -> String {
    let s = &a.summary;
    let message = format!(
        "{} checks: {} pass, {} fail, {} error, {} not applicable; {} findings; {} annotations above",
        s.checks, s.pass, s.fail, s.error, s.not_applicable, s.findings, annotations
    );
    annotation("notice", &[("title", "assure summary".to_string())], &message)
}

/// `::command key=value,key=value::message`, every part escaped.
pub fn annotation(command: &str, props: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    if props.is_empty() {
        format!("::{command}::{}", escape_data(message))
    } else {
        format!("::{command} {}::{}", props.join(","), escape_data(message))
    }
}

/// Escapes a message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; other control characters become spaces.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], and also `:` → `%3A`, `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
