//! Records stored compactly, read through borrowed [`Field`]s.
//!
//! A CSV/TSV row is not copied into a map: its [`Table`] ([`super::csv_table`]) keeps the file's text, the
//! column names once per file and, per cell, where it ends from the row's start. A 400,000-row export then
//! costs its text plus 2 bytes a cell and 20 a row, instead of two allocations a cell.
//! The objects of a large JSON array are stored the same way ([`super::json_table`]): names once per shape of
//! record, scalar values as spans into the text. YAML, text records and other JSON documents keep their parsed
//! `serde_json::Value`. Checks read every kind through
//! [`Record::get`] and [`Record::resolve`], which hand out borrowed values and never allocate; templates read
//! them through a lazy object ([`Record::to_template`]).

pub(super) use super::csv_table::NO_COLUMNS;
pub use super::csv_table::{Columns, Table};
use super::json_table::JsonTable;
use crate::core::path::{ColumnHint, FieldPath, Segment};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// One field value as read from a record, borrowed from the evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    Null,
    Text(&'a str),
    /// A whole number computed for the record (its `_line`).
    Int(i64),
    /// Any other JSON value: number, boolean, list or object.
    Json(&'a Value),
    /// A whole record (a lookup's match, read by its name).
    Record(&'a Record),
}

impl<'a> Field<'a> {
    pub fn of(value: &'a Value) -> Field<'a> {
        match value {
            Value::Null => Field::Null,
            Value::String(s) => Field::Text(s),
            other => Field::Json(other),
        }
    }

    /// The same value with JSON strings and nulls as [`Field::Text`] and [`Field::Null`], so a match on those
    /// covers every format.
    pub fn normalised(self) -> Field<'a> {
        match self {
            Field::Json(v) => Field::of(v),
            other => other,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null | Field::Json(Value::Null))
    }

    /// The items of a list value.
    pub fn as_list(&self) -> Option<&'a [Value]> {
        match self {
            Field::Json(Value::Array(items)) => Some(items),
            _ => None,
        }
    }

    pub fn to_value(&self) -> Value {
        match *self {
            Field::Null => Value::Null,
            Field::Text(s) => Value::String(s.to_string()),
            Field::Int(n) => Value::from(n),
            Field::Json(v) => v.clone(),
            Field::Record(r) => r.to_value(),
        }
    }

    /// A template value, converted without copying the record first.
    pub fn to_template(&self) -> minijinja::Value {
        match *self {
            Field::Null => minijinja::Value::from(()),
            Field::Text(s) => minijinja::Value::from(s),
            Field::Int(n) => minijinja::Value::from(n),
            Field::Json(v) => minijinja::Value::from(minijinja::value::Serde(v)),
            Field::Record(r) => r.to_template(),
        }
    }
}

/// The records of one piece of a file, stored compactly: CSV rows, or the objects of a JSON array.
#[derive(Debug)]
pub enum Sheet {
    Csv(Table),
    Json(JsonTable),
}

impl From<Table> for Sheet {
    fn from(table: Table) -> Sheet {
        Sheet::Csv(table)
    }
}

impl From<JsonTable> for Sheet {
    fn from(table: JsonTable) -> Sheet {
        Sheet::Json(table)
    }
}

impl Sheet {
    /// Index into [`super::Evidence::files`], set once the file is loaded.
    fn file(&self) -> &AtomicU32 {
        match self {
            Sheet::Csv(t) => &t.file,
            Sheet::Json(t) => &t.file,
        }
    }

    /// The names of record `row`'s fields (a CSV file has one set; JSON records one per shape).
    fn columns(&self, row: u32) -> &Columns {
        match self {
            Sheet::Csv(t) => &t.columns,
            Sheet::Json(t) => t.columns(row),
        }
    }

    fn cell(&self, row: u32, column: usize) -> Field<'_> {
        match self {
            Sheet::Csv(t) => t.cell(row, column),
            Sheet::Json(t) => t.cell(row, column),
        }
    }
}

/// One record: its fields, and where it came from.
///
/// 16 bytes: a large export has millions of rows, and the file and line of a value record live with its value.
#[derive(Debug, Clone)]
pub struct Record {
    fields: Fields,
}

const _: () = assert!(std::mem::size_of::<Record>() == 16);

/// Records are equal when they hold the same fields at the same place, however they are stored.
impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.file() == other.file() && self.line() == other.line() && self.to_value() == other.to_value()
    }
}

/// Both kinds are shared, so a record is cloned (into a template value) without copying its fields.
#[derive(Debug, Clone)]
enum Fields {
    /// A CSV row or a compact JSON record: its sheet, its index there and its line.
    Row(Arc<Sheet>, u32, u32),
    Value(Arc<ValueRecord>),
}

#[derive(Debug, Clone)]
struct ValueRecord {
    /// Index into [`super::Evidence::files`].
    file: u32,
    line: u32,
    value: Value,
    /// The line of each top-level field, in the order of the value's keys (0: the record's line); empty when
    /// every field is on the record's line. Four bytes a field rather than a copy of its name.
    field_lines: Box<[u32]>,
}

/// The lines of an object's keys, in key order, from `(key, line)` pairs; the first pair of a name wins.
fn aligned_lines<K: AsRef<str>>(value: &Value, mut pairs: Vec<(K, u32)>) -> Box<[u32]> {
    let Value::Object(map) = value else {
        return Box::default();
    };
    if pairs.is_empty() {
        return Box::default();
    }
    pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    pairs.dedup_by(|later, first| later.0.as_ref() == first.0.as_ref());
    map.keys()
        .map(|k| {
            pairs
                .binary_search_by(|(name, _)| name.as_ref().cmp(k.as_str()))
                .map_or(0, |i| pairs[i].1)
        })
        .collect()
}

impl Record {
    /// A record holding a parsed value.
    pub fn from_value(value: Value, file: u32, line: u32, field_lines: Vec<(String, u32)>) -> Record {
        Record::from_value_named(value, file, line, field_lines)
    }

    /// [`Record::from_value`] with field names borrowed where they can be (from the file's text).
    pub fn from_value_named<K: AsRef<str>>(value: Value, file: u32, line: u32, field_lines: Vec<(K, u32)>) -> Record {
        let field_lines = aligned_lines(&value, field_lines);
        Record {
            fields: Fields::Value(Arc::new(ValueRecord {
                file,
                line,
                value,
                field_lines,
            })),
        }
    }

    /// Row `row` of `table`, on line `line` of its file.
    pub fn row(table: Arc<Sheet>, row: u32, line: u32) -> Record {
        Record {
            fields: Fields::Row(table, row, line),
        }
    }

    /// The record's file: an index into [`super::Evidence::files`].
    pub fn file(&self) -> u32 {
        match &self.fields {
            Fields::Row(table, ..) => table.file().load(Ordering::Relaxed),
            Fields::Value(v) => v.file,
        }
    }

    /// The record's line (1-based).
    pub fn line(&self) -> u32 {
        match &self.fields {
            Fields::Row(_, _, line) => *line,
            Fields::Value(v) => v.line,
        }
    }

    /// Sets the record's file once the loader knows its index (for a row, every row of its table).
    pub(crate) fn set_file(&mut self, file: u32) {
        match &mut self.fields {
            Fields::Row(table, ..) => table.file().store(file, Ordering::Relaxed),
            Fields::Value(v) => Arc::make_mut(v).file = file,
        }
    }

    /// Whether this is a CSV/TSV row (whose fields are all text or null).
    pub fn is_row(&self) -> bool {
        matches!(&self.fields, Fields::Row(sheet, ..) if matches!(**sheet, Sheet::Csv(_)))
    }

    /// Whether the record is stored compactly (a CSV row or a JSON array's object), its fields read one by one
    /// rather than from a parsed value.
    pub fn is_compact(&self) -> bool {
        matches!(self.fields, Fields::Row(..))
    }

    /// A top-level field; `Some(Field::Null)` for an empty cell or a null value, `None` when absent.
    pub fn get(&self, name: &str) -> Option<Field<'_>> {
        match &self.fields {
            Fields::Row(table, row, _) => table.columns(*row).index(name).map(|c| table.cell(*row, c)),
            Fields::Value(v) => v.value.as_object()?.get(name).map(Field::of),
        }
    }

    /// [`Record::get`] for a caller that reads `name` from many rows, remembering its column in `hint`.
    pub fn get_hinted(&self, name: &str, hint: &ColumnHint) -> Option<Field<'_>> {
        match &self.fields {
            Fields::Row(table, row, _) => table
                .columns(*row)
                .index_hinted(name, hint)
                .map(|c| table.cell(*row, c)),
            Fields::Value(_) => self.get(name),
        }
    }

    /// Whether `name` is a column of this row's file that holds text in every row of its piece, so
    /// [`Record::get_hinted`] would give non-empty text: a caller that only needs that can skip the cell. False
    /// for a record that is not a row.
    pub fn always_text_hinted(&self, name: &str, hint: &ColumnHint) -> bool {
        match &self.fields {
            Fields::Row(table, ..) => match &**table {
                Sheet::Csv(t) => t.columns.index_hinted(name, hint).is_some_and(|c| t.never_empty(c)),
                Sheet::Json(_) => false,
            },
            Fields::Value(_) => false,
        }
    }

    /// Whether the record has a top-level field `name` (null or not), as [`Record::get_hinted`] would find it.
    /// A row has every column of its file (ragged rows are errors), so this reads no cell.
    pub fn has_hinted(&self, name: &str, hint: &ColumnHint) -> bool {
        match &self.fields {
            Fields::Row(table, row, _) => table.columns(*row).index_hinted(name, hint).is_some(),
            Fields::Value(_) => self.get(name).is_some(),
        }
    }

    /// Resolves a path without wildcards, skipping its first `skip` segments.
    pub fn get_path(&self, path: &FieldPath, skip: usize) -> Option<Field<'_>> {
        let segments = path.segments.get(skip..).unwrap_or_default();
        match &self.fields {
            Fields::Value(v) => path.get(&v.value, skip).map(Field::of),
            Fields::Row(..) => match segments {
                [] => Some(Field::Record(self)),
                // Fields are a record's one stored level: one hint serves the path's first key.
                [Segment::Key(k)] => self.get_hinted(k, &path.hint),
                // Below it only a JSON value (a list or an object) has more.
                [Segment::Key(k), ..] => match self.get_hinted(k, &path.hint)? {
                    Field::Json(value) => path.get(value, skip + 1).map(Field::of),
                    _ => None,
                },
                _ => None,
            },
        }
    }

    /// Resolves a path, skipping its first `skip` segments; wildcards fan out into several values.
    pub fn resolve<'r>(&'r self, path: &FieldPath, skip: usize, out: &mut Vec<Field<'r>>) {
        match &self.fields {
            Fields::Value(v) => {
                let mut found = Vec::new();
                path.resolve(&v.value, skip, &mut found);
                out.extend(found.into_iter().map(Field::of));
            }
            Fields::Row(..) => {
                // A field, and below it what the rest of the path reaches in a JSON value.
                let below = |field: Field<'r>, out: &mut Vec<Field<'r>>| match field {
                    _ if path.segments.len() == skip + 1 => out.push(field),
                    Field::Json(value) => {
                        let mut found = Vec::new();
                        path.resolve(value, skip + 1, &mut found);
                        out.extend(found.into_iter().map(Field::of));
                    }
                    _ => {}
                };
                match path.segments.get(skip..).unwrap_or_default() {
                    [] => out.push(Field::Record(self)),
                    [Segment::Key(k), ..] => {
                        if let Some(field) = self.get_hinted(k, &path.hint) {
                            below(field, out);
                        }
                    }
                    [Segment::Wildcard, ..] => {
                        for (_, field) in self.fields() {
                            below(field, out);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The top-level fields in name order.
    pub fn fields(&self) -> Vec<(&str, Field<'_>)> {
        match &self.fields {
            Fields::Row(table, row, _) => table
                .columns(*row)
                .by_name
                .iter()
                .map(|(name, c)| (name.as_str(), table.cell(*row, *c as usize)))
                .collect(),
            Fields::Value(v) => match &v.value {
                Value::Object(map) => map.iter().map(|(k, v)| (k.as_str(), Field::of(v))).collect(),
                _ => Vec::new(),
            },
        }
    }

    /// The record as a template value: a map whose fields are read when a template reads them.
    pub fn to_template(&self) -> minijinja::Value {
        match &self.fields {
            Fields::Value(v) if !v.value.is_object() => minijinja::Value::from(minijinja::value::Serde(&v.value)),
            _ => minijinja::Value::from_object(TemplateRecord(self.clone())),
        }
    }

    /// The record as a JSON value (for output and schema validation; checks read fields without it).
    pub fn to_value(&self) -> Value {
        self.value().into_owned()
    }

    /// The record as a JSON value, borrowed when it is one.
    pub fn value(&self) -> std::borrow::Cow<'_, Value> {
        match &self.fields {
            Fields::Value(v) => std::borrow::Cow::Borrowed(&v.value),
            Fields::Row(..) => std::borrow::Cow::Owned(Value::Object(
                self.fields()
                    .into_iter()
                    .map(|(k, f)| (k.to_string(), f.to_value()))
                    .collect::<Map<String, Value>>(),
            )),
        }
    }

    /// The line of a top-level field (the record's line when the field has none of its own).
    pub fn field_line(&self, field: &str) -> u32 {
        match &self.fields {
            Fields::Value(v) => match &v.value {
                Value::Object(map) => map
                    .keys()
                    .position(|k| k == field)
                    .and_then(|i| v.field_lines.get(i).copied())
                    .filter(|l| *l != 0)
                    .unwrap_or(v.line),
                _ => v.line,
            },
            Fields::Row(table, row, line) => match &**table {
                Sheet::Csv(_) => *line,
                Sheet::Json(t) => t
                    .columns(*row)
                    .index(field)
                    .map_or(*line, |c| t.field_line(*row, *line, c)),
            },
        }
    }

    /// Applies `fields:` renames (canonical name <- export name) to a parsed value's top-level keys. CSV
    /// columns are renamed once per file, in [`Columns::new`].
    pub(crate) fn rename(&mut self, renames: &BTreeMap<String, String>) {
        let Fields::Value(v) = &mut self.fields else { return };
        // A preset names the fields of every shape its export comes in (Graph's camelCase, the PowerShell
        // SDK's PascalCase), so most renames find nothing: such a record is left as it is, uncopied.
        match &v.value {
            Value::Object(map) if renames.values().any(|exported| map.contains_key(exported)) => {}
            _ => return,
        }
        let v = Arc::make_mut(v);
        let Value::Object(map) = &mut v.value else { return };
        // Lines by name before renaming; a renamed field's line wins over the field it replaces.
        let mut renamed = Vec::new();
        let mut kept = Vec::new();
        for (key, line) in map.keys().zip(v.field_lines.iter()) {
            match renames.iter().find(|(_, exported)| *exported == key) {
                Some((canonical, _)) => renamed.push((canonical.clone(), *line)),
                None => kept.push((key.clone(), *line)),
            }
        }
        for (canonical, exported) in renames {
            if let Some(value) = map.remove(exported) {
                map.insert(canonical.clone(), value);
            }
        }
        renamed.extend(kept);
        renamed.retain(|(_, line)| *line != 0);
        v.field_lines = aligned_lines(&v.value, renamed);
    }
}

/// A record seen by templates. Fields are converted one at a time as a template reads them: a message names
/// a few fields of a record that may have a hundred.
#[derive(Debug)]
struct TemplateRecord(Record);

impl minijinja::value::Object for TemplateRecord {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<minijinja::Value> {
        self.0.get(key).map(|f| f.to_template())
    }

    /// Field names in name order, as a map of the fields would list them.
    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(
            self.0
                .fields()
                .into_iter()
                .map(|(k, _)| minijinja::Value::from(k))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::SourceFile;

    fn table(text: &str, renames: &BTreeMap<String, String>) -> Vec<Record> {
        let source = SourceFile::new("t.csv", text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut table = Table::new(source.clone(), Arc::new(Columns::new(&headers, renames)), 0);
        let mut row = csv::ByteRecord::new();
        let mut start = reader.position().byte() as usize;
        while reader.read_byte_record(&mut row).unwrap() {
            let end = reader.position().byte() as usize;
            table.push_row(&text.as_bytes()[start..end], start, &row).unwrap();
            start = end;
        }
        let rows = table.rows() as u32;
        let table = Arc::new(Sheet::from(table));
        (0..rows).map(|r| Record::row(table.clone(), r, r + 2)).collect()
    }

    #[test]
    fn csv_cells_read_as_text_null_or_unescaped() {
        let records = table(
            "a,b,c\r\nx,,\"say \"\"hi\"\"\"\r\n\"y\",2,z\n,mid,\r\nü,€,\n",
            &BTreeMap::new(),
        );
        assert_eq!(records.len(), 4);
        assert_eq!(
            records[2].fields(),
            vec![("a", Field::Null), ("b", Field::Text("mid")), ("c", Field::Null)]
        );
        assert_eq!(records[3].get("a"), Some(Field::Text("ü")));
        assert_eq!(records[3].get("b"), Some(Field::Text("€")));
        assert_eq!(records[0].get("a"), Some(Field::Text("x")));
        assert_eq!(records[0].get("b"), Some(Field::Null));
        assert_eq!(records[0].get("c"), Some(Field::Text("say \"hi\"")));
        assert_eq!(records[1].get("a"), Some(Field::Text("y")));
        assert_eq!(records[1].get("c"), Some(Field::Text("z")));
        assert_eq!(records[1].get("d"), None);
        assert_eq!(records[1].to_value(), serde_json::json!({"a": "y", "b": "2", "c": "z"}));
    }

    #[test]
    fn a_path_reads_the_right_column_as_files_with_other_orders_alternate() {
        let first = table("a,b\n1,2\n", &BTreeMap::new());
        let second = table("b,c,a\n3,4,5\n", &BTreeMap::new());
        let values = serde_json::from_str(r#"{"a": "6"}"#).unwrap();
        let json = Record::from_value(values, 0, 1, Vec::new());
        let a = FieldPath::parse("a").unwrap();
        let c = FieldPath::parse("c").unwrap();
        for _ in 0..2 {
            assert_eq!(first[0].get_path(&a, 0), Some(Field::Text("1")));
            assert_eq!(second[0].get_path(&a, 0), Some(Field::Text("5")));
            assert_eq!(json.get_path(&a, 0), Some(Field::Text("6")));
            assert_eq!(first[0].get_path(&c, 0), None);
            assert_eq!(second[0].get_path(&c, 0), Some(Field::Text("4")));
        }
        // A copy of a path (as compiled checks are cloned) reads the same.
        assert_eq!(second[0].get_path(&a.clone(), 0), Some(Field::Text("5")));
    }

    #[test]
    fn rows_longer_than_64_kib_keep_every_cell() {
        let long = "x".repeat(70_000);
        let text = format!("a,b,c\n1,{long},3\n\"q,\"\"\",{long}y,z\nshort,,end\n");
        let records = table(&text, &BTreeMap::new());
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].get("a"), Some(Field::Text("1")));
        assert_eq!(records[0].get("b"), Some(Field::Text(long.as_str())));
        assert_eq!(records[0].get("c"), Some(Field::Text("3")));
        assert_eq!(records[1].get("a"), Some(Field::Text("q,\"")));
        assert_eq!(records[1].get("b"), Some(Field::Text(format!("{long}y").as_str())));
        assert_eq!(records[1].get("c"), Some(Field::Text("z")));
        assert_eq!(
            records[2].fields(),
            vec![
                ("a", Field::Text("short")),
                ("b", Field::Null),
                ("c", Field::Text("end"))
            ]
        );
    }

    #[test]
    fn renamed_columns_replace_a_column_of_the_same_name() {
        let renames = BTreeMap::from([("name".to_string(), "Name".to_string())]);
        let records = table("name,Name,n\nold,new,1\n", &renames);
        assert_eq!(records[0].get("name"), Some(Field::Text("new")));
        assert_eq!(records[0].get("Name"), None);
        assert_eq!(records[0].fields().len(), 2);
    }

    #[test]
    fn field_lines_follow_renames() {
        let value = serde_json::json!({"DeviceName": "PC1", "name": "old", "os": "Windows"});
        let lines = vec![
            ("DeviceName".to_string(), 3),
            ("name".to_string(), 4),
            ("os".to_string(), 5),
        ];
        let mut r = Record::from_value(value, 0, 2, lines);
        assert_eq!(
            (r.field_line("DeviceName"), r.field_line("os"), r.field_line("absent")),
            (3, 5, 2)
        );
        r.rename(&BTreeMap::from([("name".to_string(), "DeviceName".to_string())]));
        assert_eq!(r.get("name"), Some(Field::Text("PC1")));
        assert_eq!(
            (r.field_line("name"), r.field_line("os"), r.field_line("DeviceName")),
            (3, 5, 2)
        );
    }

    #[test]
    fn value_records_resolve_nested_paths() {
        let r = Record::from_value(serde_json::json!({"a": {"b": [1, 2]}, "s": "t"}), 0, 1, Vec::new());
        let p = FieldPath::parse("a.b[*]").unwrap();
        let mut out = Vec::new();
        r.resolve(&p, 0, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(r.get("s"), Some(Field::Text("t")));
        assert_eq!(
            r.get_path(&FieldPath::parse("a.b[1]").unwrap(), 0),
            Some(Field::Json(&2.into()))
        );
    }
}
