//! Finding a dataset's files inside the config repo, and nowhere else.
//!
//! The repo is walked once without following symlinks. Globs are relative and may not contain `..`; a matched
//! file is read through [`crate::core::repo_file::Jail`], so a symlink must resolve to a regular file inside the repo.
//! Directory symlinks are not descended into, so symlink loops cannot hang the walk.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// A file in the repo: its path relative to the repo (with `/`) and on disk.
#[derive(Debug, Clone)]
pub struct RepoFile {
    pub rel: String,
    pub path: PathBuf,
    pub is_symlink: bool,
}

/// Every file under `root`, sorted, skipping `.git` and other hidden directories.
pub fn walk(root: &Path) -> Result<Vec<RepoFile>, String> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| {
        e.depth() == 0 || !(e.file_type().is_dir() && e.file_name().to_string_lossy().starts_with('.'))
    }) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // An unreadable directory loses only its own files.
                if e.depth() == 0 {
                    return Err(format!("cannot read {}: {e}", root.display()));
                }
                continue;
            }
        };
        let ft = entry.file_type();
        if !(ft.is_file() || ft.is_symlink()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push(RepoFile {
            rel,
            path: entry.path().to_path_buf(),
            is_symlink: ft.is_symlink(),
        });
    }
    Ok(out)
}

/// Compiles a dataset's globs, refusing any that could leave the repo.
pub fn globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        if p.starts_with('/') || p.starts_with('\\') || p.contains(':') && p.chars().nth(1) == Some(':') {
            return Err(format!("`{p}` is absolute: write paths relative to the config repo"));
        }
        if p.split(['/', '\\']).any(|s| s == "..") {
            return Err(format!("`{p}` contains `..`: evidence must be inside the config repo"));
        }
        let glob = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("`{p}` is not a valid glob: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}
