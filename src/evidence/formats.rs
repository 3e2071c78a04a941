//! Parsing one evidence file into records, for each format: JSON, YAML, CSV/TSV, text lines, key/value.
//!
//! Every record keeps its line: JSON and YAML through the span-aware loaders, CSV through the reader's
//! positions (or, in a piece without quotes, by counting line ends), text formats by counting. A record that
//! is not an object, a ragged CSV row or a syntax error is a [`FormatError`] with the line, so the dataset
//! errors with a cause a trust can fix.
//!
//! Exports are read as the tools write them: PowerShell's `#TYPE` line above a CSV header is skipped, a Graph
//! response's paging (`@odata.nextLink`) is reported for the loader to check ([`Page`]), and what would
//! otherwise be lost quietly becomes a [`Note`]: text lines no pattern matched, and values PowerShell wrote in
//! place of objects nested deeper than `ConvertTo-Json -Depth`.

use super::record::{Columns, Field, Record, Sheet, Table};
use crate::core::path::{FieldPath, Segment};
use crate::core::source::{SourceFile, pointer_push};
use crate::core::vocab::Format;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    pub message: String,
    pub line: Option<usize>,
}

/// How to read a file.
pub struct ReadOptions<'a> {
    pub format: Format,
    pub records: Option<&'a FieldPath>,
    pub pattern: Option<&'a regex::Regex>,
    pub delimiter: u8,
    /// Field renames (canonical name <- exported name): a CSV file's header is renamed once, other records one
    /// by one.
    pub renames: &'a BTreeMap<String, String>,
}

/// Something about a file that does not stop it being read but that the trust should know: the records may
/// not be all the export held.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub message: String,
    pub line: Option<usize>,
    /// What to do about it.
    pub help: String,
}

/// A saved Microsoft Graph response (a top-level object with a `value` list): one page of a collection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// The line of its `@odata.nextLink`, when the collection continues on another page.
    pub next_link: Option<usize>,
}

/// A file's records, what is worth a warning about them, and its Graph paging.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub notes: Vec<Note>,
    pub page: Option<Page>,
}

/// Parses a file into records (their `file` is set by the caller).
pub fn parse(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Vec<Record>, FormatError> {
    parse_file(file, opts).map(|p| p.records)
}

/// [`parse`], with the file's notes and paging.
pub fn parse_file(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Parsed, FormatError> {
    let mut parsed = match opts.format {
        Format::Csv => return delimited(file, opts.delimiter, opts.renames),
        Format::Tsv => return delimited(file, b'\t', opts.renames),
        Format::Json | Format::Yaml => structured(file, opts)?,
        Format::Lines => lines(file, opts.pattern)?,
        Format::Keyvalue => Parsed {
            records: key_value(file),
            ..Parsed::default()
        },
    };
    if !opts.renames.is_empty() {
        parsed.records.iter_mut().for_each(|r| r.rename(opts.renames));
    }
    Ok(parsed)
}

/// Bytes of a JSON array parsed by one task; smaller arrays are parsed in one piece.
const JSON_PIECE_BYTES: usize = 1 << 20;

fn structured(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Parsed, FormatError> {
    // An array of records, or a Graph response's, is read compactly (and in parallel when large); any other
    // document, and any error, goes the general way below.
    if opts.format == Format::Json
        && opts.records.is_none()
        && let Some(loaded) = super::json_table::load(file, opts.renames, JSON_PIECE_BYTES)
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
pub(super) struct Truncated {
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
    pub(super) fn scan_fields<'f, C>(
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
    pub(super) fn merge(&mut self, later: Truncated) {
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

/// CSV/TSV with a header row. Empty cells are null; a row with the wrong number of cells is an error. A
/// `#TYPE ...` line above the header (Windows PowerShell's `Export-Csv` writes one unless told
/// `-NoTypeInformation`) is skipped, and every other line keeps its number.
fn delimited(file: &Arc<SourceFile>, delimiter: u8, renames: &BTreeMap<String, String>) -> Result<Parsed, FormatError> {
    let skip = type_line_len(&file.text);
    let header_line = 1 + usize::from(skip > 0);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(file.text.as_bytes().get(skip..).unwrap_or_default());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            let mut err = csv_error(&e, file);
            err.line = e.position().map(|p| csv_line_at(file, skip + p.byte() as usize));
            err
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Ok(Parsed::default());
    }
    // A set of the names seen, so a header of 100,000 columns is checked in one pass, not one per pair.
    let mut seen: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(headers.len(), Default::default());
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(FormatError {
                message: format!("column {} has no header", i + 1),
                line: Some(header_line),
            });
        }
        if !seen.insert(h) {
            return Err(FormatError {
                message: format!("the header `{h}` appears twice"),
                line: Some(header_line),
            });
        }
    }
    // Large files are split at record boundaries and the pieces parsed in parallel; records keep file order.
    let columns = Arc::new(Columns::new(&headers, renames));
    let body_start = skip + reader.position().byte() as usize;
    let pieces = pieces(&file.text, body_start, delimiter, CHUNK_BYTES);
    let parsed: Vec<Result<Vec<Record>, FormatError>> = pieces
        .par_iter()
        .map(|piece| parse_piece(file, delimiter, &columns, piece))
        .collect();
    let mut out = Vec::with_capacity(parsed.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
    for piece in parsed {
        out.extend(piece?);
    }
    let notes = out.first().and_then(type_name_cells).into_iter().collect();
    Ok(Parsed {
        records: out,
        notes,
        page: None,
    })
}

/// The length of a leading `#TYPE ...` line with its line end, or 0.
fn type_line_len(text: &str) -> usize {
    if !text.starts_with("#TYPE ") {
        return 0;
    }
    text.find('\n').map_or(text.len(), |i| i + 1)
}

/// The header row of CSV text, as [`delimited`] reads it (after any `#TYPE` line): for `assure init`.
pub fn csv_headers(text: &str, delimiter: u8) -> Vec<String> {
    let skip = type_line_len(text);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes().get(skip..).unwrap_or_default())
        .headers()
        .map(|h| h.iter().map(|s| s.trim().to_string()).collect())
        .unwrap_or_default()
}

/// The delimiter of CSV text whose manifest entry sets none: `;` when its header line holds `;` and no `,`
/// (Excel saves CSV that way where the decimal separator is a comma), else `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let skip = type_line_len(text);
    let header = text.get(skip..).unwrap_or_default().lines().next().unwrap_or_default();
    if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    }
}

/// A note when the first row of a CSV export holds a type name or `@{...}` text: `Export-Csv` writes that for
/// a property holding a list or an object, and writes it in every row, so the first row tells.
fn type_name_cells(first: &Record) -> Option<Note> {
    // The Active Directory module's bookkeeping properties, in every Get-ADUser export and never evidence.
    const BOOKKEEPING: [&str; 4] = [
        "PropertyNames",
        "AddedProperties",
        "RemovedProperties",
        "ModifiedProperties",
    ];
    let (column, text) = first.fields().into_iter().find_map(|(name, field)| match field {
        Field::Text(t) if truncated_by_powershell(t) && !BOOKKEEPING.contains(&name) => {
            Some((name.to_string(), t.to_string()))
        }
        _ => None,
    })?;
    Some(Note {
        message: format!(
            "column `{column}` holds \"{}\": Export-Csv wrote the type of a list or object rather than its contents",
            text.chars().take(60).collect::<String>()
        ),
        line: Some(first.line() as usize),
        help: format!(
            "select it as text before exporting, e.g. `Select-Object *, @{{n='{column}';e={{$_.{column} -join ';'}}}} -ExcludeProperty {column}`, or leave it out if no check needs it"
        ),
    })
}

/// Bytes of CSV parsed by one task; smaller files are parsed in one piece.
const CHUNK_BYTES: usize = 4 << 20;

/// Splits CSV bytes into pieces of about `size` bytes that end at a record boundary: each piece ends at the
/// first record end at least `size` bytes after its start.
fn split_records(bytes: &[u8], delimiter: u8, size: usize) -> Vec<(usize, usize)> {
    if memchr::memchr(b'"', bytes).is_some() {
        return split_quoted(bytes, delimiter, size);
    }
    // Without quotes every line feed ends a record, so only the piece ends need finding.
    let size = size.max(1);
    let mut pieces = Vec::new();
    let mut start = 0;
    while let Some(end) = bytes
        .get(start + size - 1..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map(|i| start + size + i)
    {
        pieces.push((start, end));
        start = end;
    }
    if start < bytes.len() || pieces.is_empty() {
        pieces.push((start, bytes.len()));
    }
    pieces
}

/// [`split_records`] for bytes with quotes. The scan follows the csv crate's default quoting (a quote opens a
/// quoted field only at the start of a field; `""` inside one is an escaped quote), so a line end inside a
/// quoted field never ends a piece.
fn split_quoted(bytes: &[u8], delimiter: u8, size: usize) -> Vec<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut state = State::FieldStart;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => State::Quoted,
            (_, b'\n') => {
                if i + 1 - start >= size {
                    pieces.push((start, i + 1));
                    start = i + 1;
                }
                State::FieldStart
            }
            (_, b'\r') => State::FieldStart,
            (_, b) if b == delimiter => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    if start < bytes.len() || pieces.is_empty() {
        pieces.push((start, bytes.len()));
    }
    pieces
}

/// The body of a CSV file (from `body_start`) in pieces of about `size` bytes, each with its first line: rows
/// then count their lines as they go, without the file's line index.
fn pieces(text: &str, body_start: usize, delimiter: u8, size: usize) -> Vec<Piece<'_>> {
    let body = text.as_bytes().get(body_start..).unwrap_or_default();
    let spans = split_records(body, delimiter, size);
    let feeds: Vec<usize> = spans
        .par_iter()
        .map(|&(start, end)| memchr::memchr_iter(b'\n', &body[start..end]).count())
        .collect();
    let mut line = 1 + memchr::memchr_iter(b'\n', text.as_bytes().get(..body_start).unwrap_or_default()).count();
    spans
        .iter()
        .zip(feeds)
        .map(|(&(start, end), feeds)| {
            let piece = Piece {
                offset: body_start + start,
                bytes: &body[start..end],
                line,
                feeds,
            };
            line += feeds;
            piece
        })
        .collect()
}

/// A piece of a CSV body: where it starts in the file, its bytes, the line it starts on and its line feeds.
struct Piece<'a> {
    offset: usize,
    bytes: &'a [u8],
    line: usize,
    feeds: usize,
}

/// Parses the records of a piece against the file's columns.
fn parse_piece(
    file: &Arc<SourceFile>,
    delimiter: u8,
    columns: &Arc<Columns>,
    piece: &Piece<'_>,
) -> Result<Vec<Record>, FormatError> {
    let (offset, bytes) = (piece.offset, piece.bytes);
    let mut table = Table::new(file.clone(), columns.clone(), offset);
    let rows = piece.feeds + 1;
    table.reserve(rows);
    let mut lines: Vec<u32> = Vec::with_capacity(rows);
    if memchr::memchr(b'"', bytes).is_none() {
        parse_plain(piece, delimiter, columns.len(), &mut table, &mut lines)?;
        return Ok(records(table, lines));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // The line at `counted`, moved forward row by row.
    let (mut counted, mut line) = (0usize, piece.line);
    let mut row = csv::ByteRecord::new();
    let mut start = 0usize;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                // Line from the byte offset: the reader's own line count is off for CRLF files.
                let at = past_line_ends(bytes, row.position().map_or(0, |p| p.byte() as usize));
                line += memchr::memchr_iter(b'\n', bytes.get(counted..at).unwrap_or_default()).count();
                counted = counted.max(at);
                if row.len() != columns.len() {
                    return Err(ragged(row.len(), columns.len(), line));
                }
                let end = (reader.position().byte() as usize).min(bytes.len());
                table
                    .push_row(bytes.get(start..end).unwrap_or_default(), start, &row)
                    .map_err(|message| FormatError {
                        message,
                        line: Some(line),
                    })?;
                start = end;
                lines.push(line as u32);
            }
            Err(e) => {
                let mut err = csv_error(&e, file);
                err.line = e.position().map(|p| csv_line_at(file, offset + p.byte() as usize));
                return Err(err);
            }
        }
    }
    Ok(records(table, lines))
}

/// The records of a parsed piece, one per row.
fn records(table: Table, lines: Vec<u32>) -> Vec<Record> {
    let table = Arc::new(Sheet::from(table));
    lines
        .into_iter()
        .enumerate()
        .map(|(row, line)| Record::row(table.clone(), row as u32, line))
        .collect()
}

fn ragged(cells: usize, columns: usize, line: usize) -> FormatError {
    FormatError {
        message: format!("a row has {cells} cells but the header has {columns}; check for unquoted delimiters"),
        line: Some(line),
    }
}

/// Rows of a piece without a quote, where the csv crate returns every cell as its bytes: cells end at a
/// delimiter, rows at `\r`, `\n` or `\r\n`, and empty lines are skipped. One scan for the three bytes finds
/// them all, where the csv crate's parser steps byte by byte.
fn parse_plain(
    piece: &Piece<'_>,
    delimiter: u8,
    columns: usize,
    table: &mut Table,
    lines: &mut Vec<u32>,
) -> Result<(), FormatError> {
    let bytes = piece.bytes;
    // A searcher built once per piece: `memchr3_iter` picks its routine again at every cell, which cost as much
    // as the search itself in cells of a few bytes.
    #[cfg(target_arch = "x86_64")]
    if let Some(three) = memchr::arch::x86_64::avx2::memchr::Three::new(delimiter, b'\n', b'\r') {
        return split_plain(piece, delimiter, columns, table, lines, three.iter(bytes));
    }
    let ends = memchr::memchr3_iter(delimiter, b'\n', b'\r', bytes);
    split_plain(piece, delimiter, columns, table, lines, ends)
}

/// [`parse_plain`] with the offsets of the piece's delimiters and line terminators, in order.
fn split_plain(
    piece: &Piece<'_>,
    delimiter: u8,
    columns: usize,
    table: &mut Table,
    lines: &mut Vec<u32>,
    specials: impl Iterator<Item = usize>,
) -> Result<(), FormatError> {
    let bytes = piece.bytes;
    let mut line = piece.line;
    // A row starts after the last line end; its delimiters are counted from there.
    let mut after_terminator = 0;
    let mut delimiters: Vec<usize> = Vec::with_capacity(columns);
    let mut finish = |start: usize, end: usize, delimiters: &mut Vec<usize>, line: usize| {
        if delimiters.len() + 1 != columns {
            return Err(ragged(delimiters.len() + 1, columns, line));
        }
        table
            .push_plain_row(start, &bytes[start..end], delimiters)
            .map_err(|message| FormatError {
                message,
                line: Some(line),
            })?;
        lines.push(line as u32);
        delimiters.clear();
        Ok(())
    };
    for at in specials {
        if bytes[at] == delimiter {
            delimiters.push(at - after_terminator);
            continue;
        }
        // A line end ends a row if the line has a byte (a delimiter counts); otherwise the line was empty.
        if at > after_terminator {
            finish(after_terminator, at, &mut delimiters, line)?;
        }
        after_terminator = at + 1;
        line += usize::from(bytes[at] == b'\n');
    }
    if bytes.len() > after_terminator {
        finish(after_terminator, bytes.len(), &mut delimiters, line)?;
    }
    Ok(())
}

/// The line a CSV record starts on (its position may sit on the previous row's line terminator).
fn csv_line(file: &SourceFile, p: &csv::Position) -> usize {
    csv_line_at(file, p.byte() as usize)
}

fn csv_line_at(file: &SourceFile, at: usize) -> usize {
    file.line_of(past_line_ends(file.text.as_bytes(), at))
}

/// The first offset from `at` that is not a line terminator: the csv crate may start a record on the previous
/// record's terminator.
pub(super) fn past_line_ends(bytes: &[u8], at: usize) -> usize {
    at + bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count()
}

fn csv_error(e: &csv::Error, file: &SourceFile) -> FormatError {
    let line = e.position().map(|p| csv_line(file, p));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("a row has {len} cells but the header has {expected_len}; check for unquoted delimiters")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8; save it as UTF-8".to_string(),
        _ => format!("invalid CSV: {e}"),
    };
    FormatError { message, line }
}

/// Line numbers of unmatched lines shown in the note; the rest are counted.
const UNMATCHED_SHOWN: usize = 5;

/// One record per non-blank line: `line` holds the text; a pattern's named groups become fields. A line the
/// pattern does not match is no record, so it is counted in a note naming the first few: a record that fell
/// outside the pattern must not vanish and turn a check green. Lines starting with `#` are comments and are
/// not counted.
fn lines(file: &SourceFile, pattern: Option<&regex::Regex>) -> Result<Parsed, FormatError> {
    let mut out = Vec::new();
    let mut unmatched: Vec<usize> = Vec::new();
    let mut unmatched_count = 0usize;
    for (i, raw) in file.text.split('\n').enumerate() {
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        if text.trim().is_empty() {
            continue;
        }
        let mut map = Map::new();
        map.insert("line".into(), Value::String(text.to_string()));
        if let Some(re) = pattern {
            let Some(caps) = re.captures(text) else {
                if !text.trim_start().starts_with('#') {
                    unmatched_count += 1;
                    if unmatched.len() < UNMATCHED_SHOWN {
                        unmatched.push(i + 1);
                    }
                }
                continue;
            };
            for name in re.capture_names().flatten() {
                if let Some(m) = caps.name(name) {
                    map.insert(name.to_string(), Value::String(m.as_str().to_string()));
                }
            }
        }
        out.push(Record::from_value(Value::Object(map), 0, i as u32 + 1, Vec::new()));
    }
    let notes = match unmatched.first() {
        None => Vec::new(),
        Some(&first) => {
            let shown = unmatched.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
            let more = if unmatched_count > unmatched.len() { ", ..." } else { "" };
            vec![Note {
                message: format!(
                    "{unmatched_count} line(s) match no `pattern` and are not records (line {shown}{more})"
                ),
                line: Some(first),
                help: "widen the dataset's `pattern` in assure.yaml (make optional parts optional) so every record line matches, or start non-record lines with `#`".to_string(),
            }]
        }
    };
    Ok(Parsed {
        records: out,
        notes,
        page: None,
    })
}

/// `Key value` or `Key=value` lines, read as sshd reads sshd_config: `#` and `;` start comments; keywords are
/// case-insensitive and the first value of a keyword wins. The global section is one record (line 1). Each
/// `Match` block is one more record at the `Match` line holding what applies to a connection it matches: the
/// global values overridden by the block's own (first value wins inside it too), with `Match` holding the
/// block's criteria. So a block that re-enables root or password login fails a check at its own line.
fn key_value(file: &SourceFile) -> Vec<Record> {
    let mut sections = vec![Section::default()];
    for (i, raw) in file.text.split('\n').enumerate() {
        let Some((key, value)) = directive(raw) else {
            continue;
        };
        let line = i as u32 + 1;
        if key.eq_ignore_ascii_case("match") {
            sections.push(Section {
                criteria: Some(value.to_string()),
                line,
                ..Section::default()
            });
            continue;
        }
        if let Some(section) = sections.last_mut() {
            section.set(key, value, line);
        }
    }
    section_records(sections)
}

/// One line's keyword and value (`Key value`, `Key=value`, a value in quotes), or `None` for a blank line or
/// a comment.
pub(super) fn directive(raw: &str) -> Option<(&str, &str)> {
    let text = raw.trim();
    if text.is_empty() || text.starts_with('#') || text.starts_with(';') {
        return None;
    }
    let split = text.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(text.len());
    let key = text[..split].trim();
    let value = text[split..]
        .trim_start_matches(|c: char| c == '=' || c.is_whitespace())
        .trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    (!key.is_empty()).then_some((key, value))
}

/// The records of an sshd_config's sections: the global one (line 1), then each `Match` block over it.
pub(super) fn section_records(sections: Vec<Section>) -> Vec<Record> {
    let mut sections = sections.into_iter();
    let global = sections.next().unwrap_or_default();
    let mut records = Vec::new();
    for block in sections {
        let mut effective = global.clone();
        effective.values.extend(block.values);
        effective.set("Match", &block.criteria.unwrap_or_default(), block.line);
        records.push(effective.record(block.line));
    }
    records.insert(0, global.record(1));
    records
}

/// One section of an sshd_config: the global one or a `Match` block.
#[derive(Clone, Default)]
pub(super) struct Section {
    pub(super) criteria: Option<String>,
    pub(super) line: u32,
    /// Lowercased keyword -> (keyword as first written, value, line): one lookup per line, however many
    /// keywords a file holds.
    pub(super) values: BTreeMap<String, (String, String, u32)>,
}

impl Section {
    /// Keeps the first value of a keyword, whatever its case.
    pub(super) fn set(&mut self, key: &str, value: &str, line: u32) {
        self.values
            .entry(key.to_ascii_lowercase())
            .or_insert_with(|| (key.to_string(), value.to_string(), line));
    }

    fn record(self, line: u32) -> Record {
        let mut map = Map::new();
        let mut field_lines = Vec::new();
        for (key, value, at) in self.values.into_values() {
            field_lines.push((key.clone(), at));
            map.insert(key, Value::String(value));
        }
        field_lines.sort_by_key(|(_, at)| *at);
        Record::from_value(Value::Object(map), 0, line, field_lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records and lines from parsing `text` in pieces of `size` bytes.
    fn in_pieces(text: &str, size: usize) -> Vec<(Value, u32)> {
        let file = SourceFile::new("t.csv", text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let columns = Arc::new(Columns::new(&headers, &BTreeMap::new()));
        let body_start = reader.position().byte() as usize;
        pieces(text, body_start, b',', size)
            .iter()
            .flat_map(|piece| parse_piece(&file, b',', &columns, piece).unwrap())
            .map(|r| (r.to_value(), r.line()))
            .collect()
    }

    #[test]
    fn pieces_split_only_between_records_and_keep_lines() {
        let mut text = String::from("name,note,n\r\n");
        for i in 0..200 {
            match i % 4 {
                0 => text.push_str(&format!("r{i},\"two\r\nlines\",{i}\r\n")),
                1 => text.push_str(&format!("r{i},\"say \"\"hi\"\"\nthere\",{i}\r\n")),
                2 => text.push_str(&format!("r{i},in\"side,{i}\r\n")),
                _ => text.push_str(&format!("r{i},,{i}\n")),
            }
        }
        let whole = in_pieces(&text, usize::MAX);
        assert_eq!(whole.len(), 200);
        for size in [1, 7, 64, 1000] {
            assert_eq!(in_pieces(&text, size), whole, "pieces of {size} bytes");
        }
        assert_eq!(whole[1].1, 4, "a record after a two-line field starts on line 4");
        assert_eq!(whole[1].0["note"], "say \"hi\"\nthere");
        assert!(split_records(text.as_bytes(), b',', 64).len() > 10);
    }

    #[test]
    fn quote_free_rows_keep_their_lines_across_blank_lines_and_terminators() {
        // Each row holds the line it is on; blank lines and mixed terminators sit between them.
        let mut text = String::from("line,pad\n");
        let mut line = 2;
        for i in 0..120 {
            text.push_str(&format!("{line},{}", "x".repeat(i % 5)));
            let gap = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\n\r\n\n"][i % 5];
            text.push_str(gap);
            line += gap.matches('\n').count();
        }
        text.push_str(&format!("{line},last"));
        for size in [1, 9, 100, usize::MAX] {
            let rows = in_pieces(&text, size);
            assert_eq!(rows.len(), 121, "pieces of {size} bytes");
            for (value, line) in rows {
                assert_eq!(value["line"], line.to_string(), "pieces of {size} bytes");
            }
        }
    }

    /// Each row's cells (empty as null) and line, or the line of the first ragged row.
    type Rows = Result<Vec<(Vec<Option<String>>, u32)>, usize>;

    /// What the csv crate makes of a whole body.
    fn by_csv_crate(text: &str, columns: usize) -> Rows {
        let file = SourceFile::new("t.csv", text);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let mut out = Vec::new();
        for row in reader.byte_records() {
            let row = row.unwrap();
            let line = csv_line(&file, row.position().unwrap());
            if row.len() != columns {
                return Err(line);
            }
            let cells = row
                .iter()
                .map(|c| (!c.is_empty()).then(|| String::from_utf8(c.to_vec()).unwrap()))
                .collect();
            out.push((cells, line as u32));
        }
        Ok(out)
    }

    #[test]
    fn rows_without_quotes_are_what_the_csv_crate_reads() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = [b'a', b'b', b' ', b',', b',', b'\n', b'\n', b'\r', b'\t'];
        for case in 0..3000 {
            let len = rng.usize(0..60);
            let body: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())] as char)
                .collect();
            // Most cases keep every row at three cells, so rows (not only errors) are compared.
            let body = if case % 3 == 0 {
                body
            } else {
                body.split('\n')
                    .map(|l| l.split(',').chain(["", ""]).take(3).collect::<Vec<_>>().join(","))
                    .collect::<Vec<_>>()
                    .join(if case % 2 == 0 { "\n" } else { "\r\n" })
            };
            let text = format!("x,y,z\n{body}");
            let expected = by_csv_crate(&text, 3);
            let file = SourceFile::new("t.csv", text.as_str());
            let columns = Arc::new(Columns::new(&["x".into(), "y".into(), "z".into()], &BTreeMap::new()));
            for size in [1, 5, usize::MAX] {
                let got: Rows = pieces(&text, 6, b',', size)
                    .iter()
                    .map(|piece| parse_piece(&file, b',', &columns, piece))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|pieces| {
                        pieces
                            .into_iter()
                            .flatten()
                            .map(|r| {
                                let cells = ["x", "y", "z"]
                                    .iter()
                                    .map(|c| match r.get(c) {
                                        Some(crate::evidence::Field::Text(t)) => Some(t.to_string()),
                                        _ => None,
                                    })
                                    .collect();
                                (cells, r.line())
                            })
                            .collect()
                    })
                    .map_err(|e| e.line.unwrap_or_default());
                assert_eq!(got, expected, "{text:?} in pieces of {size} bytes");
            }
        }
    }

    #[test]
    fn quote_free_bytes_split_where_the_full_scan_does() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("r{i},{}\r\n", "x".repeat(i % 17)));
        }
        text.push_str("last,row");
        for size in [1, 2, 5, 64, 999, 100_000] {
            assert_eq!(
                split_records(text.as_bytes(), b',', size),
                split_quoted(text.as_bytes(), b',', size),
                "pieces of {size} bytes"
            );
        }
    }

    fn read(
        name: &str,
        text: &str,
        format: Format,
        records: Option<&str>,
        pattern: Option<&str>,
    ) -> Result<Vec<Record>, FormatError> {
        let file = SourceFile::new(name, text);
        let path = records.map(|r| FieldPath::parse(r).unwrap());
        let re = pattern.map(|p| regex::Regex::new(p).unwrap());
        parse(
            &file,
            &ReadOptions {
                format,
                records: path.as_ref(),
                pattern: re.as_ref(),
                delimiter: b',',
                renames: &BTreeMap::new(),
            },
        )
    }

    #[test]
    fn json_graph_export_records_keep_lines() {
        let text = "{\n \"@odata.context\": \"x\",\n \"value\": [\n  {\"deviceName\": \"A\"},\n  {\n   \"deviceName\": \"B\",\n   \"isEncrypted\": false\n  }\n ]\n}\n";
        let recs = read("d.json", text, Format::Json, Some("value[*]"), None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (4, 5));
        assert_eq!(
            (recs[1].field_line("deviceName"), recs[1].field_line("isEncrypted")),
            (6, 7)
        );
        // Without a path, a Graph `{ value: [...] }` object is read the same way.
        let without_path = read("d.json", text, Format::Json, None, None).unwrap();
        assert_eq!(without_path.len(), 2);
        assert_eq!(
            without_path[1].field_line("isEncrypted"),
            7,
            "field lines without a record path too"
        );
    }

    #[test]
    fn field_lines_are_counted_through_the_file() {
        let text = "- &shared\n  name: A\n\n  owner: IT\n- name: B\n  # a comment\n  owner: HR\n- *shared\n";
        let recs = read("r.yaml", text, Format::Yaml, None, None).unwrap();
        let lines: Vec<_> = recs
            .iter()
            .map(|r| (r.line(), r.field_line("name"), r.field_line("owner")))
            .collect();
        assert_eq!(lines[0], (1, 2, 4));
        assert_eq!(lines[1], (5, 5, 7));
        // An alias's fields are reported on the alias's line.
        assert_eq!(lines[2], (8, 8, 8));

        let json = "{\"value\": [\n {\"a\": 1,\n\n  \"b\\u0041\": 2, \"c\": 3},\n {\"a\": 4}]}";
        let recs = read("d.json", json, Format::Json, None, None).unwrap();
        assert_eq!(
            (
                recs[0].field_line("a"),
                recs[0].field_line("bA"),
                recs[0].field_line("c")
            ),
            (2, 4, 4)
        );
        assert_eq!((recs[1].line(), recs[1].field_line("a")), (5, 5));
    }

    #[test]
    fn json_key_names_decode_escapes() {
        assert_eq!(
            crate::core::json::key_name("\"deviceName\"").as_deref(),
            Some("deviceName")
        );
        assert_eq!(
            crate::core::json::key_name("\"a\\\"b\\u00e9\"").as_deref(),
            Some("a\"bé")
        );
        let text = "{\"value\": [\n {\n  \"na\\u006de\": \"A\",\n  \"ok\": 1\n }\n]}";
        let recs = read("e.json", text, Format::Json, None, None).unwrap();
        assert_eq!((recs[0].field_line("name"), recs[0].field_line("ok")), (3, 4));
    }

    #[test]
    fn yaml_records_keep_lines() {
        let recs = read(
            "s.yaml",
            "- name: A\n  contract: yes\n- name: B\n",
            Format::Yaml,
            None,
            None,
        )
        .unwrap();
        assert_eq!((recs[0].line(), recs[1].line()), (1, 3));
        assert_eq!(recs[0].field_line("contract"), 2);
        assert_eq!(recs[0].to_value()["contract"], "yes");
    }

    #[test]
    fn yaml_fields_keep_their_lines_whatever_their_keys() {
        let text = "incidents:\n  - id: INC-1\n    \"reported at\": 2026-01-02\n    'owner''s team': IG\n    \
                    1: one\n    null: nothing\n    \"esc\\tkey\": x\n    nested:\n      deep: 1\n  \
                    - { id: INC-2,\n      severity: high }\n";
        let recs = read("r.yaml", text, Format::Yaml, Some("incidents[*]"), None).unwrap();
        let lines: Vec<u32> = [
            "id",
            "reported at",
            "owner's team",
            "1",
            "null",
            "esc\tkey",
            "nested",
            "absent",
        ]
        .iter()
        .map(|f| recs[0].field_line(f))
        .collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 2]);
        assert_eq!((recs[1].line(), recs[1].field_line("severity")), (10, 11));
        // Top-level lists, with comments and a document marker before them, in both formats.
        for (name, text, format) in [
            (
                "l.yaml",
                "# register\n---\n- id: A\n  owner: IG\n- id: B\n",
                Format::Yaml,
            ),
            (
                "l.json",
                "\n[\n {\"id\": \"A\",\n  \"owner\": \"IG\"},\n {\"id\": \"B\"}\n]",
                Format::Json,
            ),
        ] {
            let recs = read(name, text, format, None, None).unwrap();
            let lines = (recs[0].line(), recs[0].field_line("owner"), recs[1].line());
            assert_eq!(lines, (3, 4, 5), "{name}");
        }
    }

    #[test]
    fn non_object_records_are_errors() {
        let err = read("x.json", "[1, 2]", Format::Json, None, None).unwrap_err();
        assert!(err.message.contains("is a number, not an object"), "{}", err.message);
    }

    #[test]
    fn csv_rows_quoted_newlines_and_ragged_rows() {
        let text = "Name,Enabled,Note\r\nA,True,\"two\nlines\"\r\nB,False,\r\n";
        let recs = read("a.csv", text, Format::Csv, None, None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (2, 4));
        assert_eq!(recs[0].to_value()["Note"], "two\nlines");
        assert!(recs[1].to_value()["Note"].is_null());
        let err = read("b.csv", "a,b\n1,2,3\n", Format::Csv, None, None).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("3 cells but the header has 2"));
    }

    #[test]
    fn a_duplicate_among_100_000_header_names_is_found() {
        // A 1 MB header: the names are checked against a set, not each against every one before it.
        let mut header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let distinct = format!("{}\n{}\n", header.join(","), vec!["1"; header.len()].join(","));
        assert_eq!(
            read("w.csv", &distinct, Format::Csv, None, None).unwrap()[0]
                .fields()
                .len(),
            100_000
        );
        header.push("c50000".into());
        let text = format!("{}\n{}\n", header.join(","), vec!["1"; header.len()].join(","));
        let err = read("w.csv", &text, Format::Csv, None, None).unwrap_err();
        assert_eq!(err.message, "the header `c50000` appears twice");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn lines_with_named_groups() {
        let text = "2026-10-01 alert CC-4501 acknowledged\nnoise\n2026-10-03 alert CC-4502 acknowledged\n";
        let recs = read(
            "a.log",
            text,
            Format::Lines,
            None,
            Some(r"^(?P<date>\S+) alert (?P<id>\S+)"),
        )
        .unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].to_value()["id"], "CC-4502");
        assert_eq!(recs[1].line(), 3);
    }

    #[test]
    fn key_value_first_value_wins() {
        let text = "# comment\nPermitRootLogin no\nPasswordAuthentication=yes\nPermitRootLogin yes\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs[0].to_value()["PermitRootLogin"], "no");
        assert_eq!(recs[0].to_value()["PasswordAuthentication"], "yes");
        assert_eq!(recs[0].field_line("PasswordAuthentication"), 3);
    }

    #[test]
    fn key_value_keywords_ignore_case_and_the_first_one_wins() {
        let text = "permitrootlogin yes\nPermitRootLogin no\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].to_value()["permitrootlogin"], "yes");
        assert!(recs[0].to_value().get("PermitRootLogin").is_none());
    }

    #[test]
    fn match_blocks_are_records_of_their_own_at_their_line() {
        let text = "PermitRootLogin no\nPasswordAuthentication no\n\nMatch User backup\n  PermitRootLogin yes\n  PermitRootLogin no\n\
            Match Address 10.0.0.0/8\n  X11Forwarding yes\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs.len(), 3);
        let global = recs[0].to_value();
        assert_eq!(global["PermitRootLogin"], "no");
        assert!(global.get("Match").is_none() && global.get("X11Forwarding").is_none());
        assert_eq!(recs[0].line(), 1);

        let backup = recs[1].to_value();
        assert_eq!(backup["Match"], "User backup");
        assert_eq!(
            backup["PermitRootLogin"], "yes",
            "the block's first value overrides the global one"
        );
        assert_eq!(
            backup["PasswordAuthentication"], "no",
            "inherited from the global section"
        );
        assert_eq!(recs[1].line(), 4);
        assert_eq!(recs[1].field_line("PermitRootLogin"), 5);
        assert_eq!(recs[1].field_line("PasswordAuthentication"), 2);

        let lan = recs[2].to_value();
        assert_eq!(lan["Match"], "Address 10.0.0.0/8");
        assert_eq!(lan["PermitRootLogin"], "no");
        assert_eq!(lan["X11Forwarding"], "yes");
        assert_eq!(recs[2].line(), 7);
    }

    #[test]
    fn a_type_line_is_skipped_and_every_other_line_keeps_its_number() {
        let text = "#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n\"Name\",\"Enabled\"\r\n\"ann\",\"True\"\r\n\"bob\",\"False\"\r\n";
        let recs = read("u.csv", text, Format::Csv, None, None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (3, 4));
        assert_eq!(recs[1].to_value()["Name"], "bob");
        let err = read("u.csv", "#TYPE X\na,a\n1,2\n", Format::Csv, None, None).unwrap_err();
        assert_eq!(err.line, Some(2), "the header is on line 2");
        // Only a first line is a type line.
        let recs = read("u.csv", "Name\n#TYPE X\n", Format::Csv, None, None).unwrap();
        assert_eq!(recs[0].to_value()["Name"], "#TYPE X");
    }

    #[test]
    fn a_semicolon_header_without_commas_is_split_at_semicolons() {
        assert_eq!(sniff_delimiter("a;b;c\r\n1;2;3\r\n"), b';');
        assert_eq!(sniff_delimiter("#TYPE X\na;b\n"), b';');
        assert_eq!(sniff_delimiter("a,b;c\n"), b',');
        assert_eq!(sniff_delimiter("name\n1;2\n"), b',');
        assert_eq!(csv_headers("#TYPE X\n\"a\";\"b\"\n", b';'), ["a", "b"]);
    }

    #[test]
    fn powershell_truncation_is_told_from_ordinary_text() {
        for t in [
            "System.Collections.Hashtable",
            "System.Object[]",
            "@{LastSignInDateTime=14/11/2026 22:13:20; LastNonInteractiveSignInDateTime=}",
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphDeviceActionResult",
            "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection",
        ] {
            assert!(truncated_by_powershell(t), "{t}");
        }
        for t in [
            "System",
            "Microsoft.Office",
            "System.Collections are great",
            "@{",
            "a@{b=c}",
            "@home",
            "",
        ] {
            assert!(!truncated_by_powershell(t), "{t}");
        }
    }

    #[test]
    fn graph_pages_error_responses_and_lines_that_match_no_pattern() {
        let file = SourceFile::new(
            "p.json",
            "{\n \"@odata.context\": \"x\",\n \"@odata.nextLink\": \"y\",\n \"value\": []\n}\n",
        );
        let renames = BTreeMap::new();
        let opts = |format| ReadOptions {
            format,
            records: None,
            pattern: None,
            delimiter: b',',
            renames: &renames,
        };
        let parsed = parse_file(&file, &opts(Format::Json)).unwrap();
        assert_eq!(parsed.page, Some(Page { next_link: Some(3) }));
        let last = SourceFile::new("p.json", "{\"value\": [{\"a\": 1}]}");
        assert_eq!(
            parse_file(&last, &opts(Format::Json)).unwrap().page,
            Some(Page { next_link: None })
        );
        let list = SourceFile::new("p.json", "[{\"a\": 1}]");
        assert_eq!(parse_file(&list, &opts(Format::Json)).unwrap().page, None);

        let error = SourceFile::new(
            "e.json",
            "{\"error\": {\"code\": \"Authorization_RequestDenied\", \"message\": \"Insufficient privileges\"}}",
        );
        let err = parse_file(&error, &opts(Format::Json)).unwrap_err();
        assert!(
            err.message
                .contains("Authorization_RequestDenied: Insufficient privileges"),
            "{}",
            err.message
        );

        let log = SourceFile::new("a.log", "# header\nok 1\nbad\n\nok 2\nbad\nbad\nbad\nbad\nbad\n");
        let re = regex::Regex::new(r"^ok (?P<n>\d)").unwrap();
        let parsed = parse_file(
            &log,
            &ReadOptions {
                pattern: Some(&re),
                ..opts(Format::Lines)
            },
        )
        .unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(parsed.notes[0].line, Some(3));
        assert!(
            parsed.notes[0]
                .message
                .starts_with("6 line(s) match no `pattern` and are not records (line 3, 6, 7, 8, 9, ...)"),
            "{}",
            parsed.notes[0].message
        );
    }
}
