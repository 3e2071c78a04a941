//! Manifest parsing and validation on arbitrary text.
//! The body is `assure::fuzzing::manifest`, which the stable smoke run (`examples/fuzz_smoke.rs`) also drives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assure::fuzzing::manifest(data));
