//! Lint rule `assure::secret-field`: a check may test a `secret` field (datasets.yaml: an IMEI, a national
//! insurance number) but never print it. A finding key, a `message`, `summary` or `remediation` template, an
//! `expr:` or a `min`/`max` expectation that names a secret field of the check's dataset (or of a dataset it
//! looks up) is an error at the place it is named. The engine masks secret values in findings whatever the
//! check says ([`crate::engine`]); this rule tells the author before a report shows `[secret]` where a value
//! was meant.
//!
//! Template code (`{{ … }}`, `{% … %}`) and expressions are read as tokens: a name (`imei`, `record.imei`,
//! `alias.imei`) or a quoted string (`record['imei']`) equal to a secret field counts; plain text around the
//! template code does not.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::pack::checks::CheckDef;
use crate::spec::{ConditionSpec, DatasetSpec};
use std::collections::{BTreeMap, BTreeSet};

pub const CODE: Code = Code::SecretField;

/// Errors for every place where the check prints, or could print, a secret field.
pub fn errors(def: &CheckDef, datasets: Option<&BTreeMap<String, DatasetSpec>>) -> Vec<Diagnostic> {
    let Some(datasets) = datasets else {
        return Vec::new();
    };
    let spec = &def.spec;
    // Secret field -> the dataset that declares it: the check's own, then each lookup's.
    let mut secret: BTreeMap<&str, &str> = BTreeMap::new();
    for name in std::iter::once(spec.dataset.as_str()).chain(spec.lookup.iter().map(|l| l.dataset.as_str())) {
        for field in datasets.get(name).map(|d| d.secret.as_slice()).unwrap_or_default() {
            secret.entry(field.as_str()).or_insert(name);
        }
    }
    if secret.is_empty() {
        return Vec::new();
    }
    // (pointer of the value, what it is, the secret fields it names)
    let mut sites: Vec<(String, &str, BTreeSet<String>)> = Vec::new();
    let named = |tokens: Vec<String>| -> BTreeSet<String> {
        tokens.into_iter().filter(|t| secret.contains_key(t.as_str())).collect()
    };
    for (i, key) in spec.key.iter().flat_map(|k| k.to_vec()).enumerate() {
        let field = key.rsplit('.').next().unwrap_or(&key).to_string();
        let pointer = match &spec.key {
            Some(crate::spec::OneOrMany::Many(_)) => format!("{}/key/{i}", def.pointer),
            _ => format!("{}/key", def.pointer),
        };
        sites.push((pointer, "the finding key", named(vec![field])));
    }
    for (name, text) in [
        ("message", &spec.message),
        ("summary", &spec.summary),
        ("remediation", &spec.remediation),
    ] {
        if let Some(text) = text {
            let what = match name {
                "message" => "the message template",
                "summary" => "the summary template",
                _ => "the remediation template",
            };
            sites.push((format!("{}/{name}", def.pointer), what, named(template_tokens(text))));
        }
    }
    let expect = spec.expect.as_ref();
    for (name, agg) in [
        ("min", expect.and_then(|e| e.min.as_ref())),
        ("max", expect.and_then(|e| e.max.as_ref())),
    ] {
        if let Some(agg) = agg {
            let field = agg.field.rsplit('.').next().unwrap_or(&agg.field).to_string();
            let what = if name == "min" {
                "`expect.min`, which prints the smallest value"
            } else {
                "`expect.max`, which prints the largest value"
            };
            sites.push((format!("{}/expect/{name}/field", def.pointer), what, named(vec![field])));
        }
    }
    let mut exprs: Vec<(&str, String)> = Vec::new();
    if let Some(w) = &spec.where_ {
        walk(w, format!("{}/where", def.pointer), &mut exprs);
    }
    if let Some(a) = &spec.assert {
        walk(a, format!("{}/assert", def.pointer), &mut exprs);
    }
    for (i, l) in spec.lookup.iter().enumerate() {
        if let Some(w) = &l.where_ {
            walk(w, format!("{}/lookup/{i}/where", def.pointer), &mut exprs);
        }
    }
    for (expr, pointer) in exprs {
        sites.push((pointer, "an `expr:`", named(code_tokens(expr))));
    }

    let mut out = Vec::new();
    for (pointer, what, fields) in sites {
        for field in fields {
            let dataset = secret.get(field.as_str()).copied().unwrap_or_default();
            out.push(
                Diagnostic::error(
                    CODE,
                    format!(
                        "{}: {what} names `{field}`, which dataset `{dataset}` marks secret: its value must never reach \
                         an output",
                        spec.id
                    ),
                )
                .at(&def.file, def.spans.value(&pointer), "names a secret field")
                .help(
                    "test the field in `where`/`assert` (findings say `[secret]` for it) and name the record by a \
                     field that is not secret; see docs/check-language.md, \"Confidential fields\"",
                ),
            );
        }
    }
    out
}

fn walk<'s>(c: &'s ConditionSpec, ptr: String, out: &mut Vec<(&'s str, String)>) {
    for (name, list) in [("all", &c.all), ("any", &c.any)] {
        for (i, item) in list.iter().flatten().enumerate() {
            walk(item, format!("{ptr}/{name}/{i}"), out);
        }
    }
    if let Some(n) = &c.not {
        walk(n, format!("{ptr}/not"), out);
    }
    if let Some(e) = &c.expr {
        out.push((e.as_str(), format!("{ptr}/expr")));
    }
}

/// The tokens of a template's code: what is inside `{{ … }}` and `{% … %}` (comments and text left out).
pub fn template_tokens(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let end = body.find(close).unwrap_or(body.len());
        if close != "#}" {
            out.extend(code_tokens(&body[..end]));
        }
        rest = body.get(end + close.len()..).unwrap_or("");
    }
    out
}

/// Names and the contents of quoted strings in an expression.
pub fn code_tokens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' || c == '\'' {
            let mut text = String::new();
            while let Some((_, d)) = chars.next() {
                match d {
                    '\\' => {
                        if let Some((_, e)) = chars.next() {
                            text.push(e);
                        }
                    }
                    d if d == c => break,
                    d => text.push(d),
                }
            }
            out.push(text);
        } else if c.is_alphabetic() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some((j, d)) = chars.peek().copied() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(code[i..end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_code_is_read_as_tokens_and_text_is_not() {
        let t = "imei of {{ deviceName }} is {{ record['imei'] | upper }}{# imei2 #}{% if dev.phone %}x{% endif %}";
        let tokens = template_tokens(t);
        assert!(tokens.contains(&"imei".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"deviceName".to_string()) && tokens.contains(&"phone".to_string()));
        assert!(!tokens.contains(&"imei2".to_string()), "comments are not code");
        assert_eq!(template_tokens("the imei is missing"), Vec::<String>::new());
        assert_eq!(code_tokens("a.b_c ~ \"x\\\"y\""), vec!["a", "b_c", "x\"y"]);
    }
}
