//! Manual checks and assessor reviews (`reviews.yaml`): verdicts on manual evidence, disputes shown beside the
//! automated result, and bad entries rejected at their line while the others apply.

mod common;

use common::{assure, copy_example};
use serde_json::Value;
use std::path::Path;

/// The shipped pack plus a standard holding one manual check.
fn pack_with_manual_check() -> tempfile::TempDir {
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
    std::fs::write(
        dir.path().join("ndg-99-manual.yaml"),
        "standard:\n  id: NDG99\n  number: 99\n  title: Manual evidence\n  statement: Some things only a person can see.\nchecks:\n  - id: NDG99-CONTACTS\n    title: A printed emergency contact list is kept up to date\n    severity: medium\n    manual: The hard-copy emergency contact list, with its last-updated and last-printed dates\n    remediation: Print the list after every change and keep copies in the incident room.\n",
    )
    .unwrap();
    dir
}

fn check_json(repo: &Path, pack: &Path) -> (i32, Value, String) {
    let (code, out, err) = assure(&[
        "check",
        repo.to_str().unwrap(),
        "--standards",
        pack.to_str().unwrap(),
        "--format",
        "json",
    ]);
    (code, serde_json::from_str(&out).unwrap_or(Value::Null), err)
}

fn result<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["results"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()
}

#[test]
fn a_manual_check_waits_for_an_assessor_and_takes_their_verdict() {
    let pack = pack_with_manual_check();
    let repo = copy_example();
    let (_, v, err) = check_json(repo.path(), pack.path());
    let contacts = result(&v, "NDG99-CONTACTS");
    assert_eq!(contacts["state"], "manual", "{err}");
    assert!(
        contacts["manual"]
            .as_str()
            .unwrap()
            .contains("hard-copy emergency contact list")
    );
    assert_eq!(v["summary"]["manual"], 2, "the pack's own manual check and this one");

    for (verdict, state) in [("met", "pass"), ("not_met", "fail")] {
        std::fs::write(
            repo.path().join("reviews.yaml"),
            format!("reviews:\n  - check: NDG99-CONTACTS\n    verdict: {verdict}\n    comment: Seen in the incident room, printed 2026-10-02\n    assessor: A. Auditor, internal audit\n    date: 2026-11-05\n    evidence: Photo EV-17\n"),
        )
        .unwrap();
        let (_, v, _) = check_json(repo.path(), pack.path());
        let contacts = result(&v, "NDG99-CONTACTS");
        assert_eq!(contacts["state"], state);
        assert_eq!(contacts["reviews"][0]["assessor"], "A. Auditor, internal audit");
        assert!(contacts["summary"].as_str().unwrap().contains("assessor's verdict"));
    }
}

#[test]
fn a_dispute_is_shown_with_the_result_which_keeps_its_state() {
    let repo = copy_example();
    std::fs::write(
        repo.path().join("reviews.yaml"),
        "reviews:\n  - check: NDG4-LEAVERS\n    records: [r.evans]\n    verdict: disputed\n    comment: HR keyed the wrong date <b>see INC-4411</b>\n    assessor: IG lead\n    date: 2026-11-05\n  - check: NDG4-LEAVERS\n    verdict: met\n    comment: not allowed on an automated check\n    assessor: IG lead\n    date: 2026-11-05\n  - check: NDG0-NOPE\n    verdict: incorrect\n    comment: unknown check\n    assessor: IG lead\n    date: 2026-11-05\n  - check: NDG1-ENCRYPT\n    verdict: disputed\n    comment: no assessor given\n    date: 2026-11-05\n",
    )
    .unwrap();
    let (code, out, err) = assure(&["check", repo.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let leavers = result(&v, "NDG4-LEAVERS");
    assert_eq!(
        leavers["state"], "fail",
        "a dispute does not change the automated result"
    );
    let reviews = leavers["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "the met verdict on an automated check is rejected");
    assert_eq!(reviews[0]["verdict"], "disputed");
    assert_eq!(reviews[0]["location"], "reviews.yaml:2");

    let diags = v["diagnostics"].to_string();
    assert!(
        diags.contains("`NDG0-NOPE`, which is not a check in the pack"),
        "{diags}"
    );
    assert!(diags.contains("is automated"), "{diags}");
    assert!(
        err.contains("reviews.yaml:"),
        "the entry without an assessor is rejected at its line: {err}"
    );
    assert!(err.contains("assessor"), "{err}");
    assert!(result(&v, "NDG1-ENCRYPT")["reviews"].is_null());

    let html = repo.path().join("r.html");
    let (code, _, err) = assure(&[
        "report",
        repo.path().to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<span class=\"badge badge-disputed\">Disputed</span>"));
    assert!(page.contains("HR keyed the wrong date &lt;b&gt;see INC-4411&lt;&#x2f;b&gt;"));
}
