//! Checks as written: where each one is in its file, the pack-wide rules a single check must meet (framework
//! ids, test data and test params), and its compile problems turned into diagnostics at their lines.

use super::compile::{CompileInput, Problem, compile};
use super::frameworks::Framework;
use super::load::Standard;
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::{SourceFile, SpanMap};
use crate::core::suggest::did_you_mean;
use crate::spec::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

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

pub(super) fn label_for(code: Code) -> &'static str {
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

/// The `(framework, requirement)` pairs a check item as written maps, whatever else is wrong with it.
pub(super) fn raw_maps(item: &Value) -> Vec<(String, String)> {
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
pub(super) fn semantic(
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

/// What the rest of the pack tells the reading of its standards files.
#[derive(Clone, Copy)]
pub(super) struct Context<'p> {
    pub datasets: Option<&'p BTreeMap<String, DatasetSpec>>,
    pub frameworks: &'p BTreeMap<String, Framework>,
    /// The pack's shared lists, as checks compile against them.
    pub lists: &'p BTreeMap<String, Vec<Value>>,
    /// Whether to check inline tests' data against the datasets' schemas.
    pub check_tests: bool,
}

/// The standards files read: their standards, the checks that compiled, every check id (with its file and
/// line) and every (framework, requirement) a check maps, broken checks included.
pub(super) struct Read {
    pub standards: Vec<Standard>,
    pub checks: Vec<CheckDef>,
    pub check_ids: HashMap<String, (String, usize)>,
    pub mapped: HashSet<(String, String)>,
}

/// Reads each standards file's standard and checks, check by check (a broken check does not hide problems
/// in the next one): unique ids, the lint rules of one check, the pack-wide rules, and compiling.
pub(super) fn read(
    standard_docs: Vec<(
        Arc<SourceFile>,
        crate::core::yaml::Spanned,
        Vec<crate::spec::schema::Violation>,
    )>,
    context: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Read {
    let Context {
        datasets,
        frameworks,
        lists,
        check_tests,
    } = *context;
    let lint_as_of: jiff::Timestamp = super::load::LINT_AS_OF.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let test_validators = check_tests.then(|| super::rules::test_data::Validators::new(datasets));
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
            .and_then(|v| super::load::deserialize::<StandardSpec>(v, &file, diags))
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
            let Some(spec) = super::load::deserialize::<CheckSpec>(item, &file, diags) else {
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
            diags.extend(super::rules::last_day::warnings(&def, datasets));
            diags.extend(super::rules::secret_field::errors(&def, datasets));
            let mut problems = semantic(&def, datasets, frameworks);
            if let Some(v) = &test_validators {
                problems.extend(super::rules::test_data::problems(&def.spec, &def.pointer, v));
            }
            if let Err(p) = compile(CompileInput {
                spec: &def.spec,
                standard: &def.standard,
                pointer: &def.pointer,
                datasets,
                overrides: None,
                lists: Some(lists),
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
    Read {
        standards,
        checks,
        check_ids,
        mapped,
    }
}
