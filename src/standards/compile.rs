//! Compiling a check spec into a runnable [`Check`].
//!
//! Compilation resolves parameters (defaults, then the manifest's overrides, each typed and bounded),
//! substitutes `{{ params.NAME }}` in values, infers each leaf's type, parses literals and `as_of`
//! expressions, compiles regexes (size-limited), expressions (strict, fuel-limited) and templates. Every
//! problem is collected with the JSON pointer of the offending value so `lint` can point at its line.

use super::spec::*;
use crate::engine::check::*;
use crate::engine::path::FieldPath;
use crate::engine::types::{parse_literal, parse_time};
use jiff::Timestamp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

/// Instructions a template or expression may spend; a runaway expression errors instead of hanging.
pub const FUEL: u64 = 100_000;
/// Longest `expr:` source, and most template code (inside `{{ }}` / `{% %}`) in one template. minijinja
/// compiles long operator chains recursively, so unbounded sources could overflow the stack.
pub const MAX_CODE_CHARS: usize = 2000;
/// Longest template, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 16 * 1024;
/// Largest compiled regex, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One problem, at a JSON pointer inside the check's file.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: &'static str,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
    /// Point at the key rather than the value (e.g. an op that should not be there).
    pub on_key: bool,
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
                "assure::manual-check",
                format!("{base}/manual"),
                "a manual check has no dataset, lookup, where, assert or expect".into(),
                Some("remove `manual:` to make it an automated check, or remove its conditions".into()),
            );
        }
        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        return Ok(Check::manual(spec, input.standard, input.as_of));
    }
    if spec.dataset.is_empty() {
        c.problem(
            "assure::no-dataset",
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
                "assure::duplicate-lookup",
                format!("{p}/as"),
                format!("lookup name `{}` is used twice", l.alias),
                None,
            );
        }
        if l.on.is_empty() {
            c.problem(
                "assure::lookup",
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
                "assure::lookup",
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
                "assure::lookup",
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
            "assure::no-assertion",
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
    let title = crate::check_title::render(&spec.title, &spec.params, &c.params).unwrap_or_else(|name| {
        if name.is_empty() {
            let help = Some("write the value as `{{ params.NAME }}`; other template code belongs in `summary`".into());
            let message = "only `{{ params.NAME }}` may appear in a title".into();
            c.problem("assure::value-template", format!("{base}/title"), message, help);
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
        confidential: std::iter::once(spec.dataset.as_str())
            .chain(spec.lookup.iter().map(|l| l.dataset.as_str()))
            .map(|d| {
                input
                    .datasets
                    .and_then(|ds| ds.get(d))
                    .map_or_else(Default::default, |d| (d.secret.clone(), d.personal.clone()))
            })
            .collect(),
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

// Constant patterns, covered by tests: they cannot fail on any input.
#[allow(clippy::expect_used)]
static TEMPLATE_CODE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("static regex"));

#[allow(clippy::expect_used)]
static LIST_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\{\{\s*lists\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$").expect("static regex"));

#[allow(clippy::expect_used)]
static PARAM_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("static regex"));

impl Compiler<'_> {
    fn problem(&mut self, code: &'static str, pointer: String, message: String, help: Option<String>) {
        self.problems.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key: false,
        });
    }

    fn key_problem(&mut self, code: &'static str, pointer: String, message: String, help: Option<String>) {
        self.problems.push(Problem {
            code,
            pointer,
            message,
            help,
            on_key: true,
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
                "assure::unknown-dataset",
                pointer.to_string(),
                format!("unknown dataset `{name}`"),
                Some(help),
            );
        }
    }

    fn path(&mut self, text: &str, pointer: &str) -> Option<FieldPath> {
        FieldPath::parse(text)
            .map_err(|e| self.problem("assure::field-path", pointer.to_string(), e, None))
            .ok()
    }

    fn resolve_params(&mut self) -> BTreeMap<String, Value> {
        let base = self.input.pointer;
        let mut out = BTreeMap::new();
        for (name, p) in &self.input.spec.params {
            let ptr = format!("{base}/params/{name}");
            let bound = |v: &Option<Value>, which: &str, me: &mut Self| {
                v.as_ref().and_then(|b| {
                    check_param(p.kind, b, None, None)
                        .map_err(|e| me.problem("assure::param", format!("{ptr}/{which}"), e, None))
                        .ok()
                })
            };
            let min = bound(&p.min, "min", self);
            let max = bound(&p.max, "max", self);
            match check_param(p.kind, &p.default, min.as_ref(), max.as_ref()) {
                Ok(v) => {
                    out.insert(name.clone(), v);
                }
                Err(e) => self.problem(
                    "assure::param",
                    format!("{ptr}/default"),
                    format!("default of `{name}`: {e}"),
                    None,
                ),
            }
            if let Some(v) = self.input.overrides.and_then(|o| o.get(name)) {
                match check_param(p.kind, v, min.as_ref(), max.as_ref()) {
                    Ok(v) => {
                        out.insert(name.clone(), v);
                    }
                    Err(e) => self.problem(
                        "assure::param-override",
                        format!("{ptr}/default"),
                        format!("the manifest's value for `{}.{name}`: {e}", self.input.spec.id),
                        None,
                    ),
                }
            }
        }
        if let Some(overrides) = self.input.overrides {
            for name in overrides.keys().filter(|n| !self.input.spec.params.contains_key(*n)) {
                let known: Vec<&str> = self.input.spec.params.keys().map(String::as_str).collect();
                self.problem(
                    "assure::param-override",
                    format!("{base}/params"),
                    format!(
                        "the manifest sets `{}.{name}`, but the check has no parameter `{name}`",
                        self.input.spec.id
                    ),
                    Some(if known.is_empty() {
                        "this check takes no parameters".into()
                    } else {
                        format!("its parameters: {}", known.join(", "))
                    }),
                );
            }
        }
        out
    }

    /// Replaces `{{ params.NAME }}` in a value. A string that is only a reference takes the parameter's type.
    fn subst(&mut self, value: &Value, pointer: &str) -> Option<Value> {
        let Value::String(s) = value else {
            return Some(value.clone());
        };
        if !s.contains("{{") && !s.contains("{%") {
            return Some(value.clone());
        }
        if let Some(caps) = LIST_REF.captures(s.trim()) {
            let name = &caps[1];
            return match self.input.lists {
                None => Some(Value::Array(Vec::new())),
                Some(lists) => match lists.get(name) {
                    Some(items) => Some(Value::Array(items.clone())),
                    None => {
                        let help = did_you_mean(name, lists.keys().map(String::as_str)).map_or_else(
                            || "declare it under `lists:` in pack.yaml".to_string(),
                            |s| format!("did you mean `{s}`?"),
                        );
                        self.problem(
                            "assure::unknown-list",
                            pointer.to_string(),
                            format!("unknown list `{name}`"),
                            Some(help),
                        );
                        None
                    }
                },
            };
        }
        if let Some(caps) = PARAM_REF.captures(s.trim())
            && caps.get(0).is_some_and(|m| m.as_str().len() == s.trim().len())
        {
            return self.param(&caps[1], pointer).cloned();
        }
        let mut failed = false;
        let replaced = PARAM_REF.replace_all(s, |caps: &regex::Captures<'_>| match self.params.get(&caps[1]) {
            Some(Value::String(v)) => v.clone(),
            Some(v) => v.to_string(),
            None => {
                failed = true;
                String::new()
            }
        });
        if failed {
            let name = PARAM_REF
                .captures_iter(s)
                .map(|c| c[1].to_string())
                .find(|n| !self.params.contains_key(n))
                .unwrap_or_default();
            self.param(&name, pointer);
            return None;
        }
        if replaced.contains("{{") || replaced.contains("{%") {
            self.problem(
                "assure::value-template",
                pointer.to_string(),
                "only `{{ params.NAME }}` may appear inside a value".into(),
                Some("values are data, not templates; use `expr:` for computed conditions".into()),
            );
            return None;
        }
        Some(Value::String(replaced.into_owned()))
    }

    fn deadline(&mut self, spec: &DeadlineSpec, ptr: &str) -> Option<Deadline> {
        let from = self.path(&spec.from, &format!("{ptr}/from"));
        let done = match &spec.done {
            Some(d) => Some(self.path(d, &format!("{ptr}/done"))?),
            None => None,
        };
        let dates = match spec.as_type {
            None | Some(ValueType::Datetime) => false,
            Some(ValueType::Date) => true,
            Some(_) => {
                self.problem(
                    "assure::deadline",
                    format!("{ptr}/as"),
                    "a deadline counts in `date` or `datetime`".into(),
                    None,
                );
                return None;
            }
        };
        let within_ptr = format!("{ptr}/within");
        let within_value = self.subst(&Value::String(spec.within.clone()), &within_ptr)?;
        let within = match parse_literal(&within_value, ValueType::Duration, false, self.input.as_of) {
            Ok(crate::engine::types::Typed::Duration(d)) if d.is_positive() => d,
            Ok(_) => {
                self.problem(
                    "assure::deadline",
                    within_ptr,
                    "`within` must be a positive duration".into(),
                    Some("e.g. `72h` or `14d`".into()),
                );
                return None;
            }
            Err(e) => {
                self.problem("assure::value", within_ptr, e, Some("e.g. `72h` or `14d`".into()));
                return None;
            }
        };
        let within_text = match &within_value {
            Value::String(s) => s.trim().to_string(),
            other => other.to_string(),
        };
        Some(Deadline {
            from: from?,
            within,
            done,
            dates,
            within_text,
        })
    }

    fn param(&mut self, name: &str, pointer: &str) -> Option<&Value> {
        if !self.params.contains_key(name) {
            let help = did_you_mean(name, self.params.keys().map(String::as_str)).map_or_else(
                || "declare it under the check's `params:`".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            self.problem(
                "assure::unknown-param",
                pointer.to_string(),
                format!("unknown parameter `{name}`"),
                Some(help),
            );
            return None;
        }
        self.params.get(name)
    }

    fn condition(&mut self, spec: &ConditionSpec, ptr: &str) -> Option<Condition> {
        let forms: Vec<&str> = [
            ("all", spec.all.is_some()),
            ("any", spec.any.is_some()),
            ("not", spec.not.is_some()),
            ("expr", spec.expr.is_some()),
            ("field", spec.field.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect();
        let ops = present_ops(spec);
        if forms.len() != 1 {
            let message = if forms.is_empty() && !ops.is_empty() {
                format!("`{}` needs a `field` to test", ops[0])
            } else if forms.is_empty() {
                "empty condition".to_string()
            } else {
                format!(
                    "a condition is one of all / any / not / expr / a leaf, but this one has {}",
                    forms.join(" and ")
                )
            };
            self.problem(
                "assure::condition",
                ptr.to_string(),
                message,
                Some("write `{ field: NAME, OP: VALUE }`, or combine conditions with all / any / not".into()),
            );
            return None;
        }
        let list = |me: &mut Self, items: &Vec<ConditionSpec>, name: &str| -> Option<Vec<Condition>> {
            if items.is_empty() {
                me.problem(
                    "assure::condition",
                    format!("{ptr}/{name}"),
                    format!("`{name}` needs at least one condition"),
                    None,
                );
                return None;
            }
            let compiled: Vec<Option<Condition>> = items
                .iter()
                .enumerate()
                .map(|(i, c)| me.condition(c, &format!("{ptr}/{name}/{i}")))
                .collect();
            compiled.into_iter().collect()
        };
        if forms[0] != "field"
            && (!ops.is_empty() || spec.quantifier.is_some() || spec.as_type.is_some() || spec.minus.is_some())
        {
            self.problem(
                "assure::condition",
                ptr.to_string(),
                format!(
                    "`{}` cannot be combined with leaf keys such as `{}`",
                    forms[0],
                    ops.first().copied().unwrap_or("as")
                ),
                Some("put the leaf inside the list, e.g. `all: [{ field: x, eq: 1 }]`".into()),
            );
            return None;
        }
        match forms[0] {
            "all" => list(self, spec.all.as_ref()?, "all").map(Condition::All),
            "any" => list(self, spec.any.as_ref()?, "any").map(Condition::Any),
            "not" => self
                .condition(spec.not.as_ref()?, &format!("{ptr}/not"))
                .map(|c| Condition::Not(Box::new(c))),
            "expr" => {
                let src = spec.expr.clone()?;
                if src.chars().count() > MAX_CODE_CHARS {
                    self.problem(
                        "assure::expr",
                        format!("{ptr}/expr"),
                        format!("expression is longer than {MAX_CODE_CHARS} characters"),
                        Some("split it into declarative conditions under `all:`".into()),
                    );
                    return None;
                }
                let env = expression_env();
                if let Err(e) = env.compile_expression(&src) {
                    self.problem(
                        "assure::expr",
                        format!("{ptr}/expr"),
                        format!("expression does not compile: {e}"),
                        None,
                    );
                    return None;
                }
                self.exprs.push(src);
                Some(Condition::Expr(self.exprs.len() - 1))
            }
            _ => self.leaf(spec, ptr).map(|l| Condition::Leaf(Box::new(l))),
        }
    }

    fn leaf(&mut self, spec: &ConditionSpec, ptr: &str) -> Option<Leaf> {
        let field = self.path(spec.field.as_deref()?, &format!("{ptr}/field"))?;
        let minus = match &spec.minus {
            Some(m) => Some(self.path(m, &format!("{ptr}/minus"))?),
            None => None,
        };
        let ops = present_ops(spec);
        let quantifier = spec.quantifier;
        if ops.len() > 1 {
            for extra in &ops[1..] {
                self.key_problem(
                    "assure::condition",
                    format!("{ptr}/{extra}"),
                    format!("a leaf takes exactly one op, but this one also has `{}`", ops[0]),
                    Some("combine several tests with `all: [...]`".into()),
                );
            }
            return None;
        }
        if ops.is_empty() && quantifier != Some(Quantifier::Count) {
            self.problem(
                "assure::condition",
                ptr.to_string(),
                format!("the leaf on `{field}` has no op"),
                Some("add one of eq ne lt le gt ge in not_in contains not_contains starts_with ends_with matches not_matches subnet_of exists absent empty exists_in not_exists_in".into()),
            );
            return None;
        }
        match (quantifier, &spec.count) {
            (Some(Quantifier::Count), None) => {
                self.problem(
                    "assure::quantifier",
                    format!("{ptr}/quantifier"),
                    "`quantifier: count` needs `count:`, e.g. `count: { ge: 2 }`".into(),
                    None,
                );
                return None;
            }
            (q, Some(_)) if q != Some(Quantifier::Count) => {
                self.key_problem(
                    "assure::quantifier",
                    format!("{ptr}/count"),
                    "`count:` goes with `quantifier: count`".into(),
                    None,
                );
                return None;
            }
            _ => {}
        }
        if field.has_wildcard() && quantifier.is_none() {
            self.problem(
                "assure::quantifier",
                format!("{ptr}/field"),
                format!("`{field}` can yield several values, so the leaf must say `quantifier: any|all|none|count`"),
                None,
            );
            return None;
        }
        if minus.is_some()
            && (quantifier.is_some()
                || !matches!(
                    ops.first().copied(),
                    Some("eq" | "ne" | "lt" | "le" | "gt" | "ge" | "in" | "not_in")
                ))
        {
            self.problem(
                "assure::minus",
                format!("{ptr}/minus"),
                "`minus` gives a duration: compare it with eq ne lt le gt ge in or not_in, without a quantifier".into(),
                None,
            );
            return None;
        }
        let count = match &spec.count {
            Some(cmp) => Some(self.comparison(cmp, &format!("{ptr}/count"), false)?),
            None => None,
        };
        let ic = spec.ignore_case.unwrap_or(false);
        let op_name = ops.first().copied().unwrap_or("count");
        let op_ptr = format!("{ptr}/{op_name}");

        // Substitute params in the op's value(s) before inferring the type.
        let raw: Vec<Value> = match op_name {
            "eq" => vec![spec.eq.clone()?],
            "ne" => vec![spec.ne.clone()?],
            "lt" => vec![spec.lt.clone()?],
            "le" => vec![spec.le.clone()?],
            "gt" => vec![spec.gt.clone()?],
            "ge" => vec![spec.ge.clone()?],
            "in" => spec.in_.clone()?,
            "not_in" => spec.not_in.clone()?,
            "contains" => vec![spec.contains.clone()?],
            "not_contains" => vec![spec.not_contains.clone()?],
            "starts_with" => vec![Value::String(spec.starts_with.clone()?)],
            "ends_with" => vec![Value::String(spec.ends_with.clone()?)],
            "matches" => vec![Value::String(spec.matches.clone()?)],
            "not_matches" => vec![Value::String(spec.not_matches.clone()?)],
            "subnet_of" => vec![Value::String(spec.subnet_of.clone()?)],
            _ => Vec::new(),
        };
        let is_list = matches!(op_name, "in" | "not_in");
        let mut values = Vec::new();
        for (i, v) in raw.iter().enumerate() {
            let p = if is_list {
                format!("{op_ptr}/{i}")
            } else {
                op_ptr.clone()
            };
            match self.subst(v, &p)? {
                // A list parameter inside `in: [...]` stands for its items.
                Value::Array(items) if is_list => values.extend(items.into_iter().map(|item| (item, p.clone()))),
                other => values.push((other, p)),
            }
        }
        let ty = spec.as_type.unwrap_or_else(|| {
            if minus.is_some() {
                ValueType::Duration
            } else if op_name == "subnet_of" {
                ValueType::Cidr
            } else {
                values.first().map_or(ValueType::String, |(v, _)| infer(v))
            }
        });
        if minus.is_some() && ty != ValueType::Duration {
            self.problem(
                "assure::minus",
                format!("{ptr}/as"),
                "`minus` gives a duration: remove `as` or write `as: duration`".into(),
                None,
            );
            return None;
        }
        if is_list && raw.is_empty() {
            self.problem(
                "assure::condition",
                op_ptr,
                format!("`{op_name}` needs a non-empty list"),
                None,
            );
            return None;
        }
        let as_of = self.input.as_of;
        let literal = |me: &mut Self, (v, p): &(Value, String), ty: ValueType| -> Option<crate::engine::types::Typed> {
            parse_literal(v, ty, ic, as_of)
                .map_err(|e| me.problem("assure::value", p.clone(), e, None))
                .ok()
        };
        let text = |me: &mut Self| -> Option<String> {
            let (v, _) = values.first()?;
            let s = v.as_str().map(str::to_string);
            if s.is_none() {
                me.problem(
                    "assure::value",
                    op_ptr.clone(),
                    format!("`{op_name}` takes a string"),
                    None,
                );
            }
            s
        };
        let regex = |me: &mut Self, pattern: String| {
            regex::RegexBuilder::new(&pattern)
                .case_insensitive(ic)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| {
                    me.problem(
                        "assure::regex",
                        op_ptr.clone(),
                        format!("regex does not compile: {}", first_line(&e.to_string())),
                        Some(format!(
                            "Rust `regex` syntax, at most {} KiB compiled; no look-around or backreferences",
                            REGEX_SIZE_LIMIT / 1024
                        )),
                    )
                })
                .ok()
        };
        let lower = |s: String| if ic { s.to_lowercase() } else { s };
        let op = match op_name {
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
                let cmp = match op_name {
                    "eq" => CmpOp::Eq,
                    "ne" => CmpOp::Ne,
                    "lt" => CmpOp::Lt,
                    "le" => CmpOp::Le,
                    "gt" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                if matches!(ty, ValueType::Cidr) && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                    self.problem(
                        "assure::value",
                        op_ptr.clone(),
                        "networks are not ordered: use eq, ne, subnet_of or contains".into(),
                        None,
                    );
                    return None;
                }
                Op::Cmp(cmp, literal(self, &values[0], ty)?)
            }
            "in" | "not_in" => {
                let list: Option<Vec<_>> = values
                    .iter()
                    .map(|v| literal(self, v, ty))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .collect();
                if op_name == "in" {
                    Op::In(list?)
                } else {
                    Op::NotIn(list?)
                }
            }
            "contains" | "not_contains" => {
                let t = literal(self, &values[0], ty)?;
                if op_name == "contains" {
                    Op::Contains(t)
                } else {
                    Op::NotContains(t)
                }
            }
            "starts_with" => Op::StartsWith(lower(text(self)?)),
            "ends_with" => Op::EndsWith(lower(text(self)?)),
            "matches" => {
                let t = text(self)?;
                Op::Matches(regex(self, t)?)
            }
            "not_matches" => {
                let t = text(self)?;
                Op::NotMatches(regex(self, t)?)
            }
            // One network, or a list (`"{{ lists.internal_networks }}"`): the value is within any of them.
            "subnet_of" => {
                let items: Vec<(Value, String)> = match &values[0] {
                    (Value::Array(items), p) => items.iter().map(|i| (i.clone(), p.clone())).collect(),
                    one => vec![one.clone()],
                };
                let mut nets = Vec::new();
                for item in &items {
                    match literal(self, item, ValueType::Cidr)? {
                        crate::engine::types::Typed::Cidr(n) => nets.push(n),
                        _ => return None,
                    }
                }
                Op::SubnetOf(nets)
            }
            "exists" => {
                if spec.exists == Some(false) {
                    self.problem(
                        "assure::condition",
                        op_ptr,
                        "write `absent: true` rather than `exists: false`".into(),
                        None,
                    );
                    return None;
                }
                Op::Exists
            }
            "absent" => {
                if spec.absent == Some(false) {
                    self.problem(
                        "assure::condition",
                        op_ptr,
                        "write `exists: true` rather than `absent: false`".into(),
                        None,
                    );
                    return None;
                }
                Op::Absent
            }
            "empty" => Op::Empty(spec.empty.unwrap_or(true)),
            "exists_in" | "not_exists_in" => {
                let e = if op_name == "exists_in" {
                    spec.exists_in.as_ref()?
                } else {
                    spec.not_exists_in.as_ref()?
                };
                self.dataset(&e.dataset, &format!("{op_ptr}/dataset"));
                let field = self.path(&e.field, &format!("{op_ptr}/field"))?;
                let where_ = match &e.where_ {
                    Some(w) => Some(self.condition(w, &format!("{op_ptr}/where"))?),
                    None => None,
                };
                self.sets.push(SetRef {
                    dataset: e.dataset.clone(),
                    field,
                    ignore_case: e.ignore_case || ic,
                    host_names: e.host_names,
                    where_,
                });
                let i = self.sets.len() - 1;
                if op_name == "exists_in" {
                    Op::ExistsIn(i)
                } else {
                    Op::NotExistsIn(i)
                }
            }
            _ => Op::Always,
        };
        let plus = match &spec.plus {
            None => None,
            Some(text) => {
                let p = format!("{ptr}/plus");
                let value = self.subst(&Value::String(text.clone()), &p)?;
                let duration = value.as_str().and_then(crate::engine::types::parse_duration);
                let dated = matches!(ty, ValueType::Date | ValueType::Datetime);
                match duration {
                    Some(d) if dated && minus.is_none() && quantifier.is_none() => Some(d),
                    _ => {
                        self.problem(
                            "assure::plus",
                            p,
                            "`plus` adds a duration (e.g. `1d`, `-12h`) to a date field: it needs `as: date` or `as: datetime`, without `minus` or a quantifier".into(),
                            None,
                        );
                        return None;
                    }
                }
            }
        };
        let mut expected = describe_expected(op_name, &values, &op, &count);
        if let Some(text) = &spec.plus {
            expected = format!("{expected} (after adding {} to it)", text.trim());
        }
        Some(Leaf {
            field,
            minus,
            plus,
            ty,
            ignore_case: ic,
            quantifier,
            count,
            op,
            expected,
        })
    }

    /// A numeric comparison; with `ratio`, values may be fractions or percentage strings.
    fn comparison(&mut self, spec: &ComparisonSpec, ptr: &str, ratio: bool) -> Option<Comparison> {
        let (op, value, p) = self.single_op(spec, ptr)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if ratio => s
                .trim()
                .strip_suffix('%')
                .and_then(|n| n.trim().parse::<f64>().ok())
                .map(|n| n / 100.0),
            _ => None,
        };
        let name = op.name();
        let Some(mut n) = number else {
            let want = if ratio {
                "a fraction (0.95) or a percentage (\"95%\")"
            } else {
                "a number"
            };
            self.problem("assure::comparison", p, format!("`{name}` needs {want}"), None);
            return None;
        };
        if ratio && value.is_number() && n > 1.0 {
            self.problem(
                "assure::comparison",
                p,
                format!("a ratio of {n} is more than 1"),
                Some(format!("write \"{n}%\" for a percentage")),
            );
            return None;
        }
        if ratio {
            n = n.clamp(0.0, 1.0);
        }
        Some(Comparison { op, value: n })
    }

    fn expect(&mut self, e: &ExpectSpec, ptr: &str) -> Expect {
        let cmp = |me: &mut Self, c: &Option<ComparisonSpec>, name: &str, ratio: bool| {
            c.as_ref()
                .and_then(|c| me.comparison(c, &format!("{ptr}/{name}"), ratio))
        };
        let count = cmp(self, &e.count, "count", false);
        let passing = cmp(self, &e.passing, "passing", false);
        let failing = cmp(self, &e.failing, "failing", false);
        let ratio = cmp(self, &e.ratio, "ratio", true);
        if e.count.is_none()
            && e.passing.is_none()
            && e.failing.is_none()
            && e.ratio.is_none()
            && e.min.is_none()
            && e.max.is_none()
        {
            self.problem(
                "assure::expect",
                ptr.to_string(),
                "`expect` is empty".into(),
                Some("add count, passing, failing, ratio, min or max".into()),
            );
        }
        if (e.passing.is_some() || e.failing.is_some() || e.ratio.is_some())
            && self.input.spec.assert.is_none()
            && self.input.spec.deadline.is_none()
        {
            self.problem(
                "assure::expect",
                ptr.to_string(),
                "`passing`, `failing` and `ratio` count records against `assert` (or `deadline`), which this check lacks"
                    .into(),
                None,
            );
        }
        let distinct = e
            .distinct
            .as_ref()
            .and_then(|f| self.path(f, &format!("{ptr}/distinct")));
        let min = e.min.as_ref().and_then(|a| self.aggregate(a, &format!("{ptr}/min")));
        let max = e.max.as_ref().and_then(|a| self.aggregate(a, &format!("{ptr}/max")));
        Expect {
            count,
            passing,
            failing,
            ratio,
            min,
            max,
            distinct,
        }
    }

    /// The one comparison written (exactly one of eq ne lt le gt ge), its value with params substituted, and
    /// the value's pointer.
    fn single_op(&mut self, spec: &ComparisonSpec, ptr: &str) -> Option<(CmpOp, Value, String)> {
        let all = [
            (CmpOp::Eq, &spec.eq),
            (CmpOp::Ne, &spec.ne),
            (CmpOp::Lt, &spec.lt),
            (CmpOp::Le, &spec.le),
            (CmpOp::Gt, &spec.gt),
            (CmpOp::Ge, &spec.ge),
        ];
        let present: Vec<_> = all.iter().filter_map(|(op, v)| v.as_ref().map(|v| (*op, v))).collect();
        if present.len() != 1 {
            self.problem(
                "assure::comparison",
                ptr.to_string(),
                "write exactly one of eq ne lt le gt ge, e.g. `{ ge: 1 }`".into(),
                None,
            );
            return None;
        }
        let (op, value) = present[0];
        let p = format!("{ptr}/{}", op.name());
        let value = self.subst(value, &p)?;
        Some((op, value, p))
    }

    fn aggregate(&mut self, a: &AggregateSpec, ptr: &str) -> Option<Aggregate> {
        let field = self.path(&a.field, &format!("{ptr}/field"))?;
        let (op, value, p) = self.single_op(&a.comparison(), ptr)?;
        let ty = a.as_type.unwrap_or_else(|| infer(&value));
        let value = parse_literal(&value, ty, false, self.input.as_of)
            .map_err(|e| self.problem("assure::value", p, e, None))
            .ok()?;
        Some(Aggregate { field, ty, op, value })
    }

    fn templates(&mut self, base: &str) -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        env.set_fuel(Some(FUEL));
        // A missing field or lookup renders empty (`lookup.field` included) rather than failing the message.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let spec = self.input.spec;
        for (name, src) in [
            (MESSAGE, &spec.message),
            (SUMMARY, &spec.summary),
            (REMEDIATION, &spec.remediation),
        ] {
            let Some(src) = src else { continue };
            let code: usize = TEMPLATE_CODE.find_iter(src).map(|m| m.as_str().chars().count()).sum();
            if src.chars().count() > MAX_TEMPLATE_CHARS || code > MAX_CODE_CHARS {
                self.problem(
                    "assure::template",
                    format!("{base}/{name}"),
                    format!("{name} template is too long (at most {MAX_TEMPLATE_CHARS} characters, {MAX_CODE_CHARS} of them inside {{{{ }}}} and {{% %}})"),
                    None,
                );
                continue;
            }
            if let Err(e) = env.add_template_owned(name, src.clone()) {
                self.problem(
                    "assure::template",
                    format!("{base}/{name}"),
                    format!("{name} template does not compile: {e}"),
                    None,
                );
            }
        }
        env
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// The ops set on a leaf, in a fixed order.
fn present_ops(s: &ConditionSpec) -> Vec<&'static str> {
    [
        ("eq", s.eq.is_some()),
        ("ne", s.ne.is_some()),
        ("lt", s.lt.is_some()),
        ("le", s.le.is_some()),
        ("gt", s.gt.is_some()),
        ("ge", s.ge.is_some()),
        ("in", s.in_.is_some()),
        ("not_in", s.not_in.is_some()),
        ("contains", s.contains.is_some()),
        ("not_contains", s.not_contains.is_some()),
        ("starts_with", s.starts_with.is_some()),
        ("ends_with", s.ends_with.is_some()),
        ("matches", s.matches.is_some()),
        ("not_matches", s.not_matches.is_some()),
        ("subnet_of", s.subnet_of.is_some()),
        ("exists", s.exists.is_some()),
        ("absent", s.absent.is_some()),
        ("empty", s.empty.is_some()),
        ("exists_in", s.exists_in.is_some()),
        ("not_exists_in", s.not_exists_in.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, on)| on.then_some(n))
    .collect()
}

fn infer(v: &Value) -> ValueType {
    match v {
        Value::Number(_) => ValueType::Number,
        Value::Bool(_) => ValueType::Bool,
        Value::String(s) if s.trim_start().starts_with("as_of") => ValueType::Datetime,
        _ => ValueType::String,
    }
}

fn describe_expected(op: &str, values: &[(Value, String)], compiled: &Op, count: &Option<Comparison>) -> String {
    let shown = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let resolved = |t: &crate::engine::types::Typed, v: &Value| {
        if shown(v).trim_start().starts_with("as_of") {
            format!(" ({t})")
        } else {
            String::new()
        }
    };
    let base = match (compiled, values.first()) {
        (Op::Cmp(_, t), Some((v, _))) => format!("{op} {}{}", shown(v), resolved(t, v)),
        (Op::In(_) | Op::NotIn(_), _) => format!(
            "{op} [{}]",
            values.iter().map(|(v, _)| shown(v)).collect::<Vec<_>>().join(", ")
        ),
        (Op::Exists, _) => "to exist".to_string(),
        (Op::Absent, _) => "to be absent".to_string(),
        (Op::Empty(true), _) => "to be empty".to_string(),
        (Op::Empty(false), _) => "to be non-empty".to_string(),
        (Op::ExistsIn(_), _) => "to exist in the other dataset".to_string(),
        (Op::NotExistsIn(_), _) => "not to exist in the other dataset".to_string(),
        (Op::Always, _) => String::new(),
        (_, Some((v, _))) => format!("{op} {}", shown(v)),
        (_, None) => op.to_string(),
    };
    match count {
        Some(c) => format!("{base} with count {} {}", c.op.name(), c.value)
            .trim()
            .to_string(),
        None => base,
    }
}

/// Checks a parameter value against its type and bounds; returns it normalised.
pub fn check_param(kind: ParamType, v: &Value, min: Option<&Value>, max: Option<&Value>) -> Result<Value, String> {
    use crate::engine::types::parse_duration;
    let num = |v: &Value| v.as_f64();
    let out = match kind {
        ParamType::Number => v
            .as_f64()
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not a number"))?,
        ParamType::Integer => v
            .as_i64()
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not an integer"))?,
        ParamType::String => v
            .as_str()
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not a string"))?,
        ParamType::Bool => v
            .as_bool()
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not true or false"))?,
        ParamType::Duration => v
            .as_str()
            .and_then(parse_duration)
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not a duration (write 12h, 365d, 2w)"))?,
        ParamType::Date => v
            .as_str()
            .and_then(|s| s.parse::<jiff::civil::Date>().ok())
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not a date (write 2026-03-31)"))?,
        ParamType::List => v
            .as_array()
            .filter(|items| items.iter().all(|i| i.is_string() || i.is_number()))
            .map(|_| v.clone())
            .ok_or_else(|| format!("{v} is not a list of strings or numbers (write [a, b])"))?,
    };
    let measure = |v: &Value| -> Option<f64> {
        match kind {
            ParamType::Number | ParamType::Integer => num(v),
            ParamType::Duration => v.as_str().and_then(parse_duration).map(|d| d.as_secs_f64()),
            ParamType::Date => v.as_str().and_then(parse_time).map(|t| t.as_second() as f64),
            _ => None,
        }
    };
    if let (Some(x), Some(lo)) = (measure(&out), min.and_then(measure))
        && x < lo
    {
        return Err(format!(
            "{} is below the minimum {}",
            plain(&out),
            plain(min.unwrap_or(&Value::Null))
        ));
    }
    if let (Some(x), Some(hi)) = (measure(&out), max.and_then(measure))
        && x > hi
    {
        return Err(format!(
            "{} is above the maximum {}",
            plain(&out),
            plain(max.unwrap_or(&Value::Null))
        ));
    }
    Ok(out)
}

fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The closest of `candidates` to `name`, if close enough to suggest.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
