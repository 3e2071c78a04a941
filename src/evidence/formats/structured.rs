//! JSON and YAML exports: an array of records (or a Graph response's `value`) read compactly, in pieces on
//! every worker when large; Graph paging and error responses; values PowerShell truncated.

use super::*;

/// Bytes of a JSON array parsed by one task; smaller arrays are parsed in one piece.
const JSON_PIECE_BYTES: usize = 1 << 20;

pub(super) fn structured(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Parsed, FormatError> {
    // An array of records, or a Graph response's, is read compactly (and in parallel when large); any other
    // document, and any error, goes the general way below.
    if opts.format == Format::Json
        && opts.records.is_none()
        && let Some(loaded) = crate::evidence::json_table::load(file, opts.renames, JSON_PIECE_BYTES)
    {
        return Ok(Parsed {
            records: loaded.records,
            notes: loaded.truncated.note().into_iter().collect(),
            page: loaded.page,
        });
    }
    // Spans down to the records' fields. Without a record path the records are the items of a top-level list,
    // or of a Graph export's `value`; the document's first character tells which.
    let depth = match opts.records {
        Some(path) => path.segments.len() + 1,
        None if starts_with_list(&file.text) => 2,
        None => 3,
    };
    let doc = match opts.format {
        Format::Json => crate::core::json::parse(&file.text, depth),
        _ => crate::core::yaml::parse(&file.text, depth),
    }
    .map_err(|e| FormatError {
        message: e.message,
        line: Some(file.line_of(e.span.start)),
    })?;

    if let Some(message) = graph_error(&doc.value) {
        return Err(FormatError { message, line: Some(1) });
    }
    let page = graph_page(&doc.value).then(|| Page {
        next_link: doc
            .value
            .get("@odata.nextLink")
            .map(|_| doc.spans.key("/@odata.nextLink").map_or(1, |s| file.line_of(s.start))),
    });
    let mut selected: Vec<(&Value, String)> = Vec::new();
    match opts.records {
        Some(path) => select(&doc.value, &path.segments, String::new(), &mut selected),
        None => match &doc.value {
            Value::Array(items) => selected.extend(items.iter().enumerate().map(|(i, v)| (v, format!("/{i}")))),
            Value::Object(m) if matches!(m.get("value"), Some(Value::Array(_))) => {
                if let Some(Value::Array(items)) = m.get("value") {
                    selected.extend(items.iter().enumerate().map(|(i, v)| (v, format!("/value/{i}"))));
                }
            }
            Value::Object(_) => selected.push((&doc.value, String::new())),
            Value::Null => {}
            other => {
                return Err(FormatError {
                    message: format!(
                        "the file holds {}, not records (an array of objects or an object)",
                        kind(other)
                    ),
                    line: Some(1),
                });
            }
        },
    }
    if opts.records.is_some() && selected.is_empty() && !doc.value.is_null() {
        let path = opts.records.map(|p| p.to_string()).unwrap_or_default();
        return Err(FormatError {
            message: format!("the record path `{path}` matches nothing in this file"),
            line: Some(1),
        });
    }
    // Move records out of the document rather than copying them.
    let pointers: Vec<String> = selected.into_iter().map(|(_, p)| p).collect();
    let mut doc = doc;
    let mut out = Vec::with_capacity(pointers.len());
    let mut truncated = Truncated::default();
    let line_of = |span: crate::core::source::Span| file.line_of(span.start) as u32;
    let name_of: fn(&str) -> Option<Cow<'_, str>> = match opts.format {
        Format::Json => crate::core::json::key_name,
        _ => |text| crate::core::yaml::key_name(text).map(Cow::Owned),
    };
    for ptr in pointers {
        let line = doc.spans.value(&ptr).map_or(1, line_of);
        let value = value_at(&mut doc.value, &ptr).map(Value::take).unwrap_or(Value::Null);
        let Value::Object(map) = &value else {
            return Err(FormatError {
                message: format!("record {ptr} is {}, not an object with fields", kind(&value)),
                line: Some(line as usize),
            });
        };
        let field_lines: Vec<(Cow<'_, str>, u32)> = match doc.spans.members(&ptr) {
            Some(members) => {
                // Members follow each other in the file: each one's line is stepped to from the one before.
                let mut at = line as usize;
                members
                    .iter()
                    .filter_map(|span| {
                        at = file.line_on_from(span.start, at);
                        let l = at as u32;
                        if l == line {
                            return None;
                        }
                        Some((name_of(file.text.get(span.start..span.end)?)?, l))
                    })
                    .collect()
            }
            None => map
                .keys()
                .filter_map(|k| {
                    let l = doc.spans.key(&pointer_push(&ptr, k)).map(line_of)?;
                    (l != line).then(|| (Cow::Owned(k.clone()), l))
                })
                .collect(),
        };
        let record = Record::from_value_named(value, 0, line, field_lines);
        truncated.scan(&record);
        out.push(record);
    }
    Ok(Parsed {
        records: out,
        notes: truncated.note().into_iter().collect(),
        page,
    })
}

/// Whether a document is a saved Graph collection response: an object with a `value` list (and usually
/// `@odata.context`).
fn graph_page(doc: &Value) -> bool {
    matches!(doc.get("value"), Some(Value::Array(_)))
}

/// The error a file holds when it is a saved Graph error response (`{"error": {"code": ..., "message": ...}}`)
/// rather than data: saving a failed request must not read as an empty export.
fn graph_error(doc: &Value) -> Option<String> {
    let Value::Object(map) = doc else { return None };
    let error = map.get("error")?.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let code = error.get("code")?.as_str()?;
    let message = error.get("message").and_then(Value::as_str).unwrap_or("");
    Some(format!(
        "the file holds a Microsoft Graph error response ({code}: {message}), not records; fix the request (its permissions or URL) and save the export again"
    ))
}

/// What PowerShell writes for a value nested deeper than `ConvertTo-Json -Depth` (2 unless given): the
/// object's type name or `@{key=value; ...}` text in place of the object. Such an export has lost data that a
/// check may need, so it is reported rather than read as if whole.
pub fn truncated_by_powershell(text: &str) -> bool {
    // The first byte rules out almost every value at once.
    match text.as_bytes().first() {
        Some(b'@') => text.starts_with("@{") && text.ends_with('}') && text.contains('='),
        Some(b'S' | b'M') => {
            const TYPE_NAMES: [&str; 4] = [
                "System.Collections.",
                "System.Object[]",
                "Microsoft.Graph.PowerShell.Models.",
                "Microsoft.ActiveDirectory.Management.",
            ];
            TYPE_NAMES.iter().any(|t| text.starts_with(t)) && !text.contains(' ')
        }
        _ => false,
    }
}

/// Values [`truncated_by_powershell`] finds in a file's records: how many, and the first one's field and line.
#[derive(Default)]
pub(crate) struct Truncated {
    values: usize,
    records: usize,
    first: Option<(String, String, usize)>,
}

impl Truncated {
    fn scan(&mut self, record: &Record) {
        let value = record.value();
        let Value::Object(map) = value.as_ref() else { return };
        let fields = map.iter().map(|(k, v)| (k.as_str(), Field::of(v), k.as_str()));
        self.scan_fields(fields, |k| record.field_line(k) as usize);
    }

    /// Scans one record's fields (name, value, what `line_of` needs to find the field's line), in name order.
    pub(crate) fn scan_fields<'f, C>(
        &mut self,
        fields: impl Iterator<Item = (&'f str, Field<'f>, C)>,
        line_of: impl Fn(C) -> usize,
    ) {
        let mut found = 0;
        for (key, value, at) in fields {
            let mut first_text = None;
            let n = match value {
                Field::Text(s) if truncated_by_powershell(s) => {
                    first_text = Some(s.to_string());
                    1
                }
                Field::Json(v) => count_truncated(v, &mut first_text),
                _ => 0,
            };
            if n > 0 && self.first.is_none() {
                let text = first_text.unwrap_or_default();
                self.first = Some((key.to_string(), text, line_of(at)));
            }
            found += n;
        }
        if found > 0 {
            self.values += found;
            self.records += 1;
        }
    }

    /// Adds what was found in the records that follow `self`'s.
    pub(crate) fn merge(&mut self, later: Truncated) {
        self.values += later.values;
        self.records += later.records;
        if self.first.is_none() {
            self.first = later.first;
        }
    }

    fn note(self) -> Option<Note> {
        let (field, text, line) = self.first?;
        let shown: String = text.chars().take(60).collect();
        let more = if self.values > 1 {
            format!(" ({} such values in {} record(s))", self.values, self.records)
        } else {
            String::new()
        };
        Some(Note {
            message: format!(
                "field `{field}` holds \"{shown}\"{more}: PowerShell's ConvertTo-Json wrote this in place of an object nested deeper than its -Depth (2 by default), so the export has lost data"
            ),
            line: Some(line),
            help: "export again with `ConvertTo-Json -Depth 10`".to_string(),
        })
    }
}

/// Truncated values within `value`, remembering the first one's text.
fn count_truncated(value: &Value, first: &mut Option<String>) -> usize {
    match value {
        Value::String(s) if truncated_by_powershell(s) => {
            first.get_or_insert_with(|| s.clone());
            1
        }
        Value::Array(items) => items.iter().map(|v| count_truncated(v, first)).sum(),
        Value::Object(map) => map.values().map(|v| count_truncated(v, first)).sum(),
        _ => 0,
    }
}

/// [`Value::pointer_mut`] for the pointers made here, without copying tokens that have nothing to unescape
/// (serde_json copies each token twice, four copies a record).
fn value_at<'v>(mut value: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = match token.contains('~') {
            true => Cow::Owned(token.replace("~1", "/").replace("~0", "~")),
            false => Cow::Borrowed(token),
        };
        value = match value {
            Value::Object(map) => map.get_mut(token.as_ref())?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Whether a JSON or YAML document is a list at top level: its first content (after blank lines, comments,
/// directives and `---`) opens a sequence. A mapping cannot start that way.
fn starts_with_list(text: &str) -> bool {
    let content = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim_start)
        .find(|l| !(l.is_empty() || l.starts_with('#') || l.starts_with('%') || *l == "---"));
    content.is_some_and(|l| l.starts_with('[') || l == "-" || l.starts_with("- ") || l.starts_with("-\t"))
}

fn select<'v>(value: &'v Value, segments: &[Segment], ptr: String, out: &mut Vec<(&'v Value, String)>) {
    let Some((seg, rest)) = segments.split_first() else {
        out.push((value, ptr));
        return;
    };
    match (seg, value) {
        (Segment::Key(k), Value::Object(m)) => {
            if let Some(v) = m.get(k) {
                select(v, rest, pointer_push(&ptr, k), out);
            }
        }
        (Segment::Index(i), Value::Array(a)) => {
            if let Some(v) = a.get(*i) {
                select(v, rest, format!("{ptr}/{i}"), out);
            }
        }
        (Segment::Wildcard, Value::Array(a)) => {
            for (i, v) in a.iter().enumerate() {
                select(v, rest, format!("{ptr}/{i}"), out);
            }
        }
        (Segment::Wildcard, Value::Object(m)) => {
            for (k, v) in m {
                select(v, rest, pointer_push(&ptr, k), out);
            }
        }
        _ => {}
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
