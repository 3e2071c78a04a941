//! Check titles that state a threshold say the one in force: `title: At least {{ params.threshold }}% of ...`
//! reads "At least 90% of ..." for a trust whose manifest sets 90, and "95%" with the pack's default. Durations
//! read as words (`90d` is "90 days", `12h` "12 hours"), since a title is read by people, not the engine.
//!
//! Only `{{ params.NAME }}` may appear in a title; an unknown name is reported by the compiler at the title.

use crate::spec::{CheckSpec, ParamSpec, ParamType};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

// A constant pattern, covered by the tests below: it cannot fail on any input.
#[allow(clippy::expect_used)]
static PARAM_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("static regex"));

/// `90d` as `90 days`, `1d12h` as `1 day 12 hours`; anything else as written.
pub fn duration_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'w' => "week",
            'd' => "day",
            'h' => "hour",
            'm' => "minute",
            's' => "second",
            _ => return text.to_string(),
        };
        if digits.is_empty() {
            return text.to_string();
        }
        let plural = if digits == "1" { "" } else { "s" };
        words.push(format!("{digits} {unit}{plural}"));
        digits.clear();
    }
    if !digits.is_empty() || words.is_empty() {
        return text.to_string();
    }
    words.join(" ")
}

fn shown(value: &Value, kind: Option<ParamType>) -> String {
    match value {
        Value::String(s) if kind == Some(ParamType::Duration) => duration_words(s),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(|v| shown(v, None)).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// `title` with each `{{ params.NAME }}` replaced by the value in force (`values`); `Err(NAME)` for the first
/// name that is not a parameter, `Err("")` when other template code is left.
pub fn render(
    title: &str,
    specs: &BTreeMap<String, ParamSpec>,
    values: &BTreeMap<String, Value>,
) -> Result<String, String> {
    if !title.contains("{{") && !title.contains("{%") {
        return Ok(title.to_string());
    }
    let mut unknown = None;
    let out = PARAM_REF.replace_all(title, |caps: &regex::Captures<'_>| {
        let name = &caps[1];
        match values.get(name) {
            Some(v) => shown(v, specs.get(name).map(|s| s.kind)),
            None => {
                unknown.get_or_insert_with(|| name.to_string());
                String::new()
            }
        }
    });
    match unknown {
        Some(name) => Err(name),
        None if out.contains("{{") || out.contains("{%") => Err(String::new()),
        None => Ok(out.into_owned()),
    }
}

/// The title with the pack's defaults, for listings and catalogues that describe the pack rather than a run.
pub fn with_defaults(spec: &CheckSpec) -> String {
    let defaults: BTreeMap<String, Value> = spec
        .params
        .iter()
        .map(|(k, p)| (k.clone(), p.default.clone()))
        .collect();
    render(&spec.title, &spec.params, &defaults).unwrap_or_else(|_| spec.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ParamType, default: Value) -> ParamSpec {
        ParamSpec {
            kind,
            default,
            min: None,
            max: None,
            description: None,
            source: None,
        }
    }

    #[test]
    fn the_value_in_force_replaces_the_reference() {
        let specs = BTreeMap::from([("threshold".to_string(), spec(ParamType::Number, Value::from(95)))]);
        let values = BTreeMap::from([("threshold".to_string(), Value::from(90))]);
        assert_eq!(
            render("At least {{ params.threshold }}% trained", &specs, &values).unwrap(),
            "At least 90% trained"
        );
        let values = BTreeMap::from([("threshold".to_string(), Value::from(95))]);
        assert_eq!(
            render("At least {{params.threshold}}% trained", &specs, &values).unwrap(),
            "At least 95% trained"
        );
    }

    #[test]
    fn durations_read_as_words() {
        let specs = BTreeMap::from([("window".to_string(), spec(ParamType::Duration, Value::from("14d")))]);
        let values = BTreeMap::from([("window".to_string(), Value::from("21d"))]);
        assert_eq!(
            render("Fixed within {{ params.window }}", &specs, &values).unwrap(),
            "Fixed within 21 days"
        );
        assert_eq!(duration_words("12h"), "12 hours");
        assert_eq!(duration_words("1d12h"), "1 day 12 hours");
        assert_eq!(duration_words("1w"), "1 week");
        assert_eq!(duration_words("soon"), "soon");
        assert_eq!(duration_words("12"), "12");
    }

    #[test]
    fn an_unknown_parameter_is_named() {
        let specs = BTreeMap::new();
        assert_eq!(
            render("{{ params.nope }}%", &specs, &BTreeMap::new()),
            Err("nope".to_string())
        );
        assert_eq!(render("Plain title", &specs, &BTreeMap::new()).unwrap(), "Plain title");
        assert_eq!(
            render("{% if x %}T{% endif %}", &specs, &BTreeMap::new()),
            Err(String::new())
        );
    }
}
