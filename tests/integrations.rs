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

/// Runs the action's script on the example with `inputs` (and no key in the environment): its output, the
/// step outputs file, the summary file and the directory they are in.
fn action(inputs: &[(&str, &str)]) -> (std::process::Output, String, std::path::PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let output = tmp.path().join("output.txt");
    let bin_dir = cargo_bin("assure").parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new("bash");
    command
        .arg("ci/github-action.sh")
        .env("PATH", path)
        .env("INPUT_REPO", "examples/northshire")
        .env("INPUT_FAIL_ON", "high")
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .env_remove("ASSURE_REDACT_KEY");
    for (k, v) in inputs {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    (out, outputs, summary, tmp)
}

#[test]
fn the_github_action_script_writes_sarif_summary_annotations_and_outputs() {
    let (out, outputs, summary, _tmp) = action(&[("INPUT_REDACT_KEY", "northshire-ig-team-2026")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the step itself succeeds so SARIF is uploaded: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let sarif_path = outputs.lines().find_map(|l| l.strip_prefix("sarif=")).unwrap();
    let sarif_text = std::fs::read_to_string(sarif_path).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // Redacted by default: the SARIF uploaded to code scanning and the annotations carry pseudonyms.
    for published in [&sarif_text, &stdout.to_string()] {
        assert!(published.contains("anon-"));
        for person in ["r.evans", "Priya Nair", "j.old"] {
            assert!(!published.contains(person), "{person} published");
        }
    }
    assert!(
        stdout.contains("::error file=examples/northshire/exports/intune/managedDevices.json,line=141"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("Northshire Hospitals NHS Foundation Trust"), "{md}");
}

#[test]
fn the_github_action_refuses_to_publish_personal_data_without_a_key_unless_redaction_is_off() {
    let (out, outputs, _, _tmp) = action(&[]);
    assert!(out.status.success());
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
    assert!(!outputs.contains("sarif="), "no SARIF to upload: {outputs}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASSURE_REDACT_KEY"));

    let (out, outputs, _, _tmp) = action(&[("INPUT_REDACT", "false")]);
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let sarif_path = outputs.lines().find_map(|l| l.strip_prefix("sarif=")).unwrap();
    let sarif = std::fs::read_to_string(sarif_path).unwrap();
    assert!(
        !sarif.contains("anon-"),
        "redact: false publishes the evidence as it is"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error"));
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
