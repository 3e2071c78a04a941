//! Lint for the records of inline tests: each must satisfy its dataset's schema (`datasets.yaml`), as the
//! evidence it stands for would have to, and a date written `YYYY-MM-DD` must be a day of the calendar. A test
//! whose data no real export could hold proves nothing, so each mistake is an error at the record's field.

use crate::core::codes::Code;
use crate::pack::compile::Problem;
use crate::spec::{CheckSpec, DatasetSpec};
use serde_json::Value;
use std::collections::BTreeMap;

/// The dataset schemas compiled once per pack load, by dataset name (datasets without a schema are absent).
pub struct Validators(BTreeMap<String, jsonschema::Validator>);

impl Validators {
    pub fn new(datasets: Option<&BTreeMap<String, DatasetSpec>>) -> Validators {
        Validators(
            datasets
                .into_iter()
                .flatten()
                .filter_map(|(name, d)| {
                    let v = crate::evidence::validate::compile(d.schema.as_ref()?).ok()?;
                    Some((name.clone(), v))
                })
                .collect(),
        )
    }
}

/// Problems with the inline test records of `spec` (whose pointer is `base`).
pub fn problems(spec: &CheckSpec, base: &str, validators: &Validators) -> Vec<Problem> {
    let mut out = Vec::new();
    for (t, test) in spec.tests.iter().enumerate() {
        for (dataset, records) in &test.data {
            let validator = validators.0.get(dataset);
            for (i, record) in records.iter().enumerate() {
                let at = format!("{base}/tests/{t}/data/{dataset}/{i}");
                let fields = record.as_object();
                let pointer = |field: Option<&str>| match field {
                    Some(f) if fields.is_some_and(|m| m.contains_key(f)) => format!("{at}/{}", escape(f)),
                    _ => at.clone(),
                };
                let mut bad_fields: Vec<String> = Vec::new();
                if let Some(m) = fields {
                    for (field, value) in m {
                        if let Some(why) = not_a_date(value) {
                            bad_fields.push(field.clone());
                            out.push(problem(
                                pointer(Some(field)),
                                format!("test record field `{field}`: {why}"),
                                None,
                            ));
                        }
                    }
                }
                for p in validator
                    .iter()
                    .flat_map(|v| crate::evidence::validate::problems(v, record))
                {
                    // A field already reported (an impossible date) is not reported again by the schema.
                    if p.field.as_ref().is_some_and(|f| bad_fields.contains(f)) {
                        continue;
                    }
                    out.push(problem(
                        pointer(p.field.as_deref()),
                        format!("test record does not match the `{dataset}` schema: {}", p.message),
                        Some(format!(
                            "write the record as the export would hold it; `assure schema --dataset {dataset}` shows the shape"
                        )),
                    ));
                }
            }
        }
    }
    out
}

fn problem(pointer: String, message: String, help: Option<String>) -> Problem {
    Problem {
        code: Code::TestData,
        pointer,
        message,
        help,
        on_key: false,
        in_manifest: false,
    }
}

/// JSON-pointer escaping of one key.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Why a text that is written as an ISO date (`YYYY-MM-DD`, alone or before a time) is not one.
fn not_a_date(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    let b = text.as_bytes();
    let shaped = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '));
    if !shaped {
        return None;
    }
    let day = &text[..10];
    match day.parse::<jiff::civil::Date>() {
        Ok(_) => None,
        Err(_) => Some(format!("`{day}` is not a date of the calendar")),
    }
}

#[cfg(test)]
mod tests {
    use super::not_a_date;
    use serde_json::json;

    #[test]
    fn only_iso_shaped_texts_are_judged_as_dates() {
        assert!(not_a_date(&json!("2026-02-30")).is_some());
        assert!(not_a_date(&json!("2026-13-01T10:00:00Z")).is_some());
        assert!(not_a_date(&json!("2026-02-28")).is_none());
        assert!(not_a_date(&json!("2024-02-29 09:00")).is_none());
        assert!(not_a_date(&json!("NSH-2026-02-30")).is_none());
        assert!(not_a_date(&json!(20260230)).is_none());
    }
}
