//! Comparing two versions of a standards pack: which checks were added, removed (and where they went), and
//! which changed, field by field, telling a change in meaning (conditions, thresholds, severity, dataset) from a
//! change in wording. A change in meaning must come with a bumped check `version`.

use super::load::Pack;
use crate::spec::CheckSpec;
use serde::Serialize;
use serde_json::Value;

/// Fields whose change alters what a check decides.
const MEANING: [&str; 9] = [
    "dataset",
    "key",
    "lookup",
    "where",
    "assert",
    "expect",
    "when_empty",
    "params",
    "severity",
];
/// Fields whose change alters how results are reported or mapped, but not the decision.
const PRESENTATION: [&str; 6] = ["title", "rationale", "references", "maps", "message", "remediation"];

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldChange {
    /// JSON pointer inside the check, e.g. `/params/threshold/default`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// Whether the change alters what the check decides.
    pub meaning: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckChange {
    pub id: String,
    pub old_version: u32,
    pub new_version: u32,
    pub changes: Vec<FieldChange>,
}

impl CheckChange {
    pub fn changes_meaning(&self) -> bool {
        self.changes.iter().any(|c| c.meaning)
    }
    /// A change in meaning without a version bump.
    pub fn unversioned(&self) -> bool {
        self.changes_meaning() && self.new_version <= self.old_version
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub id: String,
    /// The check that replaces it, from the new pack's `migrations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the new pack's `migrations` account for it.
    pub migrated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackDiff {
    pub old: String,
    pub new: String,
    pub added: Vec<String>,
    pub removed: Vec<Removed>,
    pub changed: Vec<CheckChange>,
}

/// Leaf-level differences between two JSON values, as pointers.
fn diff_values(path: &str, old: Option<&Value>, new: Option<&Value>, meaning: bool, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = crate::core::source::pointer_push(path, k);
                diff_values(&p, a.get(k), b.get(k), meaning, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(FieldChange {
            path: path.to_string(),
            old: a.cloned(),
            new: b.cloned(),
            meaning,
        }),
    }
}

fn spec_value(spec: &CheckSpec) -> Value {
    let mut v = serde_json::to_value(spec).unwrap_or(Value::Null);
    // Absent and empty mean the same: drop nulls and empty collections so they do not show as changes.
    if let Value::Object(map) = &mut v {
        map.retain(|_, x| {
            !(x.is_null()
                || x.as_array().is_some_and(Vec::is_empty)
                || x.as_object().is_some_and(serde_json::Map::is_empty))
        });
    }
    v
}

/// Field-level changes of one check between two versions.
pub fn check_changes(old: &CheckSpec, new: &CheckSpec) -> Vec<FieldChange> {
    let (a, b) = (spec_value(old), spec_value(new));
    let mut out = Vec::new();
    for (fields, meaning) in [(&MEANING[..], true), (&PRESENTATION[..], false)] {
        for f in fields {
            diff_values(&format!("/{f}"), a.get(*f), b.get(*f), meaning, &mut out);
        }
    }
    out
}

pub fn diff(old: &Pack, new: &Pack) -> PackDiff {
    let added = new
        .checks
        .iter()
        .filter(|c| old.check(&c.spec.id).is_none())
        .map(|c| c.spec.id.clone())
        .collect();
    let removed = old
        .checks
        .iter()
        .filter(|c| new.check(&c.spec.id).is_none())
        .map(|c| {
            let m = new.meta.migrations.iter().find(|m| m.from == c.spec.id);
            Removed {
                id: c.spec.id.clone(),
                replaced_by: m.and_then(|m| m.to.clone()),
                note: m.and_then(|m| m.note.clone()),
                migrated: m.is_some(),
            }
        })
        .collect();
    let changed = new
        .checks
        .iter()
        .filter_map(|c| {
            let before = old.check(&c.spec.id)?;
            let changes = check_changes(&before.spec, &c.spec);
            (!changes.is_empty()).then(|| CheckChange {
                id: c.spec.id.clone(),
                old_version: before.spec.version.unwrap_or(1),
                new_version: c.spec.version.unwrap_or(1),
                changes,
            })
        })
        .collect();
    PackDiff {
        old: format!("{} {}", old.meta.name, old.meta.version),
        new: format!("{} {}", new.meta.name, new.meta.version),
        added,
        removed,
        changed,
    }
}

/// The id a check of an older pack has in `pack`, following its migrations (None when retired or unknown).
pub fn current_id<'a>(pack: &'a Pack, id: &'a str) -> Option<&'a str> {
    if pack.check(id).is_some() {
        return Some(id);
    }
    let mut id = id;
    for _ in 0..pack.meta.migrations.len() {
        let m = pack.meta.migrations.iter().find(|m| m.from == id)?;
        id = m.to.as_deref()?;
        if pack.check(id).is_some() {
            return Some(id);
        }
    }
    None
}
