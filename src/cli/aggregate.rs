//! `assure aggregate RESULTS.json...`: a regional or national roll-up across organisations, as JSON and HTML.

use super::{Exit, emit, eprint_diagnostics};
use crate::core::codes::Code;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Assessments written by `assure check --format json`, one per organisation
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Write the HTML roll-up to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the JSON roll-up to FILE (default: stdout, when --html is not given)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Render with the templates in DIR (aggregate.html.j2, report.css) instead of the built-in ones
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in &args.results {
        let name = path.display().to_string();
        // Assessments named on the command line: read where they are, regular files within the evidence limit.
        let text = crate::core::repo_file::read_given(path, crate::core::repo_file::EVIDENCE_LIMIT)
            .map_err(|r| r.diagnostic(Code::Io, &name))
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| {
                    crate::core::diagnostic::Diagnostic::error(Code::Io, format!("{name} is not UTF-8 text"))
                        .in_path(name.clone())
                })
            });
        match text {
            Ok(text) => match crate::assess::aggregate::read(&name, &text) {
                Ok(v) => inputs.push((name, v)),
                Err(d) => problems.push(d),
            },
            Err(d) => problems.push(d),
        }
    }
    problems.extend(crate::assess::aggregate::duplicates(&inputs));
    if !problems.is_empty() {
        eprint_diagnostics(&problems);
        return Exit::Unusable;
    }
    let agg = crate::assess::aggregate::aggregate(&inputs);
    if let Some(file) = &args.html {
        let templates = crate::render::html::Templates {
            dir: args.templates.clone(),
            repo: None,
        };
        let html = match crate::render::html::render_aggregate(&agg, &templates) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Unusable;
            }
        };
        if let Err(code) = emit(&html, Some(file)) {
            return code;
        }
    }
    if args.output.is_some() || args.html.is_none() {
        let mut json = serde_json::to_string_pretty(&agg).unwrap_or_default();
        json.push('\n');
        if let Err(code) = emit(&json, args.output.as_ref()) {
            return code;
        }
    }
    Exit::Clean
}
