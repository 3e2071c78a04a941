//! `assure lint`: every problem in a broken pack, at once, with file, line and a labelled snippet.

mod common;

fn lint(dir: &str) -> (i32, String, String) {
    common::assure(&["lint", dir])
}

#[test]
fn a_file_with_three_mistakes_reports_all_three_with_their_lines() {
    let (code, _, stderr) = lint("tests/fixtures/broken-pack");
    assert_eq!(code, 2);
    for location in ["ndg-01.yaml:9:15", "ndg-01.yaml:17:14", "ndg-01.yaml:26:47"] {
        assert!(stderr.contains(location), "missing {location} in:\n{stderr}");
    }
    assert!(stderr.contains("did you mean `high`?"));
    assert!(stderr.contains("did you mean `devices`?"));
    assert!(stderr.contains("unclosed group"));
    assert!(stderr.ends_with("error: 3 problem(s) in 1 file(s)\n"), "{stderr}");
    insta::assert_snapshot!("lint_broken_pack", stderr);
}

#[test]
fn a_missing_directory_is_a_clear_error() {
    let (code, _, stderr) = lint("tests/fixtures/no-such-pack");
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a directory"), "{stderr}");
}

fn load(extra: &[(&str, &str)], caf: &str) -> Vec<String> {
    let mut files = common::pack_files(
        "  - id: T1-A\n    title: t\n    severity: low\n    dataset: devices\n    maps: { caf: [B2.a] }\n    assert: { field: x, eq: 1 }\n",
    );
    for (name, text) in extra {
        files.push((name.to_string(), text.as_bytes().to_vec()));
    }
    for f in files.iter_mut().filter(|f| f.0 == "frameworks/caf.yaml") {
        f.1 = caf.as_bytes().to_vec();
    }
    let (_, diags) = assure::pack::load_files(files);
    diags.iter().map(|d| d.one_line()).collect()
}

#[test]
fn a_catalogue_entry_needs_a_check_or_a_manual_evidence_note() {
    let caf = "framework: { id: caf, title: CAF }\nrequirements:\n  - { id: B2.a, title: Identity }\n  - { id: C2.b, title: Hunting }\n  - { id: E1.a, title: IG, manual: IG framework and minutes }\n";
    let diags = load(&[], caf);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].starts_with("frameworks/caf.yaml:4:"), "{diags:#?}");
    assert!(
        diags[0].contains("warning[assure::uncovered-requirement]: `C2.b` in the caf catalogue is mapped by no check")
    );
}

#[test]
fn reference_data_is_checked_against_its_dataset() {
    let caf = "framework: { id: caf, title: CAF }\nrequirements:\n  - { id: B2.a, title: Identity }\n";
    let unknown = "reference:\n  dataset: nowhere\n  retrieved: 2026-11-01\n  sources: [{ title: x, url: https://example.org }]\nrecords: []\n";
    let diags = load(&[("reference/x.yaml", unknown)], caf);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("reference/x.yaml:2:12") && d.contains("unknown dataset `nowhere`")),
        "{diags:#?}"
    );

    let no_sources = "reference:\n  dataset: os_lifecycle\n  retrieved: 2026-11-01\n  sources: []\nrecords: []\n";
    let diags = load(&[("reference/os.yaml", no_sources)], caf);
    assert!(
        diags.iter().any(|d| d.starts_with("reference/os.yaml:4:")),
        "a reference must name its sources: {diags:#?}"
    );
}

#[test]
fn a_last_day_compared_as_if_over_on_that_day_is_a_warning_at_the_comparison() {
    let datasets = "datasets:\n  devices: { description: d, key: deviceName }\n  os_lifecycle: { description: l, key: build, last_day: [end_of_support] }\n";
    let check = |assert: &str| {
        format!(
            "  - id: T1-OS\n    title: t\n    severity: high\n    dataset: devices\n    lookup:\n      - {{ as: l, dataset: os_lifecycle, on: {{ build: build }} }}\n    assert: {assert}\n"
        )
    };
    let lint = |assert: &str| -> Vec<String> {
        let mut files = common::pack_files(&check(assert));
        for f in files.iter_mut().filter(|f| f.0 == "datasets.yaml") {
            f.1 = datasets.as_bytes().to_vec();
        }
        let (_, diags) = assure::pack::load_files(files);
        diags
            .iter()
            .map(|d| d.one_line())
            .filter(|d| d.contains("assure::last-day"))
            .collect()
    };
    let warned = lint("{ field: l.end_of_support, as: date, gt: as_of }");
    assert_eq!(warned.len(), 1, "{warned:#?}");
    // At the `gt:` value of the leaf.
    assert!(
        warned[0].starts_with("test.yaml:13:54: warning[assure::last-day]"),
        "{warned:#?}"
    );
    assert!(
        warned[0].contains("`l.end_of_support` (os_lifecycle.end_of_support) names a last day"),
        "{}",
        warned[0]
    );
    assert_eq!(
        lint("{ not: { field: l.end_of_support, as: date, le: as_of } }").len(),
        1
    );
    // The convention, and a horizon (a different question), are not warned about.
    assert!(lint("{ field: l.end_of_support, as: date, ge: as_of }").is_empty());
    assert!(lint("{ field: l.end_of_support, as: date, gt: \"as_of + 180d\" }").is_empty());
    // A field not declared a last day is left alone.
    assert!(lint("{ field: l.build_date, as: date, gt: as_of }").is_empty());
}

/// A copy of the shipped pack at `DIR/standards`, with `(file, from, to)` replacements (each must apply once).
fn pack_copy(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new("standards") {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    for (file, from, to) in edits {
        let path = dir.path().join("standards").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    dir
}

const ANNUAL_ASSERT: &str = "field: training.completed_on, as: date, ge: \"as_of - {{ params.max_age }}\" }\n    expect: { ratio: { ge: \"{{ params.threshold }}%\" } }";

#[test]
fn did_you_mean_offers_the_op_of_the_same_meaning_and_one_mistake_is_one_diagnostic() {
    for (written, meant) in [
        ("gte", "ge"),
        ("lte", "le"),
        ("neq", "ne"),
        ("\"!=\"", "ne"),
        ("equals", "eq"),
        ("greater_than", "gt"),
    ] {
        let changed = ANNUAL_ASSERT.replacen("ge:", &format!("{written}:"), 1);
        let d = pack_copy(&[("ndg-03-training.yaml", ANNUAL_ASSERT, &changed)]);
        let (code, _, stderr) = lint(d.path().join("standards").to_str().unwrap());
        assert_eq!(code, 2);
        let key = written.trim_matches('"');
        assert!(
            stderr.contains(&format!("unknown key `{key}` (did you mean `{meant}`?)")),
            "{written}:\n{stderr}"
        );
        // The broken check still maps its requirements: no "mapped by no check" warnings follow.
        assert!(!stderr.contains('⚠'), "{written}: follow-on warnings:\n{stderr}");
        assert!(
            stderr.ends_with("error: 1 problem(s) in 1 file(s)\n"),
            "{written}:\n{stderr}"
        );
    }
}

#[test]
fn inline_test_records_are_checked_against_their_datasets_schemas() {
    let d = pack_copy(&[(
        "ndg-03-training.yaml",
        "- { staff_id: S2, course: Data Security Awareness Level 1, completed_on: 2026-10-30 }\n        expect: pass",
        "- { staff_id: S2, course: Data Security Awareness Level 1, completed_on: 2026-10-32 }\n        expect: pass",
    )]);
    let (code, _, stderr) = lint(d.path().join("standards").to_str().unwrap());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ndg-03-training.yaml:66:"),
        "at the record's line:\n{stderr}"
    );
    assert!(
        stderr.contains("test record field `completed_on`: `2026-10-32` is not a date of the calendar"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: 1 problem(s) in 1 file(s)\n"),
        "one mistake, one diagnostic:\n{stderr}"
    );

    let d = pack_copy(&[(
        "ndg-03-training.yaml",
        "completed_on: 2026-10-30 }\n        expect: pass",
        "completed_on: 30 October 2026 }\n        expect: pass",
    )]);
    let (code, _, stderr) = lint(d.path().join("standards").to_str().unwrap());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("ndg-03-training.yaml:66:"), "{stderr}");
    assert!(
        stderr.contains("test record does not match the `training` schema"),
        "{stderr}"
    );
    assert!(stderr.ends_with("error: 1 problem(s) in 1 file(s)\n"), "{stderr}");
}

#[test]
fn lint_and_test_in_a_pack_checkout_read_its_standards_and_say_so() {
    // A mistake only the checkout's pack has: lint run there without DIR must find it.
    let changed = ANNUAL_ASSERT.replacen("ge:", "gte:", 1);
    let d = pack_copy(&[("ndg-03-training.yaml", ANNUAL_ASSERT, &changed)]);
    let (code, stdout, stderr) = common::assure_in(d.path(), &["lint"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.starts_with("pack: nhs-data-security "), "{stdout}");
    assert!(stdout.trim_end().ends_with(" in standards/"), "{stdout}");
    assert!(stderr.contains("unknown key `gte`"), "{stderr}");

    // A failing inline test only the checkout has: `assure test` there runs it.
    let d = pack_copy(&[(
        "ndg-03-training.yaml",
        "completed_on: 2026-10-30 }\n        expect: pass",
        "completed_on: 2026-10-30 }\n        expect: fail",
    )]);
    let (code, stdout, _) = common::assure_in(d.path(), &["test"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.lines().next().unwrap().ends_with(" in standards/"), "{stdout}");
    assert!(
        stdout.contains("FAIL NDG3-ANNUAL · all trained within the year"),
        "{stdout}"
    );

    // Elsewhere, the built-in pack, named as such.
    let empty = tempfile::tempdir().unwrap();
    let (code, stdout, _) = common::assure_in(empty.path(), &["lint"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("pack: nhs-data-security "), "{stdout}");
    assert!(stdout.contains(", built into assure"), "{stdout}");
}
