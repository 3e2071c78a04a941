//! `expr:` and message templates compiled and run against a record: errors are fine, panics and hangs are not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (expr, message) = text.split_once('\n').unwrap_or((text, "{{ deviceName }}"));
    let check = format!(
        "standard: {{ id: F, title: f, statement: s }}\nchecks:\n  - id: F-1\n    title: f\n    severity: low\n    dataset: devices\n    assert: {{ expr: {} }}\n    message: {}\n",
        serde_json::to_string(expr).unwrap_or_default(),
        serde_json::to_string(message).unwrap_or_default()
    );
    let mut files: Vec<(String, Vec<u8>)> = assure::pack::embedded_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("ndg-"))
        .collect();
    files.push(("fuzz.yaml".into(), check.into_bytes()));
    let (pack, _) = assure::pack::load_files(files);
    let (checks, _) = pack.compile_all(&Default::default(), jiff::Timestamp::UNIX_EPOCH);
    let data = std::collections::BTreeMap::from([(
        "devices".to_string(),
        vec![serde_json::json!({"deviceName": "{{ 7*7 }}", "n": 3, "list": [1, 2]})],
    )]);
    let evidence = assure::evidence::Evidence::from_inline(&data);
    for c in &checks {
        let _ = assure::engine::run_check(c, &evidence);
    }
});
