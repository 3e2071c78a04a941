//! JSON output: the [`Assessment`] as a versioned document (`schema_version`), documented in
//! `docs/json-output.md`. Pretty-printed with sorted keys inside records, so runs diff cleanly.

use crate::assessment::Assessment;

pub fn render(assessment: &Assessment) -> String {
    let mut out = serde_json::to_string_pretty(assessment).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
