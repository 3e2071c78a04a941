//! The check-language doc stays true: every op is documented, and every one-line condition example compiles.

mod common;

const DOC: &str = include_str!("../docs/check-language.md");

#[test]
fn every_op_and_leaf_field_is_documented() {
    let schema = assure::spec::schema::Kind::Standard.schema();
    let props = schema["$defs"]["ConditionSpec"]["properties"]
        .as_object()
        .expect("ConditionSpec properties");
    for key in props.keys() {
        assert!(
            DOC.contains(&format!("`{key}`")),
            "docs/check-language.md does not document `{key}`"
        );
    }
    let check = schema["$defs"]["CheckSpec"]["properties"]
        .as_object()
        .expect("CheckSpec properties");
    for key in check.keys() {
        assert!(
            DOC.contains(&format!("| `{key}` |")),
            "the check fields table does not list `{key}`"
        );
    }
}

#[test]
fn one_line_condition_examples_compile() {
    let examples: Vec<&str> = DOC
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("{ field:") && l.ends_with('}'))
        .collect();
    assert!(
        examples.len() >= 25,
        "expected the op examples, found {}",
        examples.len()
    );
    for example in examples {
        let check = format!(
            "  - id: T-DOC\n    title: doc example\n    severity: low\n    dataset: devices\n    params: {{ max_age: {{ type: duration, default: 365d }} }}\n    assert: {example}\n"
        );
        let (_, diags) = common::load(&check);
        assert!(
            diags.is_empty(),
            "example `{example}` does not compile: {:?}",
            diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn standards_doc_is_generated_from_the_pack() {
    let (pack, diags) = assure::pack::load_files(assure::pack::embedded_files());
    assert!(diags.is_empty());
    let on_disk = std::fs::read_to_string("docs/standards.md").unwrap_or_default();
    assert!(
        on_disk == assure::pack::docs::render(&pack),
        "docs/standards.md is stale: run `cargo run -- list --format markdown > docs/standards.md`"
    );
    assert!(on_disk.contains("| NDG8-OS | critical |"));
}
