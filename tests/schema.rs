//! The checked-in JSON Schemas under standards/schema/ must match the Rust spec types.

use assure::standards::schema::Kind;

#[test]
fn checked_in_schemas_are_current() {
    for kind in Kind::ALL {
        let path = std::path::Path::new("standards/schema").join(kind.file_name());
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == kind.schema_text(),
            "{} is stale: run `cargo run -- schema --write standards/schema` and commit the result",
            path.display()
        );
    }
}

#[test]
fn schemas_reject_unknown_keys_and_bad_enums() {
    let doc = assure::yaml::parse("standard: { id: X, title: t, statement: s }\nchecks:\n  - { id: X-1, title: t, severity: hgh, dataset: d, asert: {} }\n", usize::MAX).unwrap();
    let v = assure::standards::schema::validate(Kind::Standard, &doc.value);
    let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown key `asert` (did you mean `assert`?)")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`hgh` is not one of info, low, medium, high, critical")),
        "{messages:?}"
    );
}
