//! Running checks: each check over its dataset's records, all checks in parallel.
//!
//! Flow per check: select (`where`) -> assert per record -> expectations over the set -> findings for the
//! records that fail. Records are evaluated with rayon; results are collected in record order and findings
//! sorted, so the output is the same for any number of threads.

use super::check::{Aggregate, Check, Comparison, MESSAGE, REMEDIATION, SUMMARY};
use super::condition::{Explain, Memo, Scope, View, Why};
use super::deadline::{self, Clock};
use super::error::EvalError;
use super::result::{CheckResult, Expectation, Finding, Pending, State};
use super::types::{Typed, convert, scalar_text};
use crate::core::path::Segment;
use crate::core::vocab::WhenEmpty;
use crate::evidence::{Evidence, Record};
use rayon::prelude::*;
use std::borrow::Cow;

/// Runs every check, in parallel on the current rayon pool (the caller chooses its size: `assess::run` runs
/// the whole assessment inside one pool of `--jobs` threads). Results keep the order of `checks`.
pub fn run(checks: &[Check], evidence: &Evidence) -> Vec<CheckResult> {
    run_with_progress(checks, evidence, &|| {})
}

/// [`run`], calling `done` after each check (from worker threads) so a caller can show progress.
pub fn run_with_progress(checks: &[Check], evidence: &Evidence, done: &(dyn Fn() + Sync)) -> Vec<CheckResult> {
    checks
        .par_iter()
        .map(|c| {
            let r = run_check(c, evidence);
            done();
            r
        })
        .collect()
}

/// Per-record outcome: not selected, or selected and passing / failing the assertion.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Skipped,
    Pass,
    Fail,
    /// Meets the assertion, and its deadline (this due time) has not passed yet: neither passing nor failing.
    Pending(jiff::Timestamp),
    /// Could not be evaluated (the check then errors with the first such record's cause).
    Error,
}

pub fn run_check(check: &Check, evidence: &Evidence) -> CheckResult {
    let mut result = CheckResult {
        id: check.id.clone(),
        version: check.version,
        title: check.title.clone(),
        standard: check.standard.clone(),
        severity: check.severity,
        state: State::Pass,
        summary: String::new(),
        selected: 0,
        passing: 0,
        failing: 0,
        expectations: Vec::new(),
        findings: Vec::new(),
        pending: Vec::new(),
        error: None,
        remediation: None,
        rationale: None,
        references: Vec::new(),
        reviews: Vec::new(),
        manual: check.manual.clone(),
        maps: check.maps.clone(),
        datasets: check.datasets.iter().cloned().collect(),
        waived_by: None,
        baseline: None,
        fixed: Vec::new(),
    };
    if let Some(evidence_needed) = &check.manual {
        result.state = State::Manual;
        result.summary = format!("manual evidence required: {evidence_needed}");
        return result;
    }
    if let Err(e) = evaluate(check, evidence, &mut result) {
        result.state = State::Error;
        result.summary = format!("could not be assessed: {e}");
        result.error = Some(e);
        result.findings.clear();
    }
    result
}

fn evaluate<'c>(check: &'c Check, evidence: &Evidence, result: &mut CheckResult) -> Result<(), String> {
    for name in &check.datasets {
        super::condition::dataset_records(evidence, name)?;
    }
    super::reads::check_reads(check, evidence)?;
    let mut scope = Scope::without_lookups(check, evidence)?;
    let records = scope.records(&check.dataset)?;
    // Indexing another dataset is the dearest part of a check with a lookup (300,000 training rows at scale
    // 10). When the `where` names no lookup, only the records it selects read a join: none is built when it
    // selects none, and a dataset at least as large as the check's is indexed under their keys only (when they
    // are fewer than its records).
    let lookup_free_where = check
        .where_
        .as_ref()
        .filter(|w| !check.lookups.is_empty() && !scope.uses_lookups(w));
    let larger_lookup = check.lookups.iter().any(|l| {
        scope
            .records(&l.dataset)
            .is_ok_and(|others| others.len() >= records.len())
    });
    let needing: Option<Vec<&Record>> = match lookup_free_where {
        Some(w) if larger_lookup => Some(scope.selected(w, records)),
        Some(w) if !scope.selects_any(w, records) => Some(Vec::new()),
        _ => None,
    };
    if needing.as_ref().is_none_or(|n| !n.is_empty()) {
        scope.add_lookups(needing.as_deref())?;
    }

    let mark = |record: &Record, memo: &mut Memo<'c>| -> Result<Mark, String> {
        let joined = scope.join(record);
        let view = View {
            record,
            joined: &joined,
        };
        if let Some(w) = &check.where_
            && !scope
                .holds_remembering(w, view, Some(&mut *memo))
                .map_err(|e| at(evidence, record, e))?
        {
            return Ok(Mark::Skipped);
        }
        if let Some(a) = &check.assert
            && !scope
                .holds_remembering(a, view, Some(memo))
                .map_err(|e| at(evidence, record, e))?
        {
            return Ok(Mark::Fail);
        }
        Ok(match &check.deadline {
            None => Mark::Pass,
            Some(d) => match deadline::clock(d, &scope, view, check.as_of) {
                Clock::Met => Mark::Pass,
                Clock::Pending { due } => Mark::Pending(due),
                _ => Mark::Fail,
            },
        })
    };
    let marks: Vec<Mark> = records
        .par_iter()
        .map_init(Memo::default, |memo, record| mark(record, memo).unwrap_or(Mark::Error))
        .collect();
    // The error reported is the first in record order, whatever thread met which: it is found again here.
    if let Some(first) = marks.iter().position(|m| *m == Mark::Error) {
        // Worked out again on the record as it may be printed: an error can quote the value it could not read.
        return Err(records
            .get(first)
            .and_then(|r| super::confidential::error_text(check, r, |r| mark(r, &mut Memo::default()).err()))
            .unwrap_or_default());
    }

    // Listed only for aggregates and count-only findings: for a 4-million-row export the list is 32 MB.
    let selected = || -> Vec<&Record> {
        records
            .iter()
            .zip(&marks)
            .filter(|(_, m)| **m != Mark::Skipped)
            .map(|(r, _)| r)
            .collect()
    };
    let failing: Vec<&Record> = records
        .iter()
        .zip(&marks)
        .filter(|(_, m)| **m == Mark::Fail)
        .map(|(r, _)| r)
        .collect();
    let pending: Vec<(&Record, jiff::Timestamp)> = records
        .iter()
        .zip(&marks)
        .filter_map(|(r, m)| match m {
            Mark::Pending(due) => Some((r, *due)),
            _ => None,
        })
        .collect();
    result.selected = marks.iter().filter(|m| **m != Mark::Skipped).count();
    result.failing = failing.len();
    result.passing = result.selected - result.failing - pending.len();
    if let Some(d) = &check.deadline
        && !pending.is_empty()
    {
        result.pending = pending_items(check, d, &scope, evidence, &pending);
    }

    let expect = &check.expect;
    if result.selected == 0 && expect.count.is_none() {
        result.state = match check.when_empty {
            WhenEmpty::NotApplicable => State::NotApplicable,
            WhenEmpty::Pass => State::Pass,
            WhenEmpty::Fail => State::Fail,
        };
        result.summary = format!("no `{}` record is in scope of this check", check.dataset);
        result.remediation = render_remediation(check, &scope, result);
        return Ok(());
    }

    // What the expectations count: records, or with `distinct` the field's values (one failing record fails its value).
    let (n_selected, n_passing, n_failing) = match &expect.distinct {
        None => (result.selected, result.passing, result.failing),
        Some(field) => distinct_counts(records, &marks, field),
    };
    let unit = expect
        .distinct
        .as_ref()
        .map_or(String::new(), |f| format!(" (distinct {f})"));
    let mut exps = Vec::new();
    let count = |name: &str, c: &Comparison, n: usize, exps: &mut Vec<Expectation>| {
        exps.push(Expectation {
            name: name.into(),
            expected: format!("{} {}{unit}", c.op.name(), trim_num(c.value)),
            actual: n.to_string(),
            measured: Some(n as f64),
            threshold: Some(c.value),
            holds: c.holds(n as f64),
        })
    };
    if let Some(c) = &expect.count {
        count("count", c, n_selected, &mut exps);
    }
    if let Some(c) = &expect.passing {
        count("passing", c, n_passing, &mut exps);
    }
    let default_failing = Comparison {
        op: super::check::CmpOp::Eq,
        value: 0.0,
    };
    let failing_expectation = expect.failing.as_ref().or_else(|| {
        let bare = expect.count.is_none()
            && expect.passing.is_none()
            && expect.ratio.is_none()
            && expect.min.is_none()
            && expect.max.is_none();
        ((check.assert.is_some() || check.deadline.is_some()) && bare).then_some(&default_failing)
    });
    if let Some(c) = failing_expectation {
        count("failing", c, n_failing, &mut exps);
    }
    if let Some(c) = &expect.ratio {
        let ratio = if n_selected == 0 {
            1.0
        } else {
            n_passing as f64 / n_selected as f64
        };
        exps.push(Expectation {
            name: "ratio".into(),
            expected: format!("{} {}{unit}", c.op.name(), percent(c.value)),
            actual: percent(ratio),
            measured: Some(ratio),
            threshold: Some(c.value),
            holds: c.holds(ratio),
        });
    }
    let mut breaking: Vec<&Record> = Vec::new();
    for (name, agg, want_min) in [("min", &expect.min, true), ("max", &expect.max, false)] {
        if let Some(agg) = agg {
            let (mut exp, breakers) = aggregate(name, agg, want_min, &selected());
            // The value printed is the record's: hidden when secret, pseudonymised under --redact when personal.
            if let Some(Segment::Key(field)) = agg.field.segments.first()
                && let Some(shown) = super::confidential::masked(check, &check.dataset, field, &exp.actual)
            {
                exp.actual = shown;
                exp.measured = None;
            }
            if !exp.holds {
                breaking.extend(breakers);
            }
            exps.push(exp);
        }
    }

    let holds = exps.iter().all(|e| e.holds);
    result.state = if holds { State::Pass } else { State::Fail };
    result.expectations = exps;

    if !holds {
        // Findings: records failing `assert`; with only `count`, the selected records; else those breaking min/max.
        let culprits: Vec<&Record> = if (check.assert.is_some() || check.deadline.is_some()) && !failing.is_empty() {
            failing
        } else if !breaking.is_empty() {
            breaking
        } else if expect.count.is_some() {
            selected()
        } else {
            Vec::new()
        };
        // Looked up once: the environment's template store is behind a lock.
        let message = check.templates.get_template(MESSAGE).ok();
        // Collected before the first error is taken, so that error does not depend on the threads.
        let findings: Vec<Result<Finding, EvalError>> = culprits
            .par_iter()
            .map(|r| finding(check, &scope, evidence, message.as_ref(), r))
            .collect();
        result.findings = findings.into_iter().collect::<Result<_, _>>()?;
        result
            .findings
            .sort_by(|a, b| (&a.file, a.line, &a.key).cmp(&(&b.file, b.line, &b.key)));
    }
    result.summary = render_summary(check, &scope, result);
    result.remediation = render_remediation(check, &scope, result);
    Ok(())
}

/// The records whose clock is still running, soonest due first, each with its due time and message.
fn pending_items(
    check: &Check,
    d: &super::check::Deadline,
    scope: &Scope<'_>,
    evidence: &Evidence,
    records: &[(&Record, jiff::Timestamp)],
) -> Vec<Pending> {
    let message = check.templates.get_template(MESSAGE).ok();
    // In order of due time, then file (by the rank of its path, which orders as the path does but compares as
    // a number), line and key. A patch window holds 150,000 records: they are put in order by small keys
    // before they are printed, so the items are never moved or copied.
    let by_path = path_ranks(evidence);
    let place = |&(r, due): &(&Record, jiff::Timestamp)| {
        (
            due,
            by_path.get(r.file() as usize).copied().unwrap_or(u32::MAX),
            r.line(),
        )
    };
    let mut order: Vec<&(&Record, jiff::Timestamp)> = records.iter().collect();
    order.sort_by_key(|item| place(item));
    // What a finding prints, without the explanation a finding also works out: a record still on the clock
    // met its assertion.
    let mut items: Vec<Pending> = order
        .par_iter()
        .map(|&&(r, due)| {
            let joined = scope.join(r);
            let printable = Printable::of(check, r, &joined);
            let refs = printable.refs();
            let view = View {
                record: &printable.record,
                joined: &refs,
            };
            let due_text = deadline::due_text(d, due);
            Pending {
                key: record_key(check, scope, view),
                file: evidence.file_path(r.file()).to_string(),
                line: r.line(),
                message: match &message {
                    Some(template) => rendered(MESSAGE, template.render(scope.context(view))),
                    None => format!("due {due_text} ({} from {})", d.within_text, d.from),
                },
                due: due_text,
            }
        })
        .collect();
    // Records on one line (a minified JSON export) tie on all three: each such run is put in key order.
    let mut start = 0;
    for tied in order.chunk_by(|a, b| place(a) == place(b)) {
        if let Some(run) = items.get_mut(start..start + tied.len()) {
            run.sort_by(|a, b| a.key.cmp(&b.key));
        }
        start += tied.len();
    }
    items
}

/// Each evidence file's rank in the order of the paths (equal paths, equal ranks), by its index.
fn path_ranks(evidence: &Evidence) -> Vec<u32> {
    let mut order: Vec<usize> = (0..evidence.files.len()).collect();
    order.sort_by_key(|&i| evidence.files[i].path.as_str());
    let mut ranks = vec![0; order.len()];
    let mut rank = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && evidence.files[order[k - 1]].path != evidence.files[i].path {
            rank += 1;
        }
        ranks[i] = rank;
    }
    ranks
}

/// (selected, passing, failing) counted over the distinct values of `field` among the selected records: a value
/// fails if any of its records fails, is pending if any is pending and none fails, and passes otherwise. A record
/// without the field counts on its own.
fn distinct_counts(records: &[Record], marks: &[Mark], field: &crate::core::path::FieldPath) -> (usize, usize, usize) {
    use std::collections::BTreeMap;
    let mut states: BTreeMap<String, Mark> = BTreeMap::new();
    for (i, (r, m)) in records.iter().zip(marks).enumerate() {
        if *m == Mark::Skipped {
            continue;
        }
        let key = r
            .get_path(field, 0)
            .and_then(scalar_text)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("\u{0}{i}"));
        let entry = states.entry(key).or_insert(Mark::Pass);
        *entry = match (*entry, *m) {
            (Mark::Fail, _) | (_, Mark::Fail) => Mark::Fail,
            (p @ Mark::Pending(_), _) | (_, p @ Mark::Pending(_)) => p,
            _ => Mark::Pass,
        };
    }
    let failing = states.values().filter(|m| **m == Mark::Fail).count();
    let passing = states.values().filter(|m| **m == Mark::Pass).count();
    (states.len(), passing, failing)
}

/// A record's cause as the check's error: where the record is, after what went wrong.
fn at(evidence: &Evidence, record: &Record, e: EvalError) -> String {
    format!("{} (at {}:{})", e, evidence.file_path(record.file()), record.line())
}

fn aggregate<'r>(
    name: &str,
    agg: &Aggregate,
    want_min: bool,
    selected: &[&'r Record],
) -> (Expectation, Vec<&'r Record>) {
    let mut best: Option<Typed> = None;
    let mut breakers = Vec::new();
    for r in selected {
        let Some(v) = r.get_path(&agg.field, 0).filter(|v| !v.is_null()) else {
            continue;
        };
        let Ok(t) = convert(v, agg.ty, false) else { continue };
        if !agg.op.holds(t.compare(&agg.value)) {
            breakers.push(*r);
        }
        let better = match &best {
            None => true,
            Some(b) => t
                .compare(b)
                .is_some_and(|o| if want_min { o.is_lt() } else { o.is_gt() }),
        };
        if better {
            best = Some(t);
        }
    }
    let holds = best.as_ref().is_some_and(|b| agg.op.holds(b.compare(&agg.value)));
    let number = |t: &Typed| match t {
        Typed::Num(n) => Some(*n),
        _ => None,
    };
    let exp = Expectation {
        name: name.into(),
        expected: format!("{} of {} {} {}", name, agg.field, agg.op.name(), agg.value),
        measured: best.as_ref().and_then(number),
        threshold: number(&agg.value),
        actual: best.map_or_else(|| format!("no {} value", agg.field), |b| b.to_string()),
        holds,
    };
    (exp, breakers)
}

/// Why a record is a finding: its `assert` outcome, then its deadline, or for a count-only check the `where`
/// that selected it.
fn explain(check: &Check, scope: &Scope<'_>, view: View<'_>, depth: Explain) -> Result<(bool, Why), EvalError> {
    if let Some(a) = &check.assert {
        let o = scope.eval(a, view, depth)?;
        if !o.holds || check.deadline.is_none() {
            return Ok((o.holds, o.why.unwrap_or_default()));
        }
    }
    if let Some(d) = &check.deadline {
        let clock = deadline::clock(d, scope, view, check.as_of);
        return Ok((!clock.fails(), deadline::why(d, &clock)));
    }
    // Here the check has neither `assert` nor `deadline`: it is count-only.
    Ok(match &check.where_ {
        Some(w) => {
            let o = scope.eval(w, view, depth)?;
            let why = o
                .why
                .map(|w| Why {
                    text: if depth == Explain::Sentence {
                        format!("selected: {}", w.text)
                    } else {
                        w.text
                    },
                    ..w
                })
                .unwrap_or_default();
            (o.holds, why)
        }
        None => (false, Why::default()),
    })
}

fn finding<'r>(
    check: &Check,
    scope: &Scope<'r>,
    evidence: &Evidence,
    message: Option<&minijinja::Template<'_, '_>>,
    record: &'r Record,
) -> Result<Finding, EvalError> {
    let joined = scope.join(record);
    let view = View {
        record,
        joined: &joined,
    };
    // A message template says what the finding is; the explanation's sentence is the message only without one.
    let depth = if message.is_some() {
        Explain::Culprit
    } else {
        Explain::Sentence
    };
    let (holds, why) = explain(check, scope, view, depth)?;
    let line = why
        .field
        .as_deref()
        .and_then(|f| f.split(['.', '[', ' ']).next())
        .map_or(record.line(), |head| record.field_line(head));

    // Everything printed comes from a copy with secret fields hidden and, with --redact, personal ones
    // pseudonymised. If hiding a value changes the outcome, the explanation withholds it.
    let printable = Printable::of(check, record, &joined);
    let clean_refs = printable.refs();
    // Waivers name records by their real keys; the key printed may be pseudonymised.
    let match_key = printable.masked.then(|| record_key(check, scope, view));
    let (print_view, why) = if !printable.masked {
        (view, why)
    } else {
        let v = View {
            record: &printable.record,
            joined: &clean_refs,
        };
        let (clean_holds, clean_why) = explain(check, scope, v, depth)?;
        let field = why.field.clone();
        let why = if clean_holds == holds {
            clean_why
        } else {
            let name = field.clone().unwrap_or_else(|| "a field".into());
            Why {
                field,
                observed: None,
                text: format!("{name} does not meet the check (value withheld)"),
            }
        };
        (v, why)
    };
    let message = if let Some(template) = message {
        rendered(MESSAGE, template.render(scope.context(print_view)))
    } else if why.text.is_empty() {
        format!("record fails {}", check.id)
    } else {
        why.text.clone()
    };
    let view = print_view;
    let key = record_key(check, scope, view);
    Ok(Finding {
        match_key: match_key.filter(|k| *k != key),
        key,
        file: evidence.file_path(record.file()).to_string(),
        line,
        field: why.field,
        observed: why.observed,
        message,
        waived_by: None,
        baseline: None,
    })
}

/// A record and the records it joins as they may be printed: copies with confidential values hidden, for a
/// check over confidential fields and records that hold one (`masked`), else the records themselves.
struct Printable<'r> {
    record: Cow<'r, Record>,
    joined: Vec<Option<Cow<'r, Record>>>,
    masked: bool,
}

impl<'r> Printable<'r> {
    fn of(check: &Check, record: &'r Record, joined: &[Option<&'r Record>]) -> Printable<'r> {
        let printable = |r: &'r Record, i: usize| super::confidential::printable(check, i, r);
        let record = printable(record, 0);
        let joined: Vec<Option<Cow<'r, Record>>> = joined
            .iter()
            .enumerate()
            .map(|(i, j)| j.map(|r| printable(r, i + 1)))
            .collect();
        let masked = matches!(record, Cow::Owned(_)) || joined.iter().flatten().any(|c| matches!(c, Cow::Owned(_)));
        Printable { record, joined, masked }
    }

    fn refs(&self) -> Vec<Option<&Record>> {
        self.joined.iter().map(|c| c.as_deref()).collect()
    }
}

/// The record's key fields joined by ` / `, or `file:line` when it has none.
pub fn record_key(check: &Check, scope: &Scope<'_>, view: View<'_>) -> String {
    let parts: Vec<String> = check
        .key
        .iter()
        .filter_map(|p| scope.get(view, p).and_then(|v| scalar_text(v).map(|t| t.into_owned())))
        .collect();
    if parts.is_empty() || parts.len() != check.key.len() {
        format!(
            "{}:{}",
            scope.evidence.file_path(view.record.file()),
            view.record.line()
        )
    } else {
        parts.join(" / ")
    }
}

fn render(check: &Check, name: &str, ctx: minijinja::Value) -> String {
    rendered(name, check.templates.get_template(name).and_then(|t| t.render(ctx)))
}

/// A rendered template's text, or a note of why it failed in its place.
fn rendered(name: &str, text: Result<String, minijinja::Error>) -> String {
    match text {
        Ok(mut s) => {
            // Trimmed in place: a copy per finding is 21,000 allocations at scale 1.
            s.truncate(s.trim_end().len());
            let lead = s.len() - s.trim_start().len();
            s.drain(..lead);
            // A rendered text grows by doubling; a finding's message is kept to the end, at its length.
            s.shrink_to_fit();
            s
        }
        Err(e) => format!("({name} template failed: {e})"),
    }
}

fn render_summary(check: &Check, scope: &Scope<'_>, r: &CheckResult) -> String {
    if check.templates.get_template(SUMMARY).is_ok() {
        let ratio = if r.selected == 0 {
            1.0
        } else {
            r.passing as f64 / r.selected as f64
        };
        let ctx = minijinja::context! {
            selected => r.selected, passing => r.passing, failing => r.failing, pending => r.pending.len(), ratio => ratio,
            params => scope.template.params.clone(), as_of => scope.template.as_of.clone(), check => scope.template.check.clone(),
        };
        return render(check, SUMMARY, ctx);
    }
    // The implicit `failing eq 0` needs no words beyond "N of M records fail".
    let implicit = check.expect.failing.is_none();
    let failed: Vec<String> = r
        .expectations
        .iter()
        .filter(|e| !(e.holds || implicit && e.name == "failing"))
        .map(|e| format!("{} is {} (expected {})", e.name, e.actual, e.expected))
        .collect();
    let detail = if failed.is_empty() {
        String::new()
    } else {
        format!(": {}", failed.join("; "))
    };
    // Clocks still running are named with the soonest due time: they are the next to fail.
    let pending = match r.pending.first() {
        Some(p) => format!("; {} pending, the first due {}", r.pending.len(), p.due),
        None => String::new(),
    };
    match (check.assert.is_some() || check.deadline.is_some(), r.state) {
        (true, State::Pass) if r.passing == 0 && !r.pending.is_empty() => format!(
            "all {} records are pending, the first due {}",
            r.selected, r.pending[0].due
        ),
        (true, State::Pass) => format!("{} of {} records pass{pending}", r.passing, r.selected),
        (true, _) => format!("{} of {} records fail{detail}{pending}", r.failing, r.selected),
        (false, State::Pass) => format!("{} records selected", r.selected),
        (false, _) => failed.join("; "),
    }
}

fn render_remediation(check: &Check, scope: &Scope<'_>, r: &CheckResult) -> Option<String> {
    check.templates.get_template(REMEDIATION).ok()?;
    let ctx = minijinja::context! {
        params => scope.template.params.clone(), as_of => scope.template.as_of.clone(), check => scope.template.check.clone(),
        selected => r.selected, failing => r.failing,
    };
    Some(render(check, REMEDIATION, ctx))
}

fn trim_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn percent(fraction: f64) -> String {
    let p = (fraction * 1000.0).round() / 10.0;
    format!("{}%", trim_num(p))
}
