//! The CLI end to end on the bundled example trust, and on copies of it broken on purpose.

mod common;

use assert_cmd::Command;
use common::{EXAMPLE, assure, copy_example, result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn json(repo: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", repo, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = assure(&args);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, v)
}

fn failing_keys(v: &Value, id: &str) -> Vec<String> {
    let mut keys: Vec<String> = result(v, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    keys
}

fn path(d: &tempfile::TempDir) -> String {
    d.path().to_string_lossy().into_owned()
}

#[test]
fn the_example_fails_with_file_and_line_for_each_finding() {
    let (code, stdout, _) = assure(&["check", EXAMPLE]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("Northshire Hospitals NHS Foundation Trust (RNS) · as of 2026-11-01"),
        "{stdout}"
    );
    assert!(stdout.contains("exports/intune/managedDevices.json:141  NSH-LT-00009  NSH-LT-00009 (Windows, a.patel@northshire.nhs.uk) is not encrypted"), "{stdout}");
    assert!(stdout.contains("logs/cyber-alerts.log:5  CC-4602"), "{stdout}");
    assert!(
        stdout.contains("configs/sftp01/sshd_config:3"),
        "the finding points at the PermitRootLogin line:\n{stdout}"
    );
    assert!(
        stdout.contains(
            "56 checks: 18 pass, 37 fail, 0 error, 0 not applicable, 0 waived, 1 need manual evidence · 237 findings"
        ),
        "{stdout}"
    );
}

#[test]
fn the_example_results_are_the_planted_ones() {
    let (code, v) = json(EXAMPLE, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["schema_version"], "1.0");
    let states: BTreeMap<&str, &str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    for pass in [
        "NDG2-AUP",
        "NDG2-ROLES",
        "NDG5-LESSONS",
        "NDG6-ICO",
        "NDG6-LOGGING",
        "NDG7-BACKUP-FRESH",
        "NDG7-IMMUTABLE",
        "NDG7-TESTED",
        "NDG9-FW-EXPOSED",
        "NDG9-FW-ADMIN",
        "NDG9-STRATEGY",
    ] {
        assert_eq!(states[pass], "pass", "{pass}");
    }
    assert_eq!(failing_keys(&v, "NDG1-ENCRYPT"), ["NSH-LT-00009", "NSH-LT-00010"]);
    assert_eq!(&failing_keys(&v, "NDG3-ANNUAL")[..3], ["E1009", "E1010", "E1011"]);
    assert_eq!(states["NDG7-CONTACTS"], "manual");
    assert_eq!(result(&v, "NDG4-DORMANT")["reviews"][0]["verdict"], "disputed");
    assert_eq!(
        result(&v, "NDG3-ANNUAL")["expectations"][0]["expected"],
        "ge 90%",
        "manifest override applied"
    );
    assert_eq!(failing_keys(&v, "NDG4-LEAVERS"), ["r.evans"]);
    assert_eq!(
        failing_keys(&v, "NDG4-MFA-PRIVILEGED"),
        ["adm-r.shah@northshire.nhs.uk"]
    );
    assert_eq!(failing_keys(&v, "NDG6-12H"), ["INC-2026-037"]);
    assert_eq!(failing_keys(&v, "NDG6-ALERT-ACK"), ["CC-4602", "CC-4614"]);
    assert_eq!(
        failing_keys(&v, "NDG8-OS"),
        ["NSH-DT-00101", "NSH-DT-00102", "NSH-LAB-0001"]
    );
    // bastion01's global settings are hardened; its Match block for contractors re-enables passwords.
    assert_eq!(
        failing_keys(&v, "NDG9-SSH"),
        ["configs/bastion01/sshd_config", "configs/sftp01/sshd_config"]
    );
    assert_eq!(failing_keys(&v, "NDG9-STALE-DEVICES"), ["NSH-DT-00103"]);
    assert_eq!(
        failing_keys(&v, "NDG10-ASSURED"),
        ["Northern Shredding Ltd", "PathLink Diagnostics"]
    );
    assert_eq!(failing_keys(&v, "NDG9-PATCH-14D").len(), 4);
    assert_eq!(failing_keys(&v, "NDG1-OPT-OUT"), ["DF-043"]);
    // One privacy alert is overdue; one raised three days before the assessment is still within its 7 days.
    let alerts = result(&v, "NDG4-PRIVACY-ALERTS");
    assert_eq!(failing_keys(&v, "NDG4-PRIVACY-ALERTS"), ["PA-2026-0431"]);
    assert_eq!(alerts["pending"][0]["key"], "PA-2026-0440");
    assert_eq!(alerts["pending"][0]["due"], "2026-11-05T09:10:00Z");
    assert_eq!(alerts["pending"].as_array().unwrap().len(), 1);
    assert!(
        v["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "pack:reference/opt_out_exemptions.yaml"),
        "the exemptions list NDG1-OPT-OUT read is in the evidence trail"
    );
    let lab = result(&v, "NDG8-OS")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "NSH-LAB-0001")
        .unwrap()
        .clone();
    // The analyser's PC is a managed exception (data), not a waiver: accepted by the register's line.
    assert_eq!(lab["waived_by"], "registers/device-exceptions.csv:2");
    assert_eq!(v["waivers"][0]["status"], "applied");
    assert!(
        v["waivers"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("managed exception (reason: Analyser")
    );
    assert_eq!(v["waivers"][0]["approver"], "Head of Pathology");
    // The pharmacy desktop's exception lacks a supplier plan: it accepts nothing, and the register check says why.
    assert_eq!(failing_keys(&v, "NDG8-MEDICAL-EXCEPTIONS"), ["NSH-DT-00102"]);
    let dt = result(&v, "NDG8-OS")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "NSH-DT-00102")
        .unwrap()
        .clone();
    assert!(dt.get("waived_by").is_none(), "{dt}");
    let files: Vec<&str> = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"configs/bastion01/sshd_config") && files.contains(&"exports/hr/staff.tsv"),
        "{files:?}"
    );
    assert!(
        v["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["sha256"].as_str().unwrap().len() == 64)
    );
}

#[test]
fn output_is_identical_for_one_and_many_threads() {
    let one = assure(&["check", EXAMPLE, "--format", "json", "--jobs", "1"]).1;
    let four = assure(&["check", EXAMPLE, "--format", "json", "--jobs", "4"]).1;
    assert!(!one.is_empty());
    assert!(one == four, "JSON differs between --jobs 1 and --jobs 4");
    let human_one = assure(&["check", EXAMPLE, "-j", "1"]).1;
    let human_four = assure(&["check", EXAMPLE, "-j", "4"]).1;
    assert_eq!(human_one, human_four);
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(assure(&["check", EXAMPLE, "--fail-on", "critical"]).0, 1);
    assert_eq!(assure(&["check", EXAMPLE, "--fail-on", "none"]).0, 0);
}

#[test]
fn output_file_and_as_of_override() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.json");
    let (code, stdout, _) = assure(&[
        "check",
        EXAMPLE,
        "--format",
        "json",
        "--as-of",
        "2025-09-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["as_of"], "2025-09-01");
    // A year earlier, Windows 10 22H2 was still supported.
    assert!(!failing_keys(&v, "NDG8-OS").contains(&"NSH-DT-00101".to_string()));
}

#[test]
fn a_broken_export_errors_only_the_checks_that_need_it() {
    let d = copy_example();
    std::fs::write(
        d.path().join("exports/defender/vulnerabilities.csv"),
        "DeviceName,CveId\nNSH-1,CVE-1,extra\n",
    )
    .unwrap();
    let (code, v) = json(&path(&d), &["--fail-on", "none"]);
    assert_eq!(code, 3, "nothing counts as failing, but a check could not be assessed");
    let r = result(&v, "NDG9-PATCH-14D");
    assert_eq!(r["state"], "error");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("exports/defender/vulnerabilities.csv:2:1"),
        "{}",
        r["error"]
    );
    assert_eq!(result(&v, "NDG8-OS")["state"], "fail", "other checks still ran");
    assert_eq!(
        v["diagnostics"][0]["location"],
        "exports/defender/vulnerabilities.csv:2:1"
    );
    let (code, _, stderr) = assure(&["check", &path(&d)]);
    assert_eq!(code, 1);
    assert!(stderr.contains("a row has 3 cells"), "{stderr}");
}

#[test]
fn a_dataset_missing_from_the_manifest_errors_its_checks() {
    let d = copy_example();
    let manifest = std::fs::read_to_string(d.path().join("assure.yaml")).unwrap();
    let cut = manifest.replace("  suppliers:\n    files: registers/suppliers.yaml\n", "");
    std::fs::write(d.path().join("assure.yaml"), cut).unwrap();
    let (_, v) = json(&path(&d), &[]);
    let err = result(&v, "NDG10-ASSURED")["error"].as_str().unwrap().to_string();
    assert!(err.contains("no evidence for dataset `suppliers`"), "{err}");
}

#[test]
fn unusable_input_exits_2() {
    let d = copy_example();
    let manifest = std::fs::read_to_string(d.path().join("assure.yaml")).unwrap();
    std::fs::write(
        d.path().join("assure.yaml"),
        manifest.replace("threshold: 90", "threshold: 20"),
    )
    .unwrap();
    let (code, _, stderr) = assure(&["check", &path(&d)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the manifest's value for `NDG3-ANNUAL.threshold`: 20 is below the minimum 50"),
        "{stderr}"
    );

    std::fs::write(
        d.path().join("assure.yaml"),
        manifest.replace("as_of: 2026-11-01\n", ""),
    )
    .unwrap();
    let (code, _, stderr) = assure(&["check", &path(&d)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no assessment date"), "{stderr}");

    let (code, _, stderr) = assure(&["check", "tests/fixtures/no-such-repo"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn waivers_expire_go_unused_and_need_a_reason() {
    let d = copy_example();
    std::fs::write(
        d.path().join("waivers.yaml"),
        "waivers:
  - { check: NDG8-OS, records: ['NSH-DT-*', NSH-LAB-0001], reason: Replacement ordered, approver: SIRO, expires: 2027-01-31 }
  - { check: NDG9-SSH, reason: Supplier gateway, approver: SIRO, expires: 2026-10-01 }
  - { check: NDG1-ENCRYPT, records: [NOT-A-DEVICE], reason: Typo, approver: SIRO, expires: 2027-01-31 }
  - { check: NDG6-12H, approver: SIRO, expires: 2027-01-31 }
",
    )
    .unwrap();
    let (code, v) = json(&path(&d), &[]);
    assert_eq!(code, 1);
    assert_eq!(result(&v, "NDG8-OS")["state"], "waived");
    assert_eq!(
        result(&v, "NDG9-SSH")["state"],
        "fail",
        "an expired waiver no longer applies"
    );
    let statuses: Vec<&str> = v["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    // The managed-exception register comes first (it accepts NSH-LAB-0001), then waivers.yaml.
    assert_eq!(statuses, ["applied", "applied", "expired", "unused"]);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["location"] == "waivers.yaml:5:5" && d["message"].as_str().unwrap().contains("reason")),
        "{}",
        v["diagnostics"]
    );
    assert_eq!(v["summary"]["waived"], 1);
    let (_, human, _) = assure(&["check", &path(&d)]);
    assert!(
        human.contains("waiver waivers.yaml:3 for NDG9-SSH: expired on 2026-10-01"),
        "{human}"
    );
}

#[test]
fn baselines_mark_new_unchanged_and_fixed() {
    let d = copy_example();
    let baseline = d.path().join("previous.json");
    let (_, stdout, _) = assure(&["check", &path(&d), "--format", "json"]);
    std::fs::write(&baseline, stdout).unwrap();
    // Fix one finding and introduce another.
    let suppliers = std::fs::read_to_string(d.path().join("registers/suppliers.yaml")).unwrap();
    std::fs::write(
        d.path().join("registers/suppliers.yaml"),
        suppliers.replace("contract_end: 2026-09-30", "contract_end: 2027-09-30"),
    )
    .unwrap();
    let alerts = std::fs::read_to_string(d.path().join("logs/cyber-alerts.log")).unwrap();
    std::fs::write(
        d.path().join("logs/cyber-alerts.log"),
        format!("{alerts}CC-4620 HIGH issued=2026-10-25T08:00:00Z acknowledged=2026-10-30T08:00:00Z\n"),
    )
    .unwrap();

    let b = baseline.to_str().unwrap();
    let (code, v) = json(&path(&d), &["--baseline", b]);
    assert_eq!(code, 1);
    assert_eq!(
        result(&v, "NDG10-ASSURED")["fixed"],
        serde_json::json!(["PathLink Diagnostics"])
    );
    let alerts: Vec<(String, String)> = result(&v, "NDG6-ALERT-ACK")["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                f["baseline"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        alerts,
        [
            ("CC-4602".to_string(), "unchanged".to_string()),
            ("CC-4614".to_string(), "unchanged".to_string()),
            ("CC-4620".to_string(), "new".to_string())
        ]
    );
    assert_eq!(v["baseline"]["new"], 1);
    assert_eq!(
        v["baseline"]["fixed"], 2,
        "PathLink's renewed contract fixes NDG10-ASSURED and NDG10-EXPIRED"
    );
    // Only new findings fail the build with --fail-on-new: one new critical finding.
    assert_eq!(assure(&["check", &path(&d), "--baseline", b, "--fail-on-new"]).0, 1);
    std::fs::write(d.path().join("logs/cyber-alerts.log"), alerts_without_new(&d)).unwrap();
    assert_eq!(assure(&["check", &path(&d), "--baseline", b, "--fail-on-new"]).0, 0);
}

fn alerts_without_new(d: &tempfile::TempDir) -> String {
    let text = std::fs::read_to_string(d.path().join("logs/cyber-alerts.log")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("CC-4620"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn lint_and_test_pass_on_the_embedded_pack() {
    let (code, stdout, stderr) = assure(&["lint"]);
    assert_eq!(code, 0, "{stderr}");
    // Run from the checkout, whose ./standards is the pack read.
    assert!(stdout.starts_with("pack: nhs-data-security"), "{stdout}");
    assert!(stdout.lines().next().unwrap().ends_with(" in standards/"), "{stdout}");
    assert!(
        stdout.lines().nth(1).unwrap().starts_with("ok: nhs-data-security"),
        "{stdout}"
    );
    let (code, stdout, _) = assure(&["test", "standards"]);
    assert_eq!(code, 0, "{stdout}");
    let last = stdout.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 20 && last.ends_with("passed, 0 failed"), "{last}");
}

#[test]
fn a_failing_inline_test_exits_1_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let std_dir = dir.path().join("std");
    std::fs::create_dir_all(std_dir.join("frameworks")).unwrap();
    std::fs::create_dir_all(std_dir.join("reference")).unwrap();
    for f in [
        "pack.yaml",
        "datasets.yaml",
        "frameworks/caf.yaml",
        "frameworks/dspt.yaml",
        "frameworks/cyber_essentials.yaml",
        "reference/opt_out_exemptions.yaml",
        "ndg-01-personal-confidential-data.yaml",
    ] {
        std::fs::copy(Path::new("standards").join(f), std_dir.join(f)).unwrap();
    }
    let file = std_dir.join("ndg-01-personal-confidential-data.yaml");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("failing: [L2]", "failing: [L1]");
    std::fs::write(&file, text).unwrap();
    let (code, stdout, _) = assure(&["test", std_dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("FAIL NDG1-ENCRYPT · an unencrypted corporate laptop fails"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected but not failing [\"L1\"]; failing but not expected [\"L2\"]"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" passed, 1 failed"), "{stdout}");
}

#[test]
fn list_filters_by_framework_requirement() {
    let (code, stdout, _) = assure(&["list", "--framework", "caf:B4.d", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "NDG5-RISKS-LINKED",
            "NDG6-ALERT-ACK",
            "NDG6-ALERT-REMEDIATE",
            "NDG8-BROWSERS",
            "NDG8-MEDICAL-EXCEPTIONS",
            "NDG8-OS",
            "NDG8-SOFTWARE",
            "NDG8-UPCOMING",
            "NDG9-PATCH-14D",
            "NDG9-PENTEST"
        ]
    );
    let (code, stdout, _) = assure(&["list"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("NDG4-LEAVERS") && stdout.contains("critical") && stdout.trim_end().ends_with("56 checks"));
    assert_eq!(assure(&["list", "--framework", "nist"]).0, 2);
}

#[test]
fn explain_shows_the_check_as_written() {
    let (code, stdout, _) = assure(&["explain", "NDG8-OS"]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .starts_with("NDG8-OS (version 3) · critical · No device runs an operating system past its end of support")
    );
    assert!(
        stdout.contains("Defined at ndg-08-unsupported-systems.yaml:12"),
        "{stdout}"
    );
    assert!(
        stdout.contains("version_prefix: { field: osVersion, other: build }"),
        "{stdout}"
    );
    assert!(stdout.contains("caf B4.d  Vulnerability management"), "{stdout}");
    let (code, _, stderr) = assure(&["explain", "NDG8-0S"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean NDG8-OS?"), "{stderr}");
}

#[test]
fn schema_prints_each_kind() {
    let (code, stdout, _) = assure(&["schema", "manifest"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["title"], "Manifest");
    assert!(v["properties"]["datasets"].is_object());
}

#[test]
fn quiet_shows_only_checks_that_need_attention() {
    let (code, stdout, stderr) = assure(&["check", EXAMPLE, "--quiet"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("NDG1-ENCRYPT") && !stdout.contains("NDG2-AUP"),
        "{stdout}"
    );
    assert!(stdout.contains("56 checks: 18 pass, 37 fail"), "{stdout}");
    assert!(
        stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {stderr}"
    );
}

#[test]
fn colour_follows_clicolor_force_and_no_color() {
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = Command::cargo_bin("assure").unwrap();
        cmd.args(["check", EXAMPLE]).env_remove("NO_COLOR");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    assert!(!run(&[]).contains('\u{1b}'), "no colour when stdout is not a terminal");
    assert!(
        run(&[("CLICOLOR_FORCE", "1")]).contains("\u{1b}[31m"),
        "colour when forced"
    );
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'),
        "NO_COLOR wins"
    );
}

#[test]
fn completions_and_man_pages_come_from_the_cli_definition() {
    let (code, bash, _) = assure(&["completions", "bash"]);
    assert_eq!(code, 0);
    for sub in ["check", "lint", "test", "explain", "--fail-on", "--baseline"] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
    }
    let (code, man, _) = assure(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH assure 1") && man.contains("check"), "{man}");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(assure(&["man", "--out", dir.path().to_str().unwrap()]).0, 0);
    let page = std::fs::read_to_string(dir.path().join("assure-check.1")).unwrap();
    assert!(page.contains("fail\\-on"), "{page}");
}

#[test]
fn init_drafts_a_manifest_from_recognised_exports() {
    let d = copy_example();
    std::fs::remove_file(d.path().join("assure.yaml")).unwrap();
    let (code, stdout, _) = assure(&["init", &path(&d)]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("exports/intune/managedDevices.json  ->  intune-managed-devices"),
        "{stdout}"
    );
    assert!(stdout.contains("exports/ad/users.csv  ->  ad-users-csv"), "{stdout}");
    let draft = std::fs::read_to_string(d.path().join("assure.yaml")).unwrap();
    // Editors find the manifest's schema from the first line; init writes it beside the draft.
    assert!(
        draft.starts_with("# yaml-language-server: $schema=.assure/manifest.schema.json\n"),
        "{draft}"
    );
    let (_, schema, _) = assure(&["schema", "manifest"]);
    assert_eq!(
        std::fs::read_to_string(d.path().join(".assure/manifest.schema.json")).unwrap(),
        schema
    );
    assert!(draft.contains("  devices:  # Intune managed devices"), "{draft}");
    assert!(draft.contains("    preset: entra-registration-details"), "{draft}");
    assert!(
        draft.contains("  # backups:  # Backup report per system"),
        "datasets without an export are TODOs:\n{draft}"
    );
    assert!(
        draft.contains("#   exports/hr/staff.tsv (fields: staff_id, name, status, role, confidentiality_signed_on, tna_course, board_member)"),
        "{draft}"
    );
    // The draft is not usable until its TODOs are replaced, and says where.
    let (code, _, stderr) = assure(&["check", &path(&d)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("assure.yaml:5:13"), "{stderr}");
    // It never overwrites a manifest by accident.
    assert_eq!(assure(&["init", &path(&d)]).0, 2);
    assert_eq!(assure(&["init", &path(&d), "--force"]).0, 0);
}

#[test]
fn an_unknown_preset_errors_its_dataset() {
    let d = copy_example();
    let manifest = std::fs::read_to_string(d.path().join("assure.yaml")).unwrap();
    std::fs::write(
        d.path().join("assure.yaml"),
        manifest.replace("preset: ad-users-csv", "preset: ad-users"),
    )
    .unwrap();
    let (_, v) = json(&path(&d), &[]);
    let err = result(&v, "NDG4-LEAVERS")["error"].as_str().unwrap().to_string();
    assert!(err.contains("unknown preset `ad-users`"), "{err}");
}

#[test]
fn json_output_matches_its_published_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("standards/schema/assessment.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let d = copy_example();
    let baseline = d.path().join("previous.json");
    let (_, stdout, _) = assure(&["check", &path(&d), "--format", "json"]);
    std::fs::write(&baseline, &stdout).unwrap();
    // With waivers, a baseline and an errored check, every optional part of the output is present.
    std::fs::write(d.path().join("exports/hr/staff.tsv"), "staff_id\tname\nS1\n").unwrap();
    let (_, v) = json(
        &path(&d),
        &["--baseline", baseline.to_str().unwrap(), "--skip-check", "NDG9-SSH"],
    );
    assert!(v["selection"].is_object());
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(v["baseline"].is_object() && !v["waivers"].as_array().unwrap().is_empty());
    assert!(v["results"].as_array().unwrap().iter().any(|r| r["state"] == "error"));
    let mut broken = v.clone();
    broken["results"][0]["state"] = Value::from("maybe");
    assert!(!validator.is_valid(&broken), "the schema constrains states");
}

#[test]
fn verify_says_whether_evidence_is_still_what_was_assessed() {
    let d = copy_example();
    let report = d.path().join("report.json");
    assure(&["check", &path(&d), "--format", "json", "-o", report.to_str().unwrap()]);
    let (code, stdout, _) = assure(&["verify", report.to_str().unwrap(), &path(&d)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("verified: the 35 evidence file(s)"), "{stdout}");

    std::fs::write(d.path().join("exports/hr/staff.tsv"), "staff_id\tname\n").unwrap();
    std::fs::remove_file(d.path().join("logs/cyber-alerts.log")).unwrap();
    let (code, stdout, _) = assure(&["verify", report.to_str().unwrap(), &path(&d)]);
    assert_eq!(code, 1);
    assert!(stdout.contains("CHANGED    exports/hr/staff.tsv"), "{stdout}");
    assert!(stdout.contains("MISSING    logs/cyber-alerts.log"), "{stdout}");

    // A tampered report cannot make verify read outside the repo.
    let text = std::fs::read_to_string(&report)
        .unwrap()
        .replace("\"exports/hr/leavers.csv\"", "\"../../etc/passwd\"");
    std::fs::write(&report, text).unwrap();
    let (_, stdout, _) = assure(&["verify", report.to_str().unwrap(), &path(&d)]);
    assert!(stdout.contains("refused    ../../etc/passwd"), "{stdout}");
}

#[test]
fn verify_checks_the_files_an_sshd_config_includes_too() {
    let d = copy_example();
    let main = d.path().join("configs/bastion01/sshd_config");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("Include sshd_config.d/*.conf\n{text}")).unwrap();
    std::fs::create_dir(d.path().join("configs/bastion01/sshd_config.d")).unwrap();
    let included = d.path().join("configs/bastion01/sshd_config.d/10-hardening.conf");
    std::fs::write(&included, "PermitRootLogin no\n").unwrap();
    let report = d.path().join("report.json");
    assure(&["check", &path(&d), "--format", "json", "-o", report.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let entry = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "configs/bastion01/sshd_config.d/10-hardening.conf")
        .expect("the included file is in the evidence trail");
    assert_eq!(entry["included_from"], "configs/bastion01/sshd_config:1");
    assert_eq!(entry["dataset"], "sshd_config");
    let (code, stdout, _) = assure(&["verify", report.to_str().unwrap(), &path(&d)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("verified: the 36 evidence file(s)"), "{stdout}");

    // Changing only the included file is noticed: it decides the verdict as much as the main file does.
    std::fs::write(&included, "PermitRootLogin yes\n").unwrap();
    let (code, stdout, _) = assure(&["verify", report.to_str().unwrap(), &path(&d)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("CHANGED    configs/bastion01/sshd_config.d/10-hardening.conf"),
        "{stdout}"
    );
}

#[test]
fn redact_pseudonymises_personal_fields_in_every_output() {
    let personal = [
        "a.patel@northshire.nhs.uk",
        "Priya Nair",
        "r.evans",
        "adm-r.shah@northshire.nhs.uk",
        "E1005",
        "S007",
    ];
    let run = |key: &str, format: &str| {
        let out = Command::cargo_bin("assure")
            .unwrap()
            .args(["check", EXAMPLE, "--redact", "--format", format])
            .env("ASSURE_REDACT_KEY", key)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let key = "northshire-ig-team-2026";
    for format in ["human", "json", "sarif", "junit", "github", "csv"] {
        let text = run(key, format);
        assert!(!text.is_empty(), "{format}");
        for value in personal {
            assert!(!text.contains(value), "{format} output shows {value}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let md = dir.path().join("r.md");
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(["report", EXAMPLE, "--redact", "--html"])
        .arg(&html)
        .arg("--markdown")
        .arg(&md)
        .env("ASSURE_REDACT_KEY", key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in [&html, &md] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("anon-"), "{}", file.display());
        for value in personal {
            assert!(!text.contains(value), "{} shows {value}", file.display());
        }
    }
    let plain = assure(&["check", EXAMPLE, "--format", "json"]).1;
    assert!(
        plain.contains("Priya Nair"),
        "without --redact the evidence is shown as is"
    );
    let first = run(key, "json");
    assert_eq!(first, run(key, "json"), "pseudonyms are stable");
    assert!(first.contains("anon-"));
    assert_ne!(
        first,
        run("another-key-of-the-trust", "json"),
        "pseudonyms depend on the key"
    );
    let out = Command::cargo_bin("assure")
        .unwrap()
        .args(["check", EXAMPLE, "--redact"])
        .env_remove("ASSURE_REDACT_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASSURE_REDACT_KEY"));
}

#[test]
fn reports_are_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "4"] {
        let html = dir.path().join(format!("r{jobs}.html"));
        let md = dir.path().join(format!("r{jobs}.md"));
        let (code, _, err) = assure(&[
            "report",
            EXAMPLE,
            "--html",
            html.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
            "-j",
            jobs,
        ]);
        assert_eq!(code, 0, "{err}");
        outputs.push((std::fs::read(&html).unwrap(), std::fs::read(&md).unwrap()));
    }
    assert!(outputs[0].0.len() > 10_000);
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "reports differ between runs");
    // The same renderers are reachable from `check`.
    let html = dir.path().join("check.html");
    let (code, _, err) = assure(&["check", EXAMPLE, "--html", html.to_str().unwrap(), "-q"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(std::fs::read(&html).unwrap(), outputs[0].0);
}

#[test]
fn json_is_the_same_streamed_to_stdout_or_a_file_and_an_unwritable_file_is_an_error() {
    let d = copy_example();
    let report = d.path().join("report.json");
    let args = ["check", &path(&d), "--format", "json", "--as-of", "2026-11-01"];
    let (code, stdout, _) = assure(&args);
    let (file_code, _, _) = assure(&[&args[..], &["-o", report.to_str().unwrap()]].concat());
    assert_eq!(code, file_code);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), stdout);
    assert!(stdout.ends_with("}\n") && serde_json::from_str::<Value>(&stdout).is_ok());

    let nowhere = d.path().join("no-such-dir/report.json");
    let (code, _, stderr) = assure(&[&args[..], &["-o", nowhere.to_str().unwrap()]].concat());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write") && stderr.contains("report.json"),
        "{stderr}"
    );
}

/// The ids of the results in a `--format json` assessment.
fn result_ids(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_and_skip_check_select_by_id_and_glob_and_the_json_records_the_selection() {
    let (_, v) = json(
        EXAMPLE,
        &[
            "--check",
            "NDG9-*",
            "--check",
            "ndg1-encrypt",
            "--skip-check",
            "NDG9-SSH",
        ],
    );
    let ids = result_ids(&v);
    assert!(ids.contains(&"NDG1-ENCRYPT".to_string()), "{ids:?}");
    assert!(
        ids.iter().all(|id| id == "NDG1-ENCRYPT" || id.starts_with("NDG9-")),
        "{ids:?}"
    );
    assert!(!ids.contains(&"NDG9-SSH".to_string()));
    assert_eq!(v["summary"]["checks"], ids.len());
    let selection = &v["selection"];
    assert_eq!(selection["checks"], serde_json::json!(["NDG9-*", "ndg1-encrypt"]));
    assert_eq!(selection["skip_checks"], serde_json::json!(["NDG9-SSH"]));
    let left_out: Vec<&str> = selection["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        left_out.contains(&"NDG9-SSH") && left_out.contains(&"NDG2-AUP"),
        "{left_out:?}"
    );
    let (_, all) = json(EXAMPLE, &[]);
    assert_eq!(
        left_out.len() + ids.len(),
        all["results"].as_array().unwrap().len(),
        "every check of the pack is either run or left out"
    );
    // Standards no selected check belongs to are not shown as met, and the status says it is partial.
    let standards: Vec<&str> = v["standards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(standards, ["NDG1", "NDG9"]);
    assert!(
        v["status"]["status"]
            .as_str()
            .unwrap()
            .ends_with("(selected checks only)"),
        "{}",
        v["status"]
    );
    for f in v["frameworks"].as_array().unwrap() {
        for r in f["requirements"].as_array().unwrap() {
            assert!(!r["checks"].as_array().unwrap().is_empty(), "{r}");
        }
    }
    // Without a selection there is no `selection` at all.
    assert!(all.get("selection").is_none());
}

#[test]
fn a_check_pattern_matching_no_check_is_a_usage_error_with_a_suggestion() {
    let (code, _, stderr) = assure(&["check", EXAMPLE, "--check", "NDG9-SHH"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--check NDG9-SHH matches no check in the pack; did you mean `NDG9-SSH`?"),
        "{stderr}"
    );
    let (code, _, stderr) = assure(&["check", EXAMPLE, "--skip-check", "NDG99-*"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--skip-check NDG99-* matches no check"), "{stderr}");
    let (code, _, stderr) = assure(&["check", EXAMPLE, "--check", "NDG9-SSH", "--skip-check", "NDG9-*"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("leaves no check to run"), "{stderr}");
    let (code, _, stderr) = assure(&["check", EXAMPLE, "--framework", "cafe"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no framework `cafe`; did you mean `caf`?"), "{stderr}");
    let (code, _, stderr) = assure(&["check", EXAMPLE, "--framework", "caf:B4.x"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`B4.x` is not a requirement of caf; did you mean `B4.d`?"),
        "{stderr}"
    );
}

#[test]
fn severity_picks_the_checks_run_and_fail_on_the_exit_code() {
    let (code, v) = json(EXAMPLE, &["--severity", "high", "--fail-on", "critical"]);
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|r| r["severity"] == "high" || r["severity"] == "critical"),
        "only high and critical checks run"
    );
    assert_eq!(v["selection"]["severity"], "high");
    assert!(
        results
            .iter()
            .any(|r| r["severity"] == "critical" && r["state"] == "fail"),
        "the example fails a critical check"
    );
    assert_eq!(code, 1);
    // The same checks, but only failing high ones would gate: none of the critical ones count.
    let (_, stdout, stderr) = assure(&["check", EXAMPLE, "--severity", "critical", "--fail-on", "none"]);
    assert!(!stdout.contains("  high     "), "no high check is listed:\n{stdout}");
    assert!(stderr.contains("selected check(s) run"), "{stderr}");
}

#[test]
fn framework_selection_runs_only_the_checks_mapped_to_it() {
    let (_, v) = json(EXAMPLE, &["--framework", "caf:B4.d"]);
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let reqs: Vec<&str> = r["maps"]["caf"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has no caf mapping", r["id"]))
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert!(reqs.contains(&"B4.d"), "{}: {reqs:?}", r["id"]);
    }
    let (_, whole) = json(EXAMPLE, &["--framework", "caf"]);
    assert!(whole["results"].as_array().unwrap().len() > results.len());
    assert!(
        whole["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["maps"]["caf"].as_array().is_some_and(|a| !a.is_empty()))
    );
}

#[test]
fn output_dir_writes_every_format_with_fixed_names_and_no_left_out_check() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("out");
    let (code, _, stderr) = assure(&[
        "check",
        EXAMPLE,
        "--check",
        "NDG9-*",
        "--fail-on",
        "none",
        "--output-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "assure.github.txt",
            "assure.html",
            "assure.json",
            "assure.junit.xml",
            "assure.md",
            "assure.oscal.json",
            "assure.plan.csv",
            "assure.sarif",
            "assure.txt"
        ]
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (_, stdout, _) = assure(&["check", EXAMPLE, "--check", "NDG9-*", "--format", "json"]);
    assert_eq!(
        read("assure.json"),
        stdout,
        "the JSON file is what --format json prints"
    );
    serde_json::from_str::<Value>(&read("assure.sarif")).unwrap();
    serde_json::from_str::<Value>(&read("assure.oscal.json")).unwrap();
    roxmltree::Document::parse(&read("assure.junit.xml")).unwrap();
    assert!(read("assure.html").starts_with("<!DOCTYPE html>"));
    assert!(read("assure.github.txt").starts_with("::"));
    // Checks left out appear in no file, not even as a pass; only the JSON names them, as left out.
    for name in &names {
        let text = read(name);
        assert!(text.contains("NDG9-"), "{name}");
        if name == "assure.json" {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert!(
                v["selection"]["left_out"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|id| id == "NDG2-AUP")
            );
            assert!(!result_ids(&v).iter().any(|id| !id.starts_with("NDG9-")));
        } else {
            assert!(
                !text.contains("NDG2-AUP") && !text.contains("NDG1-"),
                "{name} names a left-out check"
            );
        }
    }
}

#[test]
fn the_dspt_view_follows_the_organisation_type_and_a_critical_site_comes_first() {
    // Northshire is a trust (stated) and a major trauma centre: the CAF-aligned view, critical findings first.
    let (_, stdout, _) = assure(&["check", EXAMPLE]);
    let mut lines = stdout.lines().skip(1);
    assert_eq!(lines.next(), Some("critical site: Major trauma centre"));
    assert_eq!(lines.nth(1), Some("Critical findings first"));
    let (_, json, _) = assure(&["check", EXAMPLE, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["organisation"]["type"], "trust");
    assert_eq!(v["organisation"]["critical"], "Major trauma centre");
    let d = &v["dspt"];
    assert_eq!(
        (d["view"].as_str(), d["framework"].as_str(), d["edition"].as_str()),
        (Some("caf_aligned"), Some("caf"), Some("2024-25"))
    );
    assert_eq!(d["reason"], "organisation type `trust` (assure.yaml)");
    assert_eq!(d["verdict"], "below_profile");
    // NDG1-ENCRYPT fails and maps B3.c: below its expected level.
    assert!(d["below"].as_array().unwrap().iter().any(|o| o == "B3.c"), "{d}");
    assert!(stdout.contains("DSPT 2024-25 CAF-aligned: "), "{stdout}");

    // A GP practice answers the standards-met assertions; a trust's ODS code alone gives the CAF view, said so.
    let dir = copy_example();
    let manifest = dir.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let without = text
        .replace("  type: trust                    # answers the CAF-aligned DSPT\n", "")
        .replace("  critical: Major trauma centre  # shown on the report's cover\n", "");
    assert_ne!(without, text);
    std::fs::write(&manifest, without.replace("ods_code: RNS", "ods_code: A81001")).unwrap();
    let repo = dir.path().to_str().unwrap();
    let (_, json, _) = assure(&["check", repo, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["dspt"]["view"], "assertions");
    assert_eq!(v["dspt"]["framework"], "dspt");
    assert!(
        v["dspt"]["reason"]
            .as_str()
            .unwrap()
            .contains("read from ODS code A81001")
    );
    assert!(v["organisation"].get("critical").is_none());
    let (_, stdout, _) = assure(&["check", repo]);
    assert!(!stdout.contains("critical site"), "{stdout}");
    std::fs::write(&manifest, without).unwrap();
    let (_, json, _) = assure(&["check", repo, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["dspt"]["view"], "caf_aligned");
    assert_eq!(v["organisation"]["type_inferred"], true);
}

#[test]
fn a_managed_exception_accepts_its_finding_on_its_last_day_and_not_the_day_after() {
    let lab = |as_of: &str| {
        let (_, v) = json(EXAMPLE, &["--as-of", as_of]);
        let finding = result(&v, "NDG8-OS")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == "NSH-LAB-0001")
            .unwrap()
            .clone();
        let status = v["waivers"][0]["status"].as_str().unwrap().to_string();
        (finding.get("waived_by").cloned(), status)
    };
    // registers/device-exceptions.csv:2 names 2027-03-31 as the analyser exception's last day.
    let (by, status) = lab("2027-03-31");
    assert_eq!(by, Some(Value::from("registers/device-exceptions.csv:2")));
    assert_eq!(status, "applied");
    let (by, status) = lab("2027-04-01");
    assert_eq!(by, None, "a lapsed exception accepts nothing");
    assert_eq!(status, "expired");
}
