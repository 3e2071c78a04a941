//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers (see `docs/ci.md`).
//!
//! One run. `tool.driver.rules` holds every assessed check (in assessment order, so `ruleIndex` is stable),
//! with its severity as the default level (critical/high → `error`, medium → `warning`, low/info → `note`) and
//! its framework mappings as tags (`caf:B4.d`). `results` holds one result per finding of a failing check,
//! located at the evidence file and line, with a `partialFingerprints` hash of check id and record key so that
//! code scanning tracks an alert across runs even when lines move. A failing check without findings (a
//! set-level expectation) gives one result without a location. A record whose deadline has not passed is an
//! `open` result of level `none` with its due time (pending, not yet failing). Checks that could not be assessed, and
//! evidence problems, are `invocations[0].toolExecutionNotifications`.
//!
//! Evidence text reaches only JSON strings (escaped by serde). In message text, `[` and `]` are escaped with a
//! backslash, so a value such as `[click](https://…)` cannot become a SARIF embedded link, and control
//! characters other than newline and tab become spaces. The output is
//! pretty-printed JSON with sorted object keys: the same assessment always gives the same bytes.

use crate::assess::{Assessment, CheckResult, Finding, Pending, State};
use crate::core::vocab::Severity;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// The schema the output claims, as published by OASIS.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `uriBaseId` of every artifact location: the root of the checkout holding the config repo.
pub const SRCROOT: &str = "%SRCROOT%";

/// Name of the fingerprint in `partialFingerprints`; bump the version if the hashed input changes.
pub const FINGERPRINT: &str = "assureFinding/v1";

/// Renders `assessment` as a SARIF 2.1.0 log.
///
/// `base` is the config repo's path relative to the root that SARIF consumers resolve paths against (for
/// GitHub, the repository checkout): `""` or `"."` when the config repo is that root, `"compliance"` when it
/// is a sub-directory. It is prefixed to every evidence path.
pub fn render(assessment: &Assessment, base: &str) -> String {
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run(assessment, base)],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The most results GitHub code scanning accepts in one run: it rejects an upload with more.
pub const MAX_RESULTS: usize = 25_000;

fn run(a: &Assessment, base: &str) -> Value {
    let (results, left_out) = within_limit(results(a, base), MAX_RESULTS);
    json!({
        "tool": { "driver": driver(a) },
        "originalUriBaseIds": {
            SRCROOT: { "description": { "text": "The root of the checkout holding the config repo." } }
        },
        "artifacts": artifacts(a, base),
        "results": results,
        "invocations": [invocation(a, &left_out)],
        "columnKind": "unicodeCodePoints",
        "properties": run_properties(a),
    })
}

fn driver(a: &Assessment) -> Value {
    json!({
        "name": a.tool.name,
        "version": a.tool.version,
        "semanticVersion": a.tool.version,
        "rules": a.results.iter().map(rule).collect::<Vec<_>>(),
    })
}

fn run_properties(a: &Assessment) -> Value {
    json!({
        "organisation": a.organisation.name,
        "ods_code": a.organisation.ods_code,
        "as_of": a.as_of,
        "pack": {
            "name": a.pack.name,
            "title": a.pack.title,
            "version": a.pack.version,
            "sha256": a.pack.sha256,
        },
    })
}

/// The SARIF level of a check's severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score (0.0–10.0), which it shows as critical/high/medium/low.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn rule(r: &CheckResult) -> Value {
    let description = r.remediation.as_deref().unwrap_or(&r.title);
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(r.severity.as_str()));
    properties.insert("standard".into(), json!(r.standard));
    properties.insert("tags".into(), json!(tags(r)));
    if let Some(score) = security_severity(r.severity) {
        properties.insert("security-severity".into(), json!(score));
    }
    let mut rule = json!({
        "id": r.id,
        "name": rule_name(r),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": description },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": properties,
    });
    if let (Some(remediation), Some(obj)) = (&r.remediation, rule.as_object_mut()) {
        obj.insert("help".into(), help(r, remediation));
    }
    rule
}

fn help(r: &CheckResult, remediation: &str) -> Value {
    let mut markdown = format!("**{}** ({}, {})\n\n{}", r.title, r.id, r.severity.as_str(), remediation);
    let maps = map_tags(r);
    if !maps.is_empty() {
        let list: Vec<String> = maps.iter().map(|t| format!("`{t}`")).collect();
        markdown.push_str(&format!("\n\nMaps to: {}", list.join(", ")));
    }
    json!({ "text": remediation, "markdown": markdown })
}

/// `security`, the standard id and every mapping as `framework:requirement`, without duplicates.
fn tags(r: &CheckResult) -> Vec<String> {
    let mut tags = vec!["security".to_string(), r.standard.clone()];
    for t in map_tags(r) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    tags
}

fn map_tags(r: &CheckResult) -> BTreeSet<String> {
    r.maps
        .iter()
        .flat_map(|(framework, ids)| ids.iter().map(move |id| format!("{framework}:{id}")))
        .collect()
}

/// A PascalCase name from the title (`Corporate laptops are encrypted` → `CorporateLaptopsAreEncrypted`).
fn rule_name(r: &CheckResult) -> String {
    let name: String = r
        .title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(capitalise)
        .collect();
    if name.is_empty() { r.id.replace('-', "") } else { name }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Results left out to keep a run within the limit.
#[derive(Debug, Default, PartialEq, Eq)]
struct LeftOut {
    pending: usize,
    findings: usize,
}

/// `results` cut to `limit` when over it: pending (`open`) results go first, as they are not failures yet, then
/// the findings of the least severe checks, the last in the run first; what is kept stays in its order.
fn within_limit(results: Vec<Value>, limit: usize) -> (Vec<Value>, LeftOut) {
    if results.len() <= limit {
        return (results, LeftOut::default());
    }
    let open = |r: &Value| r["kind"] == "open";
    let severity = |r: &Value| match r["level"].as_str() {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by_key(|&i| (open(&results[i]), severity(&results[i]), i));
    let mut kept = vec![false; results.len()];
    order.iter().take(limit).for_each(|&i| kept[i] = true);
    let mut left_out = LeftOut::default();
    let results = results
        .into_iter()
        .zip(kept)
        .filter_map(|(r, keep)| {
            if !keep {
                match open(&r) {
                    true => left_out.pending += 1,
                    false => left_out.findings += 1,
                }
            }
            keep.then_some(r)
        })
        .collect();
    (results, left_out)
}

fn results(a: &Assessment, base: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (index, r) in a.results.iter().enumerate() {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &r.pending {
            let occurrence = seen.entry(p.key.as_str()).or_default();
            out.push(pending_result(r, index, p, *occurrence, base));
            *occurrence += 1;
        }
        if !matches!(r.state, State::Fail | State::Waived) {
            continue;
        }
        if r.findings.is_empty() {
            let mut result = set_result(r, index);
            if let (Some(by), Some(obj)) = (&r.waived_by, result.as_object_mut()) {
                obj.insert("suppressions".into(), suppression(a, by));
            }
            out.push(result);
            continue;
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &r.findings {
            let occurrence = seen.entry(f.key.as_str()).or_default();
            let mut result = finding_result(r, index, f, *occurrence, base);
            if let (Some(by), Some(obj)) = (&f.waived_by, result.as_object_mut()) {
                obj.insert("suppressions".into(), suppression(a, by));
            }
            out.push(result);
            *occurrence += 1;
        }
    }
    out
}

fn finding_result(r: &CheckResult, index: usize, f: &Finding, occurrence: usize, base: &str) -> Value {
    let mut properties = Map::new();
    properties.insert("key".into(), json!(f.key));
    if let Some(field) = &f.field {
        properties.insert("field".into(), json!(field));
    }
    if let Some(observed) = &f.observed {
        properties.insert("observed".into(), observed.clone());
    }
    let mut result = json!({
        "ruleId": r.id,
        "ruleIndex": index,
        "level": level(r.severity),
        "message": { "text": message_text(&f.message) },
        "partialFingerprints": { FINGERPRINT: fingerprint(&r.id, Some(&f.key), occurrence) },
        "properties": properties,
    });
    if !f.file.is_empty()
        && let Some(obj) = result.as_object_mut()
    {
        obj.insert("locations".into(), json!([location(&f.file, f.line, base)]));
    }
    result
}

/// A record whose deadline has not passed: an `open` result (not yet a pass or a fail) with its due time. It
/// shares the fingerprint its finding will have, so a viewer tracks it as one alert if it becomes overdue.
fn pending_result(r: &CheckResult, index: usize, p: &Pending, occurrence: usize, base: &str) -> Value {
    let mut result = json!({
        "ruleId": r.id,
        "ruleIndex": index,
        "kind": "open",
        "level": "none",
        "message": { "text": message_text(&format!("pending, due {}: {}", p.due, p.message)) },
        "partialFingerprints": { FINGERPRINT: fingerprint(&r.id, Some(&p.key), occurrence) },
        "properties": { "key": p.key, "due": p.due },
    });
    if !p.file.is_empty()
        && let Some(obj) = result.as_object_mut()
    {
        obj.insert("locations".into(), json!([location(&p.file, p.line, base)]));
    }
    result
}

/// A waiver as a SARIF external suppression, with its reason, approver and expiry as the justification.
fn suppression(a: &Assessment, location: &str) -> Value {
    let justification = a.waivers.iter().find(|w| w.location == location).map_or_else(
        || format!("waived by {location}"),
        |w| {
            format!(
                "{} (approved by {}, expires {}, {location})",
                w.reason, w.approver, w.expires
            )
        },
    );
    json!([{ "kind": "external", "status": "accepted", "justification": justification }])
}

/// A failing check without findings: its summary, with no location.
fn set_result(r: &CheckResult, index: usize) -> Value {
    json!({
        "ruleId": r.id,
        "ruleIndex": index,
        "level": level(r.severity),
        "message": { "text": message_text(&r.summary) },
        "partialFingerprints": { FINGERPRINT: fingerprint(&r.id, None, 0) },
    })
}

fn location(file: &str, line: u32, base: &str) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": file_uri(&repo_path(base, file)), "uriBaseId": SRCROOT },
    });
    if line > 0
        && let Some(obj) = physical.as_object_mut()
    {
        obj.insert("region".into(), json!({ "startLine": line }));
    }
    json!({ "physicalLocation": physical })
}

/// SHA-256 (hex) of the check id, the record key and, for a key repeated within a check, its occurrence.
pub fn fingerprint(check: &str, key: Option<&str>, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(check.as_bytes());
    if let Some(key) = key {
        hasher.update([0u8]);
        hasher.update(key.as_bytes());
    }
    if occurrence > 0 {
        hasher.update([0u8]);
        hasher.update(occurrence.to_string().as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Escapes `[` and `]` so that evidence text is never read as a SARIF embedded link, and replaces control
/// characters other than newline and tab with spaces (terminal escapes have no place in a message).
fn message_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn artifacts(a: &Assessment, base: &str) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    a.evidence
        .iter()
        .filter(|e| seen.insert((e.path.as_str(), e.dataset.as_str())))
        .map(|e| {
            json!({
                "location": { "uri": file_uri(&repo_path(base, &e.path)), "uriBaseId": SRCROOT },
                "length": e.bytes,
                "hashes": { "sha-256": e.sha256 },
                "roles": ["analysisTarget"],
                "properties": { "dataset": e.dataset, "records": e.records },
            })
        })
        .collect()
}

fn invocation(a: &Assessment, left_out: &LeftOut) -> Value {
    let mut notifications: Vec<Value> = a
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.state == State::Error)
        .map(|(index, r)| error_notification(r, index))
        .collect();
    notifications.extend(a.diagnostics.iter().map(|d| {
        let mut text = match &d.location {
            Some(location) => format!("{}: {}: {}", d.code, location, d.message),
            None => format!("{}: {}", d.code, d.message),
        };
        if let Some(help) = &d.help {
            text.push_str(&format!(" (help: {help})"));
        }
        let level = serde_json::to_value(d.level).unwrap_or_else(|_| json!("error"));
        json!({ "level": level, "message": { "text": message_text(&text) } })
    }));
    if left_out.pending + left_out.findings > 0 {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!(
                "{} result(s) left out ({} pending, {} finding(s) of the least severe failing checks): a SARIF run \
                 holds at most {MAX_RESULTS}, as GitHub code scanning accepts no more; the JSON output lists them all",
                left_out.pending + left_out.findings, left_out.pending, left_out.findings
            ) },
        }));
    }
    json!({ "executionSuccessful": true, "toolExecutionNotifications": notifications })
}

fn error_notification(r: &CheckResult, index: usize) -> Value {
    let text = r.error.as_deref().unwrap_or(&r.summary);
    json!({
        "level": "error",
        "message": { "text": message_text(&format!("{} could not be assessed: {}", r.id, text)) },
        "associatedRule": { "id": r.id, "index": index },
    })
}

/// Joins `base` (a relative directory, `""` or `"."` for none) and a repo-relative path with `/`.
pub fn repo_path(base: &str, path: &str) -> String {
    let base = base.replace('\\', "/");
    let parts: Vec<&str> = base
        .split('/')
        .chain(path.split('/'))
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    parts.join("/")
}

/// Percent-encodes a relative path as a URI reference: unreserved characters and `/` stay, the rest (spaces,
/// `%`, `:`, `#`, `?`, non-ASCII ...) are encoded as UTF-8 bytes.
pub fn file_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{LeftOut, within_limit};
    use serde_json::{Value, json};

    fn result(id: &str, level: &str, open: bool) -> Value {
        match open {
            true => json!({ "ruleId": id, "level": level, "kind": "open" }),
            false => json!({ "ruleId": id, "level": level }),
        }
    }

    fn ids(results: &[Value]) -> Vec<&str> {
        results.iter().filter_map(|r| r["ruleId"].as_str()).collect()
    }

    #[test]
    fn a_run_over_the_limit_drops_pending_results_then_the_least_severe_findings() {
        let results = vec![
            result("p1", "none", true),
            result("low1", "note", false),
            result("crit1", "error", false),
            result("p2", "none", true),
            result("med1", "warning", false),
            result("low2", "note", false),
        ];
        // At the limit nothing is left out.
        let (kept, left) = within_limit(results.clone(), 6);
        assert_eq!((kept.len(), left), (6, LeftOut::default()));
        // One over: the last pending result goes first, and the order of what is kept stays.
        let (kept, left) = within_limit(results.clone(), 5);
        assert_eq!(ids(&kept), ["p1", "low1", "crit1", "med1", "low2"]);
        assert_eq!(
            left,
            LeftOut {
                pending: 1,
                findings: 0
            }
        );
        // Then every pending one, then the least severe findings, the last of them first.
        let (kept, left) = within_limit(results, 3);
        assert_eq!(ids(&kept), ["low1", "crit1", "med1"]);
        assert_eq!(
            left,
            LeftOut {
                pending: 2,
                findings: 1
            }
        );
    }
}
