//! Opening the files assure reads, and only those: one place decides whether a file may be read.
//!
//! A config repo comes from other people (a pull request, an exporter's script), so a file in it may be a
//! symlink to a private key, `/proc/self/environ` or `/dev/zero`, or a FIFO that blocks forever. Every reader
//! of a repo file (the manifest, `waivers.yaml`, `reviews.yaml`, evidence, a template or baseline kept in the
//! repo) goes through [`Jail::read`], which:
//!
//! - resolves symlinks and refuses a target outside the repo root (itself resolved);
//! - refuses anything but a regular file (FIFO, socket, device, directory) before opening it, and again on the
//!   opened handle, which is opened non-blocking so a file swapped for a FIFO in between cannot hang the run;
//! - reads at most a size limit, and refuses a file whose size on disk is not what reading it gave (a kernel
//!   pseudo-file such as those under `/proc` reports 0 bytes, then produces content).
//!
//! A path given on the command line outside the repo (`--baseline ../last-month.json`) is the user's explicit
//! choice: [`read_given`] reads it wherever it is, with the same regular-file and size rules. The same path
//! inside the repo is the repo's, and jailed ([`read_cli_path`]). Refusals say why and what to do, and never
//! carry the file's content.

use crate::core::codes::Code;
use crate::core::diagnostic::Diagnostic;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Default limit for one evidence file (an export): well above the largest real export.
pub const EVIDENCE_LIMIT: u64 = 2 << 30;
/// Default limit for a YAML configuration file (the manifest, waivers, reviews) or a template.
pub const CONFIG_LIMIT: u64 = 16 << 20;

/// Size limits for the reads of one run; the manifest's `limits:` may raise or lower them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes per evidence file, and for a baseline (a previous JSON assessment of that evidence).
    pub evidence: u64,
    /// Bytes per waivers or reviews file, and per template.
    pub config: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            evidence: EVIDENCE_LIMIT,
            config: CONFIG_LIMIT,
        }
    }
}

/// Why a file was not read. None of these holds any of the file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing at that path (callers treat an absent optional file as no file).
    Missing,
    /// A symlink whose target does not exist or loops.
    Broken(String),
    /// A symlink (or path) resolving outside the repo.
    Outside,
    /// A FIFO, socket, device or directory: its kind.
    NotRegular(&'static str),
    /// Larger than the limit: (size, limit).
    TooLarge(u64, u64),
    /// Reading gave a different size from the one on disk: a pseudo-file, or a file still being written.
    SizeChanged,
    /// The operating system refused (permissions, I/O).
    Io(String),
}

impl Refusal {
    /// One sentence naming `shown` (the path as the user knows it) and why.
    pub fn message(&self, shown: &str) -> String {
        match self {
            Refusal::Missing => format!("{shown} does not exist"),
            Refusal::Broken(e) => format!("{shown} is a broken or looping symlink: {e}"),
            Refusal::Outside => format!("{shown} is a symlink to a file outside the config repo, so it was not read"),
            Refusal::NotRegular(kind) => format!("{shown} is {kind}, not a regular file, so it was not read"),
            Refusal::TooLarge(size, limit) => format!(
                "{shown} is {} but the limit is {}, so it was not read",
                bytes(*size),
                bytes(*limit)
            ),
            Refusal::SizeChanged => format!(
                "{shown} gave a different number of bytes from its size on disk (a pseudo-file such as one under /proc, or a file still being written), so it was not used"
            ),
            Refusal::Io(e) => format!("cannot read {shown}: {e}"),
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::Missing => "check the path",
            Refusal::Broken(_) => "point the symlink at a file in the repo, or copy the file in",
            Refusal::Outside => "copy the file into the config repo instead of linking to it",
            Refusal::NotRegular(_) => "save the content as a regular file and commit that",
            Refusal::TooLarge(..) => {
                "check the file is the intended export; if it is, raise `limits:` in assure.yaml (evidence_mib, config_mib), see docs/manifest.md"
            }
            Refusal::SizeChanged => "read it again once it is complete, or copy the content into a regular file",
            Refusal::Io(_) => "check the file's permissions",
        }
    }

    /// The code of a refusal of a file that had to be read (evidence, a pack file).
    pub fn code(&self) -> Code {
        match self {
            Refusal::Outside => Code::OutsideRepo,
            Refusal::TooLarge(..) => Code::TooLarge,
            Refusal::NotRegular(_) | Refusal::SizeChanged => Code::NotAFile,
            _ => Code::Io,
        }
    }

    /// The refusal as a diagnostic coded `code`, naming `shown`.
    pub fn diagnostic(&self, code: Code, shown: &str) -> Diagnostic {
        Diagnostic::error(code, self.message(shown))
            .in_path(shown.to_string())
            .help(self.help())
    }
}

/// A size in the unit a person would write.
fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1 << 20)),
        n => format!("{n} bytes"),
    }
}

/// A repo root, resolved once, inside which files are read.
#[derive(Debug, Clone)]
pub struct Jail {
    root: PathBuf,
}

impl Jail {
    /// The jail at `root`; `Err` if the root cannot be resolved (it does not exist).
    pub fn new(root: &Path) -> Result<Jail, String> {
        root.canonicalize()
            .map(|root| Jail { root })
            .map_err(|e| format!("cannot read the config repo {}: {e}", root.display()))
    }

    /// The resolved root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads `rel` (relative to the root, `/`-separated) within `limit` bytes.
    pub fn read(&self, rel: &str, limit: u64) -> Result<Vec<u8>, Refusal> {
        let path = self.root.join(rel);
        let target = self.resolve(&path)?;
        read_regular(&target, limit)
    }

    /// Where `path` leads, if it stays inside the root.
    fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refusal::Missing),
            Err(e) => return Err(Refusal::Io(e.to_string())),
            Ok(_) => {}
        }
        let target = path.canonicalize().map_err(|e| Refusal::Broken(e.to_string()))?;
        if !target.starts_with(&self.root) {
            return Err(Refusal::Outside);
        }
        Ok(target)
    }

    /// `path` relative to the root when it lies inside it (its last component not resolved, so a symlink in
    /// the repo is judged by where it is, then by where it points).
    pub fn relative(&self, path: &Path) -> Option<String> {
        let name = path.file_name()?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok()?,
            _ => std::env::current_dir().ok()?.canonicalize().ok()?,
        };
        let rel = parent.join(name);
        let rel = rel.strip_prefix(&self.root).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }
}

/// Reads a path given on the command line: jailed when it lies inside the repo `jail`, else read where it is
/// (the user's explicit choice), a regular file within `limit` either way.
pub fn read_cli_path(jail: Option<&Jail>, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    match jail.and_then(|j| Some((j, j.relative(path)?))) {
        Some((jail, rel)) => jail.read(&rel, limit),
        None => read_given(path, limit),
    }
}

/// Reads a file named on the command line, wherever it is: a regular file (after following symlinks) within
/// `limit` bytes.
pub fn read_given(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Refusal::Missing),
        Err(e) => Err(Refusal::Io(e.to_string())),
        Ok(_) => {
            let target = path.canonicalize().map_err(|e| Refusal::Broken(e.to_string()))?;
            read_regular(&target, limit)
        }
    }
}

/// The kind of a file that is not a regular one, in words.
fn kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// `O_NONBLOCK`, so that opening a FIFO (swapped in after the type was checked) returns at once instead of
/// waiting for a writer; it changes nothing for a regular file. The value is the platform's ABI constant
/// (std has no name for it and the crate forbids `unsafe`, so no libc call is made).
#[cfg(unix)]
const NONBLOCK: Option<i32> = if cfg!(any(target_os = "linux", target_os = "android")) {
    // MIPS and SPARC number their flags differently; there the type check before opening is the guard.
    if cfg!(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    )) {
        None
    } else {
        Some(0o4000)
    }
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)) {
    Some(0x0004)
} else {
    None
};

fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if let Some(flag) = NONBLOCK {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(flag);
    }
    options.open(path)
}

/// Reads a resolved path that must be a regular file of at most `limit` bytes.
fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| Refusal::Io(e.to_string()))?;
    if let Some(kind) = kind(meta.file_type()) {
        return Err(Refusal::NotRegular(kind));
    }
    let file = open(path).map_err(|e| Refusal::Io(e.to_string()))?;
    // And again on the handle: what was opened is what is read.
    let meta = file.metadata().map_err(|e| Refusal::Io(e.to_string()))?;
    if let Some(kind) = kind(meta.file_type()) {
        return Err(Refusal::NotRegular(kind));
    }
    let size = meta.len();
    if size > limit {
        return Err(Refusal::TooLarge(size, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // One byte past the size on disk tells a pseudo-file (or a growing file) from a complete one.
    file.take(size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::Io(e.to_string()))?;
    if bytes.len() as u64 != size {
        return Err(Refusal::SizeChanged);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_in_the_repo_is_read_and_nothing_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").unwrap();
        std::fs::write(outside.path().join("key"), "PRIVATE").unwrap();
        let jail = Jail::new(dir.path()).unwrap();
        assert_eq!(jail.read("a.yaml", 100).unwrap(), b"a: 1\n");
        assert_eq!(jail.read("none.yaml", 100), Err(Refusal::Missing));
        assert_eq!(jail.read("a.yaml", 2), Err(Refusal::TooLarge(5, 2)));
        assert_eq!(jail.read("../x", 100).unwrap_err(), Refusal::Missing);
        std::fs::create_dir(dir.path().join("d")).unwrap();
        assert_eq!(jail.read("d", 100), Err(Refusal::NotRegular("a directory")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path().join("key"), dir.path().join("w.yaml")).unwrap();
            assert_eq!(jail.read("w.yaml", 100), Err(Refusal::Outside));
            std::os::unix::fs::symlink("a.yaml", dir.path().join("in.yaml")).unwrap();
            assert_eq!(jail.read("in.yaml", 100).unwrap(), b"a: 1\n");
            assert_eq!(
                read_given(Path::new("/dev/zero"), 100),
                Err(Refusal::NotRegular("a device"))
            );
            if Path::new("/proc/self/environ").exists() {
                assert_eq!(
                    read_given(Path::new("/proc/self/environ"), 1 << 20),
                    Err(Refusal::SizeChanged)
                );
            }
        }
        for r in [
            Refusal::Outside,
            Refusal::TooLarge(3 << 30, 2 << 30),
            Refusal::SizeChanged,
        ] {
            assert!(!r.message("w.yaml").contains("PRIVATE"));
        }
        assert_eq!(bytes(2 << 30), "2 GiB");
    }

    #[test]
    fn a_cli_path_inside_the_repo_is_the_repos() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        let jail = Jail::new(dir.path()).unwrap();
        assert_eq!(jail.relative(&dir.path().join("b.json")).as_deref(), Some("b.json"));
        assert_eq!(jail.relative(Path::new("/b.json")), None);
        assert_eq!(
            read_cli_path(Some(&jail), &dir.path().join("b.json"), 10).unwrap(),
            b"{}"
        );
    }
}
