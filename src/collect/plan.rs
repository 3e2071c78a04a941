//! From the manifest to the collection jobs: which datasets, from which source, into which file.
//!
//! Everything here is checked before any request is sent, and each mistake is a diagnostic at its line of
//! `assure.yaml`: a source that does not exist or provides another dataset, a dataset whose `preset` would not
//! read what the source writes, no single file to write, or a file the dataset's `files` would not read.

use super::sources::{self, Source};
use crate::diagnostic::Diagnostic;
use crate::evidence::discover::{globs, walk};
use crate::evidence::load::Presets;
use crate::evidence::manifest::{CollectSpec, DatasetSource, MANIFEST};
use crate::repo_file::{Jail, Limits, Refusal};
use crate::source::{SourceFile, SpanMap, decode_text};
use std::path::Path;
use std::sync::Arc;

/// One dataset to collect.
#[derive(Debug, Clone)]
pub struct Job {
    pub dataset: String,
    pub source: &'static Source,
    /// The file written, relative to the repo.
    pub file: String,
    /// Other files the dataset's `files` match, which `assure check` will read beside the collected one.
    pub also_read: Vec<String>,
}

/// What `assure collect` will do in a repo.
#[derive(Debug)]
pub struct Plan {
    pub jail: Jail,
    pub limits: Limits,
    pub jobs: Vec<Job>,
}

/// Reads the manifest at `root` and plans the collection of its `collect:` datasets (only those named in
/// `only`, when it is not empty). `Err` holds every problem found.
pub fn plan(root: &Path, presets: &Presets, only: &[String]) -> Result<Plan, Vec<Diagnostic>> {
    let error = |message: String| vec![Diagnostic::error("assure::collect", message).in_path(MANIFEST)];
    let jail = Jail::new(root).map_err(error)?;
    let bytes = jail
        .read(MANIFEST, crate::repo_file::CONFIG_LIMIT)
        .map_err(|r| match r {
            Refusal::Missing => error(format!(
                "there is no {MANIFEST} in {}: collect refreshes the datasets a manifest names",
                root.display()
            )),
            r => vec![r.diagnostic("assure::manifest", MANIFEST)],
        })?;
    let text = decode_text(bytes).map_err(error)?;
    let file = SourceFile::new(MANIFEST, text);
    let (manifest, _, spans) = crate::evidence::load::parse_manifest(&file)?;
    let repo_files = walk(jail.root()).map_err(error)?;

    let mut diags = Vec::new();
    let mut jobs = Vec::new();
    let mut collectable = Vec::new();
    for (name, src) in &manifest.datasets {
        let spec = match &src.collect {
            None | Some(CollectSpec::Enabled(false)) => continue,
            Some(spec) => spec,
        };
        collectable.push(name.clone());
        if !only.is_empty() && !only.contains(name) {
            continue;
        }
        let at = Located {
            file: &file,
            spans: &spans,
            dataset: name,
        };
        match job(name, src, spec, presets, &at) {
            Ok(mut job) => {
                let set = globs(&src.files.to_vec()).unwrap_or_default();
                job.also_read = repo_files
                    .iter()
                    .filter(|f| f.rel != job.file && f.rel != MANIFEST && set.is_match(&f.rel))
                    .map(|f| f.rel.clone())
                    .collect();
                jobs.push(job);
            }
            Err(d) => diags.push(d),
        }
    }
    for name in only.iter().filter(|n| !collectable.contains(n)) {
        let known = if collectable.is_empty() {
            "none".to_string()
        } else {
            collectable.join(", ")
        };
        diags.push(
            Diagnostic::error(
                "assure::collect",
                format!("--dataset {name}: {MANIFEST} has no dataset `{name}` with `collect:` (those it has: {known})"),
            )
            .in_path(MANIFEST),
        );
    }
    if collectable.is_empty() {
        diags.push(
            Diagnostic::error(
                "assure::collect",
                format!("nothing to collect: no dataset in {MANIFEST} has `collect:`"),
            )
            .in_path(MANIFEST)
            .help(format!(
                "add `collect: true` to a dataset read by one of these presets: {} (docs/exports.md)",
                sources::ids()
            )),
        );
    }
    if diags.is_empty() {
        Ok(Plan {
            jail,
            limits: manifest.limits.limits(),
            jobs,
        })
    } else {
        Err(diags)
    }
}

/// Where a dataset's keys are in the manifest, for diagnostics.
struct Located<'a> {
    file: &'a Arc<SourceFile>,
    spans: &'a SpanMap,
    dataset: &'a str,
}

impl Located<'_> {
    fn error(&self, key: &str, message: String, help: String) -> Diagnostic {
        let pointer = format!("/datasets/{}/{key}", self.dataset);
        let span = self
            .spans
            .value(&pointer)
            .or_else(|| self.spans.value(&format!("/datasets/{}/collect", self.dataset)));
        Diagnostic::error("assure::collect", format!("dataset `{}`: {message}", self.dataset))
            .at(self.file, span, "here")
            .help(help)
    }
}

/// The job for one dataset, or the first reason it cannot be collected.
fn job(
    name: &str,
    src: &DatasetSource,
    spec: &CollectSpec,
    presets: &Presets,
    at: &Located<'_>,
) -> Result<Job, Diagnostic> {
    let (given_source, given_file) = match spec {
        CollectSpec::Detailed(d) => (d.source.as_deref(), d.file.as_deref()),
        CollectSpec::Enabled(_) => (None, None),
    };
    let listed = || format!("sources: {}", sources::ids());
    let (id, key) = match (given_source, src.preset.as_deref()) {
        (Some(id), _) => (id, "collect/source"),
        (None, Some(preset)) => (preset, "preset"),
        (None, None) => {
            return Err(at.error(
                "collect",
                "`collect: true` needs a `preset:` saying which export this is".into(),
                format!(
                    "set `preset:` to the source's name, or write `collect: {{ source: NAME }}`; {}",
                    listed()
                ),
            ));
        }
    };
    let source = sources::find(id).ok_or_else(|| {
        at.error(
            key,
            format!("`{id}` is not an export assure can collect"),
            format!(
                "collect only what a source provides, or remove `collect:`; {}",
                listed()
            ),
        )
    })?;
    if source.dataset != name {
        return Err(at.error(
            key,
            format!("source `{id}` provides the `{}` dataset, not `{name}`", source.dataset),
            listed(),
        ));
    }
    if src.preset.as_deref() != Some(source.id) || !presets.contains_key(source.id) {
        let reads = src
            .preset
            .as_deref()
            .map_or("no preset".to_string(), |p| format!("preset `{p}`"));
        return Err(at.error(
            "preset",
            format!(
                "collect writes {}'s response, which preset `{}` reads, but this dataset reads {reads}",
                source.api.name(),
                source.id
            ),
            format!(
                "set `preset: {}` (and point `files` at the file collect writes)",
                source.id
            ),
        ));
    }
    if src.format.is_some_and(|f| f != crate::evidence::manifest::Format::Json) {
        return Err(at.error(
            "format",
            "collect writes JSON, but `format` reads the files as something else".into(),
            "remove `format:` (the preset reads JSON)".into(),
        ));
    }
    let patterns = src.files.to_vec();
    let file = match (given_file, patterns.as_slice()) {
        (Some(f), _) => f.to_string(),
        (None, [one]) if !one.contains(['*', '?', '[', '{']) => one.clone(),
        (None, _) => {
            return Err(at.error(
                "files",
                "`files` is a glob or a list, so collect cannot tell which file to write".into(),
                "name the file: `collect: { file: exports/....json }` (one file holds every page)".into(),
            ));
        }
    };
    let file_key = if given_file.is_some() { "collect/file" } else { "files" };
    globs(std::slice::from_ref(&file))
        .map_err(|e| at.error(file_key, e, "write a path inside the config repo".into()))?;
    let set = globs(&patterns).map_err(|e| at.error("files", e, "fix `files`".into()))?;
    if !set.is_match(&file) || file == MANIFEST {
        return Err(at.error(
            file_key,
            format!("`{file}` is not matched by `files`, so `assure check` would not read what collect writes"),
            "make `collect.file` one of the files `files` matches".into(),
        ));
    }
    Ok(Job {
        dataset: name.to_string(),
        source,
        file,
        also_read: Vec::new(),
    })
}
