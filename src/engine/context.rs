//! Template contexts for one record, read as the template reads them.
//!
//! Messages and `expr:` conditions see a record's fields at top level and as `record`, its lookups by alias,
//! `_file`, `_line`, `params`, `as_of` and `check`. Building that as a map converted every field of the record
//! (twice) and of each joined record for every finding; [`RecordContext`] converts only the names a template
//! reads, so a message costs what it prints.

use crate::evidence::Record;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use std::sync::Arc;

/// What the contexts of one check's records share; template values are reference-counted, so a clone per
/// record is cheap.
#[derive(Debug, Clone)]
pub struct Shared {
    pub params: Value,
    pub as_of: Value,
    /// `check.id` and `check.title`.
    pub check: Value,
    /// Lookup aliases, in lookup order.
    pub aliases: Arc<[String]>,
}

/// One record's context.
#[derive(Debug)]
pub struct RecordContext {
    shared: Shared,
    record: Record,
    file: Value,
    /// The lookups' records, in lookup order; empty where lookups are not joined (a lookup's own `where`).
    joined: Vec<Option<Record>>,
}

impl RecordContext {
    pub fn value(shared: &Shared, record: &Record, file: &str, joined: &[Option<&Record>]) -> Value {
        Value::from_object(RecordContext {
            shared: shared.clone(),
            record: record.clone(),
            file: Value::from(file),
            joined: joined.iter().map(|r| r.cloned()).collect(),
        })
    }

    /// Every name the context answers to.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.record.fields().into_iter().map(|(k, _)| k.to_string()).collect();
        names.extend(["record", "_file", "_line", "params", "as_of", "check"].map(String::from));
        names.extend(self.shared.aliases.iter().take(self.joined.len()).cloned());
        names.sort();
        names.dedup();
        names
    }
}

impl Object for RecordContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    /// Fixed names hide lookup aliases, which hide the record's own fields.
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "check" => return Some(self.shared.check.clone()),
            "as_of" => return Some(self.shared.as_of.clone()),
            "params" => return Some(self.shared.params.clone()),
            _ => {}
        }
        if let Some(i) = self.shared.aliases.iter().position(|a| a == key)
            && let Some(joined) = self.joined.get(i)
        {
            return Some(joined.as_ref().map_or(Value::UNDEFINED, Record::to_template));
        }
        match key {
            "_line" => Some(Value::from(self.record.line())),
            "_file" => Some(self.file.clone()),
            "record" => Some(self.record.to_template()),
            _ => self.record.get(key).map(|f| f.to_template()),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.names().into_iter().map(Value::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn templates_read_a_record_as_they_would_a_map_of_its_fields() {
        let record = Record::from_value(
            serde_json::json!({"name": "PC1", "os": {"version": "10"}, "tags": ["a", "b"], "params": "shadowed"}),
            0,
            7,
            Vec::new(),
        );
        let joined = Record::from_value(serde_json::json!({"owner": "IT"}), 0, 3, Vec::new());
        let shared = Shared {
            params: Value::from(minijinja::value::Serde(serde_json::json!({"window": "14d"}))),
            as_of: Value::from("2026-11-01"),
            check: minijinja::context! { id => "C1", title => "T" },
            aliases: Arc::from(vec!["team".to_string(), "missing".to_string()]),
        };
        let lazy = RecordContext::value(&shared, &record, "a.json", &[Some(&joined), None]);
        let mut eager: BTreeMap<String, Value> = BTreeMap::new();
        for (k, v) in record.fields() {
            eager.insert(k.to_string(), v.to_template());
        }
        eager.insert("record".into(), Value::from(minijinja::value::Serde(record.to_value())));
        eager.insert("_file".into(), Value::from("a.json"));
        eager.insert("_line".into(), Value::from(7));
        eager.insert("team".into(), Value::from(minijinja::value::Serde(joined.to_value())));
        eager.insert("missing".into(), Value::UNDEFINED);
        eager.insert("params".into(), shared.params.clone());
        eager.insert("as_of".into(), shared.as_of.clone());
        eager.insert("check".into(), shared.check.clone());
        let eager = Value::from(eager);

        let env = minijinja::Environment::new();
        let template = "{{ name }} {{ os.version }} {{ tags|join(',') }} {{ record }} {{ record|tojson }} \
            {% for k in record %}{{ k }}={{ record[k] }};{% endfor %} {{ record|length }} {{ _file }}:{{ _line }} \
            {{ team.owner }} [{{ missing }}] {{ params.window }} {{ as_of }} {{ check.id }} [{{ absent }}]";
        let render = |ctx: &Value| env.render_str(template, ctx.clone()).unwrap();
        assert_eq!(render(&lazy), render(&eager));
        assert!(render(&lazy).starts_with("PC1 10 a,b {"), "{}", render(&lazy));
    }
}
