//! Hostile input: each case replaces one export of the example trust and asserts a clear diagnostic, no
//! panic, and that every check not needing that export still ran. Large inputs are generated at test time.

mod common;

use assert_cmd::Command;
use common::copy_example;
use serde_json::Value;

/// Runs the example with `file` replaced by `bytes`; returns the JSON assessment and stderr.
fn with_file(file: &str, bytes: &[u8]) -> (Value, String) {
    let d = copy_example();
    std::fs::write(d.path().join(file), bytes).unwrap();
    run(&d)
}

fn run(d: &tempfile::TempDir) -> (Value, String) {
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args([
            "check",
            d.path().to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let code = out.status.code().expect("exited normally, not killed by a signal");
    assert!(
        matches!(code, 0 | 3),
        "unexpected exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The checks that read the backup report (the list of critical systems).
const BACKUP_CHECKS: [&str; 4] = ["NDG6-LOGGING", "NDG7-BACKUP-FRESH", "NDG7-IMMUTABLE", "NDG7-RESTORE"];

/// The example with its own operating-system lifecycle table (`bytes`) added to the manifest.
fn with_lifecycle(bytes: &[u8]) -> (Value, String) {
    let d = copy_example();
    std::fs::create_dir_all(d.path().join("reference")).unwrap();
    std::fs::write(d.path().join("reference/os_lifecycle.csv"), bytes).unwrap();
    let manifest = d.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(
        "datasets:\n",
        "datasets:\n  os_lifecycle:\n    files: reference/os_lifecycle.csv\n",
        1,
    );
    std::fs::write(&manifest, text).unwrap();
    run(&d)
}

/// The checks in state `error` and the error of the first, asserting all others were assessed.
fn errored(v: &Value) -> (Vec<String>, String) {
    let results = v["results"].as_array().unwrap();
    assert!(results.len() >= 45, "every check of the pack is reported");
    let errors: Vec<&Value> = results.iter().filter(|r| r["state"] == "error").collect();
    let ids = errors.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let first = errors
        .first()
        .map_or(String::new(), |r| r["error"].as_str().unwrap().to_string());
    assert!(
        results
            .iter()
            .filter(|r| r["state"] != "error")
            .all(|r| r["summary"].as_str().is_some())
    );
    (ids, first)
}

#[test]
fn yaml_alias_bomb() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let (v, stderr) = with_file("registers/incidents.yaml", bomb.as_bytes());
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG5-LESSONS", "NDG6-12H", "NDG6-ICO"]);
    assert!(
        error.contains("registers/incidents.yaml:") && error.contains("alias bomb"),
        "{error}"
    );
    assert!(stderr.contains("alias bomb"));
}

#[test]
fn deep_nesting_in_yaml_and_json() {
    let (v, _) = with_file("registers/suppliers.yaml", "[".repeat(100_000).as_bytes());
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG10-ASSURED", "NDG10-EXPIRED"]);
    assert!(
        error.contains("recursion limit") || error.contains("nesting"),
        "{error}"
    );
    let (v, _) = with_file("registers/backups.json", "[".repeat(100_000).as_bytes());
    let (ids, error) = errored(&v);
    assert_eq!(ids, BACKUP_CHECKS);
    assert!(error.contains("nesting deeper than 256 levels"), "{error}");
}

#[test]
fn a_200_mb_single_line_json_export() {
    // Personal Android phones on a supported release: every device check passes or is out of scope, so the
    // test measures loading 200 MB rather than rendering millions of findings.
    let record = r#"{"deviceName":"NSH-LT-00001","managedDeviceOwnerType":"personal","operatingSystem":"Android","osVersion":"16","isEncrypted":true,"complianceState":"compliant","lastSyncDateTime":"2026-10-30T08:00:00Z"}"#;
    let count = 200 * 1024 * 1024 / (record.len() + 1);
    let mut text = String::with_capacity(count * (record.len() + 1) + 16);
    text.push_str("{\"value\":[");
    for i in 0..count {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&record.replace("00001", &format!("{i:05}")));
    }
    text.push_str("]}");
    let (v, _) = with_file("exports/intune/managedDevices.json", text.as_bytes());
    let (ids, _) = errored(&v);
    assert!(ids.is_empty(), "{ids:?}");
    let devices = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["dataset"] == "devices")
        .unwrap();
    assert_eq!(devices["records"], count);
    assert!(devices["bytes"].as_u64().unwrap() > 200_000_000);
}

#[test]
fn invalid_utf8_is_named() {
    let (v, _) = with_file("exports/hr/staff.tsv", b"staff_id\tname\nS1\t\xff\xfe\xfd\n");
    let (ids, error) = errored(&v);
    assert_eq!(
        ids,
        [
            "NDG2-AUP",
            "NDG2-ROLES",
            "NDG3-ANNUAL",
            "NDG3-BOARD",
            "NDG3-SPECIALIST",
            "NDG4-ATTRIBUTABLE"
        ]
    );
    assert!(
        error.contains("line 2 holds the byte 0xFF, which is not UTF-8"),
        "{error}"
    );
}

#[test]
fn utf16_and_utf8_byte_order_marks_and_crlf_load() {
    let csv = "product,build,release,edition,end_of_support\r\nWindows,10.0.19045,Windows 10 22H2,Enterprise,2025-10-14\r\nWindows,10.0.26100,Windows 11 24H2,Enterprise,2027-10-12\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(csv.encode_utf16().flat_map(u16::to_le_bytes));
    let (v, _) = with_lifecycle(&utf16);
    assert!(errored(&v).0.is_empty());
    let os = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "NDG8-OS")
        .unwrap();
    assert_eq!(os["state"], "fail", "Windows 10 still found through the UTF-16 table");
    let (v, _) = with_lifecycle(format!("\u{feff}{csv}").as_bytes());
    assert!(errored(&v).0.is_empty());
}

#[test]
fn duplicate_keys_and_empty_files() {
    let (v, _) = with_file(
        "registers/backups.json",
        br#"[{"system": "EPR", "critical": true, "critical": false}]"#,
    );
    let (ids, error) = errored(&v);
    assert_eq!(ids, BACKUP_CHECKS);
    assert!(error.contains("duplicate key `critical`"), "{error}");
    let (v, _) = with_file("registers/backups.json", b"");
    let (ids, error) = errored(&v);
    assert_eq!(ids, BACKUP_CHECKS);
    assert!(error.contains("invalid JSON"), "{error}");
    // An empty YAML register or CSV is no records: the checks are not applicable rather than broken.
    let (v, _) = with_file("registers/suppliers.yaml", b"");
    assert!(errored(&v).0.is_empty());
    let suppliers = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "NDG10-ASSURED")
        .unwrap();
    assert_eq!(suppliers["state"], "not_applicable");
}

#[test]
fn ragged_and_quoted_newline_csv() {
    let (v, _) = with_file(
        "network/firewall-rules.csv",
        b"name,direction,action,source,destination,port\nweb,inbound,allow,0.0.0.0/0,203.0.113.1,443,extra\n",
    );
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG9-FW-DEFAULT-DENY", "NDG9-FW-EXPOSED"]);
    assert!(
        error.contains("network/firewall-rules.csv:2:1") && error.contains("a row has 7 cells but the header has 6"),
        "{error}"
    );
    let quoted = b"name,direction,action,source,destination,port,justification\n\"rdp\nany\",inbound,allow,0.0.0.0/0,203.0.113.1,3389,\"multi\nline\"\nweb,inbound,allow,0.0.0.0/0,203.0.113.1,443,ok\n";
    let (v, _) = with_file("network/firewall-rules.csv", quoted);
    let fw = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "NDG9-FW-EXPOSED")
        .unwrap();
    assert_eq!(fw["findings"][0]["key"], "rdp\nany");
    assert_eq!(fw["findings"][0]["line"], 2);
}

#[cfg(unix)]
#[test]
fn a_file_that_vanished_or_points_nowhere() {
    let d = copy_example();
    let p = d.path().join("exports/lms/training.csv");
    std::fs::remove_file(&p).unwrap();
    std::os::unix::fs::symlink(d.path().join("exports/lms/gone.csv"), &p).unwrap();
    let (v, _) = run(&d);
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG3-ADMINS", "NDG3-ANNUAL", "NDG3-BOARD", "NDG3-SPECIALIST"]);
    assert!(error.contains("broken or looping symlink"), "{error}");
}

#[test]
fn a_regex_over_the_size_limit_is_a_lint_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("pack.yaml"), "name: t\ntitle: t\nversion: '1'\n").unwrap();
    std::fs::write(root.join("datasets.yaml"), "datasets:\n  devices: { description: d }\n").unwrap();
    std::fs::write(
        root.join("s.yaml"),
        "standard: { id: S, title: s, statement: s }\nchecks:\n  - { id: S-1, title: t, severity: low, dataset: devices, assert: { field: x, matches: '(\\w{100}){100}' } }\n",
    )
    .unwrap();
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(["lint", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("regex does not compile") && stderr.contains("size limit"),
        "{stderr}"
    );
}
