//! Evidence is validated against the pack's dataset schemas before checks run: a bad export gets an error
//! naming the file, line and field; the checks reading that dataset report error; every other check runs.

mod common;

use common::{assure, copy_example};
use serde_json::Value;

#[test]
fn a_bad_value_is_reported_at_its_file_line_and_field_and_errors_only_its_checks() {
    let repo = copy_example();
    let devices = repo.path().join("exports/intune/managedDevices.json");
    let text = std::fs::read_to_string(&devices).unwrap();
    let line = text.lines().position(|l| l.contains("\"isEncrypted\": true")).unwrap() + 1;
    std::fs::write(
        &devices,
        text.replacen("\"isEncrypted\": true", "\"isEncrypted\": \"maybe\"", 1),
    )
    .unwrap();

    let (_, out, err) = assure(&["check", repo.path().to_str().unwrap(), "--format", "json"]);
    assert!(
        err.contains(&format!("exports/intune/managedDevices.json:{line}")),
        "the diagnostic names file and line {line}: {err}"
    );
    assert!(err.contains("field `isEncrypted`"), "{err}");
    assert!(err.contains("assure schema --dataset devices"), "{err}");

    let v: Value = serde_json::from_str(&out).unwrap();
    let state = |id: &str| v["results"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["state"].clone();
    assert_eq!(
        state("NDG1-ENCRYPT"),
        "error",
        "checks on the bad dataset do not pass or fail"
    );
    assert_eq!(state("NDG8-OS"), "error");
    assert_eq!(state("NDG4-LEAVERS"), "fail", "checks on other datasets still run");
    let enc = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "NDG1-ENCRYPT")
        .unwrap();
    assert!(
        enc["error"]
            .as_str()
            .unwrap()
            .contains("do not match the `devices` schema")
    );
}

#[test]
fn a_missing_key_column_is_reported() {
    let repo = copy_example();
    let leavers = repo.path().join("exports/hr/leavers.csv");
    let text = std::fs::read_to_string(&leavers).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[0] = lines[0].replace("Leaving Date", "Leave Dt");
    std::fs::write(&leavers, lines.join("\n") + "\n").unwrap();
    let (_, _, err) = assure(&["check", repo.path().to_str().unwrap(), "-q"]);
    assert!(err.contains("exports/hr/leavers.csv:2"), "{err}");
    assert!(err.contains("field `leave_date`") && err.contains("required"), "{err}");
}

#[test]
fn the_shipped_example_matches_every_schema() {
    let (_, _, err) = assure(&["check", "examples/northshire", "-q"]);
    assert!(!err.contains("evidence-schema"), "{err}");
}

#[test]
fn schema_dataset_prints_the_record_schema() {
    let (code, out, _) = assure(&["schema", "--dataset", "leavers"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["required"], serde_json::json!(["employee_id", "leave_date"]));
    let (code, _, err) = assure(&["schema", "--dataset", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("known:"), "{err}");
}
