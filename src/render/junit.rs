//! JUnit XML output, for the test report views of Azure DevOps, GitLab and Jenkins (see `docs/ci.md`).
//!
//! One `<testsuite>` per NDG standard (`NDG1 Personal confidential data`), one `<testcase>` per check
//! (`classname` = standard id, `name` = `CHECK-ID: title`). A failing check is a `<failure>` whose message is
//! its summary, whose type is its severity and whose body lists its findings (`file:line key — message`, at
//! most [`MAX_FINDINGS`]) then the remediation; a check that could not be assessed is an `<error>`; a check
//! with nothing in scope is `<skipped>`. Records whose deadline has not passed are listed, with their due
//! times, in the test case's `<system-out>`. No timings are written, so the output is deterministic.
//!
//! Serialisation is quick-junit's: attribute and text values are XML-escaped, and characters that XML 1.0
//! forbids (control characters, and here also U+FFFE/U+FFFF) are removed from evidence text.

use crate::assess::{Assessment, CheckResult, Finding, State};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

/// Findings listed in a failure's body before the rest are counted.
pub const MAX_FINDINGS: usize = 200;

/// Renders `assessment` as a JUnit XML report.
pub fn render(assessment: &Assessment) -> String {
    let mut report = Report::new(text(&format!(
        "assure {} {}: {} ({})",
        assessment.pack.name, assessment.pack.version, assessment.organisation.name, assessment.organisation.ods_code
    )));
    for suite in suites(assessment) {
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_else(|_| FALLBACK.to_string())
}

/// Written if serialisation fails (it writes to memory, so it cannot in practice): a report that fails.
const FALLBACK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"assure\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testsuite name=\"assure\" tests=\"1\" skipped=\"0\" errors=\"1\" failures=\"0\">\n        <testcase name=\"report\">\n            <error message=\"the JUnit report could not be written\"/>\n        </testcase>\n    </testsuite>\n</testsuites>\n";

/// One suite per standard, in the assessment's order, then any standard the results name but the list lacks.
fn suites(a: &Assessment) -> Vec<TestSuite> {
    let mut ids: Vec<(&str, String)> = a
        .standards
        .iter()
        .map(|s| (s.id.as_str(), format!("{} {}", s.id, s.title)))
        .collect();
    for r in &a.results {
        if !ids.iter().any(|(id, _)| *id == r.standard) {
            ids.push((r.standard.as_str(), r.standard.clone()));
        }
    }
    ids.into_iter()
        .filter_map(|(id, name)| {
            let cases: Vec<TestCase> = a.results.iter().filter(|r| r.standard == id).map(test_case).collect();
            (!cases.is_empty()).then(|| suite(a, &name, cases))
        })
        .collect()
}

fn suite(a: &Assessment, name: &str, cases: Vec<TestCase>) -> TestSuite {
    let mut suite = TestSuite::new(text(name));
    suite.add_properties([
        Property::new("organisation", text(&a.organisation.name)),
        Property::new("ods_code", text(&a.organisation.ods_code)),
        Property::new("as_of", text(&a.as_of)),
        Property::new("pack", text(&a.pack.name)),
        Property::new("pack_version", text(&a.pack.version)),
        Property::new("pack_sha256", text(&a.pack.sha256)),
    ]);
    suite.add_test_cases(cases);
    suite
}

fn test_case(r: &CheckResult) -> TestCase {
    let mut case = TestCase::new(text(&format!("{}: {}", r.id, r.title)), status(r));
    case.set_classname(text(&r.standard));
    if !r.pending.is_empty() {
        case.set_system_out(text(&pending_body(r)));
    }
    case
}

/// Records whose deadline has not passed (capped), soonest due first: `pending, due DUE file:line key — message`.
fn pending_body(r: &CheckResult) -> String {
    let mut lines: Vec<String> = r
        .pending
        .iter()
        .take(MAX_FINDINGS)
        .map(|p| {
            format!(
                "pending, due {} {}:{} {} — {}",
                one_line(&p.due),
                one_line(&p.file),
                p.line,
                one_line(&p.key),
                one_line(&p.message)
            )
        })
        .collect();
    if r.pending.len() > MAX_FINDINGS {
        lines.push(format!(
            "… and {} more pending (use --format json or csv for all)",
            r.pending.len() - MAX_FINDINGS
        ));
    }
    lines.join("\n")
}

fn status(r: &CheckResult) -> TestCaseStatus {
    match r.state {
        State::Pass => TestCaseStatus::success(),
        State::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(line(&r.summary))
                .set_type(r.severity.as_str())
                .set_description(text(&failure_body(r)));
            s
        }
        State::Error => {
            let detail = r.error.as_deref().unwrap_or(&r.summary);
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(line(&format!("could not be assessed: {detail}")))
                .set_type("error")
                .set_description(text(detail));
            s
        }
        State::NotApplicable => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(line(&format!("not applicable: {}", r.summary)));
            s
        }
        State::Manual => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(line(&r.summary));
            s
        }
        State::Waived => {
            let mut s = TestCaseStatus::skipped();
            let by = r.waived_by.as_deref().unwrap_or("a waiver");
            s.set_message(line(&format!("waived by {by}: {}", r.summary)));
            s
        }
    }
}

/// The findings (capped), the expectations that did not hold, and the remediation.
fn failure_body(r: &CheckResult) -> String {
    let mut lines: Vec<String> = r.findings.iter().take(MAX_FINDINGS).map(finding_line).collect();
    if r.findings.len() > MAX_FINDINGS {
        lines.push(format!(
            "… and {} more findings (use --format json or csv for all)",
            r.findings.len() - MAX_FINDINGS
        ));
    }
    for e in r.expectations.iter().filter(|e| !e.holds) {
        lines.push(format!("expected {} {}, got {}", e.name, e.expected, e.actual));
    }
    if let Some(remediation) = &r.remediation {
        lines.push(format!("Remediation: {}", one_line(remediation)));
    }
    lines.join("\n")
}

fn finding_line(f: &Finding) -> String {
    format!(
        "{}:{} {} — {}",
        one_line(&f.file),
        f.line,
        one_line(&f.key),
        one_line(&f.message)
    )
}

/// Text safe for XML 1.0: quick-junit's `XmlString` drops control characters and ANSI escapes; this also
/// drops the noncharacters U+FFFE and U+FFFF, which XML 1.0 does not allow either.
fn text(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}')).collect()
}

/// [`text`] on one line, for attributes (parsers turn newlines in attributes into spaces anyway).
fn line(s: &str) -> String {
    text(&one_line(s))
}

/// Collapses whitespace and control characters to single spaces.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
