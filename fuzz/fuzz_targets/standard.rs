//! The standards loader and compiler (spec -> runnable check) on an arbitrary standards file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut files: Vec<(String, Vec<u8>)> = assure::pack::embedded_files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("ndg-"))
        .collect();
    files.push(("fuzz.yaml".into(), data.to_vec()));
    let (pack, _) = assure::pack::load_files(files);
    let _ = pack.compile_all(&Default::default(), jiff::Timestamp::UNIX_EPOCH);
});
