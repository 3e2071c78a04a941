//! The standards loader and compiler (spec -> runnable check) on an arbitrary standards file.
//! The body is `assure::fuzzing::standard`, which the stable smoke run (`examples/fuzz_smoke.rs`) also drives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assure::fuzzing::standard(data));
