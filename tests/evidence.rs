//! Evidence loading: every format keeps file and line; problems stay with their dataset; the repo is a jail.

use assure::evidence::load;
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const MANIFEST: &str = "organisation: { name: Test Trust, ods_code: RZZ }
as_of: 2026-11-01
datasets:
  devices: { files: exports/devices.json, records: 'value[*]', fields: { deviceName: DeviceName } }
  accounts: { files: 'exports/ad/*.csv' }
  staff: { files: exports/staff.tsv }
  suppliers: { files: registers/suppliers.yaml }
  alerts: { files: logs/alerts.log, pattern: '^(?P<date>\\S+) (?P<alert>CC-\\d+) (?P<action>\\w+)' }
  sshd: { files: 'configs/*/sshd_config', format: keyvalue }
";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "assure.yaml", MANIFEST);
    write(
        r,
        "exports/devices.json",
        "{\n  \"value\": [\n    { \"DeviceName\": \"A\" },\n    {\n      \"DeviceName\": \"B\",\n      \"isEncrypted\": false\n    }\n  ]\n}\n",
    );
    write(
        r,
        "exports/ad/users.csv",
        "\u{feff}SamAccountName,Enabled\r\nann,True\r\nbob,False\r\n",
    );
    write(r, "exports/staff.tsv", "staff_id\tname\nS1\tAnn\nS2\tBob\n");
    write(
        r,
        "registers/suppliers.yaml",
        "# supplier register\n- name: Acme\n  contract_end: 2027-03-31\n- name: Beta\n",
    );
    write(
        r,
        "logs/alerts.log",
        "2026-10-01 CC-4501 acknowledged\n# a comment, not a record\n2026-10-02 CC-4502 ignored\n",
    );
    write(
        r,
        "configs/bastion01/sshd_config",
        "# hardened\nPermitRootLogin no\nPasswordAuthentication yes\n",
    );
    dir
}

#[test]
fn every_format_loads_with_file_and_line() {
    let dir = repo();
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
    );
    assert_eq!(ev.organisation.ods_code, "RZZ");
    assert_eq!(ev.as_of.unwrap().to_string(), "2026-11-01");
    let at = |ds: &str, i: usize| {
        let r = &ev.datasets[ds].records[i];
        (ev.file_path(r.file()).to_string(), r.line())
    };
    assert_eq!(at("devices", 1), ("exports/devices.json".into(), 4));
    assert_eq!(
        ev.datasets["devices"].records[1].to_value()["deviceName"],
        "B",
        "renamed from DeviceName"
    );
    assert_eq!(ev.datasets["devices"].records[1].field_line("isEncrypted"), 6);
    assert_eq!(at("accounts", 1), ("exports/ad/users.csv".into(), 3));
    assert_eq!(
        ev.datasets["accounts"].records[0].to_value()["SamAccountName"],
        "ann",
        "BOM stripped from the header"
    );
    assert_eq!(at("staff", 0), ("exports/staff.tsv".into(), 2));
    assert_eq!(at("suppliers", 1), ("registers/suppliers.yaml".into(), 4));
    assert_eq!(at("alerts", 1), ("logs/alerts.log".into(), 3));
    assert_eq!(ev.datasets["alerts"].records[1].to_value()["action"], "ignored");
    let sshd = &ev.datasets["sshd"].records[0];
    assert_eq!(sshd.to_value()["PasswordAuthentication"], "yes");
    assert_eq!(sshd.field_line("PasswordAuthentication"), 3);
    let hashes: Vec<_> = ev
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.len(), f.records))
        .collect();
    assert!(hashes.contains(&("exports/devices.json", 64, 2)), "{hashes:?}");
}

#[test]
fn a_broken_export_errors_only_its_dataset() {
    let dir = repo();
    write(
        dir.path(),
        "exports/ad/users.csv",
        "SamAccountName,Enabled\nann,True,extra\n",
    );
    fs::remove_file(dir.path().join("exports/staff.tsv")).unwrap();
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    let accounts = ev.datasets["accounts"].error.as_deref().unwrap();
    assert!(accounts.contains("exports/ad/users.csv:2:1"), "{accounts}");
    assert!(
        accounts.contains("a row has 3 cells but the header has 2"),
        "{accounts}"
    );
    let staff = ev.datasets["staff"].error.as_deref().unwrap();
    assert!(staff.contains("no file matches `exports/staff.tsv`"), "{staff}");
    assert_eq!(diags.len(), 2);
    assert!(ev.datasets["devices"].error.is_none());
    assert_eq!(ev.datasets["devices"].records.len(), 2);
}

#[test]
fn unparsable_json_names_file_and_line() {
    let dir = repo();
    write(
        dir.path(),
        "exports/devices.json",
        "{\n  \"value\": [\n    { \"DeviceName\": \"A\" },,\n  ]\n}\n",
    );
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    let e = ev.datasets["devices"].error.as_deref().unwrap();
    assert!(e.starts_with("exports/devices.json:3:"), "{e}");
    assert!(e.contains("invalid JSON"), "{e}");
    assert_eq!(diags[0].location().unwrap(), "exports/devices.json:3:1");
}

#[test]
fn optional_datasets_may_be_missing() {
    let dir = repo();
    let manifest = MANIFEST.replace(
        "staff: { files: exports/staff.tsv }",
        "staff: { files: exports/none.tsv, optional: true }",
    );
    write(dir.path(), "assure.yaml", &manifest);
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    assert!(diags.is_empty());
    assert!(ev.datasets["staff"].error.is_none() && ev.datasets["staff"].records.is_empty());
}

#[test]
fn globs_cannot_leave_the_repo() {
    let dir = repo();
    let manifest = MANIFEST.replace("exports/staff.tsv", "../outside/*.tsv");
    write(dir.path(), "assure.yaml", &manifest);
    let (ev, _) = load(dir.path(), &Default::default()).unwrap();
    assert!(ev.datasets["staff"].error.as_deref().unwrap().contains("contains `..`"));
}

#[cfg(unix)]
#[test]
fn symlinks_cannot_leave_the_repo_and_loops_do_not_hang() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.tsv", "staff_id\nX\n");
    let dir = repo();
    fs::remove_file(dir.path().join("exports/staff.tsv")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.tsv"), dir.path().join("exports/staff.tsv")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("exports"), dir.path().join("exports/loop")).unwrap();
    let (ev, _) = load(dir.path(), &Default::default()).unwrap();
    let e = ev.datasets["staff"].error.as_deref().unwrap();
    assert!(e.contains("symlink to a file outside the config repo"), "{e}");
    assert!(ev.datasets["staff"].records.is_empty());
}

#[test]
fn a_broken_manifest_is_unusable_input() {
    let dir = repo();
    write(
        dir.path(),
        "assure.yaml",
        "organisation: { name: T, ods_code: rzz }\ndatasets:\n  devices: { file: x.json }\n",
    );
    let diags = load(dir.path(), &Default::default()).unwrap_err();
    let text: Vec<String> = diags.iter().map(|d| d.one_line()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("assure.yaml:3:") && t.contains("unknown key `file` (did you mean `files`?)")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("assure.yaml:1:") && t.contains("rzz")),
        "{text:?}"
    );
}
