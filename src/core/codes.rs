//! Every diagnostic code assure emits, as one enum: its name (`assure::duplicate-id`) and what it means.
//! `docs/diagnostics.md` is generated from [`Code::ALL`] (a test keeps it current).

use std::fmt;

/// A diagnostic's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// An input to `assure aggregate` is unreadable, duplicated or from another pack.
    Aggregate,
    /// The `--baseline` file cannot be read or is not an assessment.
    Baseline,
    /// Pack.yaml's changelog does not describe the pack's version.
    Changelog,
    /// `assure collect` cannot plan, authenticate, fetch or write a source.
    Collect,
    /// A comparison (in `expect`, `count` or an aggregate) has not exactly one of eq ne lt le gt ge.
    Comparison,
    /// A condition is malformed: no op, several ops, or an op used the wrong way.
    Condition,
    /// A dataset's record schema in datasets.yaml is not a valid JSON Schema.
    DatasetSchema,
    /// A check's `deadline:` is malformed (fields, duration or type).
    Deadline,
    /// Two standards, checks, requirements or tests share an id.
    DuplicateId,
    /// Two lookups of one check share a name.
    DuplicateLookup,
    /// An export holds no records where the manifest expects some (set `allow_empty: true` if that is right).
    EmptyExport,
    /// A file is not UTF-8 or UTF-16 text.
    Encoding,
    /// An export cannot be read as its format (syntax, shape, or a record path that finds nothing).
    Evidence,
    /// A record does not match its dataset's schema.
    EvidenceSchema,
    /// An `expect:` block is malformed.
    Expect,
    /// An export is in a shape that loses data (e.g. ConvertTo-Json truncated at its depth).
    Export,
    /// An `expr:` does not compile as a minijinja expression.
    Expr,
    /// A field path does not parse.
    FieldPath,
    /// A manifest entry's format cannot be read or does not fit the file.
    Format,
    /// An earlier result given to `--history` is unreadable, from another organisation or pack, or conflicts with another.
    History,
    /// A paged export (Graph `@odata.nextLink`) is missing pages.
    IncompleteExport,
    /// A file cannot be read.
    Io,
    /// A check compares a last-day field so the day itself counts as over.
    LastDay,
    /// A lookup (join) is malformed or names an unknown dataset or field.
    Lookup,
    /// Assure.yaml is missing, unreadable or invalid.
    Manifest,
    /// A manual check carries evaluation fields, or lacks what to review.
    ManualCheck,
    /// A leaf's `minus` is not compared as a duration.
    Minus,
    /// A check has no `assert`, `expect` or `manual`.
    NoAssertion,
    /// A check names no dataset.
    NoDataset,
    /// No standards pack was found where one was expected.
    NoPack,
    /// A path names a directory, FIFO, device or other non-regular file.
    NotAFile,
    /// A path leaves the config repo (through `..` or a symlink).
    OutsideRepo,
    /// A parameter's default or override has the wrong type or is out of bounds.
    Param,
    /// Assure.yaml overrides parameters of a check the pack does not have.
    ParamOverride,
    /// A leaf's `plus` is not a duration added to a date.
    Plus,
    /// A leaf over a list lacks its quantifier, or a quantifier is misused.
    Quantifier,
    /// A regex does not compile or is too large.
    Regex,
    /// A check of the previous release is gone without a migration.
    RemovedCheck,
    /// A review in reviews.yaml is invalid or does not fit its check.
    Review,
    /// A standards file does not match its schema.
    Schema,
    /// A check names a `secret` field where its value would be printed (key, message, summary, remediation, expr, min or max).
    SecretField,
    /// An sshd_config `Include` leaves the repo, loops, or matches no file.
    SshdInclude,
    /// The standards directory cannot be read.
    StandardsDir,
    /// A message or remediation template does not compile or fails to render.
    Template,
    /// An inline test of a check failed.
    Test,
    /// An inline test's records do not fit their dataset.
    TestData,
    /// A file is larger than its size limit (`limits:` in assure.yaml).
    TooLarge,
    /// A framework requirement has no check and no manual evidence.
    UncoveredRequirement,
    /// A waiver, review, override or selection names a check the pack does not have.
    UnknownCheck,
    /// A check or lookup names a dataset datasets.yaml does not declare.
    UnknownDataset,
    /// A check maps to a framework or requirement the pack does not have.
    UnknownFramework,
    /// A check names a shared list pack.yaml does not declare.
    UnknownList,
    /// A template names a parameter the check does not declare.
    UnknownParam,
    /// A check changed meaning since the previous release without a version bump.
    UnversionedChange,
    /// A literal cannot be converted to the leaf's type.
    Value,
    /// A parameter substitution does not give a value of the right type.
    ValueTemplate,
    /// A waiver in waivers.yaml is invalid (missing fields, bad date).
    Waiver,
    /// A YAML file does not parse, or exceeds the depth or alias limits.
    Yaml,
}

impl Code {
    pub const ALL: [Code; 58] = [
        Code::Aggregate,
        Code::Baseline,
        Code::Changelog,
        Code::Collect,
        Code::Comparison,
        Code::Condition,
        Code::DatasetSchema,
        Code::Deadline,
        Code::DuplicateId,
        Code::DuplicateLookup,
        Code::EmptyExport,
        Code::Encoding,
        Code::Evidence,
        Code::EvidenceSchema,
        Code::Expect,
        Code::Export,
        Code::Expr,
        Code::FieldPath,
        Code::Format,
        Code::History,
        Code::IncompleteExport,
        Code::Io,
        Code::LastDay,
        Code::Lookup,
        Code::Manifest,
        Code::ManualCheck,
        Code::Minus,
        Code::NoAssertion,
        Code::NoDataset,
        Code::NoPack,
        Code::NotAFile,
        Code::OutsideRepo,
        Code::Param,
        Code::ParamOverride,
        Code::Plus,
        Code::Quantifier,
        Code::Regex,
        Code::RemovedCheck,
        Code::Review,
        Code::Schema,
        Code::SecretField,
        Code::SshdInclude,
        Code::StandardsDir,
        Code::Template,
        Code::Test,
        Code::TestData,
        Code::TooLarge,
        Code::UncoveredRequirement,
        Code::UnknownCheck,
        Code::UnknownDataset,
        Code::UnknownFramework,
        Code::UnknownList,
        Code::UnknownParam,
        Code::UnversionedChange,
        Code::Value,
        Code::ValueTemplate,
        Code::Waiver,
        Code::Yaml,
    ];

    /// The code as shown: `assure::duplicate-id`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Aggregate => "assure::aggregate",
            Code::Baseline => "assure::baseline",
            Code::Changelog => "assure::changelog",
            Code::Collect => "assure::collect",
            Code::Comparison => "assure::comparison",
            Code::Condition => "assure::condition",
            Code::DatasetSchema => "assure::dataset-schema",
            Code::Deadline => "assure::deadline",
            Code::DuplicateId => "assure::duplicate-id",
            Code::DuplicateLookup => "assure::duplicate-lookup",
            Code::EmptyExport => "assure::empty-export",
            Code::Encoding => "assure::encoding",
            Code::Evidence => "assure::evidence",
            Code::EvidenceSchema => "assure::evidence-schema",
            Code::Expect => "assure::expect",
            Code::Export => "assure::export",
            Code::Expr => "assure::expr",
            Code::FieldPath => "assure::field-path",
            Code::Format => "assure::format",
            Code::History => "assure::history",
            Code::IncompleteExport => "assure::incomplete-export",
            Code::Io => "assure::io",
            Code::LastDay => "assure::last-day",
            Code::Lookup => "assure::lookup",
            Code::Manifest => "assure::manifest",
            Code::ManualCheck => "assure::manual-check",
            Code::Minus => "assure::minus",
            Code::NoAssertion => "assure::no-assertion",
            Code::NoDataset => "assure::no-dataset",
            Code::NoPack => "assure::no-pack",
            Code::NotAFile => "assure::not-a-file",
            Code::OutsideRepo => "assure::outside-repo",
            Code::Param => "assure::param",
            Code::ParamOverride => "assure::param-override",
            Code::Plus => "assure::plus",
            Code::Quantifier => "assure::quantifier",
            Code::Regex => "assure::regex",
            Code::RemovedCheck => "assure::removed-check",
            Code::Review => "assure::review",
            Code::Schema => "assure::schema",
            Code::SecretField => "assure::secret-field",
            Code::SshdInclude => "assure::sshd-include",
            Code::StandardsDir => "assure::standards-dir",
            Code::Template => "assure::template",
            Code::Test => "assure::test",
            Code::TestData => "assure::test-data",
            Code::TooLarge => "assure::too-large",
            Code::UncoveredRequirement => "assure::uncovered-requirement",
            Code::UnknownCheck => "assure::unknown-check",
            Code::UnknownDataset => "assure::unknown-dataset",
            Code::UnknownFramework => "assure::unknown-framework",
            Code::UnknownList => "assure::unknown-list",
            Code::UnknownParam => "assure::unknown-param",
            Code::UnversionedChange => "assure::unversioned-change",
            Code::Value => "assure::value",
            Code::ValueTemplate => "assure::value-template",
            Code::Waiver => "assure::waiver",
            Code::Yaml => "assure::yaml",
        }
    }

    /// What the code means, in one line.
    pub const fn meaning(self) -> &'static str {
        match self {
            Code::Aggregate => "an input to `assure aggregate` is unreadable, duplicated or from another pack",
            Code::Baseline => "the `--baseline` file cannot be read or is not an assessment",
            Code::Changelog => "pack.yaml's changelog does not describe the pack's version",
            Code::Collect => "`assure collect` cannot plan, authenticate, fetch or write a source",
            Code::Comparison => {
                "a comparison (in `expect`, `count` or an aggregate) has not exactly one of eq ne lt le gt ge"
            }
            Code::Condition => "a condition is malformed: no op, several ops, or an op used the wrong way",
            Code::DatasetSchema => "a dataset's record schema in datasets.yaml is not a valid JSON Schema",
            Code::Deadline => "a check's `deadline:` is malformed (fields, duration or type)",
            Code::DuplicateId => "two standards, checks, requirements or tests share an id",
            Code::DuplicateLookup => "two lookups of one check share a name",
            Code::EmptyExport => {
                "an export holds no records where the manifest expects some (set `allow_empty: true` if that is right)"
            }
            Code::Encoding => "a file is not UTF-8 or UTF-16 text",
            Code::Evidence => {
                "an export cannot be read as its format (syntax, shape, or a record path that finds nothing)"
            }
            Code::EvidenceSchema => "a record does not match its dataset's schema",
            Code::Expect => "an `expect:` block is malformed",
            Code::Export => "an export is in a shape that loses data (e.g. ConvertTo-Json truncated at its depth)",
            Code::Expr => "an `expr:` does not compile as a minijinja expression",
            Code::FieldPath => "a field path does not parse",
            Code::Format => "a manifest entry's format cannot be read or does not fit the file",
            Code::History => {
                "an earlier result given to `--history` is unreadable, from another organisation or pack, or conflicts with another"
            }
            Code::IncompleteExport => "a paged export (Graph `@odata.nextLink`) is missing pages",
            Code::Io => "a file cannot be read",
            Code::LastDay => "a check compares a last-day field so the day itself counts as over",
            Code::Lookup => "a lookup (join) is malformed or names an unknown dataset or field",
            Code::Manifest => "assure.yaml is missing, unreadable or invalid",
            Code::ManualCheck => "a manual check carries evaluation fields, or lacks what to review",
            Code::Minus => "a leaf's `minus` is not compared as a duration",
            Code::NoAssertion => "a check has no `assert`, `expect` or `manual`",
            Code::NoDataset => "a check names no dataset",
            Code::NoPack => "no standards pack was found where one was expected",
            Code::NotAFile => "a path names a directory, FIFO, device or other non-regular file",
            Code::OutsideRepo => "a path leaves the config repo (through `..` or a symlink)",
            Code::Param => "a parameter's default or override has the wrong type or is out of bounds",
            Code::ParamOverride => "assure.yaml overrides parameters of a check the pack does not have",
            Code::Plus => "a leaf's `plus` is not a duration added to a date",
            Code::Quantifier => "a leaf over a list lacks its quantifier, or a quantifier is misused",
            Code::Regex => "a regex does not compile or is too large",
            Code::RemovedCheck => "a check of the previous release is gone without a migration",
            Code::Review => "a review in reviews.yaml is invalid or does not fit its check",
            Code::Schema => "a standards file does not match its schema",
            Code::SecretField => {
                "a check names a `secret` field where its value would be printed (key, message, summary, remediation, expr, min or max)"
            }
            Code::SshdInclude => "an sshd_config `Include` leaves the repo, loops, or matches no file",
            Code::StandardsDir => "the standards directory cannot be read",
            Code::Template => "a message or remediation template does not compile or fails to render",
            Code::Test => "an inline test of a check failed",
            Code::TestData => "an inline test's records do not fit their dataset",
            Code::TooLarge => "a file is larger than its size limit (`limits:` in assure.yaml)",
            Code::UncoveredRequirement => "a framework requirement has no check and no manual evidence",
            Code::UnknownCheck => "a waiver, review, override or selection names a check the pack does not have",
            Code::UnknownDataset => "a check or lookup names a dataset datasets.yaml does not declare",
            Code::UnknownFramework => "a check maps to a framework or requirement the pack does not have",
            Code::UnknownList => "a check names a shared list pack.yaml does not declare",
            Code::UnknownParam => "a template names a parameter the check does not declare",
            Code::UnversionedChange => "a check changed meaning since the previous release without a version bump",
            Code::Value => "a literal cannot be converted to the leaf's type",
            Code::ValueTemplate => "a parameter substitution does not give a value of the right type",
            Code::Waiver => "a waiver in waivers.yaml is invalid (missing fields, bad date)",
            Code::Yaml => "a YAML file does not parse, or exceeds the depth or alias limits",
        }
    }

    /// `docs/diagnostics.md`: every code and its meaning.
    pub fn catalogue() -> String {
        let mut out = String::from(
            "# Diagnostic codes\n\nEvery problem assure reports carries one of these codes (in the terminal, JSON `diagnostics[].code` and SARIF\nnotifications). Generated from `src/core/codes.rs`.\n\n| code | means |\n|---|---|\n",
        );
        for code in Code::ALL {
            out.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.meaning()));
        }
        out
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
