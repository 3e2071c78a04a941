//! Writing what was collected: one file per dataset, in the API's response shape, replaced atomically and only
//! inside the config repo.
//!
//! Records are written as the API sent them (their own key order and values, one record per line, so a finding
//! names a useful line), in the order the pages brought them, under the first page's `@odata.context`; no
//! time of collection or other run-specific value goes in, so the same responses give the same bytes. The file
//! is written to a temporary file beside it and renamed over the old one: a failed or interrupted collection
//! leaves the previous export whole. Folders are created as needed, but never through a symlink leading out
//! of the repo, and a symlink or folder where the file should be is refused rather than written through.

use crate::core::repo_file::Jail;
use serde_json::value::RawValue;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A collection or hunting result ready to write.
#[derive(Debug)]
pub struct Collected {
    /// `@odata.context` of the first page, when it had one.
    pub context: Option<String>,
    /// A hunting result's column list (`schema`), written before the records.
    pub schema: Option<Box<RawValue>>,
    /// The records, each an object as the API wrote it.
    pub records: Vec<Box<RawValue>>,
    /// The key the records go under: `value` for a collection, `results` for a hunting query.
    pub key: &'static str,
    /// Responses read.
    pub pages: usize,
}

impl Collected {
    /// The file's bytes: a JSON object in the API's shape, with every page's records in one list.
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let string = |s: &str| serde_json::to_string(s).map_err(|e| e.to_string());
        let mut out = String::from("{\n");
        if let Some(context) = &self.context {
            out.push_str(&format!("  \"@odata.context\": {},\n", string(context)?));
        }
        if let Some(schema) = &self.schema {
            out.push_str(&format!("  \"schema\": {},\n", compact(schema)));
        }
        out.push_str(&format!("  {}: [", string(self.key)?));
        for (i, record) in self.records.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&compact(record));
        }
        out.push_str(if self.records.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        Ok(out.into_bytes())
    }
}

/// `raw` on one line: as sent when it already is; otherwise its whitespace between tokens removed (keys keep
/// their order, strings their content).
fn compact(raw: &RawValue) -> String {
    let text = raw.get();
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Writes `bytes` to `rel` (relative to the repo, `/`-separated) through a temporary file and a rename.
pub fn write_atomically(jail: &Jail, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let target = inside(jail, rel)?;
    let parent = target
        .parent()
        .ok_or_else(|| format!("{rel} is not a file path"))?
        .to_path_buf();
    let name = target
        .file_name()
        .ok_or_else(|| format!("{rel} is not a file path"))?
        .to_string_lossy()
        .into_owned();
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{rel} is a symlink; collect replaces only regular files, so it was not written (remove the link)"
            ));
        }
        if !meta.is_file() {
            return Err(format!("{rel} exists and is not a regular file, so it was not written"));
        }
    }
    let temp = parent.join(format!(".{name}.{}.collect-tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, &target));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot write {rel}: {e}")
    })
}

/// Where `rel` is on disk, after creating its missing folders, each checked to be inside the repo.
fn inside(jail: &Jail, rel: &str) -> Result<PathBuf, String> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    if rel.is_empty() || !plain || rel.contains('\\') {
        return Err(format!(
            "`{rel}` must be a path relative to the config repo, without `..`"
        ));
    }
    let mut dir = jail.root().to_path_buf();
    let folders: Vec<Component<'_>> = path.components().collect();
    for folder in folders.iter().take(folders.len().saturating_sub(1)) {
        let next = dir.join(folder);
        match std::fs::symlink_metadata(&next) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&next).map_err(|e| format!("cannot create {}: {e}", next.display()))?;
            }
            Err(e) => return Err(format!("cannot read {}: {e}", next.display())),
            Ok(_) => {}
        }
        let resolved = next
            .canonicalize()
            .map_err(|e| format!("cannot read {}: {e}", next.display()))?;
        if !resolved.starts_with(jail.root()) || !resolved.is_dir() {
            return Err(format!(
                "{rel}: {} leads outside the config repo or is not a folder, so nothing was written there",
                folder.as_os_str().to_string_lossy()
            ));
        }
        dir = resolved;
    }
    let name = path.file_name().ok_or_else(|| format!("{rel} is not a file path"))?;
    Ok(dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn pages_merge_into_one_response_in_the_order_sent() {
        let collected = Collected {
            context: Some("https://graph.microsoft.com/v1.0/$metadata#users".into()),
            schema: None,
            records: vec![
                raw(r#"{"z":1,"a":"b"}"#),
                raw("{\n  \"id\": \"x y\",\n  \"n\": [1, 2]\n}"),
            ],
            key: "value",
            pages: 2,
        };
        let text = String::from_utf8(collected.to_bytes().unwrap()).unwrap();
        assert_eq!(
            text,
            "{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#users\",\n  \"value\": [\n    {\"z\":1,\"a\":\"b\"},\n    {\"id\":\"x y\",\"n\":[1,2]}\n  ]\n}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["value"][1]["id"], "x y");
        let empty = Collected {
            context: None,
            schema: Some(raw("[{\"name\":\"DeviceName\",\"type\":\"String\"}]")),
            records: vec![],
            key: "results",
            pages: 1,
        };
        let text = String::from_utf8(empty.to_bytes().unwrap()).unwrap();
        assert_eq!(
            text,
            "{\n  \"schema\": [{\"name\":\"DeviceName\",\"type\":\"String\"}],\n  \"results\": []\n}\n"
        );
    }

    #[test]
    fn compacting_keeps_strings_with_quotes_and_spaces() {
        let r = raw("{\n \"a\": \"x \\\" \\n y\",\n \"b\" : true\n}");
        assert_eq!(compact(&r), "{\"a\":\"x \\\" \\n y\",\"b\":true}");
    }

    #[test]
    fn writes_replace_files_inside_the_repo_only() {
        let dir = tempfile::tempdir().unwrap();
        let jail = Jail::new(dir.path()).unwrap();
        write_atomically(&jail, "exports/intune/devices.json", b"one").unwrap();
        write_atomically(&jail, "exports/intune/devices.json", b"two").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("exports/intune/devices.json")).unwrap(),
            b"two"
        );
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path().join("exports/intune")).unwrap().count(), 1);
        for bad in ["../x.json", "/etc/x.json", "a/../../x.json", "", "a\\b.json"] {
            assert!(write_atomically(&jail, bad, b"x").is_err(), "{bad}");
        }
        let outside = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
            let e = write_atomically(&jail, "link/x.json", b"x").unwrap_err();
            assert!(e.contains("outside the config repo"), "{e}");
            std::os::unix::fs::symlink(outside.path().join("f.json"), dir.path().join("f.json")).unwrap();
            let e = write_atomically(&jail, "f.json", b"x").unwrap_err();
            assert!(e.contains("symlink"), "{e}");
            assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        }
    }
}
