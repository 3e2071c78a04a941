//! Lint rule `assure::last-day`: a field that names the last day of something (declared `last_day` in
//! datasets.yaml: an end of support, a contract's end, a certificate's expiry) is still good on that day, so it
//! is compared with the assessment date by `ge` (still in force) or `lt` (ended). `gt: as_of` fails a system on
//! its last day of support, and `le: as_of` calls it ended a day early: both are warnings at the comparison.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::pack::checks::CheckDef;
use crate::spec::{ConditionSpec, DatasetSpec};
use serde_json::Value;
use std::collections::BTreeMap;

pub const CODE: Code = Code::LastDay;

/// Warnings for every comparison of a last-day field with the assessment date by `gt` or `le`.
pub fn warnings(def: &CheckDef, datasets: Option<&BTreeMap<String, DatasetSpec>>) -> Vec<Diagnostic> {
    let Some(datasets) = datasets else {
        return Vec::new();
    };
    let spec = &def.spec;
    // The dataset a field path reads: a lookup's when it starts with the lookup's name.
    let last_day = |dataset: &str, path: &str| -> Option<String> {
        let (dataset, field) = match path.split_once('.') {
            Some((head, rest)) => match spec.lookup.iter().find(|l| l.alias == head) {
                Some(l) => (l.dataset.as_str(), rest),
                None => (dataset, path),
            },
            None => (dataset, path),
        };
        datasets
            .get(dataset)
            .filter(|d| d.last_day.iter().any(|f| f == field))
            .map(|_| format!("{dataset}.{field}"))
    };
    let mut sites: Vec<(&ConditionSpec, String, &str)> = Vec::new();
    if let Some(w) = &spec.where_ {
        walk(w, format!("{}/where", def.pointer), &spec.dataset, &mut sites);
    }
    if let Some(a) = &spec.assert {
        walk(a, format!("{}/assert", def.pointer), &spec.dataset, &mut sites);
    }
    for (i, l) in spec.lookup.iter().enumerate() {
        if let Some(w) = &l.where_ {
            walk(w, format!("{}/lookup/{i}/where", def.pointer), &l.dataset, &mut sites);
        }
    }
    let mut out = Vec::new();
    for (leaf, ptr, dataset) in sites {
        let Some(field) = leaf.field.as_deref() else {
            continue;
        };
        if leaf.minus.is_some() {
            continue;
        }
        let Some(named) = last_day(dataset, field) else {
            continue;
        };
        for (op, better) in [("gt", "ge"), ("le", "lt")] {
            let Some(Value::String(v)) = leaf.ops.get(op) else {
                continue;
            };
            // Offsets (`as_of + 180d`) ask a different question (within a horizon), so only `as_of` itself counts.
            if v.trim() != "as_of" {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    CODE,
                    format!(
                        "{}: `{field}` ({named}) names a last day, which is still good on that day, but `{op}: {v}` \
                         treats it as over",
                        spec.id
                    ),
                )
                .at(&def.file, def.spans.value(&format!("{ptr}/{op}")), "off by one day")
                .help(format!(
                    "compare with `{better}: {v}` (see docs/check-language.md, \"Dates, windows and clocks\")"
                )),
            );
        }
    }
    out
}

fn walk<'s>(c: &'s ConditionSpec, ptr: String, dataset: &'s str, out: &mut Vec<(&'s ConditionSpec, String, &'s str)>) {
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        for (i, item) in list.iter().flatten().enumerate() {
            walk(item, format!("{ptr}/{name}/{i}"), dataset, out);
        }
    }
    if let Some(n) = &c.not {
        walk(n, format!("{ptr}/not"), dataset, out);
    }
    if c.field.is_some() {
        out.push((c, ptr, dataset));
    }
}
