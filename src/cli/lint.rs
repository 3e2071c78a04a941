//! `assure lint`: validate a standards pack and report every problem at once.

use super::{Exit, eprint_diagnostics};
use crate::core::diagnostic::Level;
use crate::pack::{embedded_files, load_dir, load_files};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Standards pack directory (default: ./standards when it exists, else the pack built into assure)
    pub dir: Option<PathBuf>,
    /// The previous release of the pack: warn about checks whose meaning changed without a version bump, and
    /// removed checks without a migration
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let dir = super::working_pack(args.dir.as_ref());
    let files = match &dir {
        Some(dir) => match load_dir(dir) {
            Ok(f) => f,
            Err(d) => {
                eprint_diagnostics(&d);
                return Exit::Unusable;
            }
        },
        None => embedded_files(),
    };
    let (pack, mut diags) = load_files(files);
    if let Some(previous) = &args.previous {
        let old = match load_dir(previous) {
            Ok(f) => load_files(f).0,
            Err(d) => {
                eprint_diagnostics(&d);
                return Exit::Unusable;
            }
        };
        diags.extend(crate::pack::rules::versioned::warnings(&old, &pack));
    }
    say!("{}", super::pack_line(dir.as_ref(), &pack));
    eprint_diagnostics(&diags);
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let files: std::collections::BTreeSet<_> = diags
            .iter()
            .filter(|d| d.level == Level::Error)
            .filter_map(|d| d.path.clone())
            .collect();
        eprintln!("error: {errors} problem(s) in {} file(s)", files.len().max(1));
        return Exit::Unusable;
    }
    let tests: usize = pack.checks.iter().map(|c| c.spec.tests.len()).sum();
    say!(
        "ok: {} {} — {} standards, {} checks, {} inline tests, {} framework catalogues, {} export presets{}",
        pack.meta.name,
        pack.meta.version,
        pack.standards.len(),
        pack.checks.len(),
        tests,
        pack.frameworks.len(),
        pack.presets.len(),
        if warnings > 0 {
            format!(", {warnings} warning(s)")
        } else {
            String::new()
        }
    );
    Exit::Clean
}
