//! `assure lint`: validate a standards pack and report every problem at once.

use super::{EXIT_CLEAN, EXIT_UNUSABLE, eprint_diagnostics};
use crate::diagnostic::{Diagnostic, Level};
use crate::standards::{embedded_files, load_dir, load_files};
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

pub fn run(args: Args) -> u8 {
    let dir = super::working_pack(args.dir.as_ref());
    let files = match &dir {
        Some(dir) => match load_dir(dir) {
            Ok(f) => f,
            Err(d) => {
                eprint_diagnostics(&[d]);
                return EXIT_UNUSABLE;
            }
        },
        None => embedded_files(),
    };
    let (pack, mut diags) = load_files(files);
    if let Some(previous) = &args.previous {
        let old = match load_dir(previous) {
            Ok(f) => load_files(f).0,
            Err(d) => {
                eprint_diagnostics(&[d]);
                return EXIT_UNUSABLE;
            }
        };
        diags.extend(version_warnings(&old, &pack));
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
        return EXIT_UNUSABLE;
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
    EXIT_CLEAN
}

/// Warnings from comparing the pack with its previous release.
fn version_warnings(old: &crate::standards::Pack, new: &crate::standards::Pack) -> Vec<Diagnostic> {
    let diff = crate::standards::versions::diff(old, new);
    let mut out = Vec::new();
    for change in diff.changed.iter().filter(|c| c.unversioned()) {
        let Some(def) = new.check(&change.id) else { continue };
        let what: Vec<String> = change
            .changes
            .iter()
            .filter(|c| c.meaning)
            .map(|c| c.path.clone())
            .collect();
        let pointer = if def.spec.version.is_some() {
            format!("{}/version", def.pointer)
        } else {
            format!("{}/id", def.pointer)
        };
        out.push(
            Diagnostic::warning(
                "assure::unversioned-change",
                format!(
                    "{} changed meaning since {} ({}) but its version is still {}",
                    change.id,
                    diff.old,
                    what.join(", "),
                    change.new_version
                ),
            )
            .at(&def.file, def.spans.value(&pointer), "bump this")
            .help(format!(
                "set `version: {}` and say what changed in pack.yaml's changelog",
                change.old_version + 1
            )),
        );
    }
    for removed in diff.removed.iter().filter(|r| !r.migrated) {
        out.push(
            Diagnostic::warning(
                "assure::removed-check",
                format!("check {} of {} is gone without a migration", removed.id, diff.old),
            )
            .in_path("pack.yaml")
            .help(format!(
                "add `{{ from: {}, to: NEW-ID, since: {} }}` (or no `to:` if it was retired) under `migrations:`",
                removed.id, new.meta.version
            )),
        );
    }
    out
}
