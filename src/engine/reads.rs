//! The fields a check reads, checked against the evidence before the check runs.
//!
//! A field that no record of its dataset has (a column the export lacks) would otherwise turn a check "not
//! applicable" (a `where` selecting nothing) or fail every record (an `assert` on a missing value), and a
//! field whose every value cannot be read as its type (US dates where dates were expected) would fail every
//! record. Both are errors naming the field, the dataset and what the export does have. A field the dataset
//! declares `optional` in datasets.yaml may be absent. Each scan stops at the first record that answers, so a
//! well-formed export costs one lookup per field.

use super::check::{Check, Condition, Leaf};
use super::error::EvalError;
use super::types::{convert, scalar_text};
use crate::core::path::{FieldPath, Segment};
use crate::core::vocab::ValueType;
use crate::evidence::{Evidence, Record};

/// One field a check reads: which dataset holds it, its top-level name, and the type it is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldUse {
    pub dataset: String,
    pub field: String,
    /// Set when a single value is converted (not text): every non-empty value failing is an error.
    pub ty: Option<ValueType>,
}

/// Every field the check reads, deduplicated, in a stable order.
pub fn uses(check: &Check) -> Vec<FieldUse> {
    let mut out = Vec::new();
    let alias_dataset = |path: &FieldPath| -> (String, usize) {
        if let Some(Segment::Key(head)) = path.segments.first()
            && let Some(l) = check.lookups.iter().find(|l| &l.alias == head)
        {
            return (l.dataset.clone(), 1);
        }
        (check.dataset.clone(), 0)
    };
    let mut add = |dataset: String, path: &FieldPath, skip: usize, ty: Option<ValueType>| {
        let Some(Segment::Key(name)) = path.segments.get(skip) else {
            return;
        };
        if name == "_file" || name == "_line" {
            return;
        }
        // A type is checked only where one plain value is converted.
        let single = path.segments.len() == skip + 1;
        let ty = ty.filter(|t| single && *t != ValueType::String);
        out.push(FieldUse {
            dataset,
            field: name.clone(),
            ty,
        });
    };
    let mut conditions: Vec<(&Condition, Option<&str>)> = Vec::new();
    conditions.extend(check.where_.iter().map(|c| (c, None)));
    conditions.extend(check.assert.iter().map(|c| (c, None)));
    for l in &check.lookups {
        for (mine, theirs) in &l.on {
            let (d, skip) = alias_dataset(mine);
            add(d, mine, skip, None);
            add(l.dataset.clone(), theirs, 0, None);
        }
        if let Some((mine, theirs)) = &l.version_prefix {
            let (d, skip) = alias_dataset(mine);
            add(d, mine, skip, None);
            add(l.dataset.clone(), theirs, 0, None);
        }
        if let Some(latest) = &l.latest {
            add(l.dataset.clone(), latest, 0, None);
        }
        conditions.extend(l.where_.iter().map(|c| (c, Some(l.dataset.as_str()))));
    }
    for s in &check.sets {
        add(s.dataset.clone(), &s.field, 0, None);
        conditions.extend(s.where_.iter().map(|c| (c, Some(s.dataset.as_str()))));
    }
    let mut leaves: Vec<(&Leaf, Option<&str>)> = Vec::new();
    for (c, dataset) in conditions {
        collect(c, dataset, &mut leaves);
    }
    for (leaf, dataset) in leaves {
        let typed = (leaf.quantifier.is_none() && leaf.minus.is_none()).then_some(leaf.ty);
        for path in std::iter::once(&leaf.field).chain(leaf.minus.as_ref()) {
            let ty = if leaf.minus.is_some() {
                Some(ValueType::Datetime)
            } else {
                typed
            };
            match dataset {
                Some(d) => add(d.to_string(), path, 0, ty),
                None => {
                    let (d, skip) = alias_dataset(path);
                    add(d, path, skip, ty);
                }
            }
        }
    }
    if let Some(d) = &check.deadline {
        let ty = Some(if d.dates { ValueType::Date } else { ValueType::Datetime });
        for path in std::iter::once(&d.from).chain(d.done.as_ref()) {
            let (dataset, skip) = alias_dataset(path);
            add(dataset, path, skip, ty);
        }
    }
    for agg in [&check.expect.min, &check.expect.max].into_iter().flatten() {
        let (dataset, skip) = alias_dataset(&agg.field);
        add(dataset, &agg.field, skip, Some(agg.ty));
    }
    // Typed uses first within a field, so the dedup keeps the type.
    out.sort_by(|a, b| (&a.dataset, &a.field, a.ty.is_none()).cmp(&(&b.dataset, &b.field, b.ty.is_none())));
    out.dedup_by(|later, earlier| later.dataset == earlier.dataset && later.field == earlier.field);
    out
}

fn collect<'c>(c: &'c Condition, dataset: Option<&'c str>, out: &mut Vec<(&'c Leaf, Option<&'c str>)>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| collect(c, dataset, out)),
        Condition::Not(c) => collect(c, dataset, out),
        Condition::Expr(_) => {}
        Condition::Leaf(leaf) => out.push((leaf, dataset)),
    }
}

/// `Err` naming the first field the evidence cannot give the check: absent from every record of a non-empty
/// dataset, or present but never readable as its type.
pub fn check_reads(check: &Check, evidence: &Evidence) -> Result<(), EvalError> {
    for u in uses(check) {
        let Some(dataset) = evidence.datasets.get(&u.dataset) else {
            continue;
        };
        let records = &dataset.records;
        if records.is_empty() || check.optional.contains(&(u.dataset.clone(), u.field.clone())) {
            continue;
        }
        if !records.iter().any(|r| r.get(&u.field).is_some()) {
            return Err(absent(&u, records, evidence));
        }
        if let Some(ty) = u.ty {
            unreadable(&u, ty, records, evidence, check)?;
        }
    }
    Ok(())
}

fn absent(u: &FieldUse, records: &[Record], evidence: &Evidence) -> EvalError {
    let mut files: Vec<String> = records
        .iter()
        .map(|r| evidence.file_path(r.file()).to_string())
        .collect();
    files.dedup();
    files.truncate(3);
    EvalError::FieldInNoRecord {
        field: u.field.clone(),
        dataset: u.dataset.clone(),
        records: records.len(),
        files,
        columns: records[0].fields().iter().map(|(k, _)| k.to_string()).collect(),
    }
}

fn unreadable(
    u: &FieldUse,
    ty: ValueType,
    records: &[Record],
    evidence: &Evidence,
    check: &Check,
) -> Result<(), EvalError> {
    let mut example: Option<(String, &Record)> = None;
    for r in records {
        let Some(v) = r.get(&u.field).filter(|v| !v.is_null()) else {
            continue;
        };
        let text = scalar_text(v).map(|t| t.trim().to_string());
        if text.as_deref() == Some("") {
            continue;
        }
        if convert(v, ty, false).is_ok() {
            return Ok(());
        }
        if example.is_none() {
            example = Some((text.unwrap_or_else(|| v.to_value().to_string()), r));
        }
    }
    let Some((value, r)) = example else {
        return Ok(());
    };
    // The example is the export's own value: a secret one is never shown, a personal one not under --redact.
    let value = super::confidential::masked(check, &u.dataset, &u.field, &value).unwrap_or(value);
    Err(EvalError::FieldUnreadable {
        field: u.field.clone(),
        dataset: u.dataset.clone(),
        ty,
        us_dates: matches!(ty, ValueType::Date | ValueType::Datetime) && looks_us(&value),
        example: value,
        file: evidence.file_path(r.file()).to_string(),
        line: r.line(),
    })
}

/// `4/13/2021 9:00:00 AM`: a slashed date followed by a 12-hour clock.
fn looks_us(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    text.contains('/') && (upper.ends_with(" AM") || upper.ends_with(" PM"))
}
