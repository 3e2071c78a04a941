//! The assessment: results of every check, with the evidence trail. Renderers read only this.
//!
//! Its JSON form ([`Assessment`] serialized) is a documented, versioned contract (`schema_version`); see
//! `docs/json-output.md`. Results are sorted by standard then check id, findings by file, line and key, so
//! output is byte-identical whatever the thread count.

use crate::engine::result::{CheckResult, State};
use crate::evidence::{EvidenceFile, Organisation};
use crate::spec::{Severity, StatusRuleSpec};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the JSON output shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "1.0";

/// The JSON Schema of the JSON output (`standards/schema/assessment.schema.json`), as checked in.
pub fn schema_text() -> String {
    crate::spec::schema::pretty(&crate::spec::schema::tidy(schemars::schema_for!(Assessment)))
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PackInfo {
    pub name: String,
    pub title: String,
    pub version: String,
    /// SHA-256 over the pack's files (names and contents, in name order).
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StandardInfo {
    pub id: String,
    pub number: Option<u32>,
    pub title: String,
    pub statement: String,
    /// Leadership obligation: People, Process or Technology.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligation: Option<String>,
    /// Source and licence of the statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// The overall status and the rule that gave it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OverallStatus {
    /// e.g. `Standards Met`, `Approaching Standards`, `Standards Not Met`.
    pub status: String,
    /// The pack's rule in words.
    pub rule: String,
}

/// How far a framework requirement is met by the checks mapped to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every applicable mapped check passes (or is waived).
    Achieved,
    /// Some pass, some fail or error.
    PartiallyAchieved,
    /// No applicable mapped check passes.
    NotAchieved,
    /// Mapped checks exist but none applied to this evidence.
    NotAssessed,
    /// No check maps it: an assessor reviews the evidence named in `manual`.
    Manual,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RequirementView {
    pub id: String,
    pub title: String,
    pub outcome: Outcome,
    /// Ids of the checks mapped to it, in pack order.
    pub checks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
}

/// One framework's requirements judged through the checks mapped to them.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FrameworkView {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub requirements: Vec<RequirementView>,
}

/// The DSPT as this organisation answers it: the CAF-aligned view (trusts, ICBs, CSUs, arm's-length bodies)
/// with each outcome against NHS England's expected profile, or the standards-met assertions for others.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DsptView {
    /// `caf_aligned` or `assertions`.
    pub view: crate::spec::DsptViewKind,
    /// The toolkit edition its numbering and profile come from, e.g. `2024-25`.
    pub edition: String,
    /// The catalogue it is judged through (`caf`, `dspt`).
    pub framework: String,
    /// Why this view: the organisation's kind, or that none was given.
    pub reason: String,
    /// `meets_profile`, `below_profile`, or `undetermined` (outcomes that need an assessor's evidence).
    pub verdict: &'static str,
    /// Outcomes below the expected level, in catalogue order.
    pub below: Vec<String>,
    /// Outcomes no check could judge (manual evidence, or nothing in scope).
    pub undetermined: Vec<String>,
    /// Outcomes at or above the expected level.
    pub meeting: usize,
    /// Outcomes the annual independent audit must cover.
    pub audit: Vec<String>,
    /// False until the expected profile has been checked against NHS England's published one.
    pub profile_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_source: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub checks: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub not_applicable: usize,
    pub waived: usize,
    /// Manual checks awaiting an assessor's verdict.
    #[serde(default)]
    pub manual: usize,
    pub findings: usize,
    /// Records whose deadline has not passed yet, over every check.
    #[serde(default)]
    pub pending: usize,
    /// Failing checks by severity.
    pub failing_by_severity: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiagnosticInfo {
    pub level: crate::core::diagnostic::Level,
    pub code: String,
    pub location: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&crate::core::diagnostic::Diagnostic> for DiagnosticInfo {
    fn from(d: &crate::core::diagnostic::Diagnostic) -> Self {
        DiagnosticInfo {
            level: d.level,
            code: d.code.to_string(),
            location: d.location(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// The selection applied to a run, as recorded in the JSON assessment (`selection`).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Selection {
    /// `--check` patterns (ids or globs); empty: every check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// `--skip-check` patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip_checks: Vec<String>,
    /// `--severity`: the lowest severity run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// `--framework` selections (`caf`, `caf:B4.d`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<String>,
    /// Ids of the pack's checks that were left out (not run, not reported), in pack order.
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub pack: PackInfo,
    pub organisation: Organisation,
    pub as_of: String,
    pub summary: Summary,
    pub status: OverallStatus,
    pub standards: Vec<StandardInfo>,
    pub frameworks: Vec<FrameworkView>,
    /// The DSPT view for this organisation's kind, when the pack has DSPT catalogues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dspt: Option<DsptView>,
    pub results: Vec<CheckResult>,
    pub evidence: Vec<EvidenceFile>,
    pub waivers: Vec<crate::assess::waivers::WaiverReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::assess::baseline::BaselineSummary>,
    /// With `--check`, `--skip-check`, `--severity` or `--framework`: the selection, and the checks left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Selection>,
    pub diagnostics: Vec<DiagnosticInfo>,
}

impl Assessment {
    pub fn summarise(results: &[CheckResult]) -> Summary {
        let mut s = Summary {
            checks: results.len(),
            ..Summary::default()
        };
        for r in results {
            match r.state {
                State::Pass => s.pass += 1,
                State::Fail => {
                    s.fail += 1;
                    *s.failing_by_severity
                        .entry(r.severity.as_str().to_string())
                        .or_default() += 1;
                }
                State::Error => s.error += 1,
                State::NotApplicable => s.not_applicable += 1,
                State::Waived => s.waived += 1,
                State::Manual => s.manual += 1,
            }
            s.findings += r.findings.len();
            s.pending += r.pending.len();
        }
        s
    }

    /// Whether any check failed at or above `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.results
            .iter()
            .any(|r| r.state == State::Fail && r.severity >= threshold)
    }

    /// Marks findings against a previous run's JSON.
    pub fn compare(&mut self, baseline: &crate::assess::baseline::Baseline) {
        self.baseline = Some(crate::assess::baseline::apply(&mut self.results, baseline));
    }

    /// Whether any check at or above `threshold` failed with something not in the baseline.
    pub fn fails_new_at(&self, threshold: Severity) -> bool {
        self.results
            .iter()
            .any(|r| r.severity >= threshold && crate::assess::baseline::has_new(r))
    }

    pub fn has_errors(&self) -> bool {
        self.results.iter().any(|r| r.state == State::Error)
    }

    /// Records that only some checks ran (their results are the only ones here): standards and framework
    /// requirements no selected check speaks for are dropped, so nothing left out reads as met, and the
    /// overall status says it covers the selected checks only.
    pub fn restrict(&mut self, selection: Selection) {
        let standards: std::collections::BTreeSet<&str> = self.results.iter().map(|r| r.standard.as_str()).collect();
        self.standards.retain(|s| standards.contains(s.id.as_str()));
        for f in &mut self.frameworks {
            f.requirements.retain(|r| !r.checks.is_empty());
        }
        self.frameworks.retain(|f| !f.requirements.is_empty());
        self.status.status = format!("{} (selected checks only)", self.status.status);
        self.status.rule = format!(
            "{} Only the selected checks were run ({} of the pack's checks left out), so this is not the organisation's overall status.",
            self.status.rule,
            selection.left_out.len()
        );
        self.selection = Some(selection);
    }
}

impl Assessment {
    /// Assembles the assessment of a run. Results are put in pack order (standard, then check id).
    pub fn new(
        pack: &crate::pack::Pack,
        evidence: &crate::evidence::Evidence,
        results: Vec<CheckResult>,
        as_of: jiff::civil::Date,
        diagnostics: &[crate::core::diagnostic::Diagnostic],
    ) -> Assessment {
        let order: BTreeMap<&str, usize> = pack
            .checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.spec.id.as_str(), i))
            .collect();
        let mut results = results;
        results.sort_by_key(|r| (order.get(r.id.as_str()).copied().unwrap_or(usize::MAX), r.id.clone()));
        for r in &mut results {
            if let Some(def) = pack.check(&r.id) {
                r.rationale = def.spec.rationale.clone();
                r.references = def.spec.references.clone();
                if r.manual.is_some() {
                    r.remediation = def.spec.remediation.clone();
                }
            }
        }
        let review_diags = crate::assess::reviews::apply(&mut results, &evidence.reviews);
        // The managed-exception registers the pack declares (medical devices ...) first, as the data they are,
        // then waivers.yaml.
        let mut all_waivers = crate::assess::exceptions::waivers(pack, evidence);
        all_waivers.extend(evidence.waivers.iter().cloned());
        let waivers = crate::assess::waivers::apply(&mut results, &all_waivers, as_of);
        let frameworks = framework_views(pack, &results);
        let dspt = dspt_view(pack, &frameworks, &evidence.organisation);
        Assessment {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "assure",
                version: env!("CARGO_PKG_VERSION"),
            },
            pack: PackInfo {
                name: pack.meta.name.clone(),
                title: pack.meta.title.clone(),
                version: pack.meta.version.clone(),
                sha256: pack.sha256.clone(),
            },
            organisation: evidence.organisation.clone(),
            as_of: as_of.to_string(),
            summary: Assessment::summarise(&results),
            status: overall_status(&pack.meta.status, &results),
            frameworks,
            dspt,
            standards: pack
                .standards
                .iter()
                .map(|s| StandardInfo {
                    id: s.spec.id.clone(),
                    number: s.spec.number,
                    title: s.spec.title.clone(),
                    statement: s.spec.statement.clone(),
                    obligation: s.spec.obligation.clone(),
                    attribution: s.spec.attribution.clone(),
                })
                .collect(),
            results,
            evidence: evidence.files.clone(),
            waivers,
            baseline: None,
            selection: None,
            diagnostics: diagnostics
                .iter()
                .chain(&review_diags)
                .map(DiagnosticInfo::from)
                .collect(),
        }
    }
}

/// The rule used when a pack states none.
fn default_status_rule() -> Vec<StatusRuleSpec> {
    vec![
        StatusRuleSpec {
            status: "Standards Not Met".into(),
            if_failing: Some(Severity::Critical),
        },
        StatusRuleSpec {
            status: "Approaching Standards".into(),
            if_failing: Some(Severity::Medium),
        },
        StatusRuleSpec {
            status: "Standards Met".into(),
            if_failing: None,
        },
    ]
}

/// Applies the pack's status rule (first match wins; errors count as failing, waivers do not).
pub fn overall_status(rule: &[StatusRuleSpec], results: &[CheckResult]) -> OverallStatus {
    let rule = if rule.is_empty() {
        default_status_rule()
    } else {
        rule.to_vec()
    };
    let worst = results
        .iter()
        .filter(|r| matches!(r.state, State::Fail | State::Error))
        .map(|r| r.severity)
        .max();
    let status = rule
        .iter()
        .find(|line| match line.if_failing {
            None => true,
            Some(threshold) => worst.is_some_and(|w| w >= threshold),
        })
        .map_or_else(|| "Not assessed".to_string(), |line| line.status.clone());
    let words: Vec<String> = rule
        .iter()
        .map(|line| match line.if_failing {
            Some(Severity::Info) => format!("{} when any check fails or errors", line.status),
            Some(Severity::Critical) => format!("{} when a critical check fails or errors", line.status),
            Some(t) => format!(
                "{} when a check of {} severity or higher fails or errors",
                line.status,
                t.as_str()
            ),
            None => format!("otherwise {}", line.status),
        })
        .collect();
    OverallStatus {
        status,
        rule: format!(
            "{}. Waived findings do not count; a check that could not be assessed counts as failing.",
            words.join("; ")
        ),
    }
}

/// The DSPT view for the organisation's kind: the catalogue whose `dspt.organisation_types` names it, or, when
/// no kind is known, the CAF-aligned one (the toolkit NHS trusts answer), saying so.
fn dspt_view(pack: &crate::pack::Pack, frameworks: &[FrameworkView], organisation: &Organisation) -> Option<DsptView> {
    use crate::spec::{DsptViewKind, Level};
    let roles: Vec<(&String, &crate::pack::frameworks::Framework, &crate::spec::DsptSpec)> = pack
        .frameworks
        .iter()
        .filter_map(|(id, f)| Some((id, f, f.spec.dspt.as_ref()?)))
        .collect();
    let kind = organisation.kind.as_deref();
    let chosen = kind
        .and_then(|k| {
            roles
                .iter()
                .find(|(_, _, d)| d.organisation_types.iter().any(|t| t == k))
        })
        .or_else(|| roles.iter().find(|(_, _, d)| d.view == DsptViewKind::CafAligned))
        .or(roles.first())?;
    let (id, framework, spec) = *chosen;
    let view = frameworks.iter().find(|v| &v.id == id)?;
    let reason = match (kind, organisation.type_inferred) {
        (Some(k), false) => format!("organisation type `{k}` (assure.yaml)"),
        (Some(k), true) => format!(
            "organisation type `{k}`, read from ODS code {}: set organisation.type in assure.yaml to confirm",
            organisation.ods_code
        ),
        (None, _) => "no organisation type given (set organisation.type in assure.yaml); the CAF-aligned view NHS trusts answer is shown".to_string(),
    };
    let level = |o: Outcome| match o {
        Outcome::Achieved => Some(Level::Achieved),
        Outcome::PartiallyAchieved => Some(Level::PartiallyAchieved),
        Outcome::NotAchieved => Some(Level::NotAchieved),
        Outcome::NotAssessed | Outcome::Manual => None,
    };
    let (mut below, mut undetermined, mut meeting) = (Vec::new(), Vec::new(), 0);
    for r in &view.requirements {
        // The assertions view expects every assertion met; a profile says per outcome.
        let expected = framework.expected.get(&r.id).copied().unwrap_or(Level::Achieved);
        match level(r.outcome) {
            None => undetermined.push(r.id.clone()),
            Some(l) if l >= expected => meeting += 1,
            Some(_) => below.push(r.id.clone()),
        }
    }
    let verdict = if !below.is_empty() {
        "below_profile"
    } else if !undetermined.is_empty() {
        "undetermined"
    } else {
        "meets_profile"
    };
    Some(DsptView {
        view: spec.view,
        edition: spec.edition.clone(),
        framework: id.clone(),
        reason,
        verdict,
        below,
        undetermined,
        meeting,
        audit: framework.audit.iter().cloned().collect(),
        profile_verified: spec.profile_verified,
        profile_source: spec.profile_source.clone(),
    })
}

/// Judges every catalogue requirement through the checks mapped to it.
fn framework_views(pack: &crate::pack::Pack, results: &[CheckResult]) -> Vec<FrameworkView> {
    pack.frameworks
        .iter()
        .map(|(id, framework)| FrameworkView {
            id: id.clone(),
            title: framework.spec.title.clone(),
            version: framework.spec.version.clone(),
            requirements: framework
                .requirements
                .iter()
                .map(|(req, title)| {
                    let mapped: Vec<&CheckResult> = results
                        .iter()
                        .filter(|r| r.maps.get(id).is_some_and(|ids| ids.contains(req)))
                        .collect();
                    let passing = mapped
                        .iter()
                        .filter(|r| matches!(r.state, State::Pass | State::Waived))
                        .count();
                    let failing = mapped
                        .iter()
                        .filter(|r| matches!(r.state, State::Fail | State::Error))
                        .count();
                    let manual = framework.manual.get(req).cloned();
                    let outcome = match (passing, failing) {
                        _ if mapped.is_empty() && manual.is_some() => Outcome::Manual,
                        (0, 0) => Outcome::NotAssessed,
                        (_, 0) => Outcome::Achieved,
                        (0, _) => Outcome::NotAchieved,
                        _ => Outcome::PartiallyAchieved,
                    };
                    RequirementView {
                        id: req.clone(),
                        title: title.clone(),
                        outcome,
                        checks: mapped.iter().map(|r| r.id.clone()).collect(),
                        manual,
                    }
                })
                .collect(),
        })
        .collect()
}
