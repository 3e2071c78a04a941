//! Parameters: defaults, then the manifest's overrides, each typed and bounded; `{{ params.NAME }}` and
//! `{{ lists.NAME }}` substituted into values.

use super::*;
use std::sync::LazyLock;

// A constant pattern, covered by tests: it cannot fail on any input.
#[allow(clippy::expect_used)]
static LIST_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\{\{\s*lists\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$").expect("static regex"));

#[allow(clippy::expect_used)]
static PARAM_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("static regex"));

impl Compiler<'_> {
    pub(super) fn resolve_params(&mut self) -> BTreeMap<String, Value> {
        let base = self.input.pointer;
        let mut out = BTreeMap::new();
        for (name, p) in &self.input.spec.params {
            let ptr = format!("{base}/params/{name}");
            let bound = |v: &Option<Value>, which: &str, me: &mut Self| {
                v.as_ref().and_then(|b| {
                    check_param(p.kind, b, None, None)
                        .map_err(|e| me.problem(Code::Param, format!("{ptr}/{which}"), e, None))
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
                    Code::Param,
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
                    Err(e) => self.manifest_problem(
                        Code::ParamOverride,
                        manifest_pointer(&self.input.spec.id, Some(name)),
                        format!("the manifest's value for `{}.{name}`: {e}", self.input.spec.id),
                        Some(format!(
                            "the pack allows {}; change the value here or remove it to use the default {}",
                            allowed(p.kind, min.as_ref(), max.as_ref()),
                            plain(&p.default)
                        )),
                        false,
                    ),
                }
            }
        }
        if let Some(overrides) = self.input.overrides {
            for name in overrides.keys().filter(|n| !self.input.spec.params.contains_key(*n)) {
                let known: Vec<&str> = self.input.spec.params.keys().map(String::as_str).collect();
                self.manifest_problem(
                    Code::ParamOverride,
                    manifest_pointer(&self.input.spec.id, Some(name)),
                    format!(
                        "the manifest sets `{}.{name}`, but the check has no parameter `{name}`",
                        self.input.spec.id
                    ),
                    Some(match did_you_mean(name, known.iter().copied()) {
                        _ if known.is_empty() => "this check takes no parameters".into(),
                        Some(s) => format!("did you mean `{s}`? Its parameters: {}", known.join(", ")),
                        None => format!("its parameters: {}", known.join(", ")),
                    }),
                    true,
                );
            }
        }
        out
    }

    /// Replaces `{{ params.NAME }}` in a value. A string that is only a reference takes the parameter's type.
    pub(super) fn subst(&mut self, value: &Value, pointer: &str) -> Option<Value> {
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
                            Code::UnknownList,
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
                Code::ValueTemplate,
                pointer.to_string(),
                "only `{{ params.NAME }}` may appear inside a value".into(),
                Some("values are data, not templates; use `expr:` for computed conditions".into()),
            );
            return None;
        }
        Some(Value::String(replaced.into_owned()))
    }

    pub(super) fn param(&mut self, name: &str, pointer: &str) -> Option<&Value> {
        if !self.params.contains_key(name) {
            let help = did_you_mean(name, self.params.keys().map(String::as_str)).map_or_else(
                || "declare it under the check's `params:`".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
            self.problem(
                Code::UnknownParam,
                pointer.to_string(),
                format!("unknown parameter `{name}`"),
                Some(help),
            );
            return None;
        }
        self.params.get(name)
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

/// Where assure.yaml sets `params.<check>[.<name>]`.
pub(crate) fn manifest_pointer(check: &str, name: Option<&str>) -> String {
    let at = crate::core::source::pointer_push("/params", check);
    name.map_or_else(|| at.clone(), |n| crate::core::source::pointer_push(&at, n))
}

/// The values a parameter may take, in words.
fn allowed(kind: ParamType, min: Option<&Value>, max: Option<&Value>) -> String {
    let kind = match kind {
        ParamType::Number => "a number",
        ParamType::Integer => "an integer",
        ParamType::String => "a string",
        ParamType::Bool => "true or false",
        ParamType::Duration => "a duration",
        ParamType::Date => "a date",
        ParamType::List => "a list",
    };
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{kind} from {} to {}", plain(lo), plain(hi)),
        (Some(lo), None) => format!("{kind} of at least {}", plain(lo)),
        (None, Some(hi)) => format!("{kind} of at most {}", plain(hi)),
        (None, None) => kind.to_string(),
    }
}

fn plain(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}
