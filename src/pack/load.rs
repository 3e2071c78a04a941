//! Loading a standards directory into a [`Pack`], reporting **all** problems at once.
//!
//! Each YAML file is parsed with spans, validated against its JSON Schema, deserialized check by check (a broken
//! check does not hide problems in the next one) and then checked semantically: unique ids, known datasets and
//! framework ids, compilable conditions, typed and bounded parameters, and well-formed inline tests.

use super::compile::{CompileInput, Problem, compile};
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
use std::path::Path;
use std::sync::Arc;

static EMBEDDED: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/standards");

/// Assessment date used when linting (any date works: values are only parsed).
pub const LINT_AS_OF: &str = "2026-01-01T00:00:00Z";

pub struct Framework {
    pub spec: FrameworkSpec,
    /// Requirement id -> title, in catalogue order.
    pub requirements: Vec<(String, String)>,
    /// Requirement id -> the evidence to review by hand, for requirements no check maps.
    pub manual: BTreeMap<String, String>,
    /// Requirement id -> the level a DSPT profile expects.
    pub expected: BTreeMap<String, crate::spec::Level>,
    /// Requirements the DSPT's independent audit must cover.
    pub audit: std::collections::BTreeSet<String>,
}

pub struct Standard {
    pub spec: StandardSpec,
    pub file: Arc<SourceFile>,
}

/// A check as written, with where it was written.
pub struct CheckDef {
    pub spec: CheckSpec,
    pub standard: String,
    pub file: Arc<SourceFile>,
    pub spans: Arc<SpanMap>,
    /// Pointer of the check in its file, e.g. `/checks/2`.
    pub pointer: String,
}

impl CheckDef {
    /// 1-based line where the check starts.
    pub fn line(&self) -> usize {
        self.spans
            .value(&self.pointer)
            .map_or(1, |s| self.file.line_of(s.start))
    }

    /// The check's YAML exactly as written.
    pub fn source_text(&self) -> &str {
        self.spans
            .value(&self.pointer)
            .and_then(|s| self.file.text.get(s.start..s.end))
            .unwrap_or("")
    }

    /// Turns compile problems into diagnostics pointing into this check's file.
    pub fn diagnostics(&self, problems: Vec<Problem>) -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|p| {
                let span = if p.on_key {
                    self.spans.key(&p.pointer)
                } else {
                    self.spans.value(&p.pointer)
                };
                let mut d = Diagnostic::error(p.code, format!("{}: {}", self.spec.id, p.message)).at(
                    &self.file,
                    span,
                    label_for(p.code),
                );
                if let Some(h) = p.help {
                    d = d.help(h);
                }
                d
            })
            .collect()
    }
}

fn label_for(code: Code) -> &'static str {
    match code {
        Code::UnknownDataset => "not a known dataset",
        Code::UnknownFramework => "not in any catalogue",
        Code::Regex => "invalid regex",
        Code::Value => "invalid value",
        Code::DuplicateId => "duplicate",
        Code::Param | Code::ParamOverride => "out of bounds or mistyped",
        Code::Schema => "here",
        _ => "here",
    }
}

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

/// Reads every file under `dir` (skipping hidden entries), each through the jail of `dir`: a symlink is read
/// where it points if that is inside the pack, and a FIFO, device, oversized file or symlink out of the pack is
/// refused by name rather than read (or waited on). All refusals come back together.
pub fn load_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let not_a_pack = |message: String| {
        vec![
            Diagnostic::error(Code::StandardsDir, message)
                .help("pass --standards DIR naming a standards pack (a directory holding pack.yaml)"),
        ]
    };
    if !dir.is_dir() {
        return Err(not_a_pack(format!("{} is not a directory", dir.display())));
    }
    let jail = crate::core::repo_file::Jail::new(dir).map_err(not_a_pack)?;
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                refused.push(Diagnostic::error(
                    Code::Io,
                    format!("cannot read the standards directory: {e}"),
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match jail.read(&name, crate::core::repo_file::CONFIG_LIMIT) {
            Ok(bytes) => files.push((name, bytes)),
            Err(crate::core::repo_file::Refusal::Outside) => refused.push(
                Diagnostic::error(
                    Code::OutsideRepo,
                    format!("{name} is a symlink to a file outside the standards directory, so it was not read"),
                )
                .in_path(name)
                .help("copy the file into the standards directory instead of linking to it"),
            ),
            Err(r) => refused.push(r.diagnostic(r.code(), &name)),
        }
    }
    if refused.is_empty() { Ok(files) } else { Err(refused) }
}

/// The pack built into the binary.
pub fn embedded_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(dir: &include_dir::Dir<'_>, out: &mut Vec<(String, Vec<u8>)>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents().to_vec()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    walk(&EMBEDDED, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
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

/// The pack's fingerprint: its YAML files (outside `schema/`), names and bytes, in name order.
fn fingerprint(files: &[&(String, Vec<u8>)]) -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    hex(&hasher.finalize())
}

/// The built-in pack's fingerprint, worked out once.
fn built_in_fingerprint() -> &'static str {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let files = embedded_files();
        fingerprint(&pack_yaml(&files))
    })
}

/// The files that make up a pack's content, in name order (`files` is sorted).
fn pack_yaml(files: &[(String, Vec<u8>)]) -> Vec<&(String, Vec<u8>)> {
    files
        .iter()
        .filter(|(name, _)| !name.starts_with("schema/") && is_yaml(name))
        .collect()
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
                    let id = f.framework.id.clone();
                    if frameworks.contains_key(&id) {
                        diags.push(
                            Diagnostic::error(Code::DuplicateId, format!("framework `{id}` is defined twice")).at(
                                &file,
                                doc.spans.value("/framework/id"),
                                "duplicate",
                            ),
                        );
                    }
                    let mut seen = HashMap::new();
                    for (i, r) in f.requirements.iter().enumerate() {
                        if seen.insert(r.id.clone(), i).is_some() {
                            diags.push(
                                Diagnostic::error(
                                    Code::DuplicateId,
                                    format!("requirement `{}` is listed twice in `{id}`", r.id),
                                )
                                .at(
                                    &file,
                                    doc.spans.value(&format!("/requirements/{i}/id")),
                                    "duplicate",
                                ),
                            );
                        }
                    }
                    for (i, r) in f.requirements.iter().enumerate() {
                        requirement_sites.push((
                            id.clone(),
                            r.id.clone(),
                            file.clone(),
                            doc.spans.value(&format!("/requirements/{i}/id")),
                        ));
                    }
                    let manual = f
                        .requirements
                        .iter()
                        .filter_map(|r| Some((r.id.clone(), r.manual.clone()?)))
                        .collect();
                    let expected = f
                        .requirements
                        .iter()
                        .filter_map(|r| Some((r.id.clone(), r.expected?)))
                        .collect();
                    let audit = f
                        .requirements
                        .iter()
                        .filter(|r| r.audit)
                        .map(|r| r.id.clone())
                        .collect();
                    let requirements = f.requirements.into_iter().map(|r| (r.id, r.title)).collect();
                    frameworks.insert(
                        id,
                        Framework {
                            spec: f.framework,
                            requirements,
                            manual,
                            expected,
                            audit,
                        },
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

    let lint_as_of: jiff::Timestamp = LINT_AS_OF.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let pack_lists: BTreeMap<String, Vec<Value>> = meta
        .as_ref()
        .map(|m| m.lists.iter().map(|(k, l)| (k.clone(), l.items.clone())).collect())
        .unwrap_or_default();
    // The built-in pack's inline tests were checked when it was built, like its schemas.
    let test_validators = (!schemas_hold).then(|| super::rules::test_data::Validators::new(datasets.as_ref()));
    let mut standards: Vec<Standard> = Vec::new();
    let mut checks: Vec<CheckDef> = Vec::new();
    let mut check_ids: HashMap<String, (String, usize)> = HashMap::new();
    let mut mapped: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for (file, doc, violations) in standard_docs {
        let spans = Arc::new(doc.spans);
        let broken = |prefix: &str| {
            violations
                .iter()
                .any(|v| v.pointer == prefix || v.pointer.starts_with(&format!("{prefix}/")) || v.pointer.is_empty())
        };
        if broken("/standard") {
            continue;
        }
        let Some(standard) = doc
            .value
            .get("standard")
            .and_then(|v| deserialize::<StandardSpec>(v, &file, &mut diags))
        else {
            continue;
        };
        if let Some(prev) = standards.iter().find(|s| s.spec.id == standard.id) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("standard `{}` is defined twice", standard.id),
                )
                .at(&file, spans.value("/standard/id"), "duplicate")
                .help(format!("it is also defined in {}", prev.file.name)),
            );
        }
        let items = doc
            .value
            .get("checks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let pointer = format!("/checks/{i}");
            // A broken check still maps what it maps: its mistake is reported once, not again as requirements
            // that nothing covers.
            mapped.extend(raw_maps(item));
            if broken(&pointer) {
                continue;
            }
            let Some(spec) = deserialize::<CheckSpec>(item, &file, &mut diags) else {
                continue;
            };
            let def = CheckDef {
                spec,
                standard: standard.id.clone(),
                file: file.clone(),
                spans: spans.clone(),
                pointer,
            };
            let line = def.line();
            if let Some((other_file, other_line)) = check_ids.get(&def.spec.id) {
                diags.push(
                    Diagnostic::error(Code::DuplicateId, format!("check id `{}` is used twice", def.spec.id))
                        .at(&file, spans.value(&format!("{}/id", def.pointer)), "duplicate")
                        .help(format!(
                            "first defined at {other_file}:{other_line}; check ids must be unique across the pack"
                        )),
                );
                continue;
            }
            check_ids.insert(def.spec.id.clone(), (file.name.clone(), line));
            for (framework, ids) in &def.spec.maps {
                mapped.extend(ids.iter().map(|id| (framework.clone(), id.clone())));
            }
            diags.extend(super::rules::last_day::warnings(&def, datasets.as_ref()));
            diags.extend(super::rules::secret_field::errors(&def, datasets.as_ref()));
            let mut problems = semantic(&def, datasets.as_ref(), &frameworks);
            if let Some(v) = &test_validators {
                problems.extend(super::rules::test_data::problems(&def.spec, &def.pointer, v));
            }
            if let Err(p) = compile(CompileInput {
                spec: &def.spec,
                standard: &def.standard,
                pointer: &def.pointer,
                datasets: datasets.as_ref(),
                overrides: None,
                lists: Some(&pack_lists),
                as_of: lint_as_of,
            }) {
                problems.extend(p);
            }
            if problems.is_empty() {
                checks.push(def);
            } else {
                diags.extend(def.diagnostics(problems));
            }
        }
        standards.push(Standard {
            spec: standard,
            file: file.clone(),
        });
    }
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

fn deserialize<T: serde::de::DeserializeOwned>(
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

/// The `(framework, requirement)` pairs a check item as written maps, whatever else is wrong with it.
fn raw_maps(item: &Value) -> Vec<(String, String)> {
    let Some(maps) = item.get("maps").and_then(Value::as_object) else {
        return Vec::new();
    };
    maps.iter()
        .flat_map(|(framework, ids)| {
            ids.as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(move |id| (framework.clone(), id.to_string()))
        })
        .collect()
}

/// Checks that need the whole pack: framework ids, test data naming known datasets, test params.
fn semantic(
    def: &CheckDef,
    datasets: Option<&BTreeMap<String, DatasetSpec>>,
    frameworks: &BTreeMap<String, Framework>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let base = &def.pointer;
    let mut problem = |code, pointer: String, message: String, help: Option<String>| {
        out.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key: false,
            in_manifest: false,
        });
    };
    for (framework, ids) in &def.spec.maps {
        let Some(f) = frameworks.get(framework) else {
            let help = did_you_mean(framework, frameworks.keys().map(String::as_str)).map_or_else(
                || match frameworks.len() {
                    0 => format!("no framework catalogues are loaded: add frameworks/{framework}.yaml"),
                    _ => format!(
                        "known frameworks: {}",
                        frameworks.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                },
                |s| format!("did you mean `{s}`?"),
            );
            problem(
                Code::UnknownFramework,
                format!("{base}/maps/{framework}"),
                format!("no catalogue for framework `{framework}`"),
                Some(help),
            );
            continue;
        };
        for (i, id) in ids.iter().enumerate() {
            if !f.requirements.iter().any(|(r, _)| r == id) {
                let help = did_you_mean(id, f.requirements.iter().map(|(r, _)| r.as_str())).map_or_else(
                    || format!("add it to frameworks/{framework}.yaml if it is a real requirement"),
                    |s| format!("did you mean `{s}`?"),
                );
                problem(
                    Code::UnknownFramework,
                    format!("{base}/maps/{framework}/{i}"),
                    format!("`{id}` is not in the {} catalogue", f.spec.title),
                    Some(help),
                );
            }
        }
    }
    for (t, test) in def.spec.tests.iter().enumerate() {
        let tp = format!("{base}/tests/{t}");
        if let Some(known) = datasets {
            for name in test.data.keys() {
                if !known.contains_key(name) {
                    problem(
                        Code::UnknownDataset,
                        format!("{tp}/data/{name}"),
                        format!("test data names unknown dataset `{name}`"),
                        None,
                    );
                }
            }
        }
        for name in test.params.keys() {
            if !def.spec.params.contains_key(name) {
                problem(
                    Code::UnknownParam,
                    format!("{tp}/params/{name}"),
                    format!("test sets unknown parameter `{name}`"),
                    None,
                );
            }
        }
        if let Some(a) = &test.as_of
            && a.parse::<jiff::civil::Date>().is_err()
        {
            problem(
                Code::Value,
                format!("{tp}/as_of"),
                format!("`{a}` is not a date (write 2026-11-01)"),
                None,
            );
        }
        if test.failing.is_some() && test.expect != TestExpect::Fail {
            problem(
                Code::Test,
                format!("{tp}/failing"),
                "`failing` lists failing records, so the test must `expect: fail`".into(),
                None,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
