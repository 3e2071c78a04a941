//! Loading a standards directory into a [`Pack`], reporting **all** problems at once.
//!
//! Each YAML file is parsed with spans, validated against its JSON Schema, deserialized check by check (a broken
//! check does not hide problems in the next one) and then checked semantically: unique ids, known datasets and
//! framework ids, compilable conditions, typed and bounded parameters, and well-formed inline tests.

use super::checks::{CheckDef, label_for};
use super::compile::{CompileInput, Problem, compile};
use super::files::{built_in_fingerprint, fingerprint, is_yaml, pack_yaml};
use super::frameworks::Framework;
use super::references::Reference;
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::hash::hex;
use crate::core::source::{SourceFile, SpanMap, decode_text};
use crate::core::suggest::did_you_mean;
use crate::core::yaml;
use crate::engine::Check;
use crate::evidence::ManifestSource;
use crate::spec::schema::{Kind, Violation, validate};
use crate::spec::*;
use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Assessment date used when linting (any date works: values are only parsed).
pub const LINT_AS_OF: &str = "2026-01-01T00:00:00Z";

pub struct Standard {
    pub spec: StandardSpec,
    pub file: Arc<SourceFile>,
}

/// A standards pack as loaded: its metadata, datasets, frameworks, standards and checks.
pub struct Pack {
    pub meta: PackSpec,
    pub sha256: String,
    pub datasets: BTreeMap<String, DatasetSpec>,
    pub frameworks: BTreeMap<String, Framework>,
    pub standards: Vec<Standard>,
    pub checks: Vec<CheckDef>,
    /// Export presets by id.
    pub presets: BTreeMap<String, PresetSpec>,
    /// Reference records by dataset.
    pub references: BTreeMap<String, Reference>,
}

impl Pack {
    pub fn check(&self, id: &str) -> Option<&CheckDef> {
        self.checks.iter().find(|c| c.spec.id == id)
    }

    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.spec.id == id)
    }

    /// Compiles every check with the manifest's parameter overrides and the assessment date.
    /// A check that fails to compile (e.g. an out-of-bounds override) comes back as diagnostics.
    /// The pack's shared lists, each with `additions` (a manifest's `lists:`) appended; a name the pack does
    /// not have is an error.
    pub fn lists_with(
        &self,
        additions: &BTreeMap<String, Vec<Value>>,
        manifest: Option<&ManifestSource>,
    ) -> (BTreeMap<String, Vec<Value>>, Vec<Diagnostic>) {
        let mut lists: BTreeMap<String, Vec<Value>> = self
            .meta
            .lists
            .iter()
            .map(|(name, l)| (name.clone(), l.items.clone()))
            .collect();
        let mut diagnostics = Vec::new();
        for (name, items) in additions {
            match lists.get_mut(name) {
                Some(list) => list.extend(items.iter().filter(|i| !list_has(list, i)).cloned().collect::<Vec<_>>()),
                None => {
                    let known = lists.keys().cloned().collect::<Vec<_>>().join(", ");
                    let d = Diagnostic::error(
                        Code::UnknownList,
                        format!("assure.yaml adds to list `{name}`, which the pack does not have"),
                    )
                    .help(match did_you_mean(name, lists.keys().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`? The pack's lists are: {known}"),
                        None => format!("the pack's lists are: {known}"),
                    });
                    let at = crate::core::source::pointer_push("/lists", name);
                    diagnostics.push(ManifestSource::diagnostic(
                        manifest,
                        d,
                        &at,
                        true,
                        "not a list of the pack",
                    ));
                }
            }
        }
        (lists, diagnostics)
    }

    /// Compiles every check with the manifest's parameter `overrides` and list `additions`; a problem with
    /// what the manifest set is shown at its line in `manifest`.
    pub fn compile_all(
        &self,
        overrides: &BTreeMap<String, BTreeMap<String, Value>>,
        additions: &BTreeMap<String, Vec<Value>>,
        manifest: Option<&ManifestSource>,
        as_of: jiff::Timestamp,
    ) -> (Vec<Check>, Vec<Diagnostic>) {
        let mut checks = Vec::new();
        let (lists, mut diagnostics) = self.lists_with(additions, manifest);
        for def in &self.checks {
            match compile(CompileInput {
                spec: &def.spec,
                standard: &def.standard,
                pointer: &def.pointer,
                datasets: Some(&self.datasets),
                overrides: overrides.get(&def.spec.id),
                lists: Some(&lists),
                as_of,
            }) {
                Ok(c) => checks.push(c),
                Err(problems) => {
                    let (set, defined): (Vec<Problem>, Vec<Problem>) =
                        problems.into_iter().partition(|p| p.in_manifest);
                    diagnostics.extend(def.diagnostics(defined));
                    diagnostics.extend(set.into_iter().map(|p| {
                        // The message names the check and what the manifest set.
                        let mut d = Diagnostic::error(p.code, p.message);
                        if let Some(h) = p.help {
                            d = d.help(h);
                        }
                        let label = if p.on_key {
                            "not a parameter of the check"
                        } else {
                            label_for(p.code)
                        };
                        ManifestSource::diagnostic(manifest, d, &p.pointer, p.on_key, label)
                    }));
                }
            }
        }
        (checks, diagnostics)
    }
}

/// Whether a list already holds an item, text compared case-insensitively.
fn list_has(list: &[Value], item: &Value) -> bool {
    list.iter().any(|l| match (l, item) {
        (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (a, b) => a == b,
    })
}

/// A parsed pack file: its source, document, kind and schema violations.
type Parsed = (Arc<SourceFile>, yaml::Spanned, Kind, Vec<Violation>);

/// What a pack file holds, from where it sits in the pack.
fn kind_of(name: &str) -> Kind {
    if name == "pack.yaml" {
        Kind::Pack
    } else if name == "datasets.yaml" {
        Kind::Datasets
    } else if name.starts_with("frameworks/") {
        Kind::Framework
    } else if name.starts_with("presets/") {
        Kind::Preset
    } else if name.starts_with("reference/") {
        Kind::Reference
    } else {
        Kind::Standard
    }
}

/// The presets among a pack's files, read on their own so evidence can be loaded while the rest of the pack is.
/// A file that does not parse is left out: loading the whole pack reports it, and a run stops there.
pub fn presets(files: &[(String, Vec<u8>)]) -> crate::evidence::load::Presets {
    let mut out = BTreeMap::new();
    let mut names: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| kind_of(name) == Kind::Preset && is_yaml(name))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, bytes) in names {
        let Ok(text) = decode_text(bytes.clone()) else { continue };
        let Ok(doc) = yaml::parse(&text, 0) else { continue };
        if let Ok(file) = serde_json::from_value::<PresetFile>(doc.value) {
            out.entry(file.preset.id.clone()).or_insert(file.preset);
        }
    }
    out
}

/// Loads a pack from its files, every file checked against its schema. Returns the pack (with broken checks left
/// out) and every diagnostic.
pub fn load_files(files: Vec<(String, Vec<u8>)>) -> (Pack, Vec<Diagnostic>) {
    load(files, false)
}

/// [`load_files`] for a run. Files that are byte for byte the built-in pack skip the schema checks, which the
/// test suite holds that pack to (`tests/docs.rs` loads it with [`load_files`] and expects no diagnostic):
/// compiling the schemas and checking the files against them was a third of the cost of loading it, paid by
/// every run.
pub fn load_files_for_run(files: Vec<(String, Vec<u8>)>) -> (Pack, Vec<Diagnostic>) {
    load(files, true)
}

fn load(mut files: Vec<(String, Vec<u8>)>, for_run: bool) -> (Pack, Vec<Diagnostic>) {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut diags = Vec::new();
    let yaml_files = pack_yaml(&files);
    let sha256 = fingerprint(&yaml_files);
    let schemas_hold = for_run && sha256 == built_in_fingerprint();
    // Files are parsed and checked against their schema in parallel; the rest of loading is in name order.
    let parsed: Vec<Result<Parsed, Diagnostic>> = yaml_files
        .par_iter()
        .map(|(name, bytes)| {
            let text =
                decode_text(bytes.clone()).map_err(|e| Diagnostic::error(Code::Encoding, e).in_path(name.clone()))?;
            let file = SourceFile::new(name.clone(), text);
            let doc = yaml::parse(&file.text, usize::MAX).map_err(|e| {
                Diagnostic::error(Code::Yaml, format!("invalid YAML: {}", e.message)).at(&file, Some(e.span), "here")
            })?;
            let kind = kind_of(name);
            let violations = if schemas_hold {
                Vec::new()
            } else {
                validate(kind, &doc.value)
            };
            Ok((file, doc, kind, violations))
        })
        .collect();
    let parsed: Vec<Parsed> = parsed
        .into_iter()
        .filter_map(|p| p.map_err(|d| diags.push(d)).ok())
        .collect();

    let mut meta = None;
    let mut datasets: Option<BTreeMap<String, DatasetSpec>> = None;
    let mut frameworks = BTreeMap::new();
    let mut standard_docs = Vec::new();
    let mut preset_docs = Vec::new();
    let mut reference_docs = Vec::new();
    let mut pack_site: Option<(Arc<SourceFile>, SpanMap)> = None;
    // (framework, requirement, file, span) for the coverage rule.
    let mut requirement_sites = Vec::new();
    for (file, doc, kind, violations) in parsed {
        push_violations(&mut diags, &file, &doc.spans, &violations);
        match kind {
            Kind::Pack if violations.is_empty() => {
                meta = deserialize::<PackSpec>(&doc.value, &file, &mut diags);
                pack_site = Some((file.clone(), doc.spans.clone()));
            }
            Kind::Datasets if violations.is_empty() => {
                datasets = deserialize::<DatasetsFile>(&doc.value, &file, &mut diags).map(|d| d.datasets);
                for (name, spec) in datasets.iter().flatten() {
                    if let Some(Err(e)) = spec
                        .schema
                        .as_ref()
                        .filter(|_| !schemas_hold)
                        .map(crate::evidence::validate::compile)
                    {
                        diags.push(
                            Diagnostic::error(
                                Code::DatasetSchema,
                                format!("the record schema of `{name}` is not a valid JSON Schema: {e}"),
                            )
                            .at(
                                &file,
                                doc.spans.value(&format!("/datasets/{name}/schema")),
                                "here",
                            ),
                        );
                    }
                }
            }
            Kind::Framework if violations.is_empty() => {
                if let Some(f) = deserialize::<FrameworkFile>(&doc.value, &file, &mut diags) {
                    super::frameworks::add(
                        f,
                        &file,
                        &doc.spans,
                        &mut frameworks,
                        &mut requirement_sites,
                        &mut diags,
                    );
                }
            }
            Kind::Standard => standard_docs.push((file, doc, violations)),
            Kind::Preset if violations.is_empty() => {
                if let Some(p) = deserialize::<PresetFile>(&doc.value, &file, &mut diags) {
                    preset_docs.push((file, doc.spans, p.preset));
                }
            }
            Kind::Reference if violations.is_empty() => {
                if let Some(r) = deserialize::<ReferenceFile>(&doc.value, &file, &mut diags) {
                    reference_docs.push((file, doc.spans, r));
                }
            }
            _ => {}
        }
    }
    if meta.is_none() && !diags.iter().any(|d| d.path.as_deref() == Some("pack.yaml")) {
        diags.push(
            Diagnostic::error(Code::NoPack, "the standards directory has no pack.yaml")
                .help("add pack.yaml with `name`, `title` and `version`"),
        );
    }

    let mut presets = BTreeMap::new();
    for (file, spans, p) in preset_docs {
        if let Some(known) = &datasets
            && !known.contains_key(&p.dataset)
        {
            diags.push(
                Diagnostic::error(
                    Code::UnknownDataset,
                    format!("preset `{}` names unknown dataset `{}`", p.id, p.dataset),
                )
                .at(&file, spans.value("/preset/dataset"), "not a known dataset"),
            );
            continue;
        }
        if presets.contains_key(&p.id) {
            diags.push(
                Diagnostic::error(Code::DuplicateId, format!("preset `{}` is defined twice", p.id)).at(
                    &file,
                    spans.value("/preset/id"),
                    "duplicate",
                ),
            );
            continue;
        }
        presets.insert(p.id.clone(), p);
    }

    let references = load_references(reference_docs, &files, datasets.as_ref(), !schemas_hold, &mut diags);

    let pack_lists: BTreeMap<String, Vec<Value>> = meta
        .as_ref()
        .map(|m| m.lists.iter().map(|(k, l)| (k.clone(), l.items.clone())).collect())
        .unwrap_or_default();
    let super::checks::Read {
        mut standards,
        mut checks,
        check_ids,
        mapped,
    } = super::checks::read(
        standard_docs,
        &super::checks::Context {
            datasets: datasets.as_ref(),
            frameworks: &frameworks,
            lists: &pack_lists,
            // The built-in pack's inline tests were checked when it was built, like its schemas.
            check_tests: !schemas_hold,
        },
        &mut diags,
    );
    let is_check = |id: &str| check_ids.contains_key(id);
    diags.extend(super::rules::exception_registers::warnings(datasets.as_ref(), is_check));
    diags.extend(super::rules::coverage::warnings(
        requirement_sites,
        &frameworks,
        &mapped,
    ));
    if let (Some(m), Some((file, spans))) = (&meta, &pack_site) {
        diags.extend(super::rules::migrations::problems(m, file, spans, is_check));
        diags.extend(super::rules::changelog::warnings(m, file, spans));
    }
    standards.sort_by(|a, b| (a.spec.number, &a.spec.id).cmp(&(b.spec.number, &b.spec.id)));
    let order: HashMap<&str, usize> = standards
        .iter()
        .enumerate()
        .map(|(i, s)| (s.spec.id.as_str(), i))
        .collect();
    checks.sort_by(|a, b| {
        (order.get(a.standard.as_str()), &a.spec.id).cmp(&(order.get(b.standard.as_str()), &b.spec.id))
    });
    diags.sort_by_key(|d| d.location().map(|l| sort_key(&l)));

    let meta = meta.unwrap_or(PackSpec {
        name: "unnamed".into(),
        title: "Unnamed pack".into(),
        version: "0".into(),
        effective: None,
        description: None,
        status: Vec::new(),
        changelog: Vec::new(),
        migrations: Vec::new(),
        lists: BTreeMap::new(),
    });
    let pack = Pack {
        meta,
        sha256,
        datasets: datasets.unwrap_or_default(),
        frameworks,
        standards,
        checks,
        presets,
        references,
    };
    (pack, diags)
}

/// Reference files: one per dataset, naming a declared dataset; each record keeps its line and, with
/// `check_schemas`, is checked against its dataset's schema.
fn load_references(
    docs: Vec<(Arc<SourceFile>, SpanMap, ReferenceFile)>,
    files: &[(String, Vec<u8>)],
    datasets: Option<&BTreeMap<String, DatasetSpec>>,
    check_schemas: bool,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Reference> {
    let mut references: BTreeMap<String, Reference> = BTreeMap::new();
    for (file, spans, r) in docs {
        let dataset = r.reference.dataset.clone();
        if datasets.is_some_and(|known| !known.contains_key(&dataset)) {
            diags.push(
                Diagnostic::error(
                    Code::UnknownDataset,
                    format!("reference data for unknown dataset `{dataset}`"),
                )
                .at(&file, spans.value("/reference/dataset"), "not a known dataset")
                .help("declare the dataset in datasets.yaml"),
            );
            continue;
        }
        if let Some(other) = references.get(&dataset) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("reference data for `{dataset}` is given twice"),
                )
                .at(&file, spans.value("/reference/dataset"), "duplicate")
                .help(format!("it is also given in {}; keep one file per dataset", other.file)),
            );
            continue;
        }
        let validator = datasets
            .filter(|_| check_schemas)
            .and_then(|d| d.get(&dataset)?.schema.as_ref())
            .and_then(|schema| crate::evidence::validate::compile(schema).ok());
        for (i, record) in r.records.iter().enumerate() {
            let value = Value::Object(record.clone());
            for p in validator
                .iter()
                .flat_map(|v| crate::evidence::validate::problems(v, &value))
            {
                let pointer = match &p.field {
                    Some(f) if record.contains_key(f) => format!("/records/{i}/{f}"),
                    _ => format!("/records/{i}"),
                };
                diags.push(
                    Diagnostic::error(
                        Code::EvidenceSchema,
                        format!("reference record does not match the `{dataset}` schema: {}", p.message),
                    )
                    .at(&file, spans.value(&pointer), "here"),
                );
            }
        }
        let records = r
            .records
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let line = spans
                    .value(&format!("/records/{i}"))
                    .map_or(1, |s| file.line_of(s.start));
                (Value::Object(m), line as u32)
            })
            .collect();
        let bytes = files
            .iter()
            .find(|(n, _)| *n == file.name)
            .map_or(&[][..], |(_, b)| b.as_slice());
        references.insert(
            dataset,
            Reference {
                spec: r.reference,
                file: file.name.clone(),
                sha256: hex(&Sha256::digest(bytes)),
                bytes: bytes.len() as u64,
                records,
            },
        );
    }
    references
}

/// Orders `file:line:col` naturally (line 9 before line 10).
fn sort_key(location: &str) -> (String, usize, usize) {
    let mut parts = location.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    (parts.next().unwrap_or(location).to_string(), line, col)
}

fn push_violations(diags: &mut Vec<Diagnostic>, file: &Arc<SourceFile>, spans: &SpanMap, violations: &[Violation]) {
    for v in violations {
        let span = match &v.key {
            Some(k) => spans.key(&crate::core::source::pointer_push(&v.pointer, k)),
            None => spans.value(&v.pointer),
        };
        let label = if v.key.is_some() {
            "unknown key"
        } else {
            "does not match the schema"
        };
        diags.push(Diagnostic::error(Code::Schema, v.message.clone()).at(file, span, label));
    }
}

pub(super) fn deserialize<T: serde::de::DeserializeOwned>(
    value: &Value,
    file: &Arc<SourceFile>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(v) => Some(v),
        Err(e) => {
            diags
                .push(Diagnostic::error(Code::Schema, format!("{} at {}", e.inner(), e.path())).at(file, None, "here"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::files::embedded_files;

    #[test]
    fn presets_read_alone_are_the_loaded_packs() {
        let files = embedded_files();
        let alone = presets(&files);
        let (pack, _) = load_files(files);
        assert!(alone.len() >= 5, "{:?}", alone.keys());
        let as_json = |p: &crate::evidence::load::Presets| serde_json::to_value(p).unwrap();
        assert_eq!(as_json(&alone), as_json(&pack.presets));
    }

    #[test]
    fn a_run_checks_the_schemas_of_any_pack_but_the_built_in_one() {
        let (checked, checked_diags) = load_files(embedded_files());
        let (trusted, trusted_diags) = load_files_for_run(embedded_files());
        assert!(checked_diags.is_empty() && trusted_diags.is_empty());
        assert_eq!(checked.sha256, trusted.sha256);
        assert_eq!(checked.checks.len(), trusted.checks.len());

        // One key the schema does not allow, in a copy of the built-in pack: a run still reports it.
        let mut files = embedded_files();
        let pack = files.iter_mut().find(|(name, _)| name == "pack.yaml").unwrap();
        pack.1.extend_from_slice(b"\nunexpected_key: 1\n");
        let (_, diags) = load_files_for_run(files);
        assert!(
            diags.iter().any(|d| d.message.contains("unexpected_key")),
            "{:?}",
            diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
        );
    }
}
