//! `assure report`: the assurance report of a config repo, as HTML and/or Markdown. It runs the same assessment
//! as `check`; its exit code says only whether the report was written (0) or the input was unusable (2).

use super::check;
use super::{Exit, PackArgs, emit};
use crate::assess::run::{Options, assess_then};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config repo (holding assure.yaml)
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub pack: PackArgs,
    #[command(flatten)]
    pub select: super::select::SelectArgs,
    /// Assessment date (YYYY-MM-DD, or `today`); default: the manifest's as_of
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Write the HTML report to FILE (with neither --html nor --markdown, HTML goes to stdout)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the Markdown report to FILE
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Render with the templates in DIR (report.html.j2, report.css) instead of the built-in ones
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Replace fields the datasets mark `personal` with stable pseudonyms keyed by ASSURE_REDACT_KEY
    #[arg(long)]
    pub redact: bool,
    /// Add the direction of travel from the earlier `assure check --format json` results in DIR (*.json)
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,
}

pub fn run(args: Args) -> Exit {
    let files = match args.pack.files() {
        Ok(f) => f,
        Err(code) => return code,
    };
    let options = Options {
        as_of: args.as_of.clone(),
        jobs: args.jobs,
        redact: args.redact,
        select: args.select.selector(),
        ..Options::new(args.repo.clone())
    };
    let a = match check::shown(assess_then(files, &options, None, |_| ()).map(|(a, ())| a)) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let history = match &args.history {
        Some(dir) => match crate::assess::history::load(&a, dir, &args.repo) {
            Ok((h, warnings)) => {
                super::eprint_diagnostics(&warnings);
                Some(h)
            }
            Err(problems) => {
                super::eprint_diagnostics(&problems);
                return super::Exit::Unusable;
            }
        },
        None => None,
    };
    if let Some(file) = &args.markdown
        && let Err(code) = emit(
            &crate::render::markdown::render_with_history(&a, history.as_ref()),
            Some(file),
        )
    {
        return code;
    }
    if args.html.is_some() || args.markdown.is_none() {
        let templates = crate::render::html::Templates {
            dir: args.templates.clone(),
            repo: Some(args.repo.clone()),
        };
        let limit = crate::render::view::DEFAULT_FINDINGS_LIMIT;
        match crate::render::html::render_with_history(&a, history.as_ref(), &templates, limit) {
            // Written as `check --html` writes it, so both give the same file.
            Ok(html) => match &args.html {
                Some(file) => {
                    if let Err(e) = std::fs::write(file, html) {
                        eprintln!("error: cannot write {}: {e}", file.display());
                        return super::Exit::Unusable;
                    }
                }
                None => {
                    if let Err(code) = emit(&html, None) {
                        return code;
                    }
                }
            },
            Err(e) => {
                eprintln!("error: {e}");
                return super::Exit::Unusable;
            }
        }
    }
    Exit::Clean
}
