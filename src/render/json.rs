//! JSON output: the [`Assessment`] as a versioned document (`schema_version`), documented in
//! `docs/json-output.md`. Pretty-printed with sorted keys inside records, so runs diff cleanly.

use crate::assess::Assessment;
use std::io::Write;

/// The assessment written to `out` as it is serialised: with 100,000 findings the text runs
/// to tens of megabytes, which need not be held (and faulted into memory) as one string first.
pub fn write(assessment: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    // The serialiser writes every token on its own; buffered here, a token is a copy into the buffer rather
    // than a call through `dyn Write` (two million of them for 21,000 findings).
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, assessment)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
