//! The HTML report in a real browser: Debian's headless Chromium opens the example trust's report through
//! playwright-core; the page must log no console error, make no network request, pass axe-core's WCAG 2.x A/AA
//! rules, and render a screenshot and an A4 print. The example's report, with its bundled history, must show
//! its status, trend and top risks on the first screen (1280 x 900) and its trend chart with an accessible
//! name; the regional roll-up of 200 organisations must keep its page width. Needs Node.js and Chromium:
//! `bash .ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Installs the locked npm packages when they are missing (once, though tests run in parallel).
fn npm_ci() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(npm_ci_now);
}

fn npm_ci_now() {
    let dir = browser_dir();
    if dir.join("node_modules/playwright-core").is_dir() && dir.join("node_modules/axe-core").is_dir() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .expect("npm must be installed to run the browser test (Node.js 18 or later)");
    assert!(status.success(), "npm ci failed in tests/browser");
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "Chromium not found at {}: install Debian's `chromium` package (bash .ci/run does) or set CHROMIUM",
        path.display()
    );
    path
}

#[test]
fn example_report_is_clean_accessible_and_offline_in_chromium() {
    let chromium = chromium();
    npm_ci();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).unwrap();
    let report = out.join("northshire.html");
    let screenshot = out.join("northshire.png");
    let pdf = out.join("northshire.pdf");
    for f in [&report, &screenshot, &pdf] {
        let _ = std::fs::remove_file(f);
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_assure"))
        .arg("report")
        .arg(root.join("examples/northshire"))
        .arg("--history")
        .arg(root.join("examples/northshire/history"))
        .arg("--html")
        .arg(&report)
        .status()
        .unwrap();
    assert!(status.success(), "assure report failed");

    let run = Command::new("node")
        .arg(browser_dir().join("check-report.mjs"))
        .args([&report, &screenshot, &pdf])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed to run the browser test");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the report failed in Chromium:\n{stderr}\n{stdout}"
    );

    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("the script prints a JSON summary");
    assert!(
        summary["title"]
            .as_str()
            .is_some_and(|t| t.contains("Northshire Hospitals NHS Foundation Trust")),
        "{summary}"
    );
    assert!(
        summary["headings"].as_u64().unwrap_or(0) >= 10,
        "one section per standard: {summary}"
    );
    assert!(
        summary["pdf_pages"].as_u64().unwrap_or(0) >= 2,
        "A4 print has pages: {summary}"
    );
    // A board reads the first screen: the status, the trend and the top risks all end above the fold.
    let fold = summary["viewport"].as_u64().unwrap();
    for part in ["status", "trend", "risks"] {
        let bottom = summary["fold"][part].as_u64();
        assert!(
            bottom.is_some_and(|b| b <= fold),
            "{part} ends at {bottom:?}, below the first {fold}px: {summary}"
        );
    }
    // The trend is visible and accessible: its chart is named by its title and a description of every value,
    // with a table of the same values (three earlier results and this one).
    let name = summary["trend_chart"].as_str().unwrap_or("");
    assert!(
        name.contains("Share of assessed checks passing") && name.contains("2026-08-01") && name.contains("2026-11-01"),
        "{summary}"
    );
    assert!(summary["trend_rows"].as_u64().unwrap_or(0) >= 4, "{summary}");
    // Findings are folded, so the page and its print stay short (56 screens and 57 pages before folding).
    let screens = summary["height"].as_f64().unwrap() / fold as f64;
    assert!(screens < 22.0, "{screens:.1} screens: {summary}");
    assert!(summary["closed_details"].as_u64().unwrap_or(0) >= 30, "{summary}");
    assert!(summary["pdf_pages"].as_u64().unwrap_or(99) <= 22, "{summary}");
    assert!(
        summary["overflow_x"].as_i64().unwrap_or(1) <= 0,
        "no sideways scrolling: {summary}"
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
        "a real screenshot"
    );
}

/// 200 organisations' results: the example's, renamed and with states varied, so the roll-up has every status.
fn two_hundred_organisations(example: &serde_json::Value, dir: &Path) -> Vec<PathBuf> {
    let statuses = ["Standards Met", "Approaching Standards", "Standards Not Met"];
    (0..200)
        .map(|i| {
            let mut v = example.clone();
            v["organisation"]["name"] = format!("Organisation {i:03} of the region NHS Foundation Trust").into();
            v["organisation"]["ods_code"] = format!("R{i:03}").into();
            v["status"]["status"] = statuses[i % 3].into();
            for (j, r) in v["results"].as_array_mut().unwrap().iter_mut().enumerate() {
                if (i * 7 + j * 3) % 5 == 0 {
                    r["state"] = "pass".into();
                }
            }
            let file = dir.join(format!("R{i:03}.json"));
            std::fs::write(&file, serde_json::to_string(&v).unwrap()).unwrap();
            file
        })
        .collect()
}

#[test]
fn the_regional_roll_up_is_clean_and_accessible_in_chromium() {
    let chromium = chromium();
    npm_ci();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-aggregate");
    std::fs::create_dir_all(&out).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let json = out.join("northshire.json");
    let html = out.join("region.html");
    let status = Command::new(env!("CARGO_BIN_EXE_assure"))
        .arg("check")
        .arg(root.join("examples/northshire"))
        .args(["--format", "json", "-o"])
        .arg(&json)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the example has failures");
    let example: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let inputs = out.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    let files = two_hundred_organisations(&example, &inputs);
    let status = Command::new(env!("CARGO_BIN_EXE_assure"))
        .arg("aggregate")
        .args(&files)
        .arg("--html")
        .arg(&html)
        .status()
        .unwrap();
    assert!(status.success());
    let run = Command::new("node")
        .arg(browser_dir().join("check-report.mjs"))
        .args([&html, &out.join("region.png"), &out.join("region.pdf")])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node must be installed to run the browser test");
    assert!(
        run.status.success(),
        "the roll-up failed in Chromium:\n{}\n{}",
        String::from_utf8_lossy(&run.stderr),
        String::from_utf8_lossy(&run.stdout)
    );
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&run.stdout).trim()).expect("the script prints a JSON summary");
    // It fits its page at 200 organisations: one heat-map row each, ten standards across, no sideways scrolling.
    assert_eq!(summary["heat_rows"], 200, "{summary}");
    assert_eq!(summary["heat_cells"], 2000, "{summary}");
    assert!(summary["overflow_x"].as_i64().unwrap_or(1) <= 0, "{summary}");
}
