//! `assure check`: assess a config repo.

use super::select::SelectArgs;
use super::{EXIT_CLEAN, EXIT_FAILING, EXIT_INCOMPLETE, EXIT_UNUSABLE, PackArgs, emit, emit_with, eprint_diagnostics};
use crate::assessment::Assessment;
use crate::diagnostic::Diagnostic;
use crate::standards::spec::Severity;
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
    /// An assessment with no outputs or gates of its own (for `report` and `diff`).
    pub fn plain(repo: PathBuf, pack: PackArgs, as_of: Option<String>, jobs: usize, redact: bool) -> Args {
        Args {
            repo,
            pack,
            select: SelectArgs::default(),
            as_of,
            format: OutputFormat::Human,
            fail_on: FailOn::None,
            jobs,
            baseline: None,
            fail_on_new: false,
            redact,
            quiet: true,
            output: None,
            sarif: None,
            junit: None,
            markdown: None,
            html: None,
            output_dir: None,
            templates: None,
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

pub fn run(args: Args) -> u8 {
    // JSON is streamed as it is serialised, so it is written while the evidence is freed; a format rendered
    // as one text waits until the evidence is gone, so as not to hold both.
    let streamed = |a: &Assessment| {
        (args.format == OutputFormat::Json)
            .then(|| emit_with(args.output.as_ref(), |out| crate::render::json::write(a, out)))
    };
    match assess_then(&args, streamed) {
        Ok((a, written)) => {
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
            let written =
                written.unwrap_or_else(|| emit(&render(&a, args.format, args.quiet, &base), args.output.as_ref()));
            if let Err(code) = written {
                return code;
            }
            let extra = [
                (
                    &args.sarif,
                    crate::render::sarif::render as fn(&Assessment, &str) -> String,
                ),
                (&args.junit, |a: &Assessment, _: &str| crate::render::junit::render(a)),
                (&args.markdown, |a: &Assessment, _: &str| {
                    crate::render::markdown::render(a)
                }),
            ];
            for (file, render) in extra {
                if let Some(file) = file
                    && let Err(code) = emit(&render(&a, &base), Some(file))
                {
                    return code;
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
                EXIT_FAILING
            } else if a.has_errors() {
                EXIT_INCOMPLETE
            } else {
                EXIT_CLEAN
            }
        }
        Err(code) => code,
    }
}

/// The text of the main output in `format`.
pub(super) fn render(a: &Assessment, format: OutputFormat, quiet: bool, base: &str) -> String {
    match format {
        OutputFormat::Human if quiet => crate::render::human::render_quiet(a),
        OutputFormat::Human => crate::render::human::render(a),
        OutputFormat::Json => crate::render::json::render(a),
        OutputFormat::Sarif => crate::render::sarif::render(a, base),
        OutputFormat::Junit => crate::render::junit::render(a),
        OutputFormat::Github => crate::render::github::render(a, base),
        OutputFormat::Csv => crate::render::csv_plan::render(a),
        OutputFormat::Oscal => crate::render::oscal::assessment_results(a),
    }
}

/// Renders the HTML report into `file`.
pub fn write_html(
    a: &Assessment,
    templates: Option<&PathBuf>,
    repo: &std::path::Path,
    file: &PathBuf,
) -> Result<(), u8> {
    let templates = crate::render::html::Templates {
        dir: templates.cloned(),
        repo: Some(repo.to_path_buf()),
    };
    let html =
        crate::render::html::render(a, &templates, crate::render::view::DEFAULT_FINDINGS_LIMIT).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_UNUSABLE
        })?;
    std::fs::write(file, html).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", file.display());
        EXIT_UNUSABLE
    })
}

/// Runs the checks, with a progress bar on stderr when it is a terminal (and not `--quiet`).
fn run_checks(
    checks: &[crate::engine::Check],
    evidence: &crate::evidence::Evidence,
    args: &Args,
) -> Vec<crate::assessment::CheckResult> {
    use std::io::IsTerminal;
    if args.quiet || !std::io::stderr().is_terminal() {
        return crate::engine::run(checks, evidence, args.jobs);
    }
    let bar = indicatif::ProgressBar::new(checks.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{spinner} checking {pos}/{len} {wide_bar} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let results = crate::engine::run_with_progress(checks, evidence, args.jobs, &|| bar.inc(1));
    bar.finish_and_clear();
    results
}

/// Loads the pack and the evidence and runs the checks, all on `--jobs` threads; `Err` is an exit code after
/// printing why.
pub fn assess(args: &Args) -> Result<Assessment, u8> {
    assess_then(args, |_| ()).map(|(a, ())| a)
}

/// [`assess`], then `then` on the assessment (on a worker, beside freeing the evidence on the others).
pub fn assess_then<T: Send>(args: &Args, then: impl FnOnce(&Assessment) -> T + Send) -> Result<(Assessment, T), u8> {
    on_pool(args.jobs, || {
        let files = args.pack.files()?;
        // Reading the evidence needs only the pack's presets, so it starts while the rest of the pack loads.
        let presets = crate::standards::load::presets(&files);
        let (pack, evidence) = rayon::join(
            || PackArgs::load_from(files),
            || crate::evidence::load(&args.repo, &presets),
        );
        let (assessment, evidence) = assess_loaded(&pack?, evidence, args)?;
        let (then, ()) = rayon::join(|| then(&assessment), || free(evidence));
        Ok((assessment, then))
    })
}

/// [`assess`] with a pack already loaded.
pub fn assess_with(pack: &crate::standards::Pack, args: &Args) -> Result<Assessment, u8> {
    on_pool(args.jobs, || {
        let (assessment, evidence) = assess_loaded(pack, crate::evidence::load(&args.repo, &pack.presets), args)?;
        free(evidence);
        Ok(assessment)
    })
}

/// The evidence as loaded, with its diagnostics, or the diagnostics that stopped it.
type Loaded = Result<(crate::evidence::Evidence, Vec<Diagnostic>), Vec<Diagnostic>>;

fn on_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> T {
    match crate::engine::run::pool(jobs) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The assessment, and the evidence it was made from (for the caller to free).
fn assess_loaded(
    pack: &crate::standards::Pack,
    loaded: Loaded,
    args: &Args,
) -> Result<(Assessment, crate::evidence::Evidence), u8> {
    let (mut evidence, evidence_diags) = loaded.map_err(|d| {
        eprint_diagnostics(&d);
        EXIT_UNUSABLE
    })?;
    evidence.add_references(&pack.references, false);
    let mut evidence_diags = evidence_diags;
    evidence_diags.extend(crate::evidence::validate::validate(
        &mut evidence,
        &pack.datasets,
        args.redact,
    ));
    // An export's excerpt shows its dataset's secret fields masked, and personal ones too under --redact.
    for d in &mut evidence_diags {
        if let Some(layout) = d.layout() {
            let confidential =
                crate::snippet::Confidential::of(pack.datasets.get(&layout.dataset), layout, args.redact);
            d.protect(&confidential);
        }
    }
    eprint_diagnostics(&evidence_diags);

    let as_of = match (&args.as_of, evidence.as_of) {
        (Some(s), _) if s == "today" => jiff::Zoned::now().date(),
        (Some(s), _) => s.parse::<jiff::civil::Date>().map_err(|_| {
            eprintln!("error: --as-of {s} is not a date: write YYYY-MM-DD or `today`");
            EXIT_UNUSABLE
        })?,
        (None, Some(d)) => d,
        (None, None) => {
            eprintln!("error: no assessment date: set `as_of:` in assure.yaml or pass --as-of YYYY-MM-DD (or `today`)");
            return Err(EXIT_UNUSABLE);
        }
    };
    let as_of_ts = as_of
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| {
            eprintln!("error: --as-of {as_of}: {e}");
            EXIT_UNUSABLE
        })?;

    let mut problems: Vec<Diagnostic> = evidence
        .params
        .keys()
        .filter(|id| pack.check(id).is_none())
        .map(|id| {
            Diagnostic::error(
                "assure::param-override",
                format!("assure.yaml sets params for `{id}`, which is not a check in the pack"),
            )
            .in_path(crate::evidence::manifest::MANIFEST)
            .help("run `assure list` to see the check ids")
        })
        .collect();
    let selection = args.select.resolve(pack).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_UNUSABLE
    })?;
    let (mut checks, compile_diags) = pack.compile_all(&evidence.params, &evidence.lists, as_of_ts);
    checks.retain(|c| selection.includes(&c.id));
    if args.redact {
        let redaction = crate::redact::Redaction::from_env().map_err(|e| {
            eprintln!("error: {e}");
            EXIT_UNUSABLE
        })?;
        checks.iter_mut().for_each(|c| c.redaction = Some(redaction.clone()));
    }
    problems.extend(compile_diags);
    if !problems.is_empty() {
        eprint_diagnostics(&problems);
        return Err(EXIT_UNUSABLE);
    }

    let baseline = match &args.baseline {
        Some(path) => {
            let jail = crate::repo_file::Jail::new(&args.repo).ok();
            let loaded = crate::baseline::load(path, jail.as_ref(), evidence.limits.evidence);
            Some(loaded.map_err(|d| {
                eprint_diagnostics(&[d]);
                EXIT_UNUSABLE
            })?)
        }
        None => None,
    };
    // Waivers and reviews of checks left out are left out with them (those naming no check still warn).
    let kept = |id: &str| pack.check(id).is_none() || selection.includes(id);
    evidence.waivers.retain(|w| kept(&w.spec.check));
    evidence.reviews.retain(|r| kept(&r.spec.check));
    let results = run_checks(&checks, &evidence, args);
    let mut assessment = Assessment::new(pack, &evidence, results, as_of, &evidence_diags);
    if let Some(redaction) = checks.iter().find_map(|c| c.redaction.as_ref()) {
        crate::redact_reviews::apply(&mut assessment, &checks, redaction);
    }
    if let Some(recorded) = selection.recorded {
        assessment.restrict(recorded);
    }
    if let Some(b) = &baseline {
        assessment.compare(b);
    }
    Ok((assessment, evidence))
}

/// Frees the evidence on two of the pool's threads: the dataset with the most records (at scale 1 a 60 MB
/// export: 400,000 rows and the file's text) beside all the others, which are as slow to free (one allocation
/// per JSON value). Either alone is a serial tail of about 10 ms.
fn free(mut evidence: crate::evidence::Evidence) {
    let largest = evidence
        .datasets
        .iter()
        .max_by_key(|(_, d)| d.records.len())
        .map(|(name, _)| name.clone())
        .and_then(|name| evidence.datasets.remove(&name));
    rayon::join(|| drop(largest), || drop(evidence));
}
