//! Every evidence format on arbitrary text; the first byte picks the format.
#![no_main]
use assure::evidence::formats::{ReadOptions, parse};
use assure::core::vocab::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let formats = [
        Format::Json,
        Format::Yaml,
        Format::Csv,
        Format::Tsv,
        Format::Lines,
        Format::Keyvalue,
    ];
    let format = formats[pick as usize % formats.len()];
    let records = assure::core::path::FieldPath::parse("value[*]").ok();
    let pattern = regex::Regex::new(r"^(?P<a>\S+) (?P<b>.*)").ok();
    let file = assure::core::source::SourceFile::new("fuzz", text);
    let renames = std::collections::BTreeMap::from([("renamed".to_string(), "a".to_string())]);
    let opts = ReadOptions {
        format,
        records: if pick & 0x80 != 0 { records.as_ref() } else { None },
        pattern: pattern.as_ref(),
        delimiter: b',',
        renames: &renames,
    };
    // Every stored cell must read back (spans inside the text, on character boundaries).
    for record in parse(&file, &opts).unwrap_or_default() {
        let _ = record.to_value();
    }
});
