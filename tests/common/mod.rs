//! Helpers for integration tests: a pack built in memory around one check, run on inline data.
#![allow(dead_code)]

use assure::assess::{CheckResult, State};
use assure::core::diagnostic::Diagnostic;
use assure::engine::run_check;
use assure::evidence::{Evidence, Record};
use assure::pack::{Pack, load_files};
use std::collections::BTreeMap;

pub const DATASETS: &str = "datasets:
  devices: { description: Managed devices, key: deviceName, secret: [pin], personal: [userPrincipalName] }
  accounts: { description: AD accounts, key: SamAccountName }
  leavers: { description: HR leavers, key: employee_id }
  staff: { description: Staff, key: staff_id }
  training: { description: Training completions, key: staff_id }
  incidents: { description: Incidents, key: id, optional: [closed_at] }
  mfa: { description: Entra registration, key: userPrincipalName }
  os_lifecycle: { description: OS lifecycle, key: build }
  firewall_rules: { description: Firewall rules, key: name }
  backups: { description: Backups, key: system }
  sshd: { description: sshd_config }
  log: { description: log lines }
";

pub const CAF: &str = "framework: { id: caf, title: NCSC CAF, version: '3.2' }
requirements:
  - { id: B2.a, title: Identity verification, manual: access review minutes }
  - { id: B4.d, title: Vulnerability management, manual: patching reports }
";

/// A pack with one standard holding `checks_yaml` (a YAML list of checks, indented by 2).
pub fn pack_files(checks_yaml: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "pack.yaml".into(),
            b"name: test\ntitle: Test pack\nversion: 0.0.1\n".to_vec(),
        ),
        ("datasets.yaml".into(), DATASETS.as_bytes().to_vec()),
        ("frameworks/caf.yaml".into(), CAF.as_bytes().to_vec()),
        (
            "test.yaml".into(),
            format!(
                "standard:\n  id: T1\n  number: 1\n  title: Test\n  statement: A test standard.\nchecks:\n{checks_yaml}"
            )
            .into_bytes(),
        ),
    ]
}

pub fn load(checks_yaml: &str) -> (Pack, Vec<Diagnostic>) {
    load_files(pack_files(checks_yaml))
}

/// Loads a pack around one check (written at top level, without the leading `- `) and fails on diagnostics.
pub fn pack_with(check_yaml: &str) -> Pack {
    let indented: String = check_yaml
        .trim_matches('\n')
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("  - {l}\n")
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    let (pack, diags) = load(&indented);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics:\n{}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>().join("\n")
    );
    pack
}

/// Runs the single check of `check_yaml` on `data` (a YAML mapping dataset -> records) at `as_of`.
pub fn run_with(check_yaml: &str, data: &str, as_of: &str, params: &str) -> CheckResult {
    run_with_edited(check_yaml, data, as_of, params, |_| {})
}

/// [`run`] with each dataset's records edited first (to place them on other lines, say).
#[allow(dead_code)]
pub fn run_edited(check_yaml: &str, data: &str, edit: impl Fn(&mut Vec<Record>)) -> CheckResult {
    run_with_edited(check_yaml, data, "2026-11-01", "", edit)
}

fn run_with_edited(
    check_yaml: &str,
    data: &str,
    as_of: &str,
    params: &str,
    edit: impl Fn(&mut Vec<Record>),
) -> CheckResult {
    let pack = pack_with(check_yaml);
    let data: BTreeMap<String, Vec<serde_json::Value>> =
        serde_json::from_value(assure::core::yaml::parse(data, usize::MAX).expect("test data").value)
            .expect("data shape");
    let params: BTreeMap<String, serde_json::Value> = if params.is_empty() {
        BTreeMap::new()
    } else {
        serde_json::from_value(assure::core::yaml::parse(params, usize::MAX).expect("params").value)
            .expect("params shape")
    };
    let id = pack.checks[0].spec.id.clone();
    let overrides = BTreeMap::from([(id, params)]);
    let ts = as_of
        .parse::<jiff::civil::Date>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp();
    let (checks, diags) = pack.compile_all(&overrides, &Default::default(), None, ts);
    assert!(
        diags.is_empty(),
        "{}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>().join("\n")
    );
    let mut evidence = Evidence::from_inline(&data);
    for dataset in evidence.datasets.values_mut() {
        edit(&mut dataset.records);
    }
    for name in &checks[0].datasets {
        evidence.datasets.entry(name.clone()).or_default();
    }
    run_check(&checks[0], &evidence)
}

pub fn run(check_yaml: &str, data: &str) -> CheckResult {
    run_with(check_yaml, data, "2026-11-01", "")
}

/// Keys of the failing records, sorted.
pub fn failing(r: &CheckResult) -> Vec<String> {
    let mut keys: Vec<String> = r.findings.iter().map(|f| f.key.clone()).collect();
    keys.sort();
    keys
}

pub fn assert_state(r: &CheckResult, state: State) {
    assert_eq!(
        r.state, state,
        "summary: {}; error: {:?}; findings: {:?}",
        r.summary, r.error, r.findings
    );
}

pub const EXAMPLE: &str = "examples/northshire";

/// Runs the `assure` binary without colour at a fixed width: (exit code, stdout, stderr).
pub fn assure(args: &[&str]) -> (i32, String, String) {
    assure_in(std::path::Path::new("."), args)
}

/// [`assure`] run in directory `dir`.
pub fn assure_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("assure")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Copies the example trust into a temporary directory so a test can change it.
pub fn copy_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(EXAMPLE) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(EXAMPLE).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

/// The result of check `id` in a `--format json` assessment.
pub fn result<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}
