//! JSON output: the [`Assessment`] as a versioned document (`schema_version`), documented in
//! `docs/json-output.md`. Pretty-printed with sorted keys inside records, so runs diff cleanly.

use crate::assessment::Assessment;
use std::io::Write;

pub fn render(assessment: &Assessment) -> String {
    let mut out = serde_json::to_string_pretty(assessment).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The same document as [`render`], written to `out` as it is serialised: with 100,000 findings the text runs
/// to tens of megabytes, which need not be held (and faulted into memory) as one string first.
pub fn write(assessment: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, assessment)?;
    out.write_all(b"\n")
}
