//! `assure aggregate`: a roll-up across organisations' JSON assessments.

mod common;

use common::{assure, copy_example};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The example trust under another name and ODS code, optionally with every device encrypted.
fn organisation(dir: &Path, name: &str, ods: &str, encrypt_all: bool) -> PathBuf {
    let repo = copy_example();
    let manifest = repo.path().join("assure.yaml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("Northshire Hospitals NHS Foundation Trust", name)
        .replace("ods_code: RNS", &format!("ods_code: {ods}"));
    std::fs::write(&manifest, text).unwrap();
    if encrypt_all {
        let devices = repo.path().join("exports/intune/managedDevices.json");
        let text = std::fs::read_to_string(&devices)
            .unwrap()
            .replace("\"isEncrypted\": false", "\"isEncrypted\": true");
        std::fs::write(&devices, text).unwrap();
    }
    let out = dir.join(format!("{ods}.json"));
    assure(&[
        "check",
        repo.path().to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    out
}

#[test]
fn aggregate_rolls_up_status_standards_and_common_failures() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        organisation(dir.path(), "Westshire <Community> NHS Trust", "RWS", true),
        organisation(dir.path(), "Northshire Hospitals NHS Foundation Trust", "RNS", false),
        organisation(dir.path(), "Eastshire Mental Health Trust", "REM", false),
    ];
    let args: Vec<&str> = files.iter().map(|f| f.to_str().unwrap()).collect();
    let html = dir.path().join("region.html");
    let mut cli = vec!["aggregate"];
    cli.extend(&args);
    cli.extend(["--html", html.to_str().unwrap(), "-o"]);
    let json_path = dir.path().join("region.json");
    cli.push(json_path.to_str().unwrap());
    let (code, _, err) = assure(&cli);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();

    let orgs: Vec<&str> = v["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["ods_code"].as_str().unwrap())
        .collect();
    assert_eq!(
        orgs,
        ["REM", "RNS", "RWS"],
        "ordered by ODS code, whatever the input order"
    );
    assert_eq!(v["statuses"]["Standards Not Met"], 3);

    let encrypt = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "NDG1-ENCRYPT")
        .unwrap();
    assert_eq!((encrypt["pass"].as_u64(), encrypt["fail"].as_u64()), (Some(1), Some(2)));
    assert_eq!(encrypt["failing_organisations"], serde_json::json!(["REM", "RNS"]));

    let ndg1 = v["standards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "NDG1")
        .unwrap();
    // NDG1-IAR, NDG1-FLOWS and NDG1-OPT-OUT fail everywhere; NDG1-ENCRYPT only where devices are unencrypted.
    assert_eq!(ndg1["failing"], serde_json::json!([4, 4, 3]));
    assert_eq!(ndg1["organisations_clear"], 0);
    let common = v["most_common_failures"].as_array().unwrap();
    assert!(!common.is_empty() && common.len() <= 10);
    let first = &common[0];
    assert_eq!(
        first["fail"].as_u64().unwrap() + first["error"].as_u64().unwrap(),
        3,
        "failing everywhere comes first"
    );
    let pos = |id: &str| common.iter().position(|c| c["id"] == id);
    if let (Some(e), Some(f)) = (pos("NDG1-ENCRYPT"), pos(first["id"].as_str().unwrap())) {
        assert!(f < e);
    }

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Westshire &lt;Community&gt; NHS Trust"),
        "names are escaped"
    );
    assert!(page.contains("Roll-up of 3 organisation(s)"));
    assert!(!page.contains("<script"));

    // Same inputs in another order: identical output.
    let mut reversed = vec!["aggregate"];
    reversed.extend(args.iter().rev());
    assert_eq!(assure(&reversed).1, std::fs::read_to_string(&json_path).unwrap());
}

#[test]
fn aggregate_rejects_a_file_that_is_not_an_assessment() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"hello\": 1}").unwrap();
    let (code, _, err) = assure(&["aggregate", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an assure assessment"), "{err}");
}

#[test]
fn aggregate_rejects_an_organisation_given_twice() {
    let dir = tempfile::tempdir().unwrap();
    let first = organisation(dir.path(), "Northshire Hospitals NHS Foundation Trust", "RNS", false);
    let again = dir.path().join("RNS-again.json");
    let text = std::fs::read_to_string(&first)
        .unwrap()
        .replace("\"as_of\": \"2026-11-01\"", "\"as_of\": \"2026-10-01\"");
    std::fs::write(&again, text).unwrap();
    let (code, out, err) = assure(&["aggregate", first.to_str().unwrap(), again.to_str().unwrap()]);
    let err = err
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "no roll-up is written");
    assert!(
        err.contains(
            "are both results of Northshire Hospitals NHS Foundation Trust (RNS), as of 2026-11-01 and 2026-10-01"
        ),
        "{err}"
    );
    assert!(err.contains("RNS-again.json"), "{err}");
    // The same file twice is the same organisation twice.
    let (code, _, err) = assure(&["aggregate", first.to_str().unwrap(), first.to_str().unwrap()]);
    let err = err
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("both as of 2026-11-01"), "{err}");
}

/// Column headers of each table in `page`.
fn header_counts(page: &str) -> Vec<usize> {
    page.split("<thead>")
        .skip(1)
        .map(|t| t.split("</thead>").next().unwrap().matches("<th scope=\"col\"").count())
        .collect()
}

#[test]
fn the_roll_up_of_200_organisations_keeps_its_width_with_a_heat_map_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let one = organisation(dir.path(), "Northshire Hospitals NHS Foundation Trust", "RNS", false);
    let base: Value = serde_json::from_str(&std::fs::read_to_string(&one).unwrap()).unwrap();
    std::fs::remove_file(&one).unwrap();
    let statuses = ["Standards Met", "Approaching Standards", "Standards Not Met"];
    let mut files = Vec::new();
    for i in 0..200 {
        let mut v = base.clone();
        v["organisation"]["name"] = format!("Trust {i:03}").into();
        v["organisation"]["ods_code"] = format!("R{i:03}").into();
        v["status"]["status"] = statuses[i % 3].into();
        // Every NDG1 check passes at every other organisation: its heat-map column varies.
        if i % 2 == 0 {
            for r in v["results"].as_array_mut().unwrap() {
                if r["standard"] == "NDG1" {
                    r["state"] = "pass".into();
                }
            }
        }
        let f = dir.path().join(format!("{i:03}.json"));
        std::fs::write(&f, serde_json::to_string(&v).unwrap()).unwrap();
        files.push(f);
    }
    let html = dir.path().join("region.html");
    let mut cli = vec!["aggregate", "--html", html.to_str().unwrap()];
    cli.extend(files.iter().map(|f| f.to_str().unwrap()));
    let (code, _, err) = assure(&cli);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(&html).unwrap();

    // No table grows sideways with the organisations: the widest has the two name columns and the ten standards.
    let widest = header_counts(&page).into_iter().max().unwrap();
    assert_eq!(widest, 12, "{:?}", header_counts(&page));
    let heat = page
        .split("class=\"heat-map\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(heat.matches("<tr><th scope=\"row\">").count(), 200);
    assert_eq!(heat.matches("class=\"num heat heat-").count(), 2000);
    let ndg1 = base["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["standard"] == "NDG1" && (r["state"] == "fail" || r["state"] == "error"))
        .count();
    assert!(ndg1 >= 3, "the example fails several NDG1 checks");
    assert_eq!(heat.matches("<td class=\"num heat heat-0\">0</td>").count() % 100, 0);
    assert!(
        heat.contains("<td class=\"num heat heat-3\">"),
        "three or more failing is the top level"
    );
    // Charts: organisations by status (worst first) and the share clear per standard, each with a text title.
    assert!(page.contains(
        "<title id=\"status-chart\">Organisations by overall status: 66 Standards Not Met, 67 Approaching Standards, 67 Standards Met</title>"
    ), "{}", page.split("status-chart\">").nth(1).unwrap_or("").split("</title>").next().unwrap_or(""));
    assert!(page.contains("Personal confidential data: 100 of 200 organisations clear"));
}

#[test]
fn a_check_titled_with_each_organisation_s_threshold_reads_the_same_whatever_the_input_order() {
    let doc = |ods: &str, pct: u32| {
        serde_json::json!({
            "schema_version": "1.0",
            "organisation": { "name": ods, "ods_code": ods },
            "results": [{ "id": "NDG3-ANNUAL", "standard": "NDG3", "severity": "high", "state": "fail",
                          "title": format!("At least {pct}% of active staff trained") }]
        })
    };
    let a = ("a.json".to_string(), doc("RAA", 95));
    let b = ("b.json".to_string(), doc("RBB", 90));
    let one = assure::assess::aggregate::aggregate(&[a.clone(), b.clone()]);
    let other = assure::assess::aggregate::aggregate(&[b, a]);
    assert_eq!(one.checks[0].title, other.checks[0].title);
    assert_eq!(one.checks[0].title, "At least 90% of active staff trained");
}
