//! Hostile input: each case replaces one export of the example trust and asserts a clear diagnostic, no
//! panic, and that every check not needing that export still ran. Large inputs are generated at test time.

mod common;

use assert_cmd::Command;
use common::copy_example;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

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
        error.contains("line 2, column 4 holds the byte 0xFF, which is not UTF-8"),
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
    // An empty YAML register is no evidence, not "no suppliers": its checks error (tests below for the rest).
    let (v, _) = with_file("registers/suppliers.yaml", b"");
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG10-ASSURED", "NDG10-EXPIRED"]);
    assert!(error.contains("the file is empty"), "{error}");
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

// ------------------------------------------------------------------------------------------------------------
// #25: files outside the repo, special files, terminal safety, nothing silently accepted.

/// What a private file outside the repo holds; it must appear in no output.
const PRIVATE: &str = "PRIVATE-KEY-MATERIAL-7f3a";

/// `assure ARGS` with a time limit (a blocked read is a failure, not a hung test run): exit code, stdout,
/// stderr.
fn assure(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(args)
        .env("COLUMNS", "200")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A private file outside the repo, written as a valid waivers/reviews file would be, so that only the jail
/// (not a parse error) keeps it out.
fn private_file() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("id_rsa"),
        format!("waivers:\n  - {{ check: NDG8-OS, reason: {PRIVATE}, approver: {PRIVATE}, expires: 2099-01-01 }}\nreviews:\n  - {{ check: NDG7-CONTACTS, verdict: met, comment: {PRIVATE}, assessor: {PRIVATE}, date: 2026-01-01 }}\n"),
    )
    .unwrap();
    std::fs::write(outside.path().join("report.html.j2"), format!("<p>{PRIVATE}</p>")).unwrap();
    outside
}

#[cfg(unix)]
#[test]
fn waivers_reviews_and_the_manifest_are_read_only_from_inside_the_repo() {
    let outside = private_file();
    for name in ["waivers.yaml", "reviews.yaml"] {
        let d = copy_example();
        let _ = std::fs::remove_file(d.path().join(name));
        std::os::unix::fs::symlink(outside.path().join("id_rsa"), d.path().join(name)).unwrap();
        let html = d.path().join("out.html");
        let sarif = d.path().join("out.sarif");
        let (code, stdout, stderr) = assure(&[
            "check",
            path(d.path()),
            "--format",
            "json",
            "--fail-on",
            "none",
            "--html",
            path(&html),
            "--sarif",
            path(&sarif),
        ]);
        assert!(matches!(code, Some(0 | 3)), "{stderr}");
        assert!(
            stderr.contains(&format!("{name} is a symlink to a file outside the config repo")),
            "{stderr}"
        );
        assert!(stderr.contains("copy the file into the config repo"), "{stderr}");
        for text in [
            stdout.clone(),
            stderr.clone(),
            std::fs::read_to_string(&html).unwrap(),
            std::fs::read_to_string(&sarif).unwrap(),
        ] {
            assert!(!text.contains(PRIVATE), "{name}: the refused file's content leaked");
        }
        let v: Value = serde_json::from_str(&stdout).unwrap();
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["location"] == name)
        );
    }

    // A manifest linked to the process environment would print CI secrets: refused, and they appear nowhere.
    let d = copy_example();
    std::fs::remove_file(d.path().join("assure.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", d.path().join("assure.yaml")).unwrap();
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(["check", path(d.path())])
        .env("CI_SECRET_TOKEN", PRIVATE)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("assure.yaml is a symlink to a file outside the config repo"),
        "{stderr}"
    );
    assert!(!stderr.contains(PRIVATE) && !String::from_utf8_lossy(&out.stdout).contains(PRIVATE));
}

#[cfg(unix)]
#[test]
fn templates_and_baselines_kept_in_the_repo_stay_in_it_and_explicit_paths_elsewhere_are_read() {
    let outside = private_file();
    let d = copy_example();
    std::fs::create_dir(d.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("report.html.j2"),
        d.path().join("templates/report.html.j2"),
    )
    .unwrap();
    let html = d.path().join("out.html");
    let templates = d.path().join("templates");
    let (code, stdout, stderr) = assure(&[
        "report",
        path(d.path()),
        "--templates",
        path(&templates),
        "--html",
        path(&html),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("report.html.j2 is a symlink to a file outside the config repo"),
        "{stderr}"
    );
    assert!(!stdout.contains(PRIVATE) && !stderr.contains(PRIVATE) && !html.exists());
    // The same template in a directory of the user's own, outside the repo, is their explicit choice.
    let (code, _, stderr) = assure(&[
        "report",
        path(d.path()),
        "--templates",
        path(outside.path()),
        "--html",
        path(&html),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::read_to_string(&html).unwrap().contains(PRIVATE));

    // A baseline: in the repo, a symlink out of it is refused; outside the repo, the file is read.
    let (_, json, _) = assure(&["check", path(d.path()), "--format", "json", "--fail-on", "none"]);
    let last_month = outside.path().join("last-month.json");
    std::fs::write(&last_month, &json).unwrap();
    std::os::unix::fs::symlink(&last_month, d.path().join("baseline.json")).unwrap();
    let (code, _, stderr) = assure(&[
        "check",
        path(d.path()),
        "--baseline",
        path(&d.path().join("baseline.json")),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("baseline.json is a symlink to a file outside the config repo"),
        "{stderr}"
    );
    let (code, _, stderr) = assure(&[
        "check",
        path(d.path()),
        "--baseline",
        path(&last_month),
        "--fail-on",
        "none",
    ]);
    assert!(matches!(code, Some(0 | 3)), "{stderr}");
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let status = std::process::Command::new("mkfifo").arg(p).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_device_or_proc_file_is_refused_up_front_without_hanging() {
    for name in ["assure.yaml", "waivers.yaml", "reviews.yaml"] {
        let d = copy_example();
        let _ = std::fs::remove_file(d.path().join(name));
        mkfifo(&d.path().join(name));
        let (code, _, stderr) = assure(&["check", path(d.path()), "--format", "json", "--fail-on", "none"]);
        assert!(code.is_some(), "{name}: the run was killed (a FIFO blocked it)");
        assert!(
            stderr.contains(&format!("{name} is a FIFO (named pipe), not a regular file")),
            "{name}: {stderr}"
        );
        assert_eq!(code == Some(2), name == "assure.yaml", "{stderr}");
    }
    // An export that is a symlink to /dev/zero would be read forever: it is refused, the rest still runs.
    let d = copy_example();
    let staff = d.path().join("exports/hr/staff.tsv");
    std::fs::remove_file(&staff).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &staff).unwrap();
    let (v, stderr) = run(&d);
    let (ids, _) = errored(&v);
    assert!(ids.contains(&"NDG2-AUP".to_string()), "{ids:?}");
    assert!(
        stderr.contains("exports/hr/staff.tsv is a symlink to a file outside the config repo"),
        "{stderr}"
    );
    // Named on the command line a device or pseudo-file is still no baseline.
    for (given, why) in [
        ("/dev/zero", "is a device"),
        ("/proc/self/environ", "different number of bytes"),
    ] {
        if !Path::new(given).exists() {
            continue;
        }
        let (code, _, stderr) = assure(&["check", path(d.path()), "--baseline", given]);
        assert_eq!(code, Some(2));
        assert!(stderr.contains(why), "{given}: {stderr}");
    }
}

#[test]
fn every_read_has_a_size_limit_set_in_the_manifest() {
    let d = copy_example();
    let manifest = d.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\nlimits: {{ evidence_mib: 1, config_mib: 1 }}\n"),
    )
    .unwrap();
    let rules = d.path().join("network/firewall-rules.csv");
    let mut csv = std::fs::read_to_string(&rules).unwrap();
    let row = "web-https,inbound,allow,0.0.0.0/0,203.0.113.10,443,Public website and patient portal,CAB-2024-113\n";
    while csv.len() <= 1 << 20 {
        csv.push_str(&row.replacen("web-https", &format!("web-{}", csv.len()), 1));
    }
    std::fs::write(&rules, csv).unwrap();
    std::fs::write(
        d.path().join("waivers.yaml"),
        format!("# {}\nwaivers: []\n", "x".repeat(1 << 20)),
    )
    .unwrap();
    let (v, stderr) = run(&d);
    let (ids, error) = errored(&v);
    assert_eq!(ids, ["NDG9-FW-DEFAULT-DENY", "NDG9-FW-EXPOSED"]);
    assert!(
        error.contains("network/firewall-rules.csv is 1.0 MiB but the limit is 1.0 MiB"),
        "{error}"
    );
    assert!(stderr.contains("raise `limits:` in assure.yaml"), "{stderr}");
    assert!(
        stderr.contains("waivers.yaml is 1.0 MiB but the limit is 1.0 MiB"),
        "{stderr}"
    );
}

#[test]
fn evidence_cannot_drive_the_terminal() {
    let d = copy_example();
    let rules = d.path().join("network/firewall-rules.csv");
    let mut csv = std::fs::read_to_string(&rules).unwrap();
    csv.push_str(
        "\"rdp\u{1b}]0;owned\u{7}\u{1b}[2J\u{8}\r\u{202e}nimda\",inbound,allow,0.0.0.0/0,203.0.113.12,3389,x,y\n",
    );
    std::fs::write(&rules, csv).unwrap();
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(["check", path(d.path()), "--fail-on", "none"])
        .env("CLICOLOR_FORCE", "1")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("rdp\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{8}\\u{d}\\u{202e}nimda"),
        "the key is shown escaped: {stdout}"
    );
    // Colour stays (ESC followed by `[` and a colour code); nothing else from the export reaches the terminal.
    assert!(
        stdout.contains("\u{1b}[31m") || stdout.contains("\u{1b}[1m"),
        "colour is still on"
    );
    for raw in ["\u{1b}]", "\u{7}", "\u{1b}[2J", "\u{8}", "\r", "\u{202e}"] {
        assert!(!stdout.contains(raw), "{raw:?} reached the terminal");
    }
}

#[test]
fn an_export_holding_no_records_is_an_error_unless_the_manifest_allows_it() {
    let training = ["NDG3-ADMINS", "NDG3-ANNUAL", "NDG3-BOARD", "NDG3-SPECIALIST"];
    let header = std::fs::read_to_string(Path::new(common::EXAMPLE).join("exports/lms/training.csv")).unwrap();
    let header = format!("{}\n", header.lines().next().unwrap());
    for (bytes, why) in [
        (b"".to_vec(), "the file is empty"),
        (header.into_bytes(), "the file holds no records"),
        (vec![0u8; 4096], "the file holds only NUL bytes"),
    ] {
        let (v, stderr) = with_file("exports/lms/training.csv", &bytes);
        let (ids, error) = errored(&v);
        assert_eq!(ids, training, "{why}");
        assert!(
            error.contains(why) && error.contains("exports/lms/training.csv"),
            "{error}"
        );
        assert!(stderr.contains("allow_empty: true"), "{stderr}");
    }
    let (v, _) = with_file("exports/intune/managedDevices.json", br#"{"value": []}"#);
    let (ids, error) = errored(&v);
    assert_eq!(
        ids,
        [
            "NDG1-ENCRYPT",
            "NDG6-EDR",
            "NDG8-OS",
            "NDG8-UPCOMING",
            "NDG9-BASELINE",
            "NDG9-HOST-FW",
            "NDG9-STALE-DEVICES"
        ]
    );
    assert!(error.contains("holds no records"), "{error}");

    // Exit 3: the run could not assess everything.
    let d = copy_example();
    std::fs::write(d.path().join("exports/lms/training.csv"), b"").unwrap();
    let (code, _, _) = assure(&["check", path(d.path()), "--fail-on", "none"]);
    assert_eq!(code, Some(3));
    // A dataset the manifest says may be empty is simply empty.
    let manifest = d.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replacen(
        "    files: exports/lms/training.csv\n",
        "    files: exports/lms/training.csv\n    allow_empty: true\n",
        1,
    );
    assert!(text.contains("allow_empty"));
    std::fs::write(&manifest, text).unwrap();
    let (v, _) = run(&d);
    assert!(errored(&v).0.is_empty());
}

/// `check` on `d` as JSON with `--redact` when asked: the JSON, stderr.
fn run_redacted(d: &tempfile::TempDir, redact: bool) -> (String, String) {
    let mut args = vec!["check", path(d.path()), "--format", "json", "--fail-on", "none"];
    if redact {
        args.push("--redact");
    }
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(&args)
        .env("COLUMNS", "200")
        .env("NO_COLOR", "1")
        .env("ASSURE_REDACT_KEY", "0123456789abcdef-test")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 3)));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_malformed_row_never_prints_its_secrets_nor_personal_values_under_redact() {
    let d = copy_example();
    let staff = d.path().join("exports/hr/staff.tsv");
    let text = std::fs::read_to_string(&staff).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0].push_str("\tnational_insurance_number");
    for (i, l) in lines.iter_mut().enumerate().skip(1) {
        l.push_str(&format!("\tQQ{i:06}C"));
    }
    lines[3].push_str("\tstray cell");
    let personal: Vec<String> = lines[2..5]
        .iter()
        .flat_map(|l| l.split('\t').take(2).map(str::to_string).collect::<Vec<_>>())
        .collect();
    std::fs::write(&staff, lines.join("\n") + "\n").unwrap();
    for redact in [false, true] {
        let (json, stderr) = run_redacted(&d, redact);
        assert!(stderr.contains("exports/hr/staff.tsv:4"), "{stderr}");
        assert!(
            stderr.contains("[hidden]"),
            "the malformed row's cells are hidden: {stderr}"
        );
        assert!(
            stderr.contains("[secret]"),
            "the aligned rows around it mask the secret column: {stderr}"
        );
        for i in 1..lines.len() {
            let ni = format!("QQ{i:06}C");
            assert!(
                !stderr.contains(&ni) && !json.contains(&ni),
                "{ni} leaked (redact: {redact})"
            );
        }
        if redact {
            for value in &personal {
                assert!(
                    !stderr.contains(value.as_str()),
                    "{value} leaked under --redact: {stderr}"
                );
            }
        }
    }
}

#[test]
fn a_snippet_masks_a_secret_json_value_and_escapes_control_characters() {
    let d = copy_example();
    let devices = d.path().join("exports/intune/managedDevices.json");
    let text = std::fs::read_to_string(&devices).unwrap().replacen(
        "\"deviceName\": \"NSH-LT-00001\",",
        "\"deviceName\": \"NSH-LT-00001\", \"imei\": \"352099001761481\" \"note\": \"\u{1b}]0;owned\u{7}\u{202e}\",",
        1,
    );
    std::fs::write(&devices, text).unwrap();
    let (json, stderr) = run_redacted(&d, false);
    assert!(stderr.contains("exports/intune/managedDevices.json:6"), "{stderr}");
    assert!(stderr.contains("\"imei\": [secret]"), "{stderr}");
    assert!(!stderr.contains("352099001761481") && !json.contains("352099001761481"));
    assert!(stderr.contains("\\u{1b}]0;owned\\u{7}\\u{202e}"), "{stderr}");
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && !stderr.contains('\u{202e}'));
}

#[test]
fn a_schema_message_never_quotes_a_personal_value_under_redact() {
    let d = copy_example();
    let mfa = d.path().join("exports/entra/userRegistrationDetails.json");
    let text = std::fs::read_to_string(&mfa).unwrap();
    let upn = text
        .split("\"userPrincipalName\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let text = text.replacen(&format!("\"{upn}\""), &format!("[\"{upn}\"]"), 1);
    std::fs::write(&mfa, text).unwrap();
    let (json, stderr) = run_redacted(&d, false);
    assert!(
        json.contains(&upn),
        "without --redact the message says what the value is"
    );
    let (json, stderr_redacted) = run_redacted(&d, true);
    assert!(stderr.contains("userPrincipalName"), "{stderr}");
    assert!(
        stderr_redacted.contains("[personal] is not of type"),
        "{stderr_redacted}"
    );
    assert!(
        !json.contains(&upn) && !stderr_redacted.contains(&upn),
        "{upn} leaked under --redact"
    );
}

/// The example with an `imei` (a `secret` field of `devices`) on every device: the values, and the repo.
fn example_with_imeis() -> (tempfile::TempDir, Vec<String>) {
    let d = copy_example();
    let devices = d.path().join("exports/intune/managedDevices.json");
    let text = std::fs::read_to_string(&devices).unwrap();
    let mut parts = text.split("\"deviceName\": ");
    let mut out = parts.next().unwrap().to_string();
    let mut imeis = Vec::new();
    for (i, part) in parts.enumerate() {
        // Written with dashes, as some exports do, so it is also a value no number conversion reads.
        let imei = format!("35-2099-{i:06}-7");
        out.push_str(&format!("\"imei\": \"{imei}\", \"deviceName\": {part}"));
        imeis.push(imei);
    }
    std::fs::write(&devices, out).unwrap();
    (d, imeis)
}

/// The pack's own files plus `extra` as one more standards file, in a new directory.
fn pack_with_standard(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new("standards") {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix("standards").unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::write(dir.path().join("zz-extra.yaml"), extra).unwrap();
    dir
}

/// Every output file of `check --output-dir`, the human output and stderr, and the HTML and Markdown reports
/// of `report`, each with its name: everything a run can write. `extra` is added to both commands.
fn every_output(repo: &Path, extra: &[&str], key: &str) -> Vec<(String, String)> {
    let out_dir = tempfile::tempdir().unwrap();
    let run = |args: Vec<&str>| {
        let out = Command::cargo_bin("assure")
            .unwrap()
            .args(&args)
            .env("COLUMNS", "200")
            .env("NO_COLOR", "1")
            .env("ASSURE_REDACT_KEY", key)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1 | 3)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let mut args = vec![
        "check",
        path(repo),
        "--fail-on",
        "none",
        "--output-dir",
        path(out_dir.path()),
    ];
    args.extend(extra);
    let (human, stderr) = run(args);
    let mut outputs = vec![("human output".to_string(), human), ("stderr".to_string(), stderr)];
    let mut written: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    written.sort();
    assert_eq!(written.len(), 9, "every format: {written:?}");
    for file in written {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        outputs.push((name, std::fs::read_to_string(&file).unwrap()));
    }
    let html = out_dir.path().join("report.html");
    let md = out_dir.path().join("report.md");
    let mut args = vec!["report", path(repo), "--html", path(&html), "--markdown", path(&md)];
    args.extend(extra);
    let (_, stderr) = run(args);
    outputs.push(("report stderr".to_string(), stderr));
    for file in [&html, &md] {
        outputs.push((file.display().to_string(), std::fs::read_to_string(file).unwrap()));
    }
    outputs
}

/// `(output, value)` for every value of `values` found in any output.
fn leaks<'a>(outputs: &'a [(String, String)], values: &'a [String]) -> Vec<(&'a str, &'a str)> {
    outputs
        .iter()
        .flat_map(|(name, text)| {
            values
                .iter()
                .filter(|v| text.contains(v.as_str()))
                .map(move |v| (name.as_str(), v.as_str()))
        })
        .collect()
}

/// Checks that print a secret without naming it where the lint looks: the record whole, its every value, a
/// field name put together, the secret tested (its observed value), read as a number (the error quotes an
/// example value) and used in an expression that fails on it.
const SECRET_PRINTERS: &str = r#"standard: { id: ZZ, number: 99, title: Secret printers, statement: Checks that try to print a secret. }
checks:
  - id: ZZ-TOJSON
    title: The whole record in the message
    severity: low
    dataset: devices
    assert: { field: isEncrypted, eq: true }
    message: "{{ record|tojson }}"
  - id: ZZ-ITEMS
    title: Every value in the message
    severity: low
    dataset: devices
    assert: { field: isEncrypted, eq: true }
    message: "{% for k, v in record|items %}{{ v }} {% endfor %}"
  - id: ZZ-BUILT-NAME
    title: A field name put together
    severity: low
    dataset: devices
    assert: { field: isEncrypted, eq: true }
    message: "{{ record['im' ~ 'ei'] }}"
  - id: ZZ-OBSERVED
    title: The secret tested
    severity: low
    dataset: devices
    assert: { field: imei, eq: "0" }
  - id: ZZ-UNREADABLE
    title: The secret read as a number
    severity: low
    dataset: devices
    assert: { field: imei, as: number, gt: 0 }
  - id: ZZ-EXPR
    title: An expression over the secret
    severity: low
    dataset: devices
    assert: { expr: "record['im' ~ 'ei'] ~ '' == 'x'" }
    message: "{{ record|dictsort }}"
"#;

#[test]
fn secret_values_reach_no_output_however_a_check_prints_them() {
    let (repo, imeis) = example_with_imeis();
    let pack = pack_with_standard(SECRET_PRINTERS);
    let outputs = every_output(
        repo.path(),
        &["--standards", path(pack.path())],
        "0123456789abcdef-test",
    );
    assert_eq!(leaks(&outputs, &imeis), Vec::<(&str, &str)>::new());
    let json: Value = serde_json::from_str(&outputs.iter().find(|(n, _)| n == "assure.json").unwrap().1).unwrap();
    let zz: Vec<&Value> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("ZZ-"))
        .collect();
    assert_eq!(zz.len(), 6, "every printer ran");
    for r in &zz {
        let text = r.to_string();
        assert!(
            text.contains("[secret]"),
            "{}: the secret is shown masked: {text}",
            r["id"]
        );
    }
    let unreadable = zz.iter().find(|r| r["id"] == "ZZ-UNREADABLE").unwrap();
    assert_eq!(unreadable["state"], "error");
    assert!(
        unreadable["error"].as_str().unwrap().contains("(e.g. `[secret]`"),
        "{unreadable}"
    );
    // The records the secrets belong to are in the outputs: the values had every chance to leak.
    assert!(outputs.iter().filter(|(_, t)| t.contains("NSH-LT-00001")).count() >= 5);
}

#[test]
fn a_check_that_names_a_secret_where_it_would_print_is_a_lint_error() {
    let named = r#"standard: { id: ZZ, number: 99, title: Secret namers, statement: Checks that name a secret. }
checks:
  - id: ZZ-KEY
    title: The secret as the key
    severity: low
    dataset: devices
    key: imei
    assert: { field: isEncrypted, eq: true }
  - id: ZZ-MESSAGE
    title: The secret in the message
    severity: low
    dataset: devices
    assert: { field: isEncrypted, eq: true }
    message: "{{ deviceName }} has IMEI {{ imei }}"
  - id: ZZ-SUMMARY
    title: The secret in the summary
    severity: low
    dataset: devices
    assert: { field: isEncrypted, eq: true }
    summary: "{{ record['imei'] }}"
  - id: ZZ-EXPR
    title: The secret in an expression
    severity: low
    dataset: devices
    where: { any: [ { field: isEncrypted, eq: false }, { expr: "imei | length > 3" } ] }
    assert: { field: isEncrypted, eq: true }
  - id: ZZ-MAX
    title: The secret's largest value
    severity: low
    dataset: devices
    expect: { max: { field: phoneNumber, lt: "9" } }
  - id: ZZ-TESTED
    title: Testing a secret is allowed
    severity: low
    dataset: devices
    assert: { field: imei, exists: true }
    message: "{{ deviceName }} has no IMEI (the imei is checked, not shown)"
"#;
    let pack = pack_with_standard(named);
    let (code, stdout, stderr) = assure(&["lint", path(pack.path())]);
    let all = format!("{stdout}{stderr}");
    assert_ne!(code, Some(0), "{all}");
    for (id, named, line) in [
        ("ZZ-KEY", "`imei`", 7),
        ("ZZ-MESSAGE", "`imei`", 14),
        ("ZZ-SUMMARY", "`imei`", 20),
        ("ZZ-EXPR", "`imei`", 25),
        ("ZZ-MAX", "`phoneNumber`", 31),
    ] {
        assert!(
            all.contains(&format!("{id}: ")) && all.contains(named),
            "{id} is reported: {all}"
        );
        assert!(
            all.contains(&format!("zz-extra.yaml:{line}")),
            "{id} at line {line}: {all}"
        );
    }
    assert!(
        !all.contains("ZZ-TESTED:"),
        "testing a secret and naming it in plain text is fine: {all}"
    );
    assert_eq!(all.matches("assure::secret-field").count(), 5, "{all}");
}

/// Every value the example's exports hold in a field their dataset marks `personal`, read as assure reads
/// them (presets, renames), with the approvers and assessors the waivers and reviews name.
fn personal_values_of_the_example() -> Vec<String> {
    let (pack, _) = assure::pack::load_files(assure::pack::embedded_files());
    let (evidence, _) = assure::evidence::load(Path::new(common::EXAMPLE), &pack.presets).unwrap();
    let mut values = std::collections::BTreeSet::new();
    for (name, dataset) in &evidence.datasets {
        let Some(spec) = pack.datasets.get(name) else { continue };
        for record in &dataset.records {
            for field in &spec.personal {
                if let Some(text) = record.get(field).and_then(assure::engine::types::scalar_text) {
                    let text = text.trim();
                    // A value of a character or two says nothing about anyone and matches everywhere.
                    if text.chars().count() > 2 {
                        values.insert(text.to_string());
                    }
                }
            }
        }
    }
    for w in &evidence.waivers {
        values.insert(w.spec.approver.clone());
    }
    for r in &evidence.reviews {
        values.insert(r.spec.assessor.clone());
        values.extend(r.spec.records.iter().cloned());
    }
    // What the pack itself says (a role such as "IG lead" in a remediation) is the pack's text, not the trust's.
    let pack_text: String = assure::pack::embedded_files()
        .iter()
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    values.into_iter().filter(|v| !pack_text.contains(v.as_str())).collect()
}

#[test]
fn redact_leaves_no_personal_value_of_the_example_in_any_output_or_report() {
    let personal = personal_values_of_the_example();
    assert!(
        personal.len() > 100,
        "the example holds personal values: {}",
        personal.len()
    );
    let repo = Path::new(common::EXAMPLE);
    let outputs = every_output(repo, &["--redact"], "northshire-ig-team-2026");
    assert_eq!(outputs.len(), 14);
    assert_eq!(leaks(&outputs, &personal), Vec::<(&str, &str)>::new());
    for (name, text) in &outputs {
        if name.ends_with("json") || name.ends_with("html") {
            assert!(text.contains("anon-"), "{name} shows pseudonyms");
        }
    }
    // Without --redact the same outputs show them: the search finds what it looks for.
    let plain = every_output(repo, &[], "northshire-ig-team-2026");
    assert!(leaks(&plain, &personal).len() > 50);
}

/// Compiles `check_yaml` straight into a runnable check, as the lint would not let the pack do for a check that
/// names a secret, and runs it on `data` (with `--redact`'s key when given).
fn run_unlinted(check_yaml: &str, data: &str, redact: bool) -> assure::assess::CheckResult {
    let (pack, _) = common::load("");
    let spec: assure::spec::CheckSpec =
        serde_json::from_value(assure::core::yaml::parse(check_yaml, usize::MAX).unwrap().value).unwrap();
    let mut check = assure::pack::compile::compile(assure::pack::compile::CompileInput {
        spec: &spec,
        standard: "T1",
        pointer: "/checks/0",
        datasets: Some(&pack.datasets),
        overrides: None,
        lists: None,
        as_of: jiff::Timestamp::UNIX_EPOCH,
    })
    .unwrap_or_else(|_| panic!("compiles"));
    check.redaction = redact.then(|| assure::core::redact::Redaction::with_key(b"0123456789abcdef"));
    let data: std::collections::BTreeMap<String, Vec<Value>> =
        serde_json::from_value(assure::core::yaml::parse(data, usize::MAX).unwrap().value).unwrap();
    assure::engine::run_check(&check, &assure::evidence::Evidence::from_inline(&data))
}

#[test]
fn the_engine_masks_a_secret_key_message_and_aggregate_whatever_the_lint_says() {
    // The test pack's `devices` marks `pin` secret and `userPrincipalName` personal.
    let data = "devices:\n  - { deviceName: A, pin: '918273', userPrincipalName: ann@trust.nhs.uk, n: 5 }\n  - { deviceName: B, pin: '564738', userPrincipalName: bob@trust.nhs.uk, n: 9 }\n";
    let secret = "id: T-SECRET\ntitle: t\nseverity: low\ndataset: devices\nkey: pin\nassert: { field: n, lt: 0 }\nmessage: '{{ deviceName }} {{ pin }}'\n";
    let r = run_unlinted(secret, data, false);
    let text = serde_json::to_string(&r).unwrap();
    assert_eq!(r.findings.len(), 2, "{text}");
    assert!(
        r.findings
            .iter()
            .all(|f| f.key == "[secret]" && f.message.ends_with(" [secret]")),
        "{text}"
    );
    let max =
        "id: T-MAX\ntitle: t\nseverity: low\ndataset: devices\nexpect: { max: { field: pin, as: number, lt: 1 } }\n";
    let r = run_unlinted(max, data, false);
    let text = serde_json::to_string(&r).unwrap();
    assert_eq!(r.expectations[0].actual, "[secret]", "{text}");
    assert_eq!(r.expectations[0].measured, None);
    for pin in ["918273", "564738"] {
        assert!(!text.contains(pin), "{pin} in {text}");
    }

    // A personal field as the key, or as the aggregate, is pseudonymised under --redact only.
    let personal_key =
        "id: T-UPN\ntitle: t\nseverity: low\ndataset: devices\nkey: userPrincipalName\nassert: { field: n, lt: 0 }\n";
    let personal_max = "id: T-UPN-MAX\ntitle: t\nseverity: low\ndataset: devices\nexpect: { max: { field: userPrincipalName, lt: a } }\n";
    for redact in [false, true] {
        let keys = run_unlinted(personal_key, data, redact);
        let max = run_unlinted(personal_max, data, redact);
        let text = serde_json::to_string(&(&keys, &max)).unwrap();
        assert_eq!(text.contains("bob@trust.nhs.uk"), !redact, "{text}");
        assert_eq!(text.contains("ann@trust.nhs.uk"), !redact, "{text}");
        assert_eq!(max.expectations[0].actual.starts_with("anon-"), redact, "{text}");
        assert!(
            keys.findings.iter().all(|f| f.key.starts_with("anon-") == redact),
            "{text}"
        );
    }
}

#[test]
fn what_the_manifest_sets_wrongly_is_shown_at_its_line_in_assure_yaml() {
    let d = copy_example();
    let manifest = d.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // Below the check's minimum (50), a parameter the check lacks, a check the pack lacks, a list it lacks.
    let text = text.replace(
        "NDG3-ANNUAL: { threshold: 90 }",
        "NDG3-ANNUAL: { threshold: 20, treshold: 90 }",
    ) + "  NDG3-ANUAL: { threshold: 90 }\nlists:\n  allow_action: [forward]\n";
    std::fs::write(&manifest, &text).unwrap();
    let (code, _, stderr) = assure(&["check", path(d.path()), "--format", "json", "--fail-on", "none"]);
    assert_eq!(code, Some(2), "{stderr}");
    let at = |needle: &str| format!("assure.yaml:{}", line_of(&text, needle));
    for (message, line) in [
        (
            "the manifest's value for `NDG3-ANNUAL.threshold`: 20 is below the minimum 50",
            at("threshold: 20"),
        ),
        ("the check has no parameter `treshold`", at("threshold: 20")),
        (
            "sets params for `NDG3-ANUAL`, which is not a check in the pack",
            at("NDG3-ANUAL:"),
        ),
        (
            "adds to list `allow_action`, which the pack does not have",
            at("allow_action:"),
        ),
    ] {
        let found = stderr.lines().position(|l| l.contains(message));
        let found = found.unwrap_or_else(|| panic!("{message}: {stderr}"));
        assert!(
            stderr.lines().skip(found).take(4).any(|l| l.contains(&line)),
            "{message} is not shown at {line}: {stderr}"
        );
    }
    assert!(stderr.contains("the pack allows a number from 50 to 100"), "{stderr}");
    assert!(stderr.contains("did you mean `NDG3-ANNUAL`?"), "{stderr}");
    assert!(stderr.contains("did you mean `threshold`?"), "{stderr}");
    assert!(stderr.contains("did you mean `allow_actions`?"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_standards_directory_is_read_like_a_repo_nothing_outside_it_and_no_special_file() {
    let outside = private_file();
    // A FIFO would block the run, a symlink out would read a private file: each is named, none is read.
    let pack = pack_with_standard("");
    std::fs::remove_file(pack.path().join("zz-extra.yaml")).unwrap();
    mkfifo(&pack.path().join("ndg-11-pipe.yaml"));
    std::os::unix::fs::symlink(outside.path().join("id_rsa"), pack.path().join("reference/keys.csv")).unwrap();
    for command in ["lint", "check"] {
        let args: Vec<&str> = match command {
            "lint" => vec!["lint", path(pack.path())],
            _ => vec!["check", "examples/northshire", "--standards", path(pack.path())],
        };
        let (code, stdout, stderr) = assure(&args);
        assert_eq!(code, Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("ndg-11-pipe.yaml is a FIFO (named pipe), not a regular file"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("reference/keys.csv is a symlink to a file outside the standards directory"),
            "{command}: {stderr}"
        );
        assert!(!stdout.contains(PRIVATE) && !stderr.contains(PRIVATE), "{command}");
    }
    // A symlink to a file inside the pack (here in a hidden directory, which is not read itself) is read where
    // it points.
    let pack = pack_with_standard("");
    std::fs::remove_file(pack.path().join("zz-extra.yaml")).unwrap();
    let training = pack.path().join("ndg-03-training.yaml");
    std::fs::create_dir(pack.path().join(".sources")).unwrap();
    std::fs::rename(&training, pack.path().join(".sources/training.yaml")).unwrap();
    std::os::unix::fs::symlink(".sources/training.yaml", &training).unwrap();
    let (code, stdout, stderr) = assure(&["list", "--standards", path(pack.path())]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("NDG3-ANNUAL"), "{stdout}");
}
