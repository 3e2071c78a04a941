//! `assure check`: assess a config repo.

use super::select::SelectArgs;
use super::{Exit, PackArgs, emit, emit_with, eprint_diagnostics};
use crate::assess::Assessment;
use crate::assess::run::{Assessed, Options, Progress, Stopped};
use crate::core::vocab::Severity;
use crate::render::{Output, Render};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config repo (holding assure.yaml)
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub pack: PackArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Assessment date (YYYY-MM-DD, or `today`); default: the manifest's as_of
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Exit 1 when a check at or above this severity fails (of those run: `--severity` picks which run)
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: FailOn,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Compare with a previous `--format json` output: findings are marked new or unchanged, gone ones fixed
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 only for new findings (needs --baseline)
    #[arg(long, requires = "baseline")]
    pub fail_on_new: bool,
    /// Replace fields the datasets mark `personal` with stable pseudonyms keyed by ASSURE_REDACT_KEY, in every output
    #[arg(long)]
    pub redact: bool,
    /// Human output: only failing, errored and waived checks, and no progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// Write the output to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a SARIF log to FILE (from the same run)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also write a JUnit report to FILE (from the same run)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a Markdown summary to FILE (for a CI step summary or a pull-request comment)
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Also write the HTML assurance report to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write every format into DIR, one file each with a fixed name (docs/ci.md)
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Render reports with the templates in DIR (report.html.j2, report.css) instead of the built-in ones
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

impl Args {
    /// The assessment these arguments ask for.
    pub fn options(&self) -> Options {
        Options {
            repo: self.repo.clone(),
            as_of: self.as_of.clone(),
            jobs: self.jobs,
            redact: self.redact,
            baseline: self.baseline.clone(),
            select: self.select.selector(),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// Grouped by standard, for a terminal or CI log
    Human,
    /// The versioned assessment document (docs/json-output.md)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// JUnit XML, one test case per check
    Junit,
    /// GitHub workflow annotations
    Github,
    /// CSV improvement plan (failing and errored checks)
    Csv,
    /// NIST OSCAL 1.0.6 assessment-results, for GRC tools
    Oscal,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never exit 1 for failing checks
    None,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        Some(match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
            FailOn::None => return None,
        })
    }
}

pub fn run(args: Args) -> Exit {
    // JSON is streamed as it is serialised, so it is written while the evidence is freed; a format rendered
    // as one text waits until the evidence is gone, so as not to hold both.
    let streamed = |a: &Assessment| {
        (args.format == OutputFormat::Json)
            .then(|| emit_with(args.output.as_ref(), |out| crate::render::json::write(a, out)))
    };
    let progress = (!args.quiet).then(Bar::new).flatten();
    let files = match args.pack.files() {
        Ok(f) => f,
        Err(code) => return code,
    };
    let assessed = crate::assess::run::assess_then(
        files,
        &args.options(),
        progress.as_ref().map(|b| b as &dyn Progress),
        streamed,
    );
    match assessed {
        Ok((
            Assessed {
                assessment: a,
                warnings,
            },
            written,
        )) => {
            eprint_diagnostics(&warnings);
            if let Some(s) = &a.selection {
                eprintln!(
                    "note: {} selected check(s) run, {} left out (--check, --skip-check, --severity, --framework); the status covers the selected checks only",
                    a.results.len(),
                    s.left_out.len()
                );
            }
            // SARIF and annotations name files relative to the checkout: prefix a relative repo path.
            let base = if args.repo.is_relative() {
                args.repo.to_string_lossy().into_owned()
            } else {
                String::new()
            };
            let written = written.unwrap_or_else(|| {
                render(&a, args.format, args.quiet, &base).and_then(|text| emit(&text, args.output.as_ref()))
            });
            if let Err(code) = written {
                return code;
            }
            let extra = [
                (&args.sarif, Output::Sarif { base: &base }),
                (&args.junit, Output::Junit),
                (&args.markdown, Output::Markdown),
            ];
            for (file, output) in extra {
                if let Some(file) = file {
                    let text = output.to_text(&a).map_err(|e| {
                        eprintln!("error: cannot render {}: {e}", file.display());
                        Exit::Unusable
                    });
                    if let Err(code) = text.and_then(|text| emit(&text, Some(file))) {
                        return code;
                    }
                }
            }
            if let Some(file) = &args.html
                && let Err(code) = write_html(&a, args.templates.as_ref(), &args.repo, file)
            {
                return code;
            }
            if let Some(dir) = &args.output_dir
                && let Err(code) = super::outputs::write_all(&a, dir, &base, args.templates.as_ref(), &args.repo)
            {
                return code;
            }
            let failing = match args.fail_on.severity() {
                None => false,
                Some(s) if args.fail_on_new => a.fails_new_at(s),
                Some(s) => a.fails_at(s),
            };
            if failing {
                Exit::Failing
            } else if a.has_errors() {
                Exit::Incomplete
            } else {
                Exit::Clean
            }
        }
        Err(stopped) => stopped_code(stopped),
    }
}

/// The assessment after printing its warnings, or the exit code after printing why it stopped.
pub(super) fn shown(result: Result<Assessed, Stopped>) -> Result<Assessment, Exit> {
    match result {
        Ok(Assessed { assessment, warnings }) => {
            eprint_diagnostics(&warnings);
            Ok(assessment)
        }
        Err(stopped) => Err(stopped_code(stopped)),
    }
}

/// Prints why an assessment stopped; the exit code for it.
pub(super) fn stopped_code(stopped: Stopped) -> Exit {
    eprint_diagnostics(&stopped.diagnostics);
    if let Some(message) = stopped.message {
        eprintln!("error: {message}");
    }
    Exit::Unusable
}

/// The text of the main output in `format`.
pub(super) fn render(a: &Assessment, format: OutputFormat, quiet: bool, base: &str) -> Result<String, Exit> {
    let output = match format {
        OutputFormat::Human => Output::Human { quiet },
        OutputFormat::Json => Output::Json,
        OutputFormat::Sarif => Output::Sarif { base },
        OutputFormat::Junit => Output::Junit,
        OutputFormat::Github => Output::Github { base },
        OutputFormat::Csv => Output::CsvPlan,
        OutputFormat::Oscal => Output::Oscal,
    };
    output.to_text(a).map_err(|e| {
        let name = format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        eprintln!("error: cannot render the {name} output: {e}");
        Exit::Unusable
    })
}

/// Renders the HTML report into `file`.
pub fn write_html(
    a: &Assessment,
    templates: Option<&PathBuf>,
    repo: &std::path::Path,
    file: &PathBuf,
) -> Result<(), Exit> {
    let templates = crate::render::html::Templates {
        dir: templates.cloned(),
        repo: Some(repo.to_path_buf()),
    };
    let html =
        crate::render::html::render(a, &templates, crate::render::view::DEFAULT_FINDINGS_LIMIT).map_err(|e| {
            eprintln!("error: {e}");
            Exit::Unusable
        })?;
    std::fs::write(file, html).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", file.display());
        Exit::Unusable
    })
}

/// A progress bar on stderr, when it is a terminal.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new() -> Option<Bar> {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal().then(|| {
            let style = indicatif::ProgressStyle::with_template("{spinner} checking {pos}/{len} {wide_bar} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            Bar(indicatif::ProgressBar::hidden().with_style(style))
        })
    }
}

impl Progress for Bar {
    fn start(&self, checks: usize) {
        self.0.set_length(checks as u64);
        self.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn done_one(&self) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
