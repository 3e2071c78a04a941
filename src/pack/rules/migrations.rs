//! `migrations:` in pack.yaml: a migration points at a check of the pack (`assure::unknown-check`), and a
//! check migrated away is no longer in the pack (`assure::duplicate-id`).

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::{SourceFile, SpanMap};
use crate::spec::PackSpec;
use std::sync::Arc;

pub fn problems(
    meta: &PackSpec,
    file: &Arc<SourceFile>,
    spans: &SpanMap,
    is_check: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, migration) in meta.migrations.iter().enumerate() {
        if let Some(to) = &migration.to
            && !is_check(to)
        {
            out.push(
                Diagnostic::error(
                    Code::UnknownCheck,
                    format!(
                        "migration of `{}` points at `{to}`, which is not a check in this pack",
                        migration.from
                    ),
                )
                .at(file, spans.value(&format!("/migrations/{i}/to")), "not a check"),
            );
        }
        if is_check(&migration.from) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!(
                        "`{}` is migrated away but is still a check in this pack",
                        migration.from
                    ),
                )
                .at(file, spans.value(&format!("/migrations/{i}/from")), "still in use"),
            );
        }
    }
    out
}
