//! `assure init`: draft a manifest by recognising known exports in a config repo.
//!
//! Each file's name and columns (CSV/TSV headers, or the fields of the first record of a JSON/YAML export)
//! are matched against the pack's presets: every `recognise.fields` name must be present, under its own name
//! or under a name the preset renames to it (so the PowerShell SDK's `DeviceName` counts as `deviceName`), and
//! a matching file name pattern breaks ties. Files are read as `assure check` reads them: a PowerShell `#TYPE`
//! line is skipped, a `;`-separated header is split at `;`, and text in another encoding still shows its
//! columns (the check then says how to re-save it). Recognised files become datasets using their preset, with
//! the reason it matched; datasets the pack reads but no file provides, and files nobody recognised, are left
//! as clear TODOs in the draft.

use crate::core::vocab::Format;
use crate::evidence::discover::walk;
use crate::evidence::formats;
use crate::pack::Pack;
use crate::spec::PresetSpec;
use crate::spec::manifest::MANIFEST;
use crate::spec::waivers::WAIVERS;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// What `init` made of one file.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub file: String,
    pub preset: Option<String>,
    /// Why the preset matched: its file name pattern, if that matched too, and the fields found.
    pub reason: Option<String>,
    /// Columns or fields seen (for the TODO note of unrecognised files).
    pub fields: Vec<String>,
}

/// Looks at every file in the repo and matches it against the pack's presets.
pub fn recognise(root: &Path, pack: &Pack) -> Result<Vec<Recognised>, String> {
    let files = walk(root)?;
    let jail = crate::core::repo_file::Jail::new(root)?;
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.is_symlink && f.rel != MANIFEST && f.rel != WAIVERS)
    {
        // Read as `check` reads it: a regular file inside the repo, within the evidence limit.
        let fields = jail
            .read(&f.rel, crate::core::repo_file::EVIDENCE_LIMIT)
            .ok()
            .map(|b| {
                crate::core::source::decode_text(b.clone()).unwrap_or_else(|_| String::from_utf8_lossy(&b).into_owned())
            })
            .map_or_else(Vec::new, |t| fields_of(&f.rel, &t));
        let file_name = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_lowercase();
        let format = Format::from_name(&f.rel);
        let best = pack
            .presets
            .values()
            // A preset of another format (the portal's CSV, a hunting result's JSON) is not this file's.
            .filter(|p| p.format.is_none_or(|wanted| Some(wanted) == format))
            .filter_map(|p| Some((p, found_fields(p, &fields)?)))
            .max_by_key(|(p, _)| {
                (
                    p.recognise.fields.len(),
                    name_matches(p, &file_name).is_some(),
                    std::cmp::Reverse(p.id.clone()),
                )
            });
        let reason = best.as_ref().map(|(p, found)| {
            let names = found.join(", ");
            match name_matches(p, &file_name) {
                Some(glob) => format!("file name {glob} and fields {names}"),
                None => format!("fields {names}"),
            }
        });
        out.push(Recognised {
            file: f.rel.clone(),
            preset: best.map(|(p, _)| p.id.clone()),
            reason,
            fields,
        });
    }
    Ok(out)
}

/// The preset's file name pattern that matches `file_name` (lowercased), if any.
fn name_matches<'p>(p: &'p PresetSpec, file_name: &str) -> Option<&'p str> {
    p.recognise
        .file_names
        .iter()
        .find(|g| globset::Glob::new(&g.to_lowercase()).is_ok_and(|g| g.compile_matcher().is_match(file_name)))
        .map(String::as_str)
}

/// The file's names for each of the preset's `recognise.fields`, when it has them all: the name itself or
/// the exported name the preset renames to it.
fn found_fields(p: &PresetSpec, fields: &[String]) -> Option<Vec<String>> {
    if p.recognise.fields.is_empty() {
        return None;
    }
    p.recognise
        .fields
        .iter()
        .map(|wanted| {
            if fields.contains(wanted) {
                return Some(wanted.clone());
            }
            let exported = p.fields.get(wanted)?;
            fields.contains(exported).then(|| exported.clone())
        })
        .collect()
}

/// Column names of a CSV/TSV, or field names of the first record of a JSON/YAML export.
fn fields_of(name: &str, text: &str) -> Vec<String> {
    match Format::from_name(name) {
        Some(Format::Csv) => formats::csv_headers(text, formats::sniff_delimiter(text)),
        Some(Format::Tsv) => formats::csv_headers(text, b'\t'),
        Some(format @ (Format::Json | Format::Yaml)) => {
            let doc = match format {
                Format::Json => crate::core::json::parse(text, 0),
                _ => crate::core::yaml::parse(text, 0),
            };
            let Ok(doc) = doc else { return Vec::new() };
            let first = match &doc.value {
                serde_json::Value::Array(a) => a.first(),
                // A Graph collection's `value`, or a hunting result's `results` (what `assure collect` writes).
                serde_json::Value::Object(m) => match m.get("value").or_else(|| m.get("results")) {
                    Some(serde_json::Value::Array(a)) => a.first(),
                    _ => Some(&doc.value),
                },
                _ => None,
            };
            first
                .and_then(|r| r.as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Where `assure init` writes the manifest's JSON Schema, relative to the config repo, for editors that read
/// the draft's `yaml-language-server` line.
pub const MANIFEST_SCHEMA: &str = ".assure/manifest.schema.json";

/// The draft manifest text.
pub fn draft(pack: &Pack, found: &[Recognised]) -> String {
    let mut by_dataset: BTreeMap<&str, Vec<(&Recognised, &PresetSpec)>> = BTreeMap::new();
    for r in found {
        if let Some(p) = r.preset.as_ref().and_then(|id| pack.presets.get(id)) {
            by_dataset.entry(p.dataset.as_str()).or_default().push((r, p));
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={MANIFEST_SCHEMA}");
    let _ = writeln!(
        out,
        "# assure manifest drafted by `assure init`: replace every TODO, then run `assure check`."
    );
    let _ = writeln!(out, "organisation:");
    let _ = writeln!(out, "  name: TODO the organisation's name");
    let _ = writeln!(out, "  ods_code: TODO-ODS-CODE  # the NHS ODS code, e.g. RXX");
    let _ = writeln!(out, "as_of: TODO  # the assessment date, YYYY-MM-DD (or pass --as-of)");
    let _ = writeln!(out, "datasets:");
    for (dataset, files) in &by_dataset {
        let (_, preset) = files[0];
        let _ = writeln!(out, "  {dataset}:  # {}", preset.title);
        let why = |r: &Recognised| r.reason.as_deref().map(|w| format!("  # {w}")).unwrap_or_default();
        if files.len() == 1 {
            let _ = writeln!(out, "    files: {}{}", yaml_string(&files[0].0.file), why(files[0].0));
        } else {
            let _ = writeln!(out, "    files:");
            for (r, _) in files {
                let _ = writeln!(out, "      - {}{}", yaml_string(&r.file), why(r));
            }
        }
        let _ = writeln!(out, "    preset: {}", preset.id);
    }
    let missing: Vec<(&String, &crate::spec::DatasetSpec)> = pack
        .datasets
        .iter()
        .filter(|(name, _)| !by_dataset.contains_key(name.as_str()) && pack.checks.iter().any(|c| reads(c, name)))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "  # TODO: the standards read these datasets, but no export here was recognised for them."
        );
        let _ = writeln!(
            out,
            "  # Add each with `files:` (and `fields:` renames if its columns differ), or leave it out and"
        );
        let _ = writeln!(out, "  # the checks that need it will report an error.");
        for (name, d) in missing {
            let _ = writeln!(out, "  # {name}:  # {}", d.description);
            let _ = writeln!(out, "  #   files: TODO");
        }
    }
    let unknown: Vec<&Recognised> = found.iter().filter(|r| r.preset.is_none()).collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "# TODO: files not recognised; if they are evidence, add them under a dataset above:"
        );
        for r in unknown {
            let cols = if r.fields.is_empty() {
                String::new()
            } else {
                format!(" (fields: {})", r.fields.join(", "))
            };
            let _ = writeln!(out, "#   {}{}", r.file, cols);
        }
    }
    out
}

fn reads(check: &crate::pack::checks::CheckDef, dataset: &str) -> bool {
    check.spec.dataset == dataset || check.spec.lookup.iter().any(|l| l.dataset == dataset)
}

fn yaml_string(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("{s:?}")
    }
}
