//! JSON Schemas generated from the spec types, and validation of loaded YAML against them.
//!
//! `assure schema` prints them; `standards/schema/*.schema.json` holds the checked-in copies that editors use
//! (a test fails when they drift from the types).

use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

/// The kinds of file assure reads, each with its schema. (The JSON output's schema is the assessment's own:
/// [`crate::assess::assessment::schema_text`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Standard,
    Pack,
    Datasets,
    Framework,
    Manifest,
    Waivers,
    Reviews,
    Preset,
    Reference,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Standard,
        Kind::Pack,
        Kind::Datasets,
        Kind::Framework,
        Kind::Manifest,
        Kind::Waivers,
        Kind::Reviews,
        Kind::Preset,
        Kind::Reference,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Standard => "standard",
            Kind::Pack => "pack",
            Kind::Datasets => "datasets",
            Kind::Framework => "framework",
            Kind::Manifest => "manifest",
            Kind::Waivers => "waivers",
            Kind::Reviews => "reviews",
            Kind::Preset => "preset",
            Kind::Reference => "reference",
        }
    }

    /// What files of the kind are, as `assure schema --help` lists them.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Standard => "A standards file: one standard and its checks",
            Kind::Pack => "pack.yaml",
            Kind::Datasets => "datasets.yaml",
            Kind::Framework => "frameworks/*.yaml",
            Kind::Manifest => "A config repo's assure.yaml",
            Kind::Waivers => "A config repo's waivers.yaml",
            Kind::Reviews => "A config repo's reviews.yaml",
            Kind::Preset => "presets/*.yaml",
            Kind::Reference => "reference/*.yaml",
        }
    }

    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }

    pub fn schema(self) -> Value {
        let schema = match self {
            Kind::Standard => schemars::schema_for!(super::StandardFile),
            Kind::Pack => schemars::schema_for!(super::PackSpec),
            Kind::Datasets => schemars::schema_for!(super::DatasetsFile),
            Kind::Framework => schemars::schema_for!(super::FrameworkFile),
            Kind::Manifest => schemars::schema_for!(crate::spec::manifest::Manifest),
            Kind::Waivers => schemars::schema_for!(crate::spec::waivers::WaiversFile),
            Kind::Reviews => schemars::schema_for!(crate::spec::reviews::ReviewsFile),
            Kind::Preset => schemars::schema_for!(super::PresetFile),
            Kind::Reference => schemars::schema_for!(super::ReferenceFile),
        };
        tidy(schema)
    }

    /// Pretty JSON with a trailing newline, as checked in.
    pub fn schema_text(self) -> String {
        pretty(&self.schema())
    }

    /// Each kind's schema is compiled when first needed: a run validates its manifest before it reads any
    /// evidence, and compiling all ten (the standards file's is the largest) held that start up by 1-2 ms.
    fn validator(self) -> Option<&'static Validator> {
        static VALIDATORS: [OnceLock<Option<Validator>>; Kind::ALL.len()] =
            [const { OnceLock::new() }; Kind::ALL.len()];
        let i = Kind::ALL.iter().position(|k| *k == self)?;
        VALIDATORS[i]
            .get_or_init(|| jsonschema::validator_for(&self.schema()).ok())
            .as_ref()
    }
}

/// A generated schema as checked in: `null` alternatives dropped ([`strip_null`]).
pub fn tidy(schema: schemars::Schema) -> Value {
    let mut value = schema.to_value();
    strip_null(&mut value);
    value
}

/// Pretty JSON with a trailing newline, as checked in.
pub fn pretty(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}

/// Optional fields are simply not required: drop the `null` alternatives schemars adds for `Option<T>`, so
/// a typo in an enum gets "not one of [...]" rather than "not valid under any of the schemas".
fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get("anyOf") {
                let rest: Vec<Value> = options
                    .iter()
                    .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                    .cloned()
                    .collect();
                if rest.len() == 1
                    && let Value::Object(inner) = &rest[0]
                {
                    map.remove("anyOf");
                    for (k, v) in inner {
                        map.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// One schema violation: the JSON pointer of the offending value and a message.
#[derive(Debug, Clone)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
    /// An unexpected key: point at the key itself.
    pub key: Option<String>,
}

/// Validates `value` against the schema of `kind`, returning every violation.
pub fn validate(kind: Kind, value: &Value) -> Vec<Violation> {
    let Some(validator) = kind.validator() else {
        return vec![Violation {
            pointer: String::new(),
            message: format!("internal error: the {} schema does not compile", kind.name()),
            key: None,
        }];
    };
    // The quick yes/no first: collecting errors walks every branch of the schema.
    if validator.is_valid(value) {
        return Vec::new();
    }
    let mut out: Vec<Violation> = validator
        .iter_errors(value)
        .map(|e| {
            let pointer = e.instance_path().to_string();
            let key = match e.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    unexpected.first().cloned()
                }
                _ => None,
            };
            let message = match &key {
                Some(k) => {
                    // Keys of every definition are candidates; one spelled as the unknown key is another object's.
                    let mut allowed = allowed_keys(kind, value, &pointer);
                    allowed.retain(|a| a != k);
                    match suggest_key(k, &allowed) {
                        Some(s) => format!("unknown key `{k}` (did you mean `{s}`?)"),
                        None => format!("unknown key `{k}`"),
                    }
                }
                None => match e.kind() {
                    jsonschema::error::ValidationErrorKind::Enum { options } => {
                        let names: Vec<String> = options
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let got = e
                            .instance()
                            .as_str()
                            .map_or_else(|| e.instance().to_string(), str::to_string);
                        let hint = crate::core::suggest::did_you_mean(&got, names.iter().map(String::as_str))
                            .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                        format!("`{got}` is not one of {}{hint}", names.join(", "))
                    }
                    _ => e.to_string(),
                },
            };
            Violation { pointer, message, key }
        })
        .collect();
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    out
}

/// The key to suggest for unknown key `key` among `allowed`: the op of the same meaning when `key` is another
/// spelling of one, else the closest allowed key that does not flip a negation (`not_in` is never offered for
/// `in`, nor `in` for `not_in`) or turn one comparison into another. The ops table's aliases are the other
/// spellings (from SQL, jq, Python, MongoDB ...): a fuzzy match alone would offer `gt` for `gte`, close in
/// spelling but another meaning.
pub fn suggest_key<'a>(key: &str, allowed: &'a [String]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    if let Some(op) = super::ops::alias(&lower) {
        return allowed.iter().find(|a| a.as_str() == op).map(String::as_str);
    }
    if let Some(same) = allowed.iter().find(|a| **a == lower) {
        return Some(same.as_str());
    }
    let comparison = |k: &str| super::ops::op(k).is_some_and(|o| matches!(o.test, super::ops::Test::Compare(_)));
    let negated = |k: &str| k.starts_with("not_") || k.starts_with("not");
    let candidates = allowed
        .iter()
        .map(String::as_str)
        .filter(|c| negated(c) == negated(&lower) && !(comparison(c) && lower.len() > 2 && !lower.starts_with(c)));
    crate::core::suggest::did_you_mean(&lower, candidates)
}

/// Keys a schema allows at `pointer`, for did-you-mean hints (best effort: known object shapes).
fn allowed_keys(kind: Kind, _value: &Value, pointer: &str) -> Vec<String> {
    let schema = kind.schema();
    let defs = schema.get("$defs").and_then(Value::as_object);
    let mut keys: Vec<String> = Vec::new();
    let mut add = |v: &Value| {
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            keys.extend(props.keys().cloned());
        }
    };
    add(&schema);
    if let Some(defs) = defs {
        // Leaf keys are the common case; prefer the definition whose name matches the context.
        let last = pointer.rsplit('/').find(|s| s.parse::<usize>().is_err()).unwrap_or("");
        let preferred = match last {
            "where" | "assert" | "not" | "all" | "any" => Some("ConditionSpec"),
            "expect" => Some("ExpectSpec"),
            "checks" => Some("CheckSpec"),
            "lookup" => Some("LookupSpec"),
            "standard" => Some("StandardSpec"),
            _ => None,
        };
        match preferred.and_then(|p| defs.get(p)) {
            Some(def) => add(def),
            None => defs.values().for_each(&mut add),
        }
    }
    keys
}
