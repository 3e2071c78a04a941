//! `assure report --history DIR`: the direction of travel from earlier `--format json` results, in the HTML and
//! Markdown reports, and the results that cannot belong to one organisation's trend.

mod common;

use common::assure;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const REPO: &str = "examples/northshire";
const HISTORY: &str = "examples/northshire/history";

/// Diagnostics as one line each: the terminal rendering wraps long messages (`\n  │ `).
fn flat(err: &str) -> String {
    err.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn report(history: &Path, dir: &Path) -> (i32, String, String, String) {
    let html = dir.join("r.html");
    let md = dir.join("r.md");
    let (code, _, err) = assure(&[
        "report",
        REPO,
        "--history",
        history.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ]);
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    (code, read(&html), read(&md), flat(&err))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (check, record key) of every finding, and a failing check without findings as the check itself.
fn fingerprints(v: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for r in v["results"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap().to_string();
        let findings = r["findings"].as_array().unwrap();
        for f in findings {
            out.insert((id.clone(), f["key"].as_str().unwrap().to_string()));
        }
        if findings.is_empty() && (r["state"] == "fail" || r["state"] == "waived") {
            out.insert((id.clone(), String::new()));
        }
    }
    out
}

fn passing(v: &Value) -> (usize, usize) {
    let states: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    let pass = states.iter().filter(|s| matches!(**s, "pass" | "waived")).count();
    let assessed = states
        .iter()
        .filter(|s| matches!(**s, "pass" | "waived" | "fail" | "error"))
        .count();
    (pass, assessed)
}

fn history_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(HISTORY)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A history directory holding copies of the bundled files plus `extra` (name, text).
fn history_with(dir: &Path, extra: &[(&str, String)]) -> PathBuf {
    let h = dir.join("history");
    std::fs::create_dir_all(&h).unwrap();
    for f in history_files() {
        std::fs::copy(&f, h.join(f.file_name().unwrap())).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(h.join(name), text).unwrap();
    }
    h
}

#[test]
fn the_example_report_shows_a_trend_from_its_bundled_history() {
    let dir = tempfile::tempdir().unwrap();
    let (code, html, md, err) = report(Path::new(HISTORY), dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no warning for the bundled history: {err}");

    // Worked out here from the JSON files, independently of the renderer.
    let now_path = dir.path().join("now.json");
    assure(&["check", REPO, "--format", "json", "-o", now_path.to_str().unwrap()]);
    let now = json(&now_path);
    let files = history_files();
    assert!(files.len() >= 3, "a few months of history are bundled");
    let earlier: Vec<Value> = files.iter().map(|f| json(f)).collect();
    let previous = earlier.last().unwrap();
    let (before, after) = (fingerprints(previous), fingerprints(&now));
    let fixed = before.difference(&after).count();
    let new = after.difference(&before).count();
    let open = before.intersection(&after).count();
    assert!(
        fixed > 0 && new > 0 && open > 0,
        "the bundled history has all three kinds: {fixed} {new} {open}"
    );
    let sentence = format!("{fixed} finding(s) fixed, {new} new and {open} still open.");
    assert!(html.contains(&sentence), "{sentence} not in the HTML");
    assert!(
        md.contains(&format!("{fixed} finding(s) fixed, {new} new, {open} still open.")),
        "{md}"
    );

    // The share passing at each date, oldest first, ends with this run; it moved, so the trend is real.
    let mut shares: Vec<(String, usize, usize)> = earlier
        .iter()
        .chain([&now])
        .map(|v| {
            let (p, a) = passing(v);
            (v["as_of"].as_str().unwrap().to_string(), p, a)
        })
        .collect();
    shares.sort();
    assert!(shares.windows(2).any(|w| w[0].1 != w[1].1), "{shares:?}");
    let table = html.split("<caption>Results over time</caption>").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    let mut at = 0;
    for (as_of, p, a) in &shares {
        let row = table[at..]
            .find(&format!("<th scope=\"row\">{as_of}"))
            .unwrap_or_else(|| panic!("{as_of} in order"));
        at += row;
        let pct = (*p as f64 * 100.0 / *a as f64).round();
        assert!(
            table[at..].contains(&format!("{pct}% ({p} of {a})")),
            "{as_of}: {pct}% ({p} of {a})"
        );
    }
    assert!(md.contains("### Direction of travel"));
    let (first, last) = (&shares[0].0, &shares[shares.len() - 1].0);
    assert!(md.contains(&format!("| {first} |")) && md.contains(&format!("| {last} |")));

    // An accessible chart: an SVG image with a title and a description giving every value, above the fold and
    // in its own section, and a link from the first screen.
    assert!(
        html.contains("<svg class=\"trend-chart\" role=\"img\" aria-labelledby=\"trend-chart-title trend-chart-desc\"")
    );
    let desc = html
        .split("<desc id=\"trend-chart-desc\">")
        .nth(1)
        .unwrap()
        .split("</desc>")
        .next()
        .unwrap();
    for (as_of, p, a) in &shares {
        assert!(
            desc.contains(&format!("{as_of}: ")) && desc.contains(&format!("({p} of {a} checks)")),
            "{desc}"
        );
    }
    let cover = html.split("id=\"summary\"").next().unwrap();
    assert!(cover.contains("glance-chart-title") && cover.contains("Direction of travel:"));
    // Per standard: one row per standard, with a sparkline titled in words.
    let per_standard = html
        .split("class=\"trend-standards\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(per_standard.matches("<th scope=\"row\">").count(), 10);
    assert!(per_standard.contains("<svg class=\"spark\" role=\"img\" aria-label=\""));
}

#[test]
fn the_trend_is_deterministic_and_ordered_by_date_not_file_name() {
    let dir = tempfile::tempdir().unwrap();
    // Names that sort against their dates.
    let h = dir.path().join("h");
    std::fs::create_dir_all(&h).unwrap();
    for (i, f) in history_files().iter().rev().enumerate() {
        std::fs::copy(f, h.join(format!("{i}.json"))).unwrap();
    }
    let (code, html, md, err) = report(&h, dir.path());
    assert_eq!(code, 0, "{err}");
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    let (_, bundled_html, bundled_md, _) = report(Path::new(HISTORY), &dir.path().join("b"));
    let strip = |s: &str| s.replace(h.to_str().unwrap(), "");
    assert_eq!(
        html.matches("<th scope=\"row\">2026-").count(),
        bundled_html.matches("<th scope=\"row\">2026-").count()
    );
    let dates: Vec<&str> = html
        .split("<caption>Results over time</caption>")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap()
        .split("<th scope=\"row\">")
        .skip(1)
        .map(|r| &r[..10])
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");
    assert_eq!(
        strip(&md),
        strip(&bundled_md),
        "the file names do not change the Markdown"
    );
    let (_, again, _, _) = report(&h, dir.path());
    assert_eq!(html, again, "same inputs, same bytes");
    // Whatever the thread count.
    let pages: Vec<String> = ["1", "3"]
        .iter()
        .map(|jobs| {
            let out = dir.path().join(format!("j{jobs}.html"));
            let (code, _, err) = assure(&[
                "report",
                REPO,
                "--history",
                h.to_str().unwrap(),
                "-j",
                jobs,
                "--html",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
            std::fs::read_to_string(out).unwrap()
        })
        .collect();
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0], html);
}

#[test]
fn a_result_of_another_organisation_is_rejected_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("exemplar.json");
    assure(&[
        "check",
        "examples/exemplar",
        "--as-of",
        "2026-07-01",
        "--format",
        "json",
        "-o",
        other.to_str().unwrap(),
    ]);
    let h = history_with(
        dir.path(),
        &[("2026-07.json", std::fs::read_to_string(&other).unwrap())],
    );
    let (code, html, _, err) = report(&h, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(html.is_empty(), "no report from a mixed history");
    assert!(
        err.contains("is an assessment of Exemplar Community Health NHS Trust (RXE), not of Northshire Hospitals NHS Foundation Trust (RNS)"),
        "{err}"
    );
    assert!(err.contains("2026-07.json:"), "the file and line are named: {err}");
}

#[test]
fn a_result_of_another_pack_or_not_an_assessment_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let first = std::fs::read_to_string(&history_files()[0]).unwrap();
    let other_pack = first.replacen("\"name\": \"nhs-data-security\"", "\"name\": \"another-pack\"", 1);
    assert_ne!(other_pack, first, "the pack name is where the test expects it");
    let h = history_with(
        dir.path(),
        &[
            (
                "2026-05.json",
                other_pack.replace("\"as_of\": \"2026-08-01\"", "\"as_of\": \"2026-05-01\""),
            ),
            ("notes.json", "{\n  \"as_of\": oops\n}".into()),
        ],
    );
    let (code, _, _, err) = report(&h, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("was assessed against the standards pack `another-pack`"),
        "{err}"
    );
    assert!(
        err.contains("notes.json is not JSON") && err.contains("notes.json:2"),
        "{err}"
    );
}

#[test]
fn two_different_results_of_one_date_are_rejected_and_a_copy_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = std::fs::read_to_string(&history_files()[0]).unwrap();
    // The same assessment under another name: a warning, read once.
    let h = history_with(dir.path(), &[("copy-of-august.json", first.clone())]);
    let (code, html, _, err) = report(&h, dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("is the same assessment as"), "{err}");
    assert_eq!(html.matches("<th scope=\"row\">2026-08-01").count(), 1, "read once");

    // Different evidence on the same date: which is that date's result cannot be guessed.
    let changed = first.replacen("\"sha256\": \"", "\"sha256\": \"00", 2);
    let dir = tempfile::tempdir().unwrap();
    let h = history_with(dir.path(), &[("august-rerun.json", changed)]);
    let (code, _, _, err) = report(&h, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("are both results as of 2026-08-01"), "{err}");
}

#[test]
fn results_of_this_date_or_later_are_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let now = dir.path().join("now.json");
    assure(&["check", REPO, "--format", "json", "-o", now.to_str().unwrap()]);
    let text = std::fs::read_to_string(&now).unwrap();
    let later = text.replace("\"as_of\": \"2026-11-01\"", "\"as_of\": \"2026-12-01\"");
    let h = history_with(dir.path(), &[("2026-11.json", text), ("2026-12.json", later)]);
    let (code, html, _, err) = report(&h, dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the date of this report: this run stands for it"), "{err}");
    assert!(err.contains("after this report's date (2026-11-01): left out"), "{err}");
    assert!(!html.contains("<th scope=\"row\">2026-12-01"));
    assert_eq!(html.matches("<th scope=\"row\">2026-11-01").count(), 1);
}

#[test]
fn an_empty_history_says_there_is_nothing_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("empty");
    std::fs::create_dir_all(&h).unwrap();
    let (code, html, md, err) = report(&h, dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(html.contains("no earlier result to compare with"));
    assert!(!html.contains("<h3>Since the previous result"));
    assert!(md.contains("no earlier result to compare with"));
}

#[test]
fn a_missing_history_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _, err) = report(&dir.path().join("nowhere"), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("cannot read the history directory"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_history_directory_in_the_repo_may_not_lead_outside_it() {
    let repo = common::copy_example();
    let outside = tempfile::tempdir().unwrap();
    for f in history_files() {
        std::fs::copy(&f, outside.path().join(f.file_name().unwrap())).unwrap();
    }
    std::fs::remove_dir_all(repo.path().join("history")).ok();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("history")).unwrap();
    let r = repo.path().to_str().unwrap();
    let (code, _, err) = assure(&[
        "report",
        r,
        "--history",
        &format!("{r}/history"),
        "--markdown",
        "/dev/null",
    ]);
    let err = flat(&err);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leads outside it"), "{err}");
    // A file in the repo's own history directory that links outside is refused too.
    std::fs::remove_file(repo.path().join("history")).unwrap();
    std::fs::create_dir(repo.path().join("history")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("2026-08.json"),
        repo.path().join("history/2026-08.json"),
    )
    .unwrap();
    let (code, _, err) = assure(&[
        "report",
        r,
        "--history",
        &format!("{r}/history"),
        "--markdown",
        "/dev/null",
    ]);
    let err = flat(&err);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("outside the config repo"), "{err}");
}

#[test]
fn a_baseline_of_another_organisation_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("exemplar.json");
    assure(&[
        "check",
        "examples/exemplar",
        "--format",
        "json",
        "-o",
        other.to_str().unwrap(),
    ]);
    let (code, _, err) = assure(&["check", REPO, "--baseline", other.to_str().unwrap(), "--format", "json"]);
    let err = flat(&err);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the baseline is an assessment of Exemplar Community Health NHS Trust (RXE), not of Northshire Hospitals NHS Foundation Trust (RNS)"),
        "{err}"
    );
    // Its own earlier result is a baseline as before.
    let own = &history_files()[2];
    let (code, out, err) = assure(&["check", REPO, "--baseline", own.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(json_str(&out)["baseline"]["fixed"].as_u64().unwrap() > 0);
}

fn json_str(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn record_keys_from_an_earlier_result_are_escaped_and_never_templates() {
    let dir = tempfile::tempdir().unwrap();
    let files = history_files();
    let mut last: Value = json(files.last().unwrap());
    let hostile = "<script>alert(1)</script>{{ 7*7 }} [x](https://evil.example)";
    let leavers = last["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == "NDG4-LEAVERS")
        .unwrap();
    leavers["findings"].as_array_mut().unwrap().push(serde_json::json!({
        "key": hostile, "file": "exports/ad/users.csv", "line": 2, "message": "m"
    }));
    let h = dir.path().join("h");
    std::fs::create_dir_all(&h).unwrap();
    for f in &files[..files.len() - 1] {
        std::fs::copy(f, h.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(h.join("2026-10.json"), serde_json::to_string_pretty(&last).unwrap()).unwrap();
    let (code, html, md, err) = report(&h, dir.path());
    assert_eq!(code, 0, "{err}");
    // It was fixed since: listed under the fixed records, as text.
    assert!(!html.contains("<script>alert(1)"), "no markup from evidence");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;{{ 7*7 }}"),
        "escaped, and the template is literal"
    );
    assert!(!html.contains(">49<") && !html.contains("alert(1)&lt;&#x2f;script&gt;49"));
    assert!(!md.contains("<script>"));
}

#[test]
fn a_report_of_some_checks_compares_those_checks_only() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("r.md");
    let (code, _, err) = assure(&[
        "report",
        "examples/northshire",
        "--check",
        "NDG8-OS",
        "--history",
        "examples/northshire/history",
        "--markdown",
        md.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    // The October result has NDG8-OS's three findings and many of other checks: only NDG8-OS's are compared.
    let october = json(Path::new("examples/northshire/history/2026-10.json"));
    let os = october["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "NDG8-OS")
        .unwrap();
    let open = os["findings"].as_array().unwrap().len();
    assert!(open > 0);
    assert!(
        text.contains(&format!("0 finding(s) fixed, 0 new, {open} still open")),
        "{}",
        text.lines()
            .filter(|l| l.contains("Since"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
