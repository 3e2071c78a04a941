//! Direction of travel: earlier `assure check --format json` results of the same organisation (one a month,
//! say) read from a directory, put in as-of order with this run, and compared: how many checks passed at each
//! date, overall and per standard, and which findings were fixed, are new or are still open since the previous
//! result.
//!
//! Findings are matched as baselines match them ([`crate::assess::baseline`]): by check id and record key; a failing
//! check without findings (a set-level expectation) counts as one finding of the check as a whole.
//!
//! Results that cannot belong to the trend are errors: another organisation (ODS code, or name when neither
//! has one), another standards pack (by name; a newer version of the same pack is fine), or two files of the
//! same as-of date holding different assessments. The same assessment twice, a file of this run's date (this
//! run stands for it) and a file dated after this run are left out with a warning.

use crate::assess::Assessment;
use crate::assess::aggregate::{n, s};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::repo_file::{Jail, read_given};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Record keys listed per check and kind of change; the rest are counted.
pub const KEYS_LISTED: usize = 5;
/// The key standing for a failing check that has no findings (a set-level expectation).
const WHOLE_CHECK: &str = "";

/// One result in the trend.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub as_of: String,
    /// The file it came from, as given; `None` for this run.
    pub file: Option<String>,
    pub status: String,
    pub pack_version: String,
    pub checks: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub waived: usize,
    pub findings: usize,
    /// Passed or waived, of the checks that were assessed (passed, waived, failed or in error).
    pub passing: usize,
    pub assessed: usize,
    /// Standard id -> (passing, assessed).
    #[serde(skip)]
    pub standards: BTreeMap<String, (usize, usize)>,
    /// Check id -> finding keys (with [`WHOLE_CHECK`] for a set-level failure).
    #[serde(skip)]
    fingerprints: BTreeMap<String, BTreeSet<String>>,
    /// Check id -> (title, severity), to name checks that have left the pack since.
    #[serde(skip)]
    titles: BTreeMap<String, (String, String)>,
}

impl Point {
    /// Percent of assessed checks passing, unrounded; 0 when nothing was assessed.
    pub fn percent(&self) -> f64 {
        percent(self.passing, self.assessed)
    }
}

pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// What changed in one check between the previous result and this run.
#[derive(Debug, Clone, Serialize)]
pub struct CheckChange {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub fixed: usize,
    pub new: usize,
    pub still_open: usize,
    /// The first [`KEYS_LISTED`] keys of each kind, in key order; an empty key is the check as a whole.
    pub fixed_keys: Vec<String>,
    pub new_keys: Vec<String>,
}

/// Fixed, new and still-open findings since the previous result.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub previous_as_of: String,
    pub fixed: usize,
    pub new: usize,
    pub still_open: usize,
    /// Checks with anything fixed, new or still open: most new first, then most severe, then by id.
    pub checks: Vec<CheckChange>,
}

/// Every point, oldest first (this run is the last), and the changes since the one before it.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub points: Vec<Point>,
    /// `None` when no earlier result was given (an empty directory).
    pub changes: Option<Changes>,
}

/// The first line of `text` holding `needle`, for pointing at a field in a JSON file.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The identity of an assessment: pack hash, as-of date and every evidence file's path and hash (as the run
/// id hashes them), so the same assessment read twice is recognised.
fn identity(v: &Value) -> String {
    let mut id = format!("{}\0{}", s(v, "/pack/sha256"), s(v, "/as_of"));
    for f in v["evidence"].as_array().into_iter().flatten() {
        id.push('\0');
        id.push_str(&s(f, "/path"));
        id.push('\0');
        id.push_str(&s(f, "/sha256"));
    }
    id
}

/// A point from an assessment document, as this run's would be (for tests of the views).
#[cfg(test)]
pub(crate) fn point_of(v: &Value) -> Point {
    point(v, None)
}

/// A point from an assessment document (an earlier file, or this run serialised).
fn point(v: &Value, file: Option<String>) -> Point {
    let mut standards: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut fingerprints: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut titles = BTreeMap::new();
    let (mut passing, mut assessed) = (0, 0);
    for r in v["results"].as_array().into_iter().flatten() {
        let state = s(r, "/state");
        titles.insert(s(r, "/id"), (s(r, "/title"), s(r, "/severity")));
        let counts = standards.entry(s(r, "/standard")).or_default();
        if matches!(state.as_str(), "pass" | "waived" | "fail" | "error") {
            counts.1 += 1;
            assessed += 1;
            if matches!(state.as_str(), "pass" | "waived") {
                counts.0 += 1;
                passing += 1;
            }
        }
        let mut keys: BTreeSet<String> = r["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| s(f, "/key"))
            .collect();
        if keys.is_empty() && matches!(state.as_str(), "fail" | "waived") {
            keys.insert(WHOLE_CHECK.to_string());
        }
        if !keys.is_empty() {
            fingerprints.insert(s(r, "/id"), keys);
        }
    }
    let status = s(v, "/status/status");
    Point {
        as_of: s(v, "/as_of"),
        file,
        status: if status.is_empty() { "Not stated".into() } else { status },
        pack_version: s(v, "/pack/version"),
        checks: n(v, "/summary/checks"),
        pass: n(v, "/summary/pass"),
        fail: n(v, "/summary/fail"),
        error: n(v, "/summary/error"),
        waived: n(v, "/summary/waived"),
        findings: n(v, "/summary/findings"),
        passing,
        assessed,
        standards,
        fingerprints,
        titles,
    }
}

/// Fixed, new and still-open findings from `before` to `now`.
fn changes(before: &Point, now: &Point) -> Changes {
    let empty = BTreeSet::new();
    let ids: BTreeSet<&String> = before.fingerprints.keys().chain(now.fingerprints.keys()).collect();
    let mut checks = Vec::new();
    for id in ids {
        let was = before.fingerprints.get(id).unwrap_or(&empty);
        let is = now.fingerprints.get(id).unwrap_or(&empty);
        let fixed: Vec<&String> = was.difference(is).collect();
        let new: Vec<&String> = is.difference(was).collect();
        let (title, severity) = now
            .titles
            .get(id)
            .or_else(|| before.titles.get(id))
            .cloned()
            .unwrap_or_default();
        checks.push(CheckChange {
            id: id.clone(),
            title,
            severity,
            fixed: fixed.len(),
            new: new.len(),
            still_open: was.intersection(is).count(),
            fixed_keys: fixed.into_iter().take(KEYS_LISTED).cloned().collect(),
            new_keys: new.into_iter().take(KEYS_LISTED).cloned().collect(),
        });
    }
    let rank = |s: &str| match s {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    };
    checks.sort_by(|a, b| {
        b.new
            .cmp(&a.new)
            .then_with(|| rank(&a.severity).cmp(&rank(&b.severity)))
            .then_with(|| a.id.cmp(&b.id))
    });
    Changes {
        previous_as_of: before.as_of.clone(),
        fixed: checks.iter().map(|c| c.fixed).sum(),
        new: checks.iter().map(|c| c.new).sum(),
        still_open: checks.iter().map(|c| c.still_open).sum(),
        checks,
    }
}

/// An earlier result as read, before it is judged against this run.
struct Earlier {
    file: String,
    text_line: Option<usize>,
    doc: Value,
}

/// Builds the trend of `current` from earlier results (`(file, text)` pairs, e.g. from [`read_dir`]).
/// Returns the history and its warnings, or every error found (all files are judged before giving up).
pub fn build(
    current: &Assessment,
    earlier: &[(String, String)],
) -> Result<(History, Vec<Diagnostic>), Vec<Diagnostic>> {
    let now_doc = serde_json::to_value(current).unwrap_or(Value::Null);
    let (org_name, org_ods) = (&current.organisation.name, &current.organisation.ods_code);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut kept: Vec<Earlier> = Vec::new();
    for (file, text) in earlier {
        let err = |message: String, line: Option<usize>| {
            Diagnostic::error(Code::History, message).in_path(match line {
                Some(l) => format!("{file}:{l}"),
                None => file.clone(),
            })
        };
        let mut doc: Value = match serde_json::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(
                    err(format!("{file} is not JSON: {e}"), Some(e.line()))
                        .help("the history directory holds files written by `assure check --format json`"),
                );
                continue;
            }
        };
        // A report of some checks (`--check`, `--severity`...) compares those checks only: the others were not
        // run, so their earlier findings are neither fixed nor open.
        if current.selection.is_some()
            && let Some(results) = doc.get_mut("results").and_then(Value::as_array_mut)
        {
            results.retain(|r| current.results.iter().any(|c| r["id"].as_str() == Some(c.id.as_str())));
        }
        let version = s(&doc, "/schema_version");
        if version.split('.').next() != crate::assess::SCHEMA_VERSION.split('.').next() {
            errors.push(
                err(
                    format!(
                        "{file} is not an assure assessment of schema version {} (found `{version}`)",
                        crate::assess::SCHEMA_VERSION
                    ),
                    line_of(text, "\"schema_version\""),
                )
                .help("the history directory holds files written by `assure check --format json`"),
            );
            continue;
        }
        let (name, ods) = (s(&doc, "/organisation/name"), s(&doc, "/organisation/ods_code"));
        let same_org = if org_ods.is_empty() && ods.is_empty() {
            &name == org_name
        } else {
            &ods == org_ods
        };
        if !same_org {
            errors.push(
                err(
                    format!(
                        "{file} is an assessment of {name} ({ods}), not of {org_name} ({org_ods}): a trend compares one organisation's results"
                    ),
                    line_of(text, "\"ods_code\"").or_else(|| line_of(text, "\"organisation\"")),
                )
                .help("remove it from the history directory, or use `assure aggregate` to compare organisations"),
            );
            continue;
        }
        let pack = s(&doc, "/pack/name");
        if pack != current.pack.name {
            errors.push(
                err(
                    format!(
                        "{file} was assessed against the standards pack `{pack}`, this report against `{}`: their results do not compare",
                        current.pack.name
                    ),
                    line_of(text, "\"pack\""),
                )
                .help("keep only results of the same pack in the history directory (a newer version of it is fine)"),
            );
            continue;
        }
        let as_of = s(&doc, "/as_of");
        if as_of.parse::<jiff::civil::Date>().is_err() {
            errors.push(
                err(
                    format!("{file} has no `as_of` date of the form YYYY-MM-DD (found `{as_of}`)"),
                    line_of(text, "\"as_of\""),
                )
                .help("the history directory holds files written by `assure check --format json`"),
            );
            continue;
        }
        kept.push(Earlier {
            file: file.clone(),
            text_line: line_of(text, "\"as_of\""),
            doc,
        });
    }
    // Same date: the same assessment is read once; different ones cannot both be that date's result.
    let mut by_date: BTreeMap<String, Vec<Earlier>> = BTreeMap::new();
    for e in kept {
        by_date.entry(s(&e.doc, "/as_of")).or_default().push(e);
    }
    let mut points = Vec::new();
    for (as_of, mut same) in by_date {
        same.sort_by(|a, b| a.file.cmp(&b.file));
        let at = |e: &Earlier| match e.text_line {
            Some(l) => format!("{}:{l}", e.file),
            None => e.file.clone(),
        };
        if as_of == current.as_of {
            for e in &same {
                warnings.push(
                    Diagnostic::warning(
                        Code::History,
                        format!(
                            "{} is a result as of {as_of}, the date of this report: this run stands for it",
                            e.file
                        ),
                    )
                    .in_path(at(e))
                    .help("nothing to do if it is this run's own output; otherwise check the as-of dates"),
                );
            }
            continue;
        }
        if as_of > current.as_of {
            for e in &same {
                warnings.push(
                    Diagnostic::warning(
                        Code::History,
                        format!(
                            "{} is a result as of {as_of}, after this report's date ({}): left out of the trend",
                            e.file, current.as_of
                        ),
                    )
                    .in_path(at(e))
                    .help("report as of a later date (`--as-of`), or move the file out of the history directory"),
                );
            }
            continue;
        }
        let first = &same[0];
        let first_id = identity(&first.doc);
        let mut clash = false;
        for other in &same[1..] {
            if identity(&other.doc) == first_id {
                warnings.push(
                    Diagnostic::warning(
                        Code::History,
                        format!("{} is the same assessment as {}: read once", other.file, first.file),
                    )
                    .in_path(at(other))
                    .help("delete one of the copies"),
                );
            } else {
                clash = true;
                errors.push(
                    Diagnostic::error(
                        Code::History,
                        format!(
                            "{} and {} are both results as of {as_of}, of different evidence or packs: a date has one result",
                            first.file, other.file
                        ),
                    )
                    .in_path(at(other))
                    .help("keep the one that was reported for that date and remove the other"),
                );
            }
        }
        if !clash {
            points.push(point(&first.doc, Some(first.file.clone())));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    points.push(point(&now_doc, None));
    let changes = match points.len() {
        0 | 1 => None,
        len => Some(changes(&points[len - 2], &points[len - 1])),
    };
    Ok((History { points, changes }, warnings))
}

/// Reads the `*.json` files of `dir`, in name order. A directory inside the config repo (judged before its own
/// symlink is followed) is the repo's: it may not lead outside it, and each file is read through the jail. One
/// elsewhere is the user's explicit choice. Each file must be a regular file within `limit` bytes.
pub fn read_dir(dir: &Path, repo: &Path, limit: u64) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let shown = dir.display().to_string();
    let fail = |message: String, help: &str| {
        vec![
            Diagnostic::error(Code::History, message)
                .in_path(shown.clone())
                .help(help),
        ]
    };
    let jail = Jail::new(repo).ok();
    let inside = jail.as_ref().and_then(|j| j.relative(dir).map(|rel| (j, rel)));
    if let Some((j, _)) = &inside
        && dir.canonicalize().is_ok_and(|real| !real.starts_with(j.root()))
    {
        return Err(fail(
            format!("{shown} is inside the config repo but leads outside it, so it was not read"),
            "keep the history directory in the repo, or pass the path of the directory itself",
        ));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        fail(
            format!("cannot read the history directory {shown}: {e}"),
            "pass a directory holding earlier `assure check --format json` results",
        )
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| name.ends_with(".json") && !name.starts_with('.'))
        .collect();
    names.sort();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let file = path.display().to_string();
        let bytes = match &inside {
            Some((j, rel)) if !rel.is_empty() => j.read(&format!("{rel}/{name}"), limit),
            Some((j, _)) => j.read(&name, limit),
            None => read_given(&path, limit),
        };
        match bytes {
            Ok(b) => match String::from_utf8(b) {
                Ok(text) => files.push((file, text)),
                Err(_) => problems.push(
                    Diagnostic::error(Code::History, format!("{file} is not UTF-8 text"))
                        .in_path(file.clone())
                        .help("the history directory holds files written by `assure check --format json`"),
                ),
            },
            Err(r) => problems.push(r.diagnostic(Code::History, &file)),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(problems) }
}

/// The trend of `current` from the earlier results in `dir` (see [`read_dir`] and [`build`]).
pub fn load(current: &Assessment, dir: &Path, repo: &Path) -> Result<(History, Vec<Diagnostic>), Vec<Diagnostic>> {
    let files = read_dir(dir, repo, crate::core::repo_file::EVIDENCE_LIMIT)?;
    build(current, &files)
}
