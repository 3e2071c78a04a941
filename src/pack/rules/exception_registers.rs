//! A dataset declared as an exception register (`exception_for:`) must name a check of the pack
//! (`assure::unknown-check`, a warning: the register then accepts nothing, which harms no verdict).

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::spec::DatasetSpec;
use std::collections::BTreeMap;

pub fn warnings(datasets: Option<&BTreeMap<String, DatasetSpec>>, is_check: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, spec) in datasets.into_iter().flatten() {
        if let Some(rule) = &spec.exception_for
            && !is_check(&rule.check)
        {
            out.push(
                Diagnostic::warning(
                    Code::UnknownCheck,
                    format!(
                        "dataset `{name}` is an exception register for `{}`, which is not a check in this pack",
                        rule.check
                    ),
                )
                .in_path("datasets.yaml".to_string())
                .help("name a check id under `exception_for.check`"),
            );
        }
    }
    out
}
