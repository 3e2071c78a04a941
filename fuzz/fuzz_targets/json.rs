//! The JSON loader on arbitrary text.
//! The body is `assure::fuzzing::json`, which the stable smoke run (`examples/fuzz_smoke.rs`) also drives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assure::fuzzing::json(data));
