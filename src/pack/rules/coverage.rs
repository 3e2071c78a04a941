//! Every requirement of a framework catalogue is mapped by some check, or names the manual evidence an
//! assessor reviews (`assure::uncovered-requirement`, a warning).

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::{SourceFile, Span};
use crate::pack::frameworks::Framework;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// A requirement as the catalogue lists it: (framework, requirement, file, span of its id).
pub type Site = (String, String, Arc<SourceFile>, Option<Span>);

pub fn warnings(
    sites: Vec<Site>,
    frameworks: &BTreeMap<String, Framework>,
    mapped: &HashSet<(String, String)>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (framework, id, file, span) in sites {
        let manual = frameworks.get(&framework).is_some_and(|f| f.manual.contains_key(&id));
        if !manual && !mapped.contains(&(framework.clone(), id.clone())) {
            out.push(
                Diagnostic::warning(
                    Code::UncoveredRequirement,
                    format!("`{id}` in the {framework} catalogue is mapped by no check"),
                )
                .at(&file, span, "not covered")
                .help("map a check to it, or add `manual:` naming the evidence an assessor reviews by hand"),
            );
        }
    }
    out
}
