//! Every evidence format on arbitrary text; the first byte picks the format.
//! The body is `assure::fuzzing::formats`, which the stable smoke run (`examples/fuzz_smoke.rs`) also drives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assure::fuzzing::formats(data));
