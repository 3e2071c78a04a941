//! The check language, one behaviour per test: each op, type, quantifier, join, expectation and template.

mod common;
use assure::assess::State;
use common::*;

const ENCRYPT: &str = r#"
id: T-ENCRYPT
title: Devices are encrypted
severity: high
dataset: devices
where: { field: managedDeviceOwnerType, eq: company, ignore_case: true }
assert: { field: isEncrypted, eq: true }
message: "{{ deviceName }} is not encrypted"
"#;

#[test]
fn where_selects_and_assert_fails_the_right_records() {
    let r = run(
        ENCRYPT,
        "devices:
  - { deviceName: A, managedDeviceOwnerType: Company, isEncrypted: true }
  - { deviceName: B, managedDeviceOwnerType: company, isEncrypted: false }
  - { deviceName: C, managedDeviceOwnerType: personal, isEncrypted: false }
  - { deviceName: D, managedDeviceOwnerType: company }
",
    );
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["B", "D"]);
    assert_eq!((r.selected, r.passing, r.failing), (3, 1, 2));
    let b = r.findings.iter().find(|f| f.key == "B").unwrap();
    assert_eq!(b.message, "B is not encrypted");
    assert_eq!(b.line, 2);
    assert_eq!(b.observed, Some(serde_json::json!(false)));
}

#[test]
fn empty_selection_is_not_applicable() {
    let r = run(
        ENCRYPT,
        "devices:\n  - { deviceName: C, managedDeviceOwnerType: personal, isEncrypted: false }\n",
    );
    assert_state(&r, State::NotApplicable);
}

fn leaf(assert: &str) -> String {
    format!("id: T-LEAF\ntitle: leaf\nseverity: low\ndataset: devices\nassert: {assert}\n")
}

/// Runs one assertion over devices named by their index and returns the failing names.
fn fails(assert: &str, devices: &str) -> Vec<String> {
    let r = run(&leaf(assert), &format!("devices:\n{devices}"));
    assert!(r.error.is_none(), "error: {:?}", r.error);
    failing(&r)
}

#[test]
fn comparison_ops_on_numbers_strings_and_bools() {
    let d = "  - { deviceName: a, n: 5, s: Alpha, b: 'True' }\n  - { deviceName: b, n: '12', s: beta, b: false }\n";
    assert_eq!(fails("{ field: n, eq: 5 }", d), ["b"]);
    assert_eq!(fails("{ field: n, ne: 5 }", d), ["a"]);
    assert_eq!(fails("{ field: n, lt: 10 }", d), ["b"]);
    assert_eq!(fails("{ field: n, le: 5 }", d), ["b"]);
    assert_eq!(fails("{ field: n, gt: 5 }", d), ["a"]);
    assert_eq!(fails("{ field: n, ge: 12 }", d), ["a"]);
    assert_eq!(fails("{ field: s, eq: alpha }", d), ["a", "b"]);
    assert_eq!(fails("{ field: s, eq: alpha, ignore_case: true }", d), ["b"]);
    assert_eq!(fails("{ field: b, eq: true }", d), ["b"]);
    // Strings compare as strings unless told otherwise: "12" < "5" as text.
    assert_eq!(fails("{ field: n, as: string, lt: '5' }", d), ["a"]);
}

#[test]
fn membership_and_text_ops() {
    let d = "  - { deviceName: a, os: Windows, upn: a@NHS.net, tags: [x, y] }\n  - { deviceName: b, os: macOS, upn: b@trust.nhs.uk, tags: [z] }\n";
    assert_eq!(fails("{ field: os, in: [Windows, iOS] }", d), ["b"]);
    assert_eq!(fails("{ field: os, not_in: [windows], ignore_case: true }", d), ["a"]);
    assert_eq!(fails("{ field: tags, contains: y }", d), ["b"]);
    assert_eq!(fails("{ field: upn, contains: nhs.uk }", d), ["a"]);
    assert_eq!(fails("{ field: upn, not_contains: trust }", d), ["b"]);
    assert_eq!(fails("{ field: upn, starts_with: a@ }", d), ["b"]);
    assert_eq!(
        fails("{ field: upn, ends_with: '@nhs.net', ignore_case: true }", d),
        ["b"]
    );
    assert_eq!(fails("{ field: upn, ends_with: '@nhs.net' }", d), ["a", "b"]);
}

#[test]
fn regex_matches_are_unanchored_unless_anchored() {
    let d = "  - { deviceName: NSH-LT-00001 }\n  - { deviceName: xNSH-LT-00002x }\n  - { deviceName: laptop }\n";
    assert_eq!(fails(r"{ field: deviceName, matches: 'NSH-LT-\d{5}' }", d), ["laptop"]);
    assert_eq!(
        fails(r"{ field: deviceName, matches: '^NSH-LT-\d{5}$' }", d),
        ["laptop", "xNSH-LT-00002x"]
    );
    assert_eq!(
        fails(r"{ field: deviceName, not_matches: '^nsh', ignore_case: true }", d),
        ["NSH-LT-00001"]
    );
}

#[test]
fn exists_absent_and_empty() {
    let d = "  - { deviceName: a, owner: Ann, note: '' }\n  - { deviceName: b, owner: ~, note: [] }\n  - { deviceName: c }\n";
    assert_eq!(fails("{ field: owner, exists: true }", d), ["b", "c"]);
    assert_eq!(fails("{ field: owner, absent: true }", d), ["a"]);
    assert_eq!(fails("{ field: note, empty: true }", d), Vec::<String>::new());
    assert_eq!(fails("{ field: owner, empty: false }", d), ["b", "c"]);
}

#[test]
fn missing_fields_fail_with_the_field_named() {
    let r = run(
        &leaf("{ field: isEncrypted, eq: true }"),
        "devices:\n  - { deviceName: a }\n  - { deviceName: b, isEncrypted: true }\n",
    );
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].message, "isEncrypted is missing; expected eq true");
    assert_eq!(r.findings[0].field.as_deref(), Some("isEncrypted"));
}

#[test]
fn dates_relative_to_the_assessment_date() {
    let d = "  - { deviceName: a, seen: '2026-10-30T08:15:22.1234567Z' }\n  - { deviceName: b, seen: '2026-09-01' }\n  - { deviceName: c, seen: '14/10/2026 09:12:00' }\n  - { deviceName: d, seen: 'never' }\n";
    assert_eq!(fails("{ field: seen, gt: 'as_of - 30d' }", d), ["b", "d"]);
    assert_eq!(fails("{ field: seen, as: date, ge: '2026-10-14' }", d), ["b", "d"]);
    let r = run(&leaf("{ field: seen, gt: 'as_of - 30d' }"), &format!("devices:\n{d}"));
    let never = r.findings.iter().find(|f| f.key == "d").unwrap();
    assert!(
        never.message.contains("\"never\" is not a datetime"),
        "{}",
        never.message
    );
    assert!(
        r.findings[0].message.contains("(2026-10-02T00:00:00Z)"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn duration_between_two_fields() {
    let check = "id: T-12H\ntitle: 12h rule\nseverity: high\ndataset: incidents\nassert: { field: senior_notified_at, minus: detected_at, le: 12h }\n";
    let r = run(
        check,
        "incidents:
  - { id: I1, detected_at: '2026-10-01T08:00:00Z', senior_notified_at: '2026-10-01T19:59:00Z' }
  - { id: I2, detected_at: '2026-10-01T08:00:00Z', senior_notified_at: '2026-10-02T09:00:00+01:00' }
  - { id: I3, detected_at: '2026-10-01T08:00:00Z' }
",
    );
    assert_eq!(failing(&r), ["I2", "I3"]);
    let i2 = r.findings.iter().find(|f| f.key == "I2").unwrap();
    assert_eq!(i2.message, "senior_notified_at - detected_at is 1d; expected le 12h");
}

const ICO_CLOCK: &str = "id: T-ICO\ntitle: ICO in 72h\nseverity: critical\ndataset: incidents\nkey: id\ndeadline: { from: detected_at, within: 72h, done: reported_at }\n";

fn pending(r: &assure::assess::CheckResult) -> Vec<(String, String)> {
    r.pending.iter().map(|p| (p.key.clone(), p.due.clone())).collect()
}

#[test]
fn deadline_passes_in_time_fails_late_or_overdue_and_leaves_a_running_clock_pending() {
    // as_of 2026-11-01 is 2026-11-01T00:00:00Z.
    let r = run(
        ICO_CLOCK,
        "incidents:
  - { id: AT-LIMIT, detected_at: '2026-06-01T09:00:00Z', reported_at: '2026-06-04T09:00:00Z' }
  - { id: LATE, detected_at: '2026-06-01T09:00:00Z', reported_at: '2026-06-04T09:01:00Z' }
  - { id: RUNNING, detected_at: '2026-10-31T09:00:00Z' }
  - { id: DUE-NOW, detected_at: '2026-10-29T00:00:00Z', reported_at: '' }
  - { id: OVERDUE, detected_at: '2026-10-28T23:59:00Z' }
  - { id: NO-START, reported_at: '2026-06-04T09:00:00Z' }
",
    );
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["LATE", "NO-START", "OVERDUE"]);
    // Soonest due first.
    assert_eq!(
        pending(&r),
        [
            ("DUE-NOW".to_string(), "2026-11-01T00:00:00Z".to_string()),
            ("RUNNING".to_string(), "2026-11-03T09:00:00Z".to_string())
        ]
    );
    assert_eq!((r.selected, r.passing, r.failing), (6, 1, 3));
    assert_eq!(
        r.summary,
        "3 of 6 records fail; 2 pending, the first due 2026-11-01T00:00:00Z"
    );
    let message = |key: &str| r.findings.iter().find(|f| f.key == key).unwrap().message.clone();
    assert_eq!(
        message("LATE"),
        "reported_at 2026-06-04T09:01:00Z is after the due time 2026-06-04T09:00:00Z (72h from detected_at)"
    );
    assert_eq!(
        message("OVERDUE"),
        "reported_at is empty and the due time 2026-10-31T23:59:00Z (72h from detected_at) has passed"
    );
    assert!(
        message("NO-START").contains("detected_at is not recorded"),
        "{}",
        message("NO-START")
    );
    assert_eq!(r.pending[1].line, 3);
}

#[test]
fn pending_records_are_ordered_by_due_time_then_line_then_key() {
    // All on one line, as a minified JSON export puts them: equal due times fall back to the key, not to the
    // records' order in the file.
    let data = "incidents:
  - { id: Z, detected_at: '2026-10-31T09:00:00Z', reported_at: '' }
  - { id: M, detected_at: '2026-10-30T09:00:00Z' }
  - { id: A, detected_at: '2026-10-31T09:00:00Z' }
  - { id: B, detected_at: '2026-10-31T09:00:00Z' }
";
    let on_one_line = |records: &mut Vec<assure::evidence::Record>| {
        for (i, r) in records.iter_mut().enumerate() {
            // B stays on a line of its own, after the others.
            let line = if i == 3 { 2 } else { 1 };
            *r = assure::evidence::Record::from_value(r.to_value(), r.file(), line, Vec::new());
        }
    };
    let r = common::run_edited(ICO_CLOCK, data, on_one_line);
    let keys: Vec<String> = pending(&r).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["M", "A", "Z", "B"]);
}

#[test]
fn deadline_with_only_clocks_running_passes_and_says_when_the_first_is_due() {
    let r = run(
        ICO_CLOCK,
        "incidents:\n  - { id: A, detected_at: '2026-10-31T09:00:00Z', reported_at: '' }\n  - { id: B, detected_at: '2026-10-30T09:00:00Z' }\n",
    );
    assert_state(&r, State::Pass);
    assert_eq!(
        r.summary,
        "all 2 records are pending, the first due 2026-11-02T09:00:00Z"
    );
    assert_eq!(pending(&r).len(), 2);
    // The same records a day after B's clock ran out: B fails, A is still pending.
    let later = run_with(
        ICO_CLOCK,
        "incidents:\n  - { id: A, detected_at: '2026-10-31T09:00:00Z', reported_at: '' }\n  - { id: B, detected_at: '2026-10-30T09:00:00Z' }\n",
        "2026-11-03",
        "",
    );
    assert_state(&later, State::Fail);
    assert_eq!(failing(&later), ["B"]);
    assert_eq!(pending(&later), [("A".to_string(), "2026-11-03T09:00:00Z".to_string())]);
}

#[test]
fn deadline_in_dates_includes_the_last_day_at_any_time_and_needs_no_done_field() {
    let check = "id: T-14D\ntitle: fixed in 14 days\nseverity: high\ndataset: incidents\nkey: cve\nparams: { window: { type: duration, default: 14d } }\ndeadline: { from: released, within: \"{{ params.window }}\", as: date }\n";
    let r = run(
        check,
        "incidents:
  - { cve: DAY-14-LATE-IN-THE-DAY, released: '2026-10-18T23:30:00Z' }
  - { cve: DAY-15-EARLY, released: '2026-10-17T00:30:00Z' }
  - { cve: DAY-0, released: '2026-11-01' }
",
    );
    assert_eq!(failing(&r), ["DAY-15-EARLY"]);
    assert_eq!(
        pending(&r),
        [
            ("DAY-14-LATE-IN-THE-DAY".to_string(), "2026-11-01".to_string()),
            ("DAY-0".to_string(), "2026-11-15".to_string())
        ]
    );
    let f = &r.findings[0];
    assert_eq!(f.message, "open past its due time 2026-10-31 (14d from released)");
    // A trust's shorter window moves the boundary with it.
    let r = run_with(
        check,
        "incidents:\n  - { cve: DAY-7, released: '2026-10-25' }\n  - { cve: DAY-8, released: '2026-10-24' }\n",
        "2026-11-01",
        "{ window: 7d }",
    );
    assert_eq!(failing(&r), ["DAY-8"]);
    assert_eq!(pending(&r), [("DAY-7".to_string(), "2026-11-01".to_string())]);
}

#[test]
fn deadline_and_assert_together_fail_a_record_that_breaks_either() {
    let check = "id: T-BOTH\ntitle: triaged and reported\nseverity: high\ndataset: incidents\nkey: id\nassert: { field: owner, empty: false }\ndeadline: { from: detected_at, within: 72h, done: reported_at }\n";
    let r = run(
        check,
        "incidents:
  - { id: NO-OWNER-RUNNING, detected_at: '2026-10-31T09:00:00Z', reported_at: null }
  - { id: OWNED-RUNNING, owner: ig, detected_at: '2026-10-31T09:00:00Z' }
",
    );
    assert_eq!(failing(&r), ["NO-OWNER-RUNNING"]);
    assert_eq!(pending(&r).len(), 1);
    assert_eq!(r.findings[0].field.as_deref(), Some("owner"));
}

#[test]
fn deadline_that_cannot_be_compiled_names_the_field() {
    for (deadline, expected) in [
        (
            "{ from: a, within: 0h, done: b }",
            "`within` must be a positive duration",
        ),
        ("{ from: a, within: soon, done: b }", "duration"),
        (
            "{ from: a, within: 1d, as: number }",
            "a deadline counts in `date` or `datetime`",
        ),
        ("{ from: a, within: \"{{ params.nope }}\" }", "unknown parameter `nope`"),
    ] {
        let check = format!(
            "  - id: T-BAD\n    title: bad\n    severity: low\n    dataset: incidents\n    deadline: {deadline}\n"
        );
        let (pack, diags) = load(&check);
        let (_, compiled) = pack.compile_all(
            &Default::default(),
            &Default::default(),
            None,
            jiff::Timestamp::UNIX_EPOCH,
        );
        let all: Vec<String> = diags.iter().chain(&compiled).map(|d| d.one_line()).collect();
        assert!(all.iter().any(|d| d.contains(expected)), "{deadline}: {all:?}");
    }
}

#[test]
fn a_field_no_record_has_is_an_error_naming_it_and_the_columns_the_export_has() {
    // Without the error, `where` would select nothing and the check would say "not applicable".
    let check = "id: T-ADMIN\ntitle: admins\nseverity: critical\ndataset: accounts\nwhere: { field: adminCount, eq: 1 }\nassert: { field: Enabled, eq: false }\n";
    let r = run(
        check,
        "accounts:\n  - { SamAccountName: a, Enabled: 'True' }\n  - { SamAccountName: b, Enabled: 'False' }\n",
    );
    assert_state(&r, State::Error);
    let e = r.error.unwrap();
    assert!(
        e.contains("field `adminCount` is in no record of dataset `accounts` (2 records")
            && e.contains("its records have: Enabled, SamAccountName."),
        "{e}"
    );
    // One record having it is enough: the others simply lack a value.
    let r = run(
        check,
        "accounts:\n  - { SamAccountName: a, Enabled: 'True', adminCount: 1 }\n  - { SamAccountName: b, Enabled: 'False' }\n",
    );
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["a"]);
    // A lookup's field is looked for in the lookup's dataset.
    let joined = "id: T-JOIN\ntitle: leavers\nseverity: high\ndataset: leavers\nlookup:\n  - { as: ad, dataset: accounts, on: { employee_id: EmployeeID } }\nassert: { field: ad.Enabled, eq: false }\n";
    let r = run(
        joined,
        "leavers:\n  - { employee_id: E1 }\naccounts:\n  - { SamAccountName: a, EmployeeID: E1 }\n",
    );
    assert_state(&r, State::Error);
    assert!(
        r.error
            .unwrap()
            .contains("field `Enabled` is in no record of dataset `accounts`")
    );
}

#[test]
fn a_field_declared_optional_or_an_empty_dataset_is_not_an_error() {
    let check = "id: T-OPEN\ntitle: closed\nseverity: low\ndataset: incidents\nwhere: { field: closed_at, empty: true }\nassert: { field: owner, empty: false }\n";
    let r = run(check, "incidents:\n  - { id: I1, owner: ig }\n");
    assert_state(&r, State::Pass);
    let r = run(check, "incidents: []\n");
    assert_state(&r, State::NotApplicable);
}

#[test]
fn dates_no_record_can_be_read_are_an_error_and_us_dates_are_named() {
    let check = "id: T-RECENT\ntitle: recent logons\nseverity: medium\ndataset: accounts\nassert: { field: LastLogonDate, as: datetime, ge: as_of - 90d }\n";
    let us = "accounts:\n  - { SamAccountName: a, LastLogonDate: '4/13/2026 9:00:00 AM' }\n  - { SamAccountName: b, LastLogonDate: '10/1/2026 5:30:00 PM' }\n  - { SamAccountName: c, LastLogonDate: '' }\n";
    let r = run(check, us);
    assert_state(&r, State::Error);
    let e = r.error.unwrap();
    assert!(
        e.contains("no value of field `LastLogonDate` in dataset `accounts` can be read as a datetime (e.g. `4/13/2026 9:00:00 AM` at <test data: accounts>:1)")
            && e.contains("These look like US dates"),
        "{e}"
    );
    // When some values are readable, the unreadable ones fail on their own records, as before.
    let mixed = "accounts:\n  - { SamAccountName: a, LastLogonDate: '2026-10-01' }\n  - { SamAccountName: b, LastLogonDate: 'yesterday' }\n";
    let r = run(check, mixed);
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["b"]);
    // PowerShell 5.1 ConvertTo-Json dates are read.
    let ps = "accounts:\n  - { SamAccountName: a, LastLogonDate: '/Date(1790000000000)/' }\n  - { SamAccountName: b, LastLogonDate: '/Date(1700000000000)/' }\n";
    let r = run(check, ps);
    assert_eq!(failing(&r), ["b"], "{:?}", r.error);
}

#[test]
fn host_name_joins_match_qualified_names_to_short_ones() {
    let check = "id: T-EDR\ntitle: in the EDR inventory\nseverity: high\ndataset: devices\nassert: { field: deviceName, exists_in: { dataset: accounts, field: SamAccountName, host_names: true } }\n";
    let r = run(
        check,
        "devices:\n  - { deviceName: RXX-LT-0002 }\n  - { deviceName: RXX-LT-0003 }\n  - { deviceName: 10.1.2.3 }\n  - { deviceName: 10.1.2 }\naccounts:\n  - { SamAccountName: rxx-lt-0002.rxx.nhs.uk. }\n  - { SamAccountName: rxx-lt-00030.rxx.nhs.uk }\n  - { SamAccountName: 10.1.2.3 }\n",
    );
    assert_eq!(failing(&r), ["10.1.2", "RXX-LT-0003"]);
}

#[test]
fn lookup_prefers_the_record_naming_the_edition_else_the_earliest_date() {
    let check = "id: T-EDITION\ntitle: supported\nseverity: high\ndataset: devices\nlookup:\n  - { as: l, dataset: os_lifecycle, on: { operatingSystem: product }, version_prefix: { field: osVersion, other: build }, prefer: { field: sku, other: editions }, earliest: end_of_support }\nassert: { field: l.end_of_support, as: date, ge: as_of }\nmessage: \"{{ deviceName }}: {{ l.end_of_support }}\"\n";
    let data = "devices:
  - { deviceName: ENT, operatingSystem: Windows, osVersion: 10.0.22631.1, sku: enterprise }
  - { deviceName: PRO, operatingSystem: Windows, osVersion: 10.0.22631.1, sku: Professional }
  - { deviceName: NONE, operatingSystem: Windows, osVersion: 10.0.22631.1 }
  - { deviceName: ODD, operatingSystem: Windows, osVersion: 10.0.22631.1, sku: Mystery }
os_lifecycle:
  - { product: Windows, build: 10.0.22631, end_of_support: 2026-11-10, editions: [Enterprise, Education] }
  - { product: Windows, build: 10.0.22631, end_of_support: 2025-11-11, editions: 'Professional, Core' }
  - { product: Windows, build: '10.0', end_of_support: 2020-01-01, editions: [Mystery] }
";
    let r = run(check, data);
    // The longest build prefix first: the Mystery record of build 10.0 is not a candidate.
    assert_eq!(failing(&r), ["NONE", "ODD", "PRO"]);
    let msg = |k: &str| r.findings.iter().find(|f| f.key == k).unwrap().message.clone();
    assert_eq!(msg("NONE"), "NONE: 2025-11-11");
    assert_eq!(msg("ODD"), "ODD: 2025-11-11");
}

#[test]
fn a_list_parameter_stands_for_its_items_in_an_in_list() {
    let check = "id: T-LIST\ntitle: enrolled\nseverity: low\ndataset: devices\nparams: { enrolled: { type: list, default: [] } }\nassert: { field: deviceName, in: [\"{{ params.enrolled }}\", ALWAYS], ignore_case: true }\n";
    let data = "devices:\n  - { deviceName: a }\n  - { deviceName: B }\n  - { deviceName: always }\n";
    assert_eq!(failing(&run(check, data)), ["B", "a"]);
    assert_eq!(
        failing(&run_with(check, data, "2026-11-01", "{ enrolled: [A, b] }")),
        Vec::<String>::new()
    );
    let pack = pack_with(check);
    let overrides = std::collections::BTreeMap::from([(
        "T-LIST".to_string(),
        std::collections::BTreeMap::from([("enrolled".to_string(), serde_json::json!("A"))]),
    )]);
    let (_, diags) = pack.compile_all(&overrides, &Default::default(), None, jiff::Timestamp::UNIX_EPOCH);
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("is not a list of strings or numbers")),
        "{diags:?}"
    );
}

#[test]
fn shared_lists_are_read_by_checks_and_extended_by_the_manifest() {
    let check = "  - id: T-FW\n    title: no exposed RDP\n    severity: high\n    dataset: firewall_rules\n    where:\n      all:\n        - { field: action, in: [\"{{ lists.allow }}\"], ignore_case: true }\n        - not: { field: source, as: cidr, subnet_of: \"{{ lists.internal }}\" }\n    assert: { field: port, ne: \"3389\" }\n";
    let mut files = pack_files(check);
    files[0].1 = b"name: test\ntitle: Test pack\nversion: 0.0.1\nlists:\n  allow: { description: allow actions, items: [allow, accept] }\n  internal: { description: internal, items: [10.0.0.0/8, \"fc00::/7\"] }\n".to_vec();
    let (pack, diags) = assure::pack::load_files(files);
    assert!(diags.is_empty(), "{diags:?}");
    let data: std::collections::BTreeMap<String, Vec<serde_json::Value>> = serde_json::from_value(serde_json::json!({
        "firewall_rules": [
            { "name": "lan", "action": "ALLOW", "source": "10.2.0.0/16", "port": "3389" },
            { "name": "v6-lan", "action": "accept", "source": "fd00::1", "port": "3389" },
            { "name": "internet", "action": "accept", "source": "0.0.0.0/0", "port": "3389" },
            { "name": "vendor", "action": "forward", "source": "203.0.113.0/24", "port": "3389" },
            { "name": "hscn", "action": "allow", "source": "155.231.0.0/16", "port": "3389" }
        ]
    }))
    .unwrap();
    let evidence = assure::evidence::Evidence::from_inline(&data);
    let run = |additions: serde_json::Value| {
        let additions = serde_json::from_value(additions).unwrap();
        let (checks, diags) = pack.compile_all(&Default::default(), &additions, None, jiff::Timestamp::UNIX_EPOCH);
        let keys = checks
            .first()
            .map(|c| failing(&assure::engine::run_check(c, &evidence)))
            .unwrap_or_default();
        (keys, diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>())
    };
    assert_eq!(run(serde_json::json!({})).0, ["hscn", "internet"]);
    // A trust's own allow action and its own internal range (HSCN) extend the pack's lists.
    let (keys, diags) = run(serde_json::json!({ "allow": ["Forward"], "internal": ["155.231.0.0/16"] }));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(keys, ["internet", "vendor"]);
    let (_, diags) = run(serde_json::json!({ "allowed": ["x"] }));
    assert_eq!(
        diags,
        ["assure.yaml adds to list `allowed`, which the pack does not have"]
    );
}

#[test]
fn plus_shifts_the_field_s_date_before_it_is_compared() {
    // An account must be disabled from the day after the leave date: leave_date + 1d <= as_of means "gone".
    let check = "id: T-GONE\ntitle: gone\nseverity: high\ndataset: leavers\nwhere: { field: leave_date, as: date, plus: 1d, le: as_of }\nassert: { field: disabled, eq: true }\n";
    let r = run(
        check,
        "leavers:\n  - { employee_id: LEFT-YESTERDAY, leave_date: 2026-10-31, disabled: false }\n  - { employee_id: LEAVES-TODAY, leave_date: 2026-11-01, disabled: false }\n",
    );
    assert_eq!(failing(&r), ["LEFT-YESTERDAY"]);
    // A negative shift and a datetime; the explanation says what was added.
    let r = run(
        &leaf("{ field: seen, as: datetime, plus: '-12h', ge: as_of - 1d }"),
        "devices:\n  - { deviceName: a, seen: '2026-10-31T12:00:00Z' }\n  - { deviceName: b, seen: '2026-10-31T11:59:00Z' }\n",
    );
    assert_eq!(failing(&r), ["b"]);
    assert!(
        r.findings[0].message.contains("(after adding -12h to it)"),
        "{}",
        r.findings[0].message
    );
    for bad in [
        "{ field: seen, minus: enrolled, plus: 1d, le: 12h }",
        "{ field: seen, as: number, plus: 1d, le: 3 }",
        "{ field: seen, as: date, plus: soon, le: as_of }",
    ] {
        let (pack, diags) = load(&format!(
            "  - id: T-BAD\n    title: t\n    severity: low\n    dataset: devices\n    assert: {bad}\n"
        ));
        let (_, compiled) = pack.compile_all(
            &Default::default(),
            &Default::default(),
            None,
            jiff::Timestamp::UNIX_EPOCH,
        );
        assert!(
            diags
                .iter()
                .chain(&compiled)
                .any(|d| d.message.contains("`plus` adds a duration")),
            "{bad}: {diags:?}"
        );
    }
}

#[test]
fn expectations_can_count_distinct_values_rather_than_records() {
    let check = "id: T-DISTINCT\ntitle: sites backed up\nseverity: high\ndataset: backups\nassert: { field: ok, eq: true }\nexpect: { distinct: site, count: { ge: 3 }, ratio: { ge: 60% } }\n";
    let data = "backups:
  - { system: a, site: North, ok: true }
  - { system: b, site: North, ok: true }
  - { system: c, site: South, ok: true }
  - { system: d, site: South, ok: false }
  - { system: e, site: East, ok: true }
";
    let r = run(check, data);
    // Records: 4 of 5 pass (80%); sites: North and East pass, South fails (2 of 3, 66.7%).
    let ratio = r.expectations.iter().find(|e| e.name == "ratio").unwrap();
    assert_eq!(ratio.actual, "66.7%");
    assert_eq!(ratio.expected, "ge 60% (distinct site)");
    let count = r.expectations.iter().find(|e| e.name == "count").unwrap();
    assert_eq!((count.actual.as_str(), count.holds), ("3", true));
    assert_state(&r, State::Pass);
    // A fourth system on a site already counted does not make four sites.
    let strict = check.replace("ge: 3", "ge: 4");
    let r = run(&strict, data);
    assert_state(&r, State::Fail);
    assert_eq!(r.expectations.iter().find(|e| e.name == "count").unwrap().actual, "3");
}

#[test]
fn dotted_versions() {
    let d = "  - { deviceName: a, osVersion: 10.0.19045.5247 }\n  - { deviceName: b, osVersion: 10.0.9200 }\n  - { deviceName: c, osVersion: 10.0.26100.1 }\n";
    assert_eq!(
        fails("{ field: osVersion, as: version, ge: 10.0.19045.5247 }", d),
        ["b"]
    );
    assert_eq!(fails("{ field: osVersion, as: version, lt: 10.0.22000 }", d), ["c"]);
}

#[test]
fn cidr_subnet_of_and_contains() {
    let d = "  - { deviceName: a, ip: 10.1.2.3, net: 10.20.0.0/16 }\n  - { deviceName: b, ip: 192.168.1.5, net: 192.168.0.0/24 }\n";
    assert_eq!(fails("{ field: ip, subnet_of: 10.0.0.0/8 }", d), ["b"]);
    assert_eq!(fails("{ field: net, as: cidr, contains: 10.20.0.15 }", d), ["b"]);
    assert_eq!(fails("{ field: net, as: cidr, subnet_of: 192.168.0.0/16 }", d), ["a"]);
}

#[test]
fn quantifiers_any_all_none_count() {
    let d = "  - { deviceName: a, m: [fido2, sms] }\n  - { deviceName: b, m: [sms] }\n  - { deviceName: c, m: [] }\n";
    assert_eq!(fails("{ field: m, quantifier: any, in: [fido2, push] }", d), ["b", "c"]);
    assert_eq!(fails("{ field: m, quantifier: all, eq: sms }", d), ["a"]);
    assert_eq!(fails("{ field: m, quantifier: none, eq: sms }", d), ["a", "b"]);
    assert_eq!(
        fails("{ field: m, quantifier: count, count: { ge: 2 } }", d),
        ["b", "c"]
    );
    assert_eq!(
        fails("{ field: m, quantifier: count, eq: sms, count: { eq: 0 } }", d),
        ["a", "b"]
    );
    let rules = "  - { deviceName: a, rules: [{ port: 443 }, { port: 3389 }] }\n  - { deviceName: b, rules: [{ port: 443 }] }\n";
    assert_eq!(
        fails(
            "{ field: 'rules[*].port', quantifier: none, in: [23, 445, 3389] }",
            rules
        ),
        ["a"]
    );
}

#[test]
fn a_list_without_a_quantifier_is_an_error_naming_the_field() {
    let r = run(
        &leaf("{ field: m, eq: sms }"),
        "devices:\n  - { deviceName: a, m: [sms] }\n",
    );
    assert_state(&r, State::Error);
    assert!(
        r.error.as_deref().unwrap().contains("field `m` holds a list"),
        "{:?}",
        r.error
    );
}

#[test]
fn boolean_all_any_not() {
    let d = "  - { deviceName: a, x: 1, y: 1 }\n  - { deviceName: b, x: 1, y: 2 }\n  - { deviceName: c, x: 2, y: 2 }\n";
    assert_eq!(
        fails("{ all: [{ field: x, eq: 1 }, { field: y, eq: 1 }] }", d),
        ["b", "c"]
    );
    assert_eq!(fails("{ any: [{ field: x, eq: 2 }, { field: y, eq: 1 }] }", d), ["b"]);
    assert_eq!(fails("{ not: { field: x, eq: 1 } }", d), ["a", "b"]);
    let r = run(&leaf("{ not: { field: x, eq: 1 } }"), &format!("devices:\n{d}"));
    assert_eq!(r.findings[0].message, "x is 1; expected eq 1 (this must not hold)");
}

const TRAINED: &str = r#"
id: T-TRAINED
title: Staff trained in the last year
severity: high
params:
  threshold: { type: number, default: 95, min: 50, max: 100, description: percent trained }
  max_age: { type: duration, default: 365d, min: 1d, max: 730d }
dataset: staff
where: { field: status, eq: active }
lookup:
  - { as: training, dataset: training, on: { staff_id: staff_id } }
assert: { field: training.completed_on, as: date, ge: "as_of - {{ params.max_age }}" }
expect: { ratio: { ge: "{{ params.threshold }}%" } }
message: "{{ name }} last trained {{ training.completed_on | default('never') }}"
summary: "{{ passing }} of {{ selected }} active staff trained (target {{ params.threshold }}%)"
"#;

const STAFF: &str = "staff:
  - { staff_id: S1, name: Ann, status: active }
  - { staff_id: S2, name: Bob, status: active }
  - { staff_id: S3, name: Cat, status: active }
  - { staff_id: S4, name: Dan, status: active }
  - { staff_id: S5, name: Eve, status: left }
training:
  - { staff_id: S1, completed_on: 2026-09-01 }
  - { staff_id: S2, completed_on: 2026-02-01 }
  - { staff_id: S3, completed_on: 2025-06-01 }
  - { staff_id: S4, completed_on: 2026-10-01 }
";

#[test]
fn ratio_with_lookup_and_parameter_default() {
    let r = run(TRAINED, STAFF);
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["S3"]);
    assert_eq!(r.summary, "3 of 4 active staff trained (target 95%)");
    assert_eq!(r.expectations[0].actual, "75%");
    // The JSON carries the exact measure and threshold as numbers beside the rounded text.
    assert_eq!(
        (r.expectations[0].measured, r.expectations[0].threshold),
        (Some(0.75), Some(0.95))
    );
    assert_eq!(r.findings[0].message, "Cat last trained 2025-06-01");
}

#[test]
fn manifest_parameters_override_within_bounds() {
    let r = run_with(TRAINED, STAFF, "2026-11-01", "{ threshold: 75 }");
    assert_state(&r, State::Pass);
    let r = run_with(TRAINED, STAFF, "2026-11-01", "{ max_age: 730d }");
    assert_state(&r, State::Pass);
}

#[test]
fn manifest_parameters_out_of_bounds_are_rejected() {
    let pack = pack_with(TRAINED);
    let overrides = std::collections::BTreeMap::from([(
        "T-TRAINED".to_string(),
        std::collections::BTreeMap::from([("threshold".to_string(), serde_json::json!(20))]),
    )]);
    let (_, diags) = pack.compile_all(&overrides, &Default::default(), None, jiff::Timestamp::UNIX_EPOCH);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .message
            .contains("the manifest's value for `T-TRAINED.threshold`: 20 is below the minimum 50"),
        "{}",
        diags[0].message
    );
}

#[test]
fn count_expectation_lists_the_selected_records() {
    let check = "id: T-ANYANY\ntitle: no any-any rules\nseverity: critical\ndataset: firewall_rules\nwhere: { all: [{ field: source, eq: any }, { field: destination, eq: any }] }\nexpect: { count: { eq: 0 } }\n";
    let r = run(
        check,
        "firewall_rules:\n  - { name: r1, source: any, destination: any }\n  - { name: r2, source: 10.0.0.0/8, destination: any }\n",
    );
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["r1"]);
    let r = run(
        check,
        "firewall_rules:\n  - { name: r2, source: 10.0.0.0/8, destination: any }\n",
    );
    assert_state(&r, State::Pass);
}

#[test]
fn min_and_max_expectations() {
    let check = "id: T-MAX\ntitle: backups fresh\nseverity: high\ndataset: backups\nexpect: { max: { field: age_hours, as: number, le: 24 }, min: { field: copies, ge: 2 } }\n";
    let r = run(
        check,
        "backups:\n  - { system: epr, age_hours: 4, copies: 3 }\n  - { system: pacs, age_hours: 30, copies: 2 }\n",
    );
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["pacs"]);
    assert_eq!(r.expectations.iter().filter(|e| !e.holds).count(), 1);
    let r = run(check, "backups:\n  - { system: epr, age_hours: 4, copies: 3 }\n");
    assert_state(&r, State::Pass);
}

#[test]
fn exists_in_and_not_exists_in_join_datasets() {
    let check = r#"
id: T-LEAVERS
title: Leavers disabled
severity: critical
params: { grace: { type: duration, default: 1d, min: 0d, max: 30d } }
dataset: accounts
where: { field: Enabled, eq: true }
assert:
  field: EmployeeID
  not_exists_in:
    dataset: leavers
    field: employee_id
    ignore_case: true
    where: { field: leave_date, as: date, lt: "as_of - {{ params.grace }}" }
"#;
    let data = "accounts:
  - { SamAccountName: ann, Enabled: 'True', EmployeeID: E1 }
  - { SamAccountName: bob, Enabled: 'True', EmployeeID: e2 }
  - { SamAccountName: cat, Enabled: 'False', EmployeeID: E3 }
  - { SamAccountName: dan, Enabled: 'True', EmployeeID: E4 }
  - { SamAccountName: svc, Enabled: 'True' }
leavers:
  - { employee_id: E2, leave_date: 2026-09-30 }
  - { employee_id: E3, leave_date: 2026-09-30 }
  - { employee_id: E4, leave_date: 2026-10-31 }
";
    let r = run(check, data);
    assert_eq!(failing(&r), ["bob"]);
    let check_in = "id: T-IN\ntitle: accounts map to staff\nseverity: high\ndataset: accounts\nassert: { field: EmployeeID, exists_in: { dataset: leavers, field: employee_id } }\n";
    assert_eq!(failing(&run(check_in, data)), ["ann", "bob", "svc"]);
}

#[test]
fn lookup_with_version_prefix_picks_the_longest_build() {
    let check = r#"
id: T-OS
title: Supported OS
severity: critical
dataset: devices
lookup:
  - as: lifecycle
    dataset: os_lifecycle
    on: { operatingSystem: product }
    ignore_case: true
    version_prefix: { field: osVersion, other: build }
assert: { field: lifecycle.end_of_support, as: date, gt: as_of }
message: "{{ deviceName }}: {{ operatingSystem }} {{ lifecycle.release }} unsupported since {{ lifecycle.end_of_support }}"
"#;
    let data = "devices:
  - { deviceName: w10, operatingSystem: Windows, osVersion: 10.0.19045.5247 }
  - { deviceName: w11, operatingSystem: windows, osVersion: 10.0.26100.2314 }
  - { deviceName: odd, operatingSystem: Windows, osVersion: 10.0.190451 }
os_lifecycle:
  - { product: Windows, build: '10.0', release: any, end_of_support: 2099-01-01 }
  - { product: Windows, build: 10.0.19045, release: 22H2, end_of_support: 2025-10-14 }
  - { product: Windows, build: 10.0.26100, release: 24H2, end_of_support: 2027-10-12 }
";
    let r = run(check, data);
    assert_eq!(failing(&r), ["w10"]);
    assert_eq!(r.findings[0].message, "w10: Windows 22H2 unsupported since 2025-10-14");
}

#[test]
fn expressions_are_strict_and_fuel_limited() {
    let ok = leaf("{ expr: \"(attempts | int) <= 10 and lockout_minutes >= 5\" }");
    assert_eq!(fails_expr(&ok), ["b"]);
    let typo = leaf("{ expr: \"atempts <= 10\" }");
    let r = run(&typo, "devices:\n  - { deviceName: a, attempts: 3 }\n");
    assert_state(&r, State::Error);
    assert!(r.error.as_deref().unwrap().contains("undefined"), "{:?}", r.error);
    // Template loops are bounded by fuel: a runaway message errors its own text, not the run.
    let runaway = format!(
        "{}message: \"{{% for i in range(100000) %}}{{% for j in range(100000) %}}x{{% endfor %}}{{% endfor %}}\"\n",
        leaf("{ field: x, eq: 1 }")
    );
    let r = run(&runaway, "devices:\n  - { deviceName: a, x: 2 }\n");
    assert_state(&r, State::Fail);
    assert!(
        r.findings[0].message.contains("ran out of fuel"),
        "{}",
        r.findings[0].message
    );
    // Expressions long enough to exhaust the compiler are refused by lint.
    let long = format!("x{}", " + x".repeat(1000));
    let (_, diags) = load(&format!(
        "  - id: T-LONG\n    title: t\n    severity: low\n    dataset: devices\n    assert: {{ expr: \"{long}\" }}\n"
    ));
    assert!(
        diags[0].message.contains("longer than 2000 characters"),
        "{}",
        diags[0].message
    );
}

fn fails_expr(check: &str) -> Vec<String> {
    failing(&run(
        check,
        "devices:\n  - { deviceName: a, attempts: '5', lockout_minutes: 15 }\n  - { deviceName: b, attempts: '50', lockout_minutes: 15 }\n",
    ))
}

#[test]
fn evidence_values_are_never_rendered_as_templates() {
    let r = run(
        ENCRYPT,
        "devices:\n  - { deviceName: '{{ 7*7 }}<script>', managedDeviceOwnerType: company, isEncrypted: false }\n",
    );
    assert_eq!(r.findings[0].message, "{{ 7*7 }}<script> is not encrypted");
    assert_eq!(r.findings[0].key, "{{ 7*7 }}<script>");
}

#[test]
fn key_falls_back_to_file_and_line() {
    let r = run(
        &leaf("{ field: x, eq: 1 }").replace("dataset: devices", "dataset: devices\nkey: serial"),
        "devices:\n  - { x: 2 }\n",
    );
    assert_eq!(failing(&r), ["<test data: devices>:1"]);
}

#[test]
fn when_empty_can_require_records() {
    let check = format!("{}when_empty: fail\n", ENCRYPT.trim_start());
    let r = run(&check, "devices: []\n");
    assert_state(&r, State::Fail);
}

#[test]
fn secret_fields_never_reach_findings() {
    // Naming the secret in the message is a lint error; reaching it another way still prints it masked.
    let named = leaf("{ field: pin, ne: '1234' }") + "message: \"{{ deviceName }} has PIN {{ record.pin }}\"\n";
    let indented: String = named
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
    let (_, diags) = load(&indented);
    assert!(diags.iter().any(|d| d.code == "assure::secret-field"), "{diags:?}");
    let with_message =
        leaf("{ field: pin, ne: '1234' }") + "message: \"{{ deviceName }} has PIN {{ record['p' ~ 'in'] }}\"\n";
    let r = run(&with_message, "devices:\n  - { deviceName: a, pin: '1234' }\n");
    assert_eq!(failing(&r), ["a"]);
    assert_eq!(r.findings[0].message, "a has PIN [secret]");
    let r = run(
        &leaf("{ field: pin, ne: '1234' }"),
        "devices:\n  - { deviceName: a, pin: '1234' }\n",
    );
    assert_eq!(r.findings[0].message, "pin does not meet the check (value withheld)");
    assert!(!format!("{:?}", r.findings[0]).contains("1234"));
}

#[test]
fn an_error_in_a_joined_datasets_where_hides_its_secret_values_too() {
    // The devices' `pin` is secret. When a set's or lookup's `where` can read none of its values as a number,
    // the error quotes an example value: masked, as one of the check's own dataset is.
    let set = "id: T-SET\ntitle: staff have a device\nseverity: low\ndataset: staff\nassert: { field: name, exists_in: { dataset: devices, field: userPrincipalName, where: { field: pin, as: number, gt: 0 } } }\n";
    let lookup = "id: T-LOOKUP\ntitle: staff devices\nseverity: low\ndataset: staff\nlookup:\n  - { as: device, dataset: devices, on: { name: userPrincipalName }, where: { field: pin, as: number, gt: 0 } }\nassert: { field: device.deviceName, exists: true }\n";
    let data = |pin: &str| {
        format!(
            "staff:\n  - {{ staff_id: s1, name: ann }}\ndevices:\n  - {{ deviceName: d1, userPrincipalName: ann, pin: {pin} }}\n"
        )
    };
    for check in [set, lookup] {
        let r = run_with(check, &data("PIN-7731"), "2026-11-01", "");
        assert_state(&r, State::Error);
        let error = r.error.clone().unwrap_or_default();
        assert!(!error.contains("7731"), "{error}");
        assert!(error.contains("(e.g. `[secret]` at <test data: devices>:1)"), "{error}");
        // The other side: a pin that reads as a number is no error, and the join holds.
        let r = run_with(check, &data("'7731'"), "2026-11-01", "");
        assert_state(&r, State::Pass);
    }
}

#[test]
fn an_error_names_the_first_record_whatever_the_threads() {
    // Every record breaks the expression, each at its own line: the error must always name the first.
    let check = leaf("{ expr: \"(attempts | int) - attempts > 0\" }");
    let rows: String = (0..2000)
        .map(|i| format!("  - {{ deviceName: d{i}, attempts: x{i} }}\n"))
        .collect();
    let data = format!("devices:\n{rows}");
    let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    let errors: std::collections::BTreeSet<Option<String>> =
        (0..8).map(|_| pool.install(|| run(&check, &data)).error).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let error = errors.into_iter().next().flatten().unwrap_or_default();
    assert!(error.ends_with(":1)"), "{error}");
}

const TRAINED_IN_WHERE: &str = r#"
id: T-TRAINED-WHERE
title: Staff trained at all were trained in the last year
severity: low
dataset: staff
where: { field: training.completed_on, exists: true }
lookup:
  - { as: training, dataset: training, on: { staff_id: staff_id } }
assert: { field: training.completed_on, as: date, ge: "as_of - 365d" }
message: "{{ name }}"
"#;

#[test]
fn a_where_naming_a_lookup_selects_through_the_join() {
    let r = run(TRAINED_IN_WHERE, STAFF);
    assert_state(&r, State::Fail);
    assert_eq!(r.selected, 4, "S5 has no training record; S1-S4 do");
    assert_eq!(failing(&r), ["S3"]);
}

#[test]
fn a_lookup_into_a_larger_dataset_joins_the_selected_records_as_before() {
    // Training outnumbers staff, so only the keys of the staff the `where` selects are indexed: the joins,
    // findings and ratio must be those of the full index.
    let others: String = (10..40)
        .map(|i| format!("  - {{ staff_id: S{i}, completed_on: 2024-01-01 }}\n"))
        .collect();
    let data = format!("{STAFF}{others}  - {{ staff_id: S5, completed_on: 2026-10-01 }}\n");
    let r = run(TRAINED, &data);
    assert_state(&r, State::Fail);
    assert_eq!(failing(&r), ["S3"]);
    assert_eq!(r.expectations[0].actual, "75%");
    // The JSON carries the exact measure and threshold as numbers beside the rounded text.
    assert_eq!(
        (r.expectations[0].measured, r.expectations[0].threshold),
        (Some(0.75), Some(0.95))
    );
    assert_eq!(r.findings[0].message, "Cat last trained 2025-06-01");
}

#[test]
fn a_check_with_a_lookup_whose_where_selects_nothing_is_not_applicable() {
    let r = run(TRAINED, &STAFF.replace("status: active", "status: left"));
    assert_state(&r, State::NotApplicable);
    assert_eq!((r.selected, r.failing), (0, 0));
}

#[test]
fn a_where_that_cannot_be_evaluated_is_an_error_even_before_a_lookup_is_built() {
    let check = TRAINED.replace(
        "where: { field: status, eq: active }",
        "where: { field: roles, eq: admin }",
    );
    let r = run(
        &check,
        &STAFF.replace("status: left", "status: left, roles: [admin, iao]"),
    );
    assert_state(&r, State::Error);
    assert!(r.error.as_deref().is_some_and(|e| e.contains("roles")), "{:?}", r.error);
}

#[test]
fn repeated_texts_get_the_same_answer_from_every_leaf() {
    // Leaf results are remembered per text while a check runs: two leaves reading the same texts must not
    // share answers, and a column of distinct identifiers (more than are remembered) must still be tested.
    let rows = 6000;
    let mut data = String::from("devices:\n");
    let mut expected = Vec::new();
    for i in 0..rows {
        let (x, y) = (i % 10, (i * 7) % 10);
        // A long text is tested each time rather than remembered: it must get the same answer.
        let note = format!("{}{}", "n".repeat(80), if i % 3 == 0 { "drop" } else { "keep" });
        data.push_str(&format!(
            "  - {{ deviceName: D{i:05}, x: '{x}', y: '{y}', tag: 'T-{i}', note: {note} }}\n"
        ));
        if !(x >= 5 && y < 5 && i % 3 != 0 && i % 2 == 1) {
            expected.push(format!("D{i:05}"));
        }
    }
    let check = leaf(
        r#"{ all: [{ field: x, as: number, ge: 5 }, { field: y, as: number, lt: 5 }, { field: note, ends_with: keep }, { field: tag, matches: '^T-\d*[13579]$' }] }"#,
    );
    let r = run(&check, &data);
    assert!(r.error.is_none(), "error: {:?}", r.error);
    assert!(r.passing > 0 && r.failing > 0);
    assert_eq!(failing(&r), expected);
}

#[test]
fn a_message_is_trimmed_at_both_ends_but_not_inside() {
    // A block scalar keeps its final newline and a tag's lines leave blanks: neither belongs in a finding.
    let check = leaf("{ field: isEncrypted, eq: true }")
        + "message: |\n  {% if deviceName %}  {{ deviceName }}\n    is not encrypted{% endif %}\n\n";
    let r = run(&check, "devices:\n  - { deviceName: PC1, isEncrypted: false }\n");
    assert_eq!(r.findings[0].message, "PC1\n  is not encrypted");
}

const TITLED: &str = r#"
id: T-TITLED
title: At least {{ params.threshold }}% of devices are encrypted within {{ params.window }}
severity: high
params:
  threshold: { type: number, default: 95, min: 50, max: 100 }
  window: { type: duration, default: 14d, min: 1d, max: 90d }
dataset: devices
assert: { field: isEncrypted, eq: true }
expect: { ratio: { ge: "{{ params.threshold }}%" } }
"#;

#[test]
fn a_title_states_the_threshold_in_force_with_durations_in_words() {
    let data = "devices:\n  - { deviceName: A, isEncrypted: true }\n";
    assert_eq!(
        run(TITLED, data).title,
        "At least 95% of devices are encrypted within 14 days"
    );
    let r = run_with(TITLED, data, "2026-11-01", "{ threshold: 90, window: 21d }");
    assert_eq!(r.title, "At least 90% of devices are encrypted within 21 days");
    assert_eq!(
        r.expectations[0].expected, "ge 90%",
        "the same value as the expectation uses"
    );
}

#[test]
fn a_title_may_name_only_the_check_s_parameters() {
    for (title, expected) in [
        ("At least {{ params.nope }}%", "unknown parameter `nope`"),
        (
            "\"{% if x %}Some{% endif %} devices\"",
            "only `{{ params.NAME }}` may appear in a title",
        ),
    ] {
        let check = format!(
            "  - id: T-BAD\n    title: {title}\n    severity: low\n    dataset: devices\n    assert: {{ field: isEncrypted, eq: true }}\n"
        );
        let (pack, diags) = load(&check);
        let (_, compiled) = pack.compile_all(
            &Default::default(),
            &Default::default(),
            None,
            jiff::Timestamp::UNIX_EPOCH,
        );
        let all: Vec<String> = diags.iter().chain(&compiled).map(|d| d.one_line()).collect();
        // Line 8 is the title: the pack file opens with five lines of standard, `checks:` and the id.
        assert!(
            all.iter().any(|d| d.contains(expected) && d.contains("test.yaml:8:")),
            "{title}: {all:?}"
        );
    }
}
