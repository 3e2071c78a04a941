//! The ops a condition leaf can take, as one table: each row is an op's name, the other spellings people write
//! for it, an example, what it tests ([`Test`], which also fixes its operand) and how it reads in findings
//! ([`Reads`]). Everything else reads the table: a leaf's op keys ([`OpValues`]) and their JSON Schema, the
//! compiler (`crate::pack::compile`), which builds the operand its kind asks for, the evaluation
//! (`crate::engine::ops`), which interprets the test, the explanation of what a leaf expects, schema
//! errors' did-you-mean, the "no op" message, and the docs test, which checks that `docs/check-language.md`
//! gives every op its own row with this example, compiled.
//!
//! Adding an op whose test is one of the [`Test`] kinds: a row here and its row in the Ops table of
//! `docs/check-language.md`. A new kind of test is a [`Test`] variant with its evaluation in
//! `crate::engine::ops`.

use super::ExistsInSpec;
use crate::core::vocab::CmpOp;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;

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
    /// `true` or `false`.
    Flag,
    /// Another dataset's field (`{ dataset, field, where }`).
    Dataset,
}

/// What an op tests, as the engine evaluates it. A row's `negated` turns the answer round (a value that is
/// missing or cannot be converted fails either way, except as [`Test::InDataset`] says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The value compared with the operand, in the leaf's type.
    Compare(CmpOp),
    /// The value equals one of the list's items.
    Member,
    /// Text contains the operand as a substring, a list as an item, a network as an address or network.
    Contains,
    /// Text starts with the operand.
    Prefix,
    /// Text ends with the operand.
    Suffix,
    /// The regex finds a match anywhere in the text.
    Regex,
    /// The value (address or network) lies within the network, or any of the list's.
    Subnet,
    /// The field is present and not null. Its operand must be `true`: the other way round is the negated row.
    Exists,
    /// The field is missing, null, blank text or an empty list or object, as the operand says (`false`: not).
    Empty,
    /// The value is one of another dataset's values; a missing value is in no dataset, so the negated test holds.
    InDataset,
}

impl Test {
    /// The operand the test takes.
    pub fn operand(self) -> Operand {
        match self {
            Test::Compare(_) | Test::Contains => Operand::Scalar,
            Test::Member => Operand::List,
            Test::Prefix | Test::Suffix => Operand::Text,
            Test::Regex => Operand::Regex,
            Test::Subnet => Operand::Network,
            Test::Exists | Test::Empty => Operand::Flag,
            Test::InDataset => Operand::Dataset,
        }
    }

    /// Whether the test compares values in order or for equality, so it can take a `minus` duration.
    pub fn compares(self) -> bool {
        matches!(self, Test::Compare(_) | Test::Member)
    }
}

/// How a leaf's expectation reads in findings ("expected ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// The op and its operand as written: `starts_with adm-`, `in [Critical, High]`.
    Operand,
    /// As [`Reads::Operand`], with the date an `as_of` operand stands for: `ge as_of - 365d (2025-11-01 ...)`.
    Resolved,
    /// Words: `to exist`.
    Words(&'static str),
    /// Words for a `true` operand and for a `false` one.
    Flag(&'static str, &'static str),
}

/// One op.
#[derive(Debug)]
pub struct OpDef {
    pub name: &'static str,
    /// Other spellings people write (`gte`, `>=`), answered with this op's name.
    pub aliases: &'static [&'static str],
    /// A one-line leaf using it, as the docs show it.
    pub example: &'static str,
    /// Inline-test data (`DATASET: [records]`) on which the example holds, at the tests' default `as_of`
    /// (2026-01-01); the docs test runs it.
    pub holds: &'static str,
    /// Inline-test data on which the example does not hold.
    pub fails: &'static str,
    pub test: Test,
    /// Holds when the test does not.
    pub negated: bool,
    pub reads: Reads,
}

impl OpDef {
    pub fn operand(&self) -> Operand {
        self.test.operand()
    }
}

/// Every op, in the order leaves are checked and docs list them.
pub const OPS: &[OpDef] = &[
    OpDef {
        name: "eq",
        aliases: &["equals", "equal", "==", "=", "is"],
        example: "{ field: complianceState, eq: compliant, ignore_case: true }",
        holds: "{ devices: [{ complianceState: Compliant }] }",
        fails: "{ devices: [{ complianceState: noncompliant }] }",
        test: Test::Compare(CmpOp::Eq),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "ne",
        aliases: &["neq", "!=", "<>", "not_equal", "not_equals"],
        example: "{ field: managementAgent, ne: eas }",
        holds: "{ devices: [{ managementAgent: mdm }] }",
        fails: "{ devices: [{ managementAgent: eas }] }",
        test: Test::Compare(CmpOp::Ne),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "lt",
        aliases: &["<", "less_than"],
        example: "{ field: daysSinceSync, as: number, lt: 30 }",
        holds: "{ devices: [{ daysSinceSync: \"12\" }] }",
        fails: "{ devices: [{ daysSinceSync: \"45\" }] }",
        test: Test::Compare(CmpOp::Lt),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "le",
        aliases: &["lte", "<=", "less_or_equal"],
        example: "{ field: minimumLength, le: 64 }",
        holds: "{ devices: [{ minimumLength: 14 }] }",
        fails: "{ devices: [{ minimumLength: 128 }] }",
        test: Test::Compare(CmpOp::Le),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "gt",
        aliases: &[">", "greater_than"],
        example: "{ field: lastSyncDateTime, gt: \"as_of - 30d\" }",
        holds: "{ devices: [{ lastSyncDateTime: 2025-12-20T09:00:00Z }] }",
        fails: "{ devices: [{ lastSyncDateTime: 2025-10-01T09:00:00Z }] }",
        test: Test::Compare(CmpOp::Gt),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "ge",
        aliases: &["gte", ">=", "greater_or_equal"],
        example: "{ field: osVersion, as: version, ge: 10.0.19045.5247 }",
        holds: "{ devices: [{ osVersion: 10.0.22631.4460 }] }",
        fails: "{ devices: [{ osVersion: 10.0.19045.4046 }] }",
        test: Test::Compare(CmpOp::Ge),
        negated: false,
        reads: Reads::Resolved,
    },
    OpDef {
        name: "in",
        aliases: &[],
        example: "{ field: VulnerabilitySeverityLevel, in: [Critical, High], ignore_case: true }",
        holds: "{ devices: [{ VulnerabilitySeverityLevel: high }] }",
        fails: "{ devices: [{ VulnerabilitySeverityLevel: Low }] }",
        test: Test::Member,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "not_in",
        aliases: &["nin"],
        example: "{ field: role, not_in: [Volunteer, Observer] }",
        holds: "{ devices: [{ role: Nurse }] }",
        fails: "{ devices: [{ role: Observer }] }",
        test: Test::Member,
        negated: true,
        reads: Reads::Operand,
    },
    OpDef {
        name: "contains",
        aliases: &[],
        example: "{ field: methodsRegistered, contains: microsoftAuthenticatorPush }",
        holds: "{ devices: [{ methodsRegistered: [email, microsoftAuthenticatorPush] }] }",
        fails: "{ devices: [{ methodsRegistered: [email] }] }",
        test: Test::Contains,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "not_contains",
        aliases: &[],
        example: "{ field: displayName, not_contains: test }",
        holds: "{ devices: [{ displayName: Ward laptop }] }",
        fails: "{ devices: [{ displayName: test laptop }] }",
        test: Test::Contains,
        negated: true,
        reads: Reads::Operand,
    },
    OpDef {
        name: "starts_with",
        aliases: &["startswith"],
        example: "{ field: SamAccountName, starts_with: \"adm-\" }",
        holds: "{ devices: [{ SamAccountName: adm-jsmith }] }",
        fails: "{ devices: [{ SamAccountName: jsmith }] }",
        test: Test::Prefix,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "ends_with",
        aliases: &["endswith"],
        example: "{ field: userPrincipalName, ends_with: \"@nhs.net\", ignore_case: true }",
        holds: "{ devices: [{ userPrincipalName: a.b@NHS.net }] }",
        fails: "{ devices: [{ userPrincipalName: a.b@example.com }] }",
        test: Test::Suffix,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "matches",
        aliases: &["regex", "match"],
        example: "{ field: DeviceName, matches: '^[A-Z]{3}-(LT|DT)-\\d{5}$' }",
        holds: "{ devices: [{ DeviceName: NSH-LT-00123 }] }",
        fails: "{ devices: [{ DeviceName: laptop-1 }] }",
        test: Test::Regex,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "not_matches",
        aliases: &[],
        example: "{ field: source, not_matches: '^(any|\\*|0\\.0\\.0\\.0/0)$' }",
        holds: "{ devices: [{ source: 10.1.0.0/16 }] }",
        fails: "{ devices: [{ source: any }] }",
        test: Test::Regex,
        negated: true,
        reads: Reads::Operand,
    },
    OpDef {
        name: "subnet_of",
        aliases: &[],
        example: "{ field: source, as: cidr, subnet_of: 10.0.0.0/8 }",
        holds: "{ devices: [{ source: 10.1.2.3 }] }",
        fails: "{ devices: [{ source: 192.168.1.1 }] }",
        test: Test::Subnet,
        negated: false,
        reads: Reads::Operand,
    },
    OpDef {
        name: "exists",
        aliases: &["present"],
        example: "{ field: lessons_learned, exists: true }",
        holds: "{ devices: [{ lessons_learned: patch sooner }] }",
        fails: "{ devices: [{ lessons_learned: null }] }",
        test: Test::Exists,
        negated: false,
        reads: Reads::Words("to exist"),
    },
    OpDef {
        name: "absent",
        aliases: &["not_exists", "missing"],
        example: "{ field: AccountExpirationDate, absent: true }",
        holds: "{ devices: [{ AccountExpirationDate: null }] }",
        fails: "{ devices: [{ AccountExpirationDate: 2026-06-30 }] }",
        test: Test::Exists,
        negated: true,
        reads: Reads::Words("to be absent"),
    },
    OpDef {
        name: "empty",
        aliases: &[],
        example: "{ field: agreement_ref, empty: false }",
        holds: "{ devices: [{ agreement_ref: DSA-12 }] }",
        fails: "{ devices: [{ agreement_ref: \"\" }] }",
        test: Test::Empty,
        negated: false,
        reads: Reads::Flag("to be empty", "to be non-empty"),
    },
    OpDef {
        name: "exists_in",
        aliases: &[],
        example: "{ field: EmployeeID, exists_in: { dataset: staff, field: employee_id } }",
        holds: "{ devices: [{ EmployeeID: E1 }], staff: [{ employee_id: E1 }] }",
        fails: "{ devices: [{ EmployeeID: E2 }], staff: [{ employee_id: E1 }] }",
        test: Test::InDataset,
        negated: false,
        reads: Reads::Words("to exist in the other dataset"),
    },
    OpDef {
        name: "not_exists_in",
        aliases: &[],
        example: "{ field: EmployeeID, not_exists_in: { dataset: leavers, field: employee_id, ignore_case: true, where: { field: leave_date, lt: \"as_of - 1d\" } } }",
        holds: "{ devices: [{ EmployeeID: E2 }], leavers: [{ employee_id: e1, leave_date: 2025-06-30 }] }",
        fails: "{ devices: [{ EmployeeID: E1 }], leavers: [{ employee_id: e1, leave_date: 2025-06-30 }] }",
        test: Test::InDataset,
        negated: true,
        reads: Reads::Words("not to exist in the other dataset"),
    },
];

/// Every op's name, in table order.
pub const NAMES: [&str; OPS.len()] = {
    let mut names = [""; OPS.len()];
    let mut i = 0;
    while i < OPS.len() {
        names[i] = OPS[i].name;
        i += 1;
    }
    names
};

/// The op named `name`.
pub fn op(name: &str) -> Option<&'static OpDef> {
    OPS.iter().find(|o| o.name == name)
}

/// The op of the same test the other way round (`absent` for `exists`).
pub fn opposite(def: &OpDef) -> Option<&'static OpDef> {
    OPS.iter().find(|o| o.test == def.test && o.negated != def.negated)
}

/// The op another spelling stands for (`gte` -> `ge`).
pub fn alias(spelling: &str) -> Option<&'static str> {
    OPS.iter().find(|o| o.aliases.contains(&spelling)).map(|o| o.name)
}

/// Every op's name, space-separated, for messages.
pub fn names() -> String {
    NAMES.join(" ")
}

/// The names of the ops that take a `minus` duration, as a message lists them: `eq ne ... in or not_in`.
pub fn comparing_names() -> String {
    let names: Vec<&str> = OPS.iter().filter(|o| o.test.compares()).map(|o| o.name).collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(" ")),
        None => String::new(),
    }
}

/// A leaf's ops as written, in table order: each key a row of [`OPS`], each value of its operand's shape
/// (checked when read). A [`super::ConditionSpec`] flattens it, so its keys sit beside `field` and the JSON
/// Schema lists one property per op, generated from the table.
#[derive(Debug, Clone, Default)]
pub struct OpValues(Vec<(&'static OpDef, Value)>);

impl OpValues {
    /// The ops present, in table order.
    pub fn present(&self) -> impl Iterator<Item = &'static OpDef> + '_ {
        self.0.iter().map(|(def, _)| *def)
    }

    /// The value written for the op named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(def, _)| def.name == name).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The value's shape matches what the operand takes.
fn check_shape(operand: Operand, value: &Value) -> Result<(), String> {
    let shaped = match operand {
        Operand::Scalar => Ok(()),
        Operand::List => serde_json::from_value::<Vec<Value>>(value.clone()).map(drop),
        Operand::Text | Operand::Regex | Operand::Network => serde_json::from_value::<String>(value.clone()).map(drop),
        Operand::Flag => serde_json::from_value::<bool>(value.clone()).map(drop),
        Operand::Dataset => serde_json::from_value::<ExistsInSpec>(value.clone()).map(drop),
    };
    shaped.map_err(|e| e.to_string())
}

impl<'de> Deserialize<'de> for OpValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // Flattened: the keys of the leaf that no other field took, so an unknown one is an unknown field.
        let written = serde_json::Map::deserialize(deserializer)?;
        let mut ops = Vec::new();
        for def in OPS {
            if let Some(v) = written.get(def.name) {
                check_shape(def.operand(), v).map_err(|e| D::Error::custom(format!("{}: {e}", def.name)))?;
                ops.push((def, v.clone()));
            }
        }
        if let Some(key) = written.keys().find(|k| op(k).is_none()) {
            return Err(D::Error::unknown_field(key, &NAMES));
        }
        Ok(OpValues(ops))
    }
}

impl Serialize for OpValues {
    /// Every op of the table, `null` where the leaf has none: a leaf serializes as it did with a field per op,
    /// which `assure diff` compares.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(OPS.len()))?;
        for def in OPS {
            map.serialize_entry(def.name, &self.get(def.name))?;
        }
        map.end()
    }
}

impl JsonSchema for OpValues {
    fn schema_name() -> Cow<'static, str> {
        "OpValues".into()
    }

    fn inline_schema() -> bool {
        true
    }

    /// One optional property per op, shaped by its operand.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        for def in OPS {
            let schema = match def.operand() {
                Operand::Scalar => json_schema!({}),
                Operand::List => json_schema!({ "type": "array", "items": true }),
                Operand::Text | Operand::Network => json_schema!({ "type": "string" }),
                Operand::Regex => json_schema!({ "type": "string", "description": "Rust regex, unanchored." }),
                Operand::Flag => json_schema!({ "type": "boolean" }),
                Operand::Dataset => generator.subschema_for::<ExistsInSpec>(),
            };
            properties.insert(def.name.to_string(), schema.to_value());
        }
        json_schema!({ "type": "object", "properties": properties })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ConditionSpec;

    fn leaf(json: Value) -> Result<ConditionSpec, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_leaf_reads_its_ops_from_the_table_and_refuses_other_keys() {
        let l = leaf(serde_json::json!({ "field": "x", "not_in": ["a"], "ignore_case": true })).unwrap();
        assert_eq!(l.ops.present().map(|o| o.name).collect::<Vec<_>>(), ["not_in"]);
        assert_eq!(l.ops.get("not_in"), Some(&serde_json::json!(["a"])));
        assert!(
            leaf(serde_json::json!({ "field": "x", "gte": 1 }))
                .unwrap_err()
                .contains("unknown field `gte`")
        );
        assert!(
            leaf(serde_json::json!({ "field": "x", "in": 3 }))
                .unwrap_err()
                .contains("in: ")
        );
        assert!(leaf(serde_json::json!({ "field": "x", "exists_in": { "dataset": "d" } })).is_err());
    }

    #[test]
    fn a_leaf_serializes_every_op_as_one_field_per_op_did() {
        let l = leaf(serde_json::json!({ "field": "x", "eq": 1 })).unwrap();
        let v = serde_json::to_value(&l).unwrap();
        for def in OPS {
            let want = if def.name == "eq" {
                serde_json::json!(1)
            } else {
                Value::Null
            };
            assert_eq!(v[def.name], want, "{}", def.name);
        }
    }

    #[test]
    fn the_schema_has_one_property_per_op_shaped_by_its_operand() {
        let schema = crate::spec::schema::Kind::Standard.schema();
        let props = &schema["$defs"]["ConditionSpec"]["properties"];
        for def in OPS {
            let p = &props[def.name];
            let ty = match def.operand() {
                Operand::Scalar | Operand::Dataset => None,
                Operand::List => Some("array"),
                Operand::Text | Operand::Regex | Operand::Network => Some("string"),
                Operand::Flag => Some("boolean"),
            };
            assert!(p.is_object(), "{}", def.name);
            assert_eq!(p.get("type").and_then(Value::as_str), ty, "{}", def.name);
        }
        assert_eq!(schema["$defs"]["ConditionSpec"]["additionalProperties"], false);
    }
}
