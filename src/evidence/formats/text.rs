//! Text exports: one record per line (named groups of a pattern become fields), and key/value files such as
//! sshd_config, with `Match` blocks as records of their own.

use super::*;

/// Line numbers of unmatched lines shown in the note; the rest are counted.
const UNMATCHED_SHOWN: usize = 5;

/// One record per non-blank line: `line` holds the text; a pattern's named groups become fields. A line the
/// pattern does not match is no record, so it is counted in a note naming the first few: a record that fell
/// outside the pattern must not vanish and turn a check green. Lines starting with `#` are comments and are
/// not counted.
pub(super) fn lines(file: &SourceFile, pattern: Option<&regex::Regex>) -> Result<Parsed, FormatError> {
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
pub(super) fn key_value(file: &SourceFile) -> Vec<Record> {
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
pub(crate) fn directive(raw: &str) -> Option<(&str, &str)> {
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
pub(crate) fn section_records(sections: Vec<Section>) -> Vec<Record> {
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
pub(crate) struct Section {
    pub(crate) criteria: Option<String>,
    pub(crate) line: u32,
    /// Lowercased keyword -> (keyword as first written, value, line): one lookup per line, however many
    /// keywords a file holds.
    pub(crate) values: BTreeMap<String, (String, String, u32)>,
}

impl Section {
    /// Keeps the first value of a keyword, whatever its case.
    pub(crate) fn set(&mut self, key: &str, value: &str, line: u32) {
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
