//! Evaluating conditions against one record.
//!
//! A [`Scope`] holds what a check's evaluation shares across records: lookup indexes, `exists_in` sets,
//! compiled expressions and the template values for `params` and `as_of`. [`Scope::eval`] answers whether a
//! condition holds; with [`Explain`] it also says why ([`Why`]), which the engine asks only for failing records
//! so the hot path builds no strings. Records are marked through [`Scope::holds_remembering`], which answers
//! yes or no only and keeps each worker's leaf results by the text tested ([`Memo`]).

use super::check::{Check, CmpOp, Condition, Leaf, Lookup, Op};
use super::context::{RecordContext, Shared};
use super::types::{Typed, Version, convert, describe, scalar_text};
use crate::core::path::{FieldPath, Segment};
use crate::core::vocab::{Quantifier, ValueType};
use crate::evidence::{Evidence, Field, Record};
use serde_json::Value;
use std::borrow::Cow;
// Join keys and sets are hashed once per record: a fast hash (they are never iterated, so order cannot leak).
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
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

/// Results of leaf tests by the text tested, kept by one worker over one check's records. A leaf's test of a
/// text depends on nothing else, and export columns repeat (dates, scores, severities), so a hash lookup
/// replaces converting the same text again.
#[derive(Default)]
pub struct Memo<'c> {
    /// Per leaf (a check has a handful): its results, and whether it is still worth asking.
    leaves: Vec<(&'c Leaf, LeafMemo)>,
}

#[derive(Default)]
struct LeafMemo {
    results: HashMap<Box<str>, bool>,
    asked: u32,
    found: u32,
    given_up: bool,
}

/// Distinct texts remembered per leaf: enough for the dates of a decade; identifiers fill it and are then
/// tested as before.
const MEMO_PER_LEAF: usize = 4096;

/// The longest text remembered. Dates, scores, severities and versions are short; a log line or a
/// description rarely repeats, and 4,096 copies of long ones would weigh on memory.
const MEMO_TEXT_BYTES: usize = 64;

impl<'c> Memo<'c> {
    /// Whether a leaf's test costs more than the lookup: a conversion, a pattern or a list of texts. One text
    /// compared, or a value looked up in a set, is as cheap as the lookup.
    fn worth_it(leaf: &Leaf) -> bool {
        match &leaf.op {
            Op::Exists | Op::Absent | Op::Empty(_) | Op::Always | Op::ExistsIn(_) | Op::NotExistsIn(_) => false,
            Op::Cmp(_, _) => leaf.ty != ValueType::String,
            _ => true,
        }
    }

    /// `test()`'s answer for `text`, remembered while the leaf's texts repeat enough to pay for the lookups.
    fn test(&mut self, leaf: &'c Leaf, text: &str, test: impl FnOnce() -> bool) -> bool {
        if text.len() > MEMO_TEXT_BYTES {
            return test();
        }
        let at = match self.leaves.iter().position(|(l, _)| std::ptr::eq(*l, leaf)) {
            Some(at) => at,
            None => {
                self.leaves.push((leaf, LeafMemo::default()));
                self.leaves.len() - 1
            }
        };
        let Some((_, memo)) = self.leaves.get_mut(at).filter(|(_, m)| !m.given_up) else {
            return test();
        };
        memo.asked += 1;
        if let Some(&result) = memo.results.get(text) {
            memo.found += 1;
            return result;
        }
        let result = test();
        if memo.results.len() < MEMO_PER_LEAF {
            memo.results.insert(text.into(), result);
        } else if memo.found < memo.asked / 4 {
            // Full, and three texts in four are new: the column is an identifier, not worth a lookup.
            memo.given_up = true;
            memo.results = HashMap::new();
        }
        result
    }
}

/// A record of the other dataset under a join key, with what `version_prefix` or `latest` ranks it by.
struct Candidate<'a> {
    record: &'a Record,
    version: Option<Version>,
    when: Option<Typed>,
    /// With `prefer`: the values the candidate names (lowercased).
    names: Vec<String>,
    /// With `earliest`: the candidate's date.
    earliest: Option<Typed>,
}

/// A candidate under its join key.
type Keyed<'a> = (Cow<'a, str>, Candidate<'a>);

pub struct LookupIndex<'a> {
    lookup: &'a Lookup,
    map: HashMap<Cow<'a, str>, Vec<Candidate<'a>>>,
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
    pub fn without_lookups(check: &'a Check, evidence: &'a Evidence) -> Result<Scope<'a>, String> {
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
                .map_err(|e| format!("expression `{src}`: {e}"))?;
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

    /// Builds the check's lookup indexes. With `needing`, the only records that will read a join (those a
    /// `where` naming no lookup selects), a lookup into a larger dataset keeps just the keys they ask for:
    /// eight role holders then index eight staff, not all 50,000.
    pub fn add_lookups(&mut self, needing: Option<&[&'a Record]>) -> Result<(), String> {
        let check = self.check;
        for lookup in &check.lookups {
            let others = self.records(&lookup.dataset)?;
            let wanted: Option<HashSet<Cow<'a, str>>> = needing.filter(|n| n.len() < others.len()).map(|n| {
                n.par_iter()
                    .filter_map(|r| join_key(r, lookup.on.iter().map(|(this, _)| this), lookup))
                    .collect()
            });
            // Keys and ranks are computed in parallel (lowercasing and date parsing dominate); the index is
            // filled in record order, so candidates under one key keep the dataset's order.
            // Every result is kept until the first error is taken, so that error does not depend on the threads.
            // A plain `latest` needs only the latest candidate of each key: the others are dropped as they
            // come (in file order, so ties keep the first), not kept in a list per key. The candidates are
            // made a slice of records at a time, so they are never all held at once.
            let only_latest = lookup.latest.is_some()
                && lookup.version_prefix.is_none()
                && lookup.prefer.is_none()
                && lookup.earliest.is_none();
            let mut map: HashMap<Cow<'a, str>, Vec<Candidate<'_>>> = HashMap::default();
            for slice in others.chunks(CANDIDATES_AT_ONCE) {
                let keyed: Vec<Result<Option<Keyed<'a>>, String>> = slice
                    .par_iter()
                    .map(|r| self.keyed_candidate(lookup, r, wanted.as_ref()))
                    .collect();
                if let Some(e) = keyed.iter().find_map(|k| k.as_ref().err()) {
                    return Err(e.clone());
                }
                for (key, candidate) in keyed.into_iter().flatten().flatten() {
                    // Most keys name one record: a list sized for one, not the four a first push reserves.
                    let list = map.entry(key).or_insert_with(|| Vec::with_capacity(1));
                    match list.first_mut() {
                        Some(best) if only_latest => {
                            if later(&candidate, best) {
                                *best = candidate;
                            }
                        }
                        _ => list.push(candidate),
                    }
                }
            }
            self.lookups.push(LookupIndex { lookup, map });
        }
        Ok(())
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
    fn selected_joined(&self, dataset: &str, cond: Option<&Condition>, r: &'a Record) -> Result<bool, String> {
        self.selected_bare(cond, r).map_err(|e| {
            super::confidential::error_text_in(self.check, dataset, r, |shown| self.selected_bare(cond, shown).err())
                .unwrap_or(e)
        })
    }

    /// A record of a lookup's dataset under its join key, if the lookup's `where` selects it and it has one
    /// (among the `wanted` keys, when given).
    fn keyed_candidate(
        &self,
        lookup: &Lookup,
        r: &'a Record,
        wanted: Option<&HashSet<Cow<'a, str>>>,
    ) -> Result<Option<Keyed<'a>>, String> {
        if !self.selected_joined(&lookup.dataset, lookup.where_.as_ref(), r)? {
            return Ok(None);
        }
        let Some(key) = join_key(r, lookup.on.iter().map(|(_, other)| other), lookup) else {
            return Ok(None);
        };
        if wanted.is_some_and(|w| !w.contains(key.as_ref())) {
            return Ok(None);
        }
        let version = lookup
            .version_prefix
            .as_ref()
            .and_then(|(_, other)| r.get_path(other, 0))
            .and_then(scalar_text)
            .and_then(|t| Version::parse(&t));
        let when = lookup
            .latest
            .as_ref()
            .and_then(|f| r.get_path(f, 0))
            .and_then(|v| convert(v, ValueType::Datetime, false).ok());
        let names = lookup
            .prefer
            .as_ref()
            .and_then(|(_, other)| r.get_path(other, 0))
            .map(|v| match v.as_list() {
                Some(items) => items
                    .iter()
                    .filter_map(|i| scalar_text(Field::of(i)).map(|t| t.trim().to_lowercase()))
                    .collect(),
                None => scalar_text(v)
                    .map(|t| t.split([',', ';']).map(|n| n.trim().to_lowercase()).collect())
                    .unwrap_or_default(),
            })
            .unwrap_or_default();
        let earliest = lookup
            .earliest
            .as_ref()
            .and_then(|f| r.get_path(f, 0))
            .and_then(|v| convert(v, ValueType::Datetime, false).ok());
        Ok(Some((
            key,
            Candidate {
                record: r,
                version,
                when,
                names,
                earliest,
            },
        )))
    }

    /// The records of a dataset, or why they cannot be used.
    pub fn records(&self, name: &str) -> Result<&'a [Record], String> {
        dataset_records(self.evidence, name)
    }

    fn selected_bare(&self, cond: Option<&Condition>, record: &Record) -> Result<bool, String> {
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
    pub fn holds(&self, cond: &Condition, view: View<'_>) -> Result<bool, String> {
        self.holds_remembering(cond, view, None)
    }

    /// [`Scope::holds`], taking and keeping leaf results for texts in `memo`.
    pub fn holds_remembering<'c>(
        &self,
        cond: &'c Condition,
        view: View<'_>,
        mut memo: Option<&mut Memo<'c>>,
    ) -> Result<bool, String> {
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

    pub fn eval(&self, cond: &Condition, view: View<'_>, explain: Explain) -> Result<Outcome, String> {
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
                let value = self.exprs[*i]
                    .eval(ctx)
                    .map_err(|e| format!("expression `{}` failed: {e}", self.check.exprs[*i]))?;
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
    fn single_value<'v>(&self, leaf: &Leaf, view: View<'v>) -> Result<Option<Field<'v>>, String>
    where
        'a: 'v,
    {
        let value = self.get(view, &leaf.field);
        if value.and_then(|v| v.as_list()).is_some() && tests_items(&leaf.op) {
            return Err(format!(
                "field `{}` holds a list; the check must say how to combine its items with `quantifier: any|all|none|count`",
                leaf.field
            ));
        }
        Ok(value)
    }

    fn eval_leaf(&self, leaf: &Leaf, view: View<'_>, explain: Explain) -> Result<Outcome, String> {
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
            let holds = diff.as_ref().is_ok_and(|d| self.test_typed(&leaf.op, d));
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
        let present = value.filter(|v| !v.is_null());
        match &leaf.op {
            Op::Exists => return Ok(present.is_some()),
            Op::Absent => return Ok(present.is_none()),
            Op::Empty(want) => return Ok(is_empty(present) == *want),
            Op::NotExistsIn(_) if present.is_none() => return Ok(true),
            Op::Always => return Ok(true),
            _ => {}
        }
        let Some(v) = present else {
            return Err("is missing".to_string());
        };
        let ic = leaf.ignore_case;
        // Text against text literals, the commonest test, without copying (or lowercasing) the text.
        if leaf.ty == ValueType::String
            && let Some(t) = scalar_text(v)
        {
            let text = LiteralMatch::new(&t, ic);
            let equal = |lit: &Typed| matches!(lit, Typed::Str(s) if text.equals(s));
            match &leaf.op {
                Op::In(list) => return Ok(list.iter().any(equal)),
                Op::NotIn(list) => return Ok(!list.iter().any(equal)),
                Op::Cmp(CmpOp::Eq, lit) => return Ok(equal(lit)),
                Op::Cmp(CmpOp::Ne, lit) => return Ok(!equal(lit)),
                Op::StartsWith(s) if ic && t.is_ascii() => {
                    return Ok(t.get(..s.len()).is_some_and(|head| head.eq_ignore_ascii_case(s)));
                }
                Op::EndsWith(s) if ic && t.is_ascii() => {
                    let tail = t.len().checked_sub(s.len()).and_then(|at| t.get(at..));
                    return Ok(tail.is_some_and(|tail| tail.eq_ignore_ascii_case(s)));
                }
                _ => {}
            }
        }
        let text = || {
            scalar_text(v)
                .map(|t| if ic { Cow::Owned(t.to_lowercase()) } else { t })
                .ok_or_else(|| format!("{} is not text", describe(v)))
        };
        let typed = || -> Result<Typed, String> {
            let t = convert(v, leaf.ty, ic)?;
            let Some(d) = leaf.plus else { return Ok(t) };
            let out_of_range = || format!("{} plus {d} is out of range", describe(v));
            Ok(match t {
                Typed::Date(x) => Typed::Date(x.checked_add(d).map_err(|_| out_of_range())?),
                Typed::Time(x) => Typed::Time(x.checked_add(d).map_err(|_| out_of_range())?),
                other => other,
            })
        };
        Ok(match &leaf.op {
            Op::Cmp(op, lit) => op.holds(typed()?.compare(lit)),
            Op::In(list) => {
                let t = typed()?;
                list.iter().any(|l| t.compare(l).is_some_and(|o| o.is_eq()))
            }
            Op::NotIn(list) => {
                let t = typed()?;
                !list.iter().any(|l| t.compare(l).is_some_and(|o| o.is_eq()))
            }
            Op::Contains(lit) => contains(v, lit, leaf.ty, ic)?,
            Op::NotContains(lit) => !contains(v, lit, leaf.ty, ic)?,
            Op::StartsWith(s) => text()?.starts_with(s.as_str()),
            Op::EndsWith(s) => text()?.ends_with(s.as_str()),
            Op::Matches(re) => re.is_match(&scalar_text(v).ok_or_else(|| format!("{} is not text", describe(v)))?),
            Op::NotMatches(re) => !re.is_match(&scalar_text(v).ok_or_else(|| format!("{} is not text", describe(v)))?),
            Op::SubnetOf(nets) => match convert(v, crate::core::vocab::ValueType::Cidr, false)? {
                Typed::Cidr(n) => nets.iter().any(|net| net.contains(&n)),
                _ => false,
            },
            Op::ExistsIn(i) | Op::NotExistsIn(i) => {
                let t = text()?;
                let set = &self.sets[*i];
                let spec = &self.check.sets[*i];
                let found = if spec.host_names {
                    set.contains(fold_key(t, true, true).as_ref())
                } else if spec.ignore_case && !ic {
                    set.contains(t.to_lowercase().as_str())
                } else {
                    set.contains(t.as_ref())
                };
                found == matches!(leaf.op, Op::ExistsIn(_))
            }
            Op::Exists | Op::Absent | Op::Empty(_) | Op::Always => unreachable_ops(),
        })
    }

    fn test_typed(&self, op: &Op, value: &Typed) -> bool {
        match op {
            Op::Cmp(op, lit) => op.holds(value.compare(lit)),
            Op::In(list) => list.iter().any(|l| value.compare(l).is_some_and(|o| o.is_eq())),
            Op::NotIn(list) => !list.iter().any(|l| value.compare(l).is_some_and(|o| o.is_eq())),
            _ => false,
        }
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

impl<'a> LookupIndex<'a> {
    /// `prefer` then `earliest` among `pool`: the candidates naming this record's value if any do, else all of
    /// them; then the earliest dated (undated only when none is dated), else the first in file order.
    fn choose(&self, record: &Record, pool: Vec<&Candidate<'a>>) -> Option<&'a Record> {
        let wanted = self
            .lookup
            .prefer
            .as_ref()
            .and_then(|(field, _)| record.get_path(field, 0))
            .and_then(scalar_text)
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let named: Vec<&Candidate<'a>> = match &wanted {
            Some(w) => pool
                .iter()
                .copied()
                .filter(|c| c.names.iter().any(|n| n == w))
                .collect(),
            None => Vec::new(),
        };
        let pool = if named.is_empty() { pool } else { named };
        if self.lookup.earliest.is_none() {
            return pool.first().map(|c| c.record);
        }
        by_date(pool, |c| c.earliest.as_ref(), std::cmp::Ordering::Less)
    }

    fn find(&self, record: &Record) -> Option<&'a Record> {
        let key = join_key(record, self.lookup.on.iter().map(|(this, _)| this), self.lookup)?;
        let candidates = self.map.get(key.as_ref())?;
        if let Some((field, _)) = &self.lookup.version_prefix {
            let version = record
                .get_path(field, 0)
                .and_then(scalar_text)
                .and_then(|t| Version::parse(&t))?;
            let prefixes = candidates
                .iter()
                .filter(|c| c.version.as_ref().is_some_and(|v| v.is_prefix_of(&version)));
            if self.lookup.prefer.is_none() && self.lookup.earliest.is_none() {
                // The longest prefix; among equals the last in file order (a trust's own records follow the pack's).
                return prefixes
                    .max_by_key(|c| c.version.as_ref().map_or(0, Version::len))
                    .map(|c| c.record);
            }
            let prefixes: Vec<&Candidate<'a>> = prefixes.collect();
            let longest = prefixes
                .iter()
                .map(|c| c.version.as_ref().map_or(0, Version::len))
                .max()?;
            let best: Vec<&Candidate<'a>> = prefixes
                .into_iter()
                .filter(|c| c.version.as_ref().map_or(0, Version::len) == longest)
                .collect();
            return self.choose(record, best);
        }
        if self.lookup.prefer.is_some() || self.lookup.earliest.is_some() {
            return self.choose(record, candidates.iter().collect());
        }
        if self.lookup.latest.is_some() {
            return by_date(candidates, |c| c.when.as_ref(), std::cmp::Ordering::Greater);
        }
        candidates.first().map(|c| c.record)
    }
}

/// Records of a lookup's dataset whose candidates are made in parallel before they join the index.
const CANDIDATES_AT_ONCE: usize = 1 << 14;

/// Whether `c` would replace `best` as the latest candidate in [`by_date`]: a dated one replaces an undated
/// one, a later date an earlier one.
fn later(c: &Candidate<'_>, best: &Candidate<'_>) -> bool {
    match (&best.when, &c.when) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(b), Some(d)) => d.compare(b) == Some(std::cmp::Ordering::Greater),
    }
}

/// The candidate whose date compares as `wanted` (Greater: latest, Less: earliest) with every other; undated
/// candidates only when none is dated; ties keep file order.
fn by_date<'c, 'a: 'c>(
    pool: impl IntoIterator<Item = &'c Candidate<'a>>,
    date: impl Fn(&'c Candidate<'a>) -> Option<&'c Typed>,
    wanted: std::cmp::Ordering,
) -> Option<&'a Record> {
    let mut best: Option<&Candidate<'a>> = None;
    for c in pool {
        let better = match (best.and_then(&date), date(c)) {
            (_, None) => best.is_none(),
            (None, Some(_)) => true,
            (Some(b), Some(d)) => d.compare(b) == Some(wanted),
        };
        if better {
            best = Some(c);
        }
    }
    best.map(|c| c.record)
}

/// The records of a dataset, or why a check cannot use them.
pub fn dataset_records<'e>(evidence: &'e Evidence, name: &str) -> Result<&'e [Record], String> {
    match evidence.datasets.get(name) {
        None => Err(format!(
            "no evidence for dataset `{name}`: add it under `datasets:` in assure.yaml (with the files holding the export)"
        )),
        Some(d) => match &d.error {
            Some(e) => Err(format!("dataset `{name}` could not be loaded: {e}")),
            None => Ok(&d.records),
        },
    }
}

/// A record's join key: the text of its key field, or for several fields each one's length and text (so no
/// two different lists of values make the same key). Borrowed from the evidence for one field when it can be.
fn join_key<'r, 'p>(
    record: &'r Record,
    mut paths: impl ExactSizeIterator<Item = &'p FieldPath>,
    lookup: &Lookup,
) -> Option<Cow<'r, str>> {
    let text = |p: &FieldPath| {
        let t = scalar_text(record.get_path(p, 0)?)?;
        Some(fold_key(t, lookup.ignore_case, lookup.host_names))
    };
    if paths.len() == 1 {
        return text(paths.next()?);
    }
    let mut key = String::new();
    for p in paths {
        let t = text(p)?;
        key.push_str(&t.len().to_string());
        key.push(':');
        key.push_str(&t);
    }
    Some(Cow::Owned(key))
}

/// A join key or set value as compared: as written, lowercased, or as a host name (lowercased, and a fully
/// qualified name cut to its first label, so `rxx-lt-0002.rxx.nhs.uk.` is `rxx-lt-0002`; an IP address whole).
pub(crate) fn fold_key(t: Cow<'_, str>, ignore_case: bool, host_names: bool) -> Cow<'_, str> {
    if !host_names {
        return if ignore_case { lowercase(t) } else { t };
    }
    let name = t.trim().trim_end_matches('.');
    let short = if name.parse::<std::net::IpAddr>().is_ok() {
        name
    } else {
        name.split('.').next().unwrap_or(name)
    };
    Cow::Owned(short.to_lowercase())
}

/// Record text made ready, once per value, to compare with text literals (lowercased when compiled if
/// `ignore_case`): an `in` list of several literals decides how to fold case once, not per literal.
enum LiteralMatch<'t> {
    Exact(&'t str),
    /// ASCII text lowercases byte for byte, so it is compared in place.
    AsciiFolded(&'t str),
    Lowered(String),
}

impl<'t> LiteralMatch<'t> {
    fn new(text: &'t str, ignore_case: bool) -> Self {
        match ignore_case {
            false => LiteralMatch::Exact(text),
            true if text.is_ascii() => LiteralMatch::AsciiFolded(text),
            true => LiteralMatch::Lowered(text.to_lowercase()),
        }
    }

    fn equals(&self, literal: &str) -> bool {
        match self {
            LiteralMatch::Exact(text) => *text == literal,
            LiteralMatch::AsciiFolded(text) => text.eq_ignore_ascii_case(literal),
            LiteralMatch::Lowered(text) => text == literal,
        }
    }
}

/// Lowercased text, borrowed when it has no capitals to lower.
fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        text
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

fn contains(v: Field<'_>, lit: &Typed, ty: ValueType, ic: bool) -> Result<bool, String> {
    match v.as_list() {
        Some(items) => Ok(items.iter().any(|i| {
            convert(Field::of(i), ty, ic)
                .ok()
                .and_then(|t| t.compare(lit))
                .is_some_and(|o| o.is_eq())
        })),
        None => match (convert(v, ty, ic)?, lit) {
            (Typed::Cidr(net), Typed::Cidr(inner)) => Ok(net.contains(inner)),
            (Typed::Str(s), Typed::Str(sub)) => Ok(s.contains(sub.as_str())),
            (t, lit) => Ok(t.to_string().contains(&lit.to_string())),
        },
    }
}

/// Ops that test a list's items (and so need a quantifier on a list value).
fn tests_items(op: &Op) -> bool {
    !matches!(
        op,
        Op::Contains(_) | Op::NotContains(_) | Op::Exists | Op::Absent | Op::Empty(_)
    )
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

fn unreachable_ops() -> bool {
    // Handled before the match above; kept total without panicking.
    false
}

#[cfg(test)]
mod tests {
    use super::LiteralMatch;

    fn same_text(text: &str, literal: &str, ignore_case: bool) -> bool {
        LiteralMatch::new(text, ignore_case).equals(literal)
    }

    #[test]
    fn text_compares_with_literals_as_lowercasing_would() {
        // Literals are lowercased when compiled with `ignore_case`.
        for (text, literal) in [
            ("Critical", "critical"),
            ("ÉCOLE", "école"),
            ("High", "critical"),
            ("İ", "i̇"),
        ] {
            assert_eq!(
                same_text(text, literal, true),
                text.to_lowercase() == literal,
                "{text} ~ {literal}"
            );
        }
        assert!(same_text("High", "High", false) && !same_text("High", "high", false));
    }
}
