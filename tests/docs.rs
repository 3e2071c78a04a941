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

/// A leaf's fields that are not ops.
const LEAF_FIELDS: &[&str] = &[
    "all",
    "any",
    "not",
    "expr",
    "field",
    "minus",
    "plus",
    "as",
    "ignore_case",
    "quantifier",
    "count",
];

#[test]
fn every_op_has_its_own_row_and_an_example_that_compiles() {
    use assure::spec::ops::OPS;
    let schema = assure::spec::schema::Kind::Standard.schema();
    let props = schema["$defs"]["ConditionSpec"]["properties"].as_object().unwrap();
    let schema_ops: Vec<&str> = props
        .keys()
        .map(String::as_str)
        .filter(|k| !LEAF_FIELDS.contains(k))
        .collect();
    let mut table_ops: Vec<&str> = OPS.iter().map(|o| o.name).collect();
    let mut sorted = schema_ops.clone();
    sorted.sort_unstable();
    table_ops.sort_unstable();
    assert_eq!(
        sorted, table_ops,
        "the schema's ops and the op table (src/spec/ops.rs) differ"
    );
    for op in OPS {
        let row = format!("| `{}` | ", op.name);
        assert_eq!(
            DOC.matches(&row).count(),
            1,
            "the Ops table needs one row for `{}`",
            op.name
        );
        assert!(
            DOC.lines().any(|l| l.trim() == op.example),
            "docs/check-language.md does not show the example of `{}`: {}",
            op.name,
            op.example
        );
        assert!(
            op.example.contains(&format!(" {}: ", op.name)),
            "the example of `{}` does not use it",
            op.name
        );
        let check = format!(
            "  - id: T-DOC\n    title: doc example\n    severity: low\n    dataset: devices\n    assert: {}\n",
            op.example
        );
        let (_, diags) = common::load(&check);
        assert!(
            diags.is_empty(),
            "the example of `{}` does not compile: {:?}",
            op.name,
            diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
        );
    }
}

/// Every row of the op table works end to end: its example, as a check's `assert`, passes its inline test on
/// the row's `holds` data and fails on its `fails` data, through the schema, the compiler and the evaluation.
#[test]
fn every_op_holds_and_fails_on_its_rows_data() {
    use assure::spec::ops::OPS;
    let mut checks = String::new();
    for (i, op) in OPS.iter().enumerate() {
        checks.push_str(&format!(
            "  - id: T-OP{i}\n    title: {name}\n    severity: low\n    dataset: devices\n    assert: {example}\n    tests:\n      - {{ name: holds, expect: pass, data: {holds} }}\n      - {{ name: fails, expect: fail, data: {fails} }}\n",
            name = op.name,
            example = op.example,
            holds = op.holds,
            fails = op.fails,
        ));
    }
    let (pack, diags) = common::load(&checks);
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
    );
    let outcomes = assure::pack::testing::run_tests(&pack, &[]);
    assert_eq!(outcomes.len(), 2 * OPS.len());
    for o in outcomes {
        let name = &OPS[o.check["T-OP".len()..].parse::<usize>().unwrap()].name;
        assert!(o.failure.is_none(), "`{name}` {}: {:?}", o.name, o.failure);
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

#[test]
fn diagnostic_codes_doc_is_generated_from_the_enum() {
    let expected = assure::core::codes::Code::catalogue();
    if std::env::var_os("ASSURE_WRITE_DOCS").is_some() {
        std::fs::write("docs/diagnostics.md", &expected).unwrap();
    }
    let on_disk = std::fs::read_to_string("docs/diagnostics.md").unwrap_or_default();
    assert!(
        on_disk == expected,
        "docs/diagnostics.md is stale: run `ASSURE_WRITE_DOCS=1 cargo test --test docs` and commit it"
    );
    for code in assure::core::codes::Code::ALL {
        assert!(code.as_str().starts_with("assure::") && !code.meaning().is_empty());
    }
}
