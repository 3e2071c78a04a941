//! Reading a list file at the root of a config repo (`waivers.yaml`, `reviews.yaml`): parsed with spans,
//! validated against its schema, and deserialized entry by entry, so one bad entry is rejected with a
//! diagnostic at its line while the others load.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::repo_file::{Jail, Refusal};
use crate::core::source::{SourceFile, decode_text};
use crate::spec::schema::{Kind, validate};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// One accepted entry with its line and the file, for follow-up diagnostics.
pub struct Entry<T> {
    pub spec: T,
    pub line: usize,
    pub pointer: String,
}

pub struct ListFile<T> {
    pub entries: Vec<Entry<T>>,
    pub file: Option<(Arc<SourceFile>, crate::core::source::SpanMap)>,
}

/// Loads `name` from the repo if present (read through the jail, within `limit` bytes); `key` is the top-level
/// list (`waivers`, `reviews`); `help` says what an entry needs. Entries that break the schema are left out,
/// each with a diagnostic coded `code`. A file that is there but refused (a symlink out of the repo, a FIFO,
/// too large) is an error diagnostic, and none of its content is used.
pub fn load<T: DeserializeOwned>(
    jail: &Jail,
    limit: u64,
    name: &'static str,
    key: &str,
    kind: Kind,
    code: Code,
    help: &str,
) -> (ListFile<T>, Vec<Diagnostic>) {
    let empty = || ListFile {
        entries: Vec::new(),
        file: None,
    };
    let bytes = match jail.read(name, limit) {
        Ok(b) => b,
        Err(Refusal::Missing) => return (empty(), Vec::new()),
        Err(r) => return (empty(), vec![r.diagnostic(code, name)]),
    };
    let text = match decode_text(bytes) {
        Ok(t) => t,
        Err(e) => return (empty(), vec![Diagnostic::error(code, e).in_path(name)]),
    };
    let file = SourceFile::new(name, text);
    let doc = match crate::core::yaml::parse(&file.text, usize::MAX) {
        Ok(d) => d,
        Err(e) => {
            let d = Diagnostic::error(code, format!("invalid YAML: {}", e.message)).at(&file, Some(e.span), "here");
            return (empty(), vec![d]);
        }
    };
    let mut diags = Vec::new();
    let violations = validate(kind, &doc.value);
    let prefix = format!("/{key}/");
    for v in violations.iter().filter(|v| !v.pointer.starts_with(&prefix)) {
        diags.push(Diagnostic::error(code, v.message.clone()).at(&file, doc.spans.value(&v.pointer), "here"));
    }
    let items = doc
        .value
        .get(key)
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    let mut entries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/{key}/{i}");
        let line = doc.spans.value(&pointer).map_or(1, |s| file.line_of(s.start));
        let mine: Vec<_> = violations
            .iter()
            .filter(|v| v.pointer == pointer || v.pointer.starts_with(&format!("{pointer}/")))
            .collect();
        if !mine.is_empty() {
            for v in mine {
                let span = match &v.key {
                    Some(k) => doc.spans.key(&crate::core::source::pointer_push(&v.pointer, k)),
                    None => doc.spans.value(&v.pointer),
                };
                diags.push(
                    Diagnostic::error(code, format!("entry rejected: {}", v.message))
                        .at(&file, span, "here")
                        .help(help),
                );
            }
            continue;
        }
        if let Ok(spec) = serde_json::from_value::<T>(item.clone()) {
            entries.push(Entry { spec, line, pointer });
        }
    }
    (
        ListFile {
            entries,
            file: Some((file, doc.spans)),
        },
        diags,
    )
}
