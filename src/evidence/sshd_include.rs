//! sshd_config's `Include`, followed as sshd follows it, and only inside the config repo.
//!
//! sshd reads an included file where the `Include` line stands: its keywords take part in "first value wins"
//! in that order, glob patterns expand in lexical order, and an `Include` inside a `Match` block includes
//! conditionally. A `Match` block in an included file lasts to that file's end, and after the file the
//! including file's own block (or the global section) continues: sshd does not let an included file change
//! the `Match` state of the file that includes it. A block in a file included from inside a `Match` block
//! applies when both blocks match, so its criteria are the two joined (sshd's criteria on one line are a
//! conjunction).
//!
//! Paths are read the way sshd resolves them, with the directory of the exported sshd_config standing for
//! `/etc/ssh`: a relative path (`sshd_config.d/*.conf`) and an absolute one under `/etc/ssh/`
//! (`/etc/ssh/sshd_config.d/*.conf`, Debian's default) are both found beside the exported file. Any other
//! absolute path, a path that climbs out of the repo, an included file that is a symlink out of it (the
//! [`Jail`] decides), an include loop and nesting deeper than sshd's own limit (16) are errors naming the
//! `Include` line, so the dataset's checks report an error rather than judge part of a configuration. A
//! pattern matching no file is a warning: sshd reads nothing for it either, but the server may have files the
//! export lacks.
//!
//! Every keyword keeps the line of the `Include` in the exported file that brought it in, so a finding points
//! at a line of that file.

use super::formats::{Section, directive, section_records};
use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::repo_file::Jail;
use crate::core::source::SourceFile;
use crate::core::vocab::Format;
use crate::evidence::Record;
use sha2::Digest;
use std::collections::BTreeMap;

pub const CODE: Code = Code::SshdInclude;
/// sshd's own limit on nested includes (`SERVCONF_MAX_DEPTH`).
const MAX_DEPTH: usize = 16;
/// The directory sshd resolves relative `Include` paths against.
const SSHDIR: &str = "/etc/ssh/";

/// The records of a `keyvalue` file with its `Include`s followed, and warnings; `records` unchanged for a
/// file of another format or one that includes nothing. `Err` is the error that makes the dataset unusable.
pub fn follow(
    jail: &Jail,
    limit: u64,
    source: &SourceFile,
    format: Format,
    renames: &BTreeMap<String, String>,
    records: Vec<Record>,
) -> Result<Followed, Diagnostic> {
    let includes = |text: &str| {
        text.split('\n')
            .filter_map(directive)
            .any(|(k, _)| k.eq_ignore_ascii_case("include"))
    };
    if format != Format::Keyvalue || !includes(&source.text) {
        return Ok(Followed {
            records,
            warnings: Vec::new(),
            included: Vec::new(),
        });
    }
    let base = match source.name.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => String::new(),
    };
    let mut reader = Reader {
        jail,
        limit,
        base,
        sections: vec![Section::default()],
        warnings: Vec::new(),
        included: Vec::new(),
    };
    let mut stack = vec![source.name.clone()];
    reader.read(&source.name, &source.text, 0, None, &mut stack)?;
    let mut records = section_records(reader.sections);
    if !renames.is_empty() {
        records.iter_mut().for_each(|r| r.rename(renames));
    }
    Ok(Followed {
        records,
        warnings: reader.warnings,
        included: reader.included,
    })
}

/// A config with its includes followed.
pub struct Followed {
    pub records: Vec<Record>,
    pub warnings: Vec<Diagnostic>,
    /// Each file read for an `Include`, once, in the order read, for the evidence trail (so that
    /// `assure verify` notices when one changes).
    pub included: Vec<Included>,
}

/// A file read for an `Include`.
pub struct Included {
    pub path: String,
    /// The file and line of the `Include` (`configs/bastion01/sshd_config:12`).
    pub from: String,
    pub sha256: String,
    pub bytes: u64,
}

struct Reader<'j> {
    jail: &'j Jail,
    limit: u64,
    /// The exported sshd_config's directory in the repo (`configs/bastion01/`): sshd's `/etc/ssh/`.
    base: String,
    sections: Vec<Section>,
    warnings: Vec<Diagnostic>,
    included: Vec<Included>,
}

impl Reader<'_> {
    /// Reads `file` (its `text`) into the sections, starting in section `current`; `top` is the line of the
    /// `Include` in the exported file that led here (`None` in that file itself); `stack` the files being read.
    fn read(
        &mut self,
        file: &str,
        text: &str,
        current: usize,
        top: Option<u32>,
        stack: &mut Vec<String>,
    ) -> Result<(), Diagnostic> {
        let mut current = current;
        let outer = self.sections.get(current).and_then(|s| s.criteria.clone());
        for (i, raw) in text.split('\n').enumerate() {
            let Some((key, value)) = directive(raw) else {
                continue;
            };
            let here = i as u32 + 1;
            let line = top.unwrap_or(here);
            if key.eq_ignore_ascii_case("match") {
                let criteria = match &outer {
                    Some(o) => format!("{o} {value}"),
                    None => value.to_string(),
                };
                self.sections.push(Section {
                    criteria: Some(criteria),
                    line,
                    ..Section::default()
                });
                current = self.sections.len() - 1;
            } else if key.eq_ignore_ascii_case("include") {
                for pattern in value.split_whitespace() {
                    let at = Site {
                        file,
                        line: here,
                        pattern,
                    };
                    for included in self.expand(&at)? {
                        if stack.contains(&included) {
                            return Err(at
                                .error(format!("{included} is already being read (an include loop)"))
                                .help("remove the `Include` that leads back to a file that includes it"));
                        }
                        if stack.len() > MAX_DEPTH {
                            return Err(at.error(format!(
                                "includes nest deeper than {MAX_DEPTH} files, which sshd refuses"
                            )));
                        }
                        let bytes = self
                            .jail
                            .read(&included, self.limit)
                            .map_err(|r| at.error(r.message(&included)).help(r.help()))?;
                        if !self.included.iter().any(|f| f.path == included) {
                            self.included.push(Included {
                                path: included.clone(),
                                from: format!("{file}:{here}"),
                                sha256: crate::core::hash::hex(&sha2::Sha256::digest(&bytes)),
                                bytes: bytes.len() as u64,
                            });
                        }
                        let text = crate::core::source::decode_text(bytes)
                            .map_err(|e| at.error(format!("{included}: {e}")).help("save it as UTF-8"))?;
                        stack.push(included.clone());
                        self.read(&included, &text, current, Some(line), stack)?;
                        stack.pop();
                    }
                }
            } else if let Some(section) = self.sections.get_mut(current) {
                section.set(key, value, line);
            }
        }
        Ok(())
    }

    /// The repo files an `Include` pattern names, in lexical order.
    fn expand(&mut self, at: &Site<'_>) -> Result<Vec<String>, Diagnostic> {
        let pattern = at.pattern.trim_matches('"');
        let within = if let Some(rest) = pattern.strip_prefix(SSHDIR) {
            rest
        } else if pattern.starts_with('/') || pattern.starts_with('~') {
            return Err(at
                .error(format!(
                    "{pattern} is outside {SSHDIR}, which the config repo does not hold"
                ))
                .help(format!(
                    "export the included files beside sshd_config and name them relative to it (or under {SSHDIR})"
                )));
        } else {
            pattern
        };
        let mut parts: Vec<&str> = self.base.split('/').filter(|p| !p.is_empty()).collect();
        for part in within.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(at
                            .error("the path leads out of the config repo".to_string())
                            .help("include only files kept in the config repo"));
                    }
                }
                p => parts.push(p),
            }
        }
        let rel = parts.join("/");
        let glob = |s: &str| s.contains(['*', '?', '[']);
        let found: Vec<String> = if !glob(&rel) {
            if std::fs::symlink_metadata(self.jail.root().join(&rel)).is_ok() {
                vec![rel.clone()]
            } else {
                Vec::new()
            }
        } else {
            let fixed: Vec<&str> = parts.iter().take_while(|p| !glob(p)).copied().collect();
            let dir = fixed.join("/");
            let on_disk = self.jail.root().join(&dir);
            if on_disk.canonicalize().is_ok_and(|d| !d.starts_with(self.jail.root())) {
                return Err(at
                    .error(format!("the directory {dir} leads out of the config repo"))
                    .help("copy the included files into the config repo instead of linking to them"));
            }
            let matcher = globset::GlobBuilder::new(&rel)
                .literal_separator(true)
                .build()
                .map_err(|e| at.error(format!("not a valid glob: {e}")))?
                .compile_matcher();
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let mut found: Vec<String> = super::discover::walk(&on_disk)
                .unwrap_or_default()
                .into_iter()
                .map(|f| format!("{prefix}{}", f.rel))
                .filter(|f| matcher.is_match(f))
                .collect();
            found.sort();
            found
        };
        if found.is_empty() {
            self.warnings.push(
                Diagnostic::warning(
                    CODE,
                    format!(
                        "{}:{}: `Include {pattern}` matches no file in the config repo, so nothing is read for it",
                        at.file, at.line
                    ),
                )
                .in_path(format!("{}:{}", at.file, at.line))
                .help(format!(
                    "if the server has such files, export them too, at {rel} (the exported sshd_config's directory stands for {SSHDIR})"
                )),
            );
        }
        Ok(found)
    }
}

/// An `Include` pattern and where it is written.
struct Site<'a> {
    file: &'a str,
    line: u32,
    pattern: &'a str,
}

impl Site<'_> {
    fn error(&self, what: String) -> Diagnostic {
        Diagnostic::error(
            CODE,
            format!("{}:{}: `Include {}`: {what}", self.file, self.line, self.pattern),
        )
        .in_path(format!("{}:{}", self.file, self.line))
    }
}
