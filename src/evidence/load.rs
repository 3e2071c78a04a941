//! Loading a config repo: manifest, then every dataset's files in parallel.
//!
//! An unusable manifest is fatal (the caller exits 2). Anything wrong with one dataset — a bad glob, no file
//! for a required dataset, an unreadable or unparsable file, a symlink leaving the repo, a Graph collection
//! saved without its last page — becomes that dataset's `error` plus a diagnostic naming the file and line,
//! and every other dataset still loads. What a format reader notes about a file it could read (lines no pattern
//! matched, values PowerShell truncated) becomes a warning naming the file and line.

use super::discover::{RepoFile, globs, walk};
use super::formats::{self, FormatError, Note, Page, Parsed, ReadOptions};
use super::{Dataset, Evidence, EvidenceFile, Organisation, Record};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::path::FieldPath;
use crate::core::repo_file::{Jail, Refusal};
use crate::core::source::{SourceFile, decode_text};
use crate::core::vocab::Format;
use crate::spec::manifest::{DatasetSource, MANIFEST, Manifest};
use crate::spec::schema::{Kind, validate};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Loads the repo at `root`. `Err` holds the diagnostics that make the manifest unusable.
/// Export presets by id (from the standards pack), which a dataset may name with `preset:`.
pub type Presets = BTreeMap<String, crate::spec::PresetSpec>;

pub fn load(root: &Path, presets: &Presets) -> Result<(Evidence, Vec<Diagnostic>), Vec<Diagnostic>> {
    const NEEDED: &str = "a config repo needs an assure.yaml at its root naming the organisation and its datasets";
    let jail =
        Jail::new(root).map_err(|e| vec![Diagnostic::error(Code::Manifest, e).in_path(MANIFEST).help(NEEDED)])?;
    // The manifest sets the limits, so its own is fixed.
    let bytes = jail.read(MANIFEST, crate::core::repo_file::CONFIG_LIMIT).map_err(|r| {
        vec![match r {
            Refusal::Missing => Diagnostic::error(
                Code::Manifest,
                format!("cannot read {}: there is no {MANIFEST}", root.join(MANIFEST).display()),
            )
            .in_path(MANIFEST)
            .help(NEEDED),
            r => r.diagnostic(Code::Manifest, MANIFEST),
        }]
    })?;
    let text = decode_text(bytes).map_err(|e| vec![Diagnostic::error(Code::Encoding, e).in_path(MANIFEST)])?;
    let file = SourceFile::new(MANIFEST, text);
    let (manifest, as_of, spans) = parse_manifest(&file)?;

    let limits = manifest.limits.limits();
    let repo_files = walk(root).map_err(|e| vec![Diagnostic::error(Code::Io, e)])?;
    let mut evidence = Evidence {
        organisation: Organisation::from_spec(&manifest.organisation),
        as_of,
        params: manifest.params.clone(),
        lists: manifest.lists.clone(),
        limits,
        manifest: Some(super::ManifestSource {
            file: file.clone(),
            spans: spans.clone(),
        }),
        ..Evidence::default()
    };
    let (waivers, mut diags) = crate::evidence::waivers::load(&jail, limits.config);
    evidence.waivers = waivers;
    let (reviews, review_diags) = crate::evidence::reviews::load(&jail, limits.config);
    evidence.reviews = reviews;
    diags.extend(review_diags);

    // Plan: which files each dataset reads, and how.
    struct Job<'a> {
        dataset: &'a str,
        file: &'a RepoFile,
        opts: usize,
    }
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut options: Vec<Plan> = Vec::new();
    for (name, src) in &manifest.datasets {
        let at = |field: &str| spans.value(&format!("/datasets/{name}/{field}"));
        let fail = |message: String, field: &str, evidence: &mut Evidence, diags: &mut Vec<Diagnostic>| {
            diags.push(manifest_diag(&file, at(field), format!("dataset `{name}`: {message}")));
            evidence.datasets.insert(
                name.clone(),
                Dataset {
                    records: Vec::new(),
                    error: Some(message),
                },
            );
        };
        let src = match with_preset(name, src, presets) {
            Ok(s) => s,
            Err(e) => {
                fail(e, "preset", &mut evidence, &mut diags);
                continue;
            }
        };
        let set = match globs(&src.files.to_vec()) {
            Ok(s) => s,
            Err(e) => {
                fail(e, "files", &mut evidence, &mut diags);
                continue;
            }
        };
        let records = match src.records.as_deref().map(FieldPath::parse).transpose() {
            Ok(r) => r,
            Err(e) => {
                fail(e, "records", &mut evidence, &mut diags);
                continue;
            }
        };
        let pattern = match src
            .pattern
            .as_deref()
            .map(|p| regex::RegexBuilder::new(p).size_limit(1 << 20).build())
            .transpose()
        {
            Ok(p) => p,
            Err(e) => {
                fail(
                    format!("`pattern` does not compile: {e}"),
                    "pattern",
                    &mut evidence,
                    &mut diags,
                );
                continue;
            }
        };
        let delimiter = match src.delimiter.as_deref() {
            None => None,
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some("\\t") => Some(b'\t'),
            Some(d) => {
                fail(
                    format!("`delimiter` must be one character, not `{d}`"),
                    "delimiter",
                    &mut evidence,
                    &mut diags,
                );
                continue;
            }
        };
        let matched: Vec<&RepoFile> = repo_files
            .iter()
            .filter(|f| f.rel != MANIFEST && set.is_match(&f.rel))
            .collect();
        if matched.is_empty() {
            let message = format!(
                "no file matches {}",
                src.files
                    .to_vec()
                    .iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if src.optional {
                evidence.datasets.insert(name.clone(), Dataset::default());
            } else {
                fail(
                    format!("{message}; add the export or mark the dataset `optional: true`"),
                    "files",
                    &mut evidence,
                    &mut diags,
                );
            }
            continue;
        }
        options.push((records, pattern, delimiter, src.format, src.fields, src.allow_empty));
        evidence.datasets.insert(name.clone(), Dataset::default());
        jobs.extend(matched.into_iter().map(|f| Job {
            dataset: name,
            file: f,
            opts: options.len() - 1,
        }));
    }

    // Read, hash and parse every file in parallel, largest first and one file a task, so small files fill the
    // other threads while a large one is read; results are put back in plan order. A JSON export's text is
    // dropped once its records are read (src/evidence/json_table.rs), so large ones are read one at a time,
    // each in pieces on every worker: two held at once would add the second's text to the loading's peak.
    let mut order: Vec<(u64, usize)> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| (std::fs::symlink_metadata(&job.file.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let format_of = |job: &Job<'_>| {
        options[job.opts]
            .3
            .or_else(|| Format::from_name(&job.file.rel))
            .unwrap_or(Format::Lines)
    };
    let read = |i: usize| {
        let job = &jobs[i];
        let (records, pattern, delimiter, format, renames, allow_empty) = &options[job.opts];
        let result = read_one(
            &jail,
            limits.evidence,
            job.file,
            job.dataset,
            &ReadOptions {
                format: format_of(job),
                records: records.as_ref(),
                pattern: pattern.as_ref(),
                delimiter: delimiter.unwrap_or(b','),
                renames,
            },
            Given {
                format: format.is_some(),
                delimiter: delimiter.is_some(),
                allow_empty: *allow_empty,
            },
        );
        (i, result)
    };
    let (large_json, others): (Vec<_>, Vec<_>) = order
        .into_iter()
        .partition(|&(size, i)| size >= LARGE_JSON_BYTES && format_of(&jobs[i]) == Format::Json);
    let (mut results, rest) = rayon::join(
        || large_json.iter().map(|&(_, i)| read(i)).collect::<Vec<_>>(),
        || {
            others
                .par_iter()
                .with_max_len(1)
                .map(|&(_, i)| read(i))
                .collect::<Vec<_>>()
        },
    );
    results.extend(rest);
    results.sort_by_key(|(i, _)| *i);

    // Graph pages by dataset, in the order the files are read, to check each collection is complete.
    let mut pages: BTreeMap<&str, Vec<(&str, Option<Page>)>> = BTreeMap::new();
    for (job, (_, result)) in jobs.iter().zip(results) {
        match result {
            Ok((mut info, raws, page, notes, included)) => {
                pages
                    .entry(job.dataset)
                    .or_default()
                    .push((job.file.rel.as_str(), page));
                diags.extend(notes);
                let file_index = evidence.files.len() as u32;
                info.records = raws.len();
                evidence.files.push(info);
                // A file two configs include is listed once.
                for file in included {
                    if !evidence.files.iter().any(|f| f.path == file.path) {
                        evidence.files.push(file);
                    }
                }
                let dataset = evidence.datasets.entry(job.dataset.to_string()).or_default();
                let mut raws = raws;
                raws.iter_mut().for_each(|r| r.set_file(file_index));
                // The first file's records become the dataset's list as they are: no second copy.
                if dataset.records.is_empty() {
                    dataset.records = raws;
                } else {
                    dataset.records.extend(raws);
                }
            }
            Err(d) => {
                pages
                    .entry(job.dataset)
                    .or_default()
                    .push((job.file.rel.as_str(), None));
                let dataset = evidence.datasets.entry(job.dataset.to_string()).or_default();
                if dataset.error.is_none() {
                    dataset.error = Some(d.one_line());
                }
                diags.push(d);
            }
        }
    }
    super::date_order::apply(&mut evidence, &manifest.datasets, presets);
    for (name, files) in pages {
        if let Some(d) = incomplete_collection(name, &files) {
            let dataset = evidence.datasets.entry(name.to_string()).or_default();
            if dataset.error.is_none() {
                dataset.error = Some(d.one_line());
            }
            diags.push(d);
        }
    }
    Ok((evidence, diags))
}

/// The error for a dataset holding a Graph collection that was not saved to its end. Graph returns a large
/// collection in pages, each but the last carrying `@odata.nextLink`; a dataset's files are read in path
/// order, so a page with a next link must be followed by another Graph page of the dataset (`page-1.json`,
/// `page-2.json`, ...). A page with a next link and no page after it means records exist that were never
/// saved: the dataset is incomplete, not merely smaller.
fn incomplete_collection(dataset: &str, files: &[(&str, Option<Page>)]) -> Option<Diagnostic> {
    files.iter().enumerate().find_map(|(i, (file, page))| {
        let line = page.as_ref()?.next_link?;
        let followed = files.get(i + 1).is_some_and(|(_, next)| next.is_some());
        (!followed).then(|| {
            Diagnostic::error(
                Code::IncompleteExport,
                format!(
                    "{file}:{line} (dataset `{dataset}`): this Microsoft Graph page has an `@odata.nextLink` but no page follows it, so the export is incomplete: the records of the pages not saved are missing"
                ),
            )
            .in_path(format!("{file}:{line}"))
            .help("save every page (follow `@odata.nextLink` until a page has none, or use the Graph PowerShell cmdlet with `-All`) and name the pages so they sort in order, e.g. devices-01.json, devices-02.json; see docs/exports.md")
        })
    })
}

/// One file read: its entry in the evidence list, its records, its Graph paging, warnings and the entries of
/// the files it includes, or why it could not be read.
type Loaded = Result<
    (
        EvidenceFile,
        Vec<Record>,
        Option<Page>,
        Vec<Diagnostic>,
        Vec<EvidenceFile>,
    ),
    Diagnostic,
>;

/// How one dataset's files are read: record path, line pattern, CSV delimiter (when set), explicit format,
/// field renames, and whether a file may hold no records.
type Plan = (
    Option<FieldPath>,
    Option<regex::Regex>,
    Option<u8>,
    Option<Format>,
    BTreeMap<String, String>,
    bool,
);

/// What the manifest said of a dataset's files, beyond how to parse them: whether it named the format and the
/// delimiter (else they are guessed), and whether a file may hold no records.
#[derive(Clone, Copy)]
struct Given {
    format: bool,
    delimiter: bool,
    allow_empty: bool,
}

fn read_one(jail: &Jail, limit: u64, file: &RepoFile, dataset: &str, opts: &ReadOptions<'_>, given: Given) -> Loaded {
    let Given {
        format: format_given,
        delimiter: delimiter_given,
        allow_empty,
    } = given;
    let err = |code, message: String| Diagnostic::error(code, message).in_path(file.rel.clone());
    if !format_given && Format::from_name(&file.rel).is_none() {
        return Err(err(
            Code::Format,
            format!("cannot tell the format of {} from its name", file.rel),
        )
        .help(format!(
            "set `format:` for dataset `{dataset}` in assure.yaml (json, yaml, csv, tsv, lines or keyvalue)"
        )));
    }
    let bytes = jail
        .read(&file.rel, limit)
        .map_err(|r| r.diagnostic(r.code(), &file.rel))?;
    let size = bytes.len() as u64;
    let hash = |b: &[u8]| crate::core::hash::hex(&Sha256::digest(b));
    // Decoding keeps plain UTF-8 bytes as they are, so their hash can be taken from the text while it is parsed;
    // a file with a byte order mark is hashed before decoding changes it.
    let bom = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|m| bytes.starts_with(m));
    let early = bom.then(|| hash(&bytes));
    let text = decode(bytes).map_err(|(message, help)| {
        err(Code::Encoding, format!("{} (dataset `{dataset}`): {message}", file.rel)).help(help)
    })?;
    let source = SourceFile::new(file.rel.clone(), text);
    // A CSV export saved where `;` separates values reads as such unless the manifest says otherwise.
    let sniffed;
    let opts = if opts.format == Format::Csv && !delimiter_given {
        sniffed = ReadOptions {
            delimiter: formats::sniff_delimiter(&source.text),
            ..*opts
        };
        &sniffed
    } else {
        opts
    };
    let (sha256, parsed) = rayon::join(
        || early.unwrap_or_else(|| hash(source.text.as_bytes())),
        || parse_source(&source, dataset, opts),
    );
    let (records, page, mut notes) = parsed?;
    // An sshd_config's `Include`s are read where they stand, from inside the repo (src/evidence/sshd_include.rs).
    let followed = super::sshd_include::follow(jail, limit, &source, opts.format, opts.renames, records)?;
    let records = followed.records;
    notes.extend(followed.warnings);
    let included = followed
        .included
        .into_iter()
        .map(|f| EvidenceFile {
            path: f.path,
            dataset: dataset.to_string(),
            sha256: f.sha256,
            bytes: f.bytes,
            records: 0,
            included_from: Some(f.from),
        })
        .collect();
    if !allow_empty && let Some(what) = emptiness(&source.text, records.len()) {
        return Err(err(
            Code::EmptyExport,
            format!("{} (dataset `{dataset}`): {what}, so its checks cannot be assessed", file.rel),
        )
        .help(format!(
            "re-run the export (an export that lost its rows would otherwise pass or fail checks on nothing); if `{dataset}` may really be empty, set `allow_empty: true` on it in assure.yaml"
        )));
    }
    Ok((
        EvidenceFile {
            path: file.rel.clone(),
            dataset: dataset.to_string(),
            sha256,
            bytes: size,
            records: 0,
            included_from: None,
        },
        records,
        page,
        notes,
        included,
    ))
}

/// Why a file that parsed is still no evidence: nothing in it, only NUL bytes (what a crash or a full disk
/// leaves of a file being written), or no records where the manifest expects some.
fn emptiness(text: &str, records: usize) -> Option<&'static str> {
    if text.trim().is_empty() {
        Some("the file is empty")
    } else if text.trim_matches(|c: char| c == '\0' || c.is_whitespace()).is_empty() {
        Some("the file holds only NUL bytes")
    } else if records == 0 {
        Some("the file holds no records")
    } else {
        None
    }
}

/// The text of an export: UTF-8 (with or without a byte order mark) or UTF-16 with one. Anything else is an
/// error naming the line of the first byte that is not UTF-8 and how to save the file instead; Excel's plain
/// "CSV" and Windows PowerShell's `-Encoding Default` write Windows-1252, the usual cause.
fn decode(bytes: Vec<u8>) -> Result<String, (String, String)> {
    const RESAVE: &str = "save the file as UTF-8: in Excel, Save As \"CSV UTF-8 (Comma delimited)\"; in PowerShell, export with `-Encoding UTF8`";
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return decode_text(bytes).map_err(|e| (e, RESAVE.to_string()));
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    // UTF-16 without a byte order mark: ASCII text with a zero byte after (or before) every character.
    if bytes.len() >= 4
        && bytes[bom..]
            .chunks(2)
            .take(64)
            .all(|c| c.len() == 2 && (c[0] == 0) != (c[1] == 0))
    {
        return Err((
            "the file looks like UTF-16 text without a byte order mark, which cannot be read safely".to_string(),
            RESAVE.to_string(),
        ));
    }
    let mut bytes = bytes;
    bytes.drain(..bom);
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = crate::core::source::line_and_column(bytes, at);
        let byte = bytes.get(at).copied().unwrap_or_default();
        (
            format!(
                "line {line}, column {column} holds the byte 0x{byte:02X}, which is not UTF-8: the file is in another encoding (most likely Windows-1252, as Excel's plain \"CSV\" saves it)"
            ),
            RESAVE.to_string(),
        )
    })
}

/// A JSON export this large is read on its own (see [`load`]): it is parsed in pieces on every worker anyway.
const LARGE_JSON_BYTES: u64 = 4 << 20;

/// A file's records, its Graph paging and its warnings.
type ReadFile = (Vec<Record>, Option<Page>, Vec<Diagnostic>);

/// Parses one decoded file, with a diagnostic at the line of any error and a warning for each note.
fn parse_source(source: &Arc<SourceFile>, dataset: &str, opts: &ReadOptions<'_>) -> Result<ReadFile, Diagnostic> {
    let file = source.name.as_str();
    // Excerpts of an export are masked by the dataset's confidential fields before they are shown.
    let layout = Arc::new(crate::core::snippet::Layout {
        dataset: dataset.to_string(),
        format: opts.format,
        delimiter: opts.delimiter,
        renames: opts.renames.clone(),
    });
    let Parsed { records, notes, page } =
        formats::parse_file(source, opts).map_err(|FormatError { message, line }| {
            let span = line.map(|l| source.line_span(l));
            Diagnostic::error(Code::Evidence, format!("{file} (dataset `{dataset}`): {message}"))
                .evidence(layout.clone())
                .at(source, span, "here")
                .help("fix or re-export the file; checks that need this dataset report an error until then")
        })?;
    let warnings = notes
        .into_iter()
        .map(|Note { message, line, help }| {
            let span = line.map(|l| source.line_span(l));
            Diagnostic::warning(Code::Export, format!("{file} (dataset `{dataset}`): {message}"))
                .evidence(layout.clone())
                .at(source, span, "here")
                .help(help)
        })
        .collect();
    Ok((records, page, warnings))
}

/// The dataset's settings with its preset's defaults filled in (the manifest's own keys win).
fn with_preset(name: &str, src: &DatasetSource, presets: &Presets) -> Result<DatasetSource, String> {
    let Some(id) = &src.preset else {
        return Ok(src.clone());
    };
    let Some(p) = presets.get(id) else {
        let known = presets.keys().cloned().collect::<Vec<_>>().join(", ");
        return Err(format!("unknown preset `{id}`; the pack has: {known}"));
    };
    if p.dataset != name {
        return Err(format!("preset `{id}` reads a `{}` export, not `{name}`", p.dataset));
    }
    let mut out = src.clone();
    out.format = src.format.or(p.format);
    out.records = src.records.clone().or_else(|| p.records.clone());
    let mut fields = p.fields.clone();
    fields.extend(src.fields.clone());
    out.fields = fields;
    Ok(out)
}

fn manifest_diag(file: &Arc<SourceFile>, span: Option<crate::core::source::Span>, message: String) -> Diagnostic {
    Diagnostic::error(Code::Manifest, message).at(file, span, "here")
}

/// Parses and validates manifest text, as `load` does (also the fuzzing entry point).
pub fn parse_manifest_text(text: &str) -> Result<Manifest, Vec<Diagnostic>> {
    parse_manifest(&SourceFile::new(MANIFEST, text)).map(|(m, _, _)| m)
}

/// Parses and validates the manifest; any problem here makes the run unusable.
pub(crate) fn parse_manifest(
    file: &Arc<SourceFile>,
) -> Result<(Manifest, Option<jiff::civil::Date>, crate::core::source::SpanMap), Vec<Diagnostic>> {
    let doc = crate::core::yaml::parse(&file.text, usize::MAX).map_err(|e| {
        vec![manifest_diag(
            file,
            Some(e.span),
            format!("invalid YAML: {}", e.message),
        )]
    })?;
    let violations = validate(Kind::Manifest, &doc.value);
    if !violations.is_empty() {
        return Err(violations
            .into_iter()
            .map(|v| {
                let span = match &v.key {
                    Some(k) => doc.spans.key(&crate::core::source::pointer_push(&v.pointer, k)),
                    None => doc.spans.value(&v.pointer),
                };
                manifest_diag(file, span, v.message)
            })
            .collect());
    }
    let manifest: Manifest =
        serde_json::from_value(doc.value.clone()).map_err(|e| vec![manifest_diag(file, None, e.to_string())])?;
    let as_of = match &manifest.as_of {
        None => None,
        Some(s) => Some(s.parse::<jiff::civil::Date>().map_err(|_| {
            vec![manifest_diag(
                file,
                doc.spans.value("/as_of"),
                format!("`as_of: {s}` is not a date: write YYYY-MM-DD"),
            )]
        })?),
    };
    Ok((manifest, as_of, doc.spans))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_another_encoding_is_named_by_line() {
        let (message, help) = decode(b"Name\r\nAnn\r\nZo\xEB\r\n".to_vec()).unwrap_err();
        assert!(message.starts_with("line 3, column 3 holds the byte 0xEB"), "{message}");
        assert!(help.contains("CSV UTF-8"), "{help}");
        let (message, _) = decode(b"\xEF\xBB\xBFa\n\xFFb".to_vec()).unwrap_err();
        assert!(message.starts_with("line 2, column 1 holds the byte 0xFF"), "{message}");
        let (message, _) = decode(b"N\0a\0m\0e\0\r\0\n\0".to_vec()).unwrap_err();
        assert!(message.contains("UTF-16 text without a byte order mark"), "{message}");
        assert_eq!(decode(b"\xFF\xFEa\0\xE9\0".to_vec()).unwrap(), "a\u{e9}");
        assert_eq!(decode(b"\xEF\xBB\xBFok".to_vec()).unwrap(), "ok");
    }

    #[test]
    fn a_collection_is_complete_when_each_page_with_a_next_link_is_followed_by_a_page() {
        let page = |next: Option<usize>| Some(Page { next_link: next });
        let complete = [
            ("d-1.json", page(Some(4))),
            ("d-2.json", page(Some(4))),
            ("d-3.json", page(None)),
        ];
        assert!(incomplete_collection("devices", &complete).is_none());
        let last_missing = [("d-1.json", page(Some(4))), ("d-2.json", page(Some(5)))];
        let d = incomplete_collection("devices", &last_missing).unwrap();
        assert_eq!(d.location().as_deref(), Some("d-2.json:5"));
        // A page followed by a file that is no Graph page (or could not be read) is not followed by its next page.
        let broken = [("d-1.json", page(Some(4))), ("d-2.csv", None), ("d-3.json", page(None))];
        assert!(
            incomplete_collection("devices", &broken)
                .unwrap()
                .message
                .starts_with("d-1.json:4")
        );
        assert!(incomplete_collection("devices", &[("x.csv", None)]).is_none());
    }
}
