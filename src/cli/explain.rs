//! `assure explain ID`: one check in full — what it asks, why, its parameters, mappings and its YAML.

use super::{Exit, PackArgs};
use crate::core::suggest::did_you_mean;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check id, e.g. NDG8-OS
    pub id: String,
    #[command(flatten)]
    pub pack: PackArgs,
}

pub fn run(args: Args) -> Exit {
    let pack = match args.pack.load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(def) = pack.check(&args.id) else {
        let hint = did_you_mean(&args.id, pack.checks.iter().map(|c| c.spec.id.as_str()))
            .map_or(String::new(), |s| format!("; did you mean {s}?"));
        eprintln!("error: no check `{}` in the pack{hint}", args.id);
        return Exit::Unusable;
    };
    let s = &def.spec;
    say!(
        "{} (version {}) · {} · {}",
        s.id,
        s.version.unwrap_or(1),
        s.severity.as_str(),
        crate::pack::titles::with_defaults(s)
    );
    if let Some(std) = pack.standard(&def.standard) {
        say!(
            "\nStandard {}: {}\n  {}",
            std.spec.id,
            std.spec.title,
            std.spec.statement.trim()
        );
    }
    if let Some(r) = &s.rationale {
        say!("\nWhy\n  {}", r.trim());
    }
    match &s.manual {
        Some(evidence) => say!(
            "\nEvidence (manual: an assessor records a verdict in reviews.yaml)\n  {}",
            evidence.trim()
        ),
        None => {
            let mut datasets = vec![s.dataset.clone()];
            datasets.extend(s.lookup.iter().map(|l| l.dataset.clone()));
            say!("\nEvidence\n  datasets: {}", datasets.join(", "));
        }
    }
    if !s.params.is_empty() {
        say!("\nParameters (override in assure.yaml under params: {}: ...)", s.id);
        for (name, p) in &s.params {
            let bounds = match (&p.min, &p.max) {
                (Some(a), Some(b)) => format!(" [{} .. {}]", plain(a), plain(b)),
                (Some(a), None) => format!(" [>= {}]", plain(a)),
                (None, Some(b)) => format!(" [<= {}]", plain(b)),
                _ => String::new(),
            };
            say!(
                "  {name} = {}{bounds}  {}",
                plain(&p.default),
                p.description.as_deref().unwrap_or("")
            );
            if let Some(src) = &p.source {
                say!("      source: {src}");
            }
        }
    }
    if !s.maps.is_empty() {
        say!("\nMappings");
        for (f, ids) in &s.maps {
            let fw = pack.frameworks.get(f);
            for id in ids {
                let title = fw
                    .and_then(|fw| fw.requirements.iter().find(|(r, _)| r == id))
                    .map_or("", |(_, t)| t.as_str());
                say!("  {f} {id}  {title}");
            }
        }
    }
    if !s.references.is_empty() {
        say!("\nReferences");
        for r in &s.references {
            say!("  - {r}");
        }
    }
    if let Some(r) = &s.remediation {
        say!("\nRemediation\n  {}", r.trim());
    }
    say!(
        "\nDefined at {}:{} ({} inline tests)\n",
        def.file.name,
        def.line(),
        s.tests.len()
    );
    say!("{}", dedent(def.source_text()));
    Exit::Clean
}

/// A parameter value as written in YAML (strings without quotes).
fn plain(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn dedent(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let indent = lines
        .clone()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    std::iter::once(format!("  {first}"))
        .chain(lines.map(|l| l.get(indent.saturating_sub(2)..).unwrap_or(l.trim_start()).to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}
