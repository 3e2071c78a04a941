//! The files of a standards pack: read from a directory through its own jail, or from the pack built into the
//! binary; and the pack's fingerprint over its YAML files.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use crate::core::hash::hex;
use sha2::{Digest, Sha256};
use std::path::Path;

static EMBEDDED: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/standards");

/// Reads every file under `dir` (skipping hidden entries), each through the jail of `dir`: a symlink is read
/// where it points if that is inside the pack, and a FIFO, device, oversized file or symlink out of the pack is
/// refused by name rather than read (or waited on). All refusals come back together.
pub fn load_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let not_a_pack = |message: String| {
        vec![
            Diagnostic::error(Code::StandardsDir, message)
                .help("pass --standards DIR naming a standards pack (a directory holding pack.yaml)"),
        ]
    };
    if !dir.is_dir() {
        return Err(not_a_pack(format!("{} is not a directory", dir.display())));
    }
    let jail = crate::core::repo_file::Jail::new(dir).map_err(not_a_pack)?;
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                refused.push(Diagnostic::error(
                    Code::Io,
                    format!("cannot read the standards directory: {e}"),
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match jail.read(&name, crate::core::repo_file::CONFIG_LIMIT) {
            Ok(bytes) => files.push((name, bytes)),
            Err(crate::core::repo_file::Refusal::Outside) => refused.push(
                Diagnostic::error(
                    Code::OutsideRepo,
                    format!("{name} is a symlink to a file outside the standards directory, so it was not read"),
                )
                .in_path(name)
                .help("copy the file into the standards directory instead of linking to it"),
            ),
            Err(r) => refused.push(r.diagnostic(r.code(), &name)),
        }
    }
    if refused.is_empty() { Ok(files) } else { Err(refused) }
}

/// The pack built into the binary.
pub fn embedded_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(dir: &include_dir::Dir<'_>, out: &mut Vec<(String, Vec<u8>)>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents().to_vec()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    walk(&EMBEDDED, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub(super) fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The pack's fingerprint: its YAML files (outside `schema/`), names and bytes, in name order.
pub(super) fn fingerprint(files: &[&(String, Vec<u8>)]) -> String {
    let mut hasher = Sha256::new();
    for (name, bytes) in files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    hex(&hasher.finalize())
}

/// The built-in pack's fingerprint, worked out once.
pub(super) fn built_in_fingerprint() -> &'static str {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let files = embedded_files();
        fingerprint(&pack_yaml(&files))
    })
}

/// The files that make up a pack's content, in name order (`files` is sorted).
pub(super) fn pack_yaml(files: &[(String, Vec<u8>)]) -> Vec<&(String, Vec<u8>)> {
    files
        .iter()
        .filter(|(name, _)| !name.starts_with("schema/") && is_yaml(name))
        .collect()
}
