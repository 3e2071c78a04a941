//! Source files and locations.
//!
//! [`SourceFile`] holds a file's display name (relative to the standards directory or config repo) and text,
//! with a line index so a byte offset becomes a 1-based line and column. [`Span`] is a byte range in one file;
//! [`SpanMap`] maps a JSON pointer (`/checks/0/assert/eq`) to the span of the value (and of its key) so
//! every diagnostic and finding can point at the exact line.

// Pointers are hashed for every record and field of an export: a fast hash, not a DoS-resistant one.
use foldhash::HashMap;
use std::sync::{Arc, OnceLock};

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// Spans of values and object keys by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct SpanMap {
    values: HashMap<String, Span>,
    keys: HashMap<String, Span>,
    /// Key spans of the members of objects at the deepest recorded level, by the object's pointer: one entry
    /// per record instead of two pointer strings per field (evidence has millions of fields).
    members: HashMap<String, Vec<Span>>,
}

impl SpanMap {
    pub fn insert_value(&mut self, pointer: String, span: Span) {
        self.values.insert(pointer, span);
    }
    pub fn insert_key(&mut self, pointer: String, span: Span) {
        self.keys.insert(pointer, span);
    }
    pub fn insert_members(&mut self, pointer: String, members: Vec<Span>) {
        self.members.insert(pointer, members);
    }
    /// The spans of the keys (as written, quotes included) of the members of the object at `pointer`, in
    /// document order, when the object is at the deepest recorded level ([`SpanMap::key`] does not see them).
    pub fn members(&self, pointer: &str) -> Option<&[Span]> {
        self.members.get(pointer).map(Vec::as_slice)
    }
    /// The span of the value at `pointer`, or of its nearest ancestor that has one.
    pub fn value(&self, pointer: &str) -> Option<Span> {
        let mut p = pointer;
        loop {
            if let Some(span) = self.values.get(p) {
                return Some(*span);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
    /// The span of the key naming the member at `pointer` (falls back to the value span).
    pub fn key(&self, pointer: &str) -> Option<Span> {
        self.keys.get(pointer).copied().or_else(|| self.value(pointer))
    }
    /// Exact value span, without falling back to an ancestor.
    pub fn exact(&self, pointer: &str) -> Option<Span> {
        self.values.get(pointer).copied()
    }
}

/// Appends one reference token to a JSON pointer (RFC 6901 escaping).
pub fn pointer_push(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// A file's name and text, with a line index built on first use (a CSV export's rows count their own lines,
/// so its index is built only if a diagnostic needs it).
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: OnceLock<LineStarts>,
}

/// Where each line starts: 4 bytes a line for files under 4 GiB (a large export has millions of lines).
#[derive(Debug)]
enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let lines = 1 + memchr_newlines(text).count();
        let starts = std::iter::once(0).chain(memchr_newlines(text).map(|i| i + 1));
        if u32::try_from(text.len()).is_ok() {
            let mut narrow = Vec::with_capacity(lines);
            narrow.extend(starts.map(|i| i as u32));
            LineStarts::Narrow(narrow)
        } else {
            LineStarts::Wide(starts.collect())
        }
    }

    fn get(&self, line: usize) -> Option<usize> {
        match self {
            LineStarts::Narrow(v) => v.get(line).map(|&s| s as usize),
            LineStarts::Wide(v) => v.get(line).copied(),
        }
    }

    /// How many lines start at or before `offset`.
    fn count_to(&self, offset: usize) -> usize {
        match self {
            LineStarts::Narrow(v) => v.partition_point(|&s| s as usize <= offset),
            LineStarts::Wide(v) => v.partition_point(|&s| s <= offset),
        }
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &LineStarts {
        self.line_starts.get_or_init(|| LineStarts::new(&self.text))
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts().count_to(offset)
    }

    /// [`SourceFile::line_of`] for an offset known to be on `line` or a little after it: stepped to rather
    /// than searched for, as a record's fields are. Searched for if it is before `line`.
    pub fn line_on_from(&self, offset: usize, line: usize) -> usize {
        let starts = self.line_starts();
        if line == 0 || starts.get(line - 1).is_none_or(|start| start > offset) {
            return self.line_of(offset);
        }
        let mut line = line;
        while starts.get(line).is_some_and(|next| next <= offset) {
            line += 1;
        }
        line
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts().get(line - 1).unwrap_or(0);
        let offset = offset.min(self.text.len());
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// The span of a 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .unwrap_or(self.text.len());
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Span::new(start, end.max(start))
    }

    /// A miette source for this file.
    pub fn named_source(&self) -> miette::NamedSource<String> {
        miette::NamedSource::new(&self.name, self.text.clone())
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
}

/// Strips a UTF-8 byte order mark and decodes UTF-16 (with BOM); other bytes must be UTF-8.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|e| utf8_error(rest, e.utf8_error().valid_up_to(), 3));
    }
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| {
            // The first unpaired surrogate, placed by the line feeds before it.
            let bad = char::decode_utf16(units.iter().copied())
                .scan(0, |at, c| {
                    let here = *at;
                    *at += c.as_ref().map_or(1, |c| c.len_utf16());
                    Some((here, c))
                })
                .find_map(|(at, c)| c.is_err().then_some(at))
                .unwrap_or(0);
            let before = &units[..bad.min(units.len())];
            let line = 1 + before.iter().filter(|u| **u == u16::from(b'\n')).count();
            let column = 1 + before.iter().rev().take_while(|u| **u != u16::from(b'\n')).count();
            format!("invalid UTF-16 text (an unpaired surrogate at line {line}, column {column}); save it as UTF-8")
        })
    };
    if bytes.starts_with(b"\xFF\xFE") {
        return utf16(true);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return utf16(false);
    }
    String::from_utf8(bytes).map_err(|e| utf8_error(e.as_bytes(), e.utf8_error().valid_up_to(), 0))
}

/// The line and column (1-based, in characters) of byte `at` of `bytes`, whose bytes before `at` are UTF-8.
pub fn line_and_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let in_line = &before[line_start..];
    let column = 1 + std::str::from_utf8(in_line).map_or(in_line.len(), |t| t.chars().count());
    (line, column)
}

/// Why a file is not UTF-8: byte `at` of `text` (the file after a byte order mark of `mark` bytes) is its first
/// bad byte, given as an offset counted in the file as saved (the mark included) and as a line and column.
fn utf8_error(text: &[u8], at: usize, mark: usize) -> String {
    let (line, column) = line_and_column(text, at);
    format!(
        "the file is not valid UTF-8 (first bad byte at line {line}, column {column}, offset {}); save it as UTF-8",
        at + mark
    )
}

#[cfg(test)]
mod tests {
    use super::{SourceFile, decode_text};

    #[test]
    fn a_line_stepped_to_is_the_line_searched_for() {
        let file = SourceFile::new("f", "a\n\nbc\n d\n\n");
        for offset in 0..=file.text.len() + 1 {
            for from in 0..8 {
                assert_eq!(
                    file.line_on_from(offset, from),
                    file.line_of(offset),
                    "{offset} from {from}"
                );
            }
        }
    }

    #[test]
    fn a_bad_byte_is_placed_where_it_is_in_the_file_as_saved() {
        let error = |bytes: &[u8]| decode_text(bytes.to_vec()).unwrap_err();
        let plain = error(b"ab\xFFcd");
        assert!(plain.contains("offset 2"), "{plain}");
        // After a UTF-8 byte order mark the offset still counts the mark's three bytes.
        let marked = error(b"\xEF\xBB\xBFab\xFF");
        assert!(marked.contains("offset 5"), "{marked}");
        assert_eq!(decode_text(b"\xEF\xBB\xBFok".to_vec()).unwrap(), "ok");
        // The line and column count characters, not bytes, and lines from the mark on.
        let placed = error(b"a\n\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\xFF\n");
        assert!(placed.contains("line 2, column 6, offset 11"), "{placed}");
        let first = error(b"\xFF");
        assert!(first.contains("line 1, column 1, offset 0"), "{first}");
        let utf16 = error(&[0xFF, 0xFE, b'a', 0, b'\n', 0, b'b', 0, 0x00, 0xD8, b'c', 0]);
        assert!(utf16.contains("line 2, column 2"), "{utf16}");
    }
}
