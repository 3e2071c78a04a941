//! Evaluating conditions against one record.
//!
//! A [`Scope`] holds what a check's evaluation shares across records: lookup indexes, `exists_in` sets,
//! compiled expressions and the template values for `params` and `as_of`. [`Scope::eval`] answers whether a
//! condition holds; with [`Explain`] it also says why ([`Why`]), which the engine asks only for failing records
//! so the hot path builds no strings. Records are marked through [`Scope::holds_remembering`], which answers
//! yes or no only and keeps each worker's leaf results by the text tested ([`Memo`](super::memo::Memo)).

use super::check::{Check, Condition, Leaf};
use super::context::{RecordContext, Shared};
pub use super::error::EvalError;
pub use super::lookup::LookupIndex;
use super::lookup::fold_key;
pub use super::memo::Memo;
use super::ops::Sets;
use super::types::{Typed, convert, describe, scalar_text};
use crate::core::path::{FieldPath, Segment};
use crate::core::vocab::{Quantifier, ValueType};
use crate::evidence::{Evidence, Field, Record};
use serde_json::Value;
use std::borrow::Cow;
// Join keys and sets are hashed once per record: a fast hash (they are never iterated, so order cannot leak).
use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;

/// Why a condition did or did not hold: the field, what it held, and a sentence.
#[derive(Debug, Clone, Default)]
pub struct Why {
    pub field: Option<String>,
    pub observed: Option<Value>,
    pub text: String,
}

pub struct Outcome {
    pub holds: bool,
    pub why: Option<Why>,
}

/// How much [`Scope::eval`] works out about why a condition does or does not hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Explain {
    /// Only whether it holds.
    No,
    /// The field at fault and what it held: a finding whose message comes from a template needs no more.
    Culprit,
    /// Those and a sentence saying why.
    Sentence,
}

impl Explain {
    fn wanted(self) -> bool {
        self != Explain::No
    }

    /// The sentence, formatted only when it is wanted.
    fn text(self, sentence: impl FnOnce() -> String) -> String {
        match self {
            Explain::Sentence => sentence(),
            Explain::No | Explain::Culprit => String::new(),
        }
    }
}

/// A record with the records its lookups attached.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub record: &'a Record,
    pub joined: &'a [Option<&'a Record>],
}

pub struct Scope<'a> {
    pub check: &'a Check,
    pub evidence: &'a Evidence,
    pub lookups: Vec<LookupIndex<'a>>,
    /// Values of each `exists_in` set, borrowed from the evidence where they need no lowercasing.
    pub sets: Vec<HashSet<Cow<'a, str>>>,
    pub exprs: Vec<minijinja::Expression<'a, 'a>>,
    /// The template values every record's context shares.
    pub template: Shared,
}

const NO_JOINS: &[Option<&Record>] = &[];

impl<'a> Scope<'a> {
    /// Builds `exists_in` sets and expressions, but not yet the lookup indexes ([`Scope::add_lookups`]): a
    /// `where` that names no lookup can be evaluated first, and indexing another dataset skipped when it
    /// selects nothing. Fails with a cause when a dataset is unusable.
    pub fn without_lookups(check: &'a Check, evidence: &'a Evidence) -> Result<Scope<'a>, EvalError> {
        let mut scope = Scope {
            check,
            evidence,
            lookups: Vec::new(),
            sets: Vec::new(),
            exprs: Vec::new(),
            template: Shared {
                params: minijinja::Value::from(minijinja::value::Serde(&check.params)),
                as_of: minijinja::Value::from(super::types::utc_date(check.as_of).to_string()),
                check: minijinja::context! { id => check.id.clone(), title => check.title.clone() },
                aliases: check.lookups.iter().map(|l| l.alias.clone()).collect(),
            },
        };
        for src in &check.exprs {
            let expr = check
                .expr_env
                .compile_expression(src)
                .map_err(|e| EvalError::ExprInvalid {
                    expr: src.clone(),
                    cause: e.to_string(),
                })?;
            scope.exprs.push(expr);
        }
        for set in &check.sets {
            let mut values = HashSet::new();
            for r in scope.records(&set.dataset)? {
                if !scope.selected_joined(&set.dataset, set.where_.as_ref(), r)? {
                    continue;
                }
                let mut found = Vec::new();
                r.resolve(&set.field, 0, &mut found);
                for v in found {
                    let items: Vec<Field<'_>> = match v.as_list() {
                        Some(a) => a.iter().map(Field::of).collect(),
                        None => vec![v],
                    };
                    for item in items {
                        if let Some(t) = scalar_text(item) {
                            values.insert(fold_key(t, set.ignore_case, set.host_names));
                        }
                    }
                }
            }
            scope.sets.push(values);
        }
        Ok(scope)
    }

    /// Whether `cond` reads a lookup's record (a field under its name, or any expression, which may).
    pub fn uses_lookups(&self, cond: &Condition) -> bool {
        let named = |p: &crate::core::path::FieldPath| {
            p.head()
                .is_some_and(|h| self.check.lookups.iter().any(|l| l.alias == h))
        };
        match cond {
            Condition::All(items) | Condition::Any(items) => items.iter().any(|c| self.uses_lookups(c)),
            Condition::Not(inner) => self.uses_lookups(inner),
            Condition::Expr(_) => true,
            Condition::Leaf(leaf) => named(&leaf.field) || leaf.minus.as_ref().is_some_and(named),
        }
    }

    /// Whether `cond` holds for some record, looking at each without joins; an error counts as holding, so
    /// the full evaluation meets it and reports it.
    pub fn selects_any(&self, cond: &Condition, records: &'a [Record]) -> bool {
        records
            .par_iter()
            .any(|r| !matches!(self.selected_bare(Some(cond), r), Ok(false)))
    }

    /// The records `cond` holds for, looking at each without joins; as in [`Scope::selects_any`], an error
    /// counts as holding.
    pub fn selected(&self, cond: &Condition, records: &'a [Record]) -> Vec<&'a Record> {
        records
            .par_iter()
            .filter(|r| !matches!(self.selected_bare(Some(cond), r), Ok(false)))
            .collect()
    }

    /// Whether a lookup's or set's `where` selects `r`, a record of `dataset`; an error is said again with
    /// that dataset's confidential values hidden, as one on the check's own records is.
    pub(super) fn selected_joined(
        &self,
        dataset: &str,
        cond: Option<&Condition>,
        r: &'a Record,
    ) -> Result<bool, EvalError> {
        self.selected_bare(cond, r).map_err(|e| {
            super::confidential::error_text_in(self.check, dataset, r, |shown| self.selected_bare(cond, shown).err())
                .unwrap_or(e)
        })
    }

    /// The records of a dataset, or why they cannot be used.
    pub fn records(&self, name: &str) -> Result<&'a [Record], EvalError> {
        dataset_records(self.evidence, name)
    }

    fn selected_bare(&self, cond: Option<&Condition>, record: &Record) -> Result<bool, EvalError> {
        match cond {
            None => Ok(true),
            Some(c) => self.holds(
                c,
                View {
                    record,
                    joined: NO_JOINS,
                },
            ),
        }
    }

    /// The records each lookup attaches to `record`, in lookup order.
    pub fn join(&self, record: &'a Record) -> Vec<Option<&'a Record>> {
        self.lookups.iter().map(|idx| idx.find(record)).collect()
    }

    /// Resolves a path without wildcards against a view (lookup names, `_file`, `_line`, then the record).
    pub fn get<'v>(&self, view: View<'v>, path: &FieldPath) -> Option<Field<'v>>
    where
        'a: 'v,
    {
        // The commonest path, one plain field of the record itself, goes straight to it.
        if view.joined.is_empty()
            && let [Segment::Key(key)] = path.segments.as_slice()
            && key != "_file"
            && key != "_line"
        {
            return view.record.get_hinted(key, &path.hint);
        }
        if let Some(head) = path.head() {
            if !view.joined.is_empty()
                && let Some(i) = self.check.lookups.iter().position(|l| l.alias == head)
            {
                return view.joined[i].and_then(|r| r.get_path(path, 1));
            }
            if path.segments.len() == 1 {
                match head {
                    "_file" => return Some(Field::Text(self.evidence.file_path(view.record.file()))),
                    "_line" => return Some(Field::Int(view.record.line().into())),
                    _ => {}
                }
            }
        }
        view.record.get_path(path, 0)
    }

    fn get_many<'v>(&self, view: View<'v>, path: &FieldPath) -> Vec<Field<'v>>
    where
        'a: 'v,
    {
        let mut out = Vec::new();
        if let Some(head) = path.head()
            && !view.joined.is_empty()
            && let Some(i) = self.check.lookups.iter().position(|l| l.alias == head)
        {
            if let Some(r) = view.joined[i] {
                r.resolve(path, 1, &mut out);
            }
            return out;
        }
        view.record.resolve(path, 0, &mut out);
        out
    }

    /// Whether `cond` holds: [`Scope::eval`] without an explanation, the path every record takes, so it builds
    /// no [`Outcome`] for the common shapes.
    pub fn holds(&self, cond: &Condition, view: View<'_>) -> Result<bool, EvalError> {
        self.holds_remembering(cond, view, None)
    }

    /// [`Scope::holds`], taking and keeping leaf results for texts in `memo`.
    pub fn holds_remembering<'c>(
        &self,
        cond: &'c Condition,
        view: View<'_>,
        mut memo: Option<&mut Memo<'c>>,
    ) -> Result<bool, EvalError> {
        match cond {
            Condition::All(items) => {
                for c in items {
                    if !self.holds_remembering(c, view, memo.as_deref_mut())? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Any(items) => {
                for c in items {
                    if self.holds_remembering(c, view, memo.as_deref_mut())? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Condition::Not(inner) => Ok(!self.holds_remembering(inner, view, memo)?),
            Condition::Leaf(leaf) if leaf.minus.is_none() && leaf.quantifier.is_none() => {
                let value = self.single_value(leaf, view)?;
                let test = || matches!(self.test_value(leaf, value), Ok(true));
                Ok(match (value, memo) {
                    (Some(Field::Text(text)), Some(memo)) if Memo::worth_it(leaf) => memo.test(leaf, text, test),
                    _ => test(),
                })
            }
            other => Ok(self.eval(other, view, Explain::No)?.holds),
        }
    }

    pub fn eval(&self, cond: &Condition, view: View<'_>, explain: Explain) -> Result<Outcome, EvalError> {
        match cond {
            Condition::All(items) => {
                let mut last = None;
                for c in items {
                    let o = self.eval(c, view, explain)?;
                    if !o.holds {
                        return Ok(o);
                    }
                    last = o.why;
                }
                Ok(Outcome { holds: true, why: last })
            }
            Condition::Any(items) => {
                let mut whys = Vec::new();
                for c in items {
                    let o = self.eval(c, view, explain)?;
                    if o.holds {
                        return Ok(o);
                    }
                    whys.extend(o.why);
                }
                let why = explain.wanted().then(|| Why {
                    field: whys.first().and_then(|w| w.field.clone()),
                    observed: whys.first().and_then(|w| w.observed.clone()),
                    text: explain.text(|| {
                        format!(
                            "none of these hold: {}",
                            whys.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join("; ")
                        )
                    }),
                });
                Ok(Outcome { holds: false, why })
            }
            Condition::Not(inner) => {
                let o = self.eval(inner, view, explain)?;
                let why = o.why.map(|w| Why {
                    text: explain.text(|| format!("{} (this must not hold)", w.text)),
                    ..w
                });
                Ok(Outcome { holds: !o.holds, why })
            }
            Condition::Expr(i) => {
                let ctx = self.context(view);
                let value = self.exprs[*i].eval(ctx).map_err(|e| EvalError::ExprFailed {
                    expr: self.check.exprs[*i].clone(),
                    cause: e.to_string(),
                })?;
                let holds = value.is_true();
                let why = explain.wanted().then(|| Why {
                    field: None,
                    observed: None,
                    text: explain
                        .text(|| format!("`{}` is {}", self.check.exprs[*i], if holds { "true" } else { "false" })),
                });
                Ok(Outcome { holds, why })
            }
            Condition::Leaf(leaf) => self.eval_leaf(leaf, view, explain),
        }
    }

    /// The value a leaf without a quantifier tests; a list is an error unless its op reads the list whole.
    fn single_value<'v>(&self, leaf: &Leaf, view: View<'v>) -> Result<Option<Field<'v>>, EvalError>
    where
        'a: 'v,
    {
        let value = self.get(view, &leaf.field);
        if value.and_then(|v| v.as_list()).is_some() && super::ops::tests_items(leaf.op.as_ref()) {
            return Err(EvalError::ListWithoutQuantifier {
                field: leaf.field.to_string(),
            });
        }
        Ok(value)
    }

    fn eval_leaf(&self, leaf: &Leaf, view: View<'_>, explain: Explain) -> Result<Outcome, EvalError> {
        if let Some(minus) = &leaf.minus {
            let diff = (|| {
                let read = |p: &FieldPath| {
                    let v = self
                        .get(view, p)
                        .filter(|v| !v.is_null())
                        .ok_or_else(|| format!("{p} is missing"))?;
                    match convert(v, ValueType::Datetime, false)? {
                        Typed::Time(t) => Ok(t),
                        _ => Err(format!("{p} is not a datetime")),
                    }
                };
                let (a, b) = (read(&leaf.field)?, read(minus)?);
                Ok::<_, String>(Typed::Duration(a.duration_since(b)))
            })();
            let holds = diff.as_ref().is_ok_and(|d| super::ops::test_typed(leaf.op.as_ref(), d));
            let why = explain.wanted().then(|| {
                let field = format!("{} - {}", leaf.field, minus);
                match &diff {
                    Ok(d) => Why {
                        text: explain.text(|| format!("{field} is {d}; expected {}", leaf.expected)),
                        observed: Some(Value::String(d.to_string())),
                        field: Some(field),
                    },
                    Err(reason) => Why {
                        text: explain.text(|| format!("{reason}; expected {field} {}", leaf.expected)),
                        observed: None,
                        field: Some(field),
                    },
                }
            });
            return Ok(Outcome { holds, why });
        }

        if let Some(q) = leaf.quantifier {
            let items: Vec<Field<'_>> = if leaf.field.has_wildcard() {
                self.get_many(view, &leaf.field)
            } else {
                match self.get(view, &leaf.field) {
                    None => Vec::new(),
                    Some(f) if f.is_null() => Vec::new(),
                    Some(f) => match f.as_list() {
                        Some(a) => a.iter().map(Field::of).collect(),
                        None => vec![f],
                    },
                }
            };
            let mut matched = 0usize;
            for item in &items {
                if self.test_value(leaf, Some(*item)).unwrap_or(false) {
                    matched += 1;
                }
            }
            let holds = match q {
                Quantifier::Any => matched > 0,
                Quantifier::All => matched == items.len(),
                Quantifier::None => matched == 0,
                Quantifier::Count => leaf.count.is_some_and(|c| c.holds(matched as f64)),
            };
            let why = explain.wanted().then(|| {
                let observed = Value::Array(items.iter().map(Field::to_value).collect());
                let quant = match q {
                    Quantifier::Any => "any item",
                    Quantifier::All => "every item",
                    Quantifier::None => "no item",
                    Quantifier::Count => "a count of items",
                };
                Why {
                    text: explain.text(|| {
                        format!(
                            "{} is {} ({matched} of {} match); expected {quant} {}",
                            leaf.field,
                            describe_list(&observed),
                            items.len(),
                            leaf.expected
                        )
                    }),
                    field: Some(leaf.field.to_string()),
                    observed: Some(observed),
                }
            });
            return Ok(Outcome { holds, why });
        }

        let value = self.single_value(leaf, view)?;
        let result = self.test_value(leaf, value);
        let holds = matches!(result, Ok(true));
        let why = explain.wanted().then(|| {
            let observed = value.map(|v| v.to_value());
            let text = explain.text(|| match (&result, value) {
                (_, None) => format!("{} is missing; expected {}", leaf.field, leaf.expected),
                (Err(reason), _) => format!("{}: {reason}; expected {}", leaf.field, leaf.expected),
                (Ok(_), Some(v)) => format!("{} is {}; expected {}", leaf.field, describe(v), leaf.expected),
            });
            Why {
                field: Some(leaf.field.to_string()),
                observed,
                text,
            }
        });
        Ok(Outcome { holds, why })
    }

    /// Tests one value. `Err` explains a value that is missing or cannot be converted (the test fails).
    fn test_value(&self, leaf: &Leaf, value: Option<Field<'_>>) -> Result<bool, String> {
        let sets = Sets {
            values: &self.sets,
            specs: &self.check.sets,
        };
        super::ops::test_value(leaf, value, sets)
    }

    /// Template context for one record: its fields at top level and as `record`, lookups, params, as_of, check.
    pub fn context(&self, view: View<'_>) -> minijinja::Value {
        RecordContext::value(
            &self.template,
            view.record,
            self.evidence.file_path(view.record.file()),
            view.joined,
        )
    }
}

/// The records of a dataset, or why a check cannot use them.
pub fn dataset_records<'e>(evidence: &'e Evidence, name: &str) -> Result<&'e [Record], EvalError> {
    match evidence.datasets.get(name) {
        None => Err(EvalError::NoEvidence {
            dataset: name.to_string(),
        }),
        Some(d) => match &d.error {
            Some(e) => Err(EvalError::Unloadable {
                dataset: name.to_string(),
                cause: e.to_string(),
            }),
            None => Ok(&d.records),
        },
    }
}

/// Lowercased text, borrowed when it has no capitals to lower.
pub(super) fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        text
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

pub(crate) fn is_empty(v: Option<Field<'_>>) -> bool {
    match v.map(Field::normalised) {
        None | Some(Field::Null) => true,
        Some(Field::Text(s)) => s.trim().is_empty(),
        Some(Field::Json(Value::Array(a))) => a.is_empty(),
        Some(Field::Json(Value::Object(o))) => o.is_empty(),
        Some(Field::Record(r)) => r.fields().is_empty(),
        Some(_) => false,
    }
}

fn describe_list(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}
