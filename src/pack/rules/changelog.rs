//! A pack with a changelog has an entry for its own version (`assure::changelog`, a warning).

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::{SourceFile, SpanMap};
use crate::spec::PackSpec;
use std::sync::Arc;

pub fn warnings(meta: &PackSpec, file: &Arc<SourceFile>, spans: &SpanMap) -> Vec<Diagnostic> {
    if meta.changelog.is_empty() || meta.changelog.iter().any(|c| c.version == meta.version) {
        return Vec::new();
    }
    vec![
        Diagnostic::warning(
            Code::Changelog,
            format!("the changelog has no entry for version {}", meta.version),
        )
        .at(file, spans.value("/changelog"), "add an entry")
        .help("say what changed in this version, newest first"),
    ]
}
