//! Field paths: `a.b`, `a[0]`, `a[*].b`, `["odd.key"]`, and the virtual fields `_file` and `_line`.
//!
//! ```
//! use assure::core::path::FieldPath;
//! let p = FieldPath::parse("value[*].port").unwrap();
//! assert!(p.has_wildcard());
//! assert_eq!(p.to_string(), "value[*].port");
//! ```

use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
    Wildcard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub segments: Vec<Segment>,
    text: String,
    /// Where CSV rows last held this path's field.
    pub(crate) hint: ColumnHint,
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl FieldPath {
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let mut segments = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        let bad = |why: &str| Err(format!("invalid field path `{text}`: {why}"));
        if text.trim().is_empty() {
            return bad("it is empty");
        }
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    if i == 0 || i + 1 == bytes.len() || bytes[i + 1] == b'.' {
                        return bad("a `.` must separate two names");
                    }
                    i += 1;
                }
                b'[' => {
                    let Some(close) = text[i..].find(']').map(|c| c + i) else {
                        return bad("`[` is not closed");
                    };
                    let inner = text[i + 1..close].trim();
                    if inner == "*" {
                        segments.push(Segment::Wildcard);
                    } else if let Ok(n) = inner.parse::<usize>() {
                        segments.push(Segment::Index(n));
                    } else if let Some(q) = unquote(inner) {
                        segments.push(Segment::Key(q));
                    } else {
                        return bad("inside `[...]` write `*`, an index, or a quoted key");
                    }
                    i = close + 1;
                }
                _ => {
                    let end = text[i..].find(['.', '[']).map_or(text.len(), |e| e + i);
                    let key = &text[i..end];
                    if key.contains(']') || key.trim() != key {
                        return bad("unexpected character; quote unusual keys as [\"key\"]");
                    }
                    segments.push(Segment::Key(key.to_string()));
                    i = end;
                }
            }
        }
        Ok(FieldPath {
            segments,
            text: text.to_string(),
            hint: ColumnHint::default(),
        })
    }

    pub fn has_wildcard(&self) -> bool {
        self.segments.contains(&Segment::Wildcard)
    }

    /// The first key, used to find lookup names and field lines.
    pub fn head(&self) -> Option<&str> {
        match self.segments.first() {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Resolves within `root`, skipping the first `skip` segments. Wildcards fan out into several values.
    pub fn resolve<'v>(&self, root: &'v Value, skip: usize, out: &mut Vec<&'v Value>) {
        resolve_from(&self.segments[skip.min(self.segments.len())..], root, out);
    }

    /// Resolves a path without wildcards to at most one value.
    pub fn get<'v>(&self, root: &'v Value, skip: usize) -> Option<&'v Value> {
        let mut cur = root;
        for seg in &self.segments[skip.min(self.segments.len())..] {
            cur = match seg {
                Segment::Key(k) => cur.as_object()?.get(k)?,
                Segment::Index(n) => cur.as_array()?.get(*n)?,
                Segment::Wildcard => return None,
            };
        }
        Some(cur)
    }
}

fn resolve_from<'v>(segments: &[Segment], cur: &'v Value, out: &mut Vec<&'v Value>) {
    let Some((seg, rest)) = segments.split_first() else {
        out.push(cur);
        return;
    };
    match seg {
        Segment::Key(k) => {
            if let Some(v) = cur.as_object().and_then(|o| o.get(k)) {
                resolve_from(rest, v, out);
            }
        }
        Segment::Index(n) => {
            if let Some(v) = cur.as_array().and_then(|a| a.get(*n)) {
                resolve_from(rest, v, out);
            }
        }
        Segment::Wildcard => match cur {
            Value::Array(items) => items.iter().for_each(|v| resolve_from(rest, v, out)),
            Value::Object(map) => map.values().for_each(|v| resolve_from(rest, v, out)),
            _ => {}
        },
    }
}

fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    (matches!(q, '"' | '\'') && s.len() >= 2 && s.ends_with(q)).then(|| s[1..s.len() - 1].to_string())
}

/// Where a field path last found its field: the id of the [`crate::evidence::record::Columns`] in the high half and the column (or
/// `u32::MAX` for none) in the low half; 0 before any. Checks read the same few fields of every row of a
/// table, so the name is looked up once per table rather than once per row.
#[derive(Debug, Default)]
pub struct ColumnHint(AtomicU64);

impl ColumnHint {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed);
    }
}

impl Clone for ColumnHint {
    fn clone(&self) -> Self {
        ColumnHint(AtomicU64::new(self.0.load(Ordering::Relaxed)))
    }
}

/// A hint is a cache: paths are equal whatever they have looked up.
impl PartialEq for ColumnHint {
    fn eq(&self, _: &ColumnHint) -> bool {
        true
    }
}

impl Eq for ColumnHint {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_resolves() {
        let v = json!({"a": {"b": [{"c": 1}, {"c": 2}]}, "odd.key": 3});
        let p = FieldPath::parse("a.b[*].c").unwrap();
        let mut out = Vec::new();
        p.resolve(&v, 0, &mut out);
        assert_eq!(out, vec![&json!(1), &json!(2)]);
        assert_eq!(FieldPath::parse("a.b[1].c").unwrap().get(&v, 0), Some(&json!(2)));
        assert_eq!(FieldPath::parse("[\"odd.key\"]").unwrap().get(&v, 0), Some(&json!(3)));
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in ["", "a..b", ".a", "a[", "a[x]", "a.", " a"] {
            assert!(FieldPath::parse(bad).is_err(), "{bad}");
        }
    }
}
