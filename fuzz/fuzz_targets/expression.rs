//! `expr:` and message templates compiled and run against a record: errors are fine, panics and hangs are not.
//! The body is `assure::fuzzing::expression`, which the stable smoke run (`examples/fuzz_smoke.rs`) also drives.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| assure::fuzzing::expression(data));
