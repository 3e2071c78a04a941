//! `assure list`: the pack's checks with severity and framework mappings.

use super::{Exit, PackArgs};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub pack: PackArgs,
    /// Only checks mapped to this framework (e.g. `caf`), or to one requirement (`caf:B4.d`)
    #[arg(long, value_name = "ID[:REQ]")]
    pub framework: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    /// The pack as docs/standards.md (ignores --framework)
    Markdown,
    /// The pack as a NIST OSCAL 1.0.6 catalog (ignores --framework)
    Oscal,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    standard: &'a str,
    severity: &'a str,
    title: String,
    maps: &'a BTreeMap<String, Vec<String>>,
}

pub fn run(args: Args) -> Exit {
    let pack = match args.pack.load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (framework, requirement) = match args
        .framework
        .as_deref()
        .map(|f| f.split_once(':').map_or((f, None), |(a, b)| (a, Some(b))))
    {
        Some((f, r)) => (Some(f), r),
        None => (None, None),
    };
    if let Some(f) = framework
        && !pack.frameworks.contains_key(f)
    {
        eprintln!(
            "error: no framework `{f}`; the pack has: {}",
            pack.frameworks.keys().cloned().collect::<Vec<_>>().join(", ")
        );
        return Exit::Unusable;
    }
    let rows: Vec<Row<'_>> = pack
        .checks
        .iter()
        .filter(|c| match framework {
            None => true,
            Some(f) => c
                .spec
                .maps
                .get(f)
                .is_some_and(|ids| requirement.is_none_or(|r| ids.iter().any(|i| i == r))),
        })
        .map(|c| Row {
            id: &c.spec.id,
            standard: &c.standard,
            severity: c.spec.severity.as_str(),
            title: crate::pack::titles::with_defaults(&c.spec),
            maps: &c.spec.maps,
        })
        .collect();
    match args.format {
        ListFormat::Markdown => say_raw!("{}", crate::pack::docs::render(&pack)),
        ListFormat::Oscal => say_raw!("{}", crate::render::oscal::catalog(&pack)),
        ListFormat::Json => say!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default()),
        ListFormat::Human => {
            let w = rows.iter().map(|r| r.id.len()).max().unwrap_or(2);
            say!("{:<w$}  {:<8}  {:<8}  TITLE", "ID", "STANDARD", "SEVERITY");
            for r in &rows {
                say!("{:<w$}  {:<8}  {:<8}  {}", r.id, r.standard, r.severity, r.title);
                let maps: Vec<String> = r
                    .maps
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k} {}", v.join(", ")))
                    .collect();
                if !maps.is_empty() {
                    say!("{:<w$}  {}", "", maps.join(" · "));
                }
            }
            say!("{} checks", rows.len());
        }
    }
    Exit::Clean
}
