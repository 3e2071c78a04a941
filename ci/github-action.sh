#!/usr/bin/env bash
# The GitHub Action's assessment step (action.yml), kept as a script so it can be run and tested locally.
# Reads INPUT_* variables; writes SARIF and JSON under RUNNER_TEMP, the Markdown summary to
# GITHUB_STEP_SUMMARY, annotations to stdout, and exit-code / sarif / json to GITHUB_OUTPUT.
# It always exits 0 so that the SARIF upload runs; the action's last step fails the job with the exit code.
set -uo pipefail

repo="${INPUT_REPO:-.}"
out_dir="${RUNNER_TEMP:-$(mktemp -d)}"
sarif="$out_dir/assure.sarif"
json="$out_dir/assure.json"
summary="$out_dir/assure-summary.md"

args=(check "$repo" --fail-on "${INPUT_FAIL_ON:-low}")
[ -n "${INPUT_STANDARDS:-}" ] && args+=(--standards "$INPUT_STANDARDS")
# Redaction is on unless turned off: what the action writes leaves the config repo (code scanning, the run's
# page). Without a key assure refuses to run (exit 2) rather than upload personal data.
redact=()
if [ "${INPUT_REDACT:-true}" != "false" ]; then
  redact=(--redact)
  [ -n "${INPUT_REDACT_KEY:-}" ] && export ASSURE_REDACT_KEY="$INPUT_REDACT_KEY"
fi
args+=("${redact[@]}")
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
  [ "${INPUT_FAIL_ON_NEW:-false}" = "true" ] && args+=(--fail-on-new)
fi

# One assessment, written in every form the workflow needs.
assure "${args[@]}" --format json --output "$json" --sarif "$sarif" --markdown "$summary"
code=$?

if [ "$code" -ne 2 ]; then
  # Annotations on the changed files (the exit code is already known).
  assure check "$repo" --format github --fail-on none "${redact[@]}" ${INPUT_STANDARDS:+--standards "$INPUT_STANDARDS"}
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$summary" ] && cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    [ -f "$sarif" ] && echo "sarif=$sarif"
    [ -f "$json" ] && echo "json=$json"
  } >> "$GITHUB_OUTPUT"
fi
exit 0
