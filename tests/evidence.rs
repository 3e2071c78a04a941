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

/// The repo of [`repo`] with `files` added (path, text) and the sshd dataset's records and diagnostics.
fn sshd_with(files: &[(&str, &str)]) -> (Vec<serde_json::Value>, Option<String>, Vec<String>) {
    let dir = repo();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    let sshd = &ev.datasets["sshd"];
    let records = sshd
        .records
        .iter()
        .map(|r| {
            let mut v = r.to_value();
            v["_line"] = serde_json::json!(r.line());
            v
        })
        .collect();
    (
        records,
        sshd.error.clone(),
        diags.iter().map(|d| d.one_line()).collect(),
    )
}

const MAIN: &str = "configs/bastion01/sshd_config";

#[test]
fn sshd_include_is_read_where_it_stands_and_the_first_value_wins_in_that_order() {
    let main = "# Debian's layout\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nX11Forwarding no\n";
    let (records, error, diags) = sshd_with(&[
        (MAIN, main),
        // Lexical order: 10 before 50, so 10's value wins over 50's and over the main file's later line.
        (
            "configs/bastion01/sshd_config.d/50-cloud.conf",
            "PasswordAuthentication yes\nX11Forwarding yes\n",
        ),
        (
            "configs/bastion01/sshd_config.d/10-hardening.conf",
            "PasswordAuthentication no\n",
        ),
        ("configs/bastion01/sshd_config.d/README", "PermitRootLogin yes\n"),
    ]);
    assert_eq!(error, None, "{diags:?}");
    assert_eq!(records.len(), 1);
    let global = &records[0];
    assert_eq!(global["PasswordAuthentication"], "no", "10-hardening.conf comes first");
    assert_eq!(
        global["X11Forwarding"], "yes",
        "50-cloud.conf is read before line 5 of the main file"
    );
    assert_eq!(global["PermitRootLogin"], "no", "README does not match *.conf");
    assert!(global.get("Include").is_none());

    // Without the include the main file's own values stand: the other side of the same boundary.
    let (records, _, _) = sshd_with(&[(MAIN, &main.replace("Include", "#Include"))]);
    assert_eq!(records[0]["X11Forwarding"], "no");
    assert_eq!(records[0]["PasswordAuthentication"], "no");
}

#[test]
fn sshd_match_blocks_in_included_files_end_with_the_file_and_includes_inside_match_are_conditional() {
    let main = "Include sshd_config.d/match.conf\nPermitRootLogin no\nMatch Group admins\n  Include sshd_config.d/admins.conf\n";
    let (records, error, diags) = sshd_with(&[
        (MAIN, main),
        // The block lasts to the end of this file; line 2 of the main file is global again.
        (
            "configs/bastion01/sshd_config.d/match.conf",
            "Match User backup\n  PermitRootLogin yes\n",
        ),
        (
            "configs/bastion01/sshd_config.d/admins.conf",
            "PasswordAuthentication yes\nMatch Address 10.0.0.0/8\n  PermitRootLogin prohibit-password\n",
        ),
    ]);
    assert_eq!(error, None, "{diags:?}");
    let by_match = |m: Option<&str>| {
        records
            .iter()
            .find(|r| r.get("Match").and_then(|v| v.as_str()) == m)
            .unwrap_or_else(|| panic!("no block {m:?} in {records:?}"))
    };
    let global = by_match(None);
    assert_eq!(
        global["PermitRootLogin"], "no",
        "the included Match block did not swallow line 2"
    );
    assert!(
        global.get("PasswordAuthentication").is_none(),
        "admins.conf applies only inside its Match"
    );
    let backup = by_match(Some("User backup"));
    assert_eq!(backup["PermitRootLogin"], "yes");
    assert_eq!(backup["_line"], 1, "at the Include that brought it in");
    let admins = by_match(Some("Group admins"));
    assert_eq!(admins["PasswordAuthentication"], "yes");
    assert_eq!(admins["_line"], 3);
    let both = by_match(Some("Group admins Address 10.0.0.0/8"));
    assert_eq!(both["PermitRootLogin"], "prohibit-password");
}

#[test]
fn sshd_includes_that_leave_the_repo_or_loop_are_refused_naming_the_line() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("evil.conf"), "PermitRootLogin yes\n").unwrap();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![(MAIN, "PermitRootLogin no\nInclude ../../../etc/passwd\n".into())],
            "leads out of the config repo",
        ),
        (
            vec![(MAIN, "PermitRootLogin no\nInclude /opt/ssh/extra.conf\n".into())],
            "outside /etc/ssh/",
        ),
        (
            vec![
                (MAIN, "PermitRootLogin no\nInclude a.conf\n".into()),
                ("configs/bastion01/a.conf", "Include b.conf\n".into()),
                ("configs/bastion01/b.conf", "Include /etc/ssh/a.conf\n".into()),
            ],
            "an include loop",
        ),
    ];
    for (files, said) in cases {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let (_, error, diags) = sshd_with(&files);
        let error = error.unwrap_or_else(|| panic!("refused ({said}): {diags:?}"));
        assert!(error.contains(said), "{error}");
        assert!(
            error.contains(":2: `Include") || error.contains(":1: `Include"),
            "names the line: {error}"
        );
        assert!(!error.contains("root:"), "nothing of the file outside is shown");
    }
    // A symlink out of the repo, matched by a glob, is refused by the jail.
    let dir = repo();
    write(dir.path(), MAIN, "Include sshd_config.d/*.conf\nPermitRootLogin no\n");
    fs::create_dir_all(dir.path().join("configs/bastion01/sshd_config.d")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("evil.conf"),
        dir.path().join("configs/bastion01/sshd_config.d/evil.conf"),
    )
    .unwrap();
    let (ev, _) = load(dir.path(), &Default::default()).unwrap();
    let error = ev.datasets["sshd"].error.clone().unwrap();
    assert!(
        error.contains("sshd_config:1: `Include sshd_config.d/*.conf`") && error.contains("outside the config repo"),
        "{error}"
    );
    // An include that matches nothing is read as sshd reads it (nothing), with a warning naming the line.
    let (records, error, diags) = sshd_with(&[(MAIN, "Include sshd_config.d/*.conf\nPermitRootLogin no\n")]);
    assert_eq!(error, None);
    assert_eq!(records[0]["PermitRootLogin"], "no");
    assert!(
        diags
            .iter()
            .any(|d| d.contains("sshd_config:1: `Include sshd_config.d/*.conf` matches no file")),
        "{diags:?}"
    );
}

/// The accounts dataset of [`repo`] with `users` as its CSV and `dates:` declared as given.
fn accounts_dated(dates: Option<&str>, users: &str) -> (Vec<serde_json::Value>, Vec<String>) {
    let dir = repo();
    let manifest = match dates {
        Some(d) => MANIFEST.replace(
            "accounts: { files: 'exports/ad/*.csv' }",
            &format!("accounts: {{ files: 'exports/ad/*.csv', dates: {d} }}"),
        ),
        None => MANIFEST.to_string(),
    };
    write(dir.path(), "assure.yaml", &manifest);
    write(dir.path(), "exports/ad/users.csv", users);
    let (ev, diags) = load(dir.path(), &Default::default()).unwrap();
    let records = ev.datasets["accounts"].records.iter().map(|r| r.to_value()).collect();
    (records, diags.iter().map(|d| d.one_line()).collect())
}

#[test]
fn slashed_dates_are_read_in_the_order_the_dataset_declares() {
    let users = "SamAccountName,LastLogonDate,whenCreated\na,12/01/2021,4/1/2021 9:00:00 AM\nb,01/12/2021,13/01/2021\nc,2021-06-30,\n";
    let (us, diags) = accounts_dated(Some("us"), users);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(us[0]["LastLogonDate"], "2021-12-01", "12/01 is 1 December, month first");
    assert_eq!(us[1]["LastLogonDate"], "2021-01-12", "01/12 is 12 January");
    assert_eq!(us[0]["whenCreated"], "2021-04-01T09:00:00");
    let invalid = us[1]["whenCreated"].as_str().unwrap();
    assert!(
        invalid.starts_with("13/01/2021 (not a month/day/year date"),
        "13/01 is no US date: {invalid}"
    );
    assert_eq!(us[2]["LastLogonDate"], "2021-06-30", "ISO dates are left as they are");

    let (uk, _) = accounts_dated(Some("uk"), users);
    assert_eq!(
        uk[0]["LastLogonDate"], "12/01/2021",
        "read day first by the engine as written"
    );
    assert_eq!(uk[0]["whenCreated"], "2021-01-04T09:00:00", "4/1 with AM/PM, day first");
    assert_eq!(uk[1]["whenCreated"], "13/01/2021");

    let (undeclared, _) = accounts_dated(None, users);
    assert_eq!(
        undeclared[0]["whenCreated"], "4/1/2021 9:00:00 AM",
        "never guessed: left for the check to refuse"
    );
}
