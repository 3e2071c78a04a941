//! The CI integrations in the repo: the GitHub Action's script runs here for real, and every command the
//! Azure, GitLab and pre-commit templates give parses with the CLI's own definition.

use assert_cmd::cargo::cargo_bin;
use clap::Parser;
use std::process::Command;

fn parses(command_line: &str) {
    let words: Vec<String> = command_line
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    if let Err(e) = assure::cli::Cli::try_parse_from(&words) {
        panic!("`{command_line}` does not parse: {e}");
    }
}

#[test]
fn the_github_action_script_writes_sarif_summary_annotations_and_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let output = tmp.path().join("output.txt");
    let bin_dir = cargo_bin("assure").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .arg("ci/github-action.sh")
        .env("PATH", path)
        .env("INPUT_REPO", "examples/northshire")
        .env("INPUT_FAIL_ON", "high")
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the step itself succeeds so SARIF is uploaded: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let sarif_path = outputs.lines().find_map(|l| l.strip_prefix("sarif=")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        stdout.contains("::error file=examples/northshire/exports/intune/managedDevices.json,line=141"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("Northshire Hospitals NHS Foundation Trust"), "{md}");
}

#[test]
fn template_commands_parse_with_the_cli() {
    parses("assure check . --fail-on low --junit a.xml --sarif a.sarif --format json --output a.json");
    for (file, marker) in [
        ("ci/gitlab-ci.yml", "    - assure "),
        (".pre-commit-hooks.yaml", "  entry: assure "),
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        let doc = assure::core::yaml::parse(&text, usize::MAX).unwrap_or_else(|e| panic!("{file}: {}", e.message));
        assert!(!doc.value.is_null());
        let commands: Vec<&str> = text.lines().filter(|l| l.starts_with(marker)).collect();
        assert!(
            !commands.is_empty(),
            "{file} has no `{}` line: the template changed shape",
            marker.trim()
        );
        for line in commands {
            let command = format!("assure {}", line.trim_start_matches(marker).trim());
            let command = command
                .replace("$ASSURE_REPO", "repo")
                .replace("$ASSURE_FAIL_ON", "high");
            parses(&command);
        }
    }
    let azure = std::fs::read_to_string("ci/azure-pipelines.yml").unwrap();
    assert!(assure::core::yaml::parse(&azure, usize::MAX).is_ok());
    for flag in ["--junit", "--sarif", "--fail-on", "--output"] {
        assert!(azure.contains(flag));
    }
    let action = std::fs::read_to_string("action.yml").unwrap();
    let doc = assure::core::yaml::parse(&action, usize::MAX).unwrap();
    assert_eq!(doc.value["runs"]["using"], "composite");
}
