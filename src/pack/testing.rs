//! Inline tests: each check's `tests:` run against their own data, as `assure test` does.
//!
//! A test passes when the check's state is the expected one and, when `failing` (or `pending`) is given, the
//! keys of the failing (or pending) records are exactly those listed. Datasets a test does not give are empty.

use crate::engine::result::State;
use crate::engine::run_check;
use crate::evidence::Evidence;
use crate::pack::checks::CheckDef;
use crate::pack::compile::{CompileInput, compile};
use crate::pack::load::Pack;
use crate::spec::{TestExpect, TestSpec};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Default assessment date of a test that gives none.
pub const DEFAULT_AS_OF: &str = "2026-01-01";

#[derive(Debug, Clone)]
pub struct TestOutcome {
    pub check: String,
    pub name: String,
    /// File and line of the test.
    pub location: String,
    /// `None` when the test passed; otherwise what differed.
    pub failure: Option<String>,
}

/// Runs the inline tests of every check whose id is in `only` (all when empty), in pack order.
pub fn run_tests(pack: &Pack, only: &[String]) -> Vec<TestOutcome> {
    let jobs: Vec<(&CheckDef, usize, &TestSpec)> = pack
        .checks
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.spec.id))
        .flat_map(|c| c.spec.tests.iter().enumerate().map(move |(i, t)| (c, i, t)))
        .collect();
    jobs.par_iter()
        .map(|(def, i, test)| run_one(pack, def, *i, test))
        .collect()
}

fn run_one(pack: &Pack, def: &CheckDef, index: usize, test: &TestSpec) -> TestOutcome {
    let pointer = format!("{}/tests/{index}", def.pointer);
    let line = def
        .spans
        .value(&pointer)
        .map_or(def.line(), |s| def.file.line_of(s.start));
    let outcome = |failure| TestOutcome {
        check: def.spec.id.clone(),
        name: test.name.clone(),
        location: format!("{}:{line}", def.file.name),
        failure,
    };
    let as_of_text = test.as_of.as_deref().unwrap_or(DEFAULT_AS_OF);
    let Ok(as_of) = as_of_text.parse::<jiff::civil::Date>() else {
        return outcome(Some(format!("`as_of: {as_of_text}` is not a date")));
    };
    let Ok(as_of) = as_of.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()) else {
        return outcome(Some(format!("`as_of: {as_of_text}` is out of range")));
    };
    let (lists, _) = pack.lists_with(&Default::default(), None);
    let check = match compile(CompileInput {
        spec: &def.spec,
        standard: &def.standard,
        pointer: &def.pointer,
        datasets: Some(&pack.datasets),
        overrides: Some(&test.params),
        lists: Some(&lists),
        as_of,
    }) {
        Ok(c) => c,
        Err(problems) => {
            let text = problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            return outcome(Some(format!(
                "the check does not compile with this test's params: {text}"
            )));
        }
    };
    let mut evidence = Evidence::from_inline(&test.data);
    crate::pack::references::add_to(&mut evidence, &pack.references, true);
    for name in &check.datasets {
        evidence.datasets.entry(name.clone()).or_default();
    }
    let result = run_check(&check, &evidence);
    let want = match test.expect {
        TestExpect::Pass => State::Pass,
        TestExpect::Fail => State::Fail,
        TestExpect::NotApplicable => State::NotApplicable,
        TestExpect::Error => State::Error,
    };
    let got_keys: BTreeSet<String> = result.findings.iter().map(|f| f.key.clone()).collect();
    let mut problems = Vec::new();
    if result.state != want {
        let mut p = format!(
            "expected {}, got {}: {}",
            want.as_str(),
            result.state.as_str(),
            result.summary
        );
        if let Some(f) = result.findings.first() {
            p.push_str(&format!(" (first finding: {} — {})", f.key, f.message));
        }
        problems.push(p);
    }
    let pending_keys: BTreeSet<String> = result.pending.iter().map(|p| p.key.clone()).collect();
    for (what, expected, got) in [
        ("failing", &test.failing, &got_keys),
        ("pending", &test.pending, &pending_keys),
    ] {
        let Some(expected) = expected else { continue };
        let want_keys: BTreeSet<String> = expected.iter().cloned().collect();
        if want_keys != *got {
            let missing: Vec<_> = want_keys.difference(got).cloned().collect();
            let extra: Vec<_> = got.difference(&want_keys).cloned().collect();
            problems.push(format!(
                "{what} records differ: expected but not {what} {missing:?}; {what} but not expected {extra:?}"
            ));
        }
    }
    outcome((!problems.is_empty()).then(|| problems.join("; ")))
}
