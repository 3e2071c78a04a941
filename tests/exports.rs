//! Real export shapes read as the tools write them, end to end through the CLI: Windows PowerShell 5.1 and
//! PowerShell 7 `Export-Csv` in each encoding, `ConvertTo-Json` (single objects, `-Depth` truncation),
//! Microsoft Graph responses saved page by page, the Graph PowerShell SDK's PascalCase output, Entra and
//! Defender portal downloads, Excel's CSV variants and text logs a pattern does not fully match. The fixtures in
//! `tests/fixtures/exports/` are byte for byte what those tools write.

mod common;

use assure::evidence::load;
use common::{assure, result};
use serde_json::Value;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures/exports";

/// A config repo holding `files` (fixture path, path in the repo) and a manifest with `datasets` (YAML, indented
/// by 2).
fn repo(files: &[(&str, &str)], datasets: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, to) in files {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(FIXTURES).join(fixture), to).unwrap();
    }
    std::fs::write(
        dir.path().join("assure.yaml"),
        format!("organisation: {{ name: Test Trust, ods_code: RZZ }}\nas_of: 2026-11-01\ndatasets:\n{datasets}"),
    )
    .unwrap();
    dir
}

/// `assure check --format json` on the repo.
fn check(dir: &tempfile::TempDir) -> Value {
    let (_, out, err) = assure(&["check", &dir.path().to_string_lossy(), "--format", "json"]);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"))
}

/// The failing records of a check: (key, file, line).
fn failing(v: &Value, id: &str) -> Vec<(String, String, u64)> {
    result(v, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Diagnostics of a level whose message contains `text`, as `location: message (help)`.
fn diagnostics(v: &Value, level: &str, text: &str) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == level && d["message"].as_str().unwrap().contains(text))
        .map(|d| {
            format!(
                "{}: {} ({})",
                d["location"].as_str().unwrap_or_default(),
                d["message"].as_str().unwrap(),
                d["help"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

fn records(v: &Value, file: &str) -> u64 {
    v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == file)
        .unwrap_or_else(|| panic!("{file} not read: {}", v["diagnostics"]))["records"]
        .as_u64()
        .unwrap()
}

#[test]
fn export_csv_reads_in_every_powershell_encoding_with_exact_lines() {
    // 5.1 writes `#TYPE` on line 1, so the header is line 2 and the accounts lines 3 to 5; 7 writes no type line.
    for (fixture, first_line) in [
        ("ad/users-ps51-ascii.csv", 3),
        ("ad/users-ps51-utf8.csv", 3),
        ("ad/users-ps51-unicode.csv", 3),
        ("ad/users-ps7.csv", 2),
    ] {
        let dir = repo(
            &[(fixture, "exports/ad/users.csv")],
            "  accounts: { files: exports/ad/users.csv, preset: ad-users-csv }\n",
        );
        let v = check(&dir);
        assert_eq!(records(&v, "exports/ad/users.csv"), 3, "{fixture}");
        assert_eq!(
            diagnostics(&v, "error", "exports/ad/users.csv"),
            Vec::<String>::new(),
            "{fixture}"
        );
        assert_eq!(
            diagnostics(&v, "warning", "exports/ad/users.csv"),
            Vec::<String>::new(),
            "{fixture}: the AD module's bookkeeping columns are no cause for a warning"
        );
        // The service account (the accounts' second row) may have an empty password.
        assert_eq!(
            failing(&v, "NDG4-PASSWORD-REQUIRED"),
            [(
                "svc-backup".to_string(),
                "exports/ad/users.csv".to_string(),
                first_line + 1
            )],
            "{fixture}"
        );
    }
}

#[test]
fn export_csv_text_survives_each_encoding() {
    let name = |fixture: &str| {
        let dir = repo(
            &[(fixture, "exports/ad/users.csv")],
            "  accounts: { files: exports/ad/users.csv, preset: ad-users-csv }\n",
        );
        let (ev, diags) = load(dir.path(), &assure::pack::load::presets(&pack_files())).unwrap();
        assert!(
            diags.is_empty(),
            "{fixture}: {:?}",
            diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
        );
        ev.datasets["accounts"].records[2].to_value()["Name"].clone()
    };
    assert_eq!(name("ad/users-ps51-utf8.csv"), "Zo\u{eb} Nowak");
    assert_eq!(name("ad/users-ps51-unicode.csv"), "Zo\u{eb} Nowak");
    assert_eq!(name("ad/users-ps7.csv"), "Zo\u{eb} Nowak");
    // ASCII, 5.1's default, already lost the letter when PowerShell wrote the file.
    assert_eq!(name("ad/users-ps51-ascii.csv"), "Zoe Nowak");
}

#[test]
fn a_windows_1252_csv_names_its_line_and_says_to_save_as_csv_utf8() {
    let dir = repo(
        &[("ad/users-excel-1252.csv", "exports/ad/users.csv")],
        "  accounts: { files: exports/ad/users.csv }\n",
    );
    let v = check(&dir);
    let errors = diagnostics(&v, "error", "exports/ad/users.csv");
    assert_eq!(errors.len(), 1, "{errors:?}");
    // "Zoë" is on line 4, written as the single byte 0xEB.
    assert!(
        errors[0].contains("line 4, column 11 holds the byte 0xEB, which is not UTF-8"),
        "{errors:?}"
    );
    assert!(errors[0].contains("Windows-1252"), "{errors:?}");
    assert!(errors[0].contains("\"CSV UTF-8 (Comma delimited)\""), "{errors:?}");
    assert_eq!(result(&v, "NDG4-PASSWORD-REQUIRED")["state"], "error");
}

#[test]
fn a_semicolon_csv_is_split_at_semicolons_unless_the_manifest_says_otherwise() {
    let dir = repo(
        &[("ad/users-excel-semicolon.csv", "exports/ad/users.csv")],
        "  accounts: { files: exports/ad/users.csv }\n",
    );
    let v = check(&dir);
    assert_eq!(records(&v, "exports/ad/users.csv"), 3);
    assert_eq!(
        failing(&v, "NDG4-PASSWORD-REQUIRED"),
        [("svc-backup".to_string(), "exports/ad/users.csv".to_string(), 3)]
    );
    // A delimiter the manifest sets is used as it is: here the file is then one column wide.
    let dir = repo(
        &[("ad/users-excel-semicolon.csv", "exports/ad/users.csv")],
        "  accounts: { files: exports/ad/users.csv, delimiter: \",\" }\n",
    );
    let v = check(&dir);
    assert!(
        !diagnostics(&v, "error", "SamAccountName").is_empty(),
        "{}",
        v["diagnostics"]
    );
}

#[test]
fn convert_to_json_from_windows_powershell_reads_a_list_or_a_single_object() {
    let dir = repo(
        &[
            ("ps51-json/users.json", "exports/ad/users.json"),
            ("ps51-json/user-single.json", "exports/ad/more/user.json"),
            ("ps51-json/firewall-status.json", "exports/fw.json"),
        ],
        "  accounts: { files: 'exports/ad/**/*.json' }\n  firewall_status: { files: exports/fw.json }\n",
    );
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
    );
    let accounts = &ev.datasets["accounts"].records;
    let read: Vec<(String, &str, u32)> = accounts
        .iter()
        .map(|r| {
            (
                r.to_value()["SamAccountName"].as_str().unwrap().to_string(),
                ev.file_path(r.file()),
                r.line(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("svc-backup".to_string(), "exports/ad/more/user.json", 1),
            ("a.patel".to_string(), "exports/ad/users.json", 2),
            ("svc-backup".to_string(), "exports/ad/users.json", 38),
        ]
    );
    // The date as written, for the engine to read ("\/" is an escaped "/").
    assert_eq!(accounts[1].to_value()["LastLogonDate"], "/Date(1793177710000)/");
    assert_eq!(accounts[1].field_line("LastLogonDate"), 7);
    // GpoBoolean written as a number: the engine reads 1 and 0 as true and false.
    assert_eq!(ev.datasets["firewall_status"].records[1].to_value()["PublicProfile"], 0);
}

/// PowerShell 5.1 `/Date(ms)/` dates pass the pack's schemas and are read as dates: checks on them give verdicts.
#[test]
fn windows_powershell_dates_give_date_verdicts() {
    let dir = repo(
        &[("sdk/managedDevices-ps51.json", "exports/intune/managedDevices.json")],
        "  devices: { files: exports/intune/managedDevices.json, preset: intune-managed-devices }\n",
    );
    let v = check(&dir);
    assert_eq!(diagnostics(&v, "error", "managedDevices.json"), Vec::<String>::new());
    // NSH-LT-00002 last synced 2026-10-30, within any check-in window; every device has a date the engine read.
    assert_eq!(
        result(&v, "NDG9-STALE-DEVICES")["state"],
        "pass",
        "{}",
        result(&v, "NDG9-STALE-DEVICES")
    );
    assert_eq!(failing(&v, "NDG1-ENCRYPT")[0].0, "NSH-LT-00002");
}

#[test]
fn convert_to_json_without_depth_is_reported_where_it_lost_data() {
    let dir = repo(
        &[("sdk/managedDevices-depth2.json", "exports/intune/managedDevices.json")],
        "  devices: { files: exports/intune/managedDevices.json, preset: intune-managed-devices }\n",
    );
    let v = check(&dir);
    let warnings = diagnostics(&v, "warning", "ConvertTo-Json");
    assert_eq!(warnings.len(), 1, "{}", v["diagnostics"]);
    // The first device's AdditionalProperties (line 4) holds a Hashtable written as its type name.
    assert!(
        warnings[0].starts_with("exports/intune/managedDevices.json:4:"),
        "{warnings:?}"
    );
    assert!(warnings[0].contains("field `AdditionalProperties`"), "{warnings:?}");
    assert!(warnings[0].contains("\"System.Collections.Hashtable\""), "{warnings:?}");
    assert!(warnings[0].contains("5 such values in 2 record(s)"), "{warnings:?}");
    assert!(warnings[0].contains("`ConvertTo-Json -Depth 10`"), "{warnings:?}");
}

#[test]
fn graph_pages_saved_one_a_file_are_one_dataset() {
    let dir = repo(
        &[
            ("graph/managedDevices-01.json", "exports/intune/managedDevices-01.json"),
            ("graph/managedDevices-02.json", "exports/intune/managedDevices-02.json"),
        ],
        "  devices: { files: 'exports/intune/managedDevices-*.json', preset: intune-managed-devices }\n",
    );
    let v = check(&dir);
    assert_eq!(records(&v, "exports/intune/managedDevices-01.json"), 2);
    assert_eq!(records(&v, "exports/intune/managedDevices-02.json"), 1);
    assert_eq!(diagnostics(&v, "error", "managedDevices"), Vec::<String>::new());
    assert_eq!(
        failing(&v, "NDG1-ENCRYPT"),
        [(
            "NSH-LT-00002".to_string(),
            "exports/intune/managedDevices-01.json".to_string(),
            47
        )]
    );
}

#[test]
fn a_graph_page_whose_next_page_was_not_saved_errors_the_dataset() {
    // Only the first page: its @odata.nextLink (line 4) says more devices exist.
    let dir = repo(
        &[("graph/managedDevices-01.json", "exports/intune/managedDevices-01.json")],
        "  devices: { files: 'exports/intune/managedDevices-*.json', preset: intune-managed-devices }\n",
    );
    let v = check(&dir);
    let errors = diagnostics(&v, "error", "@odata.nextLink");
    assert_eq!(errors.len(), 1, "{}", v["diagnostics"]);
    assert!(
        errors[0].starts_with("exports/intune/managedDevices-01.json:4: "),
        "{errors:?}"
    );
    assert!(errors[0].contains("the export is incomplete"), "{errors:?}");
    // Not a smaller estate that passes: every check of the devices errors.
    assert_eq!(result(&v, "NDG1-ENCRYPT")["state"], "error");
    assert!(
        result(&v, "NDG1-ENCRYPT")["error"]
            .as_str()
            .unwrap()
            .contains("managedDevices-01.json"),
        "{}",
        result(&v, "NDG1-ENCRYPT")
    );
    // The last page alone (no next link) is complete as far as anyone can tell.
    let dir = repo(
        &[("graph/managedDevices-02.json", "exports/intune/managedDevices-02.json")],
        "  devices: { files: 'exports/intune/managedDevices-*.json', preset: intune-managed-devices }\n",
    );
    assert_eq!(
        diagnostics(&check(&dir), "error", "@odata.nextLink"),
        Vec::<String>::new()
    );
}

#[test]
fn graph_powershell_sdk_output_reads_through_the_same_presets() {
    let dir = repo(
        &[
            ("sdk/managedDevices.json", "exports/intune/managedDevices.json"),
            (
                "sdk/userRegistrationDetails.json",
                "exports/entra/userRegistrationDetails.json",
            ),
        ],
        "  devices: { files: exports/intune/managedDevices.json, preset: intune-managed-devices }\n  \
         mfa_registration: { files: exports/entra/userRegistrationDetails.json, preset: entra-registration-details }\n",
    );
    let v = check(&dir);
    assert_eq!(diagnostics(&v, "error", ""), Vec::<String>::new());
    // PascalCase DeviceName, ManagedDeviceOwnerType, IsEncrypted ... read as the checks name them, at their lines.
    assert_eq!(
        failing(&v, "NDG1-ENCRYPT"),
        [(
            "NSH-LT-00002".to_string(),
            "exports/intune/managedDevices.json".to_string(),
            69
        )]
    );
    assert_eq!(
        failing(&v, "NDG4-MFA-REMOTE"),
        [(
            "z.nowak@northshire.nhs.uk".to_string(),
            "exports/entra/userRegistrationDetails.json".to_string(),
            33
        )]
    );
}

#[test]
fn defender_portal_and_advanced_hunting_csv_read_as_exported() {
    let dir = repo(
        &[
            ("defender/device-inventory.csv", "exports/defender/device-inventory.csv"),
            ("defender/vulnerabilities.csv", "exports/defender/vulnerabilities.csv"),
        ],
        "  edr_devices: { files: exports/defender/device-inventory.csv, preset: defender-device-inventory }\n  \
         vulnerabilities: { files: exports/defender/vulnerabilities.csv, preset: defender-vulnerabilities }\n",
    );
    let (ev, diags) = load(dir.path(), &assure::pack::load::presets(&pack_files())).unwrap();
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
    );
    let edr: Vec<Value> = ev.datasets["edr_devices"]
        .records
        .iter()
        .map(|r| r.to_value())
        .collect();
    assert_eq!(edr[1]["DeviceName"], "nsh-lt-00002");
    assert_eq!(edr[1]["HealthStatus"], "Inactive");
    assert_eq!(edr[2]["OnboardingStatus"], "Can be onboarded");
    let v = check(&dir);
    assert_eq!(diagnostics(&v, "error", "exports/defender"), Vec::<String>::new());
    assert_eq!(records(&v, "exports/defender/vulnerabilities.csv"), 2);
}

/// The embedded pack's files, for loading evidence with its presets.
fn pack_files() -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new("standards")
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix("standards")
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn text_lines_no_pattern_matches_are_counted_not_dropped() {
    // The pattern requires `acknowledged=`, so the unacknowledged alert on line 4 is no record.
    let strict = r"'^(?P<alert>CC-\d+) (?P<severity>\w+) issued=(?P<issued>\S+) acknowledged=(?P<acknowledged>\S+)'";
    let dir = repo(
        &[("lines/cyber-alerts.log", "logs/cyber-alerts.log")],
        &format!("  cyber_alerts: {{ files: logs/cyber-alerts.log, pattern: {strict} }}\n"),
    );
    let v = check(&dir);
    let warnings = diagnostics(&v, "warning", "match no `pattern`");
    assert_eq!(warnings.len(), 1, "{}", v["diagnostics"]);
    assert!(
        warnings[0].starts_with("logs/cyber-alerts.log:4:"),
        "the comment on line 1 is not counted: {warnings:?}"
    );
    assert!(warnings[0].contains("1 line(s) match no `pattern` and are not records (line 4)"));
    assert_eq!(failing(&v, "NDG6-ALERT-ACK"), Vec::<(String, String, u64)>::new());
    // With the acknowledgement optional, the alert is a record and fails: issued over 48 hours before as_of.
    let optional =
        r"'^(?P<alert>CC-\d+) (?P<severity>\w+) issued=(?P<issued>\S+)(?: acknowledged=(?P<acknowledged>\S+))?'";
    let dir = repo(
        &[("lines/cyber-alerts.log", "logs/cyber-alerts.log")],
        &format!("  cyber_alerts: {{ files: logs/cyber-alerts.log, pattern: {optional} }}\n"),
    );
    let v = check(&dir);
    assert_eq!(diagnostics(&v, "warning", "match no `pattern`"), Vec::<String>::new());
    assert_eq!(
        failing(&v, "NDG6-ALERT-ACK"),
        [("CC-4614".to_string(), "logs/cyber-alerts.log".to_string(), 4)]
    );
}

#[test]
fn init_recognises_each_shape_and_says_why() {
    let dir = repo(
        &[
            ("ad/users-ps51-utf8.csv", "exports/ad/users.csv"),
            ("sdk/managedDevices.json", "exports/intune/managedDevices.json"),
            (
                "sdk/userRegistrationDetails.json",
                "exports/entra/userRegistrationDetails.json",
            ),
            ("graph/managedDevices-01.json", "exports/graph/managedDevices-01.json"),
            ("defender/device-inventory.csv", "exports/defender/device-inventory.csv"),
            ("defender/vulnerabilities.csv", "exports/defender/vulnerabilities.csv"),
            ("ad/users-excel-semicolon.csv", "exports/excel/users.csv"),
            (
                "entra/exportUsers_2026-11-30.csv",
                "exports/entra/exportUsers_2026-11-30.csv",
            ),
        ],
        "",
    );
    std::fs::remove_file(dir.path().join("assure.yaml")).unwrap();
    let (code, out, err) = assure(&["init", &dir.path().to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "exports/ad/users.csv  ->  ad-users-csv: matched by file name *users*.csv and fields SamAccountName, Enabled",
        "exports/intune/managedDevices.json  ->  intune-managed-devices: matched by file name *manageddevice*.json and fields DeviceName, OperatingSystem, OSVersion, ManagedDeviceOwnerType",
        "exports/entra/userRegistrationDetails.json  ->  entra-registration-details: matched by file name *registrationdetail*.json and fields UserPrincipalName, IsMfaRegistered, MethodsRegistered",
        "exports/graph/managedDevices-01.json  ->  intune-managed-devices: matched by file name *manageddevice*.json and fields deviceName, operatingSystem, osVersion, managedDeviceOwnerType",
        "exports/defender/device-inventory.csv  ->  defender-device-inventory: matched by file name *device*.csv and fields Device Name, Onboarding Status, Health Status",
        "exports/defender/vulnerabilities.csv  ->  defender-vulnerabilities: matched by file name *vulnerabilit*.csv and fields DeviceName, CveId, VulnerabilitySeverityLevel",
        "exports/excel/users.csv  ->  ad-users-csv: matched by file name *users*.csv and fields SamAccountName, Enabled",
        // The portal's user list has no sign-in dates, so it is no evidence of dormant accounts.
        "exports/entra/exportUsers_2026-11-30.csv  (not recognised)",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    let draft = std::fs::read_to_string(dir.path().join("assure.yaml")).unwrap();
    assert!(
        draft.contains(
            "      - exports/graph/managedDevices-01.json  # file name *manageddevice*.json and fields deviceName"
        ),
        "{draft}"
    );
}
