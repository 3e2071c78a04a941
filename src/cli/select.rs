//! The check-selection options (`--check`, `--skip-check`, `--severity`, `--framework`) as clap arguments;
//! [`crate::assess::select`] resolves them against the pack.

use crate::assess::select::Selector;
use crate::core::vocab::Severity;

/// The selection options as given on the command line.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SelectArgs {
    /// Run only the checks with this id or matching this glob (`NDG9-*`); repeatable
    #[arg(long = "check", value_name = "ID_OR_GLOB")]
    pub checks: Vec<String>,
    /// Leave out the checks with this id or matching this glob; repeatable
    #[arg(long = "skip-check", value_name = "ID_OR_GLOB")]
    pub skip_checks: Vec<String>,
    /// Run and report only checks of this severity or higher (which checks run; `--fail-on` is which fail the job)
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub severity: Option<Level>,
    /// Run only checks mapped to this framework (`caf`) or requirement (`caf:B4.d`); repeatable
    #[arg(long = "framework", value_name = "ID[:REQ]")]
    pub frameworks: Vec<String>,
}

/// A severity named on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Level {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Info => Severity::Info,
            Level::Low => Severity::Low,
            Level::Medium => Severity::Medium,
            Level::High => Severity::High,
            Level::Critical => Severity::Critical,
        }
    }
}

impl SelectArgs {
    pub fn selector(&self) -> Selector {
        Selector {
            checks: self.checks.clone(),
            skip_checks: self.skip_checks.clone(),
            severity: self.severity.map(Level::severity),
            frameworks: self.frameworks.clone(),
        }
    }
}
