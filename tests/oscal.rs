//! OSCAL outputs validated against the official NIST OSCAL 1.0.6 JSON Schemas in ../shared/schemas.

mod common;

use common::{EXAMPLE, assure};
use serde_json::Value;

fn schema(name: &str) -> Option<jsonschema::Validator> {
    let path = format!("{}/../shared/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let schema: Value = serde_json::from_str(&text).unwrap();
            Some(jsonschema::options().build(&schema).unwrap())
        }
        Err(_) if std::env::var_os("CI").is_none() => {
            println!("skipped: ../shared/schemas not found");
            None
        }
        Err(e) => panic!("CI must have ../shared/schemas: {e}"),
    }
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn assessment_results_validate_and_carry_every_check() {
    let (code, out, err) = assure(&["check", EXAMPLE, "--format", "oscal"]);
    assert_eq!(code, 1, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    if let Some(v) = schema("oscal_assessment-results_schema.json") {
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{errs:#?}");
        let mut broken = doc.clone();
        broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "maybe".into();
        assert!(!errors(&v, &broken).is_empty(), "the schema is really applied");
    }
    let result = &doc["assessment-results"]["results"][0];
    let json: Value = serde_json::from_str(&assure(&["check", EXAMPLE, "--format", "json"]).1).unwrap();
    let checks = json["results"].as_array().unwrap();
    let findings = result["findings"].as_array().unwrap();
    let decided = |c: &&Value| c["state"] != "not_applicable" && c["state"] != "manual";
    let applicable = checks.iter().filter(decided).count();
    assert_eq!(findings.len(), applicable);
    for c in checks.iter().filter(decided) {
        let f = findings
            .iter()
            .find(|f| f["target"]["target-id"] == c["id"])
            .unwrap_or_else(|| panic!("no finding for {}", c["id"]));
        let expected = if c["state"] == "pass" || c["state"] == "waived" {
            "satisfied"
        } else {
            "not-satisfied"
        };
        assert_eq!(f["target"]["status"]["state"], expected, "{}", c["id"]);
    }
    assert_eq!(
        result["observations"].as_array().unwrap().len(),
        checks.len(),
        "one observation per check"
    );
    let encrypt = result["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"].as_str().unwrap().starts_with("NDG1-ENCRYPT"))
        .unwrap();
    assert!(
        encrypt["description"]
            .as_str()
            .unwrap()
            .contains("managedDevices.json:"),
        "findings name file:line"
    );
    assert!(
        encrypt["relevant-evidence"][0]["description"]
            .as_str()
            .unwrap()
            .contains("SHA-256")
    );
    assert_eq!(
        out,
        assure(&["check", EXAMPLE, "--format", "oscal", "-j", "1"]).1,
        "deterministic"
    );
}

#[test]
fn the_pack_is_an_oscal_catalog() {
    let (code, out, err) = assure(&["list", "--format", "oscal"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    if let Some(v) = schema("oscal_catalog_schema.json") {
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "{errs:#?}");
    }
    let groups = doc["catalog"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 10, "one group per NDG standard");
    let list: Value = serde_json::from_str(&assure(&["list", "--format", "json"]).1).unwrap();
    let controls: usize = groups
        .iter()
        .map(|g| g["controls"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(controls, list.as_array().unwrap().len(), "one control per check");
}
