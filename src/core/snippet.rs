//! The source excerpt a diagnostic shows, made safe to print.
//!
//! A diagnostic points at a span of a file; the terminal shows the span's lines and one line either side. Those
//! lines come from files other people wrote, so the excerpt is built, not copied:
//!
//! - only the lines shown are kept (a diagnostic does not hold a copy of a 200 MB export), each cut to a
//!   window of [`WIDTH`] characters around the span;
//! - control characters and bidirectional overrides are escaped visibly ([`crate::core::text`]);
//! - in an export of a dataset with confidential fields, the values of `secret` fields (and of `personal`
//!   ones under `--redact`) are masked. A CSV/TSV row is masked by column; a row whose cells do not line up
//!   with the header (the usual malformed row) cannot tell which cell is which, so all its cells are hidden.
//!   In JSON, YAML and key/value text a value after a confidential key is masked; `lines` text, whose
//!   fields come from a pattern, is hidden whole.
//!
//! An evidence diagnostic shows no excerpt at all until [`Confidential`] says what to mask, so a caller that
//! forgets cannot print a secret.

use crate::core::source::{SourceFile, Span};
use crate::core::text::visible_lines;
use crate::core::vocab::Format;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Characters of a line shown around the span.
pub const WIDTH: usize = 240;

/// How an export's text is laid out, to find its fields in a line.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dataset: String,
    pub format: Format,
    pub delimiter: u8,
    /// Renames: name in checks -> name in the export.
    pub renames: std::collections::BTreeMap<String, String>,
}

/// The fields to mask in one dataset's excerpts, by their names in the export, with what replaces each.
#[derive(Debug, Clone, Default)]
pub struct Confidential {
    pub fields: Vec<(String, &'static str)>,
}

impl Confidential {
    /// The fields a dataset marks `secret`, and its `personal` ones when `redact`, under their names in checks
    /// and in the export. `marked` is the dataset's (secret, personal) lists, when the pack declares it.
    pub fn of(marked: Option<(&[String], &[String])>, layout: &Layout, redact: bool) -> Confidential {
        let mut fields = Vec::new();
        if let Some((secret, personal)) = marked {
            // A field is masked under its own name and the name a rename reads it from: a preset's renames
            // are for one export shape, and the file may have the other.
            let mut add = |names: &[String], with: &'static str| {
                for n in names {
                    fields.push((n.clone(), with));
                    if let Some(r) = layout.renames.get(n).filter(|r| *r != n) {
                        fields.push((r.clone(), with));
                    }
                }
            };
            add(secret, crate::core::redact::SECRET);
            if redact {
                add(personal, "[personal]");
            }
        }
        Confidential { fields }
    }
}

/// An excerpt: the lines shown, where they start, and the span within them.
#[derive(Debug, Clone)]
pub struct Snippet {
    name: String,
    text: String,
    /// 0-based line number of the excerpt's first line in the file.
    first_line: usize,
    /// The labelled span, in the excerpt's own offsets.
    pub span: Span,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The excerpt of `file` around `span`; `mask` names the fields to hide (with the layout to find them), or
/// `None` for a file with nothing confidential (a manifest, a standards file).
pub fn excerpt(file: &SourceFile, span: Span, mask: Option<(&Layout, &Confidential)>) -> Snippet {
    let text = file.text.as_str();
    let span = Span::new(span.start.min(text.len()), span.end.min(text.len()));
    let first = file.line_of(span.start).saturating_sub(1).max(1);
    // The empty "line" after a final newline is not shown, unless the span is there (an unexpected end).
    let lines = file.line_of(text.len()) - usize::from(text.ends_with('\n'));
    let last = (file.line_of(span.end) + 1)
        .min(first + 6)
        .min(lines.max(file.line_of(span.end)));
    let header = mask.and_then(|(layout, _)| csv_header(text, layout));
    let mut out = String::new();
    let (mut local_start, mut local_end) = (None, None);
    for line in first..=last {
        let whole = file.line_span(line);
        let raw = &text[whole.start..whole.end];
        let masked = match mask {
            Some((layout, fields)) if !fields.fields.is_empty() => {
                mask_line(raw, line, layout, fields, header.as_ref())
            }
            _ => None,
        };
        let base = out.len();
        let shown = match &masked {
            Some(m) => visible_lines(m).into_owned(),
            None => visible_lines(raw).into_owned(),
        };
        // Where the span's ends fall in this line, as shown: exact when the line is unchanged but for escapes,
        // the whole line when masking moved its cells.
        let local = |offset: usize, at_end: bool| -> Option<usize> {
            if offset < whole.start || offset > whole.end {
                return None;
            }
            if masked.is_some() {
                return Some(if at_end { shown.len() } else { 0 });
            }
            Some(visible_lines(&raw[..floor(raw, offset - whole.start)]).len())
        };
        let (mut s, mut e) = (local(span.start, false), local(span.end, true));
        if line == file.line_of(span.start) && s.is_none() {
            s = Some(0);
        }
        let (window, cut) = window(&shown, s.unwrap_or(0));
        if let Some(v) = s.filter(|_| local_start.is_none()) {
            local_start = Some(base + v.saturating_sub(cut).min(window.len()));
        }
        if let Some(v) = e.take() {
            local_end = Some(base + v.saturating_sub(cut).min(window.len()));
        }
        out.push_str(&window);
        out.push('\n');
    }
    let start = local_start.unwrap_or(0);
    let end = local_end.unwrap_or(start).max(start);
    Snippet {
        name: crate::core::text::visible(&file.name).into_owned(),
        text: out,
        first_line: first - 1,
        span: Span::new(start, end),
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// At most [`WIDTH`] characters of `line` around byte offset `at`, with `…` where it was cut; and how many
/// bytes before `at` were dropped (net of the marker).
fn window(line: &str, at: usize) -> (String, usize) {
    if line.chars().count() <= WIDTH {
        return (line.to_string(), 0);
    }
    let start = floor(line, at.saturating_sub(WIDTH / 3));
    let mut end = start;
    for (n, (i, c)) in line[start..].char_indices().enumerate() {
        if n == WIDTH {
            break;
        }
        end = start + i + c.len_utf8();
    }
    let mut shown = String::new();
    let mut dropped = start;
    if start > 0 {
        shown.push('…');
        dropped = dropped.saturating_sub('…'.len_utf8());
    }
    shown.push_str(&line[start..end]);
    if end < line.len() {
        shown.push('…');
    }
    (shown, dropped)
}

/// A CSV/TSV file's header: its line number and cell names.
type Header = (usize, Vec<String>);

fn csv_header(text: &str, layout: &Layout) -> Option<Header> {
    if !matches!(layout.format, Format::Csv | Format::Tsv) {
        return None;
    }
    let delimiter = if layout.format == Format::Tsv {
        b'\t'
    } else {
        layout.delimiter
    };
    // A PowerShell `#TYPE` line comes before the header.
    let (line, raw) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.starts_with("#TYPE") && !l.trim().is_empty())?;
    let (cells, balanced) = split(raw.trim_end_matches('\r'), delimiter);
    balanced.then(|| (line + 1, cells.iter().map(|c| unquote(c)).collect()))
}

/// The cells of one CSV line, and whether its quotes balance (a line inside a quoted multi-line cell does not).
fn split(line: &str, delimiter: u8) -> (Vec<&str>, bool) {
    let mut cells = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            cells.push(&line[start..i]);
            start = i + 1;
        }
    }
    cells.push(&line[start..]);
    (cells, !quoted)
}

fn unquote(cell: &str) -> String {
    let t = cell.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t)
        .replace("\"\"", "\"")
}

/// `line` (1-based `number`) with its confidential values masked, or `None` when nothing in it needs masking.
fn mask_line(
    raw: &str,
    number: usize,
    layout: &Layout,
    conf: &Confidential,
    header: Option<&Header>,
) -> Option<String> {
    match layout.format {
        Format::Csv | Format::Tsv => {
            let delimiter = if layout.format == Format::Tsv {
                b'\t'
            } else {
                layout.delimiter
            };
            let Some((at, names)) = header else {
                return Some(hidden(raw));
            };
            if number <= *at {
                return None;
            }
            let line = raw.trim_end_matches('\r');
            let (cells, balanced) = split(line, delimiter);
            let d = char::from(delimiter).to_string();
            if !balanced || cells.len() != names.len() {
                return Some(cells.iter().map(|_| "[hidden]").collect::<Vec<_>>().join(&d));
            }
            let masked: Vec<&str> = cells
                .iter()
                .zip(names)
                .map(|(cell, name)| match conf.fields.iter().find(|(f, _)| f == name) {
                    Some((_, with)) if !cell.trim().is_empty() => *with,
                    _ => *cell,
                })
                .collect();
            Some(masked.join(&d))
        }
        Format::Lines => Some(hidden(raw)),
        Format::Json | Format::Yaml | Format::Keyvalue => {
            let mut out = raw.to_string();
            for (name, with) in &conf.fields {
                out = mask_after_key(&out, name, with);
            }
            (out != raw).then_some(out)
        }
    }
}

/// A line whose content cannot be shown.
fn hidden(raw: &str) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        "[line hidden: this dataset has confidential fields]".to_string()
    }
}

/// `text` with every value written after the key `name` (`"name": v`, `name: v`, `name=v`, `name v`) replaced.
fn mask_after_key(text: &str, name: &str, with: &str) -> String {
    let key = regex::escape(name);
    let pattern = format!(
        r#"(?P<k>(?:^|[\s{{,\[])["']?{key}["']?\s*(?:[:=]\s*|\s+))(?P<v>"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,}}\]][^,}}\]]*)"#
    );
    match regex::Regex::new(&pattern) {
        Ok(re) => re.replace_all(text, format!("${{k}}{with}").as_str()).into_owned(),
        // A name no regex can hold: hide the whole text rather than risk showing the value.
        Err(_) => hidden(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(format: Format, delimiter: u8) -> Layout {
        Layout {
            dataset: "staff".into(),
            format,
            delimiter,
            renames: Default::default(),
        }
    }

    fn shown(text: &str, line: usize, format: Format, delimiter: u8, fields: &[&str]) -> String {
        let file = SourceFile::new("x", text);
        let conf = Confidential {
            fields: fields.iter().map(|f| (f.to_string(), "[secret]")).collect(),
        };
        let l = layout(format, delimiter);
        excerpt(&file, file.line_span(line), Some((&l, &conf))).text
    }

    #[test]
    fn secret_cells_are_masked_by_column_and_misaligned_rows_hidden() {
        let tsv = "staff_id\tname\tni\nE1\tAnn\tQQ123456C\nE2\tBob\tAB\textra\nE3\tCy\tZZ999999Z\n";
        let out = shown(tsv, 3, Format::Tsv, b'\t', &["ni"]);
        assert!(
            !out.contains("QQ123456C") && !out.contains("ZZ999999Z") && !out.contains("AB"),
            "{out}"
        );
        assert!(out.contains("E1\tAnn\t[secret]"), "{out}");
        assert!(out.contains("[hidden]\t[hidden]\t[hidden]\t[hidden]"), "{out}");
        let csv = "#TYPE x\n\"a\",\"pin\"\n\"1\",\"9876\"\n";
        assert!(!shown(csv, 3, Format::Csv, b',', &["pin"]).contains("9876"));
    }

    #[test]
    fn a_value_after_a_secret_key_is_masked_and_controls_are_escaped() {
        let json = "[\n {\"imei\": \"35209900176148\", \"os\": \"x\u{1b}]0;t\u{7}\"},\n {\"imei\":\n";
        let out = shown(json, 2, Format::Json, b',', &["imei"]);
        assert!(!out.contains("35209900176148"), "{out}");
        assert!(
            out.contains("\"imei\": [secret]") && out.contains("\\u{1b}]0;t\\u{7}"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'));
        let yaml = "- imei: 35209900176148\n  os: x\n";
        assert!(!shown(yaml, 1, Format::Yaml, b',', &["imei"]).contains("3520990"));
    }

    #[test]
    fn long_lines_are_cut_around_the_span_and_line_numbers_kept() {
        let text = format!("a\nb\n{}X{}\nd\n", "y".repeat(1000), "z".repeat(1000));
        let file = SourceFile::new("f", text.as_str());
        let at = text.find('X').unwrap();
        let s = excerpt(&file, Span::new(at, at + 1), None);
        assert!(s.text.len() < 1000, "{}", s.text);
        assert_eq!(&s.text[s.span.start..s.span.end], "X");
        assert_eq!(s.first_line, 1);
    }
}
