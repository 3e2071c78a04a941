//! The checked-in JSON Schemas under standards/schema/ must match the Rust spec types.

use assure::spec::schema::Kind;

#[test]
fn checked_in_schemas_are_current() {
    let inputs = Kind::ALL.map(|kind| (kind.file_name(), kind.schema_text()));
    let output = (
        "assessment.schema.json".to_string(),
        assure::assess::assessment::schema_text(),
    );
    for (file, text) in inputs.into_iter().chain([output]) {
        let path = std::path::Path::new("standards/schema").join(file);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "{} is stale: run `cargo run -- schema --write standards/schema` and commit the result",
            path.display()
        );
    }
}

#[test]
fn schemas_reject_unknown_keys_and_bad_enums() {
    let doc = assure::core::yaml::parse("standard: { id: X, title: t, statement: s }\nchecks:\n  - { id: X-1, title: t, severity: hgh, dataset: d, asert: {} }\n", usize::MAX).unwrap();
    let v = assure::spec::schema::validate(Kind::Standard, &doc.value);
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

#[test]
fn every_shipped_pack_file_names_its_schema_for_editors() {
    let mut seen = 0;
    for entry in walkdir::WalkDir::new("standards") {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let rel = path.strip_prefix("standards").unwrap();
        let kind = match (rel.parent().and_then(|p| p.to_str()), rel.to_str().unwrap()) {
            (Some("frameworks"), _) => Kind::Framework,
            (Some("presets"), _) => Kind::Preset,
            (Some("reference"), _) => Kind::Reference,
            (_, "pack.yaml") => Kind::Pack,
            (_, "datasets.yaml") => Kind::Datasets,
            _ => Kind::Standard,
        };
        let text = std::fs::read_to_string(path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| {
                panic!(
                    "{}: first line is not a yaml-language-server schema line: {first}",
                    path.display()
                )
            });
        let schema = path.parent().unwrap().join(target);
        assert!(
            schema.ends_with(kind.file_name()),
            "{} names {target}, not the {} schema",
            path.display(),
            kind.name()
        );
        assert!(schema.is_file(), "{}: {target} does not exist", path.display());
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} files");
}
