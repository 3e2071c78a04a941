//! Compiling a check spec into a runnable [`Check`].
//!
//! Compilation resolves parameters (defaults, then the manifest's overrides, each typed and bounded),
//! substitutes `{{ params.NAME }}` in values, infers each leaf's type, parses literals and `as_of`
//! expressions, compiles regexes (size-limited), expressions (strict, fuel-limited) and templates. Every
//! problem is collected with the JSON pointer of the offending value so `lint` can point at its line.
//!
//! - [`params`]: parameters resolved and substituted; `check_param` for types and bounds;
//! - [`conditions`]: `where`/`assert` trees, leaves and their ops (read from [`crate::spec::ops`]), deadlines;
//! - [`expect`]: set-level expectations and comparisons;
//! - [`templates`]: message, summary and remediation templates.

mod conditions;
mod expect;
mod params;
mod templates;

pub use params::check_param;

use crate::core::codes::Code;
use crate::core::path::FieldPath;
use crate::core::suggest::did_you_mean;
use crate::engine::check::*;
use crate::engine::types::{parse_literal, parse_time};
use crate::spec::ops::{OpDef, Operand, Reads, Test};
use crate::spec::*;
use jiff::Timestamp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Instructions a template or expression may spend; a runaway expression errors instead of hanging.
pub const FUEL: u64 = 100_000;
/// Longest `expr:` source, and most template code (inside `{{ }}` / `{% %}`) in one template. minijinja
/// compiles long operator chains recursively, so unbounded sources could overflow the stack.
pub const MAX_CODE_CHARS: usize = 2000;
/// Longest template, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 16 * 1024;
/// Largest compiled regex, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One problem, at a JSON pointer inside the check's file (or the manifest's, for what the manifest set).
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: Code,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
    /// Point at the key rather than the value (e.g. an op that should not be there).
    pub on_key: bool,
    /// The pointer is into assure.yaml: the problem is a value the manifest set (a parameter override).
    pub in_manifest: bool,
}

/// What compiling needs from the pack and the run.
pub struct CompileInput<'a> {
    pub spec: &'a CheckSpec,
    pub standard: &'a str,
    /// Pointer of the check in its file, e.g. `/checks/2`.
    pub pointer: &'a str,
    /// Known dataset names and their default keys (`None`: do not check names).
    pub datasets: Option<&'a BTreeMap<String, DatasetSpec>>,
    /// The manifest's overrides for this check.
    pub overrides: Option<&'a BTreeMap<String, Value>>,
    /// The pack's shared lists with the manifest's additions (`None`: lists are not checked).
    pub lists: Option<&'a BTreeMap<String, Vec<Value>>>,
    pub as_of: Timestamp,
}

pub fn compile(input: CompileInput<'_>) -> Result<Check, Vec<Problem>> {
    let spec = input.spec;
    let mut c = Compiler {
        input: &input,
        problems: Vec::new(),
        sets: Vec::new(),
        exprs: Vec::new(),
        params: BTreeMap::new(),
    };
    c.params = c.resolve_params();
    let base = input.pointer.to_string();

    if spec.manual.is_some() {
        let conditions = spec.where_.is_some()
            || spec.assert.is_some()
            || spec.expect.is_some()
            || !spec.lookup.is_empty()
            || !spec.dataset.is_empty();
        if conditions {
            c.problem(
                Code::ManualCheck,
                format!("{base}/manual"),
                "a manual check has no dataset, lookup, where, assert or expect".into(),
                Some("remove `manual:` to make it an automated check, or remove its conditions".into()),
            );
        }
        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        return Ok(manual_check(spec, input.standard, input.as_of));
    }
    if spec.dataset.is_empty() {
        c.problem(
            Code::NoDataset,
            format!("{base}/id"),
            "this check names no dataset".into(),
            Some(
                "add `dataset:` (the evidence its records come from), or `manual:` for evidence no export can show"
                    .into(),
            ),
        );
        return Err(c.problems);
    }
    c.dataset(&spec.dataset, &format!("{base}/dataset"));
    let key_paths: Vec<String> = match &spec.key {
        Some(k) => k.to_vec(),
        None => input
            .datasets
            .and_then(|d| d.get(&spec.dataset))
            .and_then(|d| d.key.as_ref())
            .map(|k| k.to_vec())
            .unwrap_or_default(),
    };
    let key = key_paths
        .iter()
        .filter_map(|k| c.path(k, &format!("{base}/key")))
        .collect();

    let mut lookups = Vec::new();
    let mut aliases = BTreeSet::new();
    for (i, l) in spec.lookup.iter().enumerate() {
        let p = format!("{base}/lookup/{i}");
        if !aliases.insert(l.alias.clone()) {
            c.problem(
                Code::DuplicateLookup,
                format!("{p}/as"),
                format!("lookup name `{}` is used twice", l.alias),
                None,
            );
        }
        if l.on.is_empty() {
            c.problem(
                Code::Lookup,
                format!("{p}/on"),
                "`on` needs at least one pair `this_field: other_field`".into(),
                None,
            );
        }
        c.dataset(&l.dataset, &format!("{p}/dataset"));
        let on =
            l.on.iter()
                .filter_map(|(a, b)| Some((c.path(a, &format!("{p}/on"))?, c.path(b, &format!("{p}/on"))?)))
                .collect();
        let version_prefix = l.version_prefix.as_ref().and_then(|v| {
            Some((
                c.path(&v.field, &format!("{p}/version_prefix/field"))?,
                c.path(&v.other, &format!("{p}/version_prefix/other"))?,
            ))
        });
        let where_ = l.where_.as_deref().and_then(|w| c.condition(w, &format!("{p}/where")));
        let latest = l.latest.as_ref().and_then(|f| c.path(f, &format!("{p}/latest")));
        if latest.is_some() && version_prefix.is_some() {
            c.problem(
                Code::Lookup,
                format!("{p}/latest"),
                "a lookup picks by `version_prefix` or by `latest`, not both".into(),
                None,
            );
        }
        let prefer = l.prefer.as_ref().and_then(|v| {
            Some((
                c.path(&v.field, &format!("{p}/prefer/field"))?,
                c.path(&v.other, &format!("{p}/prefer/other"))?,
            ))
        });
        let earliest = l.earliest.as_ref().and_then(|f| c.path(f, &format!("{p}/earliest")));
        if latest.is_some() && (earliest.is_some() || prefer.is_some()) {
            c.problem(
                Code::Lookup,
                format!("{p}/latest"),
                "`latest` picks one match on its own: remove `prefer` and `earliest`, or `latest`".into(),
                None,
            );
        }
        lookups.push(Lookup {
            alias: l.alias.clone(),
            dataset: l.dataset.clone(),
            on,
            ignore_case: l.ignore_case,
            host_names: l.host_names,
            version_prefix,
            latest,
            prefer,
            earliest,
            where_,
        });
    }

    let where_ = spec
        .where_
        .as_ref()
        .and_then(|w| c.condition(w, &format!("{base}/where")));
    let assert = spec
        .assert
        .as_ref()
        .and_then(|a| c.condition(a, &format!("{base}/assert")));
    let deadline = spec
        .deadline
        .as_ref()
        .and_then(|d| c.deadline(d, &format!("{base}/deadline")));
    if spec.assert.is_none() && spec.expect.is_none() && spec.deadline.is_none() {
        c.problem(
            Code::NoAssertion,
            format!("{base}/id"),
            "this check asserts nothing".into(),
            Some("add `assert:` (a condition every selected record must meet), `deadline:` (a clock per record) or `expect:` (an expectation over the whole selection)".into()),
        );
    }
    let expect = spec
        .expect
        .as_ref()
        .map(|e| c.expect(e, &format!("{base}/expect")))
        .unwrap_or_default();
    let templates = c.templates(&base);
    // The threshold in force, not the pack's default, in the title people read.
    let title = super::titles::render(&spec.title, &spec.params, &c.params).unwrap_or_else(|name| {
        if name.is_empty() {
            let help = Some("write the value as `{{ params.NAME }}`; other template code belongs in `summary`".into());
            let message = "only `{{ params.NAME }}` may appear in a title".into();
            c.problem(Code::ValueTemplate, format!("{base}/title"), message, help);
        } else {
            c.param(&name, &format!("{base}/title"));
        }
        spec.title.clone()
    });

    let mut datasets: BTreeSet<String> = BTreeSet::from([spec.dataset.clone()]);
    datasets.extend(lookups.iter().map(|l: &Lookup| l.dataset.clone()));
    datasets.extend(c.sets.iter().map(|s| s.dataset.clone()));

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    // In the order `engine::confidential` reads them: the check's dataset, its lookups', its sets'.
    let confidential = std::iter::once(spec.dataset.as_str())
        .chain(spec.lookup.iter().map(|l| l.dataset.as_str()))
        .chain(c.sets.iter().map(|s| s.dataset.as_str()))
        .map(|d| {
            input
                .datasets
                .and_then(|ds| ds.get(d))
                .map_or_else(Default::default, |d| (d.secret.clone(), d.personal.clone()))
        })
        .collect();
    Ok(Check {
        id: spec.id.clone(),
        version: spec.version.unwrap_or(1),
        title,
        severity: spec.severity,
        standard: input.standard.to_string(),
        rationale: spec.rationale.clone(),
        references: spec.references.clone(),
        maps: spec.maps.clone(),
        params: c.params,
        dataset: spec.dataset.clone(),
        key,
        lookups,
        where_,
        assert,
        deadline,
        expect,
        when_empty: spec.when_empty.unwrap_or_default(),
        sets: c.sets,
        exprs: c.exprs,
        templates: Arc::new(templates),
        expr_env: Arc::new(expression_env()),
        optional: datasets
            .iter()
            .flat_map(|d| {
                input
                    .datasets
                    .and_then(|ds| ds.get(d))
                    .map(|spec| spec.optional.iter().map(|f| (d.clone(), f.clone())).collect::<Vec<_>>())
                    .unwrap_or_default()
            })
            .collect(),
        confidential,
        redaction: None,
        datasets,
        as_of: input.as_of,
        manual: None,
    })
}

/// The environment for `expr:` (strict undefined, fuel-limited); templates use a lenient copy.
pub fn expression_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env
}

struct Compiler<'a> {
    input: &'a CompileInput<'a>,
    problems: Vec<Problem>,
    sets: Vec<SetRef>,
    exprs: Vec<String>,
    params: BTreeMap<String, Value>,
}

impl Compiler<'_> {
    fn problem(&mut self, code: Code, pointer: String, message: String, help: Option<String>) {
        self.problems.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key: false,
            in_manifest: false,
        });
    }

    /// A problem with what the manifest set, at `pointer` into assure.yaml.
    fn manifest_problem(&mut self, code: Code, pointer: String, message: String, help: Option<String>, on_key: bool) {
        self.problems.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key,
            in_manifest: true,
        });
    }

    fn key_problem(&mut self, code: Code, pointer: String, message: String, help: Option<String>) {
        self.problems.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key: true,
            in_manifest: false,
        });
    }

    fn dataset(&mut self, name: &str, pointer: &str) {
        if let Some(known) = self.input.datasets
            && !known.contains_key(name)
        {
            let help = did_you_mean(name, known.keys().map(String::as_str)).map_or_else(
                || "declare it in datasets.yaml".to_string(),
                |s| format!("did you mean `{s}`? Otherwise declare it in datasets.yaml"),
            );
            self.problem(
                Code::UnknownDataset,
                pointer.to_string(),
                format!("unknown dataset `{name}`"),
                Some(help),
            );
        }
    }

    fn path(&mut self, text: &str, pointer: &str) -> Option<FieldPath> {
        FieldPath::parse(text)
            .map_err(|e| self.problem(Code::FieldPath, pointer.to_string(), e, None))
            .ok()
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// A manual check: nothing to evaluate; it reports the evidence an assessor must review.
fn manual_check(spec: &CheckSpec, standard: &str, as_of: jiff::Timestamp) -> Check {
    Check {
        version: spec.version.unwrap_or(1),
        title: super::titles::with_defaults(spec),
        standard: standard.to_string(),
        rationale: spec.rationale.clone(),
        references: spec.references.clone(),
        maps: spec.maps.clone(),
        manual: spec.manual.clone(),
        ..Check::blank(&spec.id, spec.severity, as_of)
    }
}
