//! `assure check --output-dir DIR`: every output format of one run, one file each with a fixed name, so a CI
//! job uploads one directory and later steps find each file where they expect it (docs/ci.md).

use super::check::{OutputFormat, render, write_html};
use super::{Exit, emit};
use crate::assess::Assessment;
use std::path::{Path, PathBuf};

/// What one file of the directory holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A `--format` output (human without `--quiet`).
    Format(OutputFormat),
    Markdown,
    Html,
}

/// The files written into the output directory, in the order they are written.
pub const FILES: [(&str, Kind); 9] = [
    ("assure.txt", Kind::Format(OutputFormat::Human)),
    ("assure.json", Kind::Format(OutputFormat::Json)),
    ("assure.sarif", Kind::Format(OutputFormat::Sarif)),
    ("assure.junit.xml", Kind::Format(OutputFormat::Junit)),
    ("assure.github.txt", Kind::Format(OutputFormat::Github)),
    ("assure.plan.csv", Kind::Format(OutputFormat::Csv)),
    ("assure.oscal.json", Kind::Format(OutputFormat::Oscal)),
    ("assure.md", Kind::Markdown),
    ("assure.html", Kind::Html),
];

/// Writes every format of `a` into `dir` (created if missing). `base` prefixes evidence paths in SARIF and
/// annotations, as for `--format`; templates inside `repo` are read as repo files.
pub fn write_all(a: &Assessment, dir: &Path, base: &str, templates: Option<&PathBuf>, repo: &Path) -> Result<(), Exit> {
    std::fs::create_dir_all(dir).map_err(|e| {
        eprintln!("error: cannot create {}: {e}", dir.display());
        Exit::Unusable
    })?;
    for (name, kind) in FILES {
        let file = dir.join(name);
        match kind {
            Kind::Format(format) => emit(&render(a, format, false, base)?, Some(&file))?,
            Kind::Markdown => emit(&crate::render::markdown::render(a), Some(&file))?,
            Kind::Html => write_html(a, templates, repo, &file)?,
        }
    }
    Ok(())
}
