//! Baselines: compare a run with a previous JSON assessment, so a trust can adopt assure on a large estate and
//! fail CI only on what got worse.
//!
//! A finding is identified by its check id and record key. Against the baseline each current finding is
//! `new` or `unchanged`, and each previous finding no longer present is listed as `fixed` on its check.
//! A failing check without findings (a set-level expectation) is new when the check did not fail before.

use crate::assess::{Change, CheckResult, State};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the previous run found: check id -> (state, finding keys).
#[derive(Debug, Default)]
pub struct Baseline {
    pub path: String,
    checks: BTreeMap<String, (String, BTreeSet<String>)>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct BaselineSummary {
    pub file: String,
    pub new: usize,
    pub unchanged: usize,
    pub fixed: usize,
}

/// Reads a previous `assure check --format json` output of `organisation`: a file inside the repo `jail` is
/// read as a repo file (it may not lead out of the repo); one elsewhere is the user's explicit choice. Either
/// must be a regular file within `limit` bytes. A baseline of another organisation is refused: every finding
/// would read as new.
pub fn load(
    path: &Path,
    jail: Option<&crate::core::repo_file::Jail>,
    limit: u64,
    organisation: &crate::evidence::Organisation,
) -> Result<Baseline, Diagnostic> {
    let shown = path.display().to_string();
    let err = |m: String| {
        Diagnostic::error(Code::Baseline, m)
            .in_path(shown.clone())
            .help("pass a file written by `assure check --format json`")
    };
    let bytes = crate::core::repo_file::read_cli_path(jail, path, limit).map_err(|r| {
        Diagnostic::error(Code::Baseline, r.message(&shown))
            .in_path(shown.clone())
            .help(r.help())
    })?;
    let text = String::from_utf8(bytes).map_err(|_| err("the baseline is not UTF-8 text".into()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| err(format!("the baseline is not JSON: {e}")))?;
    let major = doc
        .get("schema_version")
        .and_then(Value::as_str)
        .and_then(|v| v.split('.').next());
    if major != crate::assess::SCHEMA_VERSION.split('.').next() {
        return Err(err(format!(
            "the baseline has schema_version {}, this assure writes {}",
            doc.get("schema_version").map_or("none".to_string(), |v| v.to_string()),
            crate::assess::SCHEMA_VERSION
        )));
    }
    let field = |name: &str| {
        doc.pointer(&format!("/organisation/{name}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let (name, ods) = (field("name"), field("ods_code"));
    let same = if ods.is_empty() && organisation.ods_code.is_empty() {
        name == organisation.name
    } else {
        ods == organisation.ods_code
    };
    if !same {
        return Err(Diagnostic::error(
            Code::Baseline,
            format!(
                "the baseline is an assessment of {name} ({ods}), not of {} ({}): every finding would read as new",
                organisation.name, organisation.ods_code
            ),
        )
        .in_path(shown.clone())
        .help("pass a previous `assure check --format json` output of this organisation"));
    }
    let results = doc
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| err("the baseline has no `results`".into()))?;
    let mut checks = BTreeMap::new();
    for r in results {
        let (Some(id), Some(state)) = (
            r.get("id").and_then(Value::as_str),
            r.get("state").and_then(Value::as_str),
        ) else {
            return Err(err("a result in the baseline has no `id` or `state`".into()));
        };
        let keys = r
            .get("findings")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| f.get("key").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        checks.insert(id.to_string(), (state.to_string(), keys));
    }
    Ok(Baseline { path: shown, checks })
}

/// Marks findings new or unchanged and lists fixed keys on each check.
pub fn apply(results: &mut [CheckResult], baseline: &Baseline) -> BaselineSummary {
    let mut summary = BaselineSummary {
        file: baseline.path.clone(),
        ..BaselineSummary::default()
    };
    for r in results.iter_mut() {
        let previous = baseline.checks.get(&r.id);
        let before: BTreeSet<String> = previous.map(|(_, k)| k.clone()).unwrap_or_default();
        let was_failing = previous.is_some_and(|(s, _)| s == "fail" || s == "waived");
        let mut now = BTreeSet::new();
        for f in &mut r.findings {
            let change = if before.contains(&f.key) {
                Change::Unchanged
            } else {
                Change::New
            };
            match change {
                Change::New => summary.new += 1,
                Change::Unchanged => summary.unchanged += 1,
            }
            f.baseline = Some(change);
            now.insert(f.key.clone());
        }
        if matches!(r.state, State::Fail | State::Waived) && r.findings.is_empty() {
            r.baseline = Some(if was_failing { Change::Unchanged } else { Change::New });
        }
        r.fixed = before.difference(&now).cloned().collect();
        summary.fixed += r.fixed.len();
    }
    summary
}

/// Whether a failing, unwaived check has anything new (for `--fail-on-new`).
pub fn has_new(r: &CheckResult) -> bool {
    r.state == State::Fail
        && (r.baseline == Some(Change::New)
            || r.findings
                .iter()
                .any(|f| f.waived_by.is_none() && f.baseline == Some(Change::New)))
}
