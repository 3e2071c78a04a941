//! `assure verify REPORT.json [REPO]`: is the evidence on disk still what the report assessed?
//!
//! Recomputes the SHA-256 of every evidence file the report lists and compares it, and compares the standards
//! pack's hash with the pack in use. Paths in the report are untrusted: any that could leave the repo are
//! refused rather than read.

use super::{Exit, PackArgs};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A report written by `assure check --format json`
    pub report: PathBuf,
    /// The config repo the report assessed
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    #[command(flatten)]
    pub pack: PackArgs,
}

pub fn run(args: Args) -> Exit {
    // The report and the evidence are read as `check` reads them: inside the repo through its jail, a regular
    // file within the size limit; a report elsewhere is the user's explicit choice.
    let jail = crate::core::repo_file::Jail::new(&args.repo).ok();
    let limit = crate::core::repo_file::EVIDENCE_LIMIT;
    let shown = args.report.display().to_string();
    let report: Value = match crate::core::repo_file::read_cli_path(jail.as_ref(), &args.report, limit)
        .map_err(|r| format!("{}; {}", r.message(&shown), r.help()))
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: cannot read {} as a JSON report: {e}", args.report.display());
            return Exit::Unusable;
        }
    };
    let Some(files) = report.get("evidence").and_then(Value::as_array) else {
        eprintln!(
            "error: {} has no `evidence` list; pass the output of `assure check --format json`",
            args.report.display()
        );
        return Exit::Unusable;
    };
    let mut problems = 0;
    for f in files {
        let (Some(rel), Some(want)) = (
            f.get("path").and_then(Value::as_str),
            f.get("sha256").and_then(Value::as_str),
        ) else {
            eprintln!("error: an evidence entry has no `path` or `sha256`");
            return Exit::Unusable;
        };
        // The path comes from the report: shown with its control characters escaped.
        let shown_rel = crate::core::text::visible(rel);
        // Reference records ship inside the standards pack, which the pack hash below covers.
        if rel.starts_with(crate::evidence::REFERENCE_PREFIX) {
            continue;
        }
        let (Some(jail), true) = (&jail, inside(rel)) else {
            say!("refused    {shown_rel}  (the path leaves the repo)");
            problems += 1;
            continue;
        };
        match jail.read(rel, limit) {
            Ok(bytes) => {
                let got = crate::core::hash::hex(&Sha256::digest(&bytes));
                if got == want {
                    say!("unchanged  {shown_rel}");
                } else {
                    say!(
                        "CHANGED    {shown_rel}  (sha256 {} in the report, {} on disk)",
                        short(want),
                        short(&got)
                    );
                    problems += 1;
                }
            }
            Err(crate::core::repo_file::Refusal::Missing) => {
                say!("MISSING    {shown_rel}");
                problems += 1;
            }
            Err(r) => {
                say!("refused    {}", r.message(&shown_rel));
                problems += 1;
            }
        }
    }
    if let Some(want) = report.pointer("/pack/sha256").and_then(Value::as_str) {
        match args.pack.load() {
            Ok(pack) if pack.sha256 == want => {
                say!("unchanged  standards pack {} {}", pack.meta.name, pack.meta.version)
            }
            Ok(pack) => {
                say!(
                    "CHANGED    standards pack (sha256 {} in the report, {} now)",
                    short(want),
                    short(&pack.sha256)
                );
                problems += 1;
            }
            Err(code) => return code,
        }
    }
    if problems == 0 {
        say!(
            "verified: the {} evidence file(s) and the standards pack are what the report assessed",
            files.len()
        );
        Exit::Clean
    } else {
        say!("{problems} difference(s): the report no longer describes this evidence");
        Exit::Failing
    }
}

/// Whether `rel` is a plain relative path (no root, no `..`).
fn inside(rel: &str) -> bool {
    Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)))
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
