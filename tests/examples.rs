//! The bundled examples' results, snapshot-tested: every check's state and failing records for the example
//! trust (failures planted across all ten standards) and the exemplar (which passes everything). A change to
//! a check, the pack's reference data or the examples shows up here as a reviewed snapshot diff.

mod common;

use common::assure;
use serde_json::Value;
use std::fmt::Write as _;

/// One line per check: id, state, number of failing records and the first few keys.
fn digest(repo: &str) -> (i32, String, Value) {
    let (code, out, err) = assure(&["check", repo, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let mut text = String::new();
    let s = &v["summary"];
    let _ = writeln!(
        text,
        "{} checks: {} pass, {} fail, {} error, {} not applicable, {} waived, {} manual; status {}",
        s["checks"],
        s["pass"],
        s["fail"],
        s["error"],
        s["not_applicable"],
        s["waived"],
        s["manual"],
        v["status"]["status"]
    );
    for r in v["results"].as_array().unwrap() {
        let keys: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["waived_by"].is_null())
            .map(|f| f["key"].as_str().unwrap())
            .collect();
        let shown: Vec<&str> = keys.iter().take(6).copied().collect();
        let more = if keys.len() > 6 {
            format!(" +{}", keys.len() - 6)
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{:<24} {:<14} {}{}",
            r["id"].as_str().unwrap(),
            r["state"].as_str().unwrap(),
            shown.join(", "),
            more
        );
    }
    (code, text, v)
}

#[test]
fn northshire_results_are_the_planted_ones() {
    let (code, text, v) = digest("examples/northshire");
    assert_eq!(code, 1);
    insta::assert_snapshot!("northshire", text);
    // Every standard has at least one failing check, and nothing errors: the evidence is complete.
    for n in 1..=10 {
        let id = format!("NDG{n}");
        assert!(
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["standard"] == id && r["state"] == "fail"),
            "{id} has a planted failure"
        );
    }
    assert_eq!(v["summary"]["error"], 0);
    let records: u64 = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["records"].as_u64().unwrap())
        .sum();
    assert!(records > 5_000, "a mid-size trust: {records} records");
}

#[test]
fn the_exemplar_passes_every_check() {
    let (code, text, v) = digest("examples/exemplar");
    insta::assert_snapshot!("exemplar", text);
    assert_eq!(code, 0, "{text}");
    assert_eq!(v["status"]["status"], "Standards Met");
    let not_passing: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] != "pass")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:?}");
}
