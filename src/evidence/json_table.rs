//! Compact JSON records: the objects of a JSON array (a top-level list, or a Graph response's `value`) kept
//! as CSV rows are, and parsed in pieces in parallel when the array is large.
//!
//! A [`JsonTable`] holds one piece of the array: the field names once per *shape* (the list of keys a record
//! has, in file order; a Graph export has one), per field an 8-byte cell, and the bytes of its string values.
//! The file's text is not kept: keys, quotes and indentation are most of a Graph export (two thirds of the
//! JSON-heavy benchmark's bytes), so strings are copied into the piece's own text as they are read (only those
//! with escapes are decoded, into a side list); `null`, `true` and `false` need nothing more; numbers, lists
//! and objects are parsed values on the side, a number written the same way as one before it shared. A record
//! is its shape and its first cell; the line of each of its fields is kept only when the record spans lines.
//!
//! A large array is cut at likely element boundaries (`}`, `,`, `{` at the indentation of the first element)
//! and the pieces parsed on every worker. A cut cannot be told from the same characters inside a string
//! without reading from the start, so each piece is checked against the one before it: the piece before must
//! end exactly where the next begins, which, since the first piece starts at the array itself, proves every
//! cut is between two elements. If any is not, the array is read in one piece. Any error, and any other
//! shape of document, is left to the general loader ([`super::formats`]), whose diagnostics (the message, the
//! line) are then exactly those of a whole-document parse.

use super::formats::{Page, Truncated};
use super::record::{Columns, Field, Record, Sheet};
use crate::core::source::SourceFile;
use foldhash::{HashMap, HashMapExt, HashSet};
use jiter::{Jiter, Peek};
use rayon::prelude::*;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU32;

/// What a cell holds, in the top bits of [`Cell::data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    True,
    False,
    /// A string without escapes of `data` bytes, at `at` in [`JsonTable::text`].
    Text,
    /// A string with escapes, decoded: `data` indexes [`JsonTable::decoded`].
    Decoded,
    /// A number, list or object: `data` indexes [`JsonTable::values`].
    Value,
}

const KIND_SHIFT: u32 = 29;
/// The length or index part of [`Cell::data`].
const DATA: u32 = (1 << KIND_SHIFT) - 1;

/// One field's value: its kind with a length or an index, and for a string where its bytes are.
#[derive(Debug, Clone, Copy)]
struct Cell {
    at: u32,
    data: u32,
}

impl Cell {
    fn new(at: u32, kind: Kind, data: usize) -> Option<Cell> {
        let data = u32::try_from(data).ok().filter(|d| *d <= DATA)?;
        Some(Cell {
            at,
            data: ((kind as u32) << KIND_SHIFT) | data,
        })
    }

    fn kind(self) -> Kind {
        match self.data >> KIND_SHIFT {
            0 => Kind::Null,
            1 => Kind::True,
            2 => Kind::False,
            3 => Kind::Text,
            4 => Kind::Decoded,
            _ => Kind::Value,
        }
    }
}

/// One record: its shape, its first cell and, when it spans lines, where its fields' lines are in
/// [`JsonTable::field_lines`] ([`ONE_LINE`] when every field is on the record's line, as in a Graph export).
#[derive(Debug, Clone, Copy)]
struct Row {
    shape: u32,
    first: u32,
    lines: u32,
}

const ONE_LINE: u32 = u32::MAX;

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);

/// The records of one piece of a JSON array.
#[derive(Debug)]
pub struct JsonTable {
    /// Index into [`super::Evidence::files`], set once the file is loaded.
    pub(super) file: AtomicU32,
    /// The bytes of the piece's strings that need no decoding, one after another.
    text: String,
    /// For records that span lines, each field's line after the record's, field by field.
    field_lines: Vec<u32>,
    /// Field names (after the manifest's renames) of each shape of record, shared by the file's pieces (so a
    /// field path's [`super::record::ColumnHint`] holds across them).
    shapes: Vec<Arc<Columns>>,
    rows: Vec<Row>,
    cells: Vec<Cell>,
    decoded: Vec<Box<str>>,
    values: Vec<Value>,
}

impl JsonTable {
    /// The names of record `row`'s fields.
    pub(super) fn columns(&self, row: u32) -> &Columns {
        self.rows
            .get(row as usize)
            .and_then(|r| self.shapes.get(r.shape as usize))
            .map_or(&super::record::NO_COLUMNS, |c| c.as_ref())
    }

    pub(super) fn cell(&self, row: u32, column: usize) -> Field<'_> {
        let Some(cell) = self
            .rows
            .get(row as usize)
            .and_then(|r| self.cells.get(r.first as usize + column))
        else {
            return Field::Null;
        };
        let (at, data) = (cell.at as usize, (cell.data & DATA) as usize);
        let found = match cell.kind() {
            Kind::Null => None,
            Kind::True => Some(Field::Json(&TRUE)),
            Kind::False => Some(Field::Json(&FALSE)),
            Kind::Text => self.text.get(at..at + data).map(Field::Text),
            Kind::Decoded => self.decoded.get(data).map(|s| Field::Text(s)),
            Kind::Value => self.values.get(data).map(Field::of),
        };
        found.unwrap_or(Field::Null)
    }

    /// The line of field `column` of record `row`, which starts on `line`: the line of its key.
    pub(super) fn field_line(&self, row: u32, line: u32, column: usize) -> u32 {
        let Some(r) = self.rows.get(row as usize).filter(|r| r.lines != ONE_LINE) else {
            return line;
        };
        line + self.field_lines.get(r.lines as usize + column).copied().unwrap_or(0)
    }
}

/// The records of a compactly read JSON document, with its Graph paging and what PowerShell truncated.
pub(super) struct Loaded {
    pub records: Vec<Record>,
    pub page: Option<Page>,
    pub truncated: Truncated,
}

/// Reads a JSON document that is an array of objects or a Graph response (an object with a `value` array)
/// compactly; arrays over twice `piece_bytes` are parsed in pieces of about that size. `None` for any other
/// document and for any error, which the general loader then reports.
pub(super) fn load(file: &Arc<SourceFile>, renames: &BTreeMap<String, String>, piece_bytes: usize) -> Option<Loaded> {
    let bytes = file.text.as_bytes();
    let first = bytes.iter().position(|b| !is_space(*b))?;
    let reader = Reader {
        file,
        renames,
        piece_bytes,
    };
    match bytes[first] {
        b'[' => {
            let (records, truncated, end) = reader.array(first, 1)?;
            Jiter::new(bytes.get(end..)?).finish().ok()?;
            Some(Loaded {
                records,
                page: None,
                truncated,
            })
        }
        b'{' => reader.graph(),
        _ => None,
    }
}

/// JSON's whitespace (jiter's; not form feeds).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where `part` (a slice of `whole`) starts in it.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    renames: &'a BTreeMap<String, String>,
    piece_bytes: usize,
}

impl Reader<'_> {
    /// A Graph response: its keys in order, the `value` array read compactly, every other value parsed (and
    /// dropped) so the document is checked whole. `None` without a `value` array.
    fn graph(&self) -> Option<Loaded> {
        let text = self.file.text.as_str();
        let bytes = text.as_bytes();
        let mut j = Jiter::new(bytes);
        // jiter reads `bytes[offset..]`: after the array it starts again past its end.
        let mut offset = 0;
        let mut names: HashSet<Cow<'_, str>> = HashSet::default();
        let mut next_link = None;
        let mut read = None;
        let mut key = j.next_object_bytes().ok()?.map(|k| (offset_in(bytes, k), k.len()));
        while let Some((at, len)) = key {
            let name = key_text(text, at, len)?;
            let peek = j.peek().ok()?;
            if name == "@odata.nextLink" {
                next_link = Some(self.file.line_of(at.saturating_sub(1)));
            }
            if name == "value" && peek == Peek::Array && read.is_none() {
                let (records, truncated, end) = self.array(offset + j.current_index(), 2)?;
                read = Some((records, truncated));
                offset = end;
                j = Jiter::new(bytes.get(end..)?);
            } else {
                crate::core::json::plain_value(text.get(offset..)?, &mut j, peek, 1)?;
            }
            if !names.insert(name) {
                return None;
            }
            key = j.next_key_bytes().ok()?.map(|k| (offset_in(bytes, k), k.len()));
        }
        j.finish().ok()?;
        let (records, truncated) = read?;
        Some(Loaded {
            records,
            page: Some(Page { next_link }),
            truncated,
        })
    }

    /// The array whose `[` is at `open`, its elements `depth` levels down: its records, what PowerShell
    /// truncated in them, and where the array ends (past its `]`).
    fn array(&self, open: usize, depth: usize) -> Option<(Vec<Record>, Truncated, usize)> {
        let bytes = self.file.text.as_bytes();
        let starts = cuts(bytes, open, self.piece_bytes);
        if starts.len() > 1
            && let Some(read) = self.in_pieces(&starts, depth)
        {
            return Some(read);
        }
        self.in_pieces(&[open], depth)
    }

    /// Parses the pieces starting at `starts` (the first at the array's `[`, the others at an element's `{`)
    /// in parallel; `None` when a piece does not end exactly where the next begins, or on any error.
    fn in_pieces(&self, starts: &[usize], depth: usize) -> Option<(Vec<Record>, Truncated, usize)> {
        let bytes = self.file.text.as_bytes();
        // The line each piece starts on, from the line feeds before it (counted in parallel).
        let feeds: Vec<usize> = (0..starts.len())
            .into_par_iter()
            .map(|k| {
                let from = if k == 0 { 0 } else { starts[k - 1] };
                bytes
                    .get(from..starts[k])
                    .map_or(0, |b| memchr::memchr_iter(b'\n', b).count())
            })
            .collect();
        let lines: Vec<usize> = feeds
            .iter()
            .scan(1, |line, f| {
                *line += f;
                Some(*line)
            })
            .collect();
        let pieces: Vec<Option<Piece>> = (0..starts.len())
            .into_par_iter()
            .map(|k| self.piece(starts[k], starts.get(k + 1).copied(), k == 0, lines[k], depth))
            .collect();
        let mut records = Vec::with_capacity(pieces.iter().flatten().map(|p| p.lines.len()).sum());
        let mut truncated = Truncated::default();
        let mut end = None;
        let mut shared: HashMap<Box<[Box<str>]>, Arc<Columns>> = HashMap::default();
        for piece in pieces {
            let mut piece = piece?;
            for (keys, columns) in piece.shapes.into_iter().zip(piece.table.shapes.iter_mut()) {
                *columns = shared.entry(keys).or_insert_with(|| columns.clone()).clone();
            }
            end = Some(piece.end);
            truncated.merge(piece.truncated);
            let sheet = Arc::new(Sheet::from(piece.table));
            records.extend(
                piece
                    .lines
                    .into_iter()
                    .enumerate()
                    .map(|(row, line)| Record::row(sheet.clone(), row as u32, line)),
            );
        }
        Some((records, truncated, end?))
    }

    /// Parses the elements from `start` (the array's `[` when `opening`, else an element's `{`, on line `line`)
    /// until the element that begins at `stop`, or to the array's end when there is no `stop`.
    fn piece(&self, start: usize, stop: Option<usize>, opening: bool, line: usize, depth: usize) -> Option<Piece> {
        let text = self.file.text.as_str();
        let data = text.as_bytes().get(start..)?;
        let mut j = Jiter::new(data);
        let mut builder = Builder {
            text: text.get(start..)?,
            renames: self.renames,
            depth,
            table: JsonTable {
                file: AtomicU32::new(0),
                text: String::new(),
                field_lines: Vec::new(),
                shapes: Vec::new(),
                rows: Vec::new(),
                cells: Vec::new(),
                decoded: Vec::new(),
                values: Vec::new(),
            },
            shapes: Vec::new(),
            by_keys: HashMap::default(),
            last: 0,
            keys: Vec::new(),
            key_starts: Vec::new(),
            numbers: HashMap::new(),
            strings: HashMap::new(),
            repeats: Vec::new(),
            truncated: Truncated::default(),
        };
        let mut lines = Vec::new();
        let (mut line, mut counted) = (line, 0);
        let mut peek = if opening {
            match j.next_array().ok()? {
                Some(p) => p,
                None => return Some(builder.finish(lines, start + j.current_index())),
            }
        } else {
            j.peek().ok()?
        };
        loop {
            let at = j.current_index();
            if peek != Peek::Object || data.get(at) != Some(&b'{') {
                return None;
            }
            line += memchr::memchr_iter(b'\n', data.get(counted..at)?).count();
            counted = at;
            builder.record(&mut j, at, line)?;
            lines.push(u32::try_from(line).ok()?);
            match j.array_step().ok()? {
                Some(p) => {
                    let next = start + j.current_index();
                    if let Some(stop) = stop
                        && next >= stop
                    {
                        // Landing exactly on the next piece's start proves it is an element's.
                        return (next == stop).then(|| builder.finish(lines, stop));
                    }
                    peek = p;
                }
                // The array ended before the next piece: that cut was inside an element.
                None if stop.is_some() => return None,
                None => return Some(builder.finish(lines, start + j.current_index())),
            }
        }
    }
}

/// The records of one piece, their lines, what PowerShell truncated in them and where the piece ends.
struct Piece {
    table: JsonTable,
    /// The keys of each shape, in file order.
    shapes: Vec<Box<[Box<str>]>>,
    lines: Vec<u32>,
    truncated: Truncated,
    end: usize,
}

/// Where to cut the array whose `[` is at `open` into pieces of about `size` bytes: the first piece starts at
/// the `[`, each other at a `{` that follows `}` and `,` (whitespace between) and, when the first element
/// starts a line, is indented as it is. Only likely cuts: [`Reader::in_pieces`] proves them.
fn cuts(bytes: &[u8], open: usize, size: usize) -> Vec<usize> {
    let mut starts = vec![open];
    if bytes.len().saturating_sub(open) < size.saturating_mul(2) || size == 0 {
        return starts;
    }
    let first = (open + 1..bytes.len()).find(|&i| !is_space(bytes[i]));
    let indent = first.and_then(|f| {
        let line_start = memchr::memrchr(b'\n', &bytes[open..f])? + open + 1;
        bytes[line_start..f]
            .iter()
            .all(|b| *b == b' ' || *b == b'\t')
            .then_some(f - line_start)
    });
    let mut at = open + size;
    while at + size / 2 < bytes.len() {
        let Some(cut) = cut_after(bytes, at, indent) else { break };
        starts.push(cut);
        at = cut + size;
    }
    starts
}

/// The first likely element start at or after `from` (see [`cuts`]).
fn cut_after(bytes: &[u8], from: usize, indent: Option<usize>) -> Option<usize> {
    let mut at = from;
    while let Some(i) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr(b'{', rest))
        .map(|i| at + i)
    {
        at = i + 1;
        let mut before = bytes[..i].iter().rev();
        let ws_then = |it: &mut std::iter::Rev<std::slice::Iter<'_, u8>>| it.find(|b| !is_space(**b)).copied();
        let indented = match indent {
            None => true,
            Some(width) => {
                let line_start = memchr::memrchr(b'\n', &bytes[..i]).map_or(0, |n| n + 1);
                i - line_start == width && bytes[line_start..i].iter().all(|b| *b == b' ' || *b == b'\t')
            }
        };
        if indented && ws_then(&mut before) == Some(b',') && ws_then(&mut before) == Some(b'}') {
            return Some(i);
        }
    }
    None
}

/// The name of the key whose text (between its quotes) is `len` bytes at `at`: borrowed unless it has escapes.
fn key_text(text: &str, at: usize, len: usize) -> Option<Cow<'_, str>> {
    let raw = text.get(at..at + len)?;
    if !raw.contains('\\') {
        return Some(Cow::Borrowed(raw));
    }
    crate::core::json::key_name(text.get(at.checked_sub(1)?..at + len + 1)?)
}

/// A shape of record while a piece is read: its keys in file order, and its cells in the order of the keys'
/// names as exported (before renames), which is the order PowerShell truncation is looked for in.
struct ShapeKeys {
    keys: Box<[Box<str>]>,
    by_exported_name: Box<[u32]>,
}

/// Builds one piece's [`JsonTable`].
struct Builder<'t> {
    /// The text from the piece's start, which jiter reads.
    text: &'t str,
    renames: &'t BTreeMap<String, String>,
    /// How deep the records are in the document (their fields are one level more).
    depth: usize,
    table: JsonTable,
    shapes: Vec<ShapeKeys>,
    by_keys: HashMap<Box<[Box<str>]>, u32>,
    /// The shape of the record before, which the next one most likely has too.
    last: usize,
    /// The keys of the record being read, and where each starts.
    keys: Vec<Cow<'t, str>>,
    key_starts: Vec<usize>,
    /// Numbers read so far by how they are written, with their index in [`JsonTable::values`]: scores,
    /// counts and sizes repeat down an export.
    numbers: HashMap<&'t str, u32>,
    /// Short strings read so far, with where they are in [`JsonTable::text`], and per field position whether
    /// its values repeat enough to look them up.
    strings: HashMap<&'t str, u32>,
    repeats: Vec<Repeats>,
    truncated: Truncated,
}

/// How often a field position's values were found among the strings read before.
#[derive(Debug, Clone, Copy, Default)]
struct Repeats {
    asked: u32,
    found: u32,
    given_up: bool,
}

/// Distinct strings shared per piece, and the longest shared: dates, states and names repeat; a long text
/// rarely does.
const STRINGS_SHARED: usize = 8192;
const SHARED_STRING_BYTES: usize = 64;

/// Distinct numbers shared per piece; past it a number is kept on its own.
const NUMBERS_SHARED: usize = 4096;

impl<'t> Builder<'t> {
    /// Reads the object at `at` (jiter stands on its `{`), on line `line`, as a record.
    fn record(&mut self, j: &mut Jiter<'t>, at: usize, line: usize) -> Option<()> {
        let data = self.text.as_bytes();
        let first = u32::try_from(self.table.cells.len()).ok()?;
        self.keys.clear();
        self.key_starts.clear();
        // Whether a value may be one PowerShell truncated: a string starting as those do, a list or an object.
        let mut suspect = false;
        let mut key = j.next_object_bytes().ok()?.map(|k| (offset_in(data, k), k.len()));
        while let Some((key_at, len)) = key {
            self.keys.push(key_text(self.text, key_at, len)?);
            self.key_starts.push(key_at);
            let peek = j.peek().ok()?;
            let value_at = j.current_index();
            // Its kind, its length or index and, for a string, where its bytes are in the piece's text.
            let (kind, data_of, text_at) = match peek {
                Peek::Null => {
                    j.known_null().ok()?;
                    (Kind::Null, 0, 0)
                }
                Peek::True | Peek::False => match j.known_bool(peek).ok()? {
                    true => (Kind::True, 0, 0),
                    false => (Kind::False, 0, 0),
                },
                Peek::String => {
                    let raw = j.known_bytes().ok()?;
                    let (content, len) = (offset_in(data, raw), raw.len());
                    suspect |= matches!(raw.first(), Some(b'@' | b'S' | b'M' | b'\\'));
                    if memchr::memchr(b'\\', raw).is_none() {
                        let text_at = self.string(self.text.get(content..content + len)?);
                        (Kind::Text, len, text_at)
                    } else {
                        // Decoded by jiter as a whole-document parse decodes it.
                        let quoted = data.get(content.checked_sub(1)?..content + len + 1)?;
                        let decoded = Jiter::new(quoted).next_str().ok()?.into();
                        self.table.decoded.push(decoded);
                        (Kind::Decoded, self.table.decoded.len() - 1, 0)
                    }
                }
                Peek::Array | Peek::Object => {
                    suspect = true;
                    let value = crate::core::json::plain_value(self.text, j, peek, self.depth + 1)?;
                    self.table.values.push(value);
                    (Kind::Value, self.table.values.len() - 1, 0)
                }
                _ => (Kind::Value, self.number(j, peek, value_at)?, 0),
            };
            let cell = Cell::new(u32::try_from(text_at).ok()?, kind, data_of)?;
            self.table.cells.push(cell);
            key = j.next_key_bytes().ok()?.map(|k| (offset_in(data, k), k.len()));
        }
        let shape = self.shape()?;
        let row = self.table.rows.len() as u32;
        let lines = self.field_lines(at, j.current_index())?;
        self.table.rows.push(Row {
            shape: shape as u32,
            first,
            lines,
        });
        if suspect {
            self.scan_truncated(shape, row, line);
        }
        Some(())
    }

    /// Where the string `s`, the value of the record's latest field, is in the piece's text: copied there, or
    /// shared with the same text earlier in a column whose values repeat (dates, states, course names).
    fn string(&mut self, s: &'t str) -> usize {
        let column = self.keys.len().saturating_sub(1);
        if self.repeats.len() <= column {
            self.repeats.resize(column + 1, Repeats::default());
        }
        let repeats = &mut self.repeats[column];
        let sharing = s.len() <= SHARED_STRING_BYTES && !repeats.given_up;
        if sharing {
            repeats.asked += 1;
            if let Some(&at) = self.strings.get(s) {
                repeats.found += 1;
                return at as usize;
            }
            // Three values in four new after a while: an identifier column, not worth a lookup a value.
            repeats.given_up = repeats.asked >= 256 && repeats.found < repeats.asked / 4;
        }
        let at = self.table.text.len();
        self.table.text.push_str(s);
        if sharing
            && self.strings.len() < STRINGS_SHARED
            && let Ok(at) = u32::try_from(at)
        {
            self.strings.insert(s, at);
        }
        at
    }

    /// A number at `at` (jiter stands on it), shared with an earlier one written the same way: its index in
    /// [`JsonTable::values`].
    fn number(&mut self, j: &mut Jiter<'t>, peek: Peek, at: usize) -> Option<usize> {
        let value = crate::core::json::plain_value(self.text, j, peek, self.depth + 1)?;
        let written = self.text.get(at..j.current_index())?;
        if let Some(&i) = self.numbers.get(written) {
            return Some(i as usize);
        }
        let i = self.table.values.len();
        self.table.values.push(value);
        if self.numbers.len() < NUMBERS_SHARED {
            self.numbers.insert(written, u32::try_from(i).ok()?);
        }
        Some(i)
    }

    /// The lines of the fields of the record from `start` to `end` (its keys at [`Builder::key_starts`]), after
    /// the record's own: where they are in [`JsonTable::field_lines`], or [`ONE_LINE`] when it has no line break.
    fn field_lines(&mut self, start: usize, end: usize) -> Option<u32> {
        let data = self.text.as_bytes();
        if memchr::memchr(b'\n', data.get(start..end)?).is_none() {
            return Some(ONE_LINE);
        }
        let at = u32::try_from(self.table.field_lines.len())
            .ok()
            .filter(|a| *a != ONE_LINE)?;
        let (mut from, mut feeds) = (start, 0u32);
        for &key in &self.key_starts {
            feeds += memchr::memchr_iter(b'\n', data.get(from..key)?).count() as u32;
            from = key;
            self.table.field_lines.push(feeds);
        }
        Some(at)
    }

    /// The shape of the record just read (its keys in [`Builder::keys`]); `None` when a key repeats.
    fn shape(&mut self) -> Option<usize> {
        let same =
            |s: &ShapeKeys| s.keys.len() == self.keys.len() && s.keys.iter().zip(&self.keys).all(|(a, b)| **a == **b);
        if self.shapes.get(self.last).is_some_and(same) {
            return Some(self.last);
        }
        let keys: Box<[Box<str>]> = self.keys.iter().map(|k| Box::from(k.as_ref())).collect();
        if let Some(&i) = self.by_keys.get(&keys) {
            self.last = i as usize;
            return Some(self.last);
        }
        let mut seen: HashSet<&str> = HashSet::default();
        if !keys.iter().all(|k| seen.insert(k)) {
            return None;
        }
        self.table.shapes.push(Arc::new(columns_for(&keys, self.renames)));
        let mut by_exported_name: Vec<u32> = (0..keys.len() as u32).collect();
        by_exported_name.sort_by(|a, b| keys[*a as usize].cmp(&keys[*b as usize]));
        let i = self.shapes.len();
        self.by_keys.insert(keys.clone(), u32::try_from(i).ok()?);
        self.shapes.push(ShapeKeys {
            keys,
            by_exported_name: by_exported_name.into(),
        });
        self.last = i;
        Some(i)
    }

    /// Looks for values PowerShell wrote in place of nested objects, field by field in name order as exported,
    /// as the general loader does before renaming.
    fn scan_truncated(&mut self, shape: usize, row: u32, line: usize) {
        let Some(keys) = self.shapes.get(shape) else { return };
        let fields = keys.by_exported_name.iter().map(|&c| {
            let name = keys.keys.get(c as usize).map_or("", |k| k);
            (name, self.table.cell(row, c as usize), c)
        });
        let table = &self.table;
        self.truncated
            .scan_fields(fields, |c| table.field_line(row, line as u32, c as usize) as usize);
    }

    fn finish(mut self, lines: Vec<u32>, end: usize) -> Piece {
        self.table.cells.shrink_to_fit();
        self.table.rows.shrink_to_fit();
        self.table.text.shrink_to_fit();
        self.table.values.shrink_to_fit();
        self.table.field_lines.shrink_to_fit();
        Piece {
            table: self.table,
            shapes: self.shapes.into_iter().map(|s| s.keys).collect(),
            lines,
            truncated: self.truncated,
            end,
        }
    }
}

/// The field names of a shape of record with keys `keys` (file order), renamed as [`Record::rename`] renames a
/// parsed record: each exported name present moves to its canonical name, replacing a field of that name.
fn columns_for(keys: &[Box<str>], renames: &BTreeMap<String, String>) -> Columns {
    let mut named: BTreeMap<String, u32> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), i as u32))
        .collect();
    for (canonical, exported) in renames {
        if let Some(i) = named.remove(exported) {
            named.insert(canonical.clone(), i);
        }
    }
    Columns::from_names(keys.len(), named.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::path::FieldPath;
    use crate::core::vocab::Format;
    use crate::evidence::formats::{ReadOptions, parse_file};

    /// Records of several shapes whose strings hold brackets, braces, escaped quotes and the very `}, {` a
    /// cut looks for, with nested lists of objects, numbers, booleans and nulls.
    fn records(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| match i % 5 {
                0 => format!(
                    r#"{{"deviceName": "PC{i}", "isEncrypted": {}, "note": "a}}, {{b", "n": {i}}}"#,
                    i % 2 == 0
                ),
                1 => format!(r#"{{"deviceName": "PC{i}", "q": "say \"}},{{\" [x] \\ \u00e9", "n": {i}.5}}"#),
                2 => format!(
                    r#"{{"deviceName": "PC{i}", "methods": [{{"a": 1}},{{"b": [2, {{"c": null}}]}}], "n": null}}"#
                ),
                3 => format!(r#"{{"n": {i}, "deviceName": "PC{i}", "empty": "", "e\"sc": "x"}}"#),
                _ => format!(r#"{{"deviceName": "PC{i}", "o": {{"k": "v}}, {{"}}, "t": true}}"#),
            })
            .collect()
    }

    fn graph(items: &[String], pretty: bool) -> String {
        match pretty {
            true => format!(
                "{{\n  \"@odata.context\": \"x\",\n  \"value\": [\n    {}\n  ],\n  \"@odata.nextLink\": \"y\"\n}}\n",
                items.join(",\n    ")
            ),
            false => format!("{{\"value\":[{}]}}", items.join(",")),
        }
    }

    /// What a record reads as: its value, line, and each field's line.
    type Seen = (Value, u32, Vec<(String, u32)>);

    fn seen(records: &[Record]) -> Vec<Seen> {
        records
            .iter()
            .map(|r| {
                let lines = r
                    .fields()
                    .iter()
                    .map(|(k, _)| (k.to_string(), r.field_line(k)))
                    .collect();
                (r.to_value(), r.line(), lines)
            })
            .collect()
    }

    /// The records as the general loader reads them (the record path sends the file its way).
    fn general(file: &Arc<SourceFile>, renames: &BTreeMap<String, String>) -> Vec<Record> {
        let path = FieldPath::parse("value[*]").unwrap();
        let opts = ReadOptions {
            format: Format::Json,
            records: Some(&path),
            pattern: None,
            delimiter: b',',
            renames,
        };
        parse_file(file, &opts).unwrap().records
    }

    #[test]
    fn pieces_read_what_one_piece_and_the_general_loader_read() {
        let renames = BTreeMap::from([("name".to_string(), "deviceName".to_string())]);
        for pretty in [true, false] {
            let file = SourceFile::new("d.json", graph(&records(400), pretty));
            let whole = load(&file, &renames, usize::MAX).unwrap();
            assert_eq!(whole.records.len(), 400);
            assert_eq!(seen(&whole.records), seen(&general(&file, &renames)));
            assert_eq!(whole.page.map(|p| p.next_link.is_some()), Some(pretty));
            let open = file.text.find('[').unwrap();
            for size in [97, 500, 2_000, 9_000] {
                let starts = cuts(file.text.as_bytes(), open, size);
                assert!(starts.len() > 2, "{size}");
                // Pretty-printed, every cut is at an element's start and is kept.
                if pretty {
                    assert!(reader(&file).in_pieces(&starts, 2).is_some(), "{size}");
                }
                let pieces = load(&file, &renames, size).unwrap();
                assert_eq!(
                    seen(&pieces.records),
                    seen(&whole.records),
                    "pretty {pretty}, size {size}"
                );
            }
        }
    }

    static NO_RENAMES: BTreeMap<String, String> = BTreeMap::new();

    fn reader(file: &Arc<SourceFile>) -> Reader<'_> {
        Reader {
            file,
            renames: &NO_RENAMES,
            piece_bytes: 0,
        }
    }

    #[test]
    fn records_over_many_lines_keep_each_fields_line_and_repeated_values() {
        // As PowerShell's ConvertTo-Json writes them: a field a line, so each field's line is its own. States
        // and dates repeat (shared in the piece's text), identifiers do not (looked up until given up), and a
        // number written twice is one value.
        let items: Vec<String> = (0..600)
            .map(|i| {
                format!(
                    "{{\n        \"deviceName\":  \"PC{i}\",\n        \"state\":  \"{}\",\n        \"seen\":  \"2026-11-{:02}\",\n        \"score\":  {},\n        \"note\":  \"{}\"\n    }}",
                    ["compliant", "noncompliant"][i % 2],
                    1 + i % 28,
                    70 + i % 31,
                    if i % 7 == 0 { "a \\\"quoted\\\" note" } else { "" },
                )
            })
            .collect();
        let file = SourceFile::new("p.json", graph(&items, true));
        let whole = load(&file, &NO_RENAMES, usize::MAX).unwrap();
        let expected = seen(&general(&file, &NO_RENAMES));
        assert_eq!(seen(&whole.records), expected);
        // Record 3 starts on line 25 (the first on line 4, each taking seven); its `seen` is three lines down.
        assert_eq!(expected[3].1, 25);
        assert!(expected[3].2.contains(&("seen".to_string(), 28)), "{:?}", expected[3].2);
        for size in [300, 2_000, 20_000] {
            assert_eq!(
                seen(&load(&file, &NO_RENAMES, size).unwrap().records),
                expected,
                "size {size}"
            );
        }
    }

    #[test]
    fn a_cut_inside_a_string_or_a_nested_list_is_found_out() {
        // Minified: the first `}, {` after the cut point is inside a string, then inside a nested list.
        let text = r#"[{"a": "xxxxxxxxxxxxxxxxxxxxxxxx"},{"a": "}, {", "b": [{"c": 1}, {"d": 2}]},{"a": "z"}]"#;
        let file = SourceFile::new("l.json", text);
        let in_string = text.find(r#"}, {""#).unwrap() + 3;
        let in_list = text.find(r#"{"d""#).unwrap();
        let between = text.find(r#"{"a": "z"}"#).unwrap();
        for cut in [in_string, in_list] {
            assert!(reader(&file).in_pieces(&[0, cut], 1).is_none(), "{cut}");
        }
        let (records, _, end) = reader(&file).in_pieces(&[0, between], 1).unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(end, text.len());
        assert_eq!(records[1].get("a"), Some(Field::Text("}, {")));
        // With every cut tried, the records are those of one piece.
        let whole = load(&file, &BTreeMap::new(), usize::MAX).unwrap();
        let small = load(&file, &BTreeMap::new(), 8).unwrap();
        assert_eq!(seen(&small.records), seen(&whole.records));
    }

    #[test]
    fn values_read_as_the_general_loader_reads_them() {
        let text = "[\n {\"s\": \"t\\u00e9\\\"x\", \"n\": 1.5, \"i\": -3, \"b\": false, \"z\": null, \"l\": [1, \"a\"],\n  \"o\": {\"k\": {\"j\": 2}}, \"e\": \"\"}\n]";
        let file = SourceFile::new("v.json", text);
        let loaded = load(&file, &BTreeMap::new(), usize::MAX).unwrap();
        let r = &loaded.records[0];
        assert_eq!(r.get("s"), Some(Field::Text("té\"x")));
        assert_eq!(r.get("e"), Some(Field::Text("")));
        assert_eq!(r.get("z"), Some(Field::Null));
        assert_eq!(r.get("b"), Some(Field::Json(&Value::Bool(false))));
        assert_eq!(r.get("i"), Some(Field::Json(&Value::from(-3))));
        assert_eq!(
            r.get_path(&FieldPath::parse("o.k.j").unwrap(), 0),
            Some(Field::Json(&Value::from(2)))
        );
        let mut out = Vec::new();
        r.resolve(&FieldPath::parse("l[*]").unwrap(), 0, &mut out);
        assert_eq!(out, [Field::Json(&Value::from(1)), Field::Text("a")]);
        assert_eq!((r.line(), r.field_line("s"), r.field_line("o")), (2, 2, 3));
        assert_eq!(r.to_value(), serde_json::from_str::<Value>(text).unwrap()[0]);
    }

    #[test]
    fn documents_of_other_shapes_and_errors_go_the_general_way() {
        for text in [
            "{\"a\": 1}",
            "{\"value\": 3}",
            "[1, 2]",
            "[{\"a\": 1, \"a\": 2}]",
            "{\"value\": [], \"value\": []}",
            "[{\"a\": 1},]",
            "[{\"a\": 1}] x",
            "\u{c}[]",
        ] {
            let file = SourceFile::new("x.json", text);
            assert!(load(&file, &BTreeMap::new(), usize::MAX).is_none(), "{text}");
        }
        let empty = SourceFile::new("e.json", " [ ] ");
        assert!(load(&empty, &BTreeMap::new(), usize::MAX).unwrap().records.is_empty());
    }
}
