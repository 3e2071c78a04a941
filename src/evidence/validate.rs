//! Validating evidence against the pack's dataset schemas before any check runs.
//!
//! Each dataset in `datasets.yaml` may carry a JSON Schema for one record. A record that breaks it becomes a
//! diagnostic naming the file, the line of the offending field and the field; the dataset is then marked with an
//! error, so the checks that read it report *error* (not a misleading pass or fail) while every other check runs.

use super::{Evidence, Field, Record};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::path::ColumnHint;
use crate::spec::DatasetSpec;
use foldhash::HashSet;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Diagnostics shown per dataset; the rest are counted.
const SHOWN_PER_DATASET: usize = 20;

/// One record that breaks its dataset's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordProblem {
    /// Top-level field at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
    /// The offending value as JSON, when the message quotes it (so it can be masked if confidential).
    pub instance: Option<String>,
}

/// A problem's message with the value it quotes replaced when its field is confidential: `[secret]` for a
/// `secret` field, `[personal]` for a `personal` one under `--redact`.
fn masked_message(p: &RecordProblem, spec: Option<&DatasetSpec>, redact: bool) -> String {
    let (Some(field), Some(instance), Some(spec)) = (&p.field, &p.instance, spec) else {
        return p.message.clone();
    };
    let hidden = if spec.secret.contains(field) {
        crate::core::redact::SECRET
    } else if redact && spec.personal.contains(field) {
        "[personal]"
    } else {
        return p.message.clone();
    };
    p.message.replace(instance.as_str(), hidden)
}

/// Compiles a dataset's record schema (no remote references: the validator has no network).
pub fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// Every way `value` breaks the schema, each naming its top-level field.
pub fn problems(validator: &jsonschema::Validator, value: &Value) -> Vec<RecordProblem> {
    // The quick yes/no first: collecting errors walks the whole schema, and almost every record is valid.
    if validator.is_valid(value) {
        return Vec::new();
    }
    validator
        .iter_errors(value)
        .map(|e| {
            let pointer = e.instance_path().to_string();
            let field = match pointer.split('/').nth(1) {
                Some(f) if !f.is_empty() => Some(f.replace("~1", "/").replace("~0", "~")),
                _ => match e.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        property.as_str().map(str::to_string)
                    }
                    _ => None,
                },
            };
            RecordProblem {
                field,
                message: e.to_string(),
                // A missing property's message names the property, not a value.
                instance: (!matches!(e.kind(), jsonschema::error::ValidationErrorKind::Required { .. }))
                    .then(|| e.instance().to_string()),
            }
        })
        .collect()
}

/// A dataset schema compiled for records. A plain object schema (`type: object`, `required`, `properties`) is
/// also split into one validator per property, so a compact record (a CSV row, a JSON array's object) is
/// validated field by field without building a map; that is the same test, since such a schema constrains
/// each field on its own.
struct RecordValidator {
    whole: jsonschema::Validator,
    by_field: Option<FieldValidators>,
}

impl RecordValidator {
    fn new(schema: &Value) -> Result<RecordValidator, String> {
        Ok(RecordValidator {
            whole: compile(schema)?,
            by_field: split(schema),
        })
    }

    /// An empty memo of accepted cells, one per thread.
    fn memo(&self) -> Accepted {
        let fields = self.by_field.as_ref().map_or(0, |(_, p)| p.len());
        vec![HashSet::default(); fields]
    }

    fn problems(&self, record: &Record, accepted: &mut Accepted) -> Vec<RecordProblem> {
        let Some((required, properties)) = self.by_field.as_ref().filter(|_| record.is_compact()) else {
            return problems(&self.whole, &record.value());
        };
        let mut out: Vec<RecordProblem> = required
            .iter()
            .filter(|(name, hint)| !record.has_hinted(name, hint))
            .map(|(name, _)| RecordProblem {
                field: Some(name.clone()),
                message: format!("{} is a required property", Value::String(name.clone())),
                instance: None,
            })
            .collect();
        // CSV cells are non-empty text or null, JSON records' fields any value; one reused string saves an
        // allocation per text.
        let mut text = Value::String(String::new());
        for (i, property) in properties.iter().enumerate() {
            // Every text passes: only an empty cell could fail, and a column with none in this piece has none.
            if property.any_text
                && record.is_row()
                && (property.null_valid || record.always_text_hinted(&property.name, &property.hint))
            {
                continue;
            }
            let memo = accepted.get_mut(i).filter(|_| property.memoised);
            let value = match record.get_hinted(&property.name, &property.hint) {
                None => continue,
                Some(Field::Text(t)) if property.any_text && !t.is_empty() => continue,
                Some(Field::Text(t)) => {
                    if memo.as_ref().is_some_and(|m| m.contains(t)) {
                        continue;
                    }
                    if let Value::String(s) = &mut text {
                        s.clear();
                        s.push_str(t);
                    }
                    &text
                }
                // A JSON record's number, boolean, list or object.
                Some(Field::Json(value)) => value,
                Some(_) if property.null_valid => continue,
                Some(_) => &Value::Null,
            };
            if property.validator.is_valid(value) {
                if let (Some(memo), Value::String(t)) = (memo, value)
                    && memo.len() < MEMO_PER_FIELD
                {
                    memo.insert(t.as_str().into());
                }
                continue;
            }
            out.extend(problems(&property.validator, value).into_iter().map(|p| RecordProblem {
                field: Some(property.name.clone()),
                message: p.message,
                instance: p.instance,
            }));
        }
        out
    }
}

/// Cell texts each property's validator has accepted, per thread (validation is a pure function of the text).
type Accepted = Vec<HashSet<Box<str>>>;

/// Distinct texts remembered per property: enough for dates, scores and severities, which repeat down a large
/// export; an identifier column fills it and is then validated cell by cell, as before.
const MEMO_PER_FIELD: usize = 4096;

/// One property of a plain object schema.
struct Property {
    name: String,
    validator: jsonschema::Validator,
    /// Whether its schema runs a regular expression, a format or alternatives: worth a memo of accepted texts.
    /// A plain type check is cheaper than the lookup.
    memoised: bool,
    /// Whether its schema accepts every non-empty string, which is every text cell: those need no check.
    any_text: bool,
    /// Whether it accepts null, an empty cell (decided once, not per cell).
    null_valid: bool,
    /// Where CSV rows hold it.
    hint: ColumnHint,
}

/// Whether a schema accepts every non-empty string, from its keywords alone: only annotations, a `type` that
/// allows strings and a `minLength` of at most 1. Any other keyword may reject some string, so it says no.
fn accepts_any_text(schema: &Value) -> bool {
    const ANNOTATIONS: [&str; 8] = [
        "description",
        "title",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
    ];
    let map = match schema {
        Value::Bool(accepts) => return *accepts,
        Value::Object(map) => map,
        _ => return false,
    };
    map.iter().all(|(key, value)| match key.as_str() {
        "type" => match value {
            Value::String(t) => t == "string",
            Value::Array(types) => types.iter().any(|t| t == "string"),
            _ => false,
        },
        "minLength" => value.as_u64().is_some_and(|n| n <= 1),
        k => ANNOTATIONS.contains(&k),
    })
}

/// Whether a schema uses a keyword whose check costs more than a hash lookup.
fn costly(schema: &Value) -> bool {
    const COSTLY: [&str; 7] = ["pattern", "format", "anyOf", "oneOf", "allOf", "not", "if"];
    match schema {
        Value::Object(map) => map.iter().any(|(k, v)| COSTLY.contains(&k.as_str()) || costly(v)),
        Value::Array(items) => items.iter().any(costly),
        _ => false,
    }
}

/// The required field names and a validator per property.
type FieldValidators = (Vec<(String, ColumnHint)>, Vec<Property>);

/// Required names and per-property validators of a plain object schema; `None` for any other schema.
fn split(schema: &Value) -> Option<FieldValidators> {
    const PLAIN: [&str; 7] = [
        "type",
        "required",
        "properties",
        "description",
        "title",
        "$schema",
        "$comment",
    ];
    let map = schema.as_object()?;
    if map.keys().any(|k| !PLAIN.contains(&k.as_str())) || map.get("type") != Some(&Value::from("object")) {
        return None;
    }
    let required = match map.get("required") {
        None => Vec::new(),
        Some(Value::Array(names)) => names
            .iter()
            .map(|n| n.as_str().map(|n| (n.to_string(), ColumnHint::default())))
            .collect::<Option<_>>()?,
        Some(_) => return None,
    };
    let mut properties = Vec::new();
    match map.get("properties") {
        None => {}
        Some(Value::Object(props)) => {
            for (name, sub) in props {
                // A property that only compiles within the whole schema (a `$ref` to the root) keeps it whole.
                let Ok(validator) = compile(sub) else { return None };
                properties.push(Property {
                    name: name.clone(),
                    null_valid: validator.is_valid(&Value::Null),
                    validator,
                    memoised: costly(sub),
                    any_text: accepts_any_text(sub),
                    hint: ColumnHint::default(),
                });
            }
        }
        Some(_) => return None,
    }
    Some((required, properties))
}

/// A record and the ways it breaks its dataset's schema.
type BadRecord<'r> = (&'r Record, Vec<RecordProblem>);

/// A dataset with the records that break its schema, or why its schema does not compile.
type CheckedDataset<'e> = (&'e String, &'e super::Dataset, Result<Vec<BadRecord<'e>>, String>);

/// Validates every dataset that has a schema; returns the diagnostics and marks failing datasets. A message
/// about a `secret` field (or, with `redact`, a `personal` one) never quotes its value.
pub fn validate(evidence: &mut Evidence, datasets: &BTreeMap<String, DatasetSpec>, redact: bool) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    // Datasets are validated side by side (compiling a schema is serial work of its own); the diagnostics are
    // then made in dataset order.
    let checked: Vec<CheckedDataset<'_>> = evidence
        .datasets
        .par_iter()
        .filter_map(|(name, dataset)| {
            let schema = datasets.get(name).and_then(|d| d.schema.as_ref())?;
            let bad = RecordValidator::new(schema).map(|validator| {
                dataset
                    .records
                    .par_iter()
                    .map_init(|| validator.memo(), |memo, r| (r, validator.problems(r, memo)))
                    .filter(|(_, p)| !p.is_empty())
                    .collect()
            });
            Some((name, dataset, bad))
        })
        .collect();
    for (name, dataset, bad) in checked {
        let bad = match bad {
            Ok(bad) => bad,
            Err(e) => {
                let message = format!("the schema of dataset `{name}` does not compile: {e}");
                diags.push(Diagnostic::error(Code::DatasetSchema, message.clone()).in_path("datasets.yaml"));
                errors.push((name.clone(), message));
                continue;
            }
        };
        if bad.is_empty() {
            continue;
        }
        let mut shown = 0;
        let mut first = None;
        for (record, record_problems) in &bad {
            for p in record_problems {
                let line = p.field.as_deref().map_or(record.line(), |f| record.field_line(f));
                let location = format!("{}:{line}", evidence.file_path(record.file()));
                let message = masked_message(p, datasets.get(name.as_str()), redact);
                let what = match &p.field {
                    Some(f) => format!("field `{f}`: {message}"),
                    None => message,
                };
                first.get_or_insert_with(|| format!("{location}: {what}"));
                if shown < SHOWN_PER_DATASET {
                    diags.push(
                        Diagnostic::error(Code::EvidenceSchema, format!("dataset `{name}`, {what}"))
                            .in_path(location)
                            .help(format!(
                                "fix the export or map its field names in assure.yaml; `assure schema --dataset {name}` prints what a record must look like"
                            )),
                    );
                }
                shown += 1;
            }
        }
        if shown > SHOWN_PER_DATASET {
            diags.push(
                Diagnostic::error(
                    Code::EvidenceSchema,
                    format!(
                        "dataset `{name}`: {} more problem(s) not shown",
                        shown - SHOWN_PER_DATASET
                    ),
                )
                .in_path(evidence.file_path(bad[0].0.file()).to_string()),
            );
        }
        errors.push((
            name.clone(),
            format!(
                "{} of {} record(s) do not match the `{name}` schema (first: {})",
                bad.len(),
                dataset.records.len(),
                first.unwrap_or_default()
            ),
        ));
    }
    for (name, message) in errors {
        if let Some(d) = evidence.datasets.get_mut(&name)
            && d.error.is_none()
        {
            d.error = Some(message);
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;
    use crate::core::vocab::Format;
    use crate::evidence::formats::{ReadOptions, parse};

    fn rows(text: &str) -> Vec<Record> {
        let opts = ReadOptions {
            format: Format::Csv,
            records: None,
            pattern: None,
            delimiter: b',',
            renames: &BTreeMap::new(),
        };
        parse(&SourceFile::new("v.csv", text), &opts).unwrap()
    }

    #[test]
    fn rows_checked_field_by_field_find_what_the_whole_schema_finds() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["DeviceName", "CveId"],
            "properties": {
                "DeviceName": {"type": ["string", "number"], "minLength": 1},
                "CvssScore": {"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\d+(\\.\\d+)?$"}]},
                "Severity": {"enum": ["High", "Low", null]}
            }
        });
        let validator = RecordValidator::new(&schema).unwrap();
        assert!(validator.by_field.is_some(), "a plain object schema is split by field");
        // Repeated scores go through the memo of accepted texts; a bad one repeated is still reported each time.
        let records = rows(
            "DeviceName,CveId,CvssScore,Severity\nPC1,CVE-1,7.5,High\n,CVE-2,high,Medium\nPC3,CVE-3,,\n\
             PC4,CVE-4,7.5,Low\nPC5,CVE-5,high,Low\n",
        );
        let mut memo = validator.memo();
        let found: Vec<Vec<RecordProblem>> = records.iter().map(|r| validator.problems(r, &mut memo)).collect();
        for (record, by_field) in records.iter().zip(&found) {
            let whole = problems(&validator.whole, &record.to_value());
            let fields = |p: &[RecordProblem]| {
                let mut f: Vec<_> = p.iter().map(|p| (p.field.clone(), p.message.clone())).collect();
                f.sort();
                f
            };
            assert_eq!(fields(by_field), fields(&whole), "line {}", record.line());
        }
        assert!(found[0].is_empty() && found[2].is_empty() && found[3].is_empty());
        assert_eq!(found[1].len(), 3, "{:?}", found[1]);
        assert_eq!(found[4].len(), 1, "{:?}", found[4]);
        assert!(
            memo.iter().any(|accepted| accepted.contains("7.5")),
            "an accepted score is remembered"
        );

        let missing = rows("DeviceName,CvssScore\nPC1,1\n");
        let p = validator.problems(&missing[0], &mut memo);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field.as_deref(), Some("CveId"));
        assert_eq!(p, problems(&validator.whole, &missing[0].to_value()));
    }

    #[test]
    fn json_records_checked_field_by_field_find_what_the_whole_schema_finds_in_its_order() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["deviceName", "id"],
            "properties": {
                "deviceName": {"type": ["string", "number"], "minLength": 1},
                "isEncrypted": {"anyOf": [{"type": ["boolean", "null"]}, {"enum": ["True", "False"]}]},
                "size": {"type": ["number", "null"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "note": {"type": ["string", "null"]}
            }
        });
        let validator = RecordValidator::new(&schema).unwrap();
        let text = r#"{"value": [
            {"id": 1, "deviceName": "PC1", "isEncrypted": true, "size": 5, "tags": ["a"], "note": null},
            {"deviceName": "", "isEncrypted": "yes", "size": "5", "tags": ["a", 2], "note": 3},
            {"id": 3, "deviceName": 7, "isEncrypted": null, "size": null, "tags": [], "note": ""},
            {"isEncrypted": 1, "tags": {}, "note": true}
        ]}"#;
        let opts = ReadOptions {
            format: Format::Json,
            records: None,
            pattern: None,
            delimiter: b',',
            renames: &BTreeMap::new(),
        };
        let records = parse(&SourceFile::new("v.json", text), &opts).unwrap();
        assert!(records.iter().all(Record::is_compact));
        let mut memo = validator.memo();
        for record in &records {
            let by_field = validator.problems(record, &mut memo);
            let whole = problems(&validator.whole, &record.to_value());
            assert_eq!(by_field, whole, "line {}", record.line());
        }
        assert!(validator.problems(&records[0], &mut memo).is_empty());
        assert_eq!(validator.problems(&records[1], &mut memo).len(), 6);
    }

    #[test]
    fn an_empty_cell_is_found_wherever_it_sits_in_the_row() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"DeviceName": {"type": "string", "minLength": 1}, "CveId": {"type": "string"}}
        });
        let validator = RecordValidator::new(&schema).unwrap();
        let (device, cve) = (ColumnHint::default(), ColumnHint::default());
        // Empty as the first cell, as the last, and quoted (a row the csv crate unescapes).
        for text in [
            "DeviceName,CveId\nPC1,CVE-1\n,CVE-2\n",
            "CveId,DeviceName\nCVE-1,PC1\nCVE-2,\n",
            "CveId,DeviceName\nCVE-1,PC1\n\"CVE-2\",\"\"\n",
        ] {
            let records = rows(text);
            let mut memo = validator.memo();
            let found: Vec<_> = records.iter().map(|r| validator.problems(r, &mut memo)).collect();
            assert!(found[0].is_empty(), "{text}");
            assert_eq!(found[1].len(), 1, "{text}: {:?}", found[1]);
            assert_eq!(found[1][0].field.as_deref(), Some("DeviceName"));
            assert!(!records[0].always_text_hinted("DeviceName", &device), "{text}");
            assert!(records[0].always_text_hinted("CveId", &cve), "{text}");
        }
    }

    #[test]
    fn a_schema_said_to_accept_any_text_accepts_every_non_empty_string() {
        let texts = [
            "a",
            "0",
            "-1.5",
            "true",
            "null",
            "2026-01-01",
            " ",
            "\u{e9}t\u{e9}",
            "x\ny",
        ];
        let schemas = [
            serde_json::json!({"type": "string"}),
            serde_json::json!({"type": ["string", "number", "null"], "description": "d", "title": "t"}),
            serde_json::json!({"type": ["string", "number"], "minLength": 1}),
            serde_json::json!({"minLength": 0, "examples": ["a"]}),
            serde_json::json!({}),
            serde_json::json!(true),
        ];
        for schema in &schemas {
            assert!(accepts_any_text(schema), "{schema}");
            let validator = compile(schema).unwrap();
            for t in texts {
                assert!(validator.is_valid(&Value::from(t)), "{schema} rejects {t:?}");
            }
        }
        for schema in [
            serde_json::json!({"type": "number"}),
            serde_json::json!({"type": ["null", "boolean"]}),
            serde_json::json!({"type": "string", "minLength": 2}),
            serde_json::json!({"type": "string", "pattern": "^a"}),
            serde_json::json!({"enum": ["a"]}),
            serde_json::json!({"maxLength": 5}),
            serde_json::json!({"anyOf": [{"type": "string"}]}),
            serde_json::json!(false),
        ] {
            assert!(!accepts_any_text(&schema), "{schema}");
        }
    }

    #[test]
    fn other_schemas_are_checked_whole() {
        let schema = serde_json::json!({"type": "object", "additionalProperties": false, "properties": {"a": {}}});
        let validator = RecordValidator::new(&schema).unwrap();
        assert!(validator.by_field.is_none());
        assert_eq!(
            validator.problems(&rows("a,b\n1,2\n")[0], &mut validator.memo()).len(),
            1
        );
    }
}
