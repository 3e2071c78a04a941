//! Fuzzing entry points, one per input surface, shared by the cargo-fuzz (libFuzzer) targets in `fuzz/` and
//! the stable-Rust smoke run (`examples/fuzz_smoke.rs`, run by CI): both feed bytes through the same
//! functions, so the smoke run exercises exactly what the long runs do.
//!
//! Every entry point takes arbitrary bytes and must return: errors are the expected outcome of most inputs,
//! panics and hangs are bugs.

use std::collections::BTreeMap;

/// An entry point: a name (as `fuzz/fuzz_targets/NAME.rs` and `fuzz/corpus/NAME/`) and the function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: [Target; 6] = [
    ("yaml", yaml),
    ("json", json),
    ("manifest", manifest),
    ("formats", formats),
    ("standard", standard),
    ("expression", expression),
];

/// The YAML loader (limits: depth, alias expansion, duplicate keys).
pub fn yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::core::yaml::parse(text, usize::MAX);
    }
}

/// The JSON loader.
pub fn json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::core::json::parse(text, usize::MAX);
    }
}

/// Manifest parsing, schema validation and deserialisation.
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::evidence::load::parse_manifest_text(text);
    }
}

/// Every evidence format on arbitrary text; the first byte picks the format (and, with its top bit, a
/// record path). Every stored cell must read back.
pub fn formats(data: &[u8]) {
    use crate::core::vocab::Format;
    use crate::evidence::formats::{ReadOptions, parse};
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let all = [
        Format::Json,
        Format::Yaml,
        Format::Csv,
        Format::Tsv,
        Format::Lines,
        Format::Keyvalue,
    ];
    let format = all[pick as usize % all.len()];
    let records = crate::core::path::FieldPath::parse("value[*]").ok();
    let pattern = regex::Regex::new(r"^(?P<a>\S+) (?P<b>.*)").ok();
    let file = crate::core::source::SourceFile::new("fuzz", text);
    let renames = BTreeMap::from([("renamed".to_string(), "a".to_string())]);
    let opts = ReadOptions {
        format,
        records: if pick & 0x80 != 0 { records.as_ref() } else { None },
        pattern: pattern.as_ref(),
        delimiter: b',',
        renames: &renames,
    };
    for record in parse(&file, &opts).unwrap_or_default() {
        let _ = record.to_value();
    }
}

/// The pack without its standards files, which the two pack targets add their own file to.
fn pack_files() -> Vec<(String, Vec<u8>)> {
    crate::pack::embedded_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("ndg-"))
        .collect()
}

/// The standards loader and compiler (spec -> runnable check) on an arbitrary standards file beside the pack.
pub fn standard(data: &[u8]) {
    let mut files = pack_files();
    files.push(("fuzz.yaml".into(), data.to_vec()));
    let (pack, _) = crate::pack::load_files(files);
    let _ = pack.compile_all(&BTreeMap::new(), &BTreeMap::new(), None, jiff::Timestamp::UNIX_EPOCH);
}

/// An `expr:` (the first line) and a message template (the rest) compiled and run by the engine on a record
/// holding template syntax.
pub fn expression(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (expr, message) = text.split_once('\n').unwrap_or((text, "{{ deviceName }}"));
    let check = format!(
        "standard: {{ id: F, title: f, statement: s }}\nchecks:\n  - id: F-1\n    title: f\n    severity: low\n    dataset: devices\n    assert: {{ expr: {} }}\n    message: {}\n",
        serde_json::to_string(expr).unwrap_or_default(),
        serde_json::to_string(message).unwrap_or_default()
    );
    let mut files = pack_files();
    files.push(("fuzz.yaml".into(), check.into_bytes()));
    let (pack, _) = crate::pack::load_files(files);
    let (checks, _) = pack.compile_all(&BTreeMap::new(), &BTreeMap::new(), None, jiff::Timestamp::UNIX_EPOCH);
    let data = BTreeMap::from([(
        "devices".to_string(),
        vec![serde_json::json!({"deviceName": "{{ 7*7 }}", "n": 3, "list": [1, 2]})],
    )]);
    let evidence = crate::evidence::Evidence::from_inline(&data);
    for c in &checks {
        let _ = crate::engine::run_check(c, &evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_takes_its_corpus_and_garbage_without_panicking() {
        for (_, target) in TARGETS {
            for input in [&b""[..], b"\xFF\xFE", b"{{", b"- [", b"\x05Match x\nInclude y\n"] {
                target(input);
            }
        }
    }
}
