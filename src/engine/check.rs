//! Runtime types: a compiled, runnable check.
//!
//! A [`Check`] is what [`crate::pack::compile`] makes of a spec: parsed paths, typed literals with
//! parameters and the assessment date already applied, compiled regexes and a template environment holding
//! its message, summary and remediation templates. The engine only ever sees these types.

use super::types::Typed;
use crate::core::path::FieldPath;
pub use crate::core::vocab::CmpOp;
use crate::core::vocab::{Quantifier, Severity, ValueType, WhenEmpty};
use crate::spec::ops::OpDef;
use ipnet::IpNet;
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub struct Check {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub severity: Severity,
    pub standard: String,
    pub rationale: Option<String>,
    pub references: Vec<String>,
    pub maps: BTreeMap<String, Vec<String>>,
    /// Resolved parameter values (defaults with the manifest's overrides).
    pub params: BTreeMap<String, Value>,
    pub dataset: String,
    pub key: Vec<FieldPath>,
    pub lookups: Vec<Lookup>,
    pub where_: Option<Condition>,
    pub assert: Option<Condition>,
    pub deadline: Option<Deadline>,
    pub expect: Expect,
    pub when_empty: WhenEmpty,
    /// `exists_in` sets, referenced by index from conditions.
    pub sets: Vec<SetRef>,
    /// minijinja expression sources, referenced by index from conditions.
    pub exprs: Vec<String>,
    /// Message, summary and remediation templates (missing variables render empty).
    pub templates: Arc<minijinja::Environment<'static>>,
    /// Environment for `expr:` (strict undefined, fuel-limited).
    pub expr_env: Arc<minijinja::Environment<'static>>,
    /// Every dataset the check reads.
    pub datasets: BTreeSet<String>,
    /// The assessment date as a timestamp (midnight UTC).
    pub as_of: jiff::Timestamp,
    /// (dataset, field) pairs that datasets.yaml declares optional: no error when no record has them.
    pub optional: BTreeSet<(String, String)>,
    /// (secret, personal) fields of the dataset, then of each lookup's dataset, in lookup order.
    pub confidential: Vec<(Vec<String>, Vec<String>)>,
    /// With `--redact`: the key that pseudonymises personal fields in findings.
    pub redaction: Option<crate::core::redact::Redaction>,
    /// For a manual check: the evidence an assessor must review.
    pub manual: Option<String>,
}

/// Names of the templates a check registers in its environment.
pub const MESSAGE: &str = "message";
pub const SUMMARY: &str = "summary";
pub const REMEDIATION: &str = "remediation";

pub struct Lookup {
    pub alias: String,
    pub dataset: String,
    /// (this record's field, other dataset's field)
    pub on: Vec<(FieldPath, FieldPath)>,
    pub ignore_case: bool,
    /// Keys compared as host names (case-insensitive, first label of a qualified name).
    pub host_names: bool,
    pub version_prefix: Option<(FieldPath, FieldPath)>,
    /// Pick the match with the latest value of this field (as a datetime).
    pub latest: Option<FieldPath>,
    /// (this record's field, other dataset's list field): prefer matches whose list names this value.
    pub prefer: Option<(FieldPath, FieldPath)>,
    /// Among the matches left, pick the one with the earliest value of this field (as a datetime).
    pub earliest: Option<FieldPath>,
    pub where_: Option<Condition>,
}

/// A clock per record (`deadline:`): due at `from + within`; done in time, done late, overdue or pending.
pub struct Deadline {
    pub from: FieldPath,
    pub within: jiff::SignedDuration,
    pub done: Option<FieldPath>,
    /// Counted in calendar dates: the times of `from` and `done` are dropped.
    pub dates: bool,
    /// How the limit reads in findings, e.g. `72h`.
    pub within_text: String,
}

/// The other side of `exists_in`.
pub struct SetRef {
    pub dataset: String,
    pub field: FieldPath,
    pub ignore_case: bool,
    /// Values compared as host names (case-insensitive, first label of a qualified name).
    pub host_names: bool,
    pub where_: Option<Condition>,
}

pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// Index into [`Check::exprs`].
    Expr(usize),
    Leaf(Box<Leaf>),
}

pub struct Leaf {
    pub field: FieldPath,
    pub minus: Option<FieldPath>,
    /// Added to the field's date or datetime before it is compared.
    pub plus: Option<jiff::SignedDuration>,
    pub ty: ValueType,
    pub ignore_case: bool,
    pub quantifier: Option<Quantifier>,
    pub count: Option<Comparison>,
    /// `None` only with `quantifier: count` and no per-item op: every item counts.
    pub op: Option<Op>,
    /// How the expectation reads in findings, e.g. `eq true` or `ge as_of - 365d (2025-11-01)`.
    pub expected: String,
}

/// A leaf's op: its row of the op table, which says what it tests, and its operand compiled.
pub struct Op {
    pub def: &'static OpDef,
    pub arg: Arg,
}

/// An op's operand compiled, one shape per [`crate::spec::ops::Operand`].
pub enum Arg {
    /// A literal in the leaf's type.
    Value(Typed),
    List(Vec<Typed>),
    /// Lowercased with `ignore_case`.
    Text(String),
    Regex(Regex),
    Networks(Vec<IpNet>),
    Flag(bool),
    /// Index into [`Check::sets`].
    Set(usize),
}

/// A numeric comparison (counts, ratios).
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub op: CmpOp,
    pub value: f64,
}

impl Comparison {
    pub fn holds(&self, n: f64) -> bool {
        self.op.holds(n.partial_cmp(&self.value))
    }
}

/// A comparison on a field's smallest or largest value.
pub struct Aggregate {
    pub field: FieldPath,
    pub ty: ValueType,
    pub op: CmpOp,
    pub value: Typed,
}

#[derive(Default)]
pub struct Expect {
    pub count: Option<Comparison>,
    pub passing: Option<Comparison>,
    pub failing: Option<Comparison>,
    pub ratio: Option<Comparison>,
    pub min: Option<Aggregate>,
    pub max: Option<Aggregate>,
    /// Count distinct values of this field rather than records.
    pub distinct: Option<FieldPath>,
}

impl Check {
    /// A check that evaluates nothing, with no dataset: what a manual check starts from.
    pub fn blank(id: &str, severity: Severity, as_of: jiff::Timestamp) -> Check {
        Check {
            id: id.to_string(),
            version: 1,
            title: String::new(),
            severity,
            standard: String::new(),
            rationale: None,
            references: Vec::new(),
            maps: BTreeMap::new(),
            params: BTreeMap::new(),
            dataset: String::new(),
            key: Vec::new(),
            lookups: Vec::new(),
            where_: None,
            assert: None,
            deadline: None,
            expect: Expect::default(),
            when_empty: WhenEmpty::default(),
            sets: Vec::new(),
            exprs: Vec::new(),
            templates: Arc::new(minijinja::Environment::new()),
            expr_env: Arc::new(minijinja::Environment::new()),
            datasets: BTreeSet::new(),
            as_of,
            optional: BTreeSet::new(),
            confidential: Vec::new(),
            redaction: None,
            manual: None,
        }
    }
}
