//! Spec types: the standards pack exactly as policymakers write it.
//!
//! These types are deserialized from YAML (through [`crate::core::yaml`]) and generate the JSON Schemas in
//! `standards/schema/`. They carry no behaviour: [`crate::pack::compile`] turns a [`CheckSpec`] into a runnable
//! [`crate::engine::Check`]. A condition is one flat object ([`ConditionSpec`]) rather than an untagged enum so
//! that schema errors name the exact unexpected key; its op keys come from the op table ([`ops`](super::ops)),
//! and `compile` enforces "exactly one op".

use crate::core::vocab::{OneOrMany, Quantifier, Severity, ValueType, WhenEmpty};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `pack.yaml`: the pack's identity.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackSpec {
    /// Machine name, e.g. `nhs-data-security`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Pack version; bump when any check changes meaning.
    pub version: String,
    /// Date from which the pack applies (YYYY-MM-DD).
    #[serde(default)]
    pub effective: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The overall status rule, first match wins: e.g. `Standards Not Met` if a critical check fails.
    /// A check in error counts as failing. Empty: the built-in DSPT-style rule.
    #[serde(default)]
    pub status: Vec<StatusRuleSpec>,
    /// What changed in each version, newest first.
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
    /// Check ids that were renamed, merged or retired, so results and waivers can follow them.
    #[serde(default)]
    pub migrations: Vec<MigrationSpec>,
    /// Shared lists (firewall allow actions, internal networks ...) that checks read as `{{ lists.NAME }}`
    /// and a trust extends in its manifest (`lists: { NAME: [more] }`).
    #[serde(default)]
    pub lists: BTreeMap<String, ListSpec>,
}

/// A shared list of values.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    pub description: String,
    pub items: Vec<Value>,
    /// Where the items come from.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    pub version: String,
    /// Release date (YYYY-MM-DD).
    #[serde(default)]
    pub date: Option<String>,
    pub changes: Vec<String>,
}

/// An old check id and what replaced it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MigrationSpec {
    /// The id used by earlier versions.
    pub from: String,
    /// The id that replaces it; omit when the check was retired.
    #[serde(default)]
    pub to: Option<String>,
    /// Pack version in which the change happened.
    pub since: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// One line of the overall status rule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StatusRuleSpec {
    /// The status shown, e.g. `Approaching Standards`.
    pub status: String,
    /// Applies when a check at or above this severity fails or errors (unwaived); omit on the last line.
    #[serde(default)]
    pub if_failing: Option<Severity>,
}

/// `datasets.yaml`: the evidence datasets checks may read.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetsFile {
    pub datasets: BTreeMap<String, DatasetSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    pub description: String,
    /// Field(s) naming a record in findings.
    #[serde(default)]
    pub key: Option<OneOrMany<String>>,
    /// Fields about a person (names, usernames, email addresses): pseudonymised in every output with `--redact`.
    #[serde(default)]
    pub personal: Vec<String>,
    /// Fields never printed in any output (shown as `[secret]`).
    #[serde(default)]
    pub secret: Vec<String>,
    /// Fields an export may leave out altogether (optional columns of a register). A check reading any other
    /// field that no record has is an error naming it, not a silent "not applicable".
    #[serde(default)]
    pub optional: Vec<String>,
    /// Date fields that name the last day of something (still good on that day); `assure lint` warns when a
    /// check compares one with the assessment date by `gt` or `le`.
    #[serde(default)]
    pub last_day: Vec<String>,
    /// Makes the dataset a register of managed exceptions to one check (e.g. medical devices that cannot be
    /// upgraded): each complete, in-date record accepts that check's finding for its record, shown as
    /// waived by the register's line, with the register's reason, owner and expiry.
    #[serde(default)]
    pub exception_for: Option<ExceptionForSpec>,
    /// JSON Schema (draft 2020-12) every record must satisfy; evidence is validated before checks run.
    /// CSV values are strings: constrain them with `pattern` or `enum` rather than `type`.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    pub schema: Option<Value>,
}

/// How a dataset's records become accepted exceptions to a check.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionForSpec {
    /// The check whose findings the register may accept.
    pub check: String,
    /// Field holding the key of the finding it accepts (e.g. the device name).
    pub record: String,
    /// Field holding the exception's last day.
    pub expires: String,
    /// Field naming who owns the exception.
    pub approver: String,
    /// Fields joined (`field: value`) into the reason shown beside the accepted finding.
    pub reason: Vec<String>,
    /// Fields that must hold a value (and not `false` / `no`) for the exception to count; an incomplete one
    /// accepts nothing.
    pub complete: Vec<String>,
    /// Field holding the risk register reference, if any.
    #[serde(default)]
    pub risk_ref: Option<String>,
}

/// `reference/*.yaml`: records the pack itself provides for a dataset (e.g. operating system lifecycle dates),
/// with where they came from. A trust's own export of the dataset adds to them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceFile {
    pub reference: ReferenceSpec,
    pub records: Vec<serde_json::Map<String, Value>>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceSpec {
    /// The dataset these records belong to (declared in datasets.yaml).
    pub dataset: String,
    /// When the sources were last read (YYYY-MM-DD).
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub retrieved: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Published sources of the records.
    #[schemars(length(min = 1))]
    pub sources: Vec<ReferenceSource>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceSource {
    pub title: String,
    pub url: String,
}

/// `frameworks/*.yaml`: a catalogue of framework requirement ids.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkFile {
    pub framework: FrameworkSpec,
    pub requirements: Vec<RequirementSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSpec {
    /// The key checks use in `maps`, e.g. `caf`.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// When this catalogue is how some organisations answer the DSPT: which view, which edition, for whom.
    #[serde(default)]
    pub dspt: Option<DsptSpec>,
}

/// A catalogue's part in the DSPT: the CAF-aligned toolkit (outcomes judged against an expected profile) or
/// the standards-met assertions, and the kinds of organisation that answer it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DsptSpec {
    pub view: DsptViewKind,
    /// The toolkit edition the numbering and profile are from, e.g. `2024-25`.
    pub edition: String,
    /// Organisation kinds (`trust`, `icb`, `csu`, `alb`, `gp_practice`, `social_care`, `pharmacy`, `dental`,
    /// `other`) that answer this view.
    pub organisation_types: Vec<String>,
    /// Where the expected achievement profile comes from.
    #[serde(default)]
    pub profile_source: Option<String>,
    /// False until the profile has been checked against NHS England's published one.
    #[serde(default)]
    pub profile_verified: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DsptViewKind {
    /// Objectives A-E, each outcome achieved / partially achieved / not achieved against an expected profile.
    CafAligned,
    /// Standards and assertions, each met or not.
    Assertions,
}

/// An outcome level, for an expected achievement profile.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    NotAchieved,
    PartiallyAchieved,
    Achieved,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementSpec {
    pub id: String,
    pub title: String,
    /// The evidence an assessor must see by hand when no check maps this requirement (what to look at).
    /// `lint` rejects a requirement that no check maps and that has no `manual` note.
    #[serde(default)]
    pub manual: Option<String>,
    /// In a DSPT catalogue: the level NHS England expects (its achievement profile).
    #[serde(default)]
    pub expected: Option<Level>,
    /// In a DSPT catalogue: an outcome the annual independent audit must cover.
    #[serde(default)]
    pub audit: bool,
}

/// A standards file: one standard and its checks.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardFile {
    pub standard: StandardSpec,
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardSpec {
    /// Unique id, e.g. `NDG3`.
    pub id: String,
    #[serde(default)]
    pub number: Option<u32>,
    pub title: String,
    /// Leadership obligation: People, Process or Technology.
    #[serde(default)]
    pub obligation: Option<String>,
    /// The standard's statement, quoted.
    pub statement: String,
    /// Source and licence of the statement.
    #[serde(default)]
    pub attribution: Option<String>,
}

/// One check.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// Unique, stable id such as `NDG8-OS`.
    #[schemars(regex(pattern = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"))]
    pub id: String,
    /// Bumped when the check changes meaning.
    #[serde(default)]
    pub version: Option<u32>,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub rationale: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    /// Framework id -> requirement ids.
    #[serde(default)]
    pub maps: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub params: BTreeMap<String, ParamSpec>,
    /// Dataset whose records are checked (required unless the check is `manual`).
    #[serde(default)]
    pub dataset: String,
    /// Makes this a manual check: the evidence an assessor must review, since no export can show it. A manual
    /// check has no dataset or conditions; its state is `manual` until an assessor records a verdict in
    /// the config repo's `reviews.yaml`.
    #[serde(default)]
    pub manual: Option<String>,
    /// Field(s) naming a record in findings (default: the dataset's key).
    #[serde(default)]
    pub key: Option<OneOrMany<String>>,
    #[serde(default)]
    pub lookup: Vec<LookupSpec>,
    /// Selects the records the check applies to.
    #[serde(default, rename = "where")]
    pub where_: Option<ConditionSpec>,
    /// Every selected record must meet this.
    #[serde(default)]
    pub assert: Option<ConditionSpec>,
    /// A clock per record: done in time passes, done late or overdue fails, not yet due is pending.
    #[serde(default)]
    pub deadline: Option<DeadlineSpec>,
    /// Expectations over the whole selection.
    #[serde(default)]
    pub expect: Option<ExpectSpec>,
    #[serde(default)]
    pub when_empty: Option<WhenEmpty>,
    /// Template for one finding.
    #[serde(default)]
    pub message: Option<String>,
    /// Template for the check's one-line result.
    #[serde(default)]
    pub summary: Option<String>,
    /// Template: what to do about a failure.
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    Number,
    Integer,
    String,
    Bool,
    Duration,
    Date,
    /// A list of strings or numbers; an `in` / `not_in` item that is only `{{ params.NAME }}` expands to it.
    List,
}

/// A named parameter with a default and optional bounds.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub default: Value,
    #[serde(default)]
    pub min: Option<Value>,
    #[serde(default)]
    pub max: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
    /// Where the default comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// A deadline per selected record: the clock starts at `from` and runs for `within`; `done` is when the
/// work was done. Done by the due time passes; done after it fails; not done fails once the due time has
/// passed and is *pending* (not a failure, listed with its due time) until then.
///
/// ```yaml
/// deadline: { from: detected_at, within: 72h, done: ico_reported_at }
/// ```
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSpec {
    /// Field holding when the clock starts (a datetime, or a date with `as: date`).
    pub from: String,
    /// How long the clock runs, e.g. `72h`, `14d` or `"{{ params.limit }}"`.
    pub within: String,
    /// Field holding when the work was done; empty means not yet. Without it nothing is ever done: every
    /// record is pending until it is due, then fails (e.g. an open vulnerability).
    #[serde(default)]
    pub done: Option<String>,
    /// `date`: count in calendar dates (the times of `from` and `done` are dropped), so a 14-day window
    /// includes day 14 at any time of day. Default `datetime`.
    #[serde(default, rename = "as")]
    pub as_type: Option<ValueType>,
}

/// Attach the first matching record of another dataset.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    /// Name the matched record is attached under.
    #[serde(rename = "as")]
    pub alias: String,
    pub dataset: String,
    /// This record's field -> the other dataset's field.
    pub on: BTreeMap<String, String>,
    #[serde(default)]
    pub ignore_case: bool,
    /// Compare keys as host names: case-insensitive, and a fully qualified name matches its first label
    /// (`rxx-lt-0002.rxx.nhs.uk` is `RXX-LT-0002`); IP addresses are compared whole.
    #[serde(default)]
    pub host_names: bool,
    #[serde(default)]
    pub version_prefix: Option<VersionPrefixSpec>,
    /// Among the best matches, prefer those whose `other` (a list, or text separated by commas) names this
    /// record's `field`, case-insensitively, e.g. the device's edition among a lifecycle record's editions.
    #[serde(default)]
    pub prefer: Option<PreferSpec>,
    /// Among the (preferred) matches left, take the one whose value of this field (a date) is the earliest:
    /// with `prefer`, an unknown edition takes the earliest end of support.
    #[serde(default)]
    pub earliest: Option<String>,
    /// Among key matches, take the record whose value of this field (a date or datetime) is the latest,
    /// e.g. `completed_on` for the most recent training completion. Default: the first match in file order.
    #[serde(default)]
    pub latest: Option<String>,
    #[serde(default, rename = "where")]
    pub where_: Option<Box<ConditionSpec>>,
}

/// Prefer the matches whose `other` names this record's `field`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferSpec {
    pub field: String,
    pub other: String,
}

/// Among key matches, pick the record whose `other` version is the longest prefix of this record's `field`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionPrefixSpec {
    pub field: String,
    pub other: String,
}

/// A condition: `all`, `any`, `not`, `expr`, or a leaf `{ field, <op>: value }`.
// Unknown keys are refused by the flattened ops (serde's `deny_unknown_fields` does not combine with
// `flatten`), and by the schema, which closes the object.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ConditionSpec {
    /// Every condition holds.
    #[serde(default)]
    pub all: Option<Vec<ConditionSpec>>,
    /// At least one condition holds.
    #[serde(default)]
    pub any: Option<Vec<ConditionSpec>>,
    /// The condition does not hold.
    #[serde(default)]
    pub not: Option<Box<ConditionSpec>>,
    /// A minijinja expression that must be truthy.
    #[serde(default)]
    pub expr: Option<String>,
    /// Path of the value a leaf tests.
    #[serde(default)]
    pub field: Option<String>,
    /// Path of a date field subtracted from `field`, giving a duration.
    #[serde(default)]
    pub minus: Option<String>,
    /// A duration added to the field's date or datetime before it is compared (`leave_date` plus `1d`), e.g.
    /// `1d`, `-12h` or `"{{ params.grace }}"`; needs `as: date` or `as: datetime`.
    #[serde(default)]
    pub plus: Option<String>,
    /// Type both sides convert to.
    #[serde(default, rename = "as")]
    pub as_type: Option<ValueType>,
    #[serde(default)]
    pub ignore_case: Option<bool>,
    #[serde(default)]
    pub quantifier: Option<Quantifier>,
    /// With `quantifier: count`, the comparison on the number of items that hold.
    #[serde(default)]
    pub count: Option<ComparisonSpec>,
    /// The op and its operand (`eq: true`), one key per row of the op table ([`super::ops`]).
    #[serde(flatten)]
    pub ops: super::ops::OpValues,
}

/// The other side of `exists_in` / `not_exists_in`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExistsInSpec {
    pub dataset: String,
    pub field: String,
    #[serde(default)]
    pub ignore_case: bool,
    /// Compare as host names, as a lookup's `host_names` does.
    #[serde(default)]
    pub host_names: bool,
    #[serde(default, rename = "where")]
    pub where_: Option<Box<ConditionSpec>>,
}

/// One comparison: exactly one of eq, ne, lt, le, gt, ge.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonSpec {
    #[serde(default)]
    pub eq: Option<Value>,
    #[serde(default)]
    pub ne: Option<Value>,
    #[serde(default)]
    pub lt: Option<Value>,
    #[serde(default)]
    pub le: Option<Value>,
    #[serde(default)]
    pub gt: Option<Value>,
    #[serde(default)]
    pub ge: Option<Value>,
}

/// A comparison over a field's smallest or largest value.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    pub field: String,
    #[serde(default, rename = "as")]
    pub as_type: Option<ValueType>,
    #[serde(default)]
    pub eq: Option<Value>,
    #[serde(default)]
    pub ne: Option<Value>,
    #[serde(default)]
    pub lt: Option<Value>,
    #[serde(default)]
    pub le: Option<Value>,
    #[serde(default)]
    pub gt: Option<Value>,
    #[serde(default)]
    pub ge: Option<Value>,
}

impl AggregateSpec {
    pub fn comparison(&self) -> ComparisonSpec {
        ComparisonSpec {
            eq: self.eq.clone(),
            ne: self.ne.clone(),
            lt: self.lt.clone(),
            le: self.le.clone(),
            gt: self.gt.clone(),
            ge: self.ge.clone(),
        }
    }
}

/// Set-level expectations; all must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// Number of records selected by `where`.
    #[serde(default)]
    pub count: Option<ComparisonSpec>,
    /// Number of records meeting `assert`.
    #[serde(default)]
    pub passing: Option<ComparisonSpec>,
    /// Number of records failing `assert`.
    #[serde(default)]
    pub failing: Option<ComparisonSpec>,
    /// passing / selected: a fraction, or a percentage string like `95%`.
    #[serde(default)]
    pub ratio: Option<ComparisonSpec>,
    #[serde(default)]
    pub min: Option<AggregateSpec>,
    #[serde(default)]
    pub max: Option<AggregateSpec>,
    /// Count distinct values of this field rather than records (`count`, `passing`, `failing`, `ratio`): a
    /// person with three training rows counts once, failing if any of their records fails. A record without
    /// the field counts on its own.
    #[serde(default)]
    pub distinct: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TestExpect {
    Pass,
    Fail,
    NotApplicable,
    Error,
}

/// An inline test run by `assure test`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    pub name: String,
    /// Assessment date for the test (default 2026-01-01).
    #[serde(default)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, Value>,
    /// Dataset name -> records.
    #[serde(default)]
    pub data: BTreeMap<String, Vec<Value>>,
    pub expect: TestExpect,
    /// Keys of the records expected to fail, in any order.
    #[serde(default)]
    pub failing: Option<Vec<String>>,
    /// Keys of the records expected to be pending (a deadline not yet passed), in any order.
    #[serde(default)]
    pub pending: Option<Vec<String>>,
}

/// `presets/*.yaml`: how to read a real export as exported, and how `assure init` recognises it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresetFile {
    pub preset: PresetSpec,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresetSpec {
    /// Name a manifest uses: `preset: intune-managed-devices`.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    pub title: String,
    /// The dataset this export provides.
    pub dataset: String,
    #[serde(default)]
    pub format: Option<crate::core::vocab::Format>,
    /// Record path in a JSON/YAML export, e.g. `value[*]`.
    #[serde(default)]
    pub records: Option<String>,
    /// Renames: the name checks use -> the name in the export.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The order of day and month in the export's slashed dates, when the export always writes one.
    #[serde(default)]
    pub dates: Option<crate::core::vocab::DateOrder>,
    /// How to recognise the export in a repo.
    pub recognise: RecogniseSpec,
    /// How to produce the export.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecogniseSpec {
    /// File name globs (case-insensitive), e.g. `*managedDevices*.json`.
    #[serde(default)]
    pub file_names: Vec<String>,
    /// Column or field names that must all be present in the export.
    pub fields: Vec<String>,
}
