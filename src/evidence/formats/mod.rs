//! Parsing one evidence file into records, for each format: JSON and YAML ([`structured`]), CSV/TSV
//! ([`delimited`]), text lines and key/value ([`text`]).
//!
//! Every record keeps its line: JSON and YAML through the span-aware loaders, CSV through the reader's
//! positions (or, in a piece without quotes, by counting line ends), text formats by counting. A record that
//! is not an object, a ragged CSV row or a syntax error is a [`FormatError`] with the line, so the dataset
//! errors with a cause a trust can fix.
//!
//! Exports are read as the tools write them: PowerShell's `#TYPE` line above a CSV header is skipped, a Graph
//! response's paging (`@odata.nextLink`) is reported for the loader to check ([`Page`]), and what would
//! otherwise be lost quietly becomes a [`Note`]: text lines no pattern matched, and values PowerShell wrote in
//! place of objects nested deeper than `ConvertTo-Json -Depth`.

use super::record::{Columns, Field, Record, Sheet, Table};
use crate::core::path::{FieldPath, Segment};
use crate::core::source::{SourceFile, pointer_push};
use crate::core::vocab::Format;
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

mod delimited;
mod structured;
mod text;

use delimited::delimited;
pub(crate) use delimited::past_line_ends;
pub use delimited::{csv_headers, sniff_delimiter};
pub(crate) use structured::Truncated;
use structured::structured;
pub use structured::truncated_by_powershell;
pub(crate) use text::{Section, directive, section_records};
use text::{key_value, lines};

#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    pub message: String,
    pub line: Option<usize>,
}

/// How to read a file.
pub struct ReadOptions<'a> {
    pub format: Format,
    pub records: Option<&'a FieldPath>,
    pub pattern: Option<&'a regex::Regex>,
    pub delimiter: u8,
    /// Field renames (canonical name <- exported name): a CSV file's header is renamed once, other records one
    /// by one.
    pub renames: &'a BTreeMap<String, String>,
}

/// Something about a file that does not stop it being read but that the trust should know: the records may
/// not be all the export held.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub message: String,
    pub line: Option<usize>,
    /// What to do about it.
    pub help: String,
}

/// A saved Microsoft Graph response (a top-level object with a `value` list): one page of a collection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// The line of its `@odata.nextLink`, when the collection continues on another page.
    pub next_link: Option<usize>,
}

/// A file's records, what is worth a warning about them, and its Graph paging.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub notes: Vec<Note>,
    pub page: Option<Page>,
}

/// Parses a file into records (their `file` is set by the caller).
pub fn parse(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Vec<Record>, FormatError> {
    parse_file(file, opts).map(|p| p.records)
}

/// [`parse`], with the file's notes and paging.
pub fn parse_file(file: &Arc<SourceFile>, opts: &ReadOptions<'_>) -> Result<Parsed, FormatError> {
    let mut parsed = match opts.format {
        Format::Csv => return delimited(file, opts.delimiter, opts.renames),
        Format::Tsv => return delimited(file, b'\t', opts.renames),
        Format::Json | Format::Yaml => structured(file, opts)?,
        Format::Lines => lines(file, opts.pattern)?,
        Format::Keyvalue => Parsed {
            records: key_value(file),
            ..Parsed::default()
        },
    };
    if !opts.renames.is_empty() {
        parsed.records.iter_mut().for_each(|r| r.rename(opts.renames));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        name: &str,
        text: &str,
        format: Format,
        records: Option<&str>,
        pattern: Option<&str>,
    ) -> Result<Vec<Record>, FormatError> {
        let file = SourceFile::new(name, text);
        let path = records.map(|r| FieldPath::parse(r).unwrap());
        let re = pattern.map(|p| regex::Regex::new(p).unwrap());
        parse(
            &file,
            &ReadOptions {
                format,
                records: path.as_ref(),
                pattern: re.as_ref(),
                delimiter: b',',
                renames: &BTreeMap::new(),
            },
        )
    }

    #[test]
    fn json_graph_export_records_keep_lines() {
        let text = "{\n \"@odata.context\": \"x\",\n \"value\": [\n  {\"deviceName\": \"A\"},\n  {\n   \"deviceName\": \"B\",\n   \"isEncrypted\": false\n  }\n ]\n}\n";
        let recs = read("d.json", text, Format::Json, Some("value[*]"), None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (4, 5));
        assert_eq!(
            (recs[1].field_line("deviceName"), recs[1].field_line("isEncrypted")),
            (6, 7)
        );
        // Without a path, a Graph `{ value: [...] }` object is read the same way.
        let without_path = read("d.json", text, Format::Json, None, None).unwrap();
        assert_eq!(without_path.len(), 2);
        assert_eq!(
            without_path[1].field_line("isEncrypted"),
            7,
            "field lines without a record path too"
        );
    }

    #[test]
    fn field_lines_are_counted_through_the_file() {
        let text = "- &shared\n  name: A\n\n  owner: IT\n- name: B\n  # a comment\n  owner: HR\n- *shared\n";
        let recs = read("r.yaml", text, Format::Yaml, None, None).unwrap();
        let lines: Vec<_> = recs
            .iter()
            .map(|r| (r.line(), r.field_line("name"), r.field_line("owner")))
            .collect();
        assert_eq!(lines[0], (1, 2, 4));
        assert_eq!(lines[1], (5, 5, 7));
        // An alias's fields are reported on the alias's line.
        assert_eq!(lines[2], (8, 8, 8));

        let json = "{\"value\": [\n {\"a\": 1,\n\n  \"b\\u0041\": 2, \"c\": 3},\n {\"a\": 4}]}";
        let recs = read("d.json", json, Format::Json, None, None).unwrap();
        assert_eq!(
            (
                recs[0].field_line("a"),
                recs[0].field_line("bA"),
                recs[0].field_line("c")
            ),
            (2, 4, 4)
        );
        assert_eq!((recs[1].line(), recs[1].field_line("a")), (5, 5));
    }

    #[test]
    fn json_key_names_decode_escapes() {
        assert_eq!(
            crate::core::json::key_name("\"deviceName\"").as_deref(),
            Some("deviceName")
        );
        assert_eq!(
            crate::core::json::key_name("\"a\\\"b\\u00e9\"").as_deref(),
            Some("a\"bé")
        );
        let text = "{\"value\": [\n {\n  \"na\\u006de\": \"A\",\n  \"ok\": 1\n }\n]}";
        let recs = read("e.json", text, Format::Json, None, None).unwrap();
        assert_eq!((recs[0].field_line("name"), recs[0].field_line("ok")), (3, 4));
    }

    #[test]
    fn yaml_records_keep_lines() {
        let recs = read(
            "s.yaml",
            "- name: A\n  contract: yes\n- name: B\n",
            Format::Yaml,
            None,
            None,
        )
        .unwrap();
        assert_eq!((recs[0].line(), recs[1].line()), (1, 3));
        assert_eq!(recs[0].field_line("contract"), 2);
        assert_eq!(recs[0].to_value()["contract"], "yes");
    }

    #[test]
    fn yaml_fields_keep_their_lines_whatever_their_keys() {
        let text = "incidents:\n  - id: INC-1\n    \"reported at\": 2026-01-02\n    'owner''s team': IG\n    \
                    1: one\n    null: nothing\n    \"esc\\tkey\": x\n    nested:\n      deep: 1\n  \
                    - { id: INC-2,\n      severity: high }\n";
        let recs = read("r.yaml", text, Format::Yaml, Some("incidents[*]"), None).unwrap();
        let lines: Vec<u32> = [
            "id",
            "reported at",
            "owner's team",
            "1",
            "null",
            "esc\tkey",
            "nested",
            "absent",
        ]
        .iter()
        .map(|f| recs[0].field_line(f))
        .collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 2]);
        assert_eq!((recs[1].line(), recs[1].field_line("severity")), (10, 11));
        // Top-level lists, with comments and a document marker before them, in both formats.
        for (name, text, format) in [
            (
                "l.yaml",
                "# register\n---\n- id: A\n  owner: IG\n- id: B\n",
                Format::Yaml,
            ),
            (
                "l.json",
                "\n[\n {\"id\": \"A\",\n  \"owner\": \"IG\"},\n {\"id\": \"B\"}\n]",
                Format::Json,
            ),
        ] {
            let recs = read(name, text, format, None, None).unwrap();
            let lines = (recs[0].line(), recs[0].field_line("owner"), recs[1].line());
            assert_eq!(lines, (3, 4, 5), "{name}");
        }
    }

    #[test]
    fn non_object_records_are_errors() {
        let err = read("x.json", "[1, 2]", Format::Json, None, None).unwrap_err();
        assert!(err.message.contains("is a number, not an object"), "{}", err.message);
    }

    #[test]
    fn csv_rows_quoted_newlines_and_ragged_rows() {
        let text = "Name,Enabled,Note\r\nA,True,\"two\nlines\"\r\nB,False,\r\n";
        let recs = read("a.csv", text, Format::Csv, None, None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (2, 4));
        assert_eq!(recs[0].to_value()["Note"], "two\nlines");
        assert!(recs[1].to_value()["Note"].is_null());
        let err = read("b.csv", "a,b\n1,2,3\n", Format::Csv, None, None).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("3 cells but the header has 2"));
    }

    #[test]
    fn a_duplicate_among_100_000_header_names_is_found() {
        // A 1 MB header: the names are checked against a set, not each against every one before it.
        let mut header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let distinct = format!("{}\n{}\n", header.join(","), vec!["1"; header.len()].join(","));
        assert_eq!(
            read("w.csv", &distinct, Format::Csv, None, None).unwrap()[0]
                .fields()
                .len(),
            100_000
        );
        header.push("c50000".into());
        let text = format!("{}\n{}\n", header.join(","), vec!["1"; header.len()].join(","));
        let err = read("w.csv", &text, Format::Csv, None, None).unwrap_err();
        assert_eq!(err.message, "the header `c50000` appears twice");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn lines_with_named_groups() {
        let text = "2026-10-01 alert CC-4501 acknowledged\nnoise\n2026-10-03 alert CC-4502 acknowledged\n";
        let recs = read(
            "a.log",
            text,
            Format::Lines,
            None,
            Some(r"^(?P<date>\S+) alert (?P<id>\S+)"),
        )
        .unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].to_value()["id"], "CC-4502");
        assert_eq!(recs[1].line(), 3);
    }

    #[test]
    fn key_value_first_value_wins() {
        let text = "# comment\nPermitRootLogin no\nPasswordAuthentication=yes\nPermitRootLogin yes\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs[0].to_value()["PermitRootLogin"], "no");
        assert_eq!(recs[0].to_value()["PasswordAuthentication"], "yes");
        assert_eq!(recs[0].field_line("PasswordAuthentication"), 3);
    }

    #[test]
    fn key_value_keywords_ignore_case_and_the_first_one_wins() {
        let text = "permitrootlogin yes\nPermitRootLogin no\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].to_value()["permitrootlogin"], "yes");
        assert!(recs[0].to_value().get("PermitRootLogin").is_none());
    }

    #[test]
    fn match_blocks_are_records_of_their_own_at_their_line() {
        let text = "PermitRootLogin no\nPasswordAuthentication no\n\nMatch User backup\n  PermitRootLogin yes\n  PermitRootLogin no\n\
            Match Address 10.0.0.0/8\n  X11Forwarding yes\n";
        let recs = read("sshd_config", text, Format::Keyvalue, None, None).unwrap();
        assert_eq!(recs.len(), 3);
        let global = recs[0].to_value();
        assert_eq!(global["PermitRootLogin"], "no");
        assert!(global.get("Match").is_none() && global.get("X11Forwarding").is_none());
        assert_eq!(recs[0].line(), 1);

        let backup = recs[1].to_value();
        assert_eq!(backup["Match"], "User backup");
        assert_eq!(
            backup["PermitRootLogin"], "yes",
            "the block's first value overrides the global one"
        );
        assert_eq!(
            backup["PasswordAuthentication"], "no",
            "inherited from the global section"
        );
        assert_eq!(recs[1].line(), 4);
        assert_eq!(recs[1].field_line("PermitRootLogin"), 5);
        assert_eq!(recs[1].field_line("PasswordAuthentication"), 2);

        let lan = recs[2].to_value();
        assert_eq!(lan["Match"], "Address 10.0.0.0/8");
        assert_eq!(lan["PermitRootLogin"], "no");
        assert_eq!(lan["X11Forwarding"], "yes");
        assert_eq!(recs[2].line(), 7);
    }

    #[test]
    fn a_type_line_is_skipped_and_every_other_line_keeps_its_number() {
        let text = "#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n\"Name\",\"Enabled\"\r\n\"ann\",\"True\"\r\n\"bob\",\"False\"\r\n";
        let recs = read("u.csv", text, Format::Csv, None, None).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!((recs[0].line(), recs[1].line()), (3, 4));
        assert_eq!(recs[1].to_value()["Name"], "bob");
        let err = read("u.csv", "#TYPE X\na,a\n1,2\n", Format::Csv, None, None).unwrap_err();
        assert_eq!(err.line, Some(2), "the header is on line 2");
        // Only a first line is a type line.
        let recs = read("u.csv", "Name\n#TYPE X\n", Format::Csv, None, None).unwrap();
        assert_eq!(recs[0].to_value()["Name"], "#TYPE X");
    }

    #[test]
    fn a_semicolon_header_without_commas_is_split_at_semicolons() {
        assert_eq!(sniff_delimiter("a;b;c\r\n1;2;3\r\n"), b';');
        assert_eq!(sniff_delimiter("#TYPE X\na;b\n"), b';');
        assert_eq!(sniff_delimiter("a,b;c\n"), b',');
        assert_eq!(sniff_delimiter("name\n1;2\n"), b',');
        assert_eq!(csv_headers("#TYPE X\n\"a\";\"b\"\n", b';'), ["a", "b"]);
    }

    #[test]
    fn powershell_truncation_is_told_from_ordinary_text() {
        for t in [
            "System.Collections.Hashtable",
            "System.Object[]",
            "@{LastSignInDateTime=14/11/2026 22:13:20; LastNonInteractiveSignInDateTime=}",
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphDeviceActionResult",
            "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection",
        ] {
            assert!(truncated_by_powershell(t), "{t}");
        }
        for t in [
            "System",
            "Microsoft.Office",
            "System.Collections are great",
            "@{",
            "a@{b=c}",
            "@home",
            "",
        ] {
            assert!(!truncated_by_powershell(t), "{t}");
        }
    }

    #[test]
    fn graph_pages_error_responses_and_lines_that_match_no_pattern() {
        let file = SourceFile::new(
            "p.json",
            "{\n \"@odata.context\": \"x\",\n \"@odata.nextLink\": \"y\",\n \"value\": []\n}\n",
        );
        let renames = BTreeMap::new();
        let opts = |format| ReadOptions {
            format,
            records: None,
            pattern: None,
            delimiter: b',',
            renames: &renames,
        };
        let parsed = parse_file(&file, &opts(Format::Json)).unwrap();
        assert_eq!(parsed.page, Some(Page { next_link: Some(3) }));
        let last = SourceFile::new("p.json", "{\"value\": [{\"a\": 1}]}");
        assert_eq!(
            parse_file(&last, &opts(Format::Json)).unwrap().page,
            Some(Page { next_link: None })
        );
        let list = SourceFile::new("p.json", "[{\"a\": 1}]");
        assert_eq!(parse_file(&list, &opts(Format::Json)).unwrap().page, None);

        let error = SourceFile::new(
            "e.json",
            "{\"error\": {\"code\": \"Authorization_RequestDenied\", \"message\": \"Insufficient privileges\"}}",
        );
        let err = parse_file(&error, &opts(Format::Json)).unwrap_err();
        assert!(
            err.message
                .contains("Authorization_RequestDenied: Insufficient privileges"),
            "{}",
            err.message
        );

        let log = SourceFile::new("a.log", "# header\nok 1\nbad\n\nok 2\nbad\nbad\nbad\nbad\nbad\n");
        let re = regex::Regex::new(r"^ok (?P<n>\d)").unwrap();
        let parsed = parse_file(
            &log,
            &ReadOptions {
                pattern: Some(&re),
                ..opts(Format::Lines)
            },
        )
        .unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.notes.len(), 1);
        assert_eq!(parsed.notes[0].line, Some(3));
        assert!(
            parsed.notes[0]
                .message
                .starts_with("6 line(s) match no `pattern` and are not records (line 3, 6, 7, 8, 9, ...)"),
            "{}",
            parsed.notes[0].message
        );
    }
}
