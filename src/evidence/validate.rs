//! Validating evidence against the pack's dataset schemas before any check runs.
//!
//! Each dataset in `datasets.yaml` may carry a JSON Schema for one record. A record that breaks it becomes a
//! diagnostic naming the file, the line of the offending field and the field; the dataset is then marked with an
//! error, so the checks that read it report *error* (not a misleading pass or fail) while every other check runs.

use super::{Evidence, Record};
use crate::diagnostic::Diagnostic;
use crate::standards::spec::DatasetSpec;
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
            }
        })
        .collect()
}

/// Validates every dataset that has a schema; returns the diagnostics and marks failing datasets.
pub fn validate(evidence: &mut Evidence, datasets: &BTreeMap<String, DatasetSpec>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    for (name, dataset) in &evidence.datasets {
        let Some(schema) = datasets.get(name).and_then(|d| d.schema.as_ref()) else {
            continue;
        };
        let validator = match compile(schema) {
            Ok(v) => v,
            Err(e) => {
                let message = format!("the schema of dataset `{name}` does not compile: {e}");
                diags.push(Diagnostic::error("assure::dataset-schema", message.clone()).in_path("datasets.yaml"));
                errors.push((name.clone(), message));
                continue;
            }
        };
        let bad: Vec<(&Record, Vec<RecordProblem>)> = dataset
            .records
            .par_iter()
            .map(|r| (r, problems(&validator, &r.value)))
            .filter(|(_, p)| !p.is_empty())
            .collect();
        if bad.is_empty() {
            continue;
        }
        let mut shown = 0;
        let mut first = None;
        for (record, record_problems) in &bad {
            for p in record_problems {
                let line = p.field.as_deref().map_or(record.line, |f| record.field_line(f));
                let location = format!("{}:{line}", evidence.file_path(record.file));
                let what = match &p.field {
                    Some(f) => format!("field `{f}`: {}", p.message),
                    None => p.message.clone(),
                };
                first.get_or_insert_with(|| format!("{location}: {what}"));
                if shown < SHOWN_PER_DATASET {
                    diags.push(
                        Diagnostic::error("assure::evidence-schema", format!("dataset `{name}`, {what}"))
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
                    "assure::evidence-schema",
                    format!(
                        "dataset `{name}`: {} more problem(s) not shown",
                        shown - SHOWN_PER_DATASET
                    ),
                )
                .in_path(evidence.file_path(bad[0].0.file).to_string()),
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
