//! NIST OSCAL 1.0.6 JSON: an assessment as `assessment-results`, and the standards pack as a `catalog`, so
//! assessors can load assure's results into GRC tools.
//!
//! Mapping: each NDG standard is a catalog group, each check a control (id = check id). In the results, each
//! check that ran is one observation (what was examined, with the evidence files it read) and one finding
//! targeting the check's objective: `satisfied` when it passed or was waived, `not-satisfied` when it failed or
//! could not be assessed (the reason says which). Not-applicable checks are listed as observations only.
//! UUIDs are name-based (v5) from the run's inputs, so the same inputs give the same document.

use crate::assess::{Assessment, State};
use crate::pack::Pack;
use serde_json::{Value, json};

pub const OSCAL_VERSION: &str = "1.0.6";
/// Namespace of assure's own property names.
pub const NS: &str = "urn:assure";
/// Evidence files listed per observation.
const EVIDENCE_PER_OBSERVATION: usize = 20;
/// Failing records named per observation.
const RECORDS_PER_OBSERVATION: usize = 50;

fn uuid(parts: &[&str]) -> String {
    let name = parts.join("\u{1f}");
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("urn:assure:{name}").as_bytes()).to_string()
}

fn timestamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": NS, "value": if value.is_empty() { "-" } else { value } })
}

/// The assessment as OSCAL assessment-results.
pub fn assessment_results(a: &Assessment) -> String {
    let run = crate::render::view::run_id(a);
    let collected = timestamp(&a.as_of);
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for r in &a.results {
        let observation_uuid = uuid(&[&run, "observation", &r.id]);
        let evidence: Vec<Value> = a
            .evidence
            .iter()
            .filter(|f| r.datasets.contains(&f.dataset))
            .take(EVIDENCE_PER_OBSERVATION)
            .map(|f| {
                json!({
                    "href": format!("#evidence-{}", &f.sha256.get(..16).unwrap_or("unhashed")),
                    "description": format!("{} (dataset {}, {} records, SHA-256 {})", f.path, f.dataset, f.records, f.sha256),
                })
            })
            .collect();
        let mut description = r.summary.clone();
        for f in r.findings.iter().take(RECORDS_PER_OBSERVATION) {
            description.push_str(&format!("\n- {} ({}:{}): {}", f.key, f.file, f.line, f.message));
        }
        if r.findings.len() > RECORDS_PER_OBSERVATION {
            description.push_str(&format!(
                "\n- and {} more finding(s)",
                r.findings.len() - RECORDS_PER_OBSERVATION
            ));
        }
        for p in r.pending.iter().take(RECORDS_PER_OBSERVATION) {
            description.push_str(&format!(
                "\n- pending, due {}: {} ({}:{}): {}",
                p.due, p.key, p.file, p.line, p.message
            ));
        }
        if r.pending.len() > RECORDS_PER_OBSERVATION {
            description.push_str(&format!(
                "\n- and {} more pending record(s)",
                r.pending.len() - RECORDS_PER_OBSERVATION
            ));
        }
        let mut observation = json!({
            "uuid": observation_uuid,
            "title": format!("{}: {}", r.id, r.title),
            "description": description,
            "props": [prop("check-state", r.state.as_str()), prop("severity", r.severity.as_str())],
            "methods": ["TEST"],
            "types": ["control-objective"],
            "collected": collected,
        });
        if !evidence.is_empty() {
            observation["relevant-evidence"] = Value::Array(evidence);
        }
        observations.push(observation);
        let (state, reason) = match r.state {
            State::Pass => ("satisfied", None),
            State::Waived => ("satisfied", Some("waived")),
            State::Fail => ("not-satisfied", None),
            State::Error => ("not-satisfied", Some("could-not-assess")),
            State::NotApplicable | State::Manual => continue,
        };
        let mut status = json!({ "state": state });
        if let Some(reason) = reason {
            status["reason"] = json!(reason);
        }
        let mut props = vec![prop("severity", r.severity.as_str()), prop("standard", &r.standard)];
        for (framework, ids) in &r.maps {
            props.extend(ids.iter().map(|id| prop(&format!("maps-{framework}"), id)));
        }
        let mut finding = json!({
            "uuid": uuid(&[&run, "finding", &r.id]),
            "title": format!("{}: {}", r.id, r.title),
            "description": r.summary,
            "props": props,
            "target": {
                "type": "objective-id",
                "target-id": r.id,
                "status": status,
            },
            "related-observations": [{ "observation-uuid": observation_uuid }],
        });
        if let Some(rem) = &r.remediation
            && matches!(r.state, State::Fail | State::Error)
        {
            finding["remarks"] = json!(rem);
        }
        findings.push(finding);
    }
    let mut result = json!({
        "uuid": uuid(&[&run, "result"]),
        "title": format!("{} as of {}", a.pack.title, a.as_of),
        "description": format!(
            "Automated assessment of {} ({}) by {} {} against {} {} (pack SHA-256 {}); overall status: {}.",
            a.organisation.name, a.organisation.ods_code, a.tool.name, a.tool.version,
            a.pack.name, a.pack.version, a.pack.sha256, a.status.status
        ),
        "start": collected,
        "end": collected,
        "props": [prop("run-id", &run), prop("overall-status", &a.status.status)],
        "reviewed-controls": {
            "control-selections": [{
                "include-controls": a.results.iter().map(|r| json!({ "control-id": r.id })).collect::<Vec<_>>(),
            }]
        },
    });
    if a.results.is_empty() {
        result["reviewed-controls"] = json!({ "control-selections": [{ "include-all": {} }] });
    }
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    if !findings.is_empty() {
        result["findings"] = Value::Array(findings);
    }
    let doc = json!({
        "assessment-results": {
            "uuid": uuid(&[&run, "assessment-results"]),
            "metadata": {
                "title": format!("Data security assurance: {} ({})", a.organisation.name, a.organisation.ods_code),
                "last-modified": collected,
                "version": a.pack.version,
                "oscal-version": OSCAL_VERSION,
                "props": [prop("tool", &format!("{} {}", a.tool.name, a.tool.version))],
            },
            "import-ap": { "href": format!("urn:assure:assessment-plan:{}:{}", a.pack.name, a.pack.version) },
            "results": [result],
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The standards pack as an OSCAL catalog: a group per standard, a control per check.
pub fn catalog(pack: &Pack) -> String {
    let groups: Vec<Value> = pack
        .standards
        .iter()
        .map(|s| {
            let mut parts = vec![json!({
                "id": format!("{}_smt", s.spec.id),
                "name": "statement",
                "prose": s.spec.statement,
            })];
            if let Some(attr) = &s.spec.attribution {
                parts.push(
                    json!({ "id": format!("{}_src", s.spec.id), "name": "overview", "title": "Source", "prose": attr }),
                );
            }
            let controls: Vec<Value> = pack
                .checks
                .iter()
                .filter(|c| c.standard == s.spec.id)
                .map(|c| {
                    let spec = &c.spec;
                    let mut props = vec![
                        json!({ "name": "label", "value": spec.id }),
                        prop("severity", spec.severity.as_str()),
                        prop("version", &spec.version.unwrap_or(1).to_string()),
                    ];
                    for (framework, ids) in &spec.maps {
                        props.extend(ids.iter().map(|id| prop(&format!("maps-{framework}"), id)));
                    }
                    let mut parts = vec![json!({
                        "id": format!("{}_smt", spec.id),
                        "name": "statement",
                        "prose": crate::pack::titles::with_defaults(spec),
                    })];
                    if let Some(r) = &spec.rationale {
                        parts.push(json!({ "id": format!("{}_gdn", spec.id), "name": "guidance", "prose": r }));
                    }
                    if let Some(r) = &spec.remediation {
                        parts.push(json!({
                            "id": format!("{}_rem", spec.id), "name": "guidance", "title": "Remediation", "prose": r,
                        }));
                    }
                    parts.push(json!({
                        "id": format!("{}_obj", spec.id),
                        "name": "assessment-objective",
                        "prose": format!("Automated check over the {} evidence dataset(s).", spec.dataset),
                    }));
                    json!({
                        "id": spec.id,
                        "class": "check",
                        "title": crate::pack::titles::with_defaults(spec),
                        "props": props,
                        "parts": parts,
                    })
                })
                .collect();
            let mut group = json!({
                "id": s.spec.id,
                "class": "standard",
                "title": format!("Standard {}: {}", s.spec.number.unwrap_or_default(), s.spec.title),
                "parts": parts,
            });
            if !controls.is_empty() {
                group["controls"] = Value::Array(controls);
            }
            group
        })
        .collect();
    let doc = json!({
        "catalog": {
            "uuid": uuid(&["catalog", &pack.meta.name, &pack.meta.version, &pack.sha256]),
            "metadata": {
                "title": pack.meta.title,
                "last-modified": timestamp(pack.meta.effective.as_deref().unwrap_or("1970-01-01")),
                "version": pack.meta.version,
                "oscal-version": OSCAL_VERSION,
                "props": [prop("pack-sha256", &pack.sha256)],
            },
            "groups": groups,
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
