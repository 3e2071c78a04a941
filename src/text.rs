//! A file's text, and reading a file's bytes.
//!
//! Most files are read onto the heap. A large export (tens or hundreds of megabytes: a Defender vulnerability
//! export) is read, on Linux, into an anonymous mapping advised to use transparent huge pages: the kernel then
//! faults the buffer in 2 MiB at a time instead of 4 KiB, and reading a 60 MB file takes about 10 ms instead
//! of 33 (docs/performance.md). The text is borrowed from the mapping once validated as UTF-8 ([`yoke`] ties
//! the two together, so no `unsafe` is needed here).

use memmap2::{Mmap, MmapMut, MmapOptions};
use std::fmt;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;
use yoke::Yoke;

/// Files from this size are read into a huge-page mapping (where there is one to advise).
const MAPPED_FROM: u64 = 8 << 20;

/// A file's bytes as read: on the heap or in a mapping.
pub enum Bytes {
    Heap(Vec<u8>),
    Mapped(Mmap),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Heap(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// Reads a whole file, as `std::fs::read` does.
pub fn read(path: &Path) -> std::io::Result<Bytes> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if cfg!(target_os = "linux")
        && len >= MAPPED_FROM
        && let Ok(len) = usize::try_from(len)
        && let Some(mapped) = read_mapped(&mut file, len)?
    {
        return Ok(Bytes::Mapped(mapped));
    }
    // From the start: a mapped read that found the file changing under it has read part of it.
    drop(file);
    std::fs::read(path).map(Bytes::Heap)
}

/// Reads exactly `len` bytes into a huge-page mapping; `None` when the file no longer has that size or no
/// mapping can be made (the caller then reads it onto the heap).
fn read_mapped(file: &mut std::fs::File, len: usize) -> std::io::Result<Option<Mmap>> {
    let Ok(mut map) = MmapOptions::new().len(len).map_anon() else {
        return Ok(None);
    };
    advise_huge_pages(&map);
    let mut filled = 0;
    while filled < len {
        match file.read(&mut map[filled..]) {
            Ok(0) => return Ok(None),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if file.read(&mut [0u8])? != 0 {
        return Ok(None);
    }
    Ok(map.make_read_only().ok())
}

/// A hint: where transparent huge pages are off, or the advice is refused, the mapping uses small pages.
fn advise_huge_pages(map: &MmapMut) {
    #[cfg(target_os = "linux")]
    let _ = map.advise(memmap2::Advice::HugePage);
    #[cfg(not(target_os = "linux"))]
    let _ = map;
}

/// A file's text: a `String`, or UTF-8 validated in place in a mapping.
pub struct Text(Repr);

enum Repr {
    Owned(String),
    Mapped(Yoke<&'static str, Mmap>),
}

impl Text {
    /// Decodes a file's bytes: a UTF-8 byte order mark is dropped and UTF-16 (with its mark) decoded; any
    /// other bytes must be UTF-8. Mapped UTF-8 stays where it is.
    pub fn decode(bytes: Bytes) -> Result<Text, String> {
        match bytes {
            Bytes::Heap(v) => crate::source::decode_text(v).map(Text::from),
            Bytes::Mapped(m) if m.starts_with(b"\xFF\xFE") || m.starts_with(b"\xFE\xFF") => {
                crate::source::decode_text(m.to_vec()).map(Text::from)
            }
            Bytes::Mapped(m) => {
                let skip = if m.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
                Yoke::try_attach_to_cart(m, |b: &[u8]| std::str::from_utf8(&b[skip..]))
                    .map(|y| Text(Repr::Mapped(y)))
                    .map_err(|e| crate::source::utf8_error(e.valid_up_to() + skip))
            }
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Owned(s) => s,
            Repr::Mapped(y) => y.get(),
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Repr::Owned(s.to_string()))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(content: &[u8]) -> Bytes {
        let mut map = MmapOptions::new().len(content.len()).map_anon().unwrap();
        map.copy_from_slice(content);
        Bytes::Mapped(map.make_read_only().unwrap())
    }

    #[test]
    fn mapped_text_decodes_as_heap_text_does() {
        let cases: [&[u8]; 5] = [
            b"a,b\n1,2\n",
            b"\xEF\xBB\xBFa,b\n",
            b"\xFF\xFEa\0,\0b\0",
            b"ok\xFFbad",
            b"\xEF\xBB\xBFok\xC3",
        ];
        for case in cases {
            let heap = Text::decode(Bytes::Heap(case.to_vec())).map(|t| t.to_string());
            let map = Text::decode(mapped(case)).map(|t| t.to_string());
            assert_eq!(map, heap, "{case:?}");
        }
        assert_eq!(&*Text::decode(mapped(b"\xEF\xBB\xBFa,b\n")).unwrap(), "a,b\n");
    }

    #[test]
    fn a_large_file_reads_whole_and_unchanged() {
        let dir = std::env::temp_dir().join(format!("assure-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.csv");
        let line = "DeviceName,CveId,2026-10-01\n";
        let content = line.repeat((MAPPED_FROM as usize) / line.len() + 3);
        std::fs::write(&path, &content).unwrap();
        let bytes = read(&path).unwrap();
        if cfg!(target_os = "linux") {
            assert!(matches!(bytes, Bytes::Mapped(_)), "a file past the threshold is mapped");
        }
        assert_eq!(&*Text::decode(bytes).unwrap(), content);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
