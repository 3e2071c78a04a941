//! The pack's reference records (`reference/*.yaml`, e.g. the OS lifecycle table), and how they join a repo's
//! evidence: a trust's own records of the dataset first, then the pack's.

use crate::evidence::{Evidence, EvidenceFile, REFERENCE_PREFIX, Record};
use crate::spec::ReferenceSpec;
use serde_json::Value;
use std::collections::BTreeMap;

/// Records the pack provides for a dataset (`reference/*.yaml`), each with its line.
pub struct Reference {
    pub spec: ReferenceSpec,
    /// Path inside the pack, e.g. `reference/os_lifecycle.yaml`.
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub records: Vec<(Value, u32)>,
}

/// Adds the pack's reference records (`reference/*.yaml`) to their datasets. A trust's own records of the
/// dataset come first, so a lookup finds the trust's entry before the pack's; `replace_given` keeps a
/// dataset the caller supplied untouched (inline tests stay hermetic).
pub fn add_to(evidence: &mut Evidence, references: &BTreeMap<String, Reference>, replace_given: bool) {
    for (name, reference) in references {
        if replace_given && evidence.datasets.contains_key(name) {
            continue;
        }
        let file = evidence.files.len() as u32;
        evidence.files.push(EvidenceFile {
            path: format!("{REFERENCE_PREFIX}{}", reference.file),
            dataset: name.clone(),
            sha256: reference.sha256.clone(),
            bytes: reference.bytes,
            records: reference.records.len(),
            included_from: None,
        });
        let dataset = evidence.datasets.entry(name.clone()).or_default();
        dataset.records.extend(
            reference
                .records
                .iter()
                .map(|(value, line)| Record::from_value(value.clone(), file, *line, Vec::new())),
        );
    }
}
