//! `assure diff OLD_PACK NEW_PACK [REPO...]`: what changed between two versions of a standards pack and, given
//! config repos, the impact: whose results would change, check by check, and how.

use super::check::{self, assess_with};
use super::{EXIT_CLEAN, EXIT_UNUSABLE, PackArgs, emit, eprint_diagnostics};
use crate::assessment::{Assessment, State};
use crate::diagnostic::Level;
use crate::render::markdown::text;
use crate::standards::versions::{PackDiff, current_id, diff};
use crate::standards::{Pack, load_dir, load_files};
use serde::Serialize;
use std::fmt::Write as _;
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

/// One check whose result differs for an organisation.
#[derive(Debug, Serialize)]
pub struct ResultChange {
    /// Id in the new pack (or the old id when the check was retired).
    pub check: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// `None`: the check did not exist (added) or no longer exists (retired).
    pub old_state: Option<State>,
    pub new_state: Option<State>,
    pub old_findings: usize,
    pub new_findings: usize,
}

#[derive(Debug, Serialize)]
pub struct Impact {
    pub organisation: String,
    pub ods_code: String,
    pub old_status: String,
    pub new_status: String,
    pub changes: Vec<ResultChange>,
}

#[derive(Debug, Serialize)]
pub struct DiffReport {
    #[serde(flatten)]
    pub pack: PackDiff,
    pub impact: Vec<Impact>,
}

fn load(dir: &std::path::Path) -> Result<Pack, u8> {
    let files = load_dir(dir).map_err(|d| {
        eprint_diagnostics(&[d]);
        EXIT_UNUSABLE
    })?;
    let (pack, diags) = load_files(files);
    if diags.iter().any(|d| d.level == Level::Error) {
        eprint_diagnostics(&diags);
        eprintln!(
            "error: {} has problems; run `assure lint {}`",
            dir.display(),
            dir.display()
        );
        return Err(EXIT_UNUSABLE);
    }
    Ok(pack)
}

/// Results that differ between the assessment under the old pack and under the new one.
pub fn impact(old_pack: &Pack, new_pack: &Pack, old: &Assessment, new: &Assessment) -> Impact {
    let mut changes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &old.results {
        let now_id = current_id(new_pack, &r.id);
        let now = now_id.and_then(|id| new.results.iter().find(|n| n.id == id));
        if let Some(n) = now {
            seen.insert(n.id.clone());
        }
        let same = now.is_some_and(|n| n.state == r.state && n.findings.len() == r.findings.len());
        if !same {
            changes.push(ResultChange {
                check: now.map_or_else(|| r.id.clone(), |n| n.id.clone()),
                old_id: now.filter(|n| n.id != r.id).map(|_| r.id.clone()),
                old_state: Some(r.state),
                new_state: now.map(|n| n.state),
                old_findings: r.findings.len(),
                new_findings: now.map_or(0, |n| n.findings.len()),
            });
        }
    }
    for n in new.results.iter().filter(|n| !seen.contains(&n.id)) {
        // A check is new to this organisation unless the old pack had it under the same id (already compared).
        if old_pack.check(&n.id).is_none() {
            changes.push(ResultChange {
                check: n.id.clone(),
                old_id: None,
                old_state: None,
                new_state: Some(n.state),
                old_findings: 0,
                new_findings: n.findings.len(),
            });
        }
    }
    Impact {
        organisation: new.organisation.name.clone(),
        ods_code: new.organisation.ods_code.clone(),
        old_status: old.status.status.clone(),
        new_status: new.status.status.clone(),
        changes,
    }
}

pub fn run(args: Args) -> u8 {
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
            let a = check::Args::plain(repo.clone(), PackArgs { standards: None }, args.as_of.clone(), 0, false);
            assess_with(pack, &a)
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
        DiffFormat::Markdown => markdown(&report),
    };
    match emit(&text, args.output.as_ref()) {
        Ok(()) => EXIT_CLEAN,
        Err(code) => code,
    }
}

fn state(s: Option<State>) -> &'static str {
    s.map_or("—", State::as_str)
}

fn compact(v: Option<&serde_json::Value>) -> String {
    v.map_or_else(|| "(none)".to_string(), |v| text(&v.to_string()))
}

pub fn markdown(r: &DiffReport) -> String {
    let p = &r.pack;
    let mut out = String::new();
    let _ = writeln!(out, "## Standards pack changes: {} → {}\n", text(&p.old), text(&p.new));
    let _ = writeln!(
        out,
        "{} check(s) added, {} removed, {} changed ({} in meaning).\n",
        p.added.len(),
        p.removed.len(),
        p.changed.len(),
        p.changed.iter().filter(|c| c.changes_meaning()).count()
    );
    if !p.added.is_empty() {
        let _ = writeln!(out, "### Added\n");
        for id in &p.added {
            let _ = writeln!(out, "- {}", text(id));
        }
        out.push('\n');
    }
    if !p.removed.is_empty() {
        let _ = writeln!(out, "### Removed\n");
        for rm in &p.removed {
            let fate = match (&rm.replaced_by, rm.migrated) {
                (Some(to), _) => format!("replaced by {}", text(to)),
                (None, true) => "retired".to_string(),
                (None, false) => "**no migration given**".to_string(),
            };
            let note = rm.note.as_deref().map_or(String::new(), |n| format!(": {}", text(n)));
            let _ = writeln!(out, "- {}: {fate}{note}", text(&rm.id));
        }
        out.push('\n');
    }
    if !p.changed.is_empty() {
        let _ = writeln!(out, "### Changed\n");
        let _ = writeln!(out, "| check | version | field | before | after | meaning |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for c in &p.changed {
            let version = if c.unversioned() {
                format!("{} (**not bumped**)", c.new_version)
            } else if c.new_version != c.old_version {
                format!("{} → {}", c.old_version, c.new_version)
            } else {
                c.new_version.to_string()
            };
            for f in &c.changes {
                let _ = writeln!(
                    out,
                    "| {} | {version} | `{}` | {} | {} | {} |",
                    text(&c.id),
                    f.path.replace('`', "'"),
                    compact(f.old.as_ref()),
                    compact(f.new.as_ref()),
                    if f.meaning { "yes" } else { "wording" }
                );
            }
        }
        out.push('\n');
    }
    if !r.impact.is_empty() {
        let _ = writeln!(out, "### Impact\n");
        for i in &r.impact {
            let _ = writeln!(
                out,
                "**{} ({})**: {} → {}\n",
                text(&i.organisation),
                text(&i.ods_code),
                text(&i.old_status),
                text(&i.new_status)
            );
            if i.changes.is_empty() {
                let _ = writeln!(out, "No result changes.\n");
                continue;
            }
            let _ = writeln!(out, "| check | before | after | findings |");
            let _ = writeln!(out, "|---|---|---|---|");
            for c in &i.changes {
                let id = match &c.old_id {
                    Some(old) => format!("{} (was {})", text(&c.check), text(old)),
                    None => text(&c.check),
                };
                let _ = writeln!(
                    out,
                    "| {id} | {} | {} | {} → {} |",
                    state(c.old_state),
                    state(c.new_state),
                    c.old_findings,
                    c.new_findings
                );
            }
            out.push('\n');
        }
    }
    out
}
