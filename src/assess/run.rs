//! The assessment as a library function: a pack and a config repo in, an [`Assessment`] out.
//!
//! [`assess_then`] loads the pack and the evidence side by side (reading the evidence needs only the pack's
//! presets), validates the evidence against the dataset schemas, compiles the checks with the manifest's
//! overrides for the assessment date, applies the selection and redaction, runs the checks, and assembles the
//! assessment with waivers, reviews and a baseline. Everything runs on one pool of `jobs` threads. Nothing
//! here prints: problems come back as diagnostics for the caller to show.

use super::Assessment;
use super::select::Selector;
use crate::core::codes::Code;
use crate::core::diagnostic::{Diagnostic, Level};
use crate::engine::Check;
use crate::engine::result::CheckResult;
use crate::evidence::Evidence;
use crate::pack::Pack;
use std::path::PathBuf;

/// What to assess and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The config repo (holding assure.yaml).
    pub repo: PathBuf,
    /// The assessment date as given (`YYYY-MM-DD` or `today`); none for the manifest's `as_of`.
    pub as_of: Option<String>,
    /// Worker threads for the whole run, loading included (0: one per core).
    pub jobs: usize,
    /// Pseudonymise the fields the datasets mark `personal` (keyed by `ASSURE_REDACT_KEY`).
    pub redact: bool,
    /// A previous JSON assessment to compare with.
    pub baseline: Option<PathBuf>,
    /// Which checks run.
    pub select: Selector,
}

impl Options {
    /// Every check of the repo at `repo`, on its manifest's date, on one thread per core.
    pub fn new(repo: PathBuf) -> Options {
        Options {
            repo,
            ..Options::default()
        }
    }
}

/// An assessment, and the warnings met on the way (evidence problems that did not stop it; they are in the
/// assessment's diagnostics too).
pub struct Assessed {
    pub assessment: Assessment,
    pub warnings: Vec<Diagnostic>,
}

/// Why no assessment was made: the diagnostics to show, then a closing message.
#[derive(Debug)]
pub struct Stopped {
    pub diagnostics: Vec<Diagnostic>,
    pub message: Option<String>,
}

impl Stopped {
    fn with(diagnostics: Vec<Diagnostic>, message: impl Into<String>) -> Stopped {
        Stopped {
            diagnostics,
            message: Some(message.into()),
        }
    }
}

/// Told how the checks progress, from worker threads (e.g. a progress bar).
pub trait Progress: Sync {
    fn start(&self, checks: usize);
    fn done_one(&self);
    fn finish(&self);
}

/// Loads the pack from `pack_files` and the repo's evidence and assesses, then runs `then` on the assessment
/// on a worker while the evidence is freed on the others (so a streamed output is written meanwhile).
pub fn assess_then<T: Send>(
    pack_files: Vec<(String, Vec<u8>)>,
    options: &Options,
    progress: Option<&dyn Progress>,
    then: impl FnOnce(&Assessment) -> T + Send,
) -> Result<(Assessed, T), Stopped> {
    on_pool(options.jobs, || {
        let presets = crate::pack::load::presets(&pack_files);
        let (pack, evidence) = rayon::join(
            || load_pack(pack_files),
            || crate::evidence::load(&options.repo, &presets),
        );
        let (assessed, evidence) = assess_loaded(&pack?, evidence, options, progress)?;
        let (then, ()) = rayon::join(|| then(&assessed.assessment), || free(evidence));
        Ok((assessed, then))
    })
}

/// [`assess_then`] with a pack already loaded.
pub fn assess_with(pack: &Pack, options: &Options, progress: Option<&dyn Progress>) -> Result<Assessed, Stopped> {
    on_pool(options.jobs, || {
        let loaded = crate::evidence::load(&options.repo, &pack.presets);
        let (assessed, evidence) = assess_loaded(pack, loaded, options, progress)?;
        free(evidence);
        Ok(assessed)
    })
}

/// The pack, or the errors that make it unusable for a run.
pub fn load_pack(files: Vec<(String, Vec<u8>)>) -> Result<Pack, Stopped> {
    let (pack, diags) = crate::pack::load_files_for_run(files);
    if diags.iter().any(|d| d.level == Level::Error) {
        let message = format!(
            "the standards pack has {} problem(s); run `assure lint` on it",
            diags.len()
        );
        return Err(Stopped::with(diags, message));
    }
    Ok(pack)
}

/// The evidence as loaded, with its diagnostics, or the diagnostics that stopped it.
type Loaded = Result<(Evidence, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Runs `work` on a pool of `jobs` worker threads (0: one per core), with generous stacks: evidence and
/// templates are nested data walked recursively. Loading, checking and writing all run inside it, so `--jobs`
/// is the thread count of the whole run. If the threads cannot be started, the work runs here.
fn on_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(16 << 20)
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// The assessment date: as given, or the manifest's.
fn as_of_date(given: Option<&str>, manifest: Option<jiff::civil::Date>) -> Result<jiff::civil::Date, String> {
    match (given, manifest) {
        (Some("today"), _) => Ok(jiff::Zoned::now().date()),
        (Some(s), _) => s
            .parse::<jiff::civil::Date>()
            .map_err(|_| format!("--as-of {s} is not a date: write YYYY-MM-DD or `today`")),
        (None, Some(d)) => Ok(d),
        (None, None) => {
            Err("no assessment date: set `as_of:` in assure.yaml or pass --as-of YYYY-MM-DD (or `today`)".to_string())
        }
    }
}

/// The assessment, and the evidence it was made from (for the caller to free).
fn assess_loaded(
    pack: &Pack,
    loaded: Loaded,
    options: &Options,
    progress: Option<&dyn Progress>,
) -> Result<(Assessed, Evidence), Stopped> {
    let (mut evidence, mut warnings) = loaded.map_err(|diagnostics| Stopped {
        diagnostics,
        message: None,
    })?;
    crate::pack::references::add_to(&mut evidence, &pack.references, false);
    warnings.extend(crate::evidence::validate::validate(
        &mut evidence,
        &pack.datasets,
        options.redact,
    ));
    // An export's excerpt shows its dataset's secret fields masked, and personal ones too under --redact.
    for d in &mut warnings {
        if let Some(layout) = d.layout() {
            let marked = pack
                .datasets
                .get(&layout.dataset)
                .map(|d| (d.secret.as_slice(), d.personal.as_slice()));
            let confidential = crate::core::snippet::Confidential::of(marked, layout, options.redact);
            d.protect(&confidential);
        }
    }
    let as_of = match as_of_date(options.as_of.as_deref(), evidence.as_of) {
        Ok(d) => d,
        Err(message) => return Err(Stopped::with(warnings, message)),
    };
    let as_of_ts = match as_of.to_zoned(jiff::tz::TimeZone::UTC) {
        Ok(z) => z.timestamp(),
        Err(e) => return Err(Stopped::with(warnings, format!("--as-of {as_of}: {e}"))),
    };

    let mut problems: Vec<Diagnostic> = evidence
        .params
        .keys()
        .filter(|id| pack.check(id).is_none())
        .map(|id| {
            let d = Diagnostic::error(
                Code::ParamOverride,
                format!("assure.yaml sets params for `{id}`, which is not a check in the pack"),
            )
            .help(
                match crate::core::suggest::did_you_mean(id, pack.checks.iter().map(|c| c.spec.id.as_str())) {
                    Some(s) => format!("did you mean `{s}`? `assure list` shows the check ids"),
                    None => "run `assure list` to see the check ids".to_string(),
                },
            );
            let at = crate::core::source::pointer_push("/params", id);
            crate::evidence::ManifestSource::diagnostic(
                evidence.manifest.as_ref(),
                d,
                &at,
                true,
                "not a check in the pack",
            )
        })
        .collect();
    let selection = match options.select.resolve(pack) {
        Ok(s) => s,
        Err(message) => return Err(Stopped::with(warnings, message)),
    };
    let (mut checks, compile_diags) =
        pack.compile_all(&evidence.params, &evidence.lists, evidence.manifest.as_ref(), as_of_ts);
    checks.retain(|c| selection.includes(&c.id));
    if options.redact {
        let redaction = match crate::core::redact::Redaction::from_env() {
            Ok(r) => r,
            Err(message) => return Err(Stopped::with(warnings, message)),
        };
        checks.iter_mut().for_each(|c| c.redaction = Some(redaction.clone()));
    }
    problems.extend(compile_diags);
    if !problems.is_empty() {
        warnings.extend(problems);
        return Err(Stopped {
            diagnostics: warnings,
            message: None,
        });
    }

    let baseline = match &options.baseline {
        Some(path) => {
            let jail = crate::core::repo_file::Jail::new(&options.repo).ok();
            match super::baseline::load(path, jail.as_ref(), evidence.limits.evidence, &evidence.organisation) {
                Ok(b) => Some(b),
                Err(d) => {
                    warnings.push(d);
                    return Err(Stopped {
                        diagnostics: warnings,
                        message: None,
                    });
                }
            }
        }
        None => None,
    };
    // Waivers and reviews of checks left out are left out with them (those naming no check still warn).
    let kept = |id: &str| pack.check(id).is_none() || selection.includes(id);
    evidence.waivers.retain(|w| kept(&w.spec.check));
    evidence.reviews.retain(|r| kept(&r.spec.check));
    let results = run_checks(&checks, &evidence, progress);
    let mut assessment = Assessment::new(pack, &evidence, results, as_of, &warnings);
    if let Some(redaction) = checks.iter().find_map(|c| c.redaction.as_ref()) {
        super::redaction::apply(&mut assessment, &checks, redaction);
    }
    if let Some(recorded) = selection.recorded {
        assessment.restrict(recorded);
    }
    if let Some(b) = &baseline {
        assessment.compare(b);
    }
    Ok((Assessed { assessment, warnings }, evidence))
}

fn run_checks(checks: &[Check], evidence: &Evidence, progress: Option<&dyn Progress>) -> Vec<CheckResult> {
    let Some(progress) = progress else {
        return crate::engine::run(checks, evidence);
    };
    progress.start(checks.len());
    let results = crate::engine::run_with_progress(checks, evidence, &|| progress.done_one());
    progress.finish();
    results
}

/// Frees the evidence on two of the pool's threads: the dataset with the most records (at scale 1 a 60 MB
/// export: 400,000 rows and the file's text) beside all the others, which are as slow to free (one allocation
/// per JSON value). Either alone is a serial tail of about 10 ms.
fn free(mut evidence: Evidence) {
    let largest = evidence
        .datasets
        .iter()
        .max_by_key(|(_, d)| d.records.len())
        .map(|(name, _)| name.clone())
        .and_then(|name| evidence.datasets.remove(&name));
    rayon::join(|| drop(largest), || drop(evidence));
}
