//! assure: data security standards as code for NHS organisations in England.
//!
//! One pipeline, one direction. Each room imports only the rooms above it in this list:
//!
//! - [`core`]: spans, diagnostics, span-aware YAML and JSON, the jailed file reader, shared vocabulary;
//! - [`spec`]: what people write (standards files, manifest, waivers, reviews) and their JSON Schemas;
//! - [`evidence`]: a config repo's exports loaded into datasets of records that remember file and line;
//! - [`engine`]: compiled checks evaluated against evidence, in parallel, into check results;
//! - [`pack`]: a standards directory loaded, linted and compiled into the engine's checks;
//! - [`init`]: a first manifest drafted from a repo's files; [`collect`]: exports refreshed from Microsoft's APIs;
//! - [`assess`]: results assembled into an [`assess::Assessment`] with waivers, reviews and baselines applied;
//! - [`render`]: an assessment in, one output format per file;
//! - [`cli`]: the command line: arguments, exit codes, nothing else;
//! - [`fuzzing`]: the fuzz targets' bodies, shared by cargo-fuzz and the CI smoke run.
//!
//! `tests/layout.rs` holds the order and fails on any import that runs back up it; `docs/architecture.md`
//! draws it and says where new things go.
#![forbid(unsafe_code)]
// Input-derived data never unwraps: every failure becomes a diagnostic or a check error.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
// Diagnostics are large but only travel on cold error paths.
#![allow(clippy::result_large_err)]

pub mod assess;
pub mod cli;
pub mod collect;
pub mod core;
pub mod engine;
pub mod evidence;
pub mod fuzzing;
pub mod init;
pub mod pack;
pub mod render;
pub mod spec;
