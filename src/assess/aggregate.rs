//! Roll-ups across organisations: many `--format json` assessments in, one regional or national view out
//! (status per organisation, a matrix of organisations by standard, results per check, the most common
//! failures). Inputs are read leniently by field, so assessments from any 1.x schema version combine.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One organisation's assessment, as much of it as the roll-up needs.
#[derive(Debug, Clone, Serialize)]
pub struct OrgResult {
    pub name: String,
    pub ods_code: String,
    pub as_of: String,
    pub pack: String,
    pub status: String,
    pub checks: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub findings: usize,
    /// Source file of this assessment.
    pub file: String,
    /// Check id -> state.
    #[serde(skip)]
    pub states: BTreeMap<String, String>,
    /// Standard id -> failing or errored checks.
    pub failing_by_standard: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandardRow {
    pub id: String,
    pub number: Option<u64>,
    pub title: String,
    /// Organisations with no failing or errored check in this standard.
    pub organisations_clear: usize,
    /// Per organisation (same order as `organisations`): failing or errored checks.
    pub failing: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct CheckRow {
    pub id: String,
    pub title: String,
    pub standard: String,
    pub severity: String,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub waived: usize,
    pub not_applicable: usize,
    /// Organisations (ODS codes) where it failed or errored.
    pub failing_organisations: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Aggregate {
    pub organisations: Vec<OrgResult>,
    /// Organisations per overall status.
    pub statuses: BTreeMap<String, usize>,
    pub standards: Vec<StandardRow>,
    pub checks: Vec<CheckRow>,
    /// Checks failing (or in error) at the most organisations, most first (at most 10).
    pub most_common_failures: Vec<CheckRow>,
    /// Different pack versions among the inputs, as `name version`.
    pub packs: Vec<String>,
}

/// The string at `pointer`, or empty: assessments are read leniently by field.
pub(crate) fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("").to_string()
}

/// The count at `pointer`, or 0.
pub(crate) fn n(v: &Value, pointer: &str) -> usize {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or(0) as usize
}

/// Reads one assessment JSON; a file that is not one is an error naming it.
pub fn read(path: &str, text: &str) -> Result<Value, Diagnostic> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(Code::Aggregate, format!("{path} is not JSON: {e}"))
            .in_path(format!("{path}:{}", e.line()))
            .help("pass files written by `assure check --format json`")
    })?;
    let version = s(&v, "/schema_version");
    if !version.starts_with("1.") {
        return Err(Diagnostic::error(
            Code::Aggregate,
            format!("{path} is not an assure assessment of schema version 1.x (found `{version}`)"),
        )
        .in_path(path.to_string())
        .help("pass files written by `assure check --format json`"));
    }
    Ok(v)
}

/// The same organisation given more than once (by ODS code, or by name when it has none): a roll-up takes one
/// result per organisation, so each repeat is an error naming both files.
pub fn duplicates(inputs: &[(String, Value)]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<String, (&str, String)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, v) in inputs {
        let ods = s(v, "/organisation/ods_code");
        let who = if ods.is_empty() {
            format!("name:{}", s(v, "/organisation/name"))
        } else {
            ods
        };
        let as_of = s(v, "/as_of");
        if let Some((first, first_as_of)) = seen.get(&who) {
            let same = if *first_as_of == as_of {
                format!("both as of {as_of}")
            } else {
                format!("as of {first_as_of} and {as_of}")
            };
            problems.push(
                Diagnostic::error(
                    Code::Aggregate,
                    format!(
                        "{file} and {first} are both results of {} ({}), {same}: a roll-up counts each organisation once",
                        s(v, "/organisation/name"),
                        s(v, "/organisation/ods_code")
                    ),
                )
                .in_path(file.clone())
                .help("pass one result per organisation (the latest); `assure report --history` shows one organisation over time"),
            );
        } else {
            seen.insert(who, (file, as_of));
        }
    }
    problems
}

/// Combines assessments; organisations are ordered by ODS code then name, so input order does not matter.
pub fn aggregate(inputs: &[(String, Value)]) -> Aggregate {
    let mut orgs: Vec<OrgResult> = Vec::new();
    let mut checks: BTreeMap<String, CheckRow> = BTreeMap::new();
    let mut standards: BTreeMap<String, (Option<u64>, String)> = BTreeMap::new();
    let mut packs = std::collections::BTreeSet::new();
    for (file, v) in inputs {
        packs.insert(format!("{} {}", s(v, "/pack/name"), s(v, "/pack/version")));
        for st in v["standards"].as_array().into_iter().flatten() {
            standards
                .entry(s(st, "/id"))
                .or_insert_with(|| (st["number"].as_u64(), s(st, "/title")));
        }
        let mut org = OrgResult {
            name: s(v, "/organisation/name"),
            ods_code: s(v, "/organisation/ods_code"),
            as_of: s(v, "/as_of"),
            pack: format!("{} {}", s(v, "/pack/name"), s(v, "/pack/version")),
            status: s(v, "/status/status"),
            checks: n(v, "/summary/checks"),
            pass: n(v, "/summary/pass"),
            fail: n(v, "/summary/fail"),
            error: n(v, "/summary/error"),
            findings: n(v, "/summary/findings"),
            file: file.clone(),
            states: BTreeMap::new(),
            failing_by_standard: BTreeMap::new(),
        };
        if org.status.is_empty() {
            org.status = "Not stated".into();
        }
        for r in v["results"].as_array().into_iter().flatten() {
            let id = s(r, "/id");
            let state = s(r, "/state");
            let standard = s(r, "/standard");
            let row = checks.entry(id.clone()).or_insert_with(|| CheckRow {
                id: id.clone(),
                title: s(r, "/title"),
                standard: standard.clone(),
                severity: s(r, "/severity"),
                ..CheckRow::default()
            });
            // A title states the threshold each organisation set, so titles can differ: the roll-up shows the
            // same one whatever the order of its inputs.
            let title = s(r, "/title");
            if title < row.title {
                row.title = title;
            }
            match state.as_str() {
                "pass" => row.pass += 1,
                "fail" => row.fail += 1,
                "error" => row.error += 1,
                "waived" => row.waived += 1,
                _ => row.not_applicable += 1,
            }
            if state == "fail" || state == "error" {
                row.failing_organisations.push(org.ods_code.clone());
                *org.failing_by_standard.entry(standard).or_default() += 1;
            }
            org.states.insert(id, state);
        }
        orgs.push(org);
    }
    orgs.sort_by(|a, b| (&a.ods_code, &a.name, &a.file).cmp(&(&b.ods_code, &b.name, &b.file)));
    for row in checks.values_mut() {
        row.failing_organisations.sort();
    }
    let mut standard_rows: Vec<StandardRow> = standards
        .into_iter()
        .map(|(id, (number, title))| {
            let failing: Vec<usize> = orgs
                .iter()
                .map(|o| o.failing_by_standard.get(&id).copied().unwrap_or(0))
                .collect();
            StandardRow {
                organisations_clear: failing.iter().filter(|f| **f == 0).count(),
                id,
                number,
                title,
                failing,
            }
        })
        .collect();
    standard_rows.sort_by(|a, b| (a.number, &a.id).cmp(&(b.number, &b.id)));
    let severity_rank = |s: &str| match s {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    };
    let mut check_rows: Vec<CheckRow> = checks.into_values().collect();
    check_rows.sort_by(|a, b| {
        let order = |r: &CheckRow| {
            (
                standard_rows
                    .iter()
                    .position(|s| s.id == r.standard)
                    .unwrap_or(usize::MAX),
                r.id.clone(),
            )
        };
        order(a).cmp(&order(b))
    });
    let mut common: Vec<CheckRow> = check_rows.iter().filter(|r| r.fail + r.error > 0).cloned().collect();
    common.sort_by(|a, b| {
        (b.fail + b.error)
            .cmp(&(a.fail + a.error))
            .then_with(|| severity_rank(&a.severity).cmp(&severity_rank(&b.severity)))
            .then_with(|| a.id.cmp(&b.id))
    });
    common.truncate(10);
    let mut statuses = BTreeMap::new();
    for o in &orgs {
        *statuses.entry(o.status.clone()).or_default() += 1;
    }
    Aggregate {
        organisations: orgs,
        statuses,
        standards: standard_rows,
        checks: check_rows,
        most_common_failures: common,
        packs: packs.into_iter().collect(),
    }
}
