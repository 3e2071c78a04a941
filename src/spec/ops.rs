//! The ops a condition leaf can take, as one table: name, operand, the other spellings people write for it, an
//! example, and how to read it from a leaf (what each means is in `docs/check-language.md`). The compiler
//! reads which op a leaf has and its operand from here, schema errors suggest an op from the aliases, the
//! "no op" message lists the names, and the docs test checks that `docs/check-language.md` gives every op its own row with this example, compiled.
//!
//! Adding an op: a field on [`ConditionSpec`] (so the schema knows it), a row here, its compiled form in
//! `crate::engine::check::Op` with its evaluation in `crate::engine::condition`, and its row in the docs.

use super::ConditionSpec;
use serde_json::Value;

/// What an op takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// A scalar, converted to the leaf's type.
    Scalar,
    /// A non-empty list of scalars (a list parameter inside it stands for its items).
    List,
    /// A string.
    Text,
    /// A Rust regex (unanchored).
    Regex,
    /// A CIDR network, or a list of them.
    Network,
    /// `true` (or, for `empty`, `false`).
    Flag,
    /// Another dataset's field (`{ dataset, field, where }`).
    Dataset,
}

/// One op.
pub struct OpDef {
    pub name: &'static str,
    pub operand: Operand,
    /// Other spellings people write (`gte`, `>=`), answered with this op's name.
    pub aliases: &'static [&'static str],
    /// A one-line leaf using it, as the docs show it.
    pub example: &'static str,
    /// Its value on a leaf, if the leaf has it.
    pub value: fn(&ConditionSpec) -> Option<Value>,
}

impl OpDef {
    /// Whether the op compares values in order or for equality, so it takes a `minus` duration.
    pub fn compares(&self) -> bool {
        matches!(self.name, "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "in" | "not_in")
    }
}

fn json<T: serde::Serialize>(v: &Option<T>) -> Option<Value> {
    v.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

/// Every op, in the order leaves are checked and docs list them.
pub const OPS: &[OpDef] = &[
    OpDef {
        name: "eq",
        operand: Operand::Scalar,
        aliases: &["equals", "equal", "==", "=", "is"],
        example: "{ field: complianceState, eq: compliant, ignore_case: true }",
        value: |s| s.eq.clone(),
    },
    OpDef {
        name: "ne",
        operand: Operand::Scalar,
        aliases: &["neq", "!=", "<>", "not_equal", "not_equals"],
        example: "{ field: managementAgent, ne: eas }",
        value: |s| s.ne.clone(),
    },
    OpDef {
        name: "lt",
        operand: Operand::Scalar,
        aliases: &["<", "less_than"],
        example: "{ field: daysSinceSync, as: number, lt: 30 }",
        value: |s| s.lt.clone(),
    },
    OpDef {
        name: "le",
        operand: Operand::Scalar,
        aliases: &["lte", "<=", "less_or_equal"],
        example: "{ field: minimumLength, le: 64 }",
        value: |s| s.le.clone(),
    },
    OpDef {
        name: "gt",
        operand: Operand::Scalar,
        aliases: &[">", "greater_than"],
        example: "{ field: lastSyncDateTime, gt: \"as_of - 30d\" }",
        value: |s| s.gt.clone(),
    },
    OpDef {
        name: "ge",
        operand: Operand::Scalar,
        aliases: &["gte", ">=", "greater_or_equal"],
        example: "{ field: osVersion, as: version, ge: 10.0.19045.5247 }",
        value: |s| s.ge.clone(),
    },
    OpDef {
        name: "in",
        operand: Operand::List,
        aliases: &[],
        example: "{ field: VulnerabilitySeverityLevel, in: [Critical, High], ignore_case: true }",
        value: |s| json(&s.in_),
    },
    OpDef {
        name: "not_in",
        operand: Operand::List,
        aliases: &["nin"],
        example: "{ field: role, not_in: [Volunteer, Observer] }",
        value: |s| json(&s.not_in),
    },
    OpDef {
        name: "contains",
        operand: Operand::Scalar,
        aliases: &[],
        example: "{ field: methodsRegistered, contains: microsoftAuthenticatorPush }",
        value: |s| s.contains.clone(),
    },
    OpDef {
        name: "not_contains",
        operand: Operand::Scalar,
        aliases: &[],
        example: "{ field: displayName, not_contains: test }",
        value: |s| s.not_contains.clone(),
    },
    OpDef {
        name: "starts_with",
        operand: Operand::Text,
        aliases: &["startswith"],
        example: "{ field: SamAccountName, starts_with: \"adm-\" }",
        value: |s| json(&s.starts_with),
    },
    OpDef {
        name: "ends_with",
        operand: Operand::Text,
        aliases: &["endswith"],
        example: "{ field: userPrincipalName, ends_with: \"@nhs.net\", ignore_case: true }",
        value: |s| json(&s.ends_with),
    },
    OpDef {
        name: "matches",
        operand: Operand::Regex,
        aliases: &["regex", "match"],
        example: "{ field: DeviceName, matches: '^[A-Z]{3}-(LT|DT)-\\d{5}$' }",
        value: |s| json(&s.matches),
    },
    OpDef {
        name: "not_matches",
        operand: Operand::Regex,
        aliases: &[],
        example: "{ field: source, not_matches: '^(any|\\*|0\\.0\\.0\\.0/0)$' }",
        value: |s| json(&s.not_matches),
    },
    OpDef {
        name: "subnet_of",
        operand: Operand::Network,
        aliases: &[],
        example: "{ field: source, as: cidr, subnet_of: 10.0.0.0/8 }",
        value: |s| json(&s.subnet_of),
    },
    OpDef {
        name: "exists",
        operand: Operand::Flag,
        aliases: &["present"],
        example: "{ field: lessons_learned, exists: true }",
        value: |s| json(&s.exists),
    },
    OpDef {
        name: "absent",
        operand: Operand::Flag,
        aliases: &["not_exists", "missing"],
        example: "{ field: AccountExpirationDate, absent: true }",
        value: |s| json(&s.absent),
    },
    OpDef {
        name: "empty",
        operand: Operand::Flag,
        aliases: &[],
        example: "{ field: agreement_ref, empty: false }",
        value: |s| json(&s.empty),
    },
    OpDef {
        name: "exists_in",
        operand: Operand::Dataset,
        aliases: &[],
        example: "{ field: EmployeeID, exists_in: { dataset: staff, field: employee_id } }",
        value: |s| json(&s.exists_in),
    },
    OpDef {
        name: "not_exists_in",
        operand: Operand::Dataset,
        aliases: &[],
        example: "{ field: EmployeeID, not_exists_in: { dataset: leavers, field: employee_id, ignore_case: true, where: { field: leave_date, lt: \"as_of - 1d\" } } }",
        value: |s| json(&s.not_exists_in),
    },
];

/// The op named `name`.
pub fn op(name: &str) -> Option<&'static OpDef> {
    OPS.iter().find(|o| o.name == name)
}

/// The ops a leaf has, in table order.
pub fn present(leaf: &ConditionSpec) -> Vec<&'static OpDef> {
    OPS.iter().filter(|o| (o.value)(leaf).is_some()).collect()
}

/// The op another spelling stands for (`gte` -> `ge`).
pub fn alias(spelling: &str) -> Option<&'static str> {
    OPS.iter().find(|o| o.aliases.contains(&spelling)).map(|o| o.name)
}

/// Every op's name, space-separated, for messages.
pub fn names() -> String {
    OPS.iter().map(|o| o.name).collect::<Vec<_>>().join(" ")
}
