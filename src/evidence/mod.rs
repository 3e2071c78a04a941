//! Evidence: a trust's exports loaded into datasets of records that remember their file and line.
//!
//! [`load`] reads a config repo through its manifest ([`crate::spec::manifest::Manifest`]), finds files safely inside the
//! repo ([`discover`]), parses each format in parallel ([`formats`]) and applies field renames. A problem with
//! one dataset is kept on that [`Dataset`] as its `error`, so only the checks that need it error; the rest run.

pub mod csv_table;
pub mod date_order;
pub mod discover;
pub mod formats;
pub mod json_table;
pub mod load;
pub mod record;
pub mod repo_yaml;
pub mod reviews;
pub mod sshd_include;
pub mod validate;
pub mod waivers;

pub use load::load;
pub use record::{Field, Record};

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Evidence paths of records the standards pack provides start with this, to tell them from a trust's files.
pub const REFERENCE_PREFIX: &str = "pack:";

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub records: Vec<Record>,
    /// Why the dataset cannot be trusted; checks that need it error with this cause.
    pub error: Option<String>,
}

/// A file that was read, for the evidence trail.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EvidenceFile {
    pub path: String,
    pub dataset: String,
    pub sha256: String,
    pub bytes: u64,
    pub records: usize,
    /// For a file read because another includes it (sshd's `Include`): that file and line. Its directives
    /// are counted among the including file's records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub included_from: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Organisation {
    pub name: String,
    pub ods_code: String,
    /// The kind of organisation (`trust`, `icb`, `gp_practice` ...), as the manifest says or the ODS code suggests.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Set when the kind was read from the ODS code rather than stated in the manifest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub type_inferred: bool,
    /// Why the organisation is critical (e.g. a major trauma centre), when the manifest says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
}

#[derive(Debug, Default)]
pub struct Evidence {
    pub organisation: Organisation,
    /// The manifest's default assessment date.
    pub as_of: Option<jiff::civil::Date>,
    pub datasets: BTreeMap<String, Dataset>,
    pub files: Vec<EvidenceFile>,
    /// Parameter overrides: check id -> param -> value.
    pub params: BTreeMap<String, BTreeMap<String, Value>>,
    /// Items the manifest adds to the pack's shared lists: list name -> items.
    pub lists: BTreeMap<String, Vec<Value>>,
    /// Waivers from `waivers.yaml` (applied to results by the assessment).
    pub waivers: Vec<crate::evidence::waivers::Waiver>,
    /// Assessor reviews from `reviews.yaml` (attached to results by the assessment).
    pub reviews: Vec<crate::evidence::reviews::Review>,
    /// The size limits the manifest set (or the defaults), for later reads such as `--baseline`.
    pub limits: crate::core::repo_file::Limits,
    /// The manifest as read, so that a problem with a value it sets (a parameter override, a list addition)
    /// is shown at its line.
    pub manifest: Option<ManifestSource>,
}

/// The manifest's text and where each of its values lies.
#[derive(Debug, Clone)]
pub struct ManifestSource {
    pub file: std::sync::Arc<crate::core::source::SourceFile>,
    pub spans: crate::core::source::SpanMap,
}

impl ManifestSource {
    /// A diagnostic at the value (or, with `on_key`, the key) at `pointer` in assure.yaml.
    pub fn diagnostic(
        source: Option<&ManifestSource>,
        diagnostic: crate::core::diagnostic::Diagnostic,
        pointer: &str,
        on_key: bool,
        label: &str,
    ) -> crate::core::diagnostic::Diagnostic {
        match source {
            Some(m) => {
                let span = if on_key {
                    m.spans.key(pointer)
                } else {
                    m.spans.value(pointer)
                };
                diagnostic.at(&m.file, span, label)
            }
            None => diagnostic.in_path(crate::spec::manifest::MANIFEST),
        }
    }
}

impl Organisation {
    /// The organisation as the manifest names it, its kind read from the ODS code when not stated.
    pub fn from_spec(spec: &crate::spec::manifest::OrganisationSpec) -> Organisation {
        let inferred = crate::spec::manifest::OrganisationType::from_ods(&spec.ods_code);
        Organisation {
            name: spec.name.clone(),
            ods_code: spec.ods_code.clone(),
            kind: spec.kind.or(inferred).map(|k| k.as_str().to_string()),
            type_inferred: spec.kind.is_none() && inferred.is_some(),
            critical: spec.critical.clone(),
        }
    }
}

impl Evidence {
    /// Evidence from inline data (a check's `tests:`): records are numbered from line 1 of a pseudo-file.
    pub fn from_inline(data: &BTreeMap<String, Vec<Value>>) -> Evidence {
        let mut evidence = Evidence::default();
        for (name, records) in data {
            let file = evidence.files.len() as u32;
            evidence.files.push(EvidenceFile {
                path: format!("<test data: {name}>"),
                dataset: name.clone(),
                sha256: String::new(),
                bytes: 0,
                records: records.len(),
                included_from: None,
            });
            let records = records
                .iter()
                .enumerate()
                .map(|(i, v)| Record::from_value(v.clone(), file, i as u32 + 1, Vec::new()))
                .collect();
            evidence.datasets.insert(name.clone(), Dataset { records, error: None });
        }
        evidence
    }

    pub fn file_path(&self, file: u32) -> &str {
        self.files.get(file as usize).map_or("?", |f| f.path.as_str())
    }
}
