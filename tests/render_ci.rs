//! The CI renderers (SARIF, JUnit, GitHub annotations, CSV plan) on assessments built in memory, with hostile
//! evidence values: markup, template syntax, spreadsheet formulas, newlines, `%` `,` `:`, control characters
//! and non-ASCII text.

use assure::assess::{
    Assessment, CheckResult, DiagnosticInfo, Expectation, Finding, PackInfo, Pending, SCHEMA_VERSION, StandardInfo,
    State, Tool,
};
use assure::core::diagnostic::Level;
use assure::evidence::{EvidenceFile, Organisation};
use assure::render::{csv_plan, github, junit, sarif};
use assure::spec::Severity;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const DEVICES: &str = "exports/intune/managedDevices.json";
/// A file name with a comma, a colon and spaces.
const ODD_FILE: &str = "exports/intune/devices, 2026: Q1.json";
const ENCRYPT_REMEDIATION: &str = "Enable BitLocker or FileVault through an Intune disk encryption policy.";
const SCRIPT_KEY: &str = "<script>alert(1)</script>";
const TEMPLATE_MESSAGE: &str = "{{ 7*7 }} is not encrypted\n::error::injected %0A 100% done";
const FORMULA_KEY: &str = "=HYPERLINK(\"http://x\")";
const CONTROL_MESSAGE: &str =
    "=HYPERLINK(\"http://x\") \u{0}\u{7}\u{1b}[31mred\u{FFFE} Zoë — ñ [click](https://evil.example) a & b";
const ANNUAL_SUMMARY: &str = "=HYPERLINK(\"http://x\",\"78% trained\")\nsecond line, with: punctuation";
const OS_ERROR: &str = "exports/defender/vulns.csv:3: unparsable\n=cmd|' /C calc'!A0";

fn finding(key: &str, file: &str, line: u32, message: &str) -> Finding {
    Finding {
        key: key.to_string(),
        file: file.to_string(),
        line,
        field: Some("isEncrypted".to_string()),
        observed: Some(json!(false)),
        message: message.to_string(),
        waived_by: None,
        baseline: None,
        match_key: None,
    }
}

fn check(id: &str, standard: &str, severity: Severity, state: State) -> CheckResult {
    CheckResult {
        id: id.to_string(),
        version: 1,
        title: format!("Title of {id}"),
        standard: standard.to_string(),
        severity,
        state,
        summary: format!("summary of {id}"),
        selected: 10,
        passing: 10,
        failing: 0,
        expectations: Vec::new(),
        findings: Vec::new(),
        pending: Vec::new(),
        error: None,
        remediation: None,
        rationale: None,
        references: Vec::new(),
        reviews: Vec::new(),
        manual: None,
        maps: BTreeMap::new(),
        datasets: vec!["devices".to_string()],
        waived_by: None,
        baseline: None,
        fixed: Vec::new(),
    }
}

fn encrypt() -> CheckResult {
    let mut c = check("NDG1-ENCRYPT", "NDG1", Severity::High, State::Fail);
    c.title = "Corporate laptops and mobiles are encrypted".to_string();
    c.summary = "3 of 14 records fail".to_string();
    c.failing = 3;
    c.remediation = Some(ENCRYPT_REMEDIATION.to_string());
    c.maps = BTreeMap::from([
        ("caf".to_string(), vec!["B3.c".to_string()]),
        ("cyber_essentials".to_string(), vec!["SC".to_string()]),
        ("dspt".to_string(), vec!["9.5.2".to_string()]),
    ]);
    c.findings = vec![
        finding("NSH-LT-001", DEVICES, 45, "NSH-LT-001 (Windows) is not encrypted"),
        finding(SCRIPT_KEY, ODD_FILE, 0, TEMPLATE_MESSAGE),
        finding(FORMULA_KEY, ODD_FILE, 7, CONTROL_MESSAGE),
    ];
    c
}

fn annual() -> CheckResult {
    let mut c = check("NDG3-ANNUAL", "NDG3", Severity::Medium, State::Fail);
    c.summary = ANNUAL_SUMMARY.to_string();
    c.expectations = vec![Expectation {
        measured: None,
        threshold: None,
        name: "ratio".to_string(),
        expected: "min 0.9".to_string(),
        actual: "0.78".to_string(),
        holds: false,
    }];
    c
}

fn logs() -> CheckResult {
    let mut c = check("NDG7-LOGS", "NDG7", Severity::Low, State::Fail);
    c.title = "@risk: logs are retained".to_string();
    c.summary = "\t=1+1".to_string();
    c.remediation = Some("-1 day of retention is too short; keep 90 days.".to_string());
    c.failing = 1;
    c.findings = vec![finding("fw01", "logs/firewall.log", 3, "fw01 keeps 1 day")];
    c
}

/// A passing deadline check with two clocks still running (one message carries markup).
fn ico_pending() -> CheckResult {
    let mut c = check("NDG6-ICO", "NDG6", Severity::Critical, State::Pass);
    c.summary = "all 2 records are pending, the first due 2026-11-02T09:00:00Z".to_string();
    c.pending = vec![
        Pending {
            key: "INC-7".into(),
            file: "exports/incidents.csv".into(),
            line: 4,
            due: "2026-11-02T09:00:00Z".into(),
            message: "INC-7: detected 2026-10-30T09:00:00Z, reported to the ICO never".into(),
        },
        Pending {
            key: "INC-<b>9</b>".into(),
            file: "exports/incidents.csv".into(),
            line: 6,
            due: "2026-11-03T10:00:00Z".into(),
            message: "<script>alert(1)</script>".into(),
        },
    ];
    c
}

fn os_error() -> CheckResult {
    let mut c = check("NDG8-OS", "NDG8", Severity::Critical, State::Error);
    c.summary = format!("could not be assessed: {OS_ERROR}");
    c.error = Some(OS_ERROR.to_string());
    c
}

fn standard(id: &str, number: u32, title: &str) -> StandardInfo {
    StandardInfo {
        id: id.to_string(),
        number: Some(number),
        title: title.to_string(),
        statement: format!("Statement of {id}"),
        obligation: None,
        attribution: None,
    }
}

fn assessment(results: Vec<CheckResult>) -> Assessment {
    Assessment {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "assure",
            version: "0.1.0",
        },
        pack: PackInfo {
            name: "nhs-data-security".to_string(),
            title: "NHS data security".to_string(),
            version: "2026.1.0".to_string(),
            sha256: "ab".repeat(32),
        },
        organisation: Organisation {
            name: "Northshire Hospitals NHS Foundation Trust".to_string(),
            ods_code: "RNS".to_string(),
            ..Organisation::default()
        },
        as_of: "2026-11-01".to_string(),
        summary: Assessment::summarise(&results),
        status: assure::assess::overall_status(&[], &results),
        frameworks: Vec::new(),
        dspt: None,
        standards: vec![
            standard("NDG1", 1, "Personal confidential data"),
            standard("NDG2", 2, "Staff responsibilities"),
            standard("NDG3", 3, "Training"),
            standard("NDG7", 7, "Continuity planning"),
            standard("NDG8", 8, "Unsupported systems"),
            standard("NDG9", 9, "IT protection"),
        ],
        results,
        evidence: vec![EvidenceFile {
            path: ODD_FILE.to_string(),
            dataset: "devices".to_string(),
            sha256: "cd".repeat(32),
            bytes: 1234,
            records: 14,
            included_from: None,
        }],
        waivers: Vec::new(),
        baseline: None,
        selection: None,
        diagnostics: vec![DiagnosticInfo {
            level: Level::Error,
            code: "assure::evidence".to_string(),
            location: Some("exports/defender/vulns.csv:3:1".to_string()),
            message: "unparsable CSV <b>".to_string(),
            help: Some("re-export the file".to_string()),
        }],
    }
}

/// Five standards' worth of checks in every state, with hostile evidence.
fn hostile() -> Assessment {
    assessment(vec![
        encrypt(),
        check("NDG1-MFA", "NDG1", Severity::Low, State::Pass),
        annual(),
        logs(),
        os_error(),
        check("NDG9-BACKUP", "NDG9", Severity::Info, State::NotApplicable),
    ])
}

/// One failing check with `n` findings.
fn many_findings(n: usize) -> Assessment {
    let mut c = encrypt();
    c.findings = (0..n)
        .map(|i| {
            finding(
                &format!("DEV-{i:04}"),
                DEVICES,
                i as u32 + 1,
                &format!("DEV-{i:04} is not encrypted"),
            )
        })
        .collect();
    c.failing = n;
    assessment(vec![c])
}

// ---------------------------------------------------------------------------------------------------- SARIF

fn sarif_json(a: &Assessment, base: &str) -> Value {
    serde_json::from_str(&sarif::render(a, base)).expect("SARIF output is JSON")
}

/// The official SARIF 2.1.0 schema, or `None` (test skipped) when ../shared is absent outside CI.
fn sarif_schema() -> Option<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/schemas/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the SARIF schema is JSON")),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set (.ci/run sets it) but the SARIF schema {path} cannot be read: {e}"
            );
            println!("skipped: ../shared/schemas not found");
            None
        }
    }
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(schema) = sarif_schema() else { return };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    for (name, a) in [("hostile", hostile()), ("many findings", many_findings(30))] {
        let sarif = sarif_json(&a, "");
        let errors = schema_errors(&validator, &sarif);
        assert!(errors.is_empty(), "{name}: SARIF is invalid:\n{}", errors.join("\n"));
    }
    // The validator does bite: a region starting at line 0 and a missing version are rejected.
    let mut broken = sarif_json(&hostile(), "");
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
    broken.as_object_mut().unwrap().remove("version");
    assert_eq!(schema_errors(&validator, &broken).len(), 2, "{broken:#}");
}

#[test]
fn pending_records_appear_with_their_due_time_in_every_ci_output() {
    let a = assessment(vec![encrypt(), ico_pending()]);
    // SARIF: `open` results of level `none`, located, with the due time, and still schema-valid.
    let log = sarif_json(&a, "");
    let open: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "open")
        .collect();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["ruleId"], "NDG6-ICO");
    assert_eq!(open[0]["level"], "none");
    assert_eq!(open[0]["properties"]["due"], "2026-11-02T09:00:00Z");
    assert_eq!(open[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
    assert!(
        open[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("pending, due 2026-11-02T09:00:00Z: INC-7")
    );
    if let Some(schema) = sarif_schema() {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .expect("the SARIF schema compiles");
        let errors = schema_errors(&validator, &log);
        assert!(
            errors.is_empty(),
            "SARIF with pending results is invalid:\n{}",
            errors.join("\n")
        );
    }
    // JUnit: the passing case lists its pending records in <system-out>.
    let xml = junit::render(&a);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && attr(*n, "name").starts_with("NDG6-ICO"))
        .unwrap();
    assert!(child(case, "failure").is_none());
    let out = child(case, "system-out").unwrap().text().unwrap();
    assert!(
        out.contains("pending, due 2026-11-02T09:00:00Z exports/incidents.csv:4 INC-7"),
        "{out}"
    );
    // GitHub: one notice per pending record at its line, with the due time.
    let gh = github::render(&a, "");
    let notices: Vec<&str> = gh.lines().filter(|l| l.starts_with("::notice file=")).collect();
    assert_eq!(notices.len(), 2, "{gh}");
    assert!(
        notices[0].contains("line=4") && notices[0].contains("::due 2026-11-02T09:00:00Z: INC-7"),
        "{}",
        notices[0]
    );
    // Markdown: a table of pending records, soonest first, evidence escaped.
    let md = assure::render::markdown::render(&a);
    assert!(
        md.contains("**Pending: 2 record(s) with a deadline still to come**"),
        "{md}"
    );
    let first = md
        .find("| 2026-11-02T09:00:00Z | NDG6-ICO | INC-7 |")
        .expect("first pending row");
    let second = md
        .find("| 2026-11-03T10:00:00Z | NDG6-ICO | INC-&lt;b&gt;9&lt;/b&gt; |")
        .expect("second row, escaped");
    assert!(first < second);
}

#[test]
fn sarif_declares_every_check_as_a_rule_with_levels_tags_and_help() {
    let sarif = sarif_json(&hostile(), "");
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "assure");
    assert_eq!(run["tool"]["driver"]["version"], "0.1.0");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "NDG1-ENCRYPT",
            "NDG1-MFA",
            "NDG3-ANNUAL",
            "NDG7-LOGS",
            "NDG8-OS",
            "NDG9-BACKUP"
        ]
    );
    let levels: Vec<&str> = rules
        .iter()
        .map(|r| r["defaultConfiguration"]["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "note", "warning", "note", "error", "note"]);

    let encrypt = &rules[0];
    assert_eq!(encrypt["name"], "CorporateLaptopsAndMobilesAreEncrypted");
    assert_eq!(
        encrypt["shortDescription"]["text"],
        "Corporate laptops and mobiles are encrypted"
    );
    assert_eq!(encrypt["fullDescription"]["text"], ENCRYPT_REMEDIATION);
    assert_eq!(encrypt["help"]["text"], ENCRYPT_REMEDIATION);
    assert!(
        encrypt["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains(ENCRYPT_REMEDIATION)
    );
    assert_eq!(encrypt["properties"]["severity"], "high");
    assert_eq!(encrypt["properties"]["standard"], "NDG1");
    assert_eq!(encrypt["properties"]["security-severity"], "8.0");
    let tags: Vec<&str> = encrypt["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for tag in ["security", "NDG1", "caf:B3.c", "dspt:9.5.2", "cyber_essentials:SC"] {
        assert!(tags.contains(&tag), "{tag} missing from {tags:?}");
    }
    // A check without remediation has no help, and its description falls back to the title.
    assert!(rules[1].get("help").is_none());
    assert_eq!(rules[1]["fullDescription"]["text"], "Title of NDG1-MFA");

    let props = &run["properties"];
    assert_eq!(props["organisation"], "Northshire Hospitals NHS Foundation Trust");
    assert_eq!(props["ods_code"], "RNS");
    assert_eq!(props["as_of"], "2026-11-01");
    assert_eq!(props["pack"]["name"], "nhs-data-security");
    assert_eq!(props["pack"]["version"], "2026.1.0");
    assert_eq!(props["pack"]["sha256"], "ab".repeat(32));
}

#[test]
fn sarif_has_one_result_per_finding_located_at_file_and_line() {
    let sarif = sarif_json(&hostile(), "");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    // 3 findings of NDG1-ENCRYPT, the set-level failure of NDG3-ANNUAL, 1 finding of NDG7-LOGS.
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "NDG1-ENCRYPT",
            "NDG1-ENCRYPT",
            "NDG1-ENCRYPT",
            "NDG3-ANNUAL",
            "NDG7-LOGS"
        ]
    );
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex points at the result's rule");
    }

    let first = &results[0];
    assert_eq!(first["level"], "error");
    assert_eq!(first["message"]["text"], "NSH-LT-001 (Windows) is not encrypted");
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], DEVICES);
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 45);
    assert_eq!(first["properties"]["key"], "NSH-LT-001");
    assert_eq!(first["properties"]["observed"], false);

    // Line 0 means "no line": no region. The odd file name is percent-encoded.
    let second = &results[1]["locations"][0]["physicalLocation"];
    assert!(second.get("region").is_none(), "{second:#}");
    assert_eq!(
        second["artifactLocation"]["uri"],
        "exports/intune/devices%2C%202026%3A%20Q1.json"
    );
    assert_eq!(results[1]["message"]["text"], TEMPLATE_MESSAGE);
    assert_eq!(results[2]["locations"][0]["physicalLocation"]["region"]["startLine"], 7);

    // Evidence cannot make an embedded link.
    let text = results[2]["message"]["text"].as_str().unwrap();
    assert!(text.contains(r"\[click\](https://evil.example)"), "{text}");
    // Terminal escapes and other control characters become spaces; non-ASCII stays.
    assert!(
        text.starts_with("=HYPERLINK(\"http://x\")    \\[31mred\u{FFFE} Zoë — ñ"),
        "{text:?}"
    );

    // The set-level failure: the summary, no location, the check's level.
    let set = &results[3];
    assert_eq!(set["message"]["text"], ANNUAL_SUMMARY);
    assert_eq!(set["level"], "warning");
    assert!(set.get("locations").is_none_or(|l| l.as_array().unwrap().is_empty()));
    assert_eq!(results[4]["level"], "note");
}

#[test]
fn sarif_reports_unassessable_checks_and_evidence_problems_as_notifications() {
    let sarif = sarif_json(&hostile(), "");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["associatedRule"]["id"], "NDG8-OS");
    assert_eq!(notes[0]["associatedRule"]["index"], 4);
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains(OS_ERROR));
    let diagnostic = notes[1]["message"]["text"].as_str().unwrap();
    assert!(diagnostic.contains("exports/defender/vulns.csv:3:1") && diagnostic.contains("re-export the file"));
    // No result is reported for the check that could not be assessed.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["ruleId"] != "NDG8-OS"));
}

fn fingerprints(a: &Assessment) -> Vec<String> {
    sarif_json(a, "")["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"][sarif::FINGERPRINT]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn sarif_is_deterministic_and_fingerprints_follow_the_record_not_the_line() {
    let a = hostile();
    assert_eq!(sarif::render(&a, ""), sarif::render(&a, ""), "two renders differ");
    assert!(sarif::render(&a, "").ends_with("}\n"));

    let before = fingerprints(&a);
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        before.len(),
        "every result has its own fingerprint: {before:?}"
    );

    // The export was regenerated: records moved to other lines. Code scanning must see the same alerts.
    let mut moved = hostile();
    for f in &mut moved.results[0].findings {
        f.line += 100;
    }
    assert_eq!(fingerprints(&moved), before);

    // A different record is a different alert.
    let mut other = hostile();
    other.results[0].findings[0].key = "NSH-LT-002".to_string();
    let after = fingerprints(&other);
    assert_ne!(after[0], before[0]);
    assert_eq!(after[1..], before[1..]);
}

#[test]
fn sarif_and_github_paths_are_prefixed_with_the_base() {
    let sarif = sarif_json(&hostile(), "./compliance/");
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "compliance/exports/intune/managedDevices.json");
    let artifact = &sarif["runs"][0]["artifacts"][0];
    assert_eq!(
        artifact["location"]["uri"],
        "compliance/exports/intune/devices%2C%202026%3A%20Q1.json"
    );
    assert_eq!(artifact["hashes"]["sha-256"], "cd".repeat(32));

    let annotations = github::render(&hostile(), "compliance");
    assert!(annotations.starts_with("::error file=compliance/exports/intune/managedDevices.json,line=45,"));
}

// ---------------------------------------------------------------------------------------------------- JUnit

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

#[test]
fn junit_has_a_suite_per_standard_and_a_case_per_check_with_the_right_counts() {
    let xml = junit::render(&hostile());
    let doc = roxmltree::Document::parse(&xml).expect("JUnit output is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        [
            attr(root, "tests"),
            attr(root, "failures"),
            attr(root, "errors"),
            attr(root, "skipped")
        ],
        ["6", "3", "1", "1"]
    );
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<&str> = suites.iter().map(|s| attr(*s, "name")).collect();
    // NDG2 has no checks, so no suite.
    assert_eq!(
        names,
        [
            "NDG1 Personal confidential data",
            "NDG3 Training",
            "NDG7 Continuity planning",
            "NDG8 Unsupported systems",
            "NDG9 IT protection"
        ]
    );
    let ndg1 = suites[0];
    assert_eq!(
        [
            attr(ndg1, "tests"),
            attr(ndg1, "failures"),
            attr(ndg1, "errors"),
            attr(ndg1, "skipped")
        ],
        ["2", "1", "0", "0"]
    );

    let cases: Vec<_> = ndg1.children().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(attr(cases[0], "classname"), "NDG1");
    assert_eq!(
        attr(cases[0], "name"),
        "NDG1-ENCRYPT: Corporate laptops and mobiles are encrypted"
    );
    let failure = child(cases[0], "failure").expect("a failing check has <failure>");
    assert_eq!(attr(failure, "message"), "3 of 14 records fail");
    assert_eq!(attr(failure, "type"), "high");
    let body = failure.text().unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        format!("{DEVICES}:45 NSH-LT-001 — NSH-LT-001 (Windows) is not encrypted")
    );
    assert_eq!(lines.len(), 4, "3 findings and the remediation: {body}");
    assert_eq!(lines[3], format!("Remediation: {ENCRYPT_REMEDIATION}"));
    assert_eq!(
        cases[1].children().filter(|n| n.is_element()).count(),
        0,
        "a pass is a plain testcase"
    );

    let annual = child(suites[1], "testcase").unwrap();
    let failure = child(annual, "failure").unwrap();
    assert_eq!(attr(failure, "type"), "medium");
    assert!(failure.text().unwrap().contains("expected ratio min 0.9, got 0.78"));

    let os = child(suites[3], "testcase").unwrap();
    let error = child(os, "error").expect("an unassessable check has <error>");
    assert!(attr(error, "message").contains("exports/defender/vulns.csv:3: unparsable"));
    assert!(error.text().unwrap().contains("=cmd|' /C calc'!A0"));

    let backup = child(suites[4], "testcase").unwrap();
    let skipped = child(backup, "skipped").expect("a not-applicable check is <skipped>");
    assert_eq!(attr(skipped, "message"), "not applicable: summary of NDG9-BACKUP");
}

#[test]
fn junit_escapes_evidence_and_drops_characters_xml_forbids() {
    let xml = junit::render(&hostile());
    assert!(!xml.contains(SCRIPT_KEY), "markup from evidence is escaped");
    assert!(xml.contains("&lt;script&gt;"));
    for c in ['\u{0}', '\u{7}', '\u{1b}', '\u{FFFE}'] {
        assert!(!xml.contains(c), "{c:?} is not allowed in XML 1.0");
    }
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|n| n.text())
        .unwrap();
    let lines: Vec<&str> = body.lines().collect();
    // Newlines inside a finding do not split it; the values read back as exported.
    assert_eq!(
        lines[1],
        format!("{ODD_FILE}:0 {SCRIPT_KEY} — {{{{ 7*7 }}}} is not encrypted ::error::injected %0A 100% done")
    );
    assert!(lines[2].starts_with(&format!("{ODD_FILE}:7 {FORMULA_KEY} — {FORMULA_KEY}")));
    assert!(
        lines[2].contains("Zoë — ñ [click](https://evil.example) a & b"),
        "{}",
        lines[2]
    );
}

#[test]
fn junit_lists_at_most_200_findings_and_counts_the_rest() {
    let xml = junit::render(&many_findings(250));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|n| n.text())
        .unwrap();
    let findings = body.lines().filter(|l| l.starts_with(DEVICES)).count();
    assert_eq!(findings, junit::MAX_FINDINGS);
    assert!(body.contains("… and 50 more findings"), "{body}");
    assert!(!body.contains("DEV-0200"), "finding 201 is not listed");
}

// ---------------------------------------------------------------------------------------------------- GitHub

/// Undoes GitHub's escaping of a property value or message.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Parses `::command k=v,k=v::message` as the runner does: the message starts at the first `::` after the
/// command, and properties split on `,` then the first `=`.
fn parse_command(line: &str) -> (String, BTreeMap<String, String>, String) {
    let rest = line.strip_prefix("::").expect("a workflow command starts with ::");
    let (head, message) = rest.split_once("::").expect("a workflow command has a second ::");
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (command.to_string(), props, unescape(message))
}

#[test]
fn github_emits_one_escaped_annotation_per_finding() {
    let out = github::render(&hostile(), "");
    let lines: Vec<&str> = out.lines().collect();
    // 3 + 1 findings, 1 set-level failure, 1 error, the closing summary: evidence newlines never split a line.
    assert_eq!(lines.len(), 7, "{out}");
    assert!(lines.iter().all(|l| l.starts_with("::")), "{out}");
    assert_eq!(
        lines[0],
        "::error file=exports/intune/managedDevices.json,line=45,title=NDG1-ENCRYPT (high)::NSH-LT-001 (Windows) is not encrypted"
    );
    assert_eq!(
        lines[1],
        "::error file=exports/intune/devices%2C 2026%3A Q1.json,title=NDG1-ENCRYPT (high)::{{ 7*7 }} is not encrypted%0A::error::injected %250A 100%25 done"
    );

    let (command, props, message) = parse_command(lines[1]);
    assert_eq!(command, "error");
    assert_eq!(props["file"], ODD_FILE);
    assert!(!props.contains_key("line"), "line 0 is left out");
    assert_eq!(props["title"], "NDG1-ENCRYPT (high)");
    assert_eq!(message, TEMPLATE_MESSAGE);

    // Control characters other than newlines become spaces; non-ASCII stays.
    let (_, props, message) = parse_command(lines[2]);
    assert_eq!(props["line"], "7");
    assert!(
        message.starts_with("=HYPERLINK(\"http://x\")    [31mred\u{FFFE} Zoë — ñ"),
        "{message:?}"
    );
    assert!(!message.contains('\u{1b}'));
}

#[test]
fn github_levels_follow_severity_and_set_level_failures_and_errors_have_no_file() {
    let out = github::render(&hostile(), "");
    let parsed: Vec<_> = out.lines().map(parse_command).collect();
    let commands: Vec<&str> = parsed.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        ["error", "error", "error", "warning", "notice", "error", "notice"]
    );

    let (_, props, message) = &parsed[3];
    assert_eq!(props["title"], "NDG3-ANNUAL (medium)");
    assert!(!props.contains_key("file"));
    assert_eq!(message, ANNUAL_SUMMARY);

    let (_, props, _) = &parsed[4];
    assert_eq!(props["title"], "NDG7-LOGS (low)");
    assert_eq!(props["file"], "logs/firewall.log");

    let (_, props, message) = &parsed[5];
    assert_eq!(props["title"], "NDG8-OS (could not be assessed)");
    assert_eq!(message, OS_ERROR);

    let (_, _, summary) = &parsed[6];
    assert_eq!(
        summary,
        "6 checks: 1 pass, 3 fail, 1 error, 1 not applicable; 4 findings; 6 annotations above"
    );
}

#[test]
fn github_does_not_cap_annotations() {
    let out = github::render(&many_findings(120), "");
    assert_eq!(out.lines().filter(|l| l.starts_with("::error file=")).count(), 120);
    assert!(out.lines().last().unwrap().ends_with("120 annotations above"));
}

// ---------------------------------------------------------------------------------------------------- CSV

fn csv_rows(out: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

#[test]
fn csv_plan_lists_failing_and_errored_checks_by_priority() {
    let out = csv_plan::render(&hostile());
    let (headers, rows) = csv_rows(&out);
    assert_eq!(headers, csv_plan::COLUMNS);
    let plan: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        plan,
        [
            ("1", "NDG8-OS", "critical", "error"),
            ("2", "NDG1-ENCRYPT", "high", "fail"),
            ("3", "NDG3-ANNUAL", "medium", "fail"),
            ("4", "NDG7-LOGS", "low", "fail"),
        ]
    );
    let encrypt = &rows[1];
    assert_eq!(encrypt[2], "NDG1");
    assert_eq!(encrypt[4], "Corporate laptops and mobiles are encrypted");
    assert_eq!(encrypt[6], "3");
    assert_eq!(encrypt[7], "3 of 14 records fail");
    assert_eq!(encrypt[8], ENCRYPT_REMEDIATION);
    assert!(
        rows.iter().all(|r| r[9..] == ["", "", ""]),
        "owner, target_date and status are left empty"
    );
    assert!(!out.starts_with('\u{feff}'), "no byte-order mark");
    assert!(
        out.starts_with("priority,check_id,") && out.contains("status\r\n"),
        "CRLF line endings"
    );
}

#[test]
fn csv_plan_neutralises_formulas_in_every_cell_and_round_trips() {
    let out = csv_plan::render(&hostile());
    let (_, rows) = csv_rows(&out);
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']),
            "cell {cell:?} would be read as a formula"
        );
    }
    let annual = &rows[2];
    // Quoted, with the text otherwise intact: the newline and comma survive the round trip.
    assert_eq!(annual[7], format!("'{ANNUAL_SUMMARY}"));
    let logs = &rows[3];
    assert_eq!(logs[4], "'@risk: logs are retained");
    assert_eq!(logs[7], "'\t=1+1");
    assert_eq!(logs[8], "'-1 day of retention is too short; keep 90 days.");
    // Text that is not a formula is left alone.
    assert_eq!(rows[0][7], format!("could not be assessed: {OS_ERROR}"));
    assert_eq!(csv_plan::neutralise("＝1+1"), "'＝1+1");
    assert_eq!(csv_plan::neutralise("Zoë = 1"), "Zoë = 1");
}

#[test]
fn csv_plan_of_a_clean_assessment_is_just_the_header() {
    let out = csv_plan::render(&assessment(vec![check("NDG1-MFA", "NDG1", Severity::Low, State::Pass)]));
    assert_eq!(out, format!("{}\r\n", csv_plan::COLUMNS.join(",")));
}

mod markdown {
    use super::*;
    use assure::render::markdown::{render, render_bounded};

    #[test]
    fn hostile_evidence_is_inert_in_markdown() {
        let mut c = check("NDG1-ENCRYPT", "NDG1", Severity::High, State::Fail);
        c.findings = vec![finding(
            "<script>alert(1)</script>",
            "exports/x`y.json",
            3,
            "{{ 7*7 }} [click](https://evil.example) **bold** | pipe\n# heading\u{7}",
        )];
        let md = render(&assessment(vec![c]));
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
        assert!(!md.contains("<script>"));
        assert!(
            md.contains("{{ 7\\*7 }} \\[click\\](https://evil.example) \\*\\*bold\\*\\* \\| pipe # heading"),
            "{md}"
        );
        assert!(!md.contains("49"), "templates in evidence are never evaluated");
        assert!(!md.contains('\u{7}'));
        assert!(
            md.contains("`exports/x'y.json:3`"),
            "a backtick cannot close the code span: {md}"
        );
    }

    #[test]
    fn markdown_is_size_bounded_with_a_note() {
        let mut results = Vec::new();
        for i in 0..30 {
            let mut c = check(&format!("NDG9-C{i:03}"), "NDG1", Severity::High, State::Fail);
            c.findings = (0..20)
                .map(|j| finding(&format!("K{j}"), "f.csv", j, &"long message ".repeat(20)))
                .collect();
            results.push(c);
        }
        let md = render_bounded(&assessment(results), 20_000);
        assert!(md.chars().count() < 21_000, "{}", md.chars().count());
        assert!(
            md.trim_end()
                .ends_with("see the JSON or HTML report for every finding._"),
            "{}",
            &md[md.len() - 200..]
        );
        assert!(md.contains("… and 10 more"));
    }
}

mod html {
    use super::*;
    use assure::render::html::{Templates, render};
    use sha2::Digest;

    fn html(a: &Assessment) -> String {
        render(a, &Templates::default(), 25).unwrap()
    }

    #[test]
    fn pending_records_are_listed_in_html_with_their_due_times_and_escaped() {
        // Shown under a standard the test assessment lists.
        let mut ico = ico_pending();
        ico.standard = "NDG1".into();
        let page = html(&assessment(vec![ico]));
        assert!(
            page.contains("Pending for NDG6-ICO: deadline still to come"),
            "no pending table"
        );
        assert!(page.contains("<td>2026-11-02T09:00:00Z</td><td>INC-7</td>"));
        assert!(page.contains("INC-&lt;b&gt;9&lt;&#x2f;b&gt;") || page.contains("INC-&lt;b&gt;9&lt;/b&gt;"));
        assert!(!page.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn hostile_evidence_is_inert_in_html() {
        let out = html(&hostile());
        assert!(!out.contains("<script"), "no script element at all");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "keys are escaped text"
        );
        assert!(
            out.contains("{{ 7*7 }} is not encrypted"),
            "template syntax in evidence stays literal"
        );
        assert!(
            !out.contains("49 is not encrypted"),
            "evidence is never evaluated as a template"
        );
        assert!(!out.contains("href=\"https:&#x2f;&#x2f;evil") && !out.contains("href=\"https://evil"));
        assert!(
            out.contains("[click](https:&#x2f;&#x2f;evil.example)"),
            "Markdown links are plain text"
        );
        assert!(out.contains("&lt;b&gt;"), "diagnostic messages are escaped too");
        for c in ['\u{0}', '\u{7}', '\u{1b}'] {
            assert!(!out.contains(c), "control character {:?} is not emitted raw", c);
        }
        assert!(out.contains("\\u{1b}[31mred"), "control characters are shown visibly");
    }

    #[test]
    fn the_csp_allows_exactly_the_inline_stylesheet_and_nothing_external() {
        let out = html(&hostile());
        let style = out
            .split("<style>")
            .nth(1)
            .and_then(|s| s.split("</style>").next())
            .unwrap();
        let hash = base64_of(&sha2::Sha256::digest(style.as_bytes()));
        let csp = out
            .split("http-equiv=\"Content-Security-Policy\" content=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        // The attribute value as a browser reads it (character references decoded).
        let csp = csp.replace("&#x27;", "'").replace("&#x2f;", "/").replace("&amp;", "&");
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(csp.contains(&format!("sha256-{hash}")), "{csp} vs {hash}");
        for attr in [" src=\"", "<link", "<script", " style=\"", "url("] {
            assert!(!out.contains(attr), "no {attr} in a self-contained report");
        }
    }

    /// Standard base64 (the CSP hash encoding), written out so the test does not share the renderer's code.
    fn base64_of(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn html_has_every_section_and_the_status_rule() {
        let out = html(&hostile());
        for needle in [
            "Executive summary",
            "Overall status: Standards Not Met",
            "Standards Not Met when a critical check fails or errors",
            "Standard 1: Personal confidential data",
            "Framework views",
            "Improvement plan",
            "Evidence",
            "RNS",
            "2026.1.0",
            &"ab".repeat(32),
        ] {
            assert!(out.contains(needle), "missing {needle}");
        }
        // The improvement plan lists the critical error before the high failure.
        let plan = out.split("id=\"plan\"").nth(1).unwrap();
        let os = plan.find("NDG8-OS").unwrap();
        let enc = plan.find("NDG1-ENCRYPT").unwrap();
        assert!(os < enc, "most severe first");
    }

    #[test]
    fn a_hundred_thousand_findings_are_summarised() {
        let a = many_findings(100_000);
        let out = html(&a);
        assert!(out.contains("first 25 of 100000"), "the count is stated");
        assert!(out.contains("99975 more finding(s) not shown"));
        assert!(out.contains("DEV-0024") && !out.contains("DEV-0025 is not"));
        assert!(out.len() < 200_000, "{} bytes", out.len());
    }

    #[test]
    fn html_is_deterministic() {
        assert_eq!(html(&hostile()), html(&hostile()));
    }

    #[test]
    fn user_templates_replace_the_built_in_ones_and_still_escape() {
        let dir = std::env::temp_dir().join(format!("assure-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("report.html.j2"),
            "<p>{{ a.organisation.name }}</p>{% for s in report.standards %}{% for c in s.checks %}{% for f in c.findings %}<i>{{ f.key }}</i>{% endfor %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let out = render(
            &hostile(),
            &Templates {
                dir: Some(dir.clone()),
                repo: None,
            },
            25,
        )
        .unwrap();
        assert!(
            out.starts_with("<p>Northshire Hospitals NHS Foundation Trust</p>"),
            "{out}"
        );
        assert!(
            out.contains("<i>&lt;script&gt;"),
            "user templates escape evidence too: {out}"
        );

        std::fs::write(dir.join("report.html.j2"), "{% for x in %}").unwrap();
        let err = render(
            &hostile(),
            &Templates {
                dir: Some(dir.clone()),
                repo: None,
            },
            25,
        )
        .unwrap_err();
        assert!(err.contains("report.html.j2"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `n` failing checks of falling severity (`C00` the most severe).
    fn failing(n: usize) -> Assessment {
        let severities = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ];
        let results = (0..n)
            .map(|i| {
                check(
                    &format!("NDG1-C{i:02}"),
                    "NDG1",
                    severities[(i / 3).min(4)],
                    State::Fail,
                )
            })
            .collect();
        assessment(results)
    }

    fn section<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
        page.split(from).nth(1).unwrap().split(to).next().unwrap()
    }

    #[test]
    fn the_first_screen_lists_the_five_most_severe_risks_and_links_the_rest() {
        let page = html(&failing(7));
        let risks = section(&page, "<ol class=\"risks\"", "</ol>");
        assert_eq!(risks.matches("<li>").count(), 5);
        let first = risks.find("NDG1-C00").unwrap();
        let fifth = risks.find("NDG1-C04").unwrap();
        assert!(
            first < fifth && !risks.contains("NDG1-C05"),
            "most severe first, five at most"
        );
        assert!(page.contains("All 7 actions in the improvement plan"));
        let page = html(&failing(5));
        assert_eq!(
            section(&page, "<ol class=\"risks\"", "</ol>").matches("<li>").count(),
            5
        );
        assert!(
            !page.contains("actions in the improvement plan"),
            "nothing more to link to"
        );
        let page = html(&failing(0));
        assert!(page.contains("No check failed and every check could be assessed."));
    }

    #[test]
    fn the_plan_shows_ten_actions_and_folds_the_rest() {
        let page = html(&failing(11));
        let plan = section(&page, "id=\"plan\"", "</section>");
        let (shown, folded) = plan.split_once("<details class=\"plan-rest\">").unwrap();
        assert_eq!(
            shown
                .matches("<td class=\"fill\"></td><td class=\"fill\"></td></tr>")
                .count(),
            10
        );
        assert!(folded.contains("The other 1 action(s)") && folded.contains("NDG1-C10"));
        let page = html(&failing(10));
        assert!(!section(&page, "id=\"plan\"", "</section>").contains("plan-rest"));
    }

    #[test]
    fn findings_are_folded_and_expectations_read_as_sentences() {
        let mut c = encrypt();
        c.expectations = vec![assure::assess::Expectation {
            name: "ratio".into(),
            expected: "ge 90%".into(),
            actual: "87.3%".into(),
            measured: Some(0.873),
            threshold: Some(0.9),
            holds: false,
        }];
        let page = html(&assessment(vec![c]));
        assert!(page.contains("At least 90% of the records in scope must pass; 87.3% do. <strong>Not met.</strong>"));
        assert!(!page.contains("expected ge 90%"));
        let article = section(&page, "id=\"check-ndg1-encrypt\"", "</article>");
        let (visible, folded) = article.split_once("<details class=\"check-detail\">").unwrap();
        assert!(!visible.contains("<table"), "no findings table outside the fold");
        assert!(folded.contains("Findings for NDG1-ENCRYPT"));
    }
}
