//! Pack versions: `assure diff` between two packs (changes and impact on a config repo) and
//! `assure lint --previous` (a change in meaning must bump the check's version; removals need a migration).

mod common;

use common::{EXAMPLE, assure};
use std::path::Path;

/// A copy of the shipped pack with `edit` applied to (file, text) pairs.
fn edited_pack(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new("standards") {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix("standards").unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(&to, edit(&rel.to_string_lossy(), text)).unwrap();
        }
    }
    dir
}

fn p(d: &Path) -> &str {
    d.to_str().unwrap()
}

/// Next year's pack: NDG3-ANNUAL's threshold raised without a version bump, NDG9-SSH renamed with a
/// migration, NDG9-FW-EXPOSED retired without one.
fn next_year() -> tempfile::TempDir {
    edited_pack(|name, text| match name {
        "pack.yaml" => {
            text.replace("version: 2026.2.0", "version: 2027.1.0")
                + "migrations:\n  - { from: NDG9-SSH, to: NDG9-SSH-HARDENED, since: 2027.1.0, note: wider scope }\n"
        }
        n if n.starts_with("ndg-03") => text.replacen("default: 95", "default: 99", 1),
        n if n.starts_with("ndg-09") => {
            let text = text.replace("NDG9-SSH\n", "NDG9-SSH-HARDENED\n");
            let start = text.find("  - id: NDG9-FW-EXPOSED").unwrap();
            let end = text[start + 5..]
                .find("\n  - id: ")
                .map_or(text.len(), |e| start + 5 + e + 1);
            format!("{}{}", &text[..start], &text[end..])
        }
        _ => text,
    })
}

#[test]
fn diff_lists_changes_and_the_impact_on_an_organisation() {
    let new = next_year();
    let (code, out, err) = assure(&["diff", "standards", p(new.path()), EXAMPLE, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["added"].as_array().unwrap().iter().any(|a| a == "NDG9-SSH-HARDENED"));
    let removed = v["removed"].as_array().unwrap();
    let ssh = removed.iter().find(|r| r["id"] == "NDG9-SSH").unwrap();
    assert_eq!(ssh["replaced_by"], "NDG9-SSH-HARDENED");
    let enc = removed.iter().find(|r| r["id"] == "NDG9-FW-EXPOSED").unwrap();
    assert_eq!(enc["migrated"], false);
    let annual = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "NDG3-ANNUAL")
        .unwrap();
    let change = &annual["changes"][0];
    assert_eq!(change["path"], "/params/threshold/default");
    assert_eq!((change["old"].as_i64(), change["new"].as_i64()), (Some(95), Some(99)));
    assert_eq!(change["meaning"], true);

    let impact = &v["impact"][0];
    assert_eq!(impact["ods_code"], "RNS");
    let changes = impact["changes"].as_array().unwrap();
    // The retired check's result disappears; the renamed one is followed, so it does not show as a change.
    assert!(
        changes
            .iter()
            .any(|c| c["check"] == "NDG9-FW-EXPOSED" && c["new_state"].is_null())
    );
    assert!(
        !changes.iter().any(|c| c["check"] == "NDG9-SSH-HARDENED"),
        "{changes:?}"
    );

    let (code, md, _) = assure(&["diff", "standards", p(new.path()), EXAMPLE]);
    assert_eq!(code, 0);
    assert!(
        md.contains("NDG9-SSH: replaced by NDG9-SSH-HARDENED: wider scope"),
        "{md}"
    );
    assert!(md.contains("NDG9-FW-EXPOSED: **no migration given**"), "{md}");
    assert!(
        md.contains("| NDG3-ANNUAL | 2 (**not bumped**) | `/params/threshold/default` | 95 | 99 | yes |"),
        "{md}"
    );
    assert!(md.contains("Northshire Hospitals NHS Foundation Trust (RNS)"), "{md}");
}

#[test]
fn lint_previous_warns_about_unversioned_changes_and_unmigrated_removals() {
    let new = next_year();
    let (code, _, err) = assure(&["lint", p(new.path()), "--previous", "standards"]);
    assert_eq!(code, 0, "warnings do not fail lint: {err}");
    assert!(
        err.contains("NDG3-ANNUAL changed meaning since nhs-data-security 2026.2.0 (/params/threshold/default)"),
        "{err}"
    );
    assert!(err.contains("bump this"), "{err}");
    assert!(
        err.contains("check NDG9-FW-EXPOSED of nhs-data-security 2026.2.0 is gone without a migration"),
        "{err}"
    );
    assert!(!err.contains("NDG9-SSH of"), "a migrated removal is fine: {err}");

    // Bumping the version silences the warning.
    let bumped = edited_pack(|name, text| {
        if name.starts_with("ndg-03") {
            text.replacen("default: 95", "default: 99", 1).replacen(
                "  - id: NDG3-ANNUAL\n",
                "  - id: NDG3-ANNUAL\n    version: 2\n",
                1,
            )
        } else {
            text
        }
    });
    let (_, _, err) = assure(&["lint", p(bumped.path()), "--previous", "standards"]);
    assert!(!err.contains("NDG3-ANNUAL changed meaning"), "{err}");
}

#[test]
fn a_migration_to_an_unknown_check_is_an_error() {
    let bad = edited_pack(|name, text| {
        if name == "pack.yaml" {
            text + "migrations:\n  - { from: NDG0-OLD, to: NDG0-NOWHERE, since: 2026.1.0 }\n"
        } else {
            text
        }
    });
    let (code, _, err) = assure(&["lint", p(bad.path())]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`NDG0-NOWHERE`, which is not a check in this pack"),
        "{err}"
    );
    assert!(err.contains("pack.yaml:"), "{err}");
}
