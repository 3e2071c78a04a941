//! `assure diff OLD_PACK NEW_PACK [REPO...]`: what changed between two versions of a standards pack and, given
//! config repos, the impact: whose results would change, check by check, and how.

use super::check;
use super::{Exit, emit, eprint_diagnostics};
use crate::assess::impact::{DiffReport, impact};
use crate::assess::run::{Options, assess_with};
use crate::core::diagnostic::Level;
use crate::pack::versions::diff;
use crate::pack::{Pack, load_dir, load_files};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier pack's directory
    pub old: PathBuf,
    /// The later pack's directory
    pub new: PathBuf,
    /// Config repos to assess with both packs, to show the impact
    pub repos: Vec<PathBuf>,
    /// Assessment date for every repo (default: each manifest's as_of)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
    /// Write to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

fn load(dir: &std::path::Path) -> Result<Pack, Exit> {
    let files = load_dir(dir).map_err(|d| {
        eprint_diagnostics(&d);
        Exit::Unusable
    })?;
    let (pack, diags) = load_files(files);
    if diags.iter().any(|d| d.level == Level::Error) {
        eprint_diagnostics(&diags);
        eprintln!(
            "error: {} has problems; run `assure lint {}`",
            dir.display(),
            dir.display()
        );
        return Err(Exit::Unusable);
    }
    Ok(pack)
}

pub fn run(args: Args) -> Exit {
    let (old_pack, new_pack) = match (load(&args.old), load(&args.new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let mut report = DiffReport {
        pack: diff(&old_pack, &new_pack),
        impact: Vec::new(),
    };
    for repo in &args.repos {
        let assess = |pack: &Pack| {
            let options = Options {
                as_of: args.as_of.clone(),
                ..Options::new(repo.clone())
            };
            check::shown(assess_with(pack, &options, None))
        };
        match (assess(&old_pack), assess(&new_pack)) {
            (Ok(old), Ok(new)) => report.impact.push(impact(&old_pack, &new_pack, &old, &new)),
            (Err(code), _) | (_, Err(code)) => return code,
        }
    }
    let text = match args.format {
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
            s.push('\n');
            s
        }
        DiffFormat::Markdown => crate::render::pack_diff::render(&report),
    };
    match emit(&text, args.output.as_ref()) {
        Ok(()) => Exit::Clean,
        Err(code) => code,
    }
}
