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
