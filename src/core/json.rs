//! Span-aware JSON loading with `jiter`: a `serde_json::Value` plus the same JSON-pointer -> span map the YAML
//! loader gives, so JSON evidence records keep their file and line.
//!
//! Duplicate keys and nesting deeper than [`crate::core::yaml::MAX_DEPTH`] are errors rather than silent choices.
//!
//! ```
//! let doc = assure::core::json::parse("{\"value\": [{\"a\": 1},\n {\"a\": 2}]}", usize::MAX).unwrap();
//! assert_eq!(doc.value["value"][1]["a"], 2);
//! assert_eq!(doc.spans.exact("/value/1").unwrap().start, 22);
//! ```

use crate::core::source::{Span, SpanMap, pointer_push};
use crate::core::yaml::{MAX_DEPTH, Spanned, YamlError};
use jiter::{Jiter, JiterError, NumberAny, NumberInt, Peek};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// The name a quoted JSON key spells (escapes decoded), from its text in the file: borrowed unless it has escapes.
pub fn key_name(quoted: &str) -> Option<Cow<'_, str>> {
    match quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(plain) if !plain.contains('\\') => Some(Cow::Borrowed(plain)),
        _ => serde_json::from_str(quoted).ok().map(Cow::Owned),
    }
}

/// Parses a JSON document, recording spans up to `span_depth` levels deep.
pub fn parse(text: &str, span_depth: usize) -> Result<Spanned, YamlError> {
    let mut jiter = Jiter::new(text.as_bytes());
    let mut spans = SpanMap::default();
    let mut state = State {
        text,
        span_depth,
        spans: &mut spans,
    };
    let value = (|| -> Result<Value, Failure> {
        let peek = jiter.peek()?;
        let value = state.value(&mut jiter, peek, Some(String::new()), 0)?;
        jiter.finish()?;
        Ok(value)
    })()
    .map_err(|f| match f {
        Failure::Json(e) => YamlError {
            message: format!("invalid JSON: {}", e.error_type),
            span: Span::new(e.index, (e.index + 1).min(text.len())),
        },
        Failure::Other(e) => e,
    })?;
    Ok(Spanned { value, spans })
}

/// Parses the value jiter stands on (`peek`), `depth` levels down, recording no spans: a field of a record kept
/// compactly. `text` is what `j` reads. `None` on any error, which the caller then reports by parsing the
/// document with [`parse`].
pub(crate) fn plain_value(text: &str, j: &mut Jiter, peek: Peek, depth: usize) -> Option<Value> {
    let mut spans = SpanMap::default();
    let mut state = State {
        text,
        span_depth: 0,
        spans: &mut spans,
    };
    state.value(j, peek, None, depth).ok()
}

enum Failure {
    Json(JiterError),
    Other(YamlError),
}

impl From<JiterError> for Failure {
    fn from(e: JiterError) -> Self {
        Failure::Json(e)
    }
}

struct State<'a> {
    text: &'a str,
    span_depth: usize,
    spans: &'a mut SpanMap,
}

impl State<'_> {
    /// Parses one value; `pointer` is where to record its span, `None` when it is not recorded (below the span
    /// depth, or a member whose key span its object lists).
    fn value(&mut self, j: &mut Jiter, peek: Peek, pointer: Option<String>, depth: usize) -> Result<Value, Failure> {
        if depth > MAX_DEPTH {
            let at = j.current_index();
            return Err(Failure::Other(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                span: Span::new(at, at),
            }));
        }
        let start = self.start_of(j.current_index());
        let value = match peek {
            Peek::Null => {
                j.known_null()?;
                Value::Null
            }
            Peek::True | Peek::False => Value::Bool(j.known_bool(peek)?),
            Peek::String => Value::String(j.known_str()?.to_string()),
            Peek::Array => {
                let mut items = Vec::new();
                let mut next = j.known_array()?;
                while let Some(p) = next {
                    let child = pointer
                        .as_deref()
                        .filter(|_| depth < self.span_depth)
                        .map(|ptr| pointer_push(ptr, &items.len().to_string()));
                    items.push(self.value(j, p, child, depth + 1)?);
                    next = j.array_step()?;
                }
                Value::Array(items)
            }
            Peek::Object => {
                let mut map = Map::new();
                // Members at the deepest recorded level keep only their key spans, listed under this object.
                let as_members = depth + 1 == self.span_depth;
                let mut members = Vec::new();
                let mut before_key = j.current_index();
                let mut key = j.known_object()?.map(str::to_string);
                while let Some(k) = key {
                    let key_span = self.key_span(before_key, &k, j.current_index());
                    let slot = match map.entry(k) {
                        Entry::Vacant(slot) => slot,
                        Entry::Occupied(taken) => {
                            return Err(Failure::Other(YamlError {
                                message: format!(
                                    "duplicate key `{}`: each key may appear once in an object",
                                    taken.key()
                                ),
                                span: key_span,
                            }));
                        }
                    };
                    let k = slot.key();
                    let p = j.peek()?;
                    let child = match pointer.as_deref() {
                        Some(_) if as_members => {
                            members.push(key_span);
                            None
                        }
                        Some(ptr) if depth < self.span_depth => {
                            let c = pointer_push(ptr, k);
                            self.spans.insert_key(c.clone(), key_span);
                            Some(c)
                        }
                        _ => None,
                    };
                    slot.insert(self.value(j, p, child, depth + 1)?);
                    before_key = j.current_index();
                    key = j.next_key()?.map(str::to_string);
                }
                if let Some(ptr) = pointer.as_ref().filter(|_| as_members) {
                    self.spans.insert_members(ptr.clone(), members);
                }
                Value::Object(map)
            }
            p if p.is_num() => match j.known_number(p)? {
                NumberAny::Int(NumberInt::Int(i)) => Value::Number(i.into()),
                NumberAny::Float(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            },
            _ => {
                let at = j.current_index();
                return Err(Failure::Other(YamlError {
                    message: "invalid JSON: expected a value".into(),
                    span: Span::new(at, (at + 1).min(self.text.len())),
                }));
            }
        };
        if let Some(ptr) = pointer {
            self.spans.insert_value(ptr, Span::new(start, j.current_index()));
        }
        Ok(value)
    }

    /// The span of the quoted key `key` read between `before` and `after` (jiter then stands past the colon).
    /// A key without escapes is the first quote on and its own bytes; one with escapes is found from its end.
    fn key_span(&self, before: usize, key: &str, after: usize) -> Span {
        let bytes = self.text.as_bytes();
        if let Some(open) = bytes
            .get(before..after)
            .and_then(|between| memchr::memchr(b'"', between))
            .map(|i| before + i)
        {
            let close = open + 1 + key.len();
            if bytes.get(open + 1..close) == Some(key.as_bytes())
                && bytes.get(close) == Some(&b'"')
                && !key.contains('\\')
            {
                return Span::new(open, close + 1);
            }
        }
        self.escaped_key_span(after)
    }

    /// The span of the quoted key that ends before `after`, searched backwards.
    fn escaped_key_span(&self, after: usize) -> Span {
        let head = &self.text[..after.min(self.text.len())];
        match head.rfind('"') {
            Some(close) => Span::new(head[..close].rfind('"').unwrap_or(close), close + 1),
            None => Span::new(after, after),
        }
    }

    /// jiter's index may sit on whitespace before a value; move to the value itself.
    fn start_of(&self, index: usize) -> usize {
        let rest = &self.text.as_bytes()[index.min(self.text.len())..];
        index
            + rest
                .iter()
                .take_while(|b| b.is_ascii_whitespace() || **b == b',' || **b == b':')
                .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_spans_of_items_and_keys() {
        let text = "{\n  \"value\": [\n    {\"deviceName\": \"A\"},\n    {\"deviceName\": \"B\"}\n  ]\n}";
        let doc = parse(text, usize::MAX).unwrap();
        let s = doc.spans.exact("/value/1/deviceName").unwrap();
        assert_eq!(&text[s.start..s.end], "\"B\"");
        let k = doc.spans.key("/value/1/deviceName").unwrap();
        assert_eq!(&text[k.start..k.end], "\"deviceName\"");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("{\"a\": 1, \"a\": 2}", usize::MAX).unwrap_err();
        assert!(err.message.contains("duplicate key `a`"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let err = parse(&text, usize::MAX).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("{\"a\": 1,,}", usize::MAX).unwrap_err();
        assert!(err.message.starts_with("invalid JSON"));
        assert_eq!(err.span.start, 8);
    }

    #[test]
    fn members_at_the_deepest_level_keep_their_key_spans() {
        let text = "{\"value\": [\n {\"a/b\": 1,\n  \"c\": {\"d\": 2}}\n]}";
        let doc = parse(text, 3).unwrap();
        let members = doc.spans.members("/value/0").unwrap();
        let keys: Vec<&str> = members.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(keys, ["\"a/b\"", "\"c\""]);
        assert!(doc.spans.exact("/value/0/c/d").is_none());
        assert_eq!(doc.value["value"][0]["c"]["d"], 2);
    }

    #[test]
    fn span_depth_limits_recording() {
        let doc = parse("[{\"a\": {\"b\": 1}}]", 1).unwrap();
        assert!(doc.spans.exact("/0").is_some());
        assert!(doc.spans.exact("/0/a/b").is_none());
    }
}
