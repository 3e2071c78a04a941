//! The one YAML loader: saphyr-parser events into a `serde_json::Value` plus a JSON-pointer -> span map.
//!
//! Standards files, manifests and YAML evidence all load through [`parse`], so every error and finding can
//! point at an exact line. Scalars resolve by the YAML 1.2 core schema (so `2026-11-01` stays a string and
//! `no` stays a string). Limits guard against hostile input: nesting depth, and the number of nodes aliases
//! may expand to (the "billion laughs" alias bomb). Duplicate keys are errors.
//!
//! ```
//! let doc = assure::core::yaml::parse("a:\n  b: [1, 2]\n", usize::MAX).unwrap();
//! assert_eq!(doc.value["a"]["b"][1], 2);
//! assert!(doc.spans.exact("/a/b/1").is_some());
//! ```

use crate::core::source::{Span, SpanMap, pointer_push};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 256;
/// Most nodes that aliases may add by expansion.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A parsed document: its value and the span of each value and key.
#[derive(Debug, Clone, Default)]
pub struct Spanned {
    pub value: Value,
    pub spans: SpanMap,
}

/// A YAML syntax or limit error at a byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// Parses one YAML document. Spans are recorded for values up to `span_depth` levels deep
/// (`usize::MAX` for all), which keeps large evidence files cheap.
pub fn parse(text: &str, span_depth: usize) -> Result<Spanned, YamlError> {
    Builder::new(text, span_depth).run()
}

enum Frame {
    Seq {
        items: Vec<Value>,
        pointer: String,
        start: usize,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        pointer: String,
        start: usize,
        anchor: usize,
        key: Option<(String, Span)>,
        /// Key spans of the members, in document order, when they are at the deepest recorded level (an
        /// evidence record's fields): listed once under the map instead of two pointers a field.
        members: Option<Vec<Span>>,
    },
}

struct Builder<'t> {
    text: &'t str,
    char_to_byte: Option<Vec<usize>>,
    span_depth: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_nodes: usize,
    spans: SpanMap,
    root: Option<Value>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, span_depth: usize) -> Self {
        let char_to_byte = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Builder {
            text,
            char_to_byte,
            span_depth,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            spans: SpanMap::default(),
            root: None,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_to_byte {
            None => char_index.min(self.text.len()),
            Some(map) => map.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }

    fn error(&self, message: impl Into<String>, span: Span) -> YamlError {
        YamlError {
            message: message.into(),
            span,
        }
    }

    fn run(mut self) -> Result<Spanned, YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut documents = 0;
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| {
                let at = self.byte(e.marker().index());
                self.error(e.info().to_string(), Span::new(at, at))
            })?;
            let span = self.span(span);
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(self.error("a file may hold only one YAML document; remove the second `---`", span));
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix == "str");
                    let value = if style == ScalarStyle::Plain && !is_str_tag {
                        resolve_plain(&text)
                    } else {
                        Value::String(text.into_owned())
                    };
                    self.complete(value, span, anchor)?;
                }
                Event::SequenceStart(anchor, _) => {
                    let pointer = self.child_pointer(span)?;
                    self.push(
                        Frame::Seq {
                            items: Vec::new(),
                            pointer,
                            start: span.start,
                            anchor,
                        },
                        span,
                    )?;
                }
                Event::MappingStart(anchor, _) => {
                    let pointer = self.child_pointer(span)?;
                    let members = (self.stack.len() + 1 == self.span_depth).then(Vec::new);
                    self.push(
                        Frame::Map {
                            map: Map::new(),
                            pointer,
                            start: span.start,
                            anchor,
                            key: None,
                            members,
                        },
                        span,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let frame = self.stack.pop().ok_or_else(|| self.error("unbalanced YAML", span))?;
                    let (value, start, anchor) = match frame {
                        Frame::Seq {
                            items, start, anchor, ..
                        } => (Value::Array(items), start, anchor),
                        Frame::Map {
                            map,
                            start,
                            anchor,
                            pointer,
                            members,
                            ..
                        } => {
                            if let Some(members) = members {
                                self.spans.insert_members(pointer, members);
                            }
                            (Value::Object(map), start, anchor)
                        }
                    };
                    self.complete(value, Span::new(start, span.end.max(start)), anchor)?;
                }
                Event::Alias(id) => {
                    let (value, nodes) = self
                        .anchors
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| self.error("alias to an unknown anchor", span))?;
                    self.alias_nodes += nodes;
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        return Err(self.error(
                            format!("aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); write the values out instead"),
                            span,
                        ));
                    }
                    self.complete(value, span, 0)?;
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(Spanned {
            value: self.root.unwrap_or(Value::Null),
            spans: self.spans,
        })
    }

    fn push(&mut self, frame: Frame, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels"), span));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// The pointer a node starting now will have.
    fn child_pointer(&self, span: Span) -> Result<String, YamlError> {
        Ok(match self.stack.last() {
            None => String::new(),
            Some(Frame::Seq { items, pointer, .. }) => pointer_push(pointer, &items.len().to_string()),
            Some(Frame::Map {
                pointer,
                key: Some((k, _)),
                ..
            }) => pointer_push(pointer, k),
            Some(Frame::Map { key: None, .. }) => {
                return Err(self.error("complex mapping keys are not supported; use a plain string key", span));
            }
        })
    }

    fn complete(&mut self, value: Value, span: Span, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            let nodes = count_nodes(&value);
            self.anchors.insert(anchor, (value.clone(), nodes));
        }
        let depth = self.stack.len();
        let record = depth <= self.span_depth;
        match self.stack.last_mut() {
            None => {
                if record {
                    self.spans.insert_value(String::new(), span);
                }
                self.root = Some(value);
            }
            Some(Frame::Seq { items, pointer, .. }) => {
                if record {
                    self.spans
                        .insert_value(pointer_push(pointer, &items.len().to_string()), span);
                }
                items.push(value);
            }
            Some(Frame::Map {
                map,
                pointer,
                key,
                members,
                ..
            }) => match key.take() {
                None => {
                    let Some(name) = key_text(value) else {
                        let err = YamlError {
                            message: "complex mapping keys are not supported; use a plain string key".into(),
                            span,
                        };
                        return Err(err);
                    };
                    if map.contains_key(&name) {
                        return Err(YamlError {
                            message: format!("duplicate key `{name}`: each key may appear once in a mapping"),
                            span,
                        });
                    }
                    *key = Some((name, span));
                }
                Some((name, key_span)) => {
                    if let Some(members) = members {
                        members.push(key_span);
                    } else if record {
                        let p = pointer_push(pointer, &name);
                        self.spans.insert_key(p.clone(), key_span);
                        self.spans.insert_value(p, span);
                    }
                    map.insert(name, value);
                }
            },
        }
        Ok(())
    }
}

/// The name a scalar key gives its member; `None` for a list or mapping as a key.
fn key_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => Some("null".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The name a mapping key spells, from its text in the file (plain, or quoted with any escapes), as the
/// loader names the member.
pub fn key_name(text: &str) -> Option<String> {
    let text = text.trim();
    if text.starts_with(['"', '\'']) {
        return key_text(parse(text, 0).ok()?.value);
    }
    key_text(resolve_plain(text))
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(a) => 1 + a.iter().map(count_nodes).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let bytes = text.as_bytes();
    let numeric_start = bytes[0].is_ascii_digit()
        || (matches!(bytes[0], b'-' | b'+' | b'.')
            && bytes.len() > 1
            && (bytes[1].is_ascii_digit() || bytes[1] == b'.'));
    if numeric_start {
        let unsigned = text.trim_start_matches('+');
        if let Some(hex) = unsigned.strip_prefix("0x") {
            if let Ok(n) = i64::from_str_radix(hex, 16) {
                return Value::Number(n.into());
            }
        } else if let Some(oct) = unsigned.strip_prefix("0o") {
            if let Ok(n) = i64::from_str_radix(oct, 8) {
                return Value::Number(n.into());
            }
        } else if unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'-') && !unsigned[1..].contains('-') {
            if let Ok(n) = unsigned.parse::<i64>() {
                return Value::Number(n.into());
            }
            if let Ok(n) = unsigned.parse::<u64>() {
                return Value::Number(n.into());
            }
        } else if unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
            && let Ok(f) = unsigned.parse::<f64>()
            && let Some(n) = Number::from_f64(f)
        {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_core_schema_scalars() {
        let doc = parse(
            "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2026-11-01\nf: no\ng: '1'\nh: 0x1F\ni: -3\n",
            usize::MAX,
        )
        .unwrap();
        let v = &doc.value;
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], 1.5);
        assert_eq!(v["c"], true);
        assert!(v["d"].is_null());
        assert_eq!(v["e"], "2026-11-01");
        assert_eq!(v["f"], "no");
        assert_eq!(v["g"], "1");
        assert_eq!(v["h"], 31);
        assert_eq!(v["i"], -3);
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = "checks:\n  - id: X\n    severity: hgh\n";
        let doc = parse(text, usize::MAX).unwrap();
        let span = doc.spans.exact("/checks/0/severity").unwrap();
        assert_eq!(&text[span.start..span.end], "hgh");
        let key = doc.spans.key("/checks/0/severity").unwrap();
        assert_eq!(&text[key.start..key.end], "severity");
    }

    #[test]
    fn non_ascii_spans_are_byte_offsets() {
        let text = "name: “Ünïcode”\nnext: here\n";
        let doc = parse(text, usize::MAX).unwrap();
        let span = doc.spans.exact("/next").unwrap();
        assert_eq!(&text[span.start..span.end], "here");
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = parse("a: 1\nb: 2\na: 3\n", usize::MAX).unwrap_err();
        assert!(err.message.contains("duplicate key `a`"));
        assert_eq!(err.span.start, 10);
    }

    #[test]
    fn rejects_alias_bombs() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let err = parse(&text, usize::MAX).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn rejects_deep_nesting() {
        let text = "[".repeat(10_000);
        let err = parse(&text, usize::MAX).unwrap_err();
        assert!(
            err.message.contains("nesting deeper") || err.message.contains("recursion limit"),
            "{}",
            err.message
        );
    }

    #[test]
    fn aliases_expand() {
        let doc = parse("base: &b {x: 1}\ncopy: *b\n", usize::MAX).unwrap();
        assert_eq!(doc.value["copy"]["x"], 1);
    }
}
