//! Framework catalogues (CAF, DSPT, Cyber Essentials): their requirements, read and checked for duplicates.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::source::{SourceFile, Span, SpanMap};
use crate::spec::{FrameworkFile, FrameworkSpec};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A framework catalogue as loaded.
pub struct Framework {
    pub spec: FrameworkSpec,
    /// Requirement id -> title, in catalogue order.
    pub requirements: Vec<(String, String)>,
    /// Requirement id -> the evidence to review by hand, for requirements no check maps.
    pub manual: BTreeMap<String, String>,
    /// Requirement id -> the level a DSPT profile expects.
    pub expected: BTreeMap<String, crate::spec::Level>,
    /// Requirements the DSPT's independent audit must cover.
    pub audit: std::collections::BTreeSet<String>,
}

/// Where a requirement is listed: (framework, requirement, file, span), for the coverage rule.
pub type RequirementSite = (String, String, Arc<SourceFile>, Option<Span>);

/// Adds a catalogue read from `file` to `frameworks`, with a diagnostic for an id defined twice.
pub(super) fn add(
    f: FrameworkFile,
    file: &Arc<SourceFile>,
    spans: &SpanMap,
    frameworks: &mut BTreeMap<String, Framework>,
    sites: &mut Vec<RequirementSite>,
    diags: &mut Vec<Diagnostic>,
) {
    let id = f.framework.id.clone();
    if frameworks.contains_key(&id) {
        diags.push(
            Diagnostic::error(Code::DuplicateId, format!("framework `{id}` is defined twice")).at(
                file,
                spans.value("/framework/id"),
                "duplicate",
            ),
        );
    }
    let mut seen = HashMap::new();
    for (i, r) in f.requirements.iter().enumerate() {
        if seen.insert(r.id.clone(), i).is_some() {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("requirement `{}` is listed twice in `{id}`", r.id),
                )
                .at(file, spans.value(&format!("/requirements/{i}/id")), "duplicate"),
            );
        }
    }
    for (i, r) in f.requirements.iter().enumerate() {
        sites.push((
            id.clone(),
            r.id.clone(),
            file.clone(),
            spans.value(&format!("/requirements/{i}/id")),
        ));
    }
    let manual = f
        .requirements
        .iter()
        .filter_map(|r| Some((r.id.clone(), r.manual.clone()?)))
        .collect();
    let expected = f
        .requirements
        .iter()
        .filter_map(|r| Some((r.id.clone(), r.expected?)))
        .collect();
    let audit = f
        .requirements
        .iter()
        .filter(|r| r.audit)
        .map(|r| r.id.clone())
        .collect();
    let requirements = f.requirements.into_iter().map(|r| (r.id, r.title)).collect();
    frameworks.insert(
        id,
        Framework {
            spec: f.framework,
            requirements,
            manual,
            expected,
            audit,
        },
    );
}
